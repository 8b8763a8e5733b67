#!/usr/bin/env python3
"""Build candidates.jsonl for the `quora` family (real questions posted on Quora).

Reads two data files straight out of fetched git snapshots (git show <commit>:<path>):
  * QQP  : chandrusekar47/quora-dedup  data/train_sample.csv  (a random 1,000-pair sample of
           the Quora Question Pairs train.csv; columns "",id,qid1,qid2,question1,question2,is_duplicate)
  * QIQ  : susanli2016/NLP-with-Python data/quora_sample.csv  (9,838 questions sampled from the
           Quora Insincere Questions Classification train set; one column question_text)
Each distinct question is used once (deduplicated across question1/question2 and across files,
case- and whitespace-insensitive). Draw: ~40 % uniform random, ~60 % mined (half ask cues,
half hard-negative cues). Fixed seed.
"""
import csv, io, json, random, re, subprocess, sys, os

SEED = 1300
TOTAL = 1300
N_RND = 520            # 40 %
N_ASK = 390            # 30 %
N_NEG = 390            # 30 %

SOURCES = {
    "qqp": dict(gitdir="/work/.mirror/chandrusekar47+quora-dedup/repo",
                repo="chandrusekar47/quora-dedup", path="data/train_sample.csv",
                commit="5ae03af3cb66d89c81e0e45fd5605a7cab1511a8"),
    "qiq": dict(gitdir="/work/.mirror/susanli2016+NLP-with-Python/repo",
                repo="susanli2016/NLP-with-Python", path="data/quora_sample.csv",
                commit="ffb3b4ee7af926ff926d9169530a7859f96bcf86"),
}

def git_show(s):
    out = subprocess.run(["git", "--git-dir=" + s["gitdir"], "show", s["commit"] + ":" + s["path"]],
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")

def src_str(s):
    return "%s:%s@%s" % (s["repo"], s["path"], s["commit"])

# ---------- cleaning ----------
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<![\w])(\+?\d[\d\-\s().]{7,}\d)(?![\w])")
HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,30}\b")
URL_ONLY = re.compile(r"^\s*(https?://\S+|www\.\S+)\s*$", re.I)

def scrub(t):
    t = t.replace("\r", " ").replace("\n", " ").strip()
    t = re.sub(r"\s+", " ", t)
    t = EMAIL.sub("<email>", t)
    def ph(m):
        g = m.group(1)
        digits = re.sub(r"\D", "", g)
        if g.isdigit():   # a bare number: only mobile-like runs count (e.g. 98xxxxxxxx, 0/1/91-prefixed)
            phone = (len(digits) == 10 and digits[0] in "6789") or (11 <= len(digits) <= 13 and digits[0] in "019")
        else:
            phone = len(digits) >= 9
        return "<phone>" if phone else g
    t = PHONE.sub(ph, t)
    t = HANDLE.sub("@user", t)
    return t

def english_like(t):
    letters = [c for c in t if c.isalpha()]
    if not letters:
        return False
    ascii_letters = sum(1 for c in letters if c.isascii())
    if ascii_letters / len(letters) < 0.6:
        return False
    words = re.findall(r"[a-z']+", t.lower())
    common = {"the","a","an","is","are","do","does","i","you","what","how","why","which","who","when",
              "where","can","should","of","to","in","for","my","it","be","on","and","or","with","was",
              "will","there","best","any","way","have","your","me","if","get","would","could","this","that",
              "did","has","had","anyone","shall","what's","by","ever","at","from","as","not","we","they"}
    return any(w in common for w in words)

def ok(t):
    if URL_ONLY.match(t):
        return False
    if len(t) > 1500:
        return False
    if len(t.split()) < 4:
        return False
    return english_like(t)

def norm(t):
    return re.sub(r"\s+", " ", t.lower()).strip()

# ---------- load ----------
pool = []        # (tag, uid, text)
seen = set()
raw_counts = {}

