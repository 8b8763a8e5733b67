//! The object of an ask: what the author wants. A product, size, stock,
//! plan or price makes it a sales ask; an update, fix, refund, replacement
//! or "my order" makes it support; "how to clean" or "tips for cleaning"
//! makes it a task; sunsets and free things are not for sale.
//!
//! Owns that one judgement, returned as a single cue.

use super::analyze::{phrasal_get, Analysis, Found};
use super::frames::Obj;
use super::lexicon::*;
use super::score::Pre;

/// Classes that name goods or the terms of buying them.
pub const GOODS: u128 = SALES | PRICE | DEAL | STOCK | NEWISH | MONEY | CURRENCY | STORE;

/// The cue for what `f` asks about.
pub(super) fn object(a: &Analysis, f: &Found) -> Pre {
    let s = a.sentences[f.sentence];
    let start = f.hit.start as usize;
    if f.frame().obj == Obj::Own {
        // A pitch, a quote or "before I buy": the frame names the deal.
        return Pre::at("obj.named", 0.0, start);
    }
    if let Some(i) = support_at(a, f) {
        return Pre::at("obj.support", -4.0, i);
    }
    if let Some(i) = how_to_at(a, f) {
        return Pre::at("obj.how_to", -3.0, i);
    }
    // "…best app for splitting bills? free one obviously": the sentence
    // after the ask can still say it must cost nothing.
    let next_end = a.sentences.get(f.sentence + 1).map_or(s.end, |n| n.end);
    if let Some(i) = free_at(a, s.start, next_end) {
        return Pre::at("obj.free", -3.0, i);
    }
    let find = |from: usize, to: usize, c: u128| (from..to).find(|&i| a.toks[i].cls & c != 0);
    // The words that anchor the frame ("which colour", "anyone used") are
    // not evidence of goods a second time; words it spans are.
    // A frame ending in an open slot ("need a …") names its object there:
    // that last word is not an anchor.
    let slot = matches!(f.frame().pat.last(), Some(super::frames::E::N(_)));
    let (first, last) = (start, f.hit.end as usize - usize::from(!slot));
    let goods = (s.start..s.end).find(|&i| i != first && i != last && a.toks[i].cls & GOODS != 0);
    // An adjective ("a spare kidney") does not make what follows goods.
    let any_goods = find(s.start, s.end, GOODS & !NEWISH);
    let leisure = (s.start..s.end).find(|&i| a.toks[i].cls & NONCOM != 0 && !names_product(a, i));
    if let Some(i) = leisure.filter(|&i| any_goods.map_or(true, |g| i < g)) {
        return Pre::at("obj.not_for_sale", -2.5, i);
    }
    if let Some(i) = goods {
        return Pre::at("obj.goods", 0.6, i);
    }
    // "sanding vs staining the deck? which looks better": an ask that
    // names nothing continues the task of the sentence before it.
    if let Some(i) = f.sentence.checked_sub(1).and_then(|p| how_to_in(a, p)) {
        return Pre::at("obj.how_to", -3.0, i);
    }
    if f.frame().obj != Obj::Need {
        return Pre::at("obj.unstated", 0.0, start);
    }
    // "need an electric toothbrush recommendation": words inside a generic
    // ask that the lexicon does not know are what is asked for.
    let short = f.hit.end as usize - start <= 5;
    let noun = |i: usize| a.toks[i].cls == 0 && !a.toks[i].w.ends_with("ing");
    let inside = (start + 1..last).find(|&i| short && noun(i));
    match (inside, find(0, a.toks.len(), GOODS)) {
        (Some(i), _) => Pre::at("obj.goods", 0.6, i),
        (None, Some(i)) => Pre::at("obj.goods_nearby", 0.2, i),
        // "thinking of getting solar panels … worth it?": a buying verb
        // elsewhere in the message names the goods.
        (None, None) => match buying_verb(a, f).or_else(|| unknown_noun(a, s)) {
            Some(i) => Pre::at("obj.goods_nearby", 0.2, i),
            None => Pre::at("obj.unknown", -1.5, start),
        },
    }
}

/// A buying verb outside the ask that is not phrasal ("get it out").
fn buying_verb(a: &Analysis, f: &Found) -> Option<usize> {
    let (start, end) = (f.hit.start as usize, f.hit.end as usize);
    a.sentences.iter().find_map(|s| {
        let sent = &a.toks[s.start..s.end];
        (s.start..s.end).find(|&i| {
            (i < start || i >= end)
                && a.toks[i].cls & (ACQ | ACQ_ING | SWITCH) != 0
                && !phrasal_get(sent, i - s.start)
        })
    })
}

