#!/usr/bin/env bash
# Inter-annotator agreement on PolNeAR's multiply-annotated articles, measured with
# `quotecheck diff` on the files of `quotecheck import brat --quotes-only --per-annotator` (every
# annotator of an article gets the same rows: the quoted segments of its text; a row is
# `confirmed` with the source as speaker when the annotator made it a direct quote, `rejected`
# otherwise). Three sets:
#   annotator-training   POLNEAR_DIR/annotator-training (4 articles, 6 annotators each);
#   train                the articles of POLNEAR_DIR/train with more than one .ann file;
#   all                  both together: every multiply-annotated article there is.
# An annotator without a file for an article has no rows for it, so `diff` counts them missing
# there (not as rejecting its quotes). Prints, per set, the articles, annotators, rows and
# Krippendorff's alpha of status and of speaker (speakers compared exactly, normalised, and by
# shared content word as the PolNeAR scorer does). For comparison with figures measured over
# whole attributions rather than direct quotes, it also prints two token-wise alphas over the
# same articles (every whitespace-separated token, labelled per annotator): by role (Source, Cue,
# Content or none) and, over tokens someone put in a Content span, by that attribution's source
# (lowercased; possessive 's, punctuation, and leading titles and articles dropped).
#
# Usage: scripts/polnear_agreement.sh POLNEAR_DIR [OUTDIR] [-- extra diff arguments]
#   POLNEAR_DIR  PolNeAR folder holding annotator-training/ and/or train/; default $POLNEAR_DIR
#   OUTDIR       keep the work here: <set>/docs (symlinks to the articles), <set>/annotators
#                (one file per annotator), <set>/diff-<mode>.json, summary.tsv
#                (default: a temporary folder)
# Env: QUOTECHECK=path/to/binary (default: build and use the debug binary).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
polnear="${1:-${POLNEAR_DIR:-}}"
if [[ -z "$polnear" || ! ( -d "$polnear/annotator-training" || -d "$polnear/train" ) ]]; then
  echo "usage: $0 POLNEAR_DIR [OUTDIR] [-- diff arguments]   (PolNeAR folder with annotator-training/ or train/; not found: skipping)" >&2
  exit 0
fi
polnear="$(cd "$polnear" && pwd)"
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

# Folders of symlinks (text/ + attributions/) holding each set's multiply-annotated articles,
# chosen by their .ann files (<stem>_<annotator>.ann); metadata.tsv, when present, is checked
# against them.
python3 - "$polnear" "$outdir" <<'PY'
import csv, os, shutil, sys
polnear, out = sys.argv[1], sys.argv[2]
sets = {"annotator-training": [], "train": []}
for comp in sets:
    adir = os.path.join(polnear, comp, "attributions")
    if not os.path.isdir(adir):
        continue
    anns = {}
    for f in sorted(os.listdir(adir)):
        if f.endswith(".ann"):
            stem, _, who = f[:-4].rpartition("_")
            anns.setdefault(stem, []).append(who)
    for stem, whos in sorted(anns.items()):
        if len(whos) > 1:
            sets[comp].append((comp, stem, whos))
meta = os.path.join(polnear, "metadata.tsv")
if os.path.isfile(meta):
    with open(meta, newline="", encoding="utf-8") as fh:
        listed = {(r["compartment"], r["filename"]): sorted(r["annotators"].split("|"))
                  for r in csv.DictReader(fh, delimiter="\t")}
    for comp, stem, whos in sets["annotator-training"] + sets["train"]:
        if listed.get((comp, stem), sorted(whos)) != sorted(whos):
            print(f"warning: metadata.tsv lists annotators {listed[(comp, stem)]} for {stem}, "
                  f"the .ann files {sorted(whos)}", file=sys.stderr)
sets["all"] = sets["annotator-training"] + sets["train"]
for name, docs in sets.items():
    d = os.path.join(out, name, "docs")
    shutil.rmtree(os.path.join(out, name), ignore_errors=True)
    if not docs:
        continue
    os.makedirs(os.path.join(d, "text"))
    os.makedirs(os.path.join(d, "attributions"))
    for comp, stem, whos in docs:
        os.symlink(os.path.join(polnear, comp, "text", stem + ".txt"),
                   os.path.join(d, "text", stem + ".txt"))
        for who in whos:
            f = f"{stem}_{who}.ann"
            os.symlink(os.path.join(polnear, comp, "attributions", f),
                       os.path.join(d, "attributions", f))
PY

