//! Sentences and clauses: where one ends, and whether it asks something.
//! A sentence ends at `. ! ?` or a newline; run-on chat is cut into clauses
//! of bounded length. A sentence is a question when it ends in `?`, opens
//! with a question word or auxiliary ("is it…", "anyone know…"), or holds an
//! embedded question (", who do I speak to", "not sure where to start").
//!
//! Owns segmentation only; frames and scores live elsewhere.

use super::analyze::Tok;
use super::lexicon::*;

/// A sentence: token range, first content token, question or not.
#[derive(Debug, Clone, Copy)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub content: usize,
    pub question: bool,
}

/// Longest stretch treated as one sentence; run-on chat is cut into clauses
/// of at most this many tokens (at a comma when there is one), which keeps
/// evidence local and the work linear in the message length.
const MAX_SENTENCE: usize = 40;

/// Cut tokens into sentences at sentence-ending punctuation.
pub fn sentences(toks: &[Tok]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.cls & SENTENCE_END != 0 {
            push_sentence(&mut out, toks, start, i, t.cls & QEND != 0);
            start = i + 1;
        } else if i - start >= MAX_SENTENCE {
            let comma = (start + MAX_SENTENCE / 4..i)
                .rev()
                .find(|&j| toks[j].cls & COMMA != 0);
            let cut = comma.unwrap_or(i);
            push_sentence(&mut out, toks, start, cut, false);
            start = cut;
        }
    }
    push_sentence(&mut out, toks, start, toks.len(), false);
    out
}

fn push_sentence(out: &mut Vec<Sentence>, toks: &[Tok], start: usize, end: usize, qmark: bool) {
    if start >= end {
        return;
    }
    let skip = GREET | MENTION | COMMA;
    let content = (start..end)
        .find(|&i| toks[i].cls & skip == 0 || toks[i].cls & QSTART != 0)
        .unwrap_or(start);
    let question =
        qmark || opens_question(&toks[content..end]) || embedded_question(&toks[start..end]);
    out.push(Sentence {
        start,
        end,
        content,
        question,
    });
}

/// "is it…", "where can…", "anyone know…" open a question; "will be
/// switching…" (subject dropped) does not.
fn opens_question(toks: &[Tok]) -> bool {
    let first = toks[0];
    if first.cls & (QSTART | WHERE | WHO | WHICH | HOW | WHEN | WHY) == 0 {
        return false;
    }
    let aux_only = first.cls & (WHERE | WHO | WHICH | HOW | WHEN | WHY | ANYONE | ANY) == 0;
    let next = toks.get(1);
    !(aux_only && next.is_some_and(|t| t.w == "be" || t.cls & (HEDGE | ACQ | ACQ_ING) != 0))
}

/// ", who do I speak to", "wondering if anyone has": a question inside a
/// statement.
fn embedded_question(toks: &[Tok]) -> bool {
    toks.windows(3).any(|w| {
        let clause = w[0].cls & COMMA != 0 && w[1].cls & (WHERE | WHO | WHICH | HOW) != 0;
        // ", who's cheapest": the contraction carries the verb.
        let contracted = clause && matches!(w[1].w, "whos" | "wheres" | "whats" | "hows");
        let wonder = matches!(w[0].w, "wondering" | "wonder") && matches!(w[1].w, "if" | "whether");
        let unsure = matches!(w[0].w, "sure" | "idea" | "know")
            && (w[1].cls & (WHERE | WHICH | WHO | HOW) != 0 || matches!(w[1].w, "if" | "whether"));
        (clause && w[2].cls & (AUX | MODAL) != 0) || contracted || wonder || unsure
    })
}
