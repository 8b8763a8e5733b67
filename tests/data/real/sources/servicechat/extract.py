#!/usr/bin/env python3
"""Build servicechat/candidates.jsonl from the RSiCS data file (customer turns typed to
three commercial customer-service virtual assistants: train travel, airline, telecom).

Reads the data file straight from the fetched git snapshot (no code from it is used).
Dataset 1 of RSiCS (TripAdvisor airline forum posts) is excluded on purpose.
"""
import csv, io, json, random, re, subprocess, sys

GITDIR = "/work/.mirror/Johumel+Greet_pred/repo"
REPO = "Johumel/Greet_pred"
PATH = "tagged_selections_by_sentence.csv"
COMMIT = "00612a15fbf446fa1d58b5100e0edb230ce0fb7d"
SOURCE = f"{REPO}:{PATH}@{COMMIT}"
FAMILY = "servicechat"
SEED = 20240611
N_TOTAL = 1300
N_RND = 520            # 40 %
N_ASK = 390            # 30 %: cue search aimed at likely asks
N_HARD = 390           # 30 %: cue search aimed at hard negatives
TAG = {"2": "train", "3": "air", "4": "tel"}   # RSiCS dataset ids kept

EN_WORDS = set("""the a an and or to of in on for is are was were be been i you my me we our
it this that with at from can do does did have has how what why when where will would
not no please there your any if as so but just get need want about by""".split())

ASK = re.compile(r"""\b(price[sd]?|pricing|how\s+much|cost[s]?|fares?|cheap\w*|discount\w*|deals?|
promo\w*|coupons?|offers?|special[s]?|sales?|rates?|packages?|plans?|bundles?|upgrad\w*|
sign\s*up|new\s+customer|availab\w*|do\s+you\s+(have|offer|sell|serve|service|go)|
is\s+there\s+(a|any)|are\s+there\s+any|can\s+i\s+(buy|purchase|book|get|add)|
(want|like|looking|trying)\s+to\s+(buy|purchase|book|get|add|order)|looking\s+for|quote|
senior|student|military|group|pass(es)?|add\s+(tv|internet|phone|a\s+line|service)|
switch(ing)?\s+(to|from)|best\s+(way|option|price|deal|plan)|which\s+(plan|package|fare|class)|
how\s+do\s+i\s+(buy|purchase|book|order|get)|gift\s*cards?|pre-?order|in\s+stock|
first\s+class|business\s+class|companion|membership|channels?)\b""", re.I | re.X)

HARD = re.compile(r"""\b(refund\w*|charg\w*|cancel\w*|bill\w*|already\s+(bought|purchased|booked|paid|ordered)|
i\s+(just\s+)?(bought|purchased|booked|paid|ordered)|we\s+(just\s+)?(bought|purchased|booked|paid)|
my\s+(order|reservation|booking|tickets?|confirmation|purchase|payment)|receipt|complain\w*|
overcharg\w*|vouchers?|credits?|lost|delay\w*|rip\s*-?off|never\s+again|worst|disappoint\w*|
error|won'?t\s+let\s+me|trying\s+to\s+(pay|purchase|buy|book)|can'?t\s+(pay|purchase|buy|book)|
unable\s+to\s+(pay|purchase|buy|book)|returns?|paid|purchased|bought|ordered|money)\b""", re.I | re.X)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{8,}\d)(?!\w)")
MENTION = re.compile(r"(?<!\w)@[A-Za-z_]\w{1,30}")


def clean(t):
    t = t.replace("[", "").replace("]", "")          # annotation markers of MergedSelections
    t = re.sub(r"\bcname-+", "<company>", t)           # RSiCS company placeholder
    t = re.sub(r"\bpname-+", "<product>", t)           # RSiCS product placeholder
    t = re.sub(r"#{2,}", "<number>", t)                # digits of PII masked by the dataset
    t = re.sub(r"(?<![\w-])-{3,}(?![\w-])", "<redacted>", t)  # letters of PII masked by the dataset
    t = EMAIL.sub("<email>", t)
    t = PHONE.sub(lambda m: "<phone>" if len(re.sub(r"\D", "", m.group(1))) >= 10 else m.group(1), t)
    t = MENTION.sub("@user", t)
    return re.sub(r"\s+", " ", t).strip()


def english(t):
    toks = re.findall(r"[a-z']+", t.lower())
    if not toks:
        return False
    return sum(w in EN_WORDS for w in toks) / len(toks) >= 0.15 or (len(toks) <= 5 and any(w in EN_WORDS for w in toks))


def main():
    raw = subprocess.run(["git", "--git-dir", GITDIR, "show", f"{COMMIT}:{PATH}"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw)))
    pool, seen = [], set()
    stats = {"read": 0, "cut_at_200": 0, "short": 0, "long": 0, "nonenglish": 0, "dup": 0}
    for r in rows:
        ds, req = r[0], r[2]
        if ds not in TAG:          # dataset 1 = TripAdvisor forum: excluded
            continue
        stats["read"] += 1
        raw_t = r[4].replace("[", "").replace("]", "").rstrip()
        # the assistants' input box cut requests at 200 characters: drop the ones that were cut
        if len(raw_t) >= 195 and raw_t[-1] not in '.?!)"':
            stats["cut_at_200"] += 1; continue
        t = clean(r[4])
        words = re.findall(r"\w+", re.sub(r"<\w+>", "", t))
        if len(words) < 3:
            stats["short"] += 1; continue
        if len(t) > 1500:
            stats["long"] += 1; continue
        if not english(t):
            stats["nonenglish"] += 1; continue
        key = re.sub(r"\W+", " ", t.lower()).strip()
        if key in seen:
            stats["dup"] += 1; continue
        seen.add(key)
        pool.append({"ds": ds, "req": req, "text": t})
    rng = random.Random(SEED)
    rng.shuffle(pool)
    rnd = pool[:N_RND]
    rest = pool[N_RND:]
    ask = [p for p in rest if ASK.search(p["text"])]
    hard = [p for p in rest if HARD.search(p["text"]) and not ASK.search(p["text"])]
    mined = rng.sample(ask, min(N_ASK, len(ask))) + rng.sample(hard, min(N_HARD, len(hard)))
    out = []
    for kind, items in (("rnd", rnd), ("mined", mined)):
        for p in items:
            out.append({"id": f"{FAMILY}-{kind}-{TAG[p['ds']]}-{p['req']}",
                        "text": p["text"], "source": SOURCE})
    rng.shuffle(out)
    assert len({o["id"] for o in out}) == len(out)
    with open(sys.argv[1] if len(sys.argv) > 1 else "candidates.jsonl", "w") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    per = {}
    for o in out:
        k = o["id"].split("-")[1] + "/" + o["id"].split("-")[2]
        per[k] = per.get(k, 0) + 1
    print(json.dumps({"stats": stats, "pool": len(pool), "ask_pool": len(ask),
                      "hard_pool": len(hard), "written": len(out), "per": per}, indent=1))


if __name__ == "__main__":
    main()