s = SOURCES["qqp"]
qqp = {}
for r in csv.DictReader(io.StringIO(git_show(s))):
    for qid, q in ((r["qid1"], r["question1"]), (r["qid2"], r["question2"])):
        if qid not in qqp:
            qqp[qid] = q
raw_counts["qqp"] = len(qqp)
for qid in sorted(qqp, key=int):
    t = scrub(qqp[qid])
    if ok(t) and norm(t) not in seen:
        seen.add(norm(t)); pool.append(("qqp", "q" + qid, t))

s = SOURCES["qiq"]
rows = list(csv.DictReader(io.StringIO(git_show(s))))
raw_counts["qiq"] = len(rows)
for i, r in enumerate(rows):
    t = scrub(r["question_text"])
    if ok(t) and norm(t) not in seen:
        seen.add(norm(t)); pool.append(("qiq", "r%04d" % i, t))

# ---------- cues ----------
PRODUCTS = (r"laptops?|phones?|smartphones?|mobiles?|cameras?|dslr|lens|headphones?|earphones?|speakers?|"
            r"tv|television|tablets?|ipad|iphone|macbook|watch(es)?|smartwatch|bikes?|motorcycles?|scooters?|cars?|suv|"
            r"mattress(es)?|shoes|sneakers|clothes|perfumes?|guitars?|keyboards?|mouse|monitors?|gpu|graphics card|processor|"
            r"printers?|routers?|power ?bank|air ?conditioner|ac|fridge|refrigerator|washing machine|sofa|furniture|"
            r"hosting|domain|vpn|insurance|policy|mutual funds?|credit card|broker(age)?|plans?|software|tools?|products?|"
            r"gifts?|books? to buy|coaching|institutes?|classes|course|tutor|agency|agencies|company|companies|consultants?|"
            r"services?|lawyer|doctor|hospital|clinic|hotel|resort|restaurants?|tour packages?|packages?|flights?|tickets?|"
            r"shops?|stores?|dealers?|brands?|website to (buy|order|shop)|site to (buy|order|shop)|place to (buy|get|stay)")
ASK = re.compile(
    r"(where (can|do|should|could) (i|we|one) (buy|get|find|purchase|order|rent|hire)\b"
    r"|where to (buy|get|purchase|order)\b"
    r"|\b(should|shall) i (buy|get|purchase|go for|invest in|upgrade)\b"
    r"|which .{0,60}\b(should|do|can) (i|we) (buy|get|choose|pick|purchase|go for|prefer|opt for|invest in)\b"
    r"|\bworth (buying|it|the money|the price|purchasing|getting|investing)\b"
    r"|\b(under|below|within|less than|upto|up to) (rs\.? ?|inr ?|\$|£|€)?\d[\d,.]*\s*(k|rs|inr|rupees|dollars|usd)?\b"
    r"|\bbudget\b|\bafford(able)?\b|\bcheapest\b|\bbest (deal|price|offer)s?\b|\bdiscount\b|\bcoupon\b"
    r"|\b(recommend|suggest)\b.{0,40}\b(" + PRODUCTS + r")\b"
    r"|\b(best|good|top|cheap|reliable|trusted)\b.{0,40}\b(" + PRODUCTS + r")\b"
    r"|\bhow much (does|do|will|would|is|are|should) .{0,60}\b(cost|charge|price)"
    r"|\b(buy|buying|purchase|purchasing|order|ordering)\b.{0,40}\b(online|from|in india|in the us|in the uk)\b)",
    re.I)
