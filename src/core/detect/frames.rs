//! Frames: small token patterns over word classes that describe the
//! structure of an ask ("WHERE … ACQUIRE"), of a plan to buy, or of a
//! reason not to answer (advice, promotion, contest, rhetoric, past
//! purchase). Each frame carries a stable cue id and a weight in logit units.
//!
//! Owns the pattern language and its matcher. Frames are written in terms of
//! word classes from `lexicon.rs`; literal words appear only where the word
//! itself is the signal ("convince me", "in the market for").

use super::lexicon::*;

/// One pattern element.
#[derive(Debug, Clone, Copy)]
pub enum E {
    /// A token having any of these classes.
    C(u64),
    /// A token equal to this word.
    W(&'static str),
    /// A token equal to any of these words (`|`-separated).
    A(&'static str),
    /// An optional token having any of these classes.
    O(u64),
    /// Skip up to n tokens, none of which has any of the given classes.
    G(u8, u64),
}
use E::*;

/// What a frame is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A request to be sold to.
    Ask,
    /// A stated plan to buy.
    Intent,
    /// A reason to stay silent, counted once per message.
    Neg,
}

/// How an ask depends on what is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obj {
    /// The frame itself names the goods (e.g. "in the market for").
    Own,
    /// Support objects ("refund", "my order") turn it into support.
    Check,
    /// Generic ask ("any suggestions?"): needs something for sale nearby.
    Need,
}

#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub id: &'static str,
    pub weight: f32,
    pub role: Role,
    pub pat: &'static [E],
    /// Only in a question (Ask) / only outside a question (Neg).
    pub q: bool,
    pub obj: Obj,
    /// A negator just before the frame cancels it.
    pub negatable: bool,
    /// Must start the sentence (after greetings and mentions).
    pub start: bool,
}

const fn f(id: &'static str, weight: f32, role: Role, pat: &'static [E]) -> Frame {
    Frame {
        id,
        weight,
        role,
        pat,
        q: false,
        obj: Obj::Check,
        negatable: false,
        start: false,
    }
}

const fn ask(id: &'static str, w: f32, pat: &'static [E]) -> Frame {
    f(id, w, Role::Ask, pat)
}
const fn askq(id: &'static str, w: f32, pat: &'static [E]) -> Frame {
    Frame {
        q: true,
        ..f(id, w, Role::Ask, pat)
    }
}
const fn need(id: &'static str, w: f32, q: bool, pat: &'static [E]) -> Frame {
    Frame {
        q,
        obj: Obj::Need,
        negatable: true,
        ..f(id, w, Role::Ask, pat)
    }
}
const fn verb(id: &'static str, w: f32, obj: Obj, pat: &'static [E]) -> Frame {
    Frame {
        obj,
        negatable: true,
        ..f(id, w, Role::Ask, pat)
    }
}
const fn plan(id: &'static str, pat: &'static [E]) -> Frame {
    Frame {
        negatable: true,
        ..f(id, 1.2, Role::Intent, pat)
    }
}
const fn neg(id: &'static str, w: f32, pat: &'static [E]) -> Frame {
    f(id, w, Role::Neg, pat)
}
const fn negs(id: &'static str, w: f32, pat: &'static [E]) -> Frame {
    Frame {
        q: true,
        ..f(id, w, Role::Neg, pat)
    }
}

const CHOOSE_V: u64 = CHOOSE | ACQ | SWITCH;
const SALESY: u64 = SALES | PRICE | DEAL | STOCK | BEST | NEWISH | MONEY | CURRENCY;

