#!/usr/bin/env python3
# Requires the wordfreq package (pip install wordfreq); run with the git mirror under /work/.mirror/.
"""streamchat candidates: Twitch live-chat replays of one community (GreatSphynx).

Reads the HTML chat renderings committed in the git mirror of
Bergbok/GreatSphynx-Chat-Archive (src/html/*.html, one file per VOD), keeps viewers'
chat lines, filters them, and writes candidates.jsonl:
  ~40 % uniform random draws, ~30 % mined for likely asks, ~30 % mined for hard negatives.
Needs the `wordfreq` package (English/other-language word frequencies), used for the
English check and to decide which name-like tokens are ordinary words.
Run:  python3 extract.py   (fixed seed, reproducible)
"""
import html, json, random, re, subprocess, sys, collections
from wordfreq import zipf_frequency as zf

REPO = '/work/.mirror/Bergbok+GreatSphynx-Chat-Archive/repo'
SRC = 'Bergbok/GreatSphynx-Chat-Archive'
OUT = '/work/data-work/streamchat/candidates.jsonl'
SEED = 20250607
N_RND, N_ASK, N_NEG = 520, 390, 390

BOTS = {'nightbot', 'streamelements', 'streamlabs', 'moobot', 'fossabot', 'stay_hydrated_bot',
        'aliasbot', 'coil_twitch_bot', 'soundalerts', 'sery_bot', 'wizebot', 'kofistreambot',
        'pokemoncommunitygame', 'commanderroot', 'streamstickers', 'own3d', 'buttsbot'}
SYSTEM = re.compile(r"subscribed (at|with) (Tier|Prime)|gifted a Tier|is gifting \d+|gifting \d+ Tier"
                    r"|have joined!|converted from a Prime|continuing the Gift Sub|They've subscribed for"
                    r"|is paying forward the Gift|is now live!|raiders from", re.I)

ASK = re.compile(
    r"where (did|do|can|could|would) (you|u|ya|i|one|someone) (get|buy|find|order|purchase|pick up)"
    r"|what (mic|microphone|keyboard|chair|headphones|headset|camera|webcam|synth|synthesizer|module|controller"
    r"|monitor|mouse|desk|gpu|graphics card|pc|laptop|lamp|lights?|shirt|hoodie|hat|plush|plushie|guitar|pedal"
    r"|interface|speakers?|brand|model) (is|are|do|does|did)"
    r"|\blinks?\s*\?|merch\s*\?|is there (any )?merch|do (you|u) (have|sell) merch|merch (store|shop|link)"
    r"|how much (is|was|does|do|did|are|were|for) (it|that|this|they|those|these|the|a|an|one|shipping|your)\b"
    r"|how much does it cost|how much (\$|money|dollars|bucks)|what('s| is| was) the price|price\s*\?|\bcost\s*\?"
    r"|worth (it|buying|the money|getting|the price)\s*\?|is it worth|is (this|that) worth"
    r"|should i (buy|get|pick up|grab|order|preorder|pre-order|cop)\b|which (one )?should i (buy|get)"
    r"|(anyone|anybody|someone) (selling|sell|have one for sale)|\bwtb\b|\bwts\b"
    r"|recommend (a|any|me|some)\b|any recommendations|recommendations for|suggestions for"
    r"|(where|how) (can|do|would|could) i (buy|get one|order|preorder|pre-order|purchase)"
    r"|is it (on sale|in stock|on steam|on switch|free|cheap|expensive)|(in|back in) stock\s*\?"
    r"|when (is|does|will) .{0,40}(go on sale|restock|come out|release|be available|ship)"
    r"|(do|does|will|can) (it|they|you) ship to|do you ship|on a budget\b.*\?|pre-?order\s*\?", re.I)
