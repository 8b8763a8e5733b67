//! `shopkeep train --leave-out-families`: the honest figure. For every
//! family (one labelled file), fit the learned layer on every *other*
//! family (plus any `--extra` training-only files), score the family left
//! out, and pool. With `--encoder-scores` (the left-out logits written by
//! `tools/encoder.py lofo`) it also reports the encoder alone and the two
//! stages combined, the combination itself fitted without the left-out
//! family, and prints the combination to ship.
//!
//! Owns the fold loop, the combination fit and the report. Fitting the
//! learned layer lives in `crate::train`; the figures in `crate::eval`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::core::detect::{Class, Detector, Learned, LearnedLayer, TrainingRow};
use crate::eval::{self, Example, FamilyRow, Scored};
use crate::train::{self, Options};

/// What the command needs besides the files.
#[derive(Debug, Clone)]
pub struct Lofo<'a> {
    pub families: &'a [PathBuf],
    pub extra: &'a [PathBuf],
    pub encoder_scores: Option<&'a Path>,
    /// First-stage score below which the encoder is not run.
    pub gate: f32,
    /// Keep the shipped learned layer instead of refitting it per fold
    /// (it never saw a real family, so it is left out of every fold).
    pub shipped_first_stage: bool,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// One left-out row: its family, label, first-stage and encoder logits.
#[derive(Debug, Clone)]
struct Row {
    family: usize,
    example: Example,
    z1: f64,
    z2: Option<f64>,
}

/// Combination weights: `stage1 * z1 + encoder * z2 + bias`, fitted by
/// logistic regression (plain gradient descent on three numbers) on the
/// rows that pass the gate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Combination {
    pub stage1: f64,
    pub encoder: f64,
    pub bias: f64,
}

fn fit_combination(rows: &[(f64, f64, bool)], negative_weight: f64) -> Combination {
    let (mut a, mut b, mut c) = (1.0f64, 1.0f64, 0.0f64);
    if rows.is_empty() {
        return Combination {
            stage1: a,
            encoder: b,
            bias: c,
        };
    }
    let n = rows.len() as f64;
    for _ in 0..3000 {
        let (mut ga, mut gb, mut gc) = (0.0, 0.0, 0.0);
        for &(z1, z2, gold) in rows {
            let w = if gold { 1.0 } else { negative_weight };
            let d = (sigmoid(a * z1 + b * z2 + c) - f64::from(u8::from(gold))) * w;
            ga += d * z1;
            gb += d * z2;
            gc += d;
        }
        a -= 0.05 * ga / n;
        b -= 0.05 * gb / n;
        c -= 0.05 * gc / n;
    }
    Combination {
        stage1: a,
        encoder: b,
        bias: c,
    }
}

fn combined_score(r: &Row, k: &Combination, gate: f32) -> f64 {
    let s1 = sigmoid(r.z1);
    match r.z2 {
        Some(z2) if s1 >= f64::from(gate) => sigmoid(k.stage1 * r.z1 + k.encoder * z2 + k.bias),
        _ => s1,
    }
}

/// Read `{"id","logit"}` lines written by `tools/encoder.py lofo`.
fn read_encoder_scores(path: &Path) -> anyhow::Result<HashMap<String, f64>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), i + 1))?;
        let id = v["id"].as_str();
        let z = v["logit"].as_f64();
        match (id, z) {
            (Some(id), Some(z)) => {
                out.insert(id.to_string(), z);
            }
            _ => anyhow::bail!(
                "{}:{}: needs \"id\" and a numeric \"logit\"",
                path.display(),
                i + 1
            ),
        }
    }
    Ok(out)
}

fn load_files(files: &[PathBuf]) -> anyhow::Result<Vec<Vec<Example>>> {
    files
        .iter()
        .map(|f| {
            let (examples, skipped) = eval::load(f)?;
            for s in skipped {
                eprintln!("{}:{}: skipped: {}", f.display(), s.line, s.error);
            }
            Ok(examples)
        })
        .collect()
}

/// First-stage left-out logits for every row of every family.
fn first_stage(
    families: &[Vec<Example>],
    extra: &[Example],
    rules: &Detector,
    shipped: Option<&Detector>,
    o: &Options,
) -> Vec<Vec<f64>> {
    if let Some(d) = shipped {
        return families
            .iter()
            .map(|fam| {
                fam.iter()
                    .map(|e| logit(f64::from(d.detect(&e.text).score)))
                    .collect()
            })
            .collect();
    }
    let rows: Vec<Vec<TrainingRow>> = families
        .iter()
        .map(|f| f.iter().map(|e| rules.training_row(&e.text)).collect())
        .collect();
    let extra_rows: Vec<TrainingRow> = extra.iter().map(|e| rules.training_row(&e.text)).collect();
    let gold = |e: &Example| e.label == Class::Solicitation;
    (0..families.len())
        .map(|left| {
            let (mut tr, mut tg, mut tf) = (Vec::new(), Vec::new(), Vec::new());
            for (k, fam) in families.iter().enumerate().filter(|(k, _)| *k != left) {
                tr.extend(rows[k].iter().cloned());
                tg.extend(fam.iter().map(gold));
                tf.extend(std::iter::repeat(k as u32).take(fam.len()));
            }
            tr.extend(extra_rows.iter().cloned());
            tg.extend(extra.iter().map(gold));
            tf.extend(extra.iter().map(|_| families.len() as u32));
            let fitted = train::fit(&tr, &tg, &tf, o);
            let model = Learned::parse(&fitted.to_file("")).expect("a fitted model parses");
            rows[left]
                .iter()
                .map(|r| {
                    let names: Vec<&str> = r.features.iter().map(String::as_str).collect();
                    f64::from(
                        model.intercept + model.rules * r.rule_logit + model.sum_named(&names),
                    )
                })
                .collect()
        })
        .collect()
}