summary="$outdir/summary.tsv"
printf 'set\tarticles\tannotators\tfiles\trows\tmissing\tstatus\tspeaker_exact\tspeaker_normalized\tspeaker_overlap\ttoken_role\ttoken_source\n' > "$summary"
for set in annotator-training train all; do
  [[ -d "$outdir/$set/docs" ]] || continue
  "$QUOTECHECK" import brat "$outdir/$set/docs" --quotes-only \
    --per-annotator "$outdir/$set/annotators" 2>/dev/null
  for mode in exact normalized overlap; do
    set +e
    "$QUOTECHECK" diff "$outdir/$set/annotators"/*.csv --speaker-match "$mode" --format json \
      -o "$outdir/$set/diff-$mode.json" "$@" 2>/dev/null
    code=$?
    set -e
    # diff exits 1 when it finds disagreements: that is the expected outcome here.
    [[ $code -le 1 ]] || exit $code
  done
  python3 - "$outdir/$set" "$set" >> "$summary" <<'PY'
import json, os, re, sys
from collections import Counter, defaultdict
d, name = sys.argv[1], sys.argv[2]
diff = {m: json.load(open(os.path.join(d, f"diff-{m}.json"))) for m in ("exact", "normalized", "overlap")}
n = diff["normalized"]

def alpha(units):
    """Krippendorff's alpha, nominal; a unit is a list of labels, None for missing."""
    o = Counter()
    for u in units:
        vals = [v for v in u if v is not None]
        if len(vals) < 2:
            continue
        c = Counter(vals)
        for a in c:
            for b in c:
                o[a, b] += c[a] * (c[b] - (a == b)) / (len(vals) - 1)
    total = sum(o.values())
    marg = Counter()
    for (a, _), v in o.items():
        marg[a] += v
    d_o = sum(v for (a, b), v in o.items() if a != b)
    d_e = sum(marg[a] * marg[b] for a in marg for b in marg if a != b) / (total - 1)
    return 1 - d_o / d_e if d_e else float("nan")

TB = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
EV = re.compile(r"^(E\d+)\t(.*?)\s*$")
TITLES = {"the", "a", "an", "mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "gov",
          "governor", "president"}

def norm(s):
    s = re.sub(r"(\w)['\u2019]s\b", r"\1", s.lower())
    w = re.sub(r"[^\w\s]", " ", s).split()
    while len(w) > 1 and w[0] in TITLES:
        w.pop(0)
    return " ".join(w)

files = defaultdict(dict)
for f in os.listdir(os.path.join(d, "docs", "attributions")):
    stem, _, who = f[:-4].rpartition("_")
    files[stem][who] = os.path.join(d, "docs", "attributions", f)
whos = sorted({w for fs in files.values() for w in fs})
roles, sources = [], []
for stem, fs in sorted(files.items()):
    with open(os.path.join(d, "docs", "text", stem + ".txt"), encoding="utf-8") as fh:
        text = fh.read()
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    role, source = {}, {}
    for who, path in fs.items():
        tbs, events = {}, []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if m := TB.match(line):
                    tbs[m[1]] = (m[2], [tuple(map(int, p.split())) for p in m[3].split(";")])
                elif m := EV.match(line):
                    events.append(dict(x.split(":", 1) for x in m[2].split() if ":" in x))
        r, s = ["none"] * len(text), [None] * len(text)
        for typ, pieces in tbs.values():
            if typ in ("Source", "Cue", "Content"):
                for a, b in pieces:
                    r[a:b] = [typ] * (b - a)
        for ev in events:
            src = norm(" ".join(text[a:b] for a, b in tbs[ev["Source"]][1])) \
                if ev.get("Source") in tbs else ""
            for k in ("Content", "Content2"):
                for a, b in tbs[ev[k]][1] if ev.get(k) in tbs else []:
                    s[a:b] = [src] * (b - a)
        role[who], source[who] = r[:len(text)], s[:len(text)]
    for a, b in tokens:
        most = lambda lab, w: Counter(lab[w][a:b]).most_common(1)[0][0] if w in lab else None
        roles.append([most(role, w) for w in whos])
        row = [most(source, w) for w in whos]
        if any(v is not None for v in row):
            sources.append(row)
k = lambda r, f: f"{r[f]['krippendorff_alpha']['value']:.3f}"
print("\t".join(str(x) for x in (
    name, len(files), len(n["annotators"]), sum(len(f) for f in files.values()),
    n["units"]["total"], sum(a["missing_units"] for a in n["annotators"]),
    k(n, "status"), k(diff["exact"], "speaker"), k(n, "speaker"), k(diff["overlap"], "speaker"),
    f"{alpha(roles):.3f}", f"{alpha(sources):.3f}")))
PY
done
column -t -s $'\t' "$summary"
cat <<'TXT'

files: .ann files (annotator-article pairs); rows: the quoted segments of the articles (every
annotator's direct-quote units, and quoted text nobody attributed); missing: rows of articles an
annotator did not annotate. status: alpha of confirmed (a direct quote of theirs) / rejected per
row; speaker_*: alpha of the source of the confirmed rows. token_role, token_source: token-wise
alphas over every attribution, direct or not (see the top of this script).
TXT
