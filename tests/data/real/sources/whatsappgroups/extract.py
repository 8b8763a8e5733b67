#!/usr/bin/env python3
"""Build candidates.jsonl for the `whatsappgroups` family.

Reads two public WhatsApp group exports (_chat.txt) straight from the fetched
git mirrors, drops system lines / short / long / non-English / duplicate
messages, replaces handles, names, phone numbers and e-mail addresses, then
draws ~40 % uniform random rows and ~60 % cue-mined rows (half aimed at asks,
half at hard negatives that use buying words). Fixed seed, reproducible.
"""
import json, re, random, subprocess, hashlib, collections, unicodedata

SEED = 20240611
OUT = "/work/data-work/whatsappgroups/candidates.jsonl"
N_RND, N_ASK, N_NEG = 500, 375, 375

SOURCES = [
    # tag, git dir, repo, commit, path, timestamp regex
    ("kenyaie", "/work/.mirror/abda-torey+kenya_group_analysis/repo",
     "abda-torey/kenya_group_analysis", "a9becbb5f2f06db3d8cd81bbcf2c53e0d90e9a87", "_chat.txt",
     r"^\u200e?\[(\d{2}/\d{2}/\d{4}), (\d{2}:\d{2}:\d{2})\] ([^:\n]+):(?: |$)"),
    ("ubcsublet", "/work/.mirror/awang1809+sublet-finder/repo",
     "awang1809/sublet-finder", "0dcf34cc7c84ce41615a3130726480cc268b5022", "data/_chat.txt",
     r"^\u200e?\[(\d{4}-\d{2}-\d{2}), ([^\]]+)\] ([^:\n]+):(?: |$)"),
]

MEDIA = re.compile(r"\s*\b(image|video|audio|sticker|GIF|document|Contact card) omitted\s*$|\s*<Media omitted>\s*$", re.I)
WHOLE_SYSTEM = re.compile(r"^(This message was deleted\.?|You deleted this message\.?|Waiting for this message.*|"
                          r"Missed (voice|video) call.*|null)$", re.I)
MEMBERSHIP = re.compile(
    r"(joined using|joined from the community|\badded\b|\bleft$|\bremoved\b|created (this )?group|created the group|"
    r"end-to-end encrypted|changed (their|the|this|his|her) |security code|now an admin|no longer an admin|"
    r"disappearing messages|message timer|pinned a message|^POLL:|deleted this group|You joined|"
    r"group was added to the community|New members need admin approval)", re.I)


def is_system(b):
    if not b or WHOLE_SYSTEM.match(b):
        return True
    one_line = "\n" not in b and len(b) <= 200
    return bool(one_line and MEMBERSHIP.search(b))


EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+")
PHONE = re.compile(r"(?<![\w@])\+?\(?\d[\d\s\-\u2011().]{7,}\d(?!\w)")
URL = re.compile(r"https?://\S+|www\.\S+")
EDITED = re.compile(r"\s*\u200e?<This message was edited>\s*$")

# Swahili / Sheng function words, used only to drop messages that are mostly not English.
SWAHILI = set("""ni na ya wa za kwa hii hiyo hizi sana bado kama lakini mimi wewe yeye sisi nyinyi hapa huko kuna hakuna
tu pia ama ndio ndiyo sio siyo hapana kweli juu bana wacha nini gani vipi mambo sasa leo kesho jana pesa watu mtu kitu kazi
nzuri poa asante karibu kwenye kwa nyumba hao huyu yule wale yenye ile hio hizo niko uko yuko tuko wako mko zangu yangu
yako yake yetu yenu yao ndugu mzee mama baba kijana vijana wewe sijui najua ujue unajua nataka tunataka anataka
kwani ukijipanga siamini wana wanaweza unaweza naweza ata hata tena kila moja mbili tatu saa siku wiki mwezi mwaka
sawa haya basi nimeona umeona ameona naomba tafadhali tuache mambo hapo hapa huku kule kuja enda nenda kuenda kula
mtoto watoto shida mzuri ngoja nipe nipeeniko kaa kukaa sina una ana tuna mna wana hawana hana huna sikuwa alafu
serikali ukiwa ukienda wakati mbona hivyo hivi vile juzi nyingi mingi kidogo sababu maana wenye mzima salama
tuka tuu kwetu kwenu kwao hapo wenye mko sijui tunajua unajua nyani msitu tofauti aje nani nimpate naogopa sawa
ahsante ahsanteni asanteni mungu awabariki hakika haki wajitetee sijataja wanajijua tutafanya lakini tutaonea
unakuwanga kizungu safi huko ngombe inatosha nje mpira inasumbua stori kilamtu atahepa enye iko tunawoch twende
tumechoka hadi lini kwa""".split())

