#!/usr/bin/env python3
"""Fill in code-point offsets for a hand-written gold draft.

A draft lists, per quote: doc_id, kind, quote (exact text, without its quotation marks), speaker
(normalised name), speaker_mention (the surface text naming the speaker), cue, and optionally `nth`
(which occurrence of the quote text, 1-based, when it occurs more than once). This script finds
each quote in `<articles>/<doc_id>.txt`, takes the mention occurrence nearest to it, and writes a
quotecheck schema-v1 gold CSV with status `confirmed`.

Usage: scripts/gold_offsets.py DRAFT.csv ARTICLES_DIR -o GOLD.csv
"""
import argparse
import csv
import sys

COLUMNS = ["quote_id", "doc_id", "kind", "quote", "start", "end", "speaker", "speaker_mention",
           "speaker_start", "speaker_end", "cue", "confidence", "rule", "candidates", "context",
           "context_start", "status", "reviewed_speaker", "annotator", "reviewed_at", "note",
           "schema_version"]


def occurrences(text, needle):
    out, i = [], text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def escape(v):
    """The schema's spreadsheet-safety rule (docs/schema.md)."""
    rest = v.lstrip("'")
    return "'" + v if rest[:1] in ("=", "+", "-", "@", "\t", "\r") and rest else v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("draft")
    ap.add_argument("articles")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    texts = {}
    rows = []
    ok = True
    with open(a.draft, newline="", encoding="utf-8") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            doc = r["doc_id"]
            if doc not in texts:
                with open(f"{a.articles}/{doc}.txt", encoding="utf-8") as t:
                    texts[doc] = t.read()
            text = texts[doc]
            occ = occurrences(text, r["quote"])
            nth = int(r.get("nth") or 1)
            if len(occ) < nth:
                print(f"{a.draft}:{line}: quote not found in {doc}: {r['quote']!r}", file=sys.stderr)
                ok = False
                continue
            if len(occ) > 1 and not r.get("nth"):
                print(f"{a.draft}:{line}: quote occurs {len(occ)} times; set nth", file=sys.stderr)
                ok = False
                continue
            s = occ[nth - 1]
            e = s + len(r["quote"])
            ms = me = ""
            if r["speaker_mention"]:
                mocc = occurrences(text, r["speaker_mention"])
                if not mocc:
                    print(f"{a.draft}:{line}: mention not found: {r['speaker_mention']!r}", file=sys.stderr)
                    ok = False
                    continue
                # nearest mention to the quote, preferring one outside it
                m = min(mocc, key=lambda x: (s <= x < e, min(abs(x - s), abs(x - e))))
                ms, me = m, m + len(r["speaker_mention"])
            rows.append({
                "quote_id": f"{doc}:{s}-{e}", "doc_id": doc, "kind": r["kind"], "quote": r["quote"],
                "start": s, "end": e, "speaker": r["speaker"], "speaker_mention": r["speaker_mention"],
                "speaker_start": ms, "speaker_end": me, "cue": r["cue"], "confidence": "1",
                "rule": "gold", "status": "confirmed", "annotator": "gold", "schema_version": 1,
            })
    if not ok:
        return 2
    rows.sort(key=lambda r: (r["doc_id"], r["start"]))
    with open(a.output, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\r\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: escape(str(v)) if isinstance(v, str) else v for k, v in r.items()})
    print(f"wrote {len(rows)} rows to {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
