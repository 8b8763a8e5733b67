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
    C(u128),
    /// A token equal to this word.
    W(&'static str),
    /// A token equal to any of these words (`|`-separated).
    A(&'static str),
    /// An optional token having any of these classes.
    O(u128),
    /// Skip up to n tokens, none of which has any of the given classes.
    G(u8, u128),
    /// The end of the sentence.
    End,
}
use E::*;

/// What a frame is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A request to be sold to.
    Ask,
    /// A stated plan to buy.
    Intent,
    /// Message-wide evidence (mostly reasons to stay silent), counted
    /// once per cue id.
    Context,
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
    /// Only in a question (Ask) / only outside a question (Context).
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
const fn ctx(id: &'static str, w: f32, pat: &'static [E]) -> Frame {
    f(id, w, Role::Context, pat)
}
const fn stmt(id: &'static str, w: f32, pat: &'static [E]) -> Frame {
    Frame {
        q: true,
        ..f(id, w, Role::Context, pat)
    }
}

const CHOOSE_V: u128 = CHOOSE | ACQ | SWITCH;

pub static FRAMES: &[Frame] = &[
    // Where / who sells / who offers.
    ask(
        "ask.where_to_buy",
        3.8,
        &[C(WHERE), G(4, MY | NEG), C(ACQ | ACQ_ING)],
    ),
    ask(
        "ask.where_to_buy",
        3.6,
        &[C(WHERE), G(4, MY | NEG), C(SELL)],
    ),
    Frame {
        obj: Obj::Need,
        ..askq(
            "ask.where_to_buy",
            3.0,
            &[C(WHERE), G(3, MY | NEG), A("look|shop|go")],
        )
    },
    askq(
        "ask.who_sells",
        3.5,
        &[C(WHO | ANYONE), G(2, MY | NEG), C(SELL)],
    ),
    askq(
        "ask.who_offers",
        3.0,
        &[
            C(WHO),
            G(4, NEG),
            C(BEST | DEAL | PRICE | SALES | SWITCH | PITCH),
        ],
    ),
    Frame {
        obj: Obj::Need,
        ..askq(
            "ask.who_offers",
            2.8,
            &[C(WHO), C(MODAL), C(SELF), A("talk|speak|contact|call|go")],
        )
    },
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
    need(
        "ask.experience",
        2.6,
        true,
        &[C(ANYONE), G(2, NEG), A("used|tried|have|own|using|had")],
    ),
    need(
        "ask.experience",
        2.4,
        false,
        &[A("love|like|want"), W("to"), A("hear|know")],
    ),
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
    ask(
        "ask.which_to_choose",
        3.4,
        &[C(WHICH), G(4, NEG | MY), C(TO), C(CHOOSE_V)],
    ),
    askq(
        "ask.which_product",
        2.8,
        &[C(WHICH), G(1, NEG | MY), C(SALES)],
    ),
    ask(
        "ask.which_to_choose",
        3.4,
        &[W("help"), W("me"), G(1, 0), C(CHOOSE | ACQ)],
    ),
    askq(
        "ask.should_i_buy",
        3.0,
        &[C(MODAL), C(SELF), G(2, NEG | MY), C(ACQ | SWITCH)],
    ),
    askq(
        "ask.should_i_buy",
        3.0,
        &[
            C(MODAL),
            C(SELF),
            G(1, NEG | MY),
            A("go|pick|choose|opt"),
            A("for|with"),
        ],
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
    ask("ask.compare", 3.0, &[W("vs")]),
    askq("ask.compare", 2.4, &[C(BEST), W("than")]),
    Frame {
        obj: Obj::Need,
        ..askq("ask.compare", 2.4, &[W("or")])
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
    verb("ask.quote", 3.4, Obj::Own, &[W("quote"), W("me")]),
    verb(
        "ask.quote",
        3.2,
        Obj::Own,
        &[
            A("send|give|dm|email|get|show"),
            W("me"),
            G(3, NEG),
            C(PRICE | DEAL),
        ],
    ),
    verb(
        "ask.quote",
        3.4,
        Obj::Own,
        &[
            C(SELF),
            G(1, 0),
            A("like|want|need|love"),
            G(2, 0),
            A("quote|quotes|proposal|pricing|estimate"),
        ],
    ),
    verb(
        "ask.deal",
        3.0,
        Obj::Check,
        &[C(ANY), G(2, NEG | MY), C(DEAL | STOCK)],
    ),
    ask("ask.deal", 3.0, &[C(BEST), C(DEAL | PRICE), A("for|on|in")]),
    askq(
        "ask.deal",
        2.8,
        &[C(PRES_AUX), G(5, MY | NEG), C(DEAL | PRICE)],
    ),
    askq("ask.stock", 3.0, &[W("in"), W("stock")]),
    askq("ask.stock", 3.0, &[W("back"), W("in")]),
    askq("ask.stock", 3.0, &[C(WHEN), G(5, MY | NEG), C(STOCK)]),
    askq("ask.stock", 2.8, &[C(AUX), G(6, MY | NEG), C(STOCK)]),
    askq(
        "ask.stock",
        3.0,
        &[C(AUX | MODAL), C(YOU), G(1, NEG), C(STOCK | SELL)],
    ),
    askq(
        "ask.product_detail",
        2.8,
        &[
            C(AUX),
            G(6, MY | NEG),
            W("come"),
            A("with|in|assembled|flat|built|pre|fully"),
        ],
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
                C(AUX | MODAL | YOU),
                G(1, NEG),
                C(YOU | ANYONE),
                G(1, NEG),
                A("have|carry|offer|make|do|got|sell|stock"),
            ],
        )
    },
    askq("ask.how_to_buy", 3.0, &[C(HOW), G(3, MY | NEG), C(ACQ)]),
    askq(
        "ask.how_to_buy",
        3.0,
        &[C(HOW), G(3, MY | NEG), A("sign|open|join"), A("up|account")],
    ),
    Frame {
        obj: Obj::Need,
        ..askq("ask.worth_it", 2.8, &[C(WORTH)])
    },
    verb(
        "ask.before_buying",
        3.6,
        Obj::Own,
        &[W("before"), G(1, NEG), C(ACQ | ACQ_ING | SWITCH)],
    ),
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
    ask(
        "ask.pitch",
        3.0,
        &[C(BEST), A("offer|offers|proposal|proposals|package|terms")],
    ),
    ask(
        "ask.pitch",
        3.2,
        &[
            A("win|earn|deserves|wants"),
            W("my"),
            A("business|money|custom"),
        ],
    ),
    ask(
        "ask.pitch",
        3.0,
        &[W("why"), A("should|would"), C(SELF), G(2, NEG), C(CHOOSE_V)],
    ),
    ask("ask.pitch", 2.8, &[W("make"), W("me"), G(1, 0), W("offer")]),
    ask(
        "ask.pitch",
        3.0,
        &[A("pitch|beat"), A("away|it|this|that|them")],
    ),
    ask(
        "ask.pitch",
        3.2,
        &[
            C(WHICH),
            A("can|could|will"),
            C(YOU),
            A("do|offer|give"),
            G(1, 0),
            W("me"),
        ],
    ),
    verb("ask.pitch", 3.0, Obj::Own, &[W("calling"), W("all")]),
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
    // Message-wide context, mostly reasons to stay silent.
    ctx(
        "ctx.budget",
        0.6,
        &[A("under|below|max|budget|around|upto"), O(CURRENCY), C(NUM)],
    ),
    ctx(
        "neg.past_purchase",
        -1.5,
        &[C(SELF), G(2, NEG), C(ACQ_PAST)],
    ),
    ctx(
        "neg.past_purchase",
        -1.5,
        &[C(ACQ_PAST), G(3, 0), C(PAST_T)],
    ),
    ctx(
        "neg.never_again",
        -3.5,
        &[W("never"), G(2, 0), C(ACQ | ACQ_ING | ACQ_PAST)],
    ),
    ctx(
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
    ctx(
        "neg.order_reference",
        -2.5,
        &[C(OWNABLE), G(1, 0), C(NUM | HASHTAG)],
    ),
    ctx(
        "neg.complaint",
        -1.5,
        &[
            W("still"),
            G(2, 0),
            A("waiting|havent|hasnt|not|no|nothing"),
        ],
    ),
    ctx(
        "neg.complaint",
        -1.5,
        &[
            C(NEG),
            G(1, 0),
            A("work|working|works|arrived|received|charging"),
        ],
    ),
    ctx(
        "neg.complaint",
        -1.5,
        &[A("stopped|quit"), A("working|charging")],
    ),
    ctx("neg.owned_item", -1.0, &[C(MY), G(1, 0), C(OWNABLE)]),
    stmt(
        "neg.advice",
        -3.0,
        &[C(YOU), A("should|must|gotta|need"), G(2, 0), C(CHOOSE_V)],
    ),
    stmt("neg.advice", -3.0, &[A("dont|never"), C(ACQ)]),
    stmt("neg.advice", -3.0, &[C(SELF), G(2, 0), C(RECV)]),
    ctx("neg.advice", -3.0, &[C(NEG), G(1, 0), C(RECV)]),
    ctx("neg.advice", -3.0, &[W("highly"), C(RECV)]),
    ctx(
        "neg.advice",
        -2.5,
        &[W("if"), C(YOU | ANYONE), G(2, 0), C(LOOK | NEED)],
    ),
    ctx("neg.advice", -2.5, &[W("if"), A("youre|your")]),
    ctx(
        "neg.advice",
        -2.5,
        &[W("for"), C(ANYONE), A("asking|wondering|looking")],
    ),
    ctx("neg.advice", -1.5, &[W("check"), W("out")]),
    stmt("neg.promotion", -3.5, &[A("use|promo|discount"), W("code")]),
    stmt("neg.promotion", -3.5, &[C(PCT), W("off")]),
    ctx("neg.promotion", -3.5, &[W("link"), W("in"), W("bio")]),
    ctx("neg.promotion", -3.0, &[W("dm"), G(1, 0), A("for|to")]),
    ctx("neg.promotion", -3.5, &[A("shop|buy|order"), W("now")]),
    stmt("neg.promotion", -3.0, &[W("for"), W("sale")]),
    stmt(
        "neg.promotion",
        -3.5,
        &[C(SELF), G(1, 0), A("selling|sell|offer|ship")],
    ),
    ctx("neg.promotion", -3.0, &[W("selling"), C(MY)]),
    ctx("neg.promotion", -3.0, &[W("want"), W("to"), W("sell")]),
    ctx(
        "neg.promotion",
        -3.5,
        &[C(ANYONE), G(1, 0), C(NEED), W("to"), W("buy")],
    ),
    ctx(
        "neg.promotion",
        -3.0,
        &[W("limited"), A("time|stock|offer")],
    ),
    stmt("neg.promotion", -2.0, &[W("free"), W("shipping")]),
    ctx("neg.promotion", -2.5, &[A("dont|never"), W("miss")]),
    ctx(
        "neg.contest",
        -3.5,
        &[
            A("rt|retweet|follow|like|tag|enter|comment"),
            G(3, 0),
            W("win"),
        ],
    ),
    ctx("neg.contest", -3.0, &[W("pick"), W("me")]),
    ctx("neg.contest", -2.5, &[W("to"), A("win|enter")]),
    ctx(
        "neg.rhetorical",
        -3.0,
        &[W("who"), G(2, 0), A("buys|pays|needs")],
    ),
    ctx(
        "neg.rhetorical",
        -3.0,
        &[W("who"), A("would|even|tf"), G(1, 0), C(ACQ)],
    ),
    ctx(
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
    ctx(
        "neg.rhetorical",
        -2.5,
        &[W("imagine"), G(1, 0), C(ACQ_ING | ACQ)],
    ),
    ctx("neg.rhetorical", -2.0, &[W("/"), W("s")]),
    ctx(
        "neg.not_looking",
        -3.5,
        &[W("just"), A("browsing|looking|window")],
    ),
    ctx("neg.not_looking", -3.5, &[W("not"), A("buying|shopping")]),
    ctx("neg.not_looking", -3.5, &[W("not"), W("interested"), End]),
    ctx(
        "neg.not_looking",
        -3.5,
        &[W("not"), W("interested"), W("in"), C(ACQ_ING | ANY)],
    ),
    ctx("neg.not_looking", -2.5, &[W("no"), A("thanks|thx|thank")]),
    ctx("neg.wish", -2.0, &[W("take"), W("my"), W("money")]),
    ctx("neg.wish", -1.0, &[C(SELF), W("wish")]),
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
    fn classes(&self) -> u128;
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
        End => (i == toks.len()).then_some(i),
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