# English function words: a message must contain at least one to count as English.
EN_FUNCTION = set("""a an the i me my we our you your he she it its they them their this that these those is am are
was were be been being have has had do does did will would can could should shall may might must not no yes and or but
if so to of in on at for with from by about as into than then there here what which who whom whose when where why how
all any some anyone anybody someone somebody everyone please thanks thank hi hello hey guys ok okay just also too very
up out over get got need want know like one""".split())

# Short list of common English words: name tokens in this list are never masked.
ENGLISH_COMMON = set("""a about above after again against all am an and any are as at be because been before being below
between both but by can did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its just me more most my no nor not now of off on once only or other our out over own same she
should so some such than that the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your new era grand rising events ltd technologies faith
grace hope joy mercy will mark bill rose may june april august sky star king queen sir senator pastor doctor dr prof cpa
the red blue green white black gold silver best top first last great good nice sweet happy blessed lucky love sunshine
fresh dublin cork galway limerick kenya ireland irish kenyan nairobi mombasa ubc marine drive brock commons house ponderosa
tallwood oak point grey vancouver""".split())

NOT_NAMES = set("""everyone everybody all guys team fam family folks there people members friends ladies gents house
fellow lovely beautiful wonderful awesome amazing dear all admin admins group sir madam bro sis brother sister boss mum mom dad kenya kenyans kenyan ireland irish dublin cork galway
limerick ubc sublet summer female male looking interested available please kindly good morning evening afternoon night
friday monday tuesday wednesday thursday saturday sunday january february march april may june july august september
october november december christmas easter god jesus lord amen""".split())
REFCODE = re.compile(r"\b[A-Z]{3,}-\d{4,}\b")

ASK = re.compile(
    r"(where (can|do|could|would|should|to) (i|we|one|u|you)? ?(buy|get|find|order|source|rent)|"
    r"\b(any ?one|any ?body|some ?one|some ?body)( here)? (selling|sells|sell|with|has|have|know|knows|recommend|got|offering|subletting|renting|offer)|"
    r"looking for|searching for|in need of|\bneed (a|an|some|someone|somebody)\b|"
    r"recommend|suggestion|suggest|how much|what('?s| is| are) (the|your) (price|cost|rent|charges?|rate)|"
    r"\b(prices?|cost|charges?|rates?)\s*\?|any (leads?|vacan|room|house|shop|plug|connect|ideas?)|"
    r"\bbudget\b|affordable|cheap(est|er)?\b|still available|is (it|this|that) available|"
    r"(do|does|can) (you|u|they|anyone|someone) (deliver|ship|sell|offer|do)|\bwtb\b|\biso\b|in search of|"
    r"who (sells|has|can help|knows where)|where is the best|worth it)", re.I)

BUYWORDS = re.compile(
    r"\b(buy|buying|bought|sell|selling|sold|sale|price|prices|rent|order|ordered|deliver|delivery|shop|store|"
    r"discount|offer|promo|code|referral|refund|scam|scammed|paid|pay|payment|cost|cheap|expensive|dm|inbox|"
    r"available|deal|deals|euros?|€|\$|ticket|tickets|book|booking|purchase|purchased|customer|sublet|subletting|lease)\b", re.I)


