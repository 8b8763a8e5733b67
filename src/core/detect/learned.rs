//! The learned layer: a logistic model that re-weighs the rule-based
//! evidence with what labelled messages taught it. Its inputs are the rule
//! score, which cues fired, and the words, word pairs and word classes of
//! the message; its weights are a plain text file (`name weight` per line)
//! written by `shopkeep train`, so a brand can teach Shopkeep its own
//! community's language and staff can read what every word counts for.
//!
//! Owns the feature set, the weights file format and the arithmetic
//! `logit = intercept + rules × rule_logit + Σ weights of present features`.
//! Reading files and training live outside the core (`crate::train`).

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::analyze::{Analysis, Tok};
use super::lexicon::{bits, CLASS_NAMES, MENTION, NUM, OWNABLE, QEND, QUOTED, SALES, STORE, URL};
use super::score::BIAS;
use super::Cue;

/// Word features whose weight reaches this size are named as cues; the
/// rest are summed into one `lex.other` cue.
const NAMED: f32 = 0.25;
/// At most this many word features are named.
const MAX_NAMED: usize = 6;

/// The weights shipped with Shopkeep (trained on `tests/data/dev*.jsonl`
/// and `own.jsonl`; never on the held-back set).
const EMBEDDED: &str = include_str!("weights.txt");

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
    /// Token range it covers (for the explanation).
    pub start: usize,
    pub end: usize,
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

/// FNV-1a over a feature's name, computed without building the string.
fn hash(kind: FeatureKind, parts: [&str; 2]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(kind.prefix().as_bytes());
    eat(parts[0].as_bytes());
    if !parts[1].is_empty() {
        eat(b" ");
        eat(parts[1].as_bytes());
    }
    h
}

/// Hash of a whole feature name as written in the weights file.
fn hash_name(name: &str) -> Option<u64> {
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

/// Common words that carry how something is said, kept as themselves even
/// though the lexicon gives them no class.
#[rustfmt::skip]
fn kept(w: &str) -> bool {
    matches!(
        w,
        "on" | "of" | "in" | "at" | "with" | "from" | "by" | "about" | "after" | "before" |
        "between" | "than" | "as" | "if" | "so" | "but" | "or" | "and" | "there" | "here" |
        "they" | "he" | "she" | "very" | "really" | "just" | "also" | "only" | "even" |
        "still" | "too" | "much" | "many" | "more" | "less" | "all" | "every" | "each" |
        "other" | "same" | "such" | "old" | "bad" | "big" | "small" | "know" | "think" |
        "wondering" | "thanks" | "help" | "please" | "pls" | "tell" | "me" | "let" | "go" |
        "going" | "been" | "be" | "being" | "get" | "got" | "make" | "made" | "use" |
        "used" | "actually" | "honestly" | "seriously" | "ever" | "again" | "now" | "yet" |
        "already" | "first" | "torn" | "market" | "trust" | "rate" | "worth" | "fair" |
        "legit" | "thoughts"
    )
}

/// The word a token contributes, or `None` for punctuation. The model
/// should learn how people ask, not what this data set happened to talk
/// about: handles, links and numbers fold to one symbol each, names of
/// goods (lexicon nouns only) to `<item>`, and words neither the lexicon nor
/// the list above knows to `<w>`.
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
    } else if t.cls != 0 || kept(t.w) {
        Some(t.w)
    } else {
        Some("<w>")
    }
}

