//! Frames: small token patterns over word classes that describe the
//! structure of an ask ("WHERE … ACQUIRE"), of a plan to buy, or of a
//! reason not to answer (advice, promotion, contest, rhetoric, past
//! purchase). Each frame carries a stable cue id and a weight in logit units.
//!
//! Owns the pattern language and its matcher. Frames are written in terms of
//! word classes from `lexicon.rs`; literal words appear only where the word
//! itself is the signal ("convince me", "in the market for").

/// One pattern element.
#[derive(Debug, Clone, Copy)]
pub enum E {
    /// A token having any of these classes.
    C(u128),
    /// A token equal to this word.
    W(&'static str),
    /// A token equal to any of these words.
    A(&'static [&'static str]),
    /// An optional token having any of these classes.
    O(u128),
    /// Skip up to n tokens, none of which has any of the given classes.
    G(u8, u128),
    /// The end of the sentence.
    End,
    /// A token having none of these classes.
    N(u128),
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
    /// A refusal beyond the pattern itself.
    pub guard: Guard,
}

/// When a frame that matched still does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    None,
    /// Not in a question: "Need a loan fast??" is an advert's opening line;
    /// the ask is the statement "need a sofa that …".
    NotInQuestion,
    /// Not when it opens with a verb form directly followed by a linking
    /// word: "asking for my GPU budget", "groups warned that" ("climbing
    /// shoes for…" counts: a noun follows).
    NotAVerbForm,
    /// Not right after "how": "how do I get my certificate" is a how-to.
    NotAfterHow,
}

pub use super::table::FRAMES;

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
        N(c) => one(toks.get(i).is_some_and(|t| t.classes() & c == 0)),
        C(c) => one(toks.get(i).is_some_and(|t| t.classes() & c != 0)),
        W(w) => one(toks.get(i).is_some_and(|t| t.word() == w)),
        A(ws) => one(toks.get(i).is_some_and(|t| ws.contains(&t.word()))),
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
