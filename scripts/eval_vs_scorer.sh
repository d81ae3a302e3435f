#!/usr/bin/env bash
# Scores `quotecheck extract` on PolNeAR train twice — with `quotecheck eval` against a gold file
# from `quotecheck import brat --quotes-only`, and with the independent reference scorer — and
# prints both sets of figures side by side with their differences.
#
# Usage: scripts/eval_vs_scorer.sh POLNEAR_DIR [SCORER]
#   POLNEAR_DIR  PolNeAR folder holding train/ (text/ + attributions/); default $POLNEAR_DIR
#   SCORER       the reference scorer; default ../shared/tools/polnear_eval.py beside the repo,
#                else tools/polnear_eval.py beside POLNEAR_DIR
# Env: QUOTECHECK=path/to/binary (default: build and use the debug binary),
#      KEEP=dir to keep the intermediate files there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
polnear="${1:-${POLNEAR_DIR:-}}"
scorer="${2:-$here/../shared/tools/polnear_eval.py}"
[[ -f "$scorer" || -n "${2:-}" ]] || scorer="$polnear/../tools/polnear_eval.py"
if [[ -z "$polnear" || ! -d "$polnear/train" ]]; then
  echo "usage: $0 POLNEAR_DIR [SCORER]   (PolNeAR folder with train/; not found: skipping)" >&2
  exit 0
fi
if [[ ! -f "$scorer" ]]; then
  echo "reference scorer not found at $scorer: skipping" >&2
  exit 0
fi
if [[ -z "${QUOTECHECK:-}" ]]; then
  (cd "$here" && cargo build --quiet)
  QUOTECHECK="${CARGO_TARGET_DIR:-$here/target}/debug/quotecheck"
fi
work="${KEEP:-$(mktemp -d)}"
mkdir -p "$work"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT

"$QUOTECHECK" import brat "$polnear/train" --quotes-only -o "$work/gold.csv"
"$QUOTECHECK" extract "$polnear/train/text" --kinds direct,mixed --no-progress -o "$work/pred.csv"
for mode in normalized surname; do
  "$QUOTECHECK" eval --gold "$work/gold.csv" --pred "$work/pred.csv" --format json \
    --speaker-match "$mode" -o "$work/quotecheck-$mode.json"
done
python3 "$scorer" --polnear "$polnear" --split train --system "$work/pred.csv" \
  --json "$work/scorer.json" > "$work/scorer.txt"

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
sc = json.load(open(f"{w}/scorer.json"))["results"]
qn = json.load(open(f"{w}/quotecheck-normalized.json"))
qs = json.load(open(f"{w}/quotecheck-surname.json"))
rows = [
    ("gold quotes", lambda r: r["n_gold"]),
    ("predicted quotes", lambda r: r.get("n_sys", r.get("n_pred"))),
    ("lenient precision", lambda r: r["lenient"]["precision"]),
    ("lenient recall", lambda r: r["lenient"]["recall"]),
    ("lenient F1", lambda r: r["lenient"]["f1"]),
    ("strict precision", lambda r: r["strict"]["precision"]),
    ("strict recall", lambda r: r["strict"]["recall"]),
    ("strict F1", lambda r: r["strict"]["f1"]),
    ("speaker accuracy", lambda r: r["speaker"]["accuracy"]),
    ("attributed precision", lambda r: r["attributed"]["precision"]),
    ("attributed recall", lambda r: r["attributed"]["recall"]),
    ("attributed F1", lambda r: r["attributed"]["f1"]),
]
def fmt(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v)
print(f"{'figure':<22}{'scorer':>10}{'eval':>10}{'diff':>9}{'eval/surname':>14}{'diff':>9}")
worst = 0.0
for name, get in rows:
    a, b, c = get(sc), get(qn), get(qs)
    d1, d2 = b - a, c - a
    if name.startswith(("lenient", "strict")):
        worst = max(worst, abs(d1))
    print(f"{name:<22}{fmt(a):>10}{fmt(b):>10}{d1:>+9.4f}{fmt(c):>14}{d2:>+9.4f}")
print(f"\nlargest quote P/R/F1 difference: {worst:.4f} ({'within' if worst <= 0.005 else 'OUTSIDE'} 0.005)")
print("speaker: the scorer also accepts a name found in the coreference chain of the gold source;")
print("brat files carry no coreference, so `eval` compares the names themselves (--speaker-match).")
PY
