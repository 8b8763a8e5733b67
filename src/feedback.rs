//! What staff marks add up to, on the command line: `shopkeep feedback`
//! (list the marks, or export them as labelled JSON Lines that `eval` and
//! `train` read), `shopkeep report` (a period's traffic, replies,
//! hand-offs, held-back replies, marks, this server's precision and a
//! go-live recommendation) and `shopkeep tune --feedback` (the `reply_at`
//! the marks support; it never changes the config).
//!
//! Owns reading the store for those views and their wording; the
//! arithmetic is `core::marks`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::core::detect::{Class, Detector};
use crate::core::marks::{self, Mark, Period, Scored, Suggestion};
use crate::core::policy::Mode;
use crate::store::{AuditFilter, MarkRecord, Store};

/// One exported mark: the labelled format `eval` and `train` read, plus
/// what the bot did and who marked it.
#[derive(Debug, Serialize)]
struct Exported<'a> {
    id: String,
    text: &'a str,
    label: &'static str,
    kind: String,
    /// The Discord server the message was written in.
    source: &'a str,
    mark: &'static str,
    place: &'a str,
    action: &'a str,
    mode: &'a str,
    verdict: Option<&'a str>,
    score: Option<f32>,
    template: Option<&'a str>,
    category: Option<&'a str>,
    marked_by: &'a str,
    marked_at: String,
}

fn exported(m: &MarkRecord) -> Exported<'_> {
    Exported {
        id: format!("mark-{}", m.message_id),
        text: &m.text,
        label: m.mark.label().as_str(),
        kind: format!("staff mark: {}", m.mark),
        source: &m.server,
        mark: m.mark.as_str(),
        place: &m.place,
        action: &m.action,
        mode: &m.mode,
        verdict: m.verdict.as_deref(),
        score: m.score,
        template: m.template.as_deref(),
        category: m.category.as_deref(),
        marked_by: &m.marked_by,
        marked_at: m.marked_at.to_rfc3339(),
    }
}

/// How many marks of each kind.
fn tally(marks: &[MarkRecord]) -> BTreeMap<Mark, usize> {
    let mut t: BTreeMap<Mark, usize> = Mark::ALL.into_iter().map(|m| (m, 0)).collect();
    for m in marks {
        *t.entry(m.mark).or_default() += 1;
    }
    t
}

