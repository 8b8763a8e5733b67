//! The learned layer's weights table: reading a weights file (`intercept`,
//! `rules`, then `name weight` lines) into an exact open-addressed table
//! keyed by feature hash, and looking weights up in it.
//!
//! Owns the file format's parsing, its errors (which name the line) and the
//! table layout. Which features exist and how they are hashed live in
//! `learned.rs`; writing the file lives in `crate::train`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::learned::hash_name;

/// The weights shipped with Shopkeep (trained on `tests/data/dev*.jsonl`
/// and `own.jsonl`; never on the held-back set).
const EMBEDDED: &str = include_str!("weights.txt");

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
    /// Open addressing by the hash's low bits; each slot keeps the high 32
    /// bits as a fingerprint next to the weight (one cache line per probe).
    slots: Box<[(u32, f32)]>,
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

/// Empty slot marker (a fingerprint of 0 is stored as 1).
const EMPTY: u32 = 0;

/// The high half of a hash, never `EMPTY`.
fn fingerprint(h: u64) -> u32 {
    ((h >> 32) as u32).max(1)
}

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
        let mut slots = vec![(EMPTY, 0.0f32); cap].into_boxed_slice();
        let mut len = 0;
        for (h, w) in entries {
            let fp = fingerprint(h);
            let mut i = h as usize & (cap - 1);
            while slots[i].0 != EMPTY && slots[i].0 != fp {
                i = (i + 1) & (cap - 1);
            }
            if slots[i].0 == EMPTY {
                len += 1;
            }
            slots[i].0 = fp;
            slots[i].1 += w;
        }
        Ok(Learned {
            intercept,
            rules,
            slots,
            len,
        })
    }

    /// The weight of a feature, 0 when the model never learned it.
    pub fn weight(&self, h: u64) -> f32 {
        let fp = fingerprint(h);
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            match self.slots[i] {
                (EMPTY, _) => return 0.0,
                (k, w) if k == fp => return w,
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
