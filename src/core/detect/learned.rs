//! The learned layer: a logistic model that re-weighs the rule-based
//! evidence with what labelled messages taught it. Its inputs are the rule
//! score, which cues fired, the message's word classes, and its words and
//! word pairs (handles, links, numbers and names of goods folded to one
//! symbol each); its weights are a plain text file (`name weight` per line)
//! written by `shopkeep train`, so a brand can teach Shopkeep its own
//! community's language and staff can read what every word counts for.
//!
//! Owns the feature set, feature names and hashes, and the arithmetic
//! `logit = intercept + rules × rule_logit + Σ weights of present features`.
//! The table of weights is `weights_table.rs`; reading files and training
//! live outside the core (`crate::train`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use super::analyze::{Analysis, Tok};
use super::lexicon::{bits, CLASS_NAMES, MENTION, NUM, OWNABLE, QEND, QUOTED, SALES, STORE, URL};
use super::score::BIAS;
use super::weights_table::Learned;
use super::Cue;

/// Word features whose weight reaches this size are named as cues; the
/// rest are summed into one `lex.other` cue.
const NAMED: f32 = 0.25;
/// At most this many word features are named.
const MAX_NAMED: usize = 6;

/// A feature as the weights file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureKind {
    /// `c:<cue id>`: this rule cue fired.
    Cue,
    /// `w:<word>`: this word appears.
    Word,
    /// `b:<word> <word>`: these two words appear in a row (`<s>` opens a
    /// sentence, `?` closes a question).
    Pair,
    /// `k:<CLASS>`: a word of this lexicon class appears.
    Class,
}

impl FeatureKind {
    fn prefix(self) -> &'static str {
        match self {
            FeatureKind::Cue => "c:",
            FeatureKind::Word => "w:",
            FeatureKind::Pair => "b:",
            FeatureKind::Class => "k:",
        }
    }
}

/// One feature present in a message: how to name it and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Feature<'a> {
    pub kind: FeatureKind,
    pub parts: [&'a str; 2],
    pub hash: u64,
    /// First token it covers (for the explanation).
    pub start: usize,
}

impl Feature<'_> {
    /// The name used in the weights file, e.g. `b:worth it`.
    pub fn name(&self) -> String {
        let mut s = String::from(self.kind.prefix());
        s.push_str(self.parts[0]);
        if !self.parts[1].is_empty() {
            s.push(' ');
            s.push_str(self.parts[1]);
        }
        s
    }
}

/// FNV-1a over one part of a feature's name.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A feature's hash from its kind and the hashes of its parts (0 for an
/// absent second part). Part hashes are computed once per token, so a
/// message costs one pass over its bytes however many features it has.
fn combine_hash(kind: FeatureKind, a: u64, b: u64) -> u64 {
    const M: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (kind as u64 + 1).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h = (h ^ a).wrapping_mul(M);
    h ^= h >> 29;
    h = (h ^ b).wrapping_mul(M);
    h ^ (h >> 32)
}

fn hash(kind: FeatureKind, parts: [&str; 2]) -> u64 {
    let b = if parts[1].is_empty() {
        0
    } else {
        fnv(parts[1])
    };
    combine_hash(kind, fnv(parts[0]), b)
}

/// Part hashes of the class names, by bit.
fn class_hashes() -> &'static [u64; 128] {
    static HASHES: OnceLock<[u64; 128]> = OnceLock::new();
    HASHES.get_or_init(|| std::array::from_fn(|b| fnv(CLASS_NAMES[b])))
}

/// Hash of a whole feature name as written in the weights file.
pub(super) fn hash_name(name: &str) -> Option<u64> {
    let (kind, rest) = match name.split_at_checked(2)? {
        ("c:", r) => (FeatureKind::Cue, r),
        ("w:", r) => (FeatureKind::Word, r),
        ("b:", r) => (FeatureKind::Pair, r),
        ("k:", r) => (FeatureKind::Class, r),
        _ => return None,
    };
    let parts = match (kind, rest.split_once(' ')) {
        (FeatureKind::Pair, Some((a, b))) => [a, b],
        (FeatureKind::Pair, None) => return None,
        _ => [rest, ""],
    };
    (!parts[0].is_empty()).then(|| hash(kind, parts))
}