def git_show(gitdir, commit, path):
    return subprocess.run(["git", "--git-dir", gitdir, "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout.decode("utf-8")


def parse(text, pat):
    ms = list(re.finditer(pat, text, re.M))
    out = []
    for i, m in enumerate(ms):
        end = ms[i + 1].start() if i + 1 < len(ms) else len(text)
        sender = m.group(3).replace("\u202f", " ").strip(" ~")
        out.append((sender, text[m.end():end]))
    return out


def name_tokens(senders, raw):
    """Name tokens of members, kept only if they are (almost) never written in lower case in the chat,
    so ordinary words that happen to appear in a display name are not masked."""
    lower = collections.Counter(re.findall(r"(?<![A-Za-z])[a-z][a-z'\-]+", raw))
    toks = set()
    full = set()
    for s in senders:
        s2 = re.sub(r"[^\w\s'.\-]", " ", s)
        s2 = " ".join(s2.split())
        if len(s2) >= 3 and not re.fullmatch(r"[\d\s+\-]+", s2):
            full.add(s2)
        for t in re.findall(r"[A-Za-z][A-Za-z'\-]+", s2):
            if len(t) >= 3 and t.lower() not in ENGLISH_COMMON and lower[t.lower()] <= 2:
                toks.add(t[0].upper() + t[1:])
    return full, toks


def anonymise(t, full_names, tokens):
    t = EMAIL.sub("<email>", t)
    # WhatsApp mentions: "@" + a known display name, or "@" + one handle-like token / number.
    for n in sorted(full_names, key=len, reverse=True):
        t = re.sub(r"@\u2068?~?\s?" + re.escape(n) + r"\u2069?", "@user", t)
    t = re.sub(r"@\u2068?~?[\w.\-+]+\u2069?", "@user", t)
    urls = []
    def keep_url(m):
        urls.append(m.group(0))
        return f"\x00{len(urls) - 1}\x00"
    t = URL.sub(keep_url, t)
    t = PHONE.sub(lambda m: "<phone>" if sum(c.isdigit() for c in m.group()) >= 8 else m.group(), t)
    t = re.sub(r"\x00(\d+)\x00", lambda m: urls[int(m.group(1))], t)
    # Display names / first names of members written inside a message (capitalised words only).
    def repl(m):
        w = m.group(0)
        return "@user" if w in tokens else w
    t = re.sub(r"(?<![@\w])[A-Z][a-z'\-]{2,}(?!\w)", repl, t)
    # A capitalised word right after a greeting or a contact verb is almost always a person's name.
    def greet(m):
        w = m.group(2)
        if w.lower() in EN_FUNCTION or w.lower() in ENGLISH_COMMON or w.lower() in NOT_NAMES:
            return m.group(0)
        return m.group(1) + "@user"
    t = re.sub(r"(\b(?:Hi|Hey|Hello|Dear|Thanks|Thank you|Congrats|Congratulations|call|text|contact|ask|message|"
               r"whatsapp|WhatsApp|dm|DM|inbox|Inbox|reach|Reach out to|name is|I am|I'm|This is)\s+)([A-Z][a-z]{2,})(?![\w@])", greet, t)
    t = REFCODE.sub("<code>", t)
    t = re.sub(r"(@user)(\s+@user)+", r"\1", t)
    return t


def is_english(t):
    words = re.findall(r"[a-z']+", URL.sub(" ", t).lower())
    if not words or not any(w in EN_FUNCTION for w in words):
        return False
    sw = sum(w in SWAHILI for w in words)
    if sw >= 2 and sw / len(words) >= 0.15:
        return False
    letters = [c for c in t if c.isalpha()]
    if letters:
        non_latin = sum(1 for c in letters if not ("LATIN" in unicodedata.name(c, "")))
        if non_latin / len(letters) > 0.2:
            return False
    return True


def substantive(t):
    s = URL.sub(" ", t)
    words = re.findall(r"[A-Za-z]+", s)
    return len(words) >= 3


def main():
    rng = random.Random(SEED)
    pool = []  # (tag, source, text)
    seen = set()
    stats = collections.Counter()
    for tag, gitdir, repo, commit, path, pat in SOURCES:
        raw = git_show(gitdir, commit, path)
        msgs = parse(raw, pat)
        full, toks = name_tokens({s for s, _ in msgs}, raw)
        src = f"{repo}:{path}@{commit}"
        for sender, body in msgs:
            stats[tag + ":all"] += 1
            b = body.replace("\u200e", "").strip()
            b = EDITED.sub("", b).strip()
            while MEDIA.search(b):
                b = MEDIA.sub("", b).strip()
            if is_system(b):
                stats[tag + ":system"] += 1
                continue
            if not substantive(b):
                stats[tag + ":short_or_link"] += 1
                continue
            if len(b) > 1500:
                stats[tag + ":long"] += 1
                continue
            if not is_english(b):
                stats[tag + ":nonenglish"] += 1
                continue
            a = anonymise(b, full, toks)
            key = re.sub(r"\W+", " ", a.lower()).strip()
            near = key[:100]
            if key in seen or near in seen:
                stats[tag + ":dup"] += 1
                continue
            seen.add(key); seen.add(near)
            pool.append((tag, src, a))
            stats[tag + ":kept"] += 1
    rng.shuffle(pool)
    idx = list(range(len(pool)))
    rnd = rng.sample(idx, N_RND)
    used = set(rnd)
    ask_pool = [i for i in idx if i not in used and ASK.search(pool[i][2])]
    ask = rng.sample(ask_pool, min(N_ASK, len(ask_pool)))
    used |= set(ask)
    neg_pool = [i for i in idx if i not in used and BUYWORDS.search(pool[i][2]) and not ASK.search(pool[i][2])]
    neg = rng.sample(neg_pool, min(N_NEG, len(neg_pool)))
    rows = []
    counters = collections.Counter()
    for kind, sel in (("rnd", rnd), ("mined", ask), ("mined", neg)):
        for i in sorted(sel):
            tag, src, text = pool[i]
            counters[(kind, tag)] += 1
            h = hashlib.sha1(text.encode()).hexdigest()[:8]
            rows.append({"id": f"whatsappgroups-{kind}-{tag}-{h}", "text": text, "source": src})
    rng.shuffle(rows)
    assert len({r["id"] for r in rows}) == len(rows)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for k in sorted(stats): print(k, stats[k])
    print("pool", len(pool), "ask_pool", len(ask_pool), "neg_pool", len(neg_pool))
    for k in sorted(counters): print(k, counters[k])
    print("rows", len(rows))


if __name__ == "__main__":
    main()
