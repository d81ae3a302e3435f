#!/usr/bin/env bash
# Benchmarks `quotecheck diff` on ROWS rows x 3 annotators (default 1,000,000) against the
# `krippendorff` Python package, and cross-checks the coefficients.
#
#   scripts/bench_diff.sh [ROWS]        RUNS=5 BENCH_DIR=... BENCH_VENV=...
#
# The files are full schema-v1 CSV (22 columns, a context sentence per row) made by
# scripts/gen_diff_bench.py. Prints:
#   - the input size;
#   - quotecheck's wall time end to end (reading the three CSVs, aligning, every coefficient,
#     the terminal report written to a file): best and median of RUNS, its CPU time (user +
#     system, all threads) and the peak RSS;
#   - the krippendorff package's time for nominal alpha alone on the same status labels,
#     already in memory as a numpy array: its first call in the process (which also pays for
#     loading and compiling its code paths), then warm (RUNS timed calls), wall and CPU;
#   - the ratios against the warm figure, which is the one to beat (below 1: quotecheck end to
#     end is faster than alpha alone), and against the first call. On a shared machine the
#     wall times depend on the other load; CPU times much less; the load average is printed;
#   - the time and peak RSS of a `--format json` run (every disagreement listed);
#   - both alphas, and on a 20,000-row sample alpha and Cohen's kappa against nltk.
# The quotecheck runs and the alpha calls alternate, so the load of a shared machine falls on
# both alike. The page cache is warmed first: the CSVs are dropped from it and read back, so
# that it holds them as after reading them from disk whatever wrote them (Linux then keeps a
# file read in large blocks in large pages, which are much cheaper to map than the 4 KiB pages
# a file written a few KiB at a time is cached in: about 0.1 s of CPU for these 870 MB).
# The krippendorff package is installed into a venv under /tmp if pip can reach PyPI.
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/quotecheck_bench_$ROWS}
VENV=${BENCH_VENV:-/tmp/quotecheck_bench_venv}
cd "$ROOT"
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/quotecheck

if [ ! -f "$DIR/ann3.csv" ]; then
  python3 scripts/gen_diff_bench.py --rows "$ROWS" --annotators 3 --out "$DIR" >/dev/null
fi
FILES=("$DIR/ann1.csv" "$DIR/ann2.csv" "$DIR/ann3.csv")
BYTES=$(cat "${FILES[@]}" | wc -c)
echo "input: $ROWS rows x 3 annotators, $((BYTES / 1000000)) MB of CSV ($((BYTES / ROWS / 3)) bytes/row), $(nproc) cores"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet krippendorff numpy nltk >/dev/null 2>&1 || true
fi
if ! "$VENV/bin/python" -c "import krippendorff, numpy" 2>/dev/null; then
  echo "krippendorff package not available: quotecheck alone"
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%e s, peak RSS %M KB" "$BIN" diff "${FILES[@]}" -o "$DIR/report.txt"
  done
  exit 0
fi

"$VENV/bin/python" - "$BIN" "$DIR" "$RUNS" <<'PY'
import csv, json, os, statistics, subprocess, sys, time
import numpy as np, krippendorff

binary, d, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = [f"{d}/ann{i}.csv" for i in (1, 2, 3)]

# The status labels, read with the csv module (not timed; cached next to the files).
codes = {"confirmed": 0, "corrected": 1, "rejected": 2, "flagged": 3}
cache = f"{d}/status_labels.npy"
if os.path.exists(cache) and all(os.path.getmtime(cache) > os.path.getmtime(f) for f in files):
    data = np.load(cache)
else:
    def status_column(path):
        with open(path, newline="") as f:
            rows = csv.reader(f)
            col = next(rows).index("status")
            return [codes.get(r[col], np.nan) for r in rows]
    data = np.array([status_column(f) for f in files], dtype=float)
    np.save(cache, data)
for f in files:  # the page cache as after reading the files from disk (see above)
    with open(f, "rb") as fh:
        os.fsync(fh.fileno())
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        while fh.read(1 << 24):
            pass

def run(args):
    """Wall time, CPU time (user + system) and peak RSS (MiB) of one quotecheck run. The peak
    comes from /usr/bin/time: a child forked from this (large) Python process would report
    Python's resident size as its own peak."""
    t = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", f"{d}/rss.txt", binary, *args],
                         stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        sys.exit(f"quotecheck failed: {args}")
    rss = int(open(f"{d}/rss.txt").read().split()[-1]) / 1024
    return wall, usage.ru_utime + usage.ru_stime, rss