/// The word a token contributes, or `None` for punctuation. Handles, links
/// and numbers fold to one symbol each and names of goods the lexicon knows
/// to `<item>`, so what is learned about "best <item> under <num>" holds
/// for every product; other words are themselves.
fn key<'a>(t: &Tok<'a>) -> Option<&'a str> {
    const NOUNS: u128 = SALES | STORE | OWNABLE;
    if t.cls & MENTION != 0 {
        Some("@")
    } else if t.cls & URL != 0 {
        Some("<url>")
    } else if t.cls & NUM != 0 {
        Some("<num>")
    } else if t.cls & QEND != 0 {
        Some("?")
    } else if !t.w.chars().any(char::is_alphanumeric) {
        None
    } else if t.cls & NOUNS != 0 && t.cls & !NOUNS == 0 {
        Some("<item>")
    } else {
        Some(t.w)
    }
}

/// Every feature of a message, each reported once: its words, its word
/// pairs within a sentence, and its word classes. `f` must not call
/// `features` itself (the de-duplication table is this thread's).
pub fn features<'a>(a: &Analysis<'a>, f: impl FnMut(Feature<'a>)) {
    // An exact set of the hashes already reported (open addressing, 0 is
    // empty), at most half full: a token gives at most a word, a pair and
    // one feature per class.
    let most: usize = a
        .toks
        .iter()
        .map(|t| 2 + t.cls.count_ones() as usize)
        .sum::<usize>();
    let cap = (most * 2).next_power_of_two().max(64);
    // Typical messages reuse this thread's table (only the part in use is
    // cleared); long ones get their own.
    if cap > REUSED {
        return features_in(a, &mut vec![0; cap], f);
    }
    SEEN.with_borrow_mut(|buf| {
        buf.clear();
        buf.resize(cap, 0);
        features_in(a, buf, f)
    })
}

/// The largest de-duplication table kept between messages (entries).
const REUSED: usize = 4096;

