#!/usr/bin/env bash
# Scores `quotecheck extract` on PolNeAR train with `quotecheck eval` (gold from
# `quotecheck import brat --quotes-only`) and with the independent reference scorer — once as it
# is and once with its coreference chains out of reach — and prints the figures side by side:
#   * quote P/R/F1: eval against the scorer (must agree within 0.005);
#   * speaker accuracy and attributed P/R/F1: `eval --speaker-match overlap` against the scorer
#     without coreference (the same rule, so they must be equal);
#   * the part of the scorer's speaker figures due to coreference (with minus without), which a
#     brat gold cannot reproduce because brat files carry no coreference.
# Exits 1 when either agreement fails.
#
# Usage: scripts/eval_vs_scorer.sh POLNEAR_DIR [SCORER]
#   POLNEAR_DIR  PolNeAR folder holding train/ (text/ + attributions/ [+ coref/]); default
#                $POLNEAR_DIR
#   SCORER       the reference scorer; default ../shared/tools/polnear_eval.py beside the repo,
#                else tools/polnear_eval.py beside POLNEAR_DIR
# Env: QUOTECHECK=path/to/binary (default: build and use the debug binary),
#      PRED=predictions.csv to score instead of running extract,
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
polnear="$(cd "$polnear" && pwd)"
if [[ -z "${QUOTECHECK:-}" ]]; then
  (cd "$here" && cargo build --quiet)
  QUOTECHECK="${CARGO_TARGET_DIR:-$here/target}/debug/quotecheck"
fi
work="${KEEP:-$(mktemp -d)}"
mkdir -p "$work"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT

"$QUOTECHECK" import brat "$polnear/train" --quotes-only -o "$work/gold.csv"
if [[ -n "${PRED:-}" ]]; then
  cp "$PRED" "$work/pred.csv"
else
  "$QUOTECHECK" extract "$polnear/train/text" --kinds direct,mixed --no-progress -o "$work/pred.csv"
fi
for mode in overlap surname normalized; do
  "$QUOTECHECK" eval --gold "$work/gold.csv" --pred "$work/pred.csv" --format json \
    --speaker-match "$mode" -o "$work/quotecheck-$mode.json" --errors "$work/errors-$mode.csv"
done
python3 "$scorer" --polnear "$polnear" --split train --system "$work/pred.csv" \
  --json "$work/scorer.json" > "$work/scorer.txt"
# The same texts and annotations without coref/ (or corenlp/): the scorer finds no chains.
rm -rf "$work/nocoref"
mkdir -p "$work/nocoref/train"
ln -s "$polnear/train/text" "$work/nocoref/train/text"
ln -s "$polnear/train/attributions" "$work/nocoref/train/attributions"
python3 "$scorer" --polnear "$work/nocoref" --split train --system "$work/pred.csv" \
  --json "$work/scorer-nocoref.json" --errors "$work/scorer-nocoref-errors.csv" \
  > "$work/scorer-nocoref.txt"

python3 - "$work" <<'PY'
import csv, json, sys
w = sys.argv[1]
csv.field_size_limit(10**9)

def wrong_speakers(path, quote, speaker):
    """(document, quote without edge marks, predicted speaker) of every wrong-speaker row."""
    marks = " \t\r\n\u00a0\"'\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u2033\u00ab\u00bb`"
    with open(path, newline="", encoding="utf-8") as fh:
        return {(r["doc_id"], r[quote].strip(marks), r[speaker].strip())
                for r in csv.DictReader(fh) if r["type"] == "wrong_speaker"}

sc_all = json.load(open(f"{w}/scorer.json"))
nc_all = json.load(open(f"{w}/scorer-nocoref.json"))
sc, nc = sc_all["results"], nc_all["results"]
q = {m: json.load(open(f"{w}/quotecheck-{m}.json")) for m in ("overlap", "surname", "normalized")}
if nc_all["gold"]["docs_missing_corenlp"] != nc_all["gold"]["n_docs"]:
    sys.exit("the scorer still found coreference chains in the folder without them")
