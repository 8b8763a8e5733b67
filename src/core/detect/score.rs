//! Weighing the evidence: picks the strongest ask (after checking what it
//! asks for, negation, question form and hedges), adds message-wide reasons
//! for and against (complaints, promotions, contests, past purchases,
//! several brands tagged, a stated plan), and turns the sum into a score.
//!
//! Owns the arithmetic: `score = sigmoid(BIAS + sum of cue weights)`. Every
//! number that moves the score appears as a cue, so a verdict explains
//! itself completely.

use super::analyze::{phrasal_get, Analysis, Found};
use super::frames::{Obj, Role};
use super::lexicon::*;
use super::Cue;

/// Log-odds of a message with no evidence at all.
pub const BIAS: f32 = -3.0;

const GOODS: u128 = SALES | PRICE | DEAL | STOCK | NEWISH | MONEY | CURRENCY;

/// A cue before its text is materialised: id, weight, token range.
#[derive(Debug, Clone, Copy)]
struct Pre {
    id: &'static str,
    weight: f32,
    start: usize,
    end: usize,
}

/// The scorer's result.
#[derive(Debug)]
pub struct Outcome {
    pub score: f32,
    pub cues: Vec<Cue>,
    /// A plan to buy was stated and nothing argues against it.
    pub intent: bool,
}

pub fn score(a: &Analysis) -> Outcome {
    let mut pres: Vec<Pre> = Vec::with_capacity(8);
    let asks = a.found.iter().filter(|f| f.frame().role == Role::Ask);
    let best = asks
        .map(|f| weigh_ask(a, f))
        .max_by(|x, y| total(x).total_cmp(&total(y)));
    let asked = best.is_some();
    if let Some(b) = best {
        pres.extend(b);
    }
    let negative = context(a, &mut pres);
    if !asked {
        multi_brand_ask(a, &mut pres);
    } else if a.mentions >= 2 {
        pres.push(Pre {
            id: "ctx.multi_brand",
            weight: 1.0,
            start: 0,
            end: 0,
        });
    }
    let plan = a
        .found
        .iter()
        .find(|f| f.frame().role == Role::Intent && !f.negated && support_at(a, f).is_none());
    if let Some(p) = plan {
        let weight = if asked { 0.4 } else { p.frame().weight };
        pres.push(Pre {
            id: p.frame().id,
            weight,
            ..span(p)
        });
    }
    let logit = BIAS + pres.iter().map(|p| p.weight).sum::<f32>();
    let score = (1.0 / (1.0 + (-logit).exp())).clamp(0.0, 1.0);
    let cues = pres.iter().map(|p| cue(a, p)).collect();
    Outcome {
        score,
        cues,
        intent: plan.is_some() && negative > -1.0,
    }
}

fn total(pres: &[Pre]) -> f32 {
    pres.iter().map(|p| p.weight).sum()
}

fn span(f: &Found) -> Pre {
    Pre {
        id: f.frame().id,
        weight: f.frame().weight,
        start: f.hit.start as usize,
        end: f.hit.end as usize,
    }
}

/// The local value of one ask: the frame plus what it asks for, question
/// form, negation and hedges in its sentence.
fn weigh_ask(a: &Analysis, f: &Found) -> Vec<Pre> {
    let s = a.sentences[f.sentence];
    let mut out = vec![span(f)];
    let at = |i: usize| Pre {
        id: "",
        weight: 0.0,
        start: i,
        end: i + 1,
    };
    if s.question {
        out.push(question(a, s.end, s.content));
    }
    if f.negated {
        let i = (f.hit.start as usize).saturating_sub(2);
        let n = (i..f.hit.start as usize)
            .find(|&i| a.toks[i].cls & NEG != 0)
            .unwrap_or(i);
        out.push(Pre {
            id: "neg.negated_ask",
            weight: -5.0,
            ..at(n)
        });
    }
    if f.frame().obj != Obj::Own {
        out.push(object(a, f));
    }
    if let Some(h) = (s.start..s.end).find(|&i| a.toks[i].cls & HEDGE != 0) {
        out.push(Pre {
            id: "mod.hedge",
            weight: -0.8,
            ..at(h)
        });
    }
    out
}

/// A support object or an owned thing near the ask ("a refund", "my order").
/// Support words that name a product ("replacement cushions", "password
/// manager") do not count.
fn support_at(a: &Analysis, f: &Found) -> Option<usize> {
    let s = a.sentences[f.sentence];
    let t = &a.toks;
    let named = |i: usize| t.get(i + 1).is_some_and(|n| n.cls & SALES != 0);
    let word = (s.start..s.end).find(|&i| t[i].cls & (SUPPORT | HOWTO) != 0 && !named(i));
    let end = (f.hit.end as usize + 6).min(s.end);
    let owned = || {
        (f.hit.start as usize..end).find(|&i| {
            t[i].cls & MY != 0
                && t[i + 1..end]
                    .iter()
                    .take(2)
                    .any(|n| n.cls & (OWNABLE | SUPPORT) != 0)
        })
    };
    word.or_else(owned)
}

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
        if matches!(w, "much" | "many" | "long" | "soon") || ["sign", "open", "join"].contains(&w) {
            continue;
        }
        if t[v].cls & buying == 0 || phrasal_get(&t[s.start..s.end], v - s.start) {
            return Some(v);
        }
    }
    None
}