NEG = re.compile(
    r"\bjust (bought|ordered|purchased|preordered|pre-ordered)\b|\bjust got (mine|my|a new|the new|one|it in the mail)\b|\bi (bought|ordered|preordered|pre-ordered|purchased)\b"
    r"|\b(my|the|our) (order|package|merch|shirt|plush|hoodie) (came|arrived|is here|finally|got|just)"
    r"|\brefund|\bshipping\b|\b(package|order|parcel|mine) (arrived|came|got delivered)\b|\bsold out\b|\bon sale\b|\b\d{1,2}\s?% off\b|\bdiscount"
    r"|\b(don'?t|never|do not) buy\b|\byou should (buy|get|grab|order)\b|\bbuy it\b|\bgo buy\b"
    r"|\btake my money\b|\bbought (it|one|this|that|a|the|two|my)\b|\bspent \$?\d|\$\d+"
    r"|\bsponsor|\bgiveaway\b|\bgift(ed)? sub|\bmerch\b|\bpaid (for|\$)|\bwould buy\b|\bi'?d buy\b"
    r"|\bbuying\b|\bsold\b|\bselling\b|\bpurchase\b|\bprices?\b|\bcheap\b|\bexpensive\b", re.I)

URL = re.compile(r'https?://\S+|www\.\S+')
EMAIL = re.compile(r'[\w.+-]+@[\w-]+\.[\w.-]+')
PHONE = re.compile(r'(?<!\w)(\+?\d[\d\s().-]{8,}\d)(?!\w)')
MENTION = re.compile(r'@\w+')
NONLATIN = re.compile(r'[\u0400-\u04FF\u0590-\u06FF\u0900-\u0DFF\u0E00-\u0E7F\u1100-\u11FF\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]')
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
OTHER = ['es', 'pt', 'de', 'fr', 'it', 'nl', 'pl', 'tr', 'id']

LINE = re.compile(r"^<pre class='cr'>\[([0-9:]+)\] (.*?)<a href='https://twitch.tv/([^']*)'><span class='ca[^']*'>(.*?)"
                  r"</span></a><span>: (.*)</span></pre>$")
EMOTE = re.compile(r"<img class='ei [^']*' title='([^']*)'><span class='th'>[^<]*</span>")
TAG = re.compile(r'<[^>]+>')
EMOTES = set()   # emote names seen in the chat: never masked as handles
# nicknames of chatters found on reading the drawn rows (not exact logins)
EXTRA_NAMES = {'llugnut', 'spings', 'crosher', 'skippy96able'}


def english(t):
    if NONLATIN.search(t):
        return False
    words = [w.lower().strip("'’") for w in WORD.findall(t)]
    if not words:
        return False
    foreign = 0
    eng = 0
    for w in words:
        e = zf(w, 'en')
        o = max(zf(w, l) for l in OTHER)
        if e >= 3.0:
            eng += 1
        if o >= 3.0 and o > e + 1.0:
            foreign += 1
    return eng >= 1 and foreign < 2 and foreign <= eng / 2


