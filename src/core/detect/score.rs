//! Weighing the evidence: picks the strongest ask (after checking what it
//! asks for, negation, question form and hedges), adds message-wide reasons
//! for and against (complaints, promotions, contests, past purchases,
//! several brands tagged, a stated plan), and turns the sum into a score.
//!
//! Owns the arithmetic: `score = sigmoid(BIAS + sum of cue weights)`. Every
//! number that moves the score appears as a cue, so a verdict explains
//! itself completely.

use std::borrow::Cow;

use super::analyze::{Analysis, Found};
use super::frames::Role;
use super::lexicon::*;
use super::object::object;
use super::Cue;

/// Log-odds of a message with no evidence at all.
pub const BIAS: f32 = -3.0;

/// Context about the author's own situation (a past purchase, a complaint,
/// a promotion they quote) counts this much when it sits in another
/// sentence than the ask: long posts tell a story before they ask.
const ELSEWHERE: f32 = 0.5;

/// A cue before its text is materialised: id, weight, token range.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pre {
    pub id: &'static str,
    pub weight: f32,
    pub start: usize,
    pub end: usize,
}

impl Pre {
    pub fn at(id: &'static str, weight: f32, i: usize) -> Pre {
        Pre {
            id,
            weight,
            start: i,
            end: i + 1,
        }
    }
    fn of(f: &Found) -> Pre {
        let (start, end) = (f.hit.start as usize, f.hit.end as usize);
        Pre {
            id: f.frame().id,
            weight: f.frame().weight,
            start,
            end,
        }
    }
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
    let best = a
        .found
        .iter()
        .filter(|f| f.frame().role == Role::Ask)
        .map(|f| (f.sentence, weigh_ask(a, f)))
        .max_by(|x, y| total(&x.1).total_cmp(&total(&y.1)));
    let ask_sentence = best.as_ref().map(|b| b.0);
    let ask_span = best.as_ref().map_or((0, 0), |b| (b.1[0].start, b.1[0].end));
    let second = best
        .as_ref()
        .and_then(|(_, b)| second_ask(a, b[0].id, ask_span));
    if let Some((_, b)) = best {
        pres.extend(b);
    }
    pres.extend(second);
    if let Some(q) = ask_sentence.and_then(|s| question_nearby(a, s)) {
        pres.push(q);
    }
    let negative = context(a, ask_sentence, ask_span, &mut pres);
    match (ask_sentence, a.mentions) {
        (None, _) => {
            multi_brand_ask(a, &mut pres);
            short_presales(a, &mut pres);
        }
        (Some(_), 2) => pres.push(Pre::at("ctx.multi_brand", 1.0, first_mention(a))),
        (Some(_), n) if n > 2 => pres.push(Pre::at("ctx.multi_brand", 1.5, first_mention(a))),
        _ => {}
    }
    let plan = a
        .found
        .iter()
        .find(|f| f.frame().role == Role::Intent && !f.negated);
    let plan = plan.filter(|f| object(a, f).weight > -2.0);
    if let Some(p) = plan {
        let weight = if ask_sentence.is_some() {
            0.4
        } else {
            p.frame().weight
        };
        pres.push(Pre {
            weight,
            ..Pre::of(p)
        });
    }
    let logit = BIAS + total(&pres);
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

/// The local value of one ask: the frame plus what it asks for, question
/// form, negation and hedges in its sentence.
fn weigh_ask(a: &Analysis, f: &Found) -> Vec<Pre> {
    let s = a.sentences[f.sentence];
    let mut out = vec![Pre::of(f)];
    if s.question {
        out.push(question(a, s.end, s.content));
    }
    if f.negated {
        let from = (f.hit.start as usize).saturating_sub(2);
        let n = (from..f.hit.start as usize).find(|&i| a.toks[i].cls & NEG != 0);
        out.push(Pre::at("neg.negated_ask", -5.0, n.unwrap_or(from)));
    }
    out.push(object(a, f));
    // "why is the price different?": a why-question is a complaint or a
    // request for an explanation, unless the frame itself starts with why
    // ("why should I choose you").
    if a.toks[s.content].w == "why" && f.hit.start as usize != s.content {
        out.push(Pre::at("neg.why_question", -3.0, s.content));
    }
    // A hedge counts when it governs the ask: just before it or inside it.
    let (from, to) = (
        (f.hit.start as usize).saturating_sub(3).max(s.start),
        f.hit.end as usize,
    );
    if let Some(h) = (from..to).find(|&i| a.toks[i].cls & HEDGE != 0) {
        out.push(Pre::at("mod.hedge", -0.8, h));
    }
    // "need to buy a new phone soon": a statement with a vague future is a
    // plan, not a request.
    if !s.question {
        if let Some(p) = (s.start..s.end).find(|&i| {
            matches!(a.toks[i].w, "soon" | "eventually" | "someday")
                || (a.toks[i].w == "from" && a.toks.get(i + 1).is_some_and(|n| n.w == "next"))
        }) {
            out.push(Pre::at("mod.plan_time", -1.0, p));
        }
    }
    // "where did you go for dinner last night": a story about the past.
    if let Some(p) = (s.start..s.end).find(|&i| past_time(a, i)) {
        out.push(Pre::at("neg.past_time", -2.0, p));
    }
    out
}

/// "looking for a cheap broadband deal, any suggestions?": a second,
/// different ask elsewhere in the message, about something for sale and not
/// negated, makes the request plainer.
fn second_ask(a: &Analysis, best: &str, span: (usize, usize)) -> Option<Pre> {
    a.found
        .iter()
        .filter(|f| f.frame().role == Role::Ask && f.frame().id != best && !f.negated)
        .filter(|f| (f.hit.end as usize) <= span.0 || (f.hit.start as usize) >= span.1)
        .find(|f| object(a, f).weight >= 0.0)
        .map(|f| Pre {
            id: "ctx.second_ask",
            weight: 0.8,
            ..Pre::of(f)
        })
}

/// Message-wide evidence; returns the sum of the negative part.
fn context(a: &Analysis, ask: Option<usize>, span: (usize, usize), pres: &mut Vec<Pre>) -> f32 {
    let before = pres.len();
    let personal = [
        "neg.past_purchase",
        "neg.complaint",
        "neg.owned_item",
        "neg.promotion",
        "neg.price_complaint",
    ];
    for f in a.found.iter().filter(|f| f.frame().role == Role::Context) {
        let mut p = Pre::of(f);
        if p.id == "neg.owned_item" && p.start < span.1 && span.0 < p.end {
            continue; // part of the ask itself ("who wants my business account")
        }
        if p.id == "neg.order_reference" && p.start > 0 && a.toks[p.start - 1].w == "to" {
            continue; // "want to order 2 of the prints": a verb, not an order number
        }
        if ask.is_some_and(|s| s != f.sentence) && personal.contains(&p.id) {
            p.weight *= ELSEWHERE;
        }
        match pres[before..].iter_mut().find(|q| q.id == p.id) {
            Some(q) if q.weight > p.weight => *q = p,
            Some(_) => {}
            None => pres.push(p),
        }
    }
    complaint_words(a, ask, pres);
    let find = |c: u128| (0..a.toks.len()).find(|&i| a.toks[i].cls & c == c);
    if let Some(i) = find(HASHTAG | CONTEST) {
        pres.push(Pre::at("neg.contest", -3.5, i));
    }
    if let Some(i) = find(URL) {
        pres.push(Pre::at("ctx.link", -0.8, i));
    }
    pres[before..].iter().map(|p| p.weight.min(0.0)).sum()
}

/// Up to three complaint words; those outside the ask's sentence count half.
fn complaint_words(a: &Analysis, ask: Option<usize>, pres: &mut Vec<Pre>) {
    let mut weight = 0.0;
    let mut first = None;
    let mut n = 0;
    for (si, s) in a.sentences.iter().enumerate() {
        for i in s.start..s.end {
            // "doesn't get stuck", "not awful": a wish, not a complaint.
            let negated = a.toks[i.saturating_sub(2).max(s.start)..i]
                .iter()
                .any(|t| t.cls & NEG != 0);
            // "keeps disconnecting": something owned misbehaving.
            let keeps = i > s.start
                && matches!(a.toks[i - 1].w, "keeps" | "kept")
                && a.toks[i].w.ends_with("ing");
            if (a.toks[i].cls & COMPLAIN != 0 || keeps) && !negated && n < 3 {
                n += 1;
                first.get_or_insert(i);
                // A fault ("keeps dropping out") weighs like a complaint frame.
                let w = if keeps { 1.5 } else { 0.7 };
                weight -= if ask.is_some_and(|x| x != si) {
                    w * ELSEWHERE
                } else {
                    w
                };
            }
        }
    }
    if let Some(i) = first {
        pres.push(Pre {
            weight,
            ..Pre::at("neg.complaint_words", 0.0, i)
        });
    }
}

/// "is the serum ok for sensitive skin? wanna order": an ask stated next to
/// a question about goods reads as asked. Not when that question is about
/// support or a task.
fn question_nearby(a: &Analysis, ask: usize) -> Option<Pre> {
    if a.sentences[ask].question {
        return None;
    }
    let near = [ask.checked_sub(1), Some(ask + 1)];
    near.into_iter().flatten().find_map(|qi| {
        let q = a.sentences.get(qi)?;
        let toks = &a.toks[q.start..q.end];
        let goods = toks.iter().any(|t| t.cls & super::object::GOODS != 0);
        let support = toks
            .iter()
            .any(|t| t.cls & (SUPPORT | HOWTO | COMPLAIN) != 0);
        (q.question && goods && !support && super::object::how_to_in(a, qi).is_none())
            .then(|| question(a, q.end, q.content))
    })
}

/// "yesterday", "a week ago", "last night".
fn past_time(a: &Analysis, i: usize) -> bool {
    let next = a.toks.get(i + 1).map_or("", |t| t.w);
    match a.toks[i].w {
        "yesterday" | "ago" => true,
        "last" => matches!(
            next,
            "night" | "week" | "month" | "year" | "weekend" | "summer" | "time"
        ),
        _ => false,
    }
}

fn first_mention(a: &Analysis) -> usize {
    (0..a.toks.len())
        .find(|&i| a.toks[i].cls & MENTION != 0)
        .unwrap_or(0)
}

/// Several brands tagged in a message about offers, with no ask frame.
fn multi_brand_ask(a: &Analysis, pres: &mut Vec<Pre>) {
    if a.mentions < 2 {
        return;
    }
    let offerish = PITCH | BEST | DEAL | PRICE | WHO | WHICH | SALES;
    if let Some(i) = (0..a.toks.len()).find(|&i| a.toks[i].cls & offerish != 0) {
        pres.push(Pre::at("ask.multi_brand", 3.0, i));
        if let Some(q) = a.sentences.iter().find(|s| s.question) {
            pres.push(question(a, q.end, q.content));
        }
    }
}

/// Words at most in a terse pre-sales question.
const TERSE: usize = 8;

/// "still got size 9?", "price?", "restock when", "student discount? i'm
/// skint": a pre-sales question too terse for any frame, which a brand's
/// own server sees all day. It counts when one short sentence asks (a
/// question, or "pls", "when", "yet", "anyone") and names a price, stock or
/// deal, and the message says nothing of the author's own order, a past
/// purchase, a complaint, support or selling.
fn short_presales(a: &Analysis, pres: &mut Vec<Pre>) {
    // "got" is also "have" here ("still got size 9?").
    let blocked = MY | ACQ_PAST | PAST_T | COMPLAIN | SUPPORT | SELL | CONTEST;
    if a.toks.iter().any(|t| t.cls & blocked != 0 && t.w != "got") {
        return;
    }
    let offer = PRICE | STOCK | DEAL | AVAIL;
    for s in &a.sentences {
        let toks = &a.toks[s.start..s.end];
        let words = toks
            .iter()
            .filter(|t| t.w.chars().any(char::is_alphanumeric))
            .count();
        let asks = s.question
            || toks
                .iter()
                .any(|t| matches!(t.w, "pls" | "please" | "plz" | "when" | "yet" | "anyone"));
        if words == 0 || words > TERSE || !asks {
            continue;
        }
        let at = (s.start..s.end).find(|&i| {
            a.toks[i].cls & offer != 0
                || (a.toks[i].w == "much" && i > s.start && a.toks[i - 1].w == "how")
        });
        if let Some(i) = at {
            pres.push(Pre::at("ask.short_presales", 3.2, i));
            if s.question {
                pres.push(question(a, s.end, s.content));
            }
            return;
        }
    }
}

/// The question cue points at the question mark, or at the word that makes
/// the sentence a question.
fn question(a: &Analysis, end: usize, content: usize) -> Pre {
    let qmark = a.toks.get(end).is_some_and(|t| t.cls & QEND != 0);
    Pre::at("form.question", 0.8, if qmark { end } else { content })
}

fn cue(a: &Analysis, p: &Pre) -> Cue {
    let mut matched = String::new();
    let n = a.toks.len();
    for t in &a.toks[p.start.min(n)..p.end.min(n)] {
        if !matched.is_empty() {
            matched.push(' ');
        }
        matched.push_str(t.w);
    }
    Cue {
        id: Cow::Borrowed(p.id),
        weight: p.weight,
        matched,
    }
}
