//! `shopkeep eval`: measure the detector on labelled JSON Lines files
//! (`{"id","text","label":"solicitation"|"not"|"intent","kind"}`, extra
//! fields ignored; each file is one *family*) and report precision, recall
//! and F1 for solicitation at the configured threshold, the recall
//! reachable at precision 0.90 and 0.95, the false-positive rate on
//! negatives and on ordinary traffic (`rnd` rows), the same per family, a
//! 3x3 confusion matrix, a breakdown by kind, a threshold sweep and the
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
    /// The file it came from (its stem): the family it belongs to.
    #[serde(skip)]
    pub family: String,
}

impl Example {
    /// Drawn at random from its source (`…-rnd-…` ids): ordinary traffic,
    /// where the false-positive rate means what it will mean live.
    pub fn is_random_draw(&self) -> bool {
        self.id.contains("-rnd-")
    }
}

/// A file's stem, which names its family.
pub fn family_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A line that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub line: usize,
    pub error: String,
}

/// Read a JSONL file; malformed lines are reported, not fatal. Every
/// example is tagged with the file's family.
pub fn load(path: &Path) -> anyhow::Result<(Vec<Example>, Vec<Skipped>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (mut examples, skipped) = parse(&text);
    let family = family_of(path);
    examples.iter_mut().for_each(|e| e.family = family.clone());
    Ok((examples, skipped))
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

/// Results for one family at the threshold, and what it could reach.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyRow {
    pub family: String,
    pub n: usize,
    pub solicitations: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub fp_rate: f64,
    pub rnd_fp_rate: f64,
    pub rnd_negatives: usize,
    pub recall_at_p90: f64,
    pub recall_at_p95: f64,
}

/// One scored message: gold, score, and whether it is a random-draw
/// negative.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub gold: bool,
    pub score: f32,
    pub rnd_negative: bool,
}

impl Scored {
    pub fn of(e: &Example, score: f32) -> Scored {
        let gold = e.label == Class::Solicitation;
        Scored {
            gold,
            score,
            rnd_negative: !gold && e.is_random_draw(),
        }
    }
}

/// The best recall at any threshold whose precision is at least `target`
/// (0 when none reaches it).
pub fn recall_at_precision(scored: &[Scored], target: f64) -> f64 {
    let positives = scored.iter().filter(|s| s.gold).count();
    if positives == 0 {
        return 0.0;
    }
    let mut sorted: Vec<&Scored> = scored.iter().collect();
    sorted.sort_by(|a, b| b.score.total_cmp(&a.score));
    let (mut tp, mut fp, mut best) = (0usize, 0usize, 0.0f64);
    for (k, s) in sorted.iter().enumerate() {
        if s.gold {
            tp += 1;
        } else {
            fp += 1;
        }
        // Only a threshold between distinct scores can be chosen.
        let last_of_score = sorted.get(k + 1).map_or(true, |n| n.score < s.score);
        if last_of_score && ratio(tp, tp + fp) >= target {
            best = best.max(ratio(tp, positives));
        }
    }
    best
}

/// Counts at `threshold` and the false-positive rate on random-draw
/// negatives.
pub fn counts_at(scored: &[Scored], threshold: f32) -> (Counts, f64, usize) {
    let mut c = Counts::default();
    let (mut rnd, mut rnd_fp) = (0, 0);
    for s in scored {
        let predicted = s.score >= threshold;
        c.add(s.gold, predicted);
        if s.rnd_negative {
            rnd += 1;
            rnd_fp += usize::from(predicted);
        }
    }
    (c, ratio(rnd_fp, rnd), rnd)
}

/// The family table row for `scored` at `threshold`.
pub fn family_row(family: &str, scored: &[Scored], threshold: f32) -> FamilyRow {
    let (c, rnd_fp_rate, rnd_negatives) = counts_at(scored, threshold);
    FamilyRow {
        family: family.to_string(),
        n: scored.len(),
        solicitations: c.tp + c.fn_,
        precision: c.precision(),
        recall: c.recall(),
        f1: c.f1(),
        fp_rate: c.fp_rate(),
        rnd_fp_rate,
        rnd_negatives,
        recall_at_p90: recall_at_precision(scored, 0.90),
        recall_at_p95: recall_at_precision(scored, 0.95),
    }
}

/// Family rows in first-seen order, then one pooled row (`all`).
pub fn family_rows(rows: &[(String, Scored)], threshold: f32) -> (Vec<FamilyRow>, FamilyRow) {
    let mut order: Vec<&str> = Vec::new();
    for (f, _) in rows {
        if !order.contains(&f.as_str()) {
            order.push(f);
        }
    }
    let families = order
        .iter()
        .map(|f| {
            let mine: Vec<Scored> = rows
                .iter()
                .filter(|(g, _)| g == f)
                .map(|(_, s)| *s)
                .collect();
            family_row(f, &mine, threshold)
        })
        .collect();
    let all: Vec<Scored> = rows.iter().map(|(_, s)| *s).collect();
    (families, family_row("all", &all, threshold))
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
    /// False-positive rate on the `rnd` rows labelled not or intent.
    pub rnd_fp_rate: f64,
    pub rnd_negatives: usize,
    /// Best recall at any threshold whose precision is at least 0.90 / 0.95.
    pub recall_at_p90: f64,
    pub recall_at_p95: f64,
    /// One row per family (file), in the order given.
    pub families: Vec<FamilyRow>,
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
    let mut families = Vec::with_capacity(examples.len());
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
        families.push((e.family.clone(), Scored::of(e, v.score)));
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
    let threshold = detector.settings().reply_at;
    let (families, all) = family_rows(&families, threshold);
    Report {
        n: examples.len(),
        threshold,
        precision: counts.precision(),
        recall: counts.recall(),
        f1: counts.f1(),
        fp_rate: counts.fp_rate(),
        rnd_fp_rate: all.rnd_fp_rate,
        rnd_negatives: all.rnd_negatives,
        recall_at_p90: all.recall_at_p90,
        recall_at_p95: all.recall_at_p95,
        families,
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

/// Load every file (each one family), evaluate, and write the report as
/// text or one JSON object.
pub fn run(
    paths: &[std::path::PathBuf],
    detector: &Detector,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut examples = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let (e, s) = load(path)?;
        examples.extend(e);
        skipped.extend(s.into_iter().map(|s| Skipped {
            line: s.line,
            error: format!("{}: {}", path.display(), s.error),
        }));
    }
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
pub use text::{families as write_families, write_text};

#[cfg(test)]
mod tests;
