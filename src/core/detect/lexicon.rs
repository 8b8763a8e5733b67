//! The detector's vocabulary: word classes (as bit flags) and chat slang
//! expansions. Classes name linguistic roles — an acquisition verb, a sales
//! object, a support object, a negator — so that frames in `frames.rs` can
//! describe the *structure* of an ask instead of listing phrasings.
//!
//! Owns words only. Must not hold whole phrases or test sentences.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

macro_rules! classes {
    ($($name:ident = $bit:expr;)*) => {
        $(pub const $name: u128 = 1 << $bit;)*
        /// Class names by bit (for the learned layer's `k:` features).
        pub const CLASS_NAMES: [&str; 128] = {
            let mut names = [""; 128];
            $(names[$bit] = stringify!($name);)*
            names
        };
    };
}

classes! {
    WHERE = 0; WHO = 1; WHICH = 2; HOW = 3; WHEN = 4; WHY = 5;
    AUX = 6; MODAL = 7; SELF = 8; YOU = 9; ANYONE = 10; ANY = 11;
    ACQ = 12; ACQ_ING = 13; ACQ_PAST = 14; SELL = 15; RECV = 16; RECN = 17;
    LOOK = 18; NEED = 19; NEG = 20; PRICE = 21; DEAL = 22; STOCK = 23;
    SALES = 24; SUPPORT = 25; COMPLAIN = 26; PROMO = 27; PAST_T = 28; FUT_T = 29;
    PLAN = 30; HEDGE = 31; BEST = 32; NEWISH = 33; NONCOM = 34; GREET = 35;
    MY = 36; MONEY = 37; CHOOSE = 38; SWITCH = 39; HOWTO = 40; PITCH = 41;
    CONTEST = 42; QEND = 43; END = 44; MENTION = 45; URL = 46; HASHTAG = 47;
    NUM = 48; PCT = 49; CURRENCY = 50; THIS = 51; ARTICLE = 52; TO = 53;
    FOR = 54; WORTH = 55; OR = 56; COMMA = 57; SARCASM = 58; PRAISE = 59;
    FAMILY = 60; GET_AWAY = 61; QSTART = 62; QUOTED = 63; OWNABLE = 64; PRES_AUX = 65; STORE = 66; AVAIL = 67;
}

/// The indices of the bits set in a class set.
pub fn bits(mut c: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (c != 0).then(|| {
            let b = c.trailing_zeros() as usize;
            c &= c - 1;
            b
        })
    })
}

/// Classes that end a sentence.
pub const SENTENCE_END: u128 = QEND | END;

