#!/usr/bin/env python3
"""Build shopbots/candidates.jsonl from the HINT3 test sets: real user queries typed to three
live company chatbots (SOFMattress: a mattress shop; Curekart: a health-supplement web shop;
Powerplay11: a paid fantasy-sports app). Only the test sets are used (the paper describes
them as real user queries from the live bots); the train sets are not used.

Reads the data files straight from the fetched git snapshot (no code from it is used).
"""
import csv, io, json, random, re, subprocess, sys, unicodedata

GITDIR = "/work/.mirror/hellohaptik+HINT3/repo"
REPO = "hellohaptik/HINT3"
COMMIT = "99965c892ea9a6801a87083d3861b0b04c91a4e7"
FILES = {"sof": "dataset/v2/test/sofmattress_test.csv",
         "cure": "dataset/v2/test/curekart_test.csv",
         "pp11": "dataset/v2/test/powerplay11_test.csv"}
FAMILY = "shopbots"
SEED = 20240611
N_RND = 460            # 40 % of 1,150
N_ASK = 345            # 30 %
N_HARD = 345           # 30 %

EN_WORDS = set("""the a an and or to of in on for is are was were be been i you my me we our
it this that with at from can do does did have has how what why when where will would
not no please there your any if as so but just get need want about by sir""".split())
# common romanised Hindi words: a message with several of them is treated as non-English
HI_WORDS = set("""hai hain h nahi nhi nahin kya kyu kyun kyon kab kaise kese kitna kitne mera
mere meri mujhe muje aap ap apka apna hum tum kar karo kare karna karne kr krna kiya diya
raha rahe rhi rha tha thi ho hoga hogi gaya gya aaya aya ayega aayega paisa paise bhai bhi
ye yeh wo woh kuch abhi koi se ko ka ki ke par pe liye lie wala wali jata jati hua hui
chahiye chaiye batao bataye bata milega mil nai naa haan ha ji dijiye kijiye kon kaun kaisa
kaisi kese karn lagaye lagana wapas jaldi bheja bhejo mila mile milta laga nahin aur lekin
kab tak kitni kyo kyoon hu hun hoon gaye gye wale agar sab apne apni humara hamara""".split())

ASK = re.compile(r"""\b(price[sd]?|pricing|rate|rates|how\s+much|cost\w*|cheap\w*|discount\w*|
deals?|offers?|coupons?|promo\w*|sale|emi|cod|cash\s+on\s+delivery|available|availability|
in\s+stock|stock|buy\w*|purchas\w*|order\s+(a|the|this|one|it)|want|need|interested|
book|booking|products?|brands?|mattress\w*|pillows?|protein|whey|supplements?|authentic|expiry|
recommend\w*|suggest\w*|best|which\s+(one|is|mattress|size|protein)|
deliver\w*\s+(to|in|at)|pin\s*code|pincode|ship\w*\s+(to|in)|showrooms?|store\s+(in|near)|
outlets?|franchise|distributor\w*|dealers?|size|sizes|customi[sz]\w*|trial|warranty|
original|genuine|combo|how\s+to\s+(buy|order|purchase)|where\s+(can|to)\s+(i\s+)?(buy|get)|
do\s+you\s+(have|sell|deliver|ship)|is\s+there\s+any|entry\s+fee|bonus|refer\w*|cashback)\b""", re.I | re.X)

HARD = re.compile(r"""\b(refund\w*|return\w*|cancel\w*|my\s+order|order\s+(id|no|number|status)|
ordered|bought|purchased|paid|payment|deducted|debited|charged|received|delivered|not\s+deliver\w*|
delay\w*|damaged|wrong|complain\w*|fraud|cheat\w*|worst|money|withdraw\w*|winnings?|
credited|invoice|track\w*|replace\w*|exchange|sell\s+on|seller|job|vacanc\w*|
already|wallet|balance|amount|deposit\w*|add(ed)?\s+(cash|money|amount)|cash|apply|applied|
code|contest|fee|tax|tds|kyc|pan|verif\w*|help|support|agent|executive|customer\s+care|
call|contact|helpline|login|log\s+in|otp|account|app|points?|not\s+working|issue|problem)\b""", re.I | re.X)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{8,}\d)(?!\w)")
MENTION = re.compile(r"(?<!\w)@[A-Za-z_]\w{1,30}")


def clean(t):
    t = EMAIL.sub("<email>", t)
    t = PHONE.sub(lambda m: "<phone>" if len(re.sub(r"\D", "", m.group(1))) >= 10 else m.group(1), t)
    t = MENTION.sub("@user", t)
    return re.sub(r"\s+", " ", t).strip()


def english(t):
    for ch in t:                       # letters of Devanagari or any other non-Latin script
        if ch.isalpha() and not unicodedata.name(ch, "LATIN").startswith("LATIN"):
            return False
    toks = re.findall(r"[a-z']+", t.lower())
    if not toks:
        return False
    hi = sum(w in HI_WORDS for w in toks)
    en = sum(w in EN_WORDS for w in toks)
    if hi >= 2 or (hi >= 1 and en == 0):
        return False
    return True


def main():
    pool, seen = [], set()
    stats = {"read": 0, "short": 0, "long": 0, "nonenglish": 0, "dup": 0}
    for tag, path in FILES.items():
        raw = subprocess.run(["git", "--git-dir", GITDIR, "show", f"{COMMIT}:{path}"],
                             capture_output=True, check=True).stdout.decode("utf-8")
        for i, r in enumerate(csv.DictReader(io.StringIO(raw)), start=2):   # i = line in file
            stats["read"] += 1
            t = clean(r["sentence"])
            words = re.findall(r"[A-Za-z0-9]+", re.sub(r"<\w+>", "", t))
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
            pool.append({"tag": tag, "line": i, "text": t, "src": f"{REPO}:{path}@{COMMIT}"})
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
            out.append({"id": f"{FAMILY}-{kind}-{p['tag']}-{p['line']}", "text": p["text"],
                        "source": p["src"]})
    rng.shuffle(out)
    assert len({o["id"] for o in out}) == len(out)
    with open(sys.argv[1] if len(sys.argv) > 1 else "candidates.jsonl", "w") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    per = {}
    for o in out:
        k = o["id"].split("-")[1] + "/" + o["id"].split("-")[2]
        per[k] = per.get(k, 0) + 1
    bytag = {}
    for p in pool:
        bytag[p["tag"]] = bytag.get(p["tag"], 0) + 1
    print(json.dumps({"stats": stats, "pool": len(pool), "pool_by_bot": bytag, "ask_pool": len(ask),
                      "hard_pool": len(hard), "written": len(out), "per": per}, indent=1))


if __name__ == "__main__":
    main()
