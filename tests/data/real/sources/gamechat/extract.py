#!/usr/bin/env python3
# Requires the wordfreq package (pip install wordfreq); run with the git mirrors under /work/.mirror/.
"""gamechat candidates: public in-game chat of World of Warcraft servers.

Source data: ElvUI's chat-history log ("ChatHistoryLog" in SavedVariables/ElvUI.lua), which
keeps the last ~128 chat lines a character saw. Two players committed their WTF folders to
GitHub, many times over, so every committed version of every ElvUI.lua holds a different window
of real chat. This script reads every version of those files from the git mirrors, keeps the
PUBLIC lines only (Trade/General/LookingForGroup/world channels, /say, /yell; no guild, party,
raid or whisper lines), cleans item links, filters, and writes candidates.jsonl:
  ~40 % uniform random draws, ~30 % mined for likely asks (WTB, anyone selling, how much,
  price check, LF crafter...), ~30 % mined for hard negatives (WTS, selling, boosts, gold...).
Needs the `wordfreq` package. Run: python3 extract.py  (fixed seed, reproducible)
"""
import json, random, re, subprocess, sys, collections
from wordfreq import zipf_frequency as zf

SOURCES = [
    # (repo tag, git dir, owner/repo, channel languages that are readable for that player)
    ('warmane', '/work/.mirror/btrvarun+wotlk-config/repo', 'btrvarun/wotlk-config', {'Orcish', ''}),
    ('retail', '/work/.mirror/amdam+wowinterface/repo', 'amdam/wowinterface', {''}),
]
OUT = '/work/data-work/gamechat/candidates.jsonl'
SEED = 20250607
N_RND, N_ASK, N_NEG = 520, 390, 390
PUBLIC_EVENTS = {'CHAT_MSG_CHANNEL', 'CHAT_MSG_SAY', 'CHAT_MSG_YELL'}
PUBLIC_CHANNELS = re.compile(r'^(Trade|General|LookingForGroup|GuildRecruitment|Services|global|world|World)\b')

FLD = re.compile(r'^\t\t\t(?:"((?:[^"\\]|\\.)*)"|([^,]*)), -- \[(\d+)\]$')
KV = re.compile(r'^\t\t\t\[(\d+)\] = (?:"((?:[^"\\]|\\.)*)"|(.*)),$')

LINK = re.compile(r'\|c[0-9a-fA-F]{8}\|H[^|]*\|h(\[[^\]]*\])\|h\|r|\|H[^|]*\|h(\[[^\]]*\])\|h')
ATLAS = re.compile(r'\|A:[^|]*\|a|\|T[^|]*\|t|\|K[^|]*\|k')
COLOR = re.compile(r'\|c[0-9a-fA-F]{8}|\|r')
ICON = re.compile(r'\{(rt\d|star|circle|diamond|triangle|moon|square|cross|x|skull|croix)\}', re.I)

ASK = re.compile(
    r"\bwtb\b|\bw\.t\.b\b|\bbuying\b|\bbuy(ing)? (your|all|any|ur)\b|\blf\b[^.!?]{0,30}\b(jc|jewelcrafter|enchanter|ench|scribe"
    r"|inscription|bs|blacksmith|tailor|lw|leatherworker|alch|alchemist|crafter|port|portal|summon|boost|carry|seller)\b"
    r"|\b(anyone|any1|anybody|someone) (selling|sell|have|has|got|can craft|can make|crafting)\b|\bwho (sells|is selling|has|can craft|can make)\b"
    r"|\bhow much (is|for|are|does|do|would|will)\b|\bprice (check|\?)|\bpc\b|\bwhere (can|do|could) i (buy|get|find)\b"
    r"|\blooking for (a |an |some )?(jc|enchanter|crafter|scribe|seller|tailor|bs|someone to (craft|make|sell|enchant))"
    r"|\bneed (a |an |some )?(jc|enchanter|tailor|bs|crafter|port|summon|boost)\b|\bany (seller|sellers)\b|\bwilling to pay\b"
    r"|\bwill pay\b|\bpaying\b", re.I)