/// "are solar panels worth it?": a word the lexicon does not know, in the
/// ask's own sentence, is most likely the thing asked about. Weak evidence.
fn unknown_noun(a: &Analysis, s: super::sentences::Sentence) -> Option<usize> {
    (s.content..s.end).find(|&i| {
        let t = &a.toks[i];
        // Not an adverb ("legally") or an infinitive ("what to see").
        let verbish =
            t.w.ends_with("ing") || t.w.ends_with("ly") || (i > 0 && a.toks[i - 1].w == "to");
        t.cls == 0 && t.w.len() > 2 && t.w.bytes().all(|b| b.is_ascii_alphanumeric()) && !verbish
    })
}

/// A modifier that is part of a product name: "hiking boots", "password
/// manager", "replacement cushions".
fn names_product(a: &Analysis, i: usize) -> bool {
    let t = &a.toks;
    t.get(i + 1).is_some_and(|n| {
        n.cls & SALES != 0
            || (matches!(t[i].w, "replacement" | "spare") && n.cls & FUNCTION_WORDS == 0)
    })
}

/// "free budgeting apps", "open source alternatives": not for sale. Free
/// shipping, trials and quotes are terms of a sale and do not count.
fn free_at(a: &Analysis, from: usize, to: usize) -> Option<usize> {
    let terms = [
        "shipping",
        "delivery",
        "returns",
        "return",
        "trial",
        "consultation",
        "quote",
        "upgrade",
        "gift",
        "installation",
        "install",
        "fitting",
        "setup",
        "postage",
        "sample",
        "samples",
        "swatch",
        "swatches",
    ];
    // "is the Pro plan worth it over the free one?": free weighed against
    // paid is an upgrade question.
    let paid_side = (from..to).any(|i| {
        matches!(
            a.toks[i].w,
            "paid" | "premium" | "pro" | "upgrade" | "upgrading" | "worth"
        )
    });
    if paid_side {
        return None;
    }
    // "dont want free ones": a refusal of free things.
    let refused = |i: usize| {
        a.toks[i.saturating_sub(2).max(from)..i]
            .iter()
            .any(|t| t.cls & NEG != 0)
    };
    // "gluten free", "cruelty free", "interest free": a compound adjective
    // after a plain noun, not "at no cost".
    let compound = |i: usize| i > from && a.toks[i - 1].cls == 0 && a.toks[i - 1].w.len() > 2;
    // "the bundle with the free case": a term of an offer.
    let offer = |i: usize| {
        a.toks[i.saturating_sub(4).max(from)..i]
            .iter()
            .any(|t| t.cls & DEAL != 0)
    };
    (from..to).find(|&i| match a.toks[i].w {
        "free" => {
            !a.toks.get(i + 1).is_some_and(|n| terms.contains(&n.w))
                && !refused(i)
                && !compound(i)
                && !offer(i)
        }
        "open" => a.toks.get(i + 1).is_some_and(|n| n.w == "source"),
        _ => false,
    })
}

/// A support object in the sentence ("a refund", "an update"), or an owned
/// thing right after the ask ("can I get my money back", "my order").
/// Support words that name a product ("replacement cushions", "password
/// manager") do not count.
fn support_at(a: &Analysis, f: &Found) -> Option<usize> {
    let s = a.sentences[f.sentence];
    let t = &a.toks;
    let sent = &t[s.start..s.end];
    let is_support = |i: usize| {
        let c = t[i].cls;
        let property = i >= s.start + 2 && t[i - 1].w == "to" && EASE.contains(&t[i - 2].w);
        let term = i > s.start && matches!(t[i - 1].w, "year" | "yr" | "month");
        // "a bank that actually answers the phone": a verb, not a request.
        let verb = i > s.start && matches!(t[i - 1].w, "that" | "who" | "which" | "actually");
        // "a laptop just for email", "an accountant for a simple return",
        // "literally just emails and facebook": what the thing is for, not
        // a request for support.
        let purpose = (i.saturating_sub(3).max(s.start)..i).any(|j| t[j].w == "for")
            || (i > s.start && matches!(t[i - 1].w, "just" | "mostly" | "mainly" | "basically"));
        c & (SUPPORT | HOWTO) != 0
            && !purpose
            && c & SALES == 0
            && !names_product(a, i)
            && !property
            && !term
            && !verb
    };
    let word = (s.start..s.end).find(|&i| is_support(i) || returning(sent, i - s.start));
    let end = (f.hit.end as usize + 6).min(s.end);
    let owned = || {
        (f.hit.end as usize..end).find(|&i| {
            t[i].cls & MY != 0
                && t[i + 1..end]
                    .iter()
                    .take(2)
                    .any(|n| n.cls & (OWNABLE | SUPPORT) != 0)
        })
    };
    word.or_else(owned)
}

