#!/usr/bin/env bash
# Scores `quotecheck extract` on the PolNeAR train split with the independent scorer.
#
#   scripts/polnear_eval.sh POLNEAR_DIR [OUT_DIR]
#
# POLNEAR_DIR (or $POLNEAR_DIR) holds train/text/*.txt; the scorer is $POLNEAR_EVAL, else
# tools/polnear_eval.py beside POLNEAR_DIR, else ../shared/tools/polnear_eval.py beside the
# repository. Writes the system CSV,
# the scorer's JSON and its error list to OUT_DIR (default: a temporary directory) and prints the
# table twice: speakers as resolved names (the `speaker` column) and as the surface mentions
# PolNeAR annotates (`speaker_mention`). Exits 0 with a message when PolNeAR is absent.
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

# with_mention IN OUT: the rows of IN with `speaker` replaced by `speaker_mention` where there
# is one.
with_mention() {
    python3 - "$1" "$2" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as fi, \
        open(sys.argv[2], "w", newline="", encoding="utf-8") as fo:
    rows = csv.DictReader(fi)
    w = csv.DictWriter(fo, fieldnames=rows.fieldnames)
    w.writeheader()
    for r in rows:
        if r["speaker_mention"].strip():
            r["speaker"] = r["speaker_mention"]
        w.writerow(r)
PY
}

"$bin" extract "$polnear/train/text" --kinds direct,mixed --no-progress -o "$out/train.csv"
python3 "$scorer" --split train --polnear "$polnear" --system "$out/train.csv" --offsets chars \
    --name "quotecheck extract (train)" --json "$out/train.json" --errors "$out/errors.csv"
# PolNeAR annotates the source *mention* (`he`, `the Pentagon`), and the scorer compares the
# speaker string with that mention's text, crediting a resolved name only through CoreNLP's
# coreference chains. The same rows scored with the `speaker_mention` column (the surface text
# the speaker was found at) measure attribution at the level the corpus annotates; rows
# without a mention keep their speaker. Both figures are reported.
with_mention "$out/train.csv" "$out/train_mention.csv"
python3 "$scorer" --split train --polnear "$polnear" --system "$out/train_mention.csv" \
    --offsets chars --name "quotecheck extract (train), speaker = speaker_mention" \
    --json "$out/train_mention.json" --errors "$out/errors_mention.csv"
# Indirect speech, which the scorer leaves out: the extractor's `indirect` rows against every
# attribution PolNeAR annotates (quotecheck's own `eval`; speaker = mention, the scorer's
# content-word rule). Precision says how often an indirect row is an annotated attribution;
# recall is low by design (only speech verbs in sentences without quotation marks are read,
# while PolNeAR also annotates attributions such as `mocked`, `is expected to`, `polls show`).
"$bin" extract "$polnear/train/text" --kinds indirect --no-progress -o "$out/train_indirect.csv"
"$bin" import brat "$polnear/train" -o "$out/gold_all.csv" 2>/dev/null
with_mention "$out/train_indirect.csv" "$out/train_indirect_mention.csv"
echo
echo "indirect rows against all PolNeAR attributions (quotecheck eval, speaker = mention):"
"$bin" eval --gold "$out/gold_all.csv" --pred "$out/train_indirect_mention.csv" \
    --speaker-match overlap | sed -n '1,7p'
echo "system output: $out/train.csv; errors: $out/errors.csv (speaker_mention: $out/errors_mention.csv)"