NEG = re.compile(
    r"(\bwhy (is|are|do|does|did)\b.{0,60}\b(expensive|costly|cheap|price|prices|sell|sold|buy|bought)\b"
    r"|\bhow (do|can|should|could) (i|we|one|you) (sell|resell|market|promote|advertise|start selling)\b"
    r"|\b(sell|selling|seller|sellers|resell)\b"
    r"|\b(i|we) (have )?(bought|purchased|ordered|paid|got)\b"
    r"|\b(refund|return policy|returned|warranty|customer (care|service|support)|support (phone )?number|helpline)\b"
    r"|\bhow (do|can|to|should) (i )?(use|fix|repair|reset|install|uninstall|cancel|unsubscribe|unlock|root|recover|delete|activate|block|update|charge|clean)\b"
    r"|\bfree\b|\bfor free\b|\bpirat|\btorrent"
    r"|\b(stock|share|shares|bitcoin|gold|price|prices)\b.{0,40}\b(go up|go down|rise|fall|crash|predict|prediction|future)\b"
    r"|\b(why do people|what do you think|what happens if|is it true)\b.{0,60}\b(buy|price|expensive|cheap|money|sell|shop|brand)"
    r"|\b(price|prices|cost|costs|paid|pay|shopping|shop|store|brand|deal|offer|sale)\b)",
    re.I)
# second tier of hard-negative cues: money, business and brand words without a buying verb
NEG2 = re.compile(
    r"(\b(black money|demoneti[sz]ation|inflation|gst|tax)\b"
    r"|\b(amazon|flipkart|ebay|walmart|alibaba|snapdeal|paytm|uber|ola|netflix|apple|samsung|xiaomi|jio)\b"
    r"|\b(money|earn|income|salary|profit|business|startup|dropshipping|e-?commerce)\b)",
    re.I)
# second tier of ask cues: general "which/what is the best ...", "where can I ..." questions
ASK2 = re.compile(
    r"\b(which is the best|which are the best|what (is|are) (the|some) (best|good)|what's the best"
    r"|where can (i|we|one)|where (do|should) i (go|look)|any good|top \d+)\b", re.I)

rng = random.Random(SEED)
idx = list(range(len(pool)))
rng.shuffle(idx)
rnd = idx[:N_RND]
rest = idx[N_RND:]
def has(rx, i):
    return bool(rx.search(pool[i][2]))
# tier 1 first, then tier 2 fills the quota; a question matching any ask cue is never used as a negative
ask1 = [i for i in rest if has(ASK, i)]
ask2 = [i for i in rest if not has(ASK, i) and has(ASK2, i)]
anyask = set(ask1) | set(ask2)
neg1 = [i for i in rest if i not in anyask and has(NEG, i)]
neg2 = [i for i in rest if i not in anyask and not has(NEG, i) and has(NEG2, i)]
for l in (ask1, ask2, neg1, neg2):
    rng.shuffle(l)
mined_ask = (ask1 + ask2)[:N_ASK]
mined_neg = (neg1 + neg2)[:N_NEG]
ask_pool, neg_pool = ask1 + ask2, neg1 + neg2

out = []
for kind, lst in (("rnd", rnd), ("mined", mined_ask + mined_neg)):
    for i in lst:
        tag, uid, t = pool[i]
        out.append({"id": "quora-%s-%s-%s" % (kind, tag, uid), "text": t, "source": src_str(SOURCES[tag])})
rng.shuffle(out)

dst = os.path.join(os.path.dirname(os.path.abspath(__file__)), "candidates.jsonl")
with open(dst, "w") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + "\n")

ids = [o["id"] for o in out]
assert len(ids) == len(set(ids))
print("raw:", raw_counts, "pool after filters/dedupe:", len(pool),
      {t: sum(1 for p in pool if p[0] == t) for t in SOURCES}, file=sys.stderr)
print("ask tier1/2", len(ask1), len(ask2), "neg tier1/2", len(neg1), len(neg2), file=sys.stderr)
print("used: ask tier1", sum(1 for i in mined_ask if i in set(ask1)), "neg tier1", sum(1 for i in mined_neg if i in set(neg1)), file=sys.stderr)
print("rnd", len(rnd), "mined_ask", len(mined_ask), "mined_neg", len(mined_neg), "total", len(out), file=sys.stderr)
for kind in ("rnd", "mined"):
    for tag in SOURCES:
        print(kind, tag, sum(1 for o in out if o["id"].startswith("quora-%s-%s-" % (kind, tag))), file=sys.stderr)
