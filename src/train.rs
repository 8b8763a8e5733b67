//! `shopkeep train`: fit the detector's learned layer on labelled JSON Lines
//! files (the `eval` format) and write a weights file the config can point
//! at (`[detector] model`). Before writing, it reports k-fold
//! cross-validation next to the rules alone on the same messages, so a
//! brand sees whether its own labels help before it ships them.
//!
//! Owns the fitting (L2-regularised logistic regression, AdaGrad, a fixed
//! seed so the same data gives the same file) and the file's writing. The
//! feature set and the arithmetic at run time live in
//! `core::detect::learned`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::core::detect::{Class, Detector, Learned, LearnedLayer, TrainingRow};
use crate::eval::{self, Counts, Example};

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// L2 penalty per feature weight.
    pub l2: f64,
    /// Passes over the data.
    pub epochs: usize,
    /// Features seen in fewer messages than this are not learned: a word
    /// one message used is a memory, not a pattern.
    pub min_count: usize,
    /// Features seen in fewer labelled files than this (capped at the
    /// number of files) are not learned: a word only one author used is
    /// that author's topic ("an oak table" in a furniture set), not a sign
    /// of how people ask.
    pub min_files: usize,
    /// Weight of a non-solicitation in the loss: above 1 trades recall for
    /// precision (a wrong reply costs more than a missed one).
    pub negative_weight: f64,
    /// Folds for cross-validation (0 or 1: none).
    pub folds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            l2: 0.003,
            epochs: 20,
            min_count: 2,
            min_files: 3,
            negative_weight: 2.0,
            folds: 5,
        }
    }
}

/// A message ready for fitting: feature indices, rule log-odds, label.
#[derive(Debug, Clone)]
struct Row {
    features: Vec<u32>,
    rule_logit: f64,
    gold: bool,
}

/// A fitted model over a feature vocabulary.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub intercept: f64,
    pub rules: f64,
    /// (feature name, weight), only the features kept.
    pub weights: Vec<(String, f64)>,
}

impl Fitted {
    /// The weights file text.
    pub fn to_file(&self, header: &str) -> String {
        let mut s = String::new();
        for line in header.lines() {
            s.push_str("# ");
            s.push_str(line);
            s.push('\n');
        }
        s.push_str(&format!(
            "intercept {:.4}\nrules {:.4}\n",
            self.intercept, self.rules
        ));
        let mut w: Vec<&(String, f64)> = self.weights.iter().collect();
        w.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, weight) in w {
            s.push_str(&format!("{name} {weight:.4}\n"));
        }
        s
    }
}

/// Name → index over the features seen in at least `min_count` messages
/// from at least `min_files` files (fewer when there are fewer files).
fn vocabulary(rows: &[TrainingRow], files: &[u32], o: &Options) -> HashMap<String, u32> {
    let mut distinct = files.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let min_files = o.min_files.min(distinct.len()).max(1);
    // Per feature: messages and distinct files (rows may come in any
    // order: cross-validation shuffles them).
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut seen: HashSet<(&str, u32)> = HashSet::new();
    for (r, &file) in rows.iter().zip(files) {
        for f in &r.features {
            let c = counts.entry(f.as_str()).or_default();
            c.0 += 1;
            if seen.insert((f.as_str(), file)) {
                c.1 += 1;
            }
        }
    }
    let mut names: Vec<&str> = counts
        .into_iter()
        .filter(|&(_, (n, k))| n >= o.min_count && k >= min_files)
        .map(|(f, _)| f)
        .collect();
    names.sort_unstable();
    names
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f.to_string(), i as u32))
        .collect()
}

fn encode(rows: &[TrainingRow], gold: &[bool], vocab: &HashMap<String, u32>) -> Vec<Row> {
    rows.iter()
        .zip(gold)
        .map(|(r, &gold)| Row {
            features: r
                .features
                .iter()
                .filter_map(|f| vocab.get(f).copied())
                .collect(),
            rule_logit: r.rule_logit as f64,
            gold,
        })
        .collect()
}

/// A small deterministic generator for shuffling (xorshift).
struct Shuffle(u64);