/// Every feature of a message, each reported once (a small bit set drops
/// repeats; on very long messages it may drop a rare feature too, the same
/// way in training and at run time). Words inside the strongest ask are
/// left to the rules (their cue already speaks for them): the words learn
/// what surrounds an ask, which is where a complaint or a how-to shows.
pub fn features<'a>(
    a: &Analysis<'a>,
    cues: &[&'a str],
    ask: Option<(usize, usize)>,
    mut f: impl FnMut(Feature<'a>),
) {
    let (ask_from, ask_to) = ask.unwrap_or((0, 0));
    let in_ask = |i: usize| i >= ask_from && i < ask_to;
    let mut seen = [0u64; 128];
    let mut emit = |kind: FeatureKind, parts: [&'a str; 2], start: usize, end: usize| {
        let h = hash(kind, parts);
        let bit = (h >> 40) as usize % (seen.len() * 64);
        if seen[bit / 64] & (1 << (bit % 64)) != 0 {
            return;
        }
        seen[bit / 64] |= 1 << (bit % 64);
        f(Feature {
            kind,
            parts,
            hash: h,
            start,
            end,
        });
    };
    for id in cues {
        emit(FeatureKind::Cue, [id, ""], 0, 0);
    }
    for s in &a.sentences {
        let mut prev: (&str, usize) = ("<s>", s.start);
        let last = (s.end < a.toks.len() && a.toks[s.end].cls & QEND != 0).then_some(s.end);
        for i in (s.start..s.end).chain(last) {
            let t = &a.toks[i];
            if t.cls & QUOTED != 0 {
                continue;
            }
            let Some(k) = key(t) else { continue };
            if !in_ask(i) {
                emit(FeatureKind::Word, [k, ""], i, i + 1);
                if !in_ask(prev.1) || prev.0 == "<s>" {
                    emit(FeatureKind::Pair, [prev.0, k], prev.1, i + 1);
                }
            }
            prev = (k, i);
            for b in bits(t.cls & !(QUOTED | QEND)) {
                emit(FeatureKind::Class, [CLASS_NAMES[b], ""], i, i + 1);
            }
        }
    }
}

/// Re-weigh the rules' cues with the learned model. Returns the score, the
/// prior and the cues, whose weights sum with the prior to the logit.
pub fn combine(
    m: &Learned,
    a: &Analysis,
    mut cues: Vec<Cue>,
    ask: Option<(usize, usize)>,
) -> (f32, f32, Vec<Cue>) {
    let prior = m.intercept + m.rules * BIAS;
    for c in &mut cues {
        c.weight *= m.rules;
    }
    let ids: Vec<String> = cues.iter().map(|c| c.id.clone()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut lex: Vec<(f32, Feature)> = Vec::new();
    features(a, &ids, ask, |f| {
        let w = m.weight(f.hash);
        if w == 0.0 {
            return;
        }
        match f.kind {
            FeatureKind::Cue => {
                if let Some(c) = cues.iter_mut().find(|c| c.id == f.parts[0]) {
                    c.weight += w;
                }
            }
            _ => lex.push((w, f)),
        }
    });
    lex.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    let named = lex
        .iter()
        .take(MAX_NAMED)
        .take_while(|(w, _)| w.abs() >= NAMED)
        .count();
    for (w, f) in &lex[..named] {
        let (id, matched) = match f.kind {
            FeatureKind::Word => ("lex.word", f.parts[0].to_string()),
            FeatureKind::Pair => ("lex.pair", format!("{} {}", f.parts[0], f.parts[1])),
            _ => (
                "lex.class",
                format!("{} ({})", a.toks[f.start].w, f.parts[0]),
            ),
        };
        cues.push(Cue {
            id: id.to_string(),
            weight: *w,
            matched,
        });
    }
    if lex.len() > named {
        cues.push(Cue {
            id: "lex.other".to_string(),
            weight: lex[named..].iter().map(|(w, _)| w).sum(),
            matched: format!("{} more", lex.len() - named),
        });
    }
    let logit = prior + cues.iter().map(|c| c.weight).sum::<f32>();
    let score = (1.0 / (1.0 + (-logit).exp())).clamp(0.0, 1.0);
    (score, prior, cues)
}

/// A weights file that could not be read: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ModelError {}

/// Trained weights, looked up by feature hash in an open-addressed table
/// (exact: the full 64-bit hash is kept).
#[derive(Clone, PartialEq)]
pub struct Learned {
    pub intercept: f32,
    /// Coefficient of the rule logit.
    pub rules: f32,
    keys: Box<[u64]>,
    weights: Box<[f32]>,
    len: usize,
}

impl fmt::Debug for Learned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Learned")
            .field("intercept", &self.intercept)
            .field("rules", &self.rules)
            .field("features", &self.len)
            .finish()
    }
}

/// Empty slot marker (a real hash of 0 is stored as 1).
const EMPTY: u64 = 0;

impl Learned {
    /// The weights shipped with Shopkeep.
    pub fn embedded() -> Arc<Learned> {
        static MODEL: OnceLock<Arc<Learned>> = OnceLock::new();
        MODEL
            .get_or_init(|| {
                Arc::new(Learned::parse(EMBEDDED).expect("the embedded weights file parses"))
            })
            .clone()
    }

    /// Read a weights file: `intercept X`, `rules X`, then `name weight`
    /// lines; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Learned, ModelError> {
        let mut intercept = None;
        let mut rules = None;
        let mut entries: Vec<(u64, f32)> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| ModelError {
                line: n + 1,
                message,
            };
            let (name, value) = line
                .rsplit_once(' ')
                .ok_or_else(|| err(format!("expected `name weight`, found {line:?}")))?;
            let value: f32 = value
                .parse()
                .ok()
                .filter(|v: &f32| v.is_finite())
                .ok_or_else(|| err(format!("weight {value:?} is not a finite number")))?;
            match name.trim_end() {
                "intercept" => intercept = Some(value),
                "rules" => rules = Some(value),
                name => {
                    let h = hash_name(name).ok_or_else(|| {
                        err(format!(
                            "unknown feature {name:?}: names start with c:, w:, b: (two words) or k:"
                        ))
                    })?;
                    entries.push((h, value));
                }
            }
        }
        let missing = |what: &str| ModelError {
            line: 0,
            message: format!("the file has no `{what}` line"),
        };
        let intercept = intercept.ok_or_else(|| missing("intercept"))?;
        let rules = rules.ok_or_else(|| missing("rules"))?;
        let cap = (entries.len() * 2).next_power_of_two().max(16);
        let mut keys = vec![EMPTY; cap].into_boxed_slice();
        let mut weights = vec![0.0f32; cap].into_boxed_slice();
        let mut len = 0;
        for (h, w) in entries {
            let h = h.max(1);
            let mut i = h as usize & (cap - 1);
            while keys[i] != EMPTY && keys[i] != h {
                i = (i + 1) & (cap - 1);
            }
            if keys[i] == EMPTY {
                len += 1;
            }
            keys[i] = h;
            weights[i] += w;
        }
        Ok(Learned {
            intercept,
            rules,
            keys,
            weights,
            len,
        })
    }

    /// The weight of a feature, 0 when the model never learned it.
    pub fn weight(&self, h: u64) -> f32 {
        let h = h.max(1);
        let mask = self.keys.len() - 1;
        let mut i = h as usize & mask;
        loop {
            match self.keys[i] {
                EMPTY => return 0.0,
                k if k == h => return self.weights[i],
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The summed weights of features given by name (as training names
    /// them); unknown names count 0.
    pub fn sum_named(&self, names: &[&str]) -> f32 {
        names
            .iter()
            .filter_map(|n| hash_name(n))
            .map(|h| self.weight(h))
            .sum()
    }

    /// Number of features with a weight.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
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
