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
    if let Some(i) = support_at(a, f) {
        return Pre::at("obj.support", -4.0, i);
    }
    if let Some(i) = how_to_at(a, f) {
        return Pre::at("obj.how_to", -3.0, i);
    }
    if f.frame().obj == Obj::Own {
        return Pre::at("obj.named", 0.0, start);
    }
    let find = |from: usize, to: usize, c: u128| (from..to).find(|&i| a.toks[i].cls & c != 0);
    let goods = find(s.start, s.end, GOODS);
    if let (None, Some(i)) = (goods, find(s.start, s.end, NONCOM)) {
        return Pre::at("obj.not_for_sale", -2.5, i);
    }
    if let Some(i) = goods {
        return Pre::at("obj.goods", 0.6, i);
    }
    if f.frame().obj != Obj::Need {
        return Pre::at("obj.unstated", 0.0, start);
    }
    // "need an electric toothbrush recommendation": words inside a generic
    // ask that the lexicon does not know are what is asked for.
    let inside = (start..f.hit.end as usize).find(|&i| a.toks[i].cls == 0);
    match (inside, find(0, a.toks.len(), GOODS)) {
        (Some(i), _) => Pre::at("obj.goods", 0.6, i),
        (None, Some(i)) => Pre::at("obj.goods_nearby", 0.2, i),
        (None, None) => Pre::at("obj.unknown", -1.5, start),
    }
}

/// A support object in the sentence ("a refund", "an update"), or an owned
/// thing right after the ask ("can I get my money back", "my order").
/// Support words that name a product ("replacement cushions", "password
/// manager") do not count.
fn support_at(a: &Analysis, f: &Found) -> Option<usize> {
    let s = a.sentences[f.sentence];
    let t = &a.toks;
    let named = |i: usize| {
        t.get(i + 1).is_some_and(|n| {
            n.cls & SALES != 0
                || (matches!(t[i].w, "replacement" | "spare") && n.cls & FUNCTION_WORDS == 0)
        })
    };
    let is_support =
        |i: usize| t[i].cls & (SUPPORT | HOWTO) != 0 && t[i].cls & SALES == 0 && !named(i);
    let word = (s.start..s.end).find(|&i| is_support(i));
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

/// Words that cannot be the head of a product name.
const FUNCTION_WORDS: u128 =
    ARTICLE | FOR | TO | MY | THIS | SELF | YOU | AUX | MODAL | COMMA | QEND | END;

/// "how to clean", "best way to learn", "tips for cleaning": the ask is
/// about doing something, not buying something.
fn how_to_at(a: &Analysis, f: &Found) -> Option<usize> {
    let s = a.sentences[f.sentence];
    let t = &a.toks;
    let buying = ACQ | ACQ_ING | CHOOSE | SWITCH | SELL | PRICE | GOODS;
    let skip = SELF | YOU | TO | MODAL | AUX | ANYONE | ARTICLE;
    for i in s.start..s.end {
        let verb = match t[i].w {
            "how" | "way" => (i + 1..s.end).take(4).find(|&j| t[j].cls & skip == 0),
            "for" | "on" | "with" if f.frame().obj == Obj::Need => {
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