/// What the ask is about: goods (sales), support, a task, something not for
/// sale, or nothing recognisable.
fn object(a: &Analysis, f: &Found) -> Pre {
    let s = a.sentences[f.sentence];
    let at = |id, weight, i: usize| Pre {
        id,
        weight,
        start: i,
        end: i + 1,
    };
    if let Some(i) = support_at(a, f) {
        return at("obj.support", -4.0, i);
    }
    if let Some(i) = how_to_at(a, f) {
        return at("obj.how_to", -3.0, i);
    }
    let find = |from: usize, to: usize, c: u128| (from..to).find(|&i| a.toks[i].cls & c != 0);
    if let Some(i) = find(s.start, s.end, NONCOM) {
        return at("obj.not_for_sale", -2.5, i);
    }
    if let Some(i) = find(s.start, s.end, GOODS) {
        return at("obj.goods", 0.6, i);
    }
    if f.frame().obj == Obj::Need {
        return match find(0, a.toks.len(), GOODS) {
            Some(i) => at("obj.goods_nearby", 0.2, i),
            None => at("obj.unknown", -1.5, f.hit.start as usize),
        };
    }
    at("obj.unstated", 0.0, f.hit.start as usize)
}

/// Message-wide reasons not to answer; returns their sum.
fn context(a: &Analysis, pres: &mut Vec<Pre>) -> f32 {
    let before = pres.len();
    for f in a.found.iter().filter(|f| f.frame().role == Role::Context) {
        let p = span(f);
        match pres[before..].iter_mut().find(|q| q.id == p.id) {
            Some(q) if q.weight > p.weight => *q = p,
            Some(_) => {}
            None => pres.push(p),
        }
    }
    let complaints: Vec<usize> = (0..a.toks.len())
        .filter(|&i| a.toks[i].cls & COMPLAIN != 0)
        .take(3)
        .collect();
    if let (Some(&first), n) = (complaints.first(), complaints.len()) {
        pres.push(Pre {
            id: "neg.complaint_words",
            weight: -0.7 * n as f32,
            start: first,
            end: first + 1,
        });
    }
    if let Some(i) =
        (0..a.toks.len()).find(|&i| a.toks[i].cls & HASHTAG != 0 && a.toks[i].cls & CONTEST != 0)
    {
        pres.push(Pre {
            id: "neg.contest",
            weight: -3.5,
            start: i,
            end: i + 1,
        });
    }
    if let Some(i) = (0..a.toks.len()).find(|&i| a.toks[i].cls & URL != 0) {
        pres.push(Pre {
            id: "ctx.link",
            weight: -0.8,
            start: i,
            end: i + 1,
        });
    }
    pres[before..].iter().map(|p| p.weight).sum()
}

/// Several brands tagged in a message about offers, with no ask frame.
fn multi_brand_ask(a: &Analysis, pres: &mut Vec<Pre>) {
    if a.mentions < 2 {
        return;
    }
    let offerish = PITCH | BEST | DEAL | PRICE | WHO | WHICH | SALES;
    if let Some(i) = (0..a.toks.len()).find(|&i| a.toks[i].cls & offerish != 0) {
        pres.push(Pre {
            id: "ask.multi_brand",
            weight: 3.0,
            start: i,
            end: i + 1,
        });
        if let Some(q) = a.sentences.iter().find(|s| s.question) {
            pres.push(question(a, q.end, q.content));
        }
    }
}

/// The question cue points at the question mark, or at the word that makes
/// the sentence a question.
fn question(a: &Analysis, end: usize, content: usize) -> Pre {
    let i = if a.toks.get(end).is_some_and(|t| t.cls & QEND != 0) {
        end
    } else {
        content
    };
    Pre {
        id: "form.question",
        weight: 0.8,
        start: i,
        end: i + 1,
    }
}

fn cue(a: &Analysis, p: &Pre) -> Cue {
    let mut matched = String::new();
    for t in &a.toks[p.start.min(a.toks.len())..p.end.min(a.toks.len())] {
        if !matched.is_empty() {
            matched.push(' ');
        }
        matched.push_str(t.w);
    }
    Cue {
        id: p.id.to_string(),
        weight: p.weight,
        matched,
    }
}