thread_local! {
    static SEEN: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

fn features_in<'a>(a: &Analysis<'a>, seen: &mut [u64], mut f: impl FnMut(Feature<'a>)) {
    let classes = class_hashes();
    let start_hash = fnv("<s>");
    let cap = seen.len();
    let mut emit = |kind: FeatureKind, parts: [&'a str; 2], h: u64, start: usize| {
        let h = h.max(1);
        let mut slot = h as usize & (cap - 1);
        while seen[slot] != 0 {
            if seen[slot] == h {
                return;
            }
            slot = (slot + 1) & (cap - 1);
        }
        seen[slot] = h;
        f(Feature {
            kind,
            parts,
            hash: h,
            start,
        });
    };
    // Classes already reported: each class once, at its first word.
    let mut union: u128 = 0;
    for s in &a.sentences {
        let mut prev: (&str, u64, usize) = ("<s>", start_hash, s.start);
        let last = (s.end < a.toks.len() && a.toks[s.end].cls & QEND != 0).then_some(s.end);
        for i in (s.start..s.end).chain(last) {
            let t = &a.toks[i];
            if t.cls & QUOTED != 0 {
                continue;
            }
            let Some(k) = key(t) else { continue };
            let hk = fnv(k);
            emit(
                FeatureKind::Word,
                [k, ""],
                combine_hash(FeatureKind::Word, hk, 0),
                i,
            );
            let h = combine_hash(FeatureKind::Pair, prev.1, hk);
            emit(FeatureKind::Pair, [prev.0, k], h, prev.2);
            prev = (k, hk, i);
            if t.cls & !union != 0 {
                for b in bits(t.cls & !union & !(QUOTED | QEND)) {
                    let h = combine_hash(FeatureKind::Class, classes[b], 0);
                    emit(FeatureKind::Class, [CLASS_NAMES[b], ""], h, i);
                }
                union |= t.cls;
            }
        }
    }
}

/// Re-weigh the rules' cues with the learned model. Returns the score, the
/// prior and the cues, whose weights sum with the prior to the logit.
pub fn combine(m: &Learned, a: &Analysis, mut cues: Vec<Cue>) -> (f32, f32, Vec<Cue>) {
    let prior = m.intercept + m.rules * BIAS;
    // Each distinct rule cue once: its re-weighed value plus what the model
    // learned about that cue firing.
    for j in 0..cues.len() {
        cues[j].weight *= m.rules;
        if cues[..j].iter().all(|c| c.id != cues[j].id) {
            cues[j].weight += m.weight(hash(FeatureKind::Cue, [&cues[j].id, ""]));
        }
    }
    // The strongest word features are named; the rest are summed.
    let mut top: [Option<(f32, Feature)>; MAX_NAMED] = [None; MAX_NAMED];
    let (mut total, mut n) = (0.0f32, 0usize);
    features(a, |f| {
        let w = m.weight(f.hash);
        if w == 0.0 {
            return;
        }
        total += w;
        n += 1;
        let mut item = Some((w, f));
        for slot in top.iter_mut() {
            match (slot.as_ref(), item.as_ref()) {
                (None, _) => {
                    *slot = item.take();
                    break;
                }
                (Some(cur), Some(new)) if new.0.abs() > cur.0.abs() => {
                    std::mem::swap(slot, &mut item);
                }
                _ => {}
            }
        }
    });
    let named: Vec<(f32, Feature)> = top
        .iter()
        .flatten()
        .take_while(|(w, _)| w.abs() >= NAMED)
        .copied()
        .collect();
    for (w, f) in &named {
        let (id, matched) = match f.kind {
            FeatureKind::Word => ("lex.word", f.parts[0].to_string()),
            FeatureKind::Pair => ("lex.pair", format!("{} {}", f.parts[0], f.parts[1])),
            _ => (
                "lex.class",
                format!("{} ({})", a.toks[f.start].w, f.parts[0]),
            ),
        };
        cues.push(Cue {
            id: Cow::Borrowed(id),
            weight: *w,
            matched,
        });
    }
    if n > named.len() {
        cues.push(Cue {
            id: Cow::Borrowed("lex.other"),
            weight: total - named.iter().map(|(w, _)| w).sum::<f32>(),
            matched: format!("{} more", n - named.len()),
        });
    }
    let logit = prior + cues.iter().map(|c| c.weight).sum::<f32>();
    let score = (1.0 / (1.0 + (-logit).exp())).clamp(0.0, 1.0);
    (score, prior, cues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weights_file_round_trips_names_to_weights() {
        let m = Learned::parse("# comment\nintercept -1.5\nrules 0.9\nw:worth 0.7\nb:worth it 0.4\nk:ACQ 0.2\nc:ask.where_to_buy 0.3\n").unwrap();
        assert_eq!((m.intercept, m.rules, m.len()), (-1.5, 0.9, 4));
        assert_eq!(m.weight(hash(FeatureKind::Word, ["worth", ""])), 0.7);
        assert_eq!(m.weight(hash(FeatureKind::Pair, ["worth", "it"])), 0.4);
        assert_eq!(m.weight(hash(FeatureKind::Word, ["it", ""])), 0.0);
    }

    #[test]
    fn a_broken_weights_file_names_the_line() {
        let e = Learned::parse("intercept 0\nrules 1\nw:ok 0.1\nb:lonely 0.3\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("b:lonely"), "{e}");
        let e = Learned::parse("intercept 0\nrules NaN\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = Learned::parse("rules 1\n").unwrap_err();
        assert!(e.message.contains("intercept"), "{e}");
    }

    #[test]
    fn the_embedded_weights_load() {
        let m = Learned::embedded();
        assert!(m.len() > 100, "{m:?}");
        assert!(m.rules > 0.0, "the rules must still count: {m:?}");
    }
}