const WORDS: &[(u128, &str)] = &[
    (WHERE, "where wheres whr wher"),
    (WHO, "wholl whod who whos whom"),
    (WHICH, "which what whats wat wut"),
    (HOW, "how hows"),
    (WHEN, "when whens"),
    (WHY, "why"),
    (AUX, "theres is are was were do does did can could should would will shall may might has have had am isnt arent doesnt dont cant couldnt wouldnt shouldnt"),
    (MODAL, "can could should would will do does might may shall cn"),
    (SELF, "i we me us im ive id myself"),
    (YOU, "you ya yall"),
    (ANYONE, "anyones someones everyones anyone anybody someone somebody everyone people guys folks yall ppl"),
    (ANY, "any some anything something"),
    (ACQ, "buy get find purchase order grab cop source snag pick rent lease book hire shop afford subscribe finance preorder"),
    (ACQ_ING, "treating replacing finding buying getting purchasing ordering grabbing picking renting leasing booking upgrading switching copping financing subscribing"),
    (ACQ_PAST, "placed bought ordered purchased got gotten grabbed copped paid subscribed rented booked leased financed preordered"),
    (SELL, "flogging flog sell sells selling carry carries stock stocks"),
    (RECV, "advise recommend recommends suggest"),
    (RECN, "leads names recommendations recommendation suggestions suggestion recs rec advice tips ideas options alternatives alternative thoughts opinions opinion input pointers experiences"),
    (LOOK, "looking searching hunting shopping seeking"),
    (NEED, "need want needing require"),
    (NEG, "not dont never no isnt arent wont didnt doesnt aint havent hasnt wasnt werent wouldnt shouldnt neither nor nothing cant"),
    (PRICE, "quotation quotations estimate proposal proposals price prices pricing cost costs rate rates fee fees quote quotes apr premium premiums cheapest"),
    (DEAL, "code codes deal deals discount discounts sale sales coupon coupons promo promos bargain bargains offer offers cheaper voucher vouchers cashback bundle"),
    (STOCK, "dropping drops launching launches releasing releases restocks back made discontinued stock restock restocked restocking available availability instock preorder preorders backorder release released launch drop ship ships shipping deliver delivery"),
    (SALES, "pass passes ticket tickets present presents gift gifts coverage firm company companies agency provider lease cover lender broker sim contract deposit machine fryer kettle toaster fridge dishwasher washer dryer oven microwave blender bookcase bookshelf wardrobe dresser rug lamp curtains duvet pillow sheets bench armchair stool shelf sofa frame build tent jumper hoodie shirt dress coat trainers runners bulb cushion parts kit manager rings ring jewellery furniture tv headset speaker speakers charger case cover bag backpack suitcase stroller pram crib cot sim energy supplier electricity gas isa savings pension tariff contract sub tier edition range collection colourway plan plans subscription membership installer insurer underwriter adviser advisor osteopath podiatrist dermatologist orthodontist audiologist counsellor counselor psychologist nutritionist dietitian acupuncturist upholsterer sparky tradie removalist fitter glazier plasterer tiler bricklayer scaffolder videographer dj baker tattooist notary conveyancer realtor mover exterminator attorney optometrist chiropodist doula kennel cattery daycare nursery coach instructor consultant freelancer signwriter welder arborist walker sitter babysitter nanny childminder groomer trainer painter decorator gardener designer developer planner tailor barber hairdresser stylist therapist physio chiropractor optician surveyor architect carpenter joiner handyman locksmith removals courier translator plumber electrician builder contractor accountant lawyer solicitor dentist vet tutor cleaner landscaper roofer mechanic garage photographer caterer florist venue gym course lessons model models brand brands product products size sizes color colour colors colours version package bundle license licence mortgage loan loans insurance policy card provider providers bank banks laptop laptops phone phones car cars table tables chair chairs sofa couch bed mattress desk shoes boots sneakers jacket headphones earbuds tv monitor keyboard mouse gpu cpu pc computer tablet camera bike ebike hotel hotels flight flights vpn software app tool tools service services gear setup set vacuum printer router console watch lens tires tyres ram ssd carrier isp broadband account"),
    (SUPPORT, "parcel parcels depot inspection feature features bug bugs number manual instructions email address statement refund refunds replacement update fix answer reply response support tracking repair warranty exchange return returns cancel cancellation compensation receipt invoice password login reimbursement status resolution solution callback agent human technician chargeback"),
    (COMPLAIN, "wrong incorrect outage broke broken crashed crash crashes crashing buggy worst terrible awful horrible scam scammed disappointed disappointing useless garbage trash unacceptable ridiculous pathetic rude defective faulty damaged fraud overcharged delayed missing lost stuck frozen error issue issues problem problems annoyed angry furious sucks ripoff disgusting hate hated waiting waited ignored nightmare joke shame smh wtf"),
    (PROMO, "giveaway giveaways retweet rt follow winner sweepstakes raffle bio click hurry limited exclusive dm shipping"),
    (PAST_T, "yesterday ago last earlier already previously recently"),
    (FUT_T, "xmas week month year spring summer autumn winter once monday tuesday wednesday thursday friday saturday sunday payday christmas tmrw tmr january february march april june july august september october november december tomorrow weekend soon next tonight later eventually"),
    (PLAN, "aiming must gotta eyeing going planning plan about gonna intend intending hoping considering thinking debating saving will ll"),
    (HEDGE, "maybe perhaps probably someday possibly hypothetically eventually"),
    (BEST, "goto fave favorite favourite most lowest highest best better good decent reliable top solid great nice quality cheapest cheap affordable ideal fastest"),
    (NEWISH, "paid new used secondhand refurbished refurb another spare cheap budget decent affordable"),
    (NONCOM, "recipe recipes stretches exercises workout workouts documentary documentaries episode episodes sources examples volunteering opportunities opportunity gp nhs council parkrun volunteer volunteers screenshot screenshots youtube channel channels subreddit server banner meme memes temple temples nap naps motivation happiness patience sanity luck kidney soul dignity willpower hours tutorial tutorials guide guides walkthrough docs documentation podcast podcasts park parking walk beach beaches spot spots sunset view views season island park visit visiting sightsee free safe safety dangerous directions weather legal hike hiking museum museums sightseeing walk walking tourist crowded"),
    (GREET, "kindly hey hi hello yo so ok okay guys folks all everyone quick question q please pls um hmm well also and but ps btw lol oh anyway ayo sup gm hiya bruh bro dude ngl morning team friends fam honestly just real"),
    (MY, "my our mine"),
    (MONEY, "money bucks dollars usd eur euros pounds gbp grand budget"),
    (CHOOSE, "pay choose pick go try switch trust"),
    (SWITCH, "replace replacing ditch leave leaving switch switching change move moving upgrade upgrading"),
    (HOWTO, "fix reset install connect cancel update return unlock activate enable disable remove delete uninstall login log track claim contact reach repair"),
    (PITCH, "convince pitch sell offer win compete earn"),
    (CONTEST, "giveaway giveaways contest sweepstakes raffle win winner winning enter entered entry pick"),
    (THIS, "this that it these those them one ones"),
    (ARTICLE, "your their his her a an the some any"),
    (TO, "to"),
    (FOR, "for"),
    (WORTH, "worth"),
    (OR, "or vs versus"),
    (PRAISE, "love loving amazing awesome thanks thank thx ty perfect excellent fantastic obsessed"),
    (SARCASM, "jk kidding lmao sarcasm"),
    (FAMILY, "son daughter wife husband kid kids mom dad mum parents partner girlfriend boyfriend gf bf brother sister family friend grandma grandpa baby wedding"),
    (GET_AWAY, "from to rid back into out over started through around there home here lost in"),
    (OWNABLE, "order orders package parcel item items bill payment purchase claim statement delivery account card subscription booking refund replacement ticket case"),
    (PRES_AUX, "theres is are do does can could will would"),
    (STORE, "shop shops store stores site sites website websites seller sellers retailer retailers dealer dealers showroom showrooms outlet outlets"),
    (AVAIL, "available availability back restock restocked restocking discontinued made instock release released launch launches launching drop drops dropping stock"),
    (QSTART, "anyones whos wheres hows whens whys wholl whod whatre where who which what whats how when why is are was were do does can could should would will any anyone anybody ne1"),
];

