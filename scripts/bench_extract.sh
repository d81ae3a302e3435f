#!/usr/bin/env bash
# Throughput and peak memory of `quotecheck extract`, against `wc -w` on the same bytes.
#
#   scripts/bench_extract.sh CORPUS [SIZE_MB]
#
# CORPUS is a PolNeAR folder (its train/text/*.txt are used) or any folder of .txt articles
# (or $POLNEAR_DIR). The articles are repeated, with fresh ids, into a JSON Lines file of at
# least SIZE_MB megabytes (default 100) and into one of twice that size, in a temporary folder
# that is removed afterwards. For each size the script times `wc -w` and `quotecheck extract`
# (all kinds, CSV written to a file) and prints MB/s, the ratio, peak resident memory, and the
# CPU seconds quotecheck used (user + system, all threads): on a machine shared with other work
# the wall-clock figures depend on the load (printed before and after), the CPU time much less.
# QUOTECHECK_BIN=path measures that binary instead of building this checkout (to compare two
# builds on the same corpus).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-${POLNEAR_DIR:-}}"
size_mb="${2:-100}"
if [[ -z "$src" || ! -d "$src" ]]; then
    echo "usage: $0 CORPUS_DIR [SIZE_MB]   (a PolNeAR folder or a folder of .txt files)" >&2
    exit 2
fi
[[ -d "$src/train/text" ]] && src="$src/train/text"

if [[ -n "${QUOTECHECK_BIN:-}" ]]; then
    bin="$QUOTECHECK_BIN"
else
    cargo build --release --quiet --manifest-path "$root/Cargo.toml"
    bin="${CARGO_TARGET_DIR:-$root/target}/release/quotecheck"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Runs a command; prints "<wall seconds> <peak RSS in KiB> <CPU seconds>".
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.perf_counter() - t
if r.returncode != 0:
    sys.exit(f"command failed ({r.returncode}): {' '.join(sys.argv[1:])}")
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{dt:.3f} {u.ru_maxrss} {u.ru_utime + u.ru_stime:.3f}")
PY
}

make_corpus() { # make_corpus OUT MB
    python3 - "$src" "$1" "$2" <<'PY'
import json, os, sys
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = []
for name in sorted(os.listdir(src)):
    if name.endswith(".txt"):
        with open(os.path.join(src, name), encoding="utf-8", errors="replace") as fh:
            texts.append((name[:-4], fh.read()))
if not texts:
    sys.exit(f"no .txt files in {src}")
target = mb * 1_000_000
written = 0
n = 0
with open(out, "w", encoding="utf-8") as fh:
    while written < target:
        for stem, text in texts:
            line = json.dumps({"id": f"{stem}#{n}", "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
            if written >= target:
                break
print(n)
PY
}

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
printf '%s\n' "quotecheck extract vs wc -w ($(nproc) cores, LANG=${LANG:-unset}, corpus from $src)"
printf '%s\n' "load average before: $(load)"
printf '%-8s %8s %10s %10s %10s %7s %12s %10s\n' "size" "docs" "wc MB/s" "qc MB/s" "qc secs" "ratio" "qc peak MiB" "qc cpu s"
for mb in "$size_mb" "$((size_mb * 2))"; do
    f="$tmp/corpus_$mb.jsonl"
    docs=$(make_corpus "$f" "$mb")
    bytes=$(stat -c %s "$f")
    cat "$f" >/dev/null # warm the page cache for both runs
    read -r wc_s _ _ < <(measure wc -w "$f")
    read -r qc_s qc_kb qc_cpu < <(measure "$bin" extract "$f" --no-progress -o "$tmp/out.csv")
    rows=$(($(wc -l <"$tmp/out.csv") - 1))
    python3 - "$bytes" "$docs" "$wc_s" "$qc_s" "$qc_kb" "$rows" "$qc_cpu" <<'PY'
import sys
b, docs, wc, qc, kb, rows, cpu = sys.argv[1:]
b = int(b); wc = float(wc); qc = float(qc)
mbs = lambda s: b / 1e6 / s if s > 0 else float("inf")
print(f"{b/1e6:6.0f}MB {int(docs):8d} {mbs(wc):10.1f} {mbs(qc):10.1f} {qc:10.2f} {mbs(qc)/mbs(wc):7.2f} {int(kb)/1024:12.1f} {float(cpu):10.2f}   ({int(rows)} rows)")
PY
    rm -f "$f" "$tmp/out.csv"
done
printf '%s\n' "load average after: $(load)"
