#!/usr/bin/env bash
# Measures `quotecheck review`'s speed targets on a generated file: opening 100,000 rows
# (target: under a second) and acknowledging a decision (target: under 10 ms, journal append
# with fsync). The file is written on the disk of the current folder (or $BENCH_DIR), since
# fsync time depends on it.
#
# Usage: scripts/bench_review.sh [ROWS] [DECISIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench --quiet --bench review -- "${1:-100000}" "${2:-500}"
