#!/usr/bin/env bash
# Scores `quotecheck extract` on the PolNeAR train split with the independent scorer.
#
#   scripts/polnear_eval.sh POLNEAR_DIR [OUT_DIR]
#
# POLNEAR_DIR (or $POLNEAR_DIR) holds train/text/*.txt; the scorer is $POLNEAR_EVAL, else
# tools/polnear_eval.py beside POLNEAR_DIR, else ../shared/tools/polnear_eval.py beside the
# repository. Writes the system CSV,
# the scorer's JSON and its error list to OUT_DIR (default: a temporary directory) and prints the
# table. Exits 0 with a message when PolNeAR is absent.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
polnear="${1:-${POLNEAR_DIR:-}}"
if [[ -z "$polnear" || ! -d "$polnear/train/text" ]]; then
    echo "PolNeAR not found (pass its folder or set POLNEAR_DIR); skipping." >&2
    exit 0
fi
scorer="${POLNEAR_EVAL:-}"
for c in "$polnear/../tools/polnear_eval.py" "$root/../shared/tools/polnear_eval.py"; do
    [[ -z "$scorer" && -f "$c" ]] && scorer="$c"
done
if [[ -z "$scorer" || ! -f "$scorer" ]]; then
    echo "scorer not found at $scorer (set POLNEAR_EVAL); skipping." >&2
    exit 0
fi
out="${2:-$(mktemp -d)}"
mkdir -p "$out"

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/quotecheck"

"$bin" extract "$polnear/train/text" --kinds direct,mixed --no-progress -o "$out/train.csv"
python3 "$scorer" --split train --polnear "$polnear" --system "$out/train.csv" --offsets chars \
    --name "quotecheck extract (train)" --json "$out/train.json" --errors "$out/errors.csv"
echo "system output: $out/train.csv; errors: $out/errors.csv"