def read_messages():
    ls = [x for x in subprocess.run(['git', '--git-dir=' + REPO, 'ls-tree', '-r', '-z', 'HEAD', 'src/html'],
                                    capture_output=True, text=True, check=True).stdout.split('\0') if x]
    p = subprocess.Popen(['git', '--git-dir=' + REPO, 'cat-file', '--batch'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for l in ls:
        meta, path = l.split('\t', 1)
        blob = meta.split()[2]
        p.stdin.write((blob + '\n').encode()); p.stdin.flush()
        h = p.stdout.readline().split()
        if h[1] == b'missing':          # 9 large files are absent from the snapshot
            continue
        data = p.stdout.read(int(h[2])); p.stdout.read(1)
        for line in data.decode('utf-8', 'replace').split('\n'):
            m = LINE.match(line)
            if not m:
                continue
            raw = m.group(5)
            ems = EMOTE.findall(raw)
            EMOTES.update(e.lower() for e in ems)
            n_emote = len(ems)
            plain = html.unescape(TAG.sub('', EMOTE.sub(lambda e: ' ', raw))).strip()   # without emotes
            text = html.unescape(TAG.sub('', EMOTE.sub(lambda e: e.group(1), raw))).strip()  # emotes as their names
            yield path, m.group(3).lower(), text, plain, n_emote


def main():
    commit = subprocess.run(['git', '--git-dir=' + REPO, 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
    stats = collections.Counter()
    pool, seen = [], set()
    authors = collections.Counter()
    for path, user, text, plain, ne in read_messages():
        stats['read'] += 1
        authors[user] += 1
        if user in BOTS or SYSTEM.search(text):
            stats['bot/system'] += 1; continue
        if text.startswith('!'):
            stats['command'] += 1; continue
        if len(text) > 1500:
            stats['long'] += 1; continue
        if len(WORD.findall(URL.sub(' ', MENTION.sub(' ', plain)))) < 3:
            stats['short/emote/link'] += 1; continue
        key = re.sub(r'\s+', ' ', text.lower())
        if key in seen:
            stats['dup'] += 1; continue
        seen.add(key)
        pool.append((path, user, text))
    stats['pool_before_lang'] = len(pool)
    rng = random.Random(SEED)

    def ok(t):
        return english(t)

    # random draw (uniform over the filtered pool; non-English draws are skipped and redrawn)
    order = list(range(len(pool)))
    rng.shuffle(order)
    rnd, used = [], set()
    for i in order:
        if len(rnd) >= N_RND:
            break
        if not ok(pool[i][2]):
            stats['nonenglish_rnd_skipped'] += 1; continue
        rnd.append(i); used.add(i)
    # mined
    ask_idx = [i for i, x in enumerate(pool) if i not in used and ASK.search(x[2])]
    neg_idx = [i for i, x in enumerate(pool) if i not in used and not ASK.search(x[2]) and NEG.search(x[2])]
    stats['ask_cue_matches'] = len(ask_idx); stats['neg_cue_matches'] = len(neg_idx)

    def pick(idx, n, per_user=4, per_file=10):
        rng.shuffle(idx)
        out, cu, cf = [], collections.Counter(), collections.Counter()
        for i in idx:
            if len(out) >= n:
                break
            path, user, text = pool[i]
            if cu[user] >= per_user or cf[path] >= per_file or not ok(text):
                continue
            cu[user] += 1; cf[path] += 1; out.append(i)
        return out
    ask = pick(ask_idx, N_ASK)
    neg = pick(neg_idx, N_NEG)

    # handle masking: chat logins that are not ordinary English words
    names = {a for a in authors if len(a) >= 3 and zf(a, 'en') < 3.0 and a not in EMOTES} | EXTRA_NAMES

    def clean(t):
        t = EMAIL.sub('<email>', t)
        t = MENTION.sub('@user', t)
        t = PHONE.sub(lambda m: '<phone>' if sum(c.isdigit() for c in m.group(1)) >= 9 else m.group(1), t)

        def tok(m):
            w = m.group(0)
            return '@user' if w.lower() in names else w
        t = re.sub(r"(?<![@\w])[A-Za-z0-9_]{3,}(?!\w)", tok, t)
        return t

    rows = []
    for tag, idx in (('rnd', rnd), ('mined', ask), ('mined', neg)):
        for i in idx:
            path, user, text = pool[i]
            rows.append((tag, path, clean(text)))
    # exact duplicates after masking
    out, seen2 = [], set()
    for n, (tag, path, text) in enumerate(rows):
        k = text.lower()
        if k in seen2:
            continue
        seen2.add(k)
        out.append({'id': f'streamchat-{tag}-gsphynx-{n:05d}', 'text': text,
                    'source': f'{SRC}:{path}@{commit}'})
    with open(OUT, 'w') as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    stats['rows_rnd'] = sum(r['id'].split('-')[1] == 'rnd' for r in out)
    stats['rows_mined_ask'] = len(ask); stats['rows_mined_neg'] = len(neg)
    stats['rows'] = len(out); stats['files'] = len({r['source'] for r in out})
    for k, v in stats.items():
        print(k, v, file=sys.stderr)


if __name__ == '__main__':
    main()
