#!/usr/bin/env bash
# Benchmarks `quotecheck diff` on ROWS rows x 3 annotators (default 1,000,000) and cross-checks
# its coefficients against independent implementations.
#
#   scripts/bench_diff.sh [ROWS]
#
# Prints: the size of the generated files; quotecheck's end-to-end time (reading the CSVs
# included; best of 3 runs) and peak RSS; and, with the `krippendorff` Python package (installed
# into a venv under /tmp if pip can reach PyPI), its time for alpha alone on the same status
# labels already in memory, and both alphas. On a 20,000-row sample it also compares alpha and
# Cohen's kappa with nltk's implementations. Set BENCH_DIR to reuse generated files.
set -euo pipefail
ROWS=${1:-1000000}
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
echo "input: $ROWS rows x 3 annotators, $((BYTES / 1000000)) MB of CSV ($((BYTES / ROWS / 3)) bytes/row)"

best=""
for i in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$BIN" diff "${FILES[@]}" -o "$DIR/report.txt"
  read -r secs kb < "$DIR/time.txt"
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
done
echo "quotecheck diff (terminal report, end to end): ${best} s, peak RSS $((rss / 1024)) MiB"
"$BIN" diff "${FILES[@]}" --format json -o "$DIR/report.json" --limit 0

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet krippendorff numpy nltk >/dev/null 2>&1 || true
fi
if ! "$VENV/bin/python" -c "import krippendorff, numpy" 2>/dev/null; then
  echo "krippendorff package not available: no comparison"
  exit 0
fi
"$VENV/bin/python" - "$DIR" <<'PY'
import csv, json, sys, time
import numpy as np, krippendorff
d = sys.argv[1]
codes = {"confirmed": 0, "corrected": 1, "rejected": 2, "flagged": 3}
def status_column(path):
    with open(path, newline="") as f:
        return [codes.get(r["status"], np.nan) for r in csv.DictReader(f)]
data = np.array([status_column(f"{d}/ann{i}.csv") for i in (1, 2, 3)], dtype=float)
times = []
for _ in range(3):
    t = time.perf_counter()
    a = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    times.append(time.perf_counter() - t)
ours = json.load(open(f"{d}/report.json"))["status"]["krippendorff_alpha"]["value"]
print(f"krippendorff package, alpha only on labels in memory: first call {times[0]:.3f} s, best {min(times):.3f} s")
print(f"status alpha: quotecheck {ours:.6f}  krippendorff package {a:.6f}  difference {abs(ours - a):.2e}")
PY

# Independent cross-check of alpha and Cohen's kappa with nltk on a sample.
if "$VENV/bin/python" -c "import nltk" 2>/dev/null; then
  S=/tmp/quotecheck_bench_sample
  mkdir -p "$S"
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