alpha = lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
load = os.getloadavg()[0]
t = time.perf_counter()
ka_value = alpha()
first_call = time.perf_counter() - t
qc, qc_cpu, rss, ka, ka_cpu = [], [], [], [], []
for _ in range(runs):
    w, c, m = run(["diff", *files, "-o", f"{d}/report.txt"])
    qc.append(w)
    qc_cpu.append(c)
    rss.append(m)
    t, c = time.perf_counter(), time.process_time()
    alpha()
    ka.append(time.perf_counter() - t)
    ka_cpu.append(time.process_time() - c)
jw, _, jm = run(["diff", *files, "--format", "json", "-o", f"{d}/report.json"])

med = statistics.median
print(f"load average before timing: {load:.2f}")
print(f"quotecheck diff, end to end (terminal report): best {min(qc):.3f} s, median {med(qc):.3f} s "
      f"of {runs}; CPU (user+sys) best {min(qc_cpu):.3f} s; peak RSS {max(rss):.0f} MiB")
print(f"krippendorff.alpha alone, labels in memory: first call {first_call:.3f} s; "
      f"warm best {min(ka):.3f} s, median {med(ka):.3f} s of {runs}; warm CPU best {min(ka_cpu):.3f} s")
print(f"quotecheck / krippendorff.alpha warm (the figure to beat), wall: best {min(qc) / min(ka):.2f}, "
      f"median {med(qc) / med(ka):.2f}; CPU: best {min(qc_cpu) / min(ka_cpu):.2f}")
print(f"quotecheck / krippendorff.alpha first call, wall: best {min(qc) / first_call:.2f}")
print(f"quotecheck diff --format json (every disagreement): {jw:.3f} s, peak RSS {jm:.0f} MiB")
ours = json.load(open(f"{d}/report.json"))["status"]["krippendorff_alpha"]["value"]
print(f"status alpha: quotecheck {ours:.6f}  krippendorff package {ka_value:.6f}  difference {abs(ours - ka_value):.2e}")
PY

# Independent cross-check of alpha and Cohen's kappa with nltk on a sample.
if "$VENV/bin/python" -c "import nltk" 2>/dev/null; then
  S=$(mktemp -d)
  trap 'rm -rf "$S"' EXIT
  for i in 1 2 3; do head -20001 "$DIR/ann$i.csv" > "$S/ann$i.csv"; done
  "$BIN" diff "$S/ann1.csv" "$S/ann2.csv" "$S/ann3.csv" --speaker-match exact --format json -o "$S/report.json"
  "$VENV/bin/python" - "$S" <<'PY'
import csv, json, sys
from nltk.metrics.agreement import AnnotationTask
d = sys.argv[1]
def final(r):
    s = r["status"]
    if s == "corrected": return r["reviewed_speaker"].strip() or None
    if s == "confirmed": return (r["reviewed_speaker"] or r["speaker"]).strip() or None
    return None
rows = {i: list(csv.DictReader(open(f"{d}/ann{i}.csv", newline=""))) for i in (1, 2, 3)}
ours = json.load(open(f"{d}/report.json"))
for field, get in (("status", lambda r: r["status"] or None), ("speaker", final)):
    triples = [(f"ann{i}", r["quote_id"], get(r)) for i in (1, 2, 3) for r in rows[i] if get(r) is not None]
    # Cohen's kappa of ann1 and ann2 on the quotes both answered, as quotecheck defines it.
    items = {}
    for c, it, v in triples: items.setdefault(it, {})[c] = v
    pair = [(c, it, v) for it, cv in items.items() if "ann1" in cv and "ann2" in cv
            for c, v in cv.items() if c in ("ann1", "ann2")]
    k12 = AnnotationTask(data=pair).kappa_pairwise("ann1", "ann2")
    q = [p for p in ours[field]["cohen_kappa"] if p["a"] == "ann1" and p["b"] == "ann2"][0]
    alpha_all = AnnotationTask(data=triples).alpha()
    print(f"{field} (20,000-row sample): alpha quotecheck {ours[field]['krippendorff_alpha']['value']:.6f} nltk {alpha_all:.6f}; "
          f"cohen(ann1,ann2) quotecheck {q['cohen_kappa']['value']:.6f} nltk {k12:.6f}")
PY
fi
