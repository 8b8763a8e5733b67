//! `shopkeep eval`: measure the detector on a labelled JSON Lines file
//! (`{"id","text","label":"solicitation"|"not"|"intent","kind"}`, extra
//! fields ignored) and report precision, recall and F1 for solicitation at
//! the configured threshold, the false-positive rate on negatives, a 3x3
//! confusion matrix, a breakdown by kind, a threshold sweep and the
//! misclassified messages with their score and cues.
//!
//! Owns reading the file and the arithmetic of the report. Lives outside
//! `core` because it reads files; it never changes the detector.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::core::detect::{Class, Cue, Detector};

/// One labelled message.
#[derive(Debug, Clone, Deserialize)]
pub struct Example {
    #[serde(default)]
    pub id: String,
    pub text: String,
    pub label: Class,
    #[serde(default)]
    pub kind: String,
}

/// A line that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub line: usize,
    pub error: String,
}

/// Read a JSONL file; malformed lines are reported, not fatal.
pub fn load(path: &Path) -> anyhow::Result<(Vec<Example>, Vec<Skipped>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(parse(&text))
}

/// Parse JSONL text (blank lines are ignored).
pub fn parse(text: &str) -> (Vec<Example>, Vec<Skipped>) {
    let mut examples = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Example>(line) {
            Ok(e) => examples.push(e),
            Err(e) => skipped.push(Skipped {
                line: i + 1,
                error: e.to_string(),
            }),
        }
    }
    (examples, skipped)
}

/// Binary counts for "solicitation" against everything else.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub tn: usize,
}

impl Counts {
    pub fn add(&mut self, gold: bool, predicted: bool) {
        match (gold, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Share of negatives (not + intent) the detector would answer.
    pub fn fp_rate(&self) -> f64 {
        ratio(self.fp, self.fp + self.tn)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// One row of the threshold sweep.
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    pub threshold: f32,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub fp_rate: f64,
}

/// Results for one `kind`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindRow {
    pub n: usize,
    /// Right on solicitation-or-not.
    pub correct: usize,
    /// Right on the exact class.
    pub exact: usize,
    pub predicted_solicitation: usize,
}

/// A message the detector got wrong (solicitation vs. not).
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub id: String,
    pub kind: String,
    pub gold: Class,
    pub predicted: Class,
    pub score: f32,
    pub text: String,
    pub cues: Vec<Cue>,
}

/// The whole report; `--json` prints it as one object.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub n: usize,
    pub threshold: f32,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub fp_rate: f64,
    #[serde(flatten)]
    pub counts: Counts,
    /// gold label -> predicted class -> count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    pub by_kind: BTreeMap<String, KindRow>,
    pub thresholds: Vec<Sweep>,
    pub misclassified: Vec<Miss>,
    pub skipped: Vec<Skipped>,
}

const CLASSES: [Class; 3] = [Class::Solicitation, Class::Intent, Class::Not];

/// Run the detector over the examples and compute the report.
pub fn evaluate(examples: &[Example], detector: &Detector, skipped: Vec<Skipped>) -> Report {
    let mut counts = Counts::default();
    let mut confusion = empty_confusion();
    let mut by_kind: BTreeMap<String, KindRow> = BTreeMap::new();
    let mut scored = Vec::with_capacity(examples.len());
    let mut misclassified = Vec::new();
    for e in examples {
        let v = detector.detect(&e.text);
        let gold = e.label == Class::Solicitation;
        let predicted = v.class == Class::Solicitation;
        counts.add(gold, predicted);
        *confusion
            .entry(e.label.as_str().into())
            .or_default()
            .entry(v.class.as_str().into())
            .or_default() += 1;
        let row = by_kind.entry(e.kind.clone()).or_default();
        row.n += 1;
        row.correct += usize::from(gold == predicted);
        row.exact += usize::from(e.label == v.class);
        row.predicted_solicitation += usize::from(predicted);
        scored.push((gold, v.score));
        if gold != predicted {
            misclassified.push(Miss {
                id: e.id.clone(),
                kind: e.kind.clone(),
                gold: e.label,
                predicted: v.class,
                score: v.score,
                text: e.text.clone(),
                cues: v.cues,
            });
        }
    }
    Report {
        n: examples.len(),
        threshold: detector.settings().reply_at,
        precision: counts.precision(),
        recall: counts.recall(),
        f1: counts.f1(),
        fp_rate: counts.fp_rate(),
        counts,
        confusion,
        by_kind,
        thresholds: sweep(&scored),
        misclassified,
        skipped,
    }
}

/// A 3x3 confusion matrix with every cell present (zeros included).
fn empty_confusion() -> BTreeMap<String, BTreeMap<String, usize>> {
    CLASSES
        .iter()
        .map(|g| {
            let row = CLASSES
                .iter()
                .map(|p| (p.as_str().to_string(), 0))
                .collect();
            (g.as_str().to_string(), row)
        })
        .collect()
}

/// Precision and recall at thresholds 0.1, 0.2, …, 0.9.
fn sweep(scored: &[(bool, f32)]) -> Vec<Sweep> {
    (1..=9)
        .map(|k| {
            let threshold = k as f32 / 10.0;
            let mut c = Counts::default();
            scored
                .iter()
                .for_each(|&(gold, s)| c.add(gold, s >= threshold));
            Sweep {
                threshold,
                precision: c.precision(),
                recall: c.recall(),
                f1: c.f1(),
                fp_rate: c.fp_rate(),
            }
        })
        .collect()
}

/// Load `path`, evaluate, and write the report as text or one JSON object.
pub fn run(
    path: &Path,
    detector: &Detector,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (examples, skipped) = load(path)?;
    let report = evaluate(&examples, detector, skipped);
    if json {
        serde_json::to_writer(&mut *out, &report).context("writing the JSON report")?;
        writeln!(out)?;
    } else {
        write_text(&report, out).context("writing the report")?;
    }
    Ok(())
}

mod text;
pub use text::write_text;

#[cfg(test)]
mod tests;