fn tally_text(marks: &[MarkRecord]) -> String {
    tally(marks)
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `shopkeep feedback`: list the marks since `since`, or export them.
pub async fn feedback(
    store: &Store,
    since: Option<DateTime<Utc>>,
    export: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let marks = store.marks(since).await?;
    if let Some(path) = export {
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create the export file {}", path.display()))?,
        );
        for m in &marks {
            serde_json::to_writer(&mut file, &exported(m))?;
            file.write_all(b"\n")?;
        }
        file.flush()
            .with_context(|| format!("cannot write the export file {}", path.display()))?;
        writeln!(
            out,
            "Exported {} mark(s) ({}) to {}. It holds members' messages: keep it as private as the store.\n\
             This server's figures: shopkeep eval {p}\n\
             A reply_at for them:   shopkeep tune --feedback {p}",
            marks.len(),
            tally_text(&marks),
            path.display(),
            p = path.display(),
        )?;
        return Ok(());
    }
    if marks.is_empty() {
        writeln!(
            out,
            "No marks yet. Staff mark the bot's replies with reactions or a message's Apps menu (see docs/staff.md)."
        )?;
        return Ok(());
    }
    for m in &marks {
        let score = m.score.map_or_else(|| "    ".into(), |s| format!("{s:.2}"));
        writeln!(
            out,
            "{}  {:<6}  {score}  {:<14} by {:<12} {}  \"{}\"",
            m.marked_at.format("%Y-%m-%d %H:%M"),
            m.mark.as_str(),
            m.place,
            m.marked_by,
            m.template.as_deref().unwrap_or("-"),
            shorten(&m.text, 80),
        )?;
    }
    writeln!(out, "{} mark(s): {}", marks.len(), tally_text(&marks))?;
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// `shopkeep tune --feedback FILE`: score the marked messages with the
/// configured detector and suggest the `reply_at` reaching `target`.
pub fn tune(
    config: &Config,
    files: &[std::path::PathBuf],
    target: f64,
    out: &mut impl Write,
) -> anyhow::Result<i32> {
    let detector = Detector::new(config.detector_settings());
    let mut scored = Vec::new();
    for file in files {
        let (examples, skipped) = crate::eval::load(file)?;
        if let Some(s) = skipped.first() {
            anyhow::bail!(
                "{}: line {} is not a labelled message ({}); {} line(s) unreadable",
                file.display(),
                s.line,
                s.error,
                skipped.len()
            );
        }
        scored.extend(examples.iter().map(|e| Scored {
            ask: e.label == Class::Solicitation,
            score: detector.detect(&e.text).score,
        }));
    }
    let asks = scored.iter().filter(|s| s.ask).count();
    writeln!(
        out,
        "{} marked message(s): {asks} asks (right or missed), {} not (wrong). Scored by the detector in {}; \
         reply_at there is {:.2}.\n",
        scored.len(),
        scored.len() - asks,
        config.path.display(),
        config.reply_at
    )?;
    let rows = marks::sweep(&scored);
    writeln!(
        out,
        "reply_at  {:<46} recall on marked asks",
        "precision on marks"
    )?;
    for r in &rows {
        writeln!(
            out,
            "{:>8.2}  {:<46} {}",
            r.reply_at,
            r.precision.to_string(),
            r.recall.value().map_or("–".into(), |v| format!("{v:.2}")),
        )?;
    }
    writeln!(out)?;
    let code = match marks::suggest(&rows, target) {
        Suggestion::ReplyAt(row) => {
            let (lo, hi) = row.precision.interval();
            writeln!(
                out,
                "Suggested: reply_at = {:.2} — precision {:.2} on the {} marked messages scoring at or above it \
                 (95 % interval {lo:.2}–{hi:.2}), finding {} of the {asks} marked asks.",
                row.reply_at,
                row.precision.value().unwrap_or(0.0),
                row.precision.of,
                row.recall.hits,
            )?;
            if row.reply_at < config.reply_at - 1e-6 {
                writeln!(
                    out,
                    "Caution: it is below today's {:.2}. Below that threshold staff see no replies to mark \
                     wrong, only asks marked missed, so precision there is measured on fewer wrong answers \
                     than it will meet. Try it in shadow mode first.",
                    config.reply_at
                )?;
            }
            0
        }
        Suggestion::NotEnough { marks, best } => {
            write!(
                out,
                "No suggestion: no threshold reaches precision {target:.2} on at least {} marked messages ({marks} marked in all).",
                marks::MIN_MARKS
            )?;
            match best {
                Some(b) => writeln!(
                    out,
                    " The best, reply_at = {:.2}, gives {}.",
                    b.reply_at, b.precision
                )?,
                None => writeln!(out, " Mark more replies first.")?,
            }
            1
        }
    };
    writeln!(
        out,
        "Nothing was changed: to use a threshold, set `reply_at` under [detector] in {}.",
        config.path.display()
    )?;
    Ok(code)
}

/// `shopkeep report`: what happened in the `span` before now (or, with
/// `replayed`, before the last replayed decision).
pub async fn report(
    store: &Store,
    config: &Config,
    span: chrono::Duration,
    replayed: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let source = if replayed { "replay" } else { "live" };
    let all = store.audit(&AuditFilter::default()).await?;
    let end = if replayed {
        all.iter()
            .filter(|r| r.source == source)
            .map(|r| r.decided_at)
            .max()
            .context(
                "the store holds no replayed decisions: run `shopkeep replay FILE --db …` first",
            )?
    } else {
        Utc::now()
    };
    let since = end - span;
    let records: Vec<_> = all
        .iter()
        .filter(|r| r.source == source && r.decided_at >= since && r.decided_at <= end)
        .collect();
    let sales = |r: &&&crate::store::AuditRecord| r.is_sales_reply();
    let sent = records
        .iter()
        .filter(sales)
        .filter(|r| matches!(r.delivery.as_str(), "sent" | "replayed"))
        .count() as u64;
    let would_be = records
        .iter()
        .filter(|r| r.reason_code == "shadow_mode")
        .count() as u64;
    let failed = records
        .iter()
        .filter(sales)
        .filter(|r| matches!(r.delivery.as_str(), "failed" | "stale"))
        .count();
    let handoffs = records.iter().filter(|r| r.action == "handoff").count() as u64;
    let mut held: BTreeMap<String, u64> = BTreeMap::new();
    for r in &records {
        if let Some(limit) = &r.held_by {
            *held.entry(limit.clone()).or_default() += 1;
        }
    }
    let near_misses = records
        .iter()
        .filter(|r| {
            r.action == "none"
                && matches!(
                    r.reason_code.as_str(),
                    "review_band" | "not_our_products" | "handoff_almost"
                )
        })
        .count();
    // Marks are made on live decisions; a replayed period counts only marks
    // on the messages it replayed.
    let marks: Vec<_> = store
        .marks(if replayed { None } else { Some(since) })
        .await?
        .into_iter()
        .filter(|m| !replayed || records.iter().any(|r| r.message_id == m.message_id))
        .collect();
    let count = |m: Mark| marks.iter().filter(|r| r.mark == m).count() as u64;
    let shadow = config.mode == Mode::Shadow && would_be >= sent;
    let period = Period {
        days: span.num_minutes() as f64 / 1440.0,
        shadow,
        seen: store.seen_since(since, source).await?,
        replies: if shadow { would_be } else { sent },
        handoffs,
        held: held.into_iter().collect(),
        right: count(Mark::Right),
        wrong: count(Mark::Wrong),
        missed: count(Mark::Missed),
    };
    let what = if replayed { "Replayed" } else { "Live" };
    writeln!(
        out,
        "{what}, {} to {}:",
        since.format("%Y-%m-%d %H:%M"),
        end.format("%Y-%m-%d %H:%M UTC")
    )?;
    writeln!(out, "  messages seen        {}", period.seen)?;
    writeln!(out, "  replies sent         {sent}")?;
    if failed > 0 {
        writeln!(
            out,
            "  replies not sent     {failed} (failed or too late; see `shopkeep audit`)"
        )?;
    }
    writeln!(out, "  would-be (shadow)    {would_be}")?;
    writeln!(out, "  hand-offs            {handoffs}")?;
    let held_total: u64 = period.held.iter().map(|(_, n)| n).sum();
    let per_limit = period
        .held
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    writeln!(
        out,
        "  held back            {held_total}{}",
        if per_limit.is_empty() {
            String::new()
        } else {
            format!(" ({per_limit})")
        }
    )?;
    writeln!(
        out,
        "  near misses          {near_misses} (shopkeep audit --missed)"
    )?;
    writeln!(
        out,
        "  staff marks          right {}, wrong {}, missed {}",
        period.right, period.wrong, period.missed
    )?;
    writeln!(out, "  precision (marked)   {}", period.precision())?;
    writeln!(out, "\n{}", marks::recommendation(&period))?;
    Ok(())
}