pub static FRAMES: &[Frame] = &[
    // Where / who sells.
    ask("ask.where_to_buy", 3.8, &[C(WHERE), G(4, MY | NEG), C(ACQ)]),
    ask(
        "ask.where_to_buy",
        3.6,
        &[C(WHERE), G(4, MY | NEG), C(SELL)],
    ),
    askq(
        "ask.who_sells",
        3.5,
        &[C(WHO | ANYONE), G(2, MY | NEG), C(SELL)],
    ),
    // Recommendations.
    askq("ask.recommend", 3.6, &[C(MODAL), G(2, NEG), C(RECV)]),
    askq("ask.recommend", 3.6, &[C(WHICH), G(4, NEG), C(RECV)]),
    verb("ask.recommend", 3.2, Obj::Check, &[C(RECV), W("me")]),
    Frame {
        start: true,
        ..need("ask.recommend", 2.8, false, &[C(RECV)])
    },
    need(
        "ask.recommendations",
        3.2,
        false,
        &[C(ANY), G(2, NEG), C(RECN)],
    ),
    need(
        "ask.recommendations",
        3.0,
        false,
        &[C(NEED), G(3, NEG), C(RECN)],
    ),
    need(
        "ask.recommendations",
        3.0,
        false,
        &[A("love|appreciate"), G(2, NEG), C(RECN)],
    ),
    need(
        "ask.recommendations",
        3.0,
        false,
        &[C(RECN), A("welcome|appreciated|please")],
    ),
    need(
        "ask.recommendations",
        3.0,
        false,
        &[C(RECN), C(AUX), A("welcome|appreciated")],
    ),
    need(
        "ask.recommendations",
        3.0,
        false,
        &[W("open"), C(TO), C(RECN)],
    ),
    need(
        "ask.recommendations",
        2.8,
        true,
        &[C(RECN), A("for|on|about")],
    ),
    Frame {
        start: true,
        ..need("ask.recommendations", 2.6, true, &[C(RECN)])
    },
    // Choosing.
    ask(
        "ask.which_to_choose",
        3.6,
        &[
            C(WHICH | WHO),
            G(4, NEG | MY),
            C(MODAL),
            C(SELF | YOU),
            G(2, NEG),
            C(CHOOSE_V),
        ],
    ),
    askq(
        "ask.should_i_buy",
        3.0,
        &[C(MODAL), C(SELF), G(2, NEG | MY), C(ACQ | SWITCH)],
    ),
    askq("ask.best", 2.8, &[C(WHICH), G(3, NEG | MY), C(BEST)]),
    askq(
        "ask.best",
        2.6,
        &[C(BEST), G(3, NEG | MY), A("for|under|to")],
    ),
    askq("ask.best", 2.8, &[C(ANY), C(BEST)]),
    askq(
        "ask.best",
        2.8,
        &[C(ANYONE), W("know"), G(3, NEG | MY), C(BEST | SALES)],
    ),
    ask(
        "ask.compare",
        3.4,
        &[A("torn|deciding|choosing|debating|undecided"), W("between")],
    ),
    ask("ask.compare", 2.6, &[W("vs")]),
    askq("ask.compare", 2.4, &[C(BEST), W("than")]),
    Frame {
        obj: Obj::Need,
        ..askq(
            "ask.compare",
            2.2,
            &[C(SALES | BEST | THIS), G(3, NEG), W("or")],
        )
    },
    // Price, deals, stock and pre-sales logistics.
    ask(
        "ask.price",
        3.2,
        &[W("how"), W("much"), C(AUX | FOR | TO | MODAL)],
    ),
    askq("ask.price", 3.0, &[C(WHICH), G(3, MY), C(PRICE)]),
    Frame {
        start: true,
        ..askq("ask.price", 2.8, &[C(PRICE)])
    },
    verb(
        "ask.deal",
        3.0,
        Obj::Check,
        &[C(ANY), G(2, NEG | MY), C(DEAL)],
    ),
    ask("ask.deal", 3.0, &[C(BEST), C(DEAL | PRICE), A("for|on|in")]),
    askq("ask.stock", 3.0, &[W("in"), W("stock")]),
    askq("ask.stock", 3.0, &[W("back"), W("in")]),
    askq("ask.stock", 3.0, &[C(WHEN), G(5, MY | NEG), C(STOCK)]),
    askq("ask.stock", 2.8, &[C(AUX), G(3, MY | NEG), C(STOCK)]),
    askq(
        "ask.stock",
        3.0,
        &[C(AUX | MODAL), C(YOU), G(1, NEG), C(STOCK | SELL)],
    ),
    askq(
        "ask.payment",
        3.0,
        &[
            C(MODAL),
            C(SELF),
            W("pay"),
            A("with|by|in|using|via|through|monthly"),
        ],
    ),
    Frame {
        obj: Obj::Need,
        ..askq(
            "ask.do_you_have",
            2.2,
            &[
                C(AUX | MODAL),
                C(YOU),
                G(1, NEG),
                A("have|carry|offer|make|do"),
            ],
        )
    },
    askq("ask.how_to_buy", 3.0, &[C(HOW), G(3, MY | NEG), C(ACQ)]),
    askq(
        "ask.how_to_buy",
        3.0,
        &[C(HOW), G(3, MY | NEG), A("sign|open|join"), A("up|account")],
    ),
    askq("ask.worth_it", 2.8, &[C(WORTH)]),
    // Buying wants.
    verb(
        "ask.want_to_buy",
        2.8,
        Obj::Check,
        &[C(NEED | LOOK), C(TO), C(ACQ)],
    ),
    verb(
        "ask.in_the_market",
        3.6,
        Obj::Own,
        &[W("in"), W("the"), W("market"), W("for")],
    ),
    verb("ask.looking_for", 2.2, Obj::Need, &[C(LOOK), C(FOR)]),
    verb(
        "ask.looking_for",
        2.4,
        Obj::Check,
        &[W("shopping"), A("around|for")],
    ),
    // Pitch invitations.
    ask(
        "ask.pitch",
        3.4,
        &[A("convince|sell|pitch|persuade"), W("me")],
    ),
    ask("ask.pitch", 3.0, &[C(BEST), A("offer|offers")]),
    ask(
        "ask.pitch",
        3.2,
        &[A("win|earn|deserves"), W("my"), A("business|money|custom")],
    ),
    ask(
        "ask.pitch",
        3.0,
        &[W("why"), A("should|would"), C(SELF), G(2, NEG), C(CHOOSE_V)],
    ),
    ask("ask.pitch", 2.8, &[W("make"), W("me"), G(1, 0), W("offer")]),
    // Plans to buy (Intent).
    plan(
        "intent.plan",
        &[C(PLAN), G(2, NEG | MY), C(ACQ | ACQ_ING | SWITCH)],
    ),
    plan(
        "intent.plan",
        &[
            C(SELF),
            A("might|may|will|ll|should"),
            G(1, NEG),
            C(ACQ | SWITCH),
        ],
    ),
    plan("intent.need_new", &[C(NEED), G(2, NEG | MY), C(NEWISH)]),
    plan(
        "intent.plan",
        &[A("getting|buying|ordering|upgrading"), G(4, MY), C(FUT_T)],
    ),
    plan("intent.plan", &[W("saving"), W("up"), W("for")]),
    plan("intent.plan", &[W("time"), W("to"), C(ACQ | SWITCH)]),
    // Reasons to stay silent.
    neg(
        "neg.past_purchase",
        -1.5,
        &[C(SELF), G(2, NEG), C(ACQ_PAST)],
    ),
    neg(
        "neg.past_purchase",
        -1.5,
        &[C(ACQ_PAST), G(3, 0), C(PAST_T)],
    ),
    neg(
        "neg.never_again",
        -3.5,
        &[W("never"), G(2, 0), C(ACQ | ACQ_ING | ACQ_PAST)],
    ),
    neg(
        "neg.never_again",
        -3.0,
        &[
            A("last|final"),
            W("time"),
            C(SELF),
            G(1, 0),
            C(ACQ_PAST | ACQ),
        ],
    ),
    neg(
        "neg.complaint",
        -1.5,
        &[
            W("still"),
            G(2, 0),
            A("waiting|havent|hasnt|not|no|nothing"),
        ],
    ),
    neg(
        "neg.complaint",
        -1.5,
        &[
            C(NEG),
            G(1, 0),
            A("work|working|works|arrived|received|charging"),
        ],
    ),
    neg(
        "neg.complaint",
        -1.5,
        &[A("stopped|quit"), A("working|charging")],
    ),
    neg(
        "neg.owned_item",
        -1.0,
        &[C(MY), G(1, 0), C(SUPPORT | ACQ | ACQ_PAST)],
    ),
    negs(
        "neg.advice",
        -3.0,
        &[C(YOU), A("should|must|gotta|need"), G(2, 0), C(CHOOSE_V)],
    ),
    negs("neg.advice", -3.0, &[A("dont|never"), C(ACQ)]),
    negs("neg.advice", -3.0, &[C(SELF), G(2, 0), C(RECV)]),
    neg("neg.advice", -3.0, &[C(NEG), G(1, 0), C(RECV)]),
    neg("neg.advice", -3.0, &[W("highly"), C(RECV)]),
    neg(
        "neg.advice",
        -2.5,
        &[W("if"), C(YOU | ANYONE), G(2, 0), C(LOOK | NEED)],
    ),
    neg("neg.advice", -1.5, &[W("check"), W("out")]),
    neg("neg.advice", -2.0, &[W("go"), W("with"), W("the")]),
    negs("neg.promotion", -3.5, &[A("use|promo|discount"), W("code")]),
    neg("neg.promotion", -3.5, &[C(PCT), W("off")]),
    neg("neg.promotion", -3.5, &[W("link"), W("in"), W("bio")]),
    neg("neg.promotion", -3.0, &[W("dm"), G(1, 0), A("for|to")]),
    neg("neg.promotion", -3.5, &[A("shop|buy|order"), W("now")]),
    negs("neg.promotion", -3.0, &[W("for"), W("sale")]),
    negs(
        "neg.promotion",
        -3.5,
        &[C(SELF), G(1, 0), A("selling|sell|offer|ship")],
    ),
    neg("neg.promotion", -3.0, &[W("selling"), C(MY)]),
    neg("neg.promotion", -3.0, &[W("want"), W("to"), W("sell")]),
    neg(
        "neg.promotion",
        -3.0,
        &[W("limited"), A("time|stock|offer")],
    ),
    negs("neg.promotion", -2.0, &[W("free"), W("shipping")]),
    neg("neg.promotion", -2.5, &[A("dont|never"), W("miss")]),
    neg(
        "neg.contest",
        -3.5,
        &[
            A("rt|retweet|follow|like|tag|enter|comment"),
            G(3, 0),
            W("win"),
        ],
    ),
    neg("neg.contest", -3.0, &[W("pick"), W("me")]),
    neg("neg.contest", -2.5, &[W("to"), A("win|enter")]),
    neg(
        "neg.rhetorical",
        -3.0,
        &[W("who"), G(2, 0), A("buys|pays|needs")],
    ),
    neg(
        "neg.rhetorical",
        -3.0,
        &[W("who"), A("would|even|tf"), G(1, 0), C(ACQ)],
    ),
    neg(
        "neg.rhetorical",
        -3.0,
        &[
            W("why"),
            A("would|does|do"),
            C(ANYONE | YOU),
            G(2, 0),
            C(ACQ),
        ],
    ),
    neg(
        "neg.rhetorical",
        -2.5,
        &[W("imagine"), G(1, 0), C(ACQ_ING | ACQ)],
    ),
    neg("neg.rhetorical", -2.0, &[W("/"), W("s")]),
    neg(
        "neg.not_looking",
        -3.5,
        &[W("just"), A("browsing|looking|window")],
    ),
    neg(
        "neg.not_looking",
        -3.5,
        &[W("not"), A("interested|buying|shopping")],
    ),
    neg("neg.not_looking", -2.5, &[W("no"), A("thanks|thx|thank")]),
    neg("neg.wish", -2.0, &[W("take"), W("my"), W("money")]),
    neg("neg.wish", -1.0, &[C(SELF), W("wish")]),
];