NEG = re.compile(
    r"\bwts\b|\bw\.t\.s\b|\bselling\b|\bsale\b|\bcheap\b|\bgold\b|\bgdkp\b|\bboosts?\b|\bboosting\b|\bcoins?\b|\bprices?\b"
    r"|\bpaid\b|\bbought\b|\bsold\b|\bscam|\bauction|\bah\b|\btips?\b|\bgiveaway|\bdiscount|\bcrafting\b|\blfw\b"
    r"|\byour mats\b|\bmats\b|\bcommission|\bcod\b|\bbuy\b|\bpay\b|\bcost\b|\bcoins?\b|\btrade system\b", re.I)

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
NONLATIN = re.compile(r'[\u0400-\u04FF\u0590-\u06FF\u0900-\u0DFF\u0E00-\u0E7F\u1100-\u11FF\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]')
OTHER = ['es', 'pt', 'de', 'fr', 'it', 'nl', 'pl', 'tr', 'ro', 'sv', 'id']
EMAIL = re.compile(r'[\w.+-]+@[\w-]+\.[\w.-]+')
PHONE = re.compile(r'(?<!\w)(\+?\d[\d\s().-]{8,}\d)(?!\w)')
MENTION = re.compile(r'@\w+')
URL = re.compile(r'https?://\S+|www\.\S+')
# character names found on reading the drawn rows that are not chat authors in the logs
EXTRA_NAMES = {'izeldra', 'nerfmepls', 'tahkwitz', 'meykadeh', 'lokhem', 'kallenkozuki', 'kururugi', 'tahpally',
               'sytex', 'platebabe', 'toughnuts', 'armavintus', 'wriednas', 'spawnkill', 'mulniq', 'zommdomm',
               'joestarr', 'fokyou', 'fekyou', 'skymade', 'deadlynight', 'kevinramm', 'cybernight', 'irene', 'bazzarn',
               'alonewarrior', 'deathmaestra', 'pazur', 'blanchy', 'kennzor', 'bigbawwz'}
# game words that happen to be character names too: never masked
GAME_WORDS = {'summ', 'retri', 'clase', 'noob', 'anemic', 'ashen', 'runic', 'signet', 'lightsworn', 'algalon', 'ignis',
              'flamer', 'notting', 'invicible', 'momento', 'soloque', 'stormherald', 'nippon', 'suppository'}


def english(t):
    if NONLATIN.search(t):
        return False
    words = [w.lower().strip("'’") for w in WORD.findall(t)]
    eng = foreign = 0
    for w in words:
        e = zf(w, 'en'); o = max(zf(w, l) for l in OTHER)
        if e >= 3.0:
            eng += 1
        if o >= 3.0 and o > e + 1.0:
            foreign += 1
    long_words = [w for w in words if len(w) >= 3]
    eng_long = sum(1 for w in long_words if zf(w, 'en') >= 3.0)
    return eng >= 1 and foreign < 2 and foreign <= eng / 2 and eng_long >= 0.34 * len(long_words)


def unlua(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)


def clean_links(t):
    t = LINK.sub(lambda m: m.group(1) or m.group(2), t)
    t = ATLAS.sub('', t)
    t = COLOR.sub('', t)
    t = ICON.sub(' ', t)
    return re.sub(r'[ \t]+', ' ', t).strip()


def git(gd, *args):
    return subprocess.run(['git', '--git-dir=' + gd] + list(args), capture_output=True, text=True, check=True).stdout


def blobs_of(gd):
    """blob id -> (newest commit holding it, path) for every version of every ElvUI.lua(.bak)."""
    first = {}
    for c in git(gd, 'rev-list', 'HEAD').split():
        for l in filter(None, git(gd, 'ls-tree', '-r', '-z', c).split('\0')):
            meta, path = l.split('\t', 1)
            if re.search(r'/ElvUI\.lua(\.bak)?$', path):
                b = meta.split()[2]
                if b not in first:
                    first[b] = (c, path)
    return first


