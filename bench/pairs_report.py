#!/usr/bin/env python3
"""Precision and recall of duben's automatic translation pairing.

    bench/pairs_report.py SITE_DIR PAIRS_TSV

Runs `duben check --root SITE_DIR` (the release binary must be built) and
compares the pairs it uses with the true pairs written by
`gen_corpus.py --pair-fraction F --pairs-out PAIRS_TSV`.
"""
import os
import re
import subprocess
import sys


def url_of(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\[.*\]\((\S+)\)\s*$", line.strip())
            if m:
                return m.group(1)
    return None


def main(site, pairs_tsv):
    binary = os.path.join(os.path.dirname(__file__), "..", "target", "release", "duben")
    out = subprocess.run([binary, "check", "--root", site], capture_output=True, text=True).stdout
    used, suggested = set(), 0
    for line in out.splitlines():
        m = re.match(r"^\s+(used|suggested)\s+[\d.]+ \(\d+ names\) (\S+) ⇄ (\S+)$", line)
        if not m:
            continue
        if m.group(1) == "used":
            used.add((url_of(os.path.join(site, m.group(2))), url_of(os.path.join(site, m.group(3)))))
        else:
            suggested += 1
    truth = set(tuple(l.split("\t")) for l in open(pairs_tsv, encoding="utf-8").read().split("\n") if l)
    tp = len(used & truth)
    print(f"true pairs: {len(truth)}, pairs used: {len(used)}, correct: {tp}, only suggested: {suggested}")
    print(f"precision: {tp / max(len(used), 1):.3f}  recall: {tp / max(len(truth), 1):.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