/// A match of one frame: token range [start, end).
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub frame: u16,
    pub start: u32,
    pub end: u32,
}

/// The classes and word of a token, as the matcher sees it.
pub trait TokView {
    fn word(&self) -> &str;
    fn classes(&self) -> u64;
}

/// Try to match `pat` at `toks[i..]`; return the end index.
pub fn match_at<T: TokView>(pat: &[E], toks: &[T], i: usize) -> Option<usize> {
    let Some((first, rest)) = pat.split_first() else {
        return Some(i);
    };
    let one = |ok: bool| {
        if ok {
            match_at(rest, toks, i + 1)
        } else {
            None
        }
    };
    match *first {
        C(c) => one(toks.get(i).is_some_and(|t| t.classes() & c != 0)),
        W(w) => one(toks.get(i).is_some_and(|t| t.word() == w)),
        A(ws) => one(toks
            .get(i)
            .is_some_and(|t| ws.split('|').any(|w| w == t.word()))),
        O(c) => {
            if toks.get(i).is_some_and(|t| t.classes() & c != 0) {
                if let Some(end) = match_at(rest, toks, i + 1) {
                    return Some(end);
                }
            }
            match_at(rest, toks, i)
        }
        G(n, excl) => {
            let mut j = i;
            loop {
                if let Some(end) = match_at(rest, toks, j) {
                    return Some(end);
                }
                if j - i >= n as usize || !toks.get(j).is_some_and(|t| t.classes() & excl == 0) {
                    return None;
                }
                j += 1;
            }
        }
    }
}