def read_entries(gd, blobs):
    p = subprocess.Popen(['git', '--git-dir=' + gd, 'cat-file', '--batch'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for b, (commit, path) in sorted(blobs.items(), key=lambda x: x[1][1] + x[0]):
        p.stdin.write((b + '\n').encode()); p.stdin.flush()
        h = p.stdout.readline().split()
        if h[1] == b'missing':
            continue
        txt = p.stdout.read(int(h[2])).decode('utf-8', 'replace'); p.stdout.read(1)
        i = txt.find('["ChatHistoryLog"] = {')
        if i < 0:
            continue
        cur = {}
        for line in txt[i:].replace('\r', '').split('\n')[1:]:
            if line.startswith('\t}'):
                break
            m = FLD.match(line)
            if m:
                cur[int(m.group(3))] = m.group(1) if m.group(1) is not None else m.group(2); continue
            m = KV.match(line)
            if m:
                cur[int(m.group(1))] = m.group(2) if m.group(2) is not None else m.group(3); continue
            if line.startswith('\t\t}'):
                if 1 in cur and 50 in cur:
                    yield commit, path, cur
                cur = {}


def main():
    stats = collections.Counter()
    msgs = {}                      # (src, author, ts, raw text) -> record
    authors = set()
    for tag, gd, repo, langs in SOURCES:
        head = git(gd, 'rev-parse', 'HEAD').strip()
        stats[tag + ':head ' + head] = 1
        blobs = blobs_of(gd)
        stats[tag + ':file_versions'] = len(blobs)
        for commit, path, e in read_entries(gd, blobs):
            a = (e.get(2) or '').split('-')[0]
            if a:
                authors.add(a)
            key = (tag, e.get(2), e.get(51), e[1])
            if key in msgs:
                continue
            msgs[key] = dict(tag=tag, repo=repo, commit=commit, path=path, author=a, ev=e[50],
                             chan=(e.get(9) or ''), lang=(e.get(3) or ''), raw=unlua(e[1]), langs=langs)
    stats['entries_unique'] = len(msgs)
    pool, seen = [], set()
    for m in msgs.values():
        if m['ev'] not in PUBLIC_EVENTS:
            stats['not_public(guild/party/raid/whisper/system)'] += 1; continue
        if m['ev'] == 'CHAT_MSG_CHANNEL' and not PUBLIC_CHANNELS.match(m['chan']):
            stats['localdefense/custom_channel'] += 1; continue
        if m['lang'] not in m['langs']:
            stats['other_faction_language(scrambled)'] += 1; continue
        t = clean_links(m['raw'])
        if len(t) > 1500:
            stats['long'] += 1; continue
        if len(re.findall(r"[^\W\d_]{2,}", URL.sub(' ', t))) < 3:
            stats['short/link_only'] += 1; continue
        key = re.sub(r'[^a-z]+', ' ', t.lower()).strip()      # digits/punctuation ignored: spam variants collapse
        if key in seen:
            stats['dup'] += 1; continue
        seen.add(key)
        m['text'] = t
        pool.append(m)
    stats['pool'] = len(pool)
    rng = random.Random(SEED)
    order = list(range(len(pool))); rng.shuffle(order)
    rnd, used = [], set()
    for i in order:
        if len(rnd) >= N_RND:
            break
        if not english(pool[i]['text']):
            stats['nonenglish_rnd_skipped'] += 1; continue
        rnd.append(i); used.add(i)
    ask_idx = [i for i, m in enumerate(pool) if i not in used and ASK.search(m['text'])]
    neg_idx = [i for i, m in enumerate(pool) if i not in used and not ASK.search(m['text']) and NEG.search(m['text'])]
    stats['ask_cue_matches'] = len(ask_idx); stats['neg_cue_matches'] = len(neg_idx)

    def pick(idx, n, per_author=3):
        rng.shuffle(idx)
        out, ca = [], collections.Counter()
        for i in idx:
            if len(out) >= n:
                break
            m = pool[i]
            if ca[m['author']] >= per_author or not english(m['text']):
                continue
            ca[m['author']] += 1; out.append(i)
        return out
    ask = pick(ask_idx, N_ASK)
    neg = pick(neg_idx, N_NEG)

    names = {a.lower() for a in authors if len(a) >= 3 and zf(a.lower(), 'en') < 3.0} - GAME_WORDS | EXTRA_NAMES

    def clean(t):
        t = EMAIL.sub('<email>', t)
        t = MENTION.sub('@user', t)
        t = PHONE.sub(lambda m: '<phone>' if sum(c.isdigit() for c in m.group(1)) >= 9 else m.group(1), t)
        # character names of chat authors (not inside [item links])
        parts = re.split(r'(\[[^\]]*\])', t)
        for k in range(0, len(parts), 2):
            parts[k] = re.sub(r"(?<![@\w])[^\W\d_]{3,}(?!\w)",
                              lambda w: '@user' if w.group(0).lower() in names else w.group(0), parts[k])
            # names right after /w, w/, whisper, name, to
            parts[k] = re.sub(r"(?i)(/w |/whisper |\bw/ ?|\bwhisper |\bname:? |\bname is |\bnamed |\bnick:? |\bseller:? |\bcalled )([A-Z][^\W\d_]{2,})\b",
                              lambda w: w.group(1) + ('@user' if zf(w.group(2).lower(), 'en') < 3.0 else w.group(2)), parts[k])
            # a lone rare Title-case word in (parentheses) or "quotes": a character's name in sales posts
            parts[k] = re.sub(r'([(\"])\s*([A-Z][^\W\d_]{3,})\s*([)\"])',
                              lambda w: w.group(1) + ('@user' if zf(w.group(2).lower(), 'en') < 1.5 and max(zf(w.group(2).lower(), l) for l in OTHER) < 2 else w.group(2)) + w.group(3), parts[k])
            parts[k] = re.sub(r'(?i)(\bnames?\s*[=:]\s*)([^\W\d_]{3,})', lambda w: w.group(1) + '@user', parts[k])
        return ''.join(parts)

    rows, seen2 = [], set()
    chan = collections.Counter()
    for kind, idx in (('rnd', rnd), ('mined', ask), ('mined', neg)):
        for i in idx:
            m = pool[i]
            text = clean(m['text'])
            if text.lower() in seen2:
                continue
            seen2.add(text.lower())
            chan[m['ev'].replace('CHAT_MSG_', '') + ':' + m['chan']] += 1
            rows.append({'id': f"gamechat-{kind}-wow{m['tag']}-{len(rows):05d}", 'text': text,
                         'source': f"{m['repo']}:{m['path']}@{m['commit']}"})
    with open(OUT, 'w') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    stats['rows'] = len(rows); stats['rows_rnd'] = len(rnd); stats['rows_mined_ask'] = len(ask); stats['rows_mined_neg'] = len(neg)
    for k, v in stats.items():
        print(k, v, file=sys.stderr)
    print('channels:', chan.most_common(), file=sys.stderr)
    print('by source:', collections.Counter(r['id'].split('-')[2] for r in rows), file=sys.stderr)


if __name__ == '__main__':
    main()