impl Shuffle {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Fit intercept, rule coefficient and feature weights (AdaGrad on the
/// weighted log loss, L2 on the feature weights only).
fn fit_rows(rows: &[Row], n: usize, o: &Options) -> (f64, f64, Vec<f64>) {
    let (mut b, mut r) = (0.0f64, 1.0f64);
    let (mut gb, mut gr) = (1e-8f64, 1e-8f64);
    let mut w = vec![0.0f64; n];
    let mut g = vec![1e-8f64; n];
    let lr = 0.1;
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = Shuffle(0x5eed_cafe_f00d_1234);
    for _ in 0..o.epochs {
        rng.shuffle(&mut order);
        for &k in &order {
            let row = &rows[k];
            let z =
                b + r * row.rule_logit + row.features.iter().map(|&i| w[i as usize]).sum::<f64>();
            let y = if row.gold { 1.0 } else { 0.0 };
            let cw = if row.gold { 1.0 } else { o.negative_weight };
            let d = (sigmoid(z) - y) * cw;
            gb += d * d;
            b -= lr * d / gb.sqrt();
            let dr = d * row.rule_logit;
            gr += dr * dr;
            r -= lr * dr / gr.sqrt();
            for &i in &row.features {
                let i = i as usize;
                let gi = d + o.l2 * w[i];
                g[i] += gi * gi;
                w[i] -= lr * gi / g[i].sqrt();
            }
        }
    }
    (b, r, w)
}

/// Fit on rows, keeping weights worth writing down.
pub fn fit(rows: &[TrainingRow], gold: &[bool], files: &[u32], o: &Options) -> Fitted {
    let vocab = vocabulary(rows, files, o);
    let encoded = encode(rows, gold, &vocab);
    let (intercept, rules, w) = fit_rows(&encoded, vocab.len(), o);
    let mut weights: Vec<(String, f64)> = vocab
        .into_iter()
        .map(|(name, i)| (name, w[i as usize]))
        .filter(|(_, w)| w.abs() >= 0.005)
        .collect();
    weights.sort_by(|a, b| a.0.cmp(&b.0));
    Fitted {
        intercept,
        rules,
        weights,
    }
}

/// Cross-validated counts at `threshold`: the learned layer and the rules
/// alone, on the same held-out folds.
pub fn cross_validate(
    rows: &[TrainingRow],
    gold: &[bool],
    files: &[u32],
    o: &Options,
    threshold: f32,
) -> (Counts, Counts) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    Shuffle(0x0f01_d5ee_d000_0001).shuffle(&mut order);
    let (mut learned, mut rules) = (Counts::default(), Counts::default());
    let folds = o.folds.max(2);
    for fold in 0..folds {
        let test: Vec<usize> = order.iter().copied().skip(fold).step_by(folds).collect();
        let train: Vec<usize> = order
            .iter()
            .copied()
            .enumerate()
            .filter(|(k, _)| k % folds != fold)
            .map(|(_, i)| i)
            .collect();
        let tr_rows: Vec<TrainingRow> = train.iter().map(|&i| rows[i].clone()).collect();
        let tr_gold: Vec<bool> = train.iter().map(|&i| gold[i]).collect();
        let tr_files: Vec<u32> = train.iter().map(|&i| files[i]).collect();
        let fitted = fit(&tr_rows, &tr_gold, &tr_files, o);
        let model =
            Learned::parse(&fitted.to_file("")).expect("a fitted model writes a valid file");
        for &i in &test {
            let names: Vec<&str> = rows[i].features.iter().map(String::as_str).collect();
            let z = model.intercept + model.rules * rows[i].rule_logit + model.sum_named(&names);
            learned.add(gold[i], sigmoid(z as f64) >= threshold as f64);
            rules.add(
                gold[i],
                sigmoid(rows[i].rule_logit as f64) >= threshold as f64,
            );
        }
    }
    (learned, rules)
}

/// Read every file; malformed lines are reported on stderr and skipped.
/// Each message comes with the index of its file.
fn read_all(files: &[PathBuf]) -> anyhow::Result<Vec<(Example, u32)>> {
    let mut all = Vec::new();
    for (k, f) in files.iter().enumerate() {
        let (examples, skipped) = eval::load(f)?;
        for s in skipped {
            eprintln!("{}:{}: skipped: {}", f.display(), s.line, s.error);
        }
        all.extend(examples.into_iter().map(|e| (e, k as u32)));
    }
    anyhow::ensure!(!all.is_empty(), "no labelled messages in {:?}", files);
    let pos = all
        .iter()
        .filter(|(e, _)| e.label == Class::Solicitation)
        .count();
    anyhow::ensure!(
        pos > 0 && pos < all.len(),
        "training needs both solicitations and other messages ({pos} of {} are solicitations)",
        all.len()
    );
    Ok(all)
}

/// `shopkeep train`: report cross-validation, then write the weights file
/// when `out` is given.
pub fn run(
    files: &[PathBuf],
    detector: &Detector,
    o: &Options,
    out: Option<&Path>,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        detector.settings().learned == LearnedLayer::Off,
        "training starts from the rules alone"
    );
    let examples = read_all(files)?;
    let rows: Vec<TrainingRow> = examples
        .iter()
        .map(|(e, _)| detector.training_row(&e.text))
        .collect();
    let gold: Vec<bool> = examples
        .iter()
        .map(|(e, _)| e.label == Class::Solicitation)
        .collect();
    let sources: Vec<u32> = examples.iter().map(|&(_, k)| k).collect();
    let threshold = detector.settings().reply_at;
    writeln!(
        w,
        "{} labelled messages from {} file(s)",
        examples.len(),
        files.len()
    )?;
    if o.folds >= 2 {
        let (learned, rules) = cross_validate(&rows, &gold, &sources, o, threshold);
        writeln!(
            w,
            "{}-fold cross-validation at reply_at {threshold}:",
            o.folds
        )?;
        for (name, c) in [("rules + learned", learned), ("rules alone", rules)] {
            writeln!(
                w,
                "  {name:<16} precision {:.3}  recall {:.3}  f1 {:.3}  false-positive rate {:.3}",
                c.precision(),
                c.recall(),
                c.f1(),
                c.fp_rate()
            )?;
        }
    }
    if let Some(path) = out {
        let fitted = fit(&rows, &gold, &sources, o);
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        let header = format!(
            "Shopkeep detector weights, written by `shopkeep train`.\nTrained on {} messages: {}\nOptions: l2 {} epochs {} min_count {} min_files {} negative_weight {}\nEach line: feature weight (log-odds). c: cue, w: word, b: word pair, k: word class.",
            examples.len(),
            names.join(" "),
            o.l2,
            o.epochs,
            o.min_count,
            o.min_files,
            o.negative_weight
        );
        std::fs::write(path, fitted.to_file(&header))
            .with_context(|| format!("writing {}", path.display()))?;
        writeln!(
            w,
            "wrote {} ({} weights); point `[detector] model` at it to use it",
            path.display(),
            fitted.weights.len()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(features: &[&str]) -> TrainingRow {
        TrainingRow {
            rule_logit: 0.0,
            features: features.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn a_word_only_one_file_used_is_not_learned() {
        // "w:oak" is frequent but comes from one author; "w:recs" from two.
        let rows = [
            row(&["w:oak", "w:recs"]),
            row(&["w:oak"]),
            row(&["w:oak", "w:recs"]),
            row(&["w:recs"]),
        ];
        let files = [0, 0, 0, 1];
        let o = Options {
            min_files: 2,
            ..Options::default()
        };
        let vocab = vocabulary(&rows, &files, &o);
        assert!(vocab.contains_key("w:recs"), "{vocab:?}");
        assert!(!vocab.contains_key("w:oak"), "{vocab:?}");
        // Files are counted once each, in whatever order the rows come.
        let vocab = vocabulary(&rows, &[0, 1, 0, 1], &o);
        assert!(vocab.contains_key("w:oak"), "{vocab:?}");
        let vocab = vocabulary(&rows, &[0, 1, 0, 2], &Options { min_files: 3, ..o });
        assert!(!vocab.contains_key("w:oak"), "{vocab:?}");
        // With a single file the requirement cannot apply.
        let vocab = vocabulary(&rows, &[0, 0, 0, 0], &o);
        assert!(vocab.contains_key("w:oak"), "{vocab:?}");
    }
}