/// Chat shorthand expanded before classification.
const SLANG: &[(&str, &[&str])] = &[
    ("u", &["you"]),
    ("ur", &["your"]),
    ("r", &["are"]),
    ("any1", &["anyone"]),
    ("ne1", &["anyone"]),
    ("anyon", &["anyone"]),
    ("some1", &["someone"]),
    ("sum1", &["someone"]),
    ("plz", &["please"]),
    ("wanna", &["want", "to"]),
    ("gonna", &["going", "to"]),
    ("tryna", &["trying", "to"]),
    // A marketplace tag: the author is in the market, not just wishing.
    ("wtb", &["in", "the", "market", "for"]),
    ("iso", &["in", "the", "market", "for"]),
    ("lf", &["looking", "for"]),
    ("wts", &["want", "to", "sell"]),
    ("lmk", &["let", "me", "know"]),
    ("idk", &["i", "dont", "know"]),
    ("dunno", &["dont", "know"]),
    ("gimme", &["give", "me"]),
    ("lemme", &["let", "me"]),
    ("recomend", &["recommend"]),
    ("reccomend", &["recommend"]),
    ("reccommend", &["recommend"]),
    ("recommand", &["recommend"]),
    ("recomendations", &["recommendations"]),
    ("reccomendations", &["recommendations"]),
    ("reccs", &["recs"]),
    ("sugestions", &["suggestions"]),
    ("suggestons", &["suggestions"]),
    ("thnx", &["thanks"]),
    ("pre", &["pre"]),
    ("smth", &["something"]),
    ("sth", &["something"]),
    ("cuz", &["because"]),
    ("bc", &["because"]),
    ("tho", &["though"]),
    ("i'm", &["im"]),
    ("imma", &["im", "going", "to"]),
    ("ill", &["i", "will"]),
    ("bout", &["about"]),
    ("itll", &["it", "will"]),
    ("ima", &["im", "going", "to"]),
    ("abt", &["about"]),
    ("wud", &["would"]),
    ("shud", &["should"]),
    ("cud", &["could"]),
    ("da", &["the"]),
    ("tht", &["that"]),
    ("wat", &["what"]),
    ("whr", &["where"]),
    ("reco", &["recommendation"]),
    ("wich", &["which"]),
    ("whered", &["where", "did"]),
    ("whatd", &["what", "did"]),
    ("faves", &["favourites"]),
    ("recos", &["recommendations"]),
];