quote_rows = [
    ("lenient precision", lambda r: r["lenient"]["precision"]),
    ("lenient recall", lambda r: r["lenient"]["recall"]),
    ("lenient F1", lambda r: r["lenient"]["f1"]),
    ("strict precision", lambda r: r["strict"]["precision"]),
    ("strict recall", lambda r: r["strict"]["recall"]),
    ("strict F1", lambda r: r["strict"]["f1"]),
]
speaker_rows = [
    ("speaker accuracy", lambda r: r["speaker"]["accuracy"]),
    ("attributed precision", lambda r: r["attributed"]["precision"]),
    ("attributed recall", lambda r: r["attributed"]["recall"]),
    ("attributed F1", lambda r: r["attributed"]["f1"]),
]
print(f"scorer: {sc['n_docs']} documents, {sc['n_gold']} gold quotes, {sc['n_sys']} predicted, "
      f"{sc['speaker']['n']} lenient matches with a gold source")
print(f"eval:   {q['overlap']['n_docs']} documents with a row, {q['overlap']['n_gold']} gold quotes, "
      f"{q['overlap']['n_pred']} predicted, {q['overlap']['speaker']['n']} lenient matches with a gold source\n")
print("Quotes: eval against the scorer")
print(f"{'figure':<24}{'scorer':>10}{'eval':>10}{'diff':>10}")
worst = 0.0
for name, get in quote_rows:
    a, b = get(sc), get(q["overlap"])
    worst = max(worst, abs(b - a))
    print(f"{name:<24}{a:>10.4f}{b:>10.4f}{b - a:>+10.4f}")
print("\nSpeakers: eval --speaker-match overlap against the scorer without coreference")
print(f"{'figure':<24}{'no coref':>10}{'overlap':>10}{'diff':>10}{'scorer':>10}{'coref part':>12}"
      f"{'surname':>10}{'normalized':>12}")
worst_sp = 0.0
for name, get in speaker_rows:
    a, b, full = get(nc), get(q["overlap"]), get(sc)
    worst_sp = max(worst_sp, abs(b - a))
    print(f"{name:<24}{a:>10.4f}{b:>10.4f}{b - a:>+10.4f}{full:>10.4f}{full - a:>+12.4f}"
          f"{get(q['surname']):>10.4f}{get(q['normalized']):>12.4f}")
same_counts = (nc["speaker"]["correct"], nc["speaker"]["n"], nc["attributed"]["tp"]) == (
    q["overlap"]["speaker"]["correct"], q["overlap"]["speaker"]["n"], q["overlap"]["attributed"]["tp"])
ours = wrong_speakers(f"{w}/errors-overlap.csv", "gold_quote", "pred_speaker")
theirs = wrong_speakers(f"{w}/scorer-nocoref-errors.csv", "gold_quote", "sys_speaker")
same_counts = same_counts and ours == theirs
print(f"\nlargest quote P/R/F1 difference: {worst:.4f} "
      f"({'within' if worst <= 0.005 else 'OUTSIDE'} 0.005)")
print(f"largest speaker difference without coreference: {worst_sp:.4f} "
      f"(counts {'equal' if same_counts else 'DIFFERENT'}: "
      f"{q['overlap']['speaker']['correct']}/{q['overlap']['speaker']['n']} right speakers, "
      f"{q['overlap']['attributed']['tp']} attributed; wrong-speaker rows: {len(ours)} here, "
      f"{len(theirs)} there, {len(ours ^ theirs)} not in both)")
print(f"due to coreference (scorer minus scorer without it): speaker accuracy "
      f"{sc['speaker']['accuracy'] - nc['speaker']['accuracy']:+.4f}, attributed F1 "
      f"{sc['attributed']['f1'] - nc['attributed']['f1']:+.4f}")
sys.exit(0 if worst <= 0.005 and same_counts else 1)
PY
