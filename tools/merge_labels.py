#!/usr/bin/env python3
"""Merge two independent readers' labels of one family into corpus rows.

  python3 tools/merge_labels.py FAMILY CANDIDATES.jsonl LABELS_A.jsonl LABELS_B.jsonl OUT.jsonl

Rules (the same as for the rest of tests/data/real):
- a row either reader marked `unsure` is dropped;
- a row the readers split on solicitation vs not (intent counts as not) is dropped;
- a row both call `intent` is `intent`; one `intent` and one `not` is `not`;
- `kind` is reader A's.
Prints the counts and Cohen's kappa (solicitation vs not, on the rows
neither reader marked unsure), for the family's README line.
"""

import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def kappa(pairs):
    n = len(pairs)
    if n == 0:
        return float("nan")
    agree = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if chance == 1 else (agree - chance) / (1 - chance)


def main():
    family, cand, la, lb, out = sys.argv[1:6]
    rows = load(cand)
    a = {r["id"]: r for r in load(la)}
    b = {r["id"]: r for r in load(lb)}
    missing = [r["id"] for r in rows if r["id"] not in a or r["id"] not in b]
    if missing:
        sys.exit(f"{len(missing)} candidates lack a label from one reader, e.g. {missing[:3]}")
    kept, pairs, unsure, split = [], [], 0, 0
    for r in rows:
        x, y = a[r["id"]]["label"], b[r["id"]]["label"]
        if "unsure" in (x, y):
            unsure += 1
            continue
        pairs.append((x == "solicitation", y == "solicitation"))
        if (x == "solicitation") != (y == "solicitation"):
            split += 1
            continue
        label = x if x == y else "not"
        kept.append(
            {
                "id": r["id"],
                "text": r["text"],
                "label": label,
                "kind": a[r["id"]].get("kind", ""),
                "source": r["source"],
            }
        )
    with open(out, "w", encoding="utf-8") as f:
        for r in kept:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {l: sum(r["label"] == l for r in kept) for l in ("solicitation", "intent", "not")}
    print(
        f"{family}: {len(rows)} candidates, {unsure} unsure, {split} split, {len(kept)} kept "
        f"{counts}; kappa {kappa(pairs):.3f} on {len(pairs)} rows"
    )


if __name__ == "__main__":
    main()
