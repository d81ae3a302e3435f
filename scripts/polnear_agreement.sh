#!/usr/bin/env bash
# Inter-annotator agreement on PolNeAR's multiply-annotated articles: imports
# POLNEAR_DIR/annotator-training (4 articles, 6 annotators each) with
# `quotecheck import brat --quotes-only --per-annotator`, so that every annotator gets the same
# rows (the quoted segments of the texts), then runs `quotecheck diff` on the annotators' files.
#
# Usage: scripts/polnear_agreement.sh POLNEAR_DIR [OUTDIR] [-- extra diff arguments]
#   POLNEAR_DIR  PolNeAR folder holding annotator-training/; default $POLNEAR_DIR
#   OUTDIR       where the per-annotator files go (default: a temporary folder)
# Env: QUOTECHECK=path/to/binary (default: build and use the debug binary).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
polnear="${1:-${POLNEAR_DIR:-}}"
if [[ -z "$polnear" || ! -d "$polnear/annotator-training" ]]; then
  echo "usage: $0 POLNEAR_DIR [OUTDIR]   (PolNeAR folder with annotator-training/; not found: skipping)" >&2
  exit 0
fi
shift || true
outdir=""
if [[ $# -gt 0 && "$1" != "--" ]]; then outdir="$1"; shift; fi
[[ "${1:-}" == "--" ]] && shift
if [[ -z "${QUOTECHECK:-}" ]]; then
  (cd "$here" && cargo build --quiet)
  QUOTECHECK="${CARGO_TARGET_DIR:-$here/target}/debug/quotecheck"
fi
if [[ -z "$outdir" ]]; then
  outdir="$(mktemp -d)"
  trap 'rm -rf "$outdir"' EXIT
fi
mkdir -p "$outdir"
rm -f "$outdir"/*.csv
"$QUOTECHECK" import brat "$polnear/annotator-training" --quotes-only --per-annotator "$outdir"
rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' "$(ls "$outdir"/*.csv | head -1)")
echo "annotators: $(ls "$outdir"/*.csv | wc -l); rows per annotator: $rows"
set +e
"$QUOTECHECK" diff "$outdir"/*.csv "$@"
code=$?
set -e
# diff exits 1 when it finds disagreements: that is the expected outcome here.
[[ $code -le 1 ]] || exit $code