/// Word -> (classes, expansion).
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub classes: u128,
    pub expand: Option<&'static [&'static str]>,
}

/// FNV-1a: words are short and not attacker-chosen keys of a long-lived map.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The compiled vocabulary.
#[derive(Debug, Clone)]
pub struct Lexicon {
    map: FnvMap<&'static str, Entry>,
}

impl Lexicon {
    pub fn new() -> Self {
        let mut map: FnvMap<&'static str, Entry> = FnvMap::default();
        for &(class, words) in WORDS {
            for w in words.split_whitespace() {
                let e = map.entry(w).or_insert(Entry {
                    classes: 0,
                    expand: None,
                });
                e.classes |= class;
            }
        }
        for &(w, exp) in SLANG {
            let classes = exp.iter().fold(0, |acc, x| {
                acc | map.get(x).map_or(0, |e: &Entry| e.classes)
            });
            let expand = (exp.len() > 1 || exp[0] != w).then_some(exp);
            map.insert(w, Entry { classes, expand });
        }
        Lexicon { map }
    }

    /// Look a word up, retrying with doubled letters made single when the
    /// word is unknown ("pleasee" -> "please").
    pub fn get(&self, word: &str) -> Option<(&'static str, Entry)> {
        if let Some((k, e)) = self.map.get_key_value(word) {
            return Some((k, *e));
        }
        if let Some(found) = self.plural(word) {
            return Some(found);
        }
        if !has_double(word) {
            return None;
        }
        // Words in the lexicon are short ASCII: a stack buffer will do.
        let mut buf = [0u8; 24];
        let mut n = 0;
        for &b in word.as_bytes() {
            if n == buf.len() || !b.is_ascii() {
                return None;
            }
            if n == 0 || buf[n - 1] != b {
                buf[n] = b;
                n += 1;
            }
        }
        let single = std::str::from_utf8(&buf[..n]).ok()?;
        self.map.get_key_value(single).map(|(k, e)| (*k, *e))
    }

    /// "desks" -> "desk", "boxes" -> "box": plural nouns keep their classes.
    fn plural(&self, word: &str) -> Option<(&'static str, Entry)> {
        let stem = word.strip_suffix('s').filter(|s| s.len() >= 3)?;
        let noun = SALES | SUPPORT | DEAL | PRICE | RECN | OWNABLE | NONCOM;
        let try_stem = |s: &str| {
            self.map
                .get_key_value(s)
                .filter(|(_, e)| e.classes & noun != 0)
        };
        try_stem(stem)
            .or_else(|| stem.strip_suffix('e').and_then(try_stem))
            .map(|(k, e)| (*k, *e))
    }

    /// The classes of a known word, 0 otherwise.
    pub fn classes(&self, word: &str) -> u128 {
        self.map.get(word).map_or(0, |e| e.classes)
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Self::new()
    }
}

fn has_double(word: &str) -> bool {
    word.as_bytes().windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_get_every_class_they_are_listed_under() {
        let lex = Lexicon::new();
        let c = lex.classes("get");
        assert!(c & ACQ != 0);
        assert!(lex.classes("refund") & SUPPORT != 0);
        assert_eq!(lex.classes("zzzz"), 0);
    }

    #[test]
    fn slang_expands_to_plain_words() {
        let lex = Lexicon::new();
        let (_, e) = lex.get("wtb").unwrap();
        assert_eq!(e.expand.unwrap(), &["in", "the", "market", "for"]);
        assert!(lex.get("pleasee").is_some());
    }
}
