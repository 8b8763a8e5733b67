//! The human-readable form of an evaluation report.
//!
//! Owns layout only: every number comes from `eval::Report`.

use std::io::{self, Write};

use super::Report;

/// Write the report as plain text tables.
pub fn write_text(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let c = &r.counts;
    writeln!(
        out,
        "messages: {}   threshold (reply_at): {:.2}",
        r.n, r.threshold
    )?;
    writeln!(
        out,
        "solicitation: precision {:.3}  recall {:.3}  F1 {:.3}  false-positive rate on negatives {:.4}",
        r.precision, r.recall, r.f1, r.fp_rate
    )?;
    writeln!(out, "tp {}  fp {}  fn {}  tn {}", c.tp, c.fp, c.fn_, c.tn)?;
    writeln!(
        out,
        "recall reachable at precision >= 0.90: {:.3}   at >= 0.95: {:.3}   false positives on random-draw negatives: {:.4} of {}",
        r.recall_at_p90, r.recall_at_p95, r.rnd_fp_rate, r.rnd_negatives
    )?;
    if r.families.len() > 1 {
        families(&r.families, out)?;
    }
    confusion(r, out)?;
    kinds(r, out)?;
    sweep(r, out)?;
    misses(r, out)
}

/// The per-family table (also used by `train --leave-out-families`).
pub fn families(rows: &[super::FamilyRow], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\n{:<16} {:>6} {:>5} {:>6} {:>6} {:>6} {:>8} {:>8} {:>7} {:>7}",
        "family", "n", "asks", "P", "R", "F1", "fp-rate", "rnd-fp", "R@P.90", "R@P.95"
    )?;
    for f in rows {
        let rnd = if f.rnd_negatives == 0 {
            "-".to_string()
        } else {
            format!("{:.4}", f.rnd_fp_rate)
        };
        writeln!(
            out,
            "{:<16} {:>6} {:>5} {:>6.3} {:>6.3} {:>6.3} {:>8.4} {:>8} {:>7.3} {:>7.3}",
            f.family,
            f.n,
            f.solicitations,
            f.precision,
            f.recall,
            f.f1,
            f.fp_rate,
            rnd,
            f.recall_at_p90,
            f.recall_at_p95
        )?;
    }
    Ok(())
}

fn confusion(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nconfusion (rows gold, columns predicted)")?;
    writeln!(
        out,
        "{:>14} {:>13} {:>7} {:>7}",
        "", "solicitation", "intent", "not"
    )?;
    for (gold, row) in &r.confusion {
        let get = |k: &str| row.get(k).copied().unwrap_or(0);
        writeln!(
            out,
            "{:>14} {:>13} {:>7} {:>7}",
            gold,
            get("solicitation"),
            get("intent"),
            get("not")
        )?;
    }
    Ok(())
}

fn kinds(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\nby kind{:>38} {:>5} {:>8} {:>6} {:>6}",
        "n", "right", "exact", "as-sol", ""
    )?;
    for (kind, k) in &r.by_kind {
        let name: String = kind.chars().take(40).collect();
        writeln!(
            out,
            "  {:<40} {:>5} {:>5} {:>8} {:>6}",
            name, k.n, k.correct, k.exact, k.predicted_solicitation
        )?;
    }
    Ok(())
}

fn sweep(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nthreshold  precision  recall     F1  fp-rate")?;
    for s in &r.thresholds {
        writeln!(
            out,
            "{:>9.1}  {:>9.3}  {:>6.3}  {:>5.3}  {:>7.4}",
            s.threshold, s.precision, s.recall, s.f1, s.fp_rate
        )?;
    }
    Ok(())
}

/// The messages the detector got wrong, with score and cues, then any
/// lines that could not be read.
fn misses(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !r.misclassified.is_empty() {
        writeln!(out, "\nmisclassified ({})", r.misclassified.len())?;
    }
    for m in &r.misclassified {
        let text: String = m
            .text
            .chars()
            .take(200)
            .collect::<String>()
            .replace('\n', " ");
        writeln!(
            out,
            "- {} [{}] gold {} got {} score {:.2}",
            m.id,
            m.kind,
            m.gold.as_str(),
            m.predicted.as_str(),
            m.score
        )?;
        writeln!(out, "    {text}")?;
        let cues: Vec<String> = m
            .cues
            .iter()
            .map(|c| format!("{} {:+.1} '{}'", c.id, c.weight, c.matched))
            .collect();
        writeln!(out, "    cues: {}", cues.join("; "))?;
    }
    for s in &r.skipped {
        writeln!(out, "skipped line {}: {}", s.line, s.error)?;
    }
    Ok(())
}