/// Run the folds and write the report.
pub fn run(
    l: &Lofo<'_>,
    rules: &Detector,
    shipped: &Detector,
    o: &Options,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        l.families.len() >= 2,
        "leaving one family out needs at least two family files"
    );
    anyhow::ensure!(
        rules.settings().learned == LearnedLayer::Off,
        "training starts from the rules alone"
    );
    let families = load_files(l.families)?;
    let extra: Vec<Example> = load_files(l.extra)?.into_iter().flatten().collect();
    let z1 = first_stage(
        &families,
        &extra,
        rules,
        l.shipped_first_stage.then_some(shipped),
        o,
    );
    let enc = l.encoder_scores.map(read_encoder_scores).transpose()?;
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for (k, fam) in families.iter().enumerate() {
        for (e, &z) in fam.iter().zip(&z1[k]) {
            let z2 = enc.as_ref().map(|m| m.get(&e.id).copied());
            if let Some(None) = z2 {
                missing.push(e.id.clone());
            }
            rows.push(Row {
                family: k,
                example: e.clone(),
                z1: z,
                z2: z2.flatten(),
            });
        }
    }
    if !missing.is_empty() {
        anyhow::bail!(
            "{} messages have no encoder score in {} (e.g. {}): run tools/encoder.py lofo on the same files",
            missing.len(),
            l.encoder_scores.map(|p| p.display().to_string()).unwrap_or_default(),
            missing[..missing.len().min(3)].join(", ")
        );
    }
    let threshold = rules.settings().reply_at;
    let names: Vec<String> = l.families.iter().map(|p| eval::family_of(p)).collect();
    writeln!(
        w,
        "leave one family out: {} messages in {} families{}; first stage {}",
        rows.len(),
        names.len(),
        if extra.is_empty() {
            String::new()
        } else {
            format!(" (+{} training-only)", extra.len())
        },
        if l.shipped_first_stage {
            "as shipped"
        } else {
            "refitted per fold"
        }
    )?;
    let first: Vec<(String, Scored)> = rows
        .iter()
        .map(|r| {
            (
                names[r.family].clone(),
                Scored::of(&r.example, sigmoid(r.z1) as f32),
            )
        })
        .collect();
    section(w, "first stage (rules + learned layer)", &first, threshold)?;
    if enc.is_none() {
        return Ok(());
    }
    let alone: Vec<(String, Scored)> = rows
        .iter()
        .map(|r| {
            let s = sigmoid(r.z2.unwrap_or(0.0)) as f32;
            (names[r.family].clone(), Scored::of(&r.example, s))
        })
        .collect();
    section(w, "encoder alone", &alone, threshold)?;
    let pairs = |keep: &dyn Fn(&Row) -> bool| -> Vec<(f64, f64, bool)> {
        rows.iter()
            .filter(|r| keep(r) && sigmoid(r.z1) >= f64::from(l.gate))
            .map(|r| {
                let gold = r.example.label == Class::Solicitation;
                (r.z1, r.z2.unwrap_or(0.0), gold)
            })
            .collect()
    };
    let per_fold: Vec<Combination> = (0..names.len())
        .map(|k| fit_combination(&pairs(&|r: &Row| r.family != k), o.negative_weight))
        .collect();
    let combined: Vec<(String, Scored)> = rows
        .iter()
        .map(|r| {
            let s = combined_score(r, &per_fold[r.family], l.gate) as f32;
            (names[r.family].clone(), Scored::of(&r.example, s))
        })
        .collect();
    let passed = rows
        .iter()
        .filter(|r| r.example.is_random_draw() && sigmoid(r.z1) >= f64::from(l.gate))
        .count();
    let rnd = rows.iter().filter(|r| r.example.is_random_draw()).count();
    section(
        w,
        &format!(
            "both stages (combination fitted without the left-out family; encoder run on {passed} of {rnd} random-draw messages)"
        ),
        &combined,
        threshold,
    )?;
    let k = fit_combination(&pairs(&|_| true), o.negative_weight);
    writeln!(
        w,
        "\ncombination fitted on every family: --combine \"{:.4} {:.4} {:.4} {}\"",
        k.stage1, k.encoder, k.bias, l.gate
    )?;
    Ok(())
}

fn section(
    w: &mut dyn Write,
    title: &str,
    rows: &[(String, Scored)],
    threshold: f32,
) -> anyhow::Result<()> {
    let (families, all) = eval::family_rows(rows, threshold);
    writeln!(w, "\n{title}, at reply_at {threshold}:")?;
    let mut table: Vec<FamilyRow> = families;
    table.push(all.clone());
    eval::write_families(&table, w)?;
    let worst = table[..table.len() - 1]
        .iter()
        .filter(|f| f.solicitations > 0)
        .map(|f| f.precision)
        .fold(f64::INFINITY, f64::min);
    writeln!(
        w,
        "pooled: precision {:.3} recall {:.3}; lowest family precision {:.3}; false positives on random-draw negatives {:.4}",
        all.precision, all.recall, worst, all.rnd_fp_rate
    )?;
    let pooled: Vec<Scored> = rows.iter().map(|(_, s)| *s).collect();
    let sweep: Vec<String> = (2..=8)
        .map(|k| {
            let t = k as f32 / 10.0;
            let (c, rnd, _) = eval::counts_at(&pooled, t);
            format!(
                "{t:.1}: P {:.3} R {:.3} rnd-fp {:.4}",
                c.precision(),
                c.recall(),
                rnd
            )
        })
        .collect();
    writeln!(w, "pooled at other thresholds: {}", sweep.join("; "))?;
    Ok(())
}