/// "easy to install", "a pain to set up": a property of a product.
const EASE: [&str; 8] = [
    "easy",
    "easier",
    "hard",
    "harder",
    "simple",
    "pain",
    "quick",
    "difficult",
];

/// "send it back", "get the fee back", "get one of them refunded":
/// returning something bought or getting money back.
fn returning(sent: &[super::analyze::Tok], i: usize) -> bool {
    let after = || sent[i + 1..].iter().take(5);
    match sent[i].w {
        "send" | "bring" | "take" | "ship" => after().take(3).any(|t| t.w == "back"),
        "get" | "getting" => after().any(|t| RETURNED.contains(&t.w)),
        _ => false,
    }
}

/// Words after "get" that mean money or goods come back or get mended.
const RETURNED: [&str; 12] = [
    "back",
    "refunded",
    "replaced",
    "repaired",
    "fixed",
    "sorted",
    "resolved",
    "reimbursed",
    "cancelled",
    "canceled",
    "changed",
    "exchanged",
];
/// Words that cannot be the head of a product name.
const FUNCTION_WORDS: u128 =
    ARTICLE | FOR | TO | MY | THIS | SELF | YOU | AUX | MODAL | COMMA | QEND | END;

/// A gerund that is not a buying verb ("waxing", not "buying").
fn ing(w: &str) -> bool {
    w.len() > 4
        && w.ends_with("ing")
        && !matches!(
            w,
            "buying" | "getting" | "ordering" | "leasing" | "renting" | "financing"
        )
}

/// "how to clean", "best way to learn", "tips for cleaning": the ask is
/// about doing something, not buying something.
fn how_to_at(a: &Analysis, f: &Found) -> Option<usize> {
    how_to_in(a, f.sentence)
}

pub(super) fn how_to_in(a: &Analysis, sentence: usize) -> Option<usize> {
    let s = a.sentences[sentence];
    let t = &a.toks;
    let buying = ACQ | ACQ_ING | CHOOSE | SWITCH | SELL | PRICE | GOODS;
    let skip = SELF | YOU | TO | MODAL | AUX | ANYONE | ARTICLE;
    for i in s.start..s.end {
        let verb = match t[i].w {
            // Asking what something means or which setting to use.
            "explain" | "means" | "mean" | "meaning" | "setting" | "settings" | "method"
            | "trick" | "modes" => return Some(i),
            // "is it cheaper to run …", "better to leave it on": a way of
            // using something, unless the verb is buying.
            _ if t[i].cls & (BEST | DEAL) != 0 && t.get(i + 1).is_some_and(|n| n.w == "to") => {
                Some(i + 2).filter(|&j| j < s.end)
            }
            // "waxing vs oiling": comparing ways of doing, not products.
            "vs" | "versus" | "or"
                if i > s.start && ing(t[i - 1].w) && t.get(i + 1).is_some_and(|n| ing(n.w)) =>
            {
                return Some(i)
            }
            "how" | "way" => (i + 1..s.end)
                .take(4)
                .find(|&j| t[j].cls & skip == 0 && t[j].w != "your"),
            // "tips for cleaning", "advice on fixing" (but "good for gaming"
            // is what a product is for).
            "for" | "on" | "with" if i > s.start && t[i - 1].cls & RECN != 0 => {
                Some(i + 1).filter(|&j| j < s.end && t[j].w.ends_with("ing"))
            }
            _ => None,
        };
        let Some(v) = verb else { continue };
        let w = t[v].w;
        if matches!(
            w,
            "much" | "many" | "long" | "soon" | "sign" | "open" | "join"
        ) {
            continue;
        }
        let sent = &t[s.start..s.end];
        if w == "change" || t[v].cls & buying == 0 || phrasal_get(sent, v - s.start) {
            return Some(v);
        }
    }
    None
}
