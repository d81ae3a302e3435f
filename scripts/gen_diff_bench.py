#!/usr/bin/env python3
"""Generates reviewed copies of one synthetic extraction for benchmarking `quotecheck diff`.

Independent of quotecheck: writes schema-v1 CSV (all 22 columns) with the standard library only.
Every copy holds the same quotes in the same order; each annotator's answer follows a shared
"true" answer and deviates from it with probability --noise. Deterministic for a given --seed.

    python3 scripts/gen_diff_bench.py --rows 1000000 --annotators 3 --out /tmp/qc_bench
"""
import argparse
import os
import random

COLUMNS = ("quote_id,doc_id,kind,quote,start,end,speaker,speaker_mention,speaker_start,"
           "speaker_end,cue,confidence,rule,candidates,context,context_start,status,"
           "reviewed_speaker,annotator,reviewed_at,note,schema_version")
WORDS = ("the we will reopen bridge by spring nobody saw it coming deficit shrink next year "
         "incident is under review tried but pumps failed votes simply are not there need more "
         "time supply stable doses every adult clinics open monday river crested overnight now "
         "wait and pump plan a reckless gamble budget council city state people work jobs").split()
FIRST = ("Lena Raj Tom Amara Joe Lisa Nia Omar John Maria Wei Ana Ben Cy Dara Eli Fay Gus Hana "
         "Ivan Jia Kofi Lars Mina Noor Otto Pia Quin Rosa Sami Tara Umar Vera Wade Xena Yuri Zoe").split()
LAST = ("Ortiz Patel Reyes Okafor Park Chen Brooks Haddad Kerry Lopez Wang Silva Adams Baker "
        "Cohen Diaz Evans Fischer Garcia Huang Ito Jones Kim Lee Moore Nagy Olsen Price Quinn "
        "Rossi Smith Tanaka Ueda Vargas Weber Young Zhou").split()
STATUSES = ["confirmed", "corrected", "rejected", "flagged", ""]
TRUE_WEIGHTS = [0.75, 0.12, 0.08, 0.02, 0.03]


def csv_cell(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--annotators", type=int, default=3)
    ap.add_argument("--noise", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    speakers = [f"{f} {l}" for f in FIRST for l in LAST]
    names = [f"ann{i + 1}" for i in range(args.annotators)]
    files = [open(os.path.join(args.out, f"{n}.csv"), "w", newline="") for n in names]
    for f in files:
        f.write(COLUMNS + "\r\n")
    doc, pos = 0, 0
    for i in range(args.rows):
        if i % 20 == 0:
            doc, pos = doc + 1, 0
        n = rng.randint(6, 14)
        words = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.4:
            words[n // 2] += ","
        quote = " ".join(words)
        start = pos + rng.randint(5, 40)
        end = start + len(quote)
        pos = end + 60
        sp = rng.choice(speakers)
        mention = sp.split()[-1]
        cand = "|".join(rng.sample(speakers, 2))
        context = f'"{quote}," {mention} said.'
        truth = rng.choices(STATUSES, TRUE_WEIGHTS)[0]
        true_fix = rng.choice(speakers)
        pre = (f"doc{doc}:{start}-{end},doc{doc},direct,{csv_cell(quote)},{start},{end},{sp},"
               f"{mention},{end + 2},{end + 2 + len(mention)},said,0.8,adjacent,{cand},"
               f"{csv_cell(context)},{start - 1},")
        for a, f in zip(names, files):
            st, fix = truth, true_fix
            if rng.random() < args.noise:
                st = rng.choices(STATUSES, TRUE_WEIGHTS)[0]
            if st == "corrected" and rng.random() < args.noise:
                fix = rng.choice(speakers)
            reviewed = fix if st == "corrected" else ""
            who = a if st else ""
            when = "2026-01-02T10:00:00Z" if st else ""
            f.write(f"{pre}{st},{reviewed},{who},{when},,1\r\n")
    for f in files:
        f.close()
    print(" ".join(os.path.join(args.out, f"{n}.csv") for n in names))


if __name__ == "__main__":
    main()
