//! `shopkeep replay`: run every message of a transcript through the same
//! engine the live bot uses, with time taken from the transcript, and show
//! what the bot decided — the verdict and its cues, the exact reply, a
//! hand-off, or silence with its reason — then a summary.
//!
//! Owns reading the transcript file and presenting decisions (text or JSON
//! Lines). Decisions come from the engine; nothing here decides.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use anyhow::Context;
use serde_json::json;

use crate::core::decide::Decision;
use crate::core::detect::Class;
use crate::core::model::{Action, ActionKind, Inbound, Reason};
use crate::engine::Engine;
use crate::store::place_label;
use crate::transcript::TranscriptReader;

/// Counts shown after a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub messages: usize,
    pub malformed: usize,
    pub solicitations: usize,
    pub intents: usize,
    pub review_band: usize,
    /// Public answers to solicitations (live mode).
    pub replies: usize,
    /// Messages the bot sent that were confirmations or acknowledgements.
    pub other_messages: usize,
    pub shadow_replies: usize,
    pub held: BTreeMap<String, usize>,
    pub handoffs: usize,
    pub silent: BTreeMap<String, usize>,
}

impl Summary {
    fn count(&mut self, d: &Decision) {
        self.messages += 1;
        match d.verdict.as_ref().map(|v| (v.class, v.review)) {
            Some((Class::Solicitation, _)) => self.solicitations += 1,
            Some((Class::Intent, _)) => self.intents += 1,
            Some((Class::Not, true)) => self.review_band += 1,
            _ => {}
        }
        match (&d.reason, d.action) {
            (Reason::Held { limit }, _) => *self.held.entry(limit.code().into()).or_default() += 1,
            (Reason::ShadowMode, _) => self.shadow_replies += 1,
            (Reason::Solicitation | Reason::MultiBrandRequest, ActionKind::Reply) => {
                self.replies += 1
            }
            (_, ActionKind::Handoff) => self.handoffs += 1,
            (_, ActionKind::Reply) => self.other_messages += 1,
            (r, ActionKind::None) => *self.silent.entry(r.code().into()).or_default() += 1,
        }
        if d.action == ActionKind::Handoff && d.reply.is_some() {
            self.other_messages += 1;
        }
    }

    fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let sum = |m: &BTreeMap<String, usize>| m.values().sum::<usize>();
        // "   3   (user_cooldown 2, quiet_hours 1)"; nothing after a zero.
        let list = |m: &BTreeMap<String, usize>| {
            if m.is_empty() {
                return String::new();
            }
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} {v}")).collect();
            format!("   ({})", parts.join(", "))
        };
        writeln!(out, "Summary")?;
        writeln!(
            out,
            "  messages              {:>5}   (malformed lines skipped: {})",
            self.messages, self.malformed
        )?;
        writeln!(
            out,
            "  solicitations found   {:>5}   (plus intent {}, review band {})",
            self.solicitations, self.intents, self.review_band
        )?;
        writeln!(out, "  replies               {:>5}", self.replies)?;
        writeln!(out, "  other messages sent   {:>5}   (opt-out/opt-in confirmations, hand-off acknowledgements)", self.other_messages)?;
        if self.shadow_replies > 0 {
            writeln!(out, "  shadow (not sent)     {:>5}", self.shadow_replies)?;
        }
        writeln!(
            out,
            "  held back             {:>5}{}",
            sum(&self.held),
            list(&self.held)
        )?;
        writeln!(out, "  hand-offs             {:>5}", self.handoffs)?;
        writeln!(
            out,
            "  silent                {:>5}{}",
            sum(&self.silent),
            list(&self.silent)
        )
    }
}

/// Replay `path` through `engine`, writing the report to `out` and problems
/// with the file (malformed lines) to `err`.
pub async fn run(
    engine: &mut Engine,
    reader: &TranscriptReader,
    path: &Path,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Summary> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open transcript {}", path.display()))?;
    let mut summary = Summary::default();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line =
            line.with_context(|| format!("cannot read {} at line {}", path.display(), i + 1))?;
        let msg = match reader.parse(i + 1, &line) {
            Ok(Some(msg)) => msg,
            Ok(None) => continue,
            Err(e) => {
                summary.malformed += 1;
                writeln!(err, "{}:{}: skipped: {}", path.display(), e.line, e.message)?;
                continue;
            }
        };
        let handled = engine
            .handle(&msg, msg.at)
            .await
            .with_context(|| format!("message {} (line {})", msg.id, i + 1))?;
        summary.count(&handled.decision);
        if json {
            writeln!(out, "{}", json_line(&handled.decision))?;
        } else {
            write_text(out, &msg, &handled.decision)?;
        }
    }
    if json {
        summary.write(err)?;
    } else {
        writeln!(out)?;
        summary.write(out)?;
    }
    Ok(summary)
}

/// One JSON object per message: the contract other tools read.
pub fn json_line(d: &Decision) -> serde_json::Value {
    let verdict = d.verdict.as_ref();
    json!({
        "message_id": d.message_id,
        "verdict": verdict.map_or("not", |v| v.class.as_str()),
        "score": verdict.map_or(0.0, |v| v.score),
        "cues": verdict.map(|v| v.cues.iter().map(|c| c.id.to_string()).collect::<Vec<_>>()).unwrap_or_default(),
        "cue_details": verdict.map(|v| v.cues.iter().map(|c| json!({"id": c.id, "weight": c.weight, "matched": c.matched})).collect::<Vec<_>>()).unwrap_or_default(),
        "category": d.category.as_ref().map(|c| c.id.clone()),
        "action": match d.action { ActionKind::Reply => "reply", ActionKind::Handoff => "handoff", ActionKind::None => "none" },
        "reply": d.actions.iter().find_map(action_text),
        "would_reply": d.reply.as_ref().map(|r| r.text.clone()),
        "template": d.reply.as_ref().map(|r| r.template.clone()),
        "variant": d.reply.as_ref().map(|r| r.variant),
        "reason": d.reason.to_string(),
        "reason_code": d.reason.code(),
        "failed_rules": d.failed_rules,
    })
}

fn action_text(a: &Action) -> Option<String> {
    match a {
        Action::ReplyInChannel { text, .. } | Action::SendDm { text, .. } => Some(text.clone()),
        Action::OpenHandoff { .. } => None,
    }
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ⏎ ")
}

fn write_text(out: &mut dyn Write, msg: &Inbound, d: &Decision) -> std::io::Result<()> {
    let who = if msg.author.bot {
        format!("{} [bot]", msg.author.name)
    } else if msg.author.staff {
        format!("{} [staff]", msg.author.name)
    } else {
        msg.author.name.clone()
    };
    writeln!(
        out,
        "[{}] {} {}: {}",
        msg.at.format("%H:%M:%S"),
        place_label(&msg.place),
        who,
        one_line(&msg.content)
    )?;
    if let Some(v) = &d.verdict {
        let cues = v
            .cues
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(" ");
        let category = d.category.as_ref().map_or(String::new(), |c| {
            format!(" · about: {} (\"{}\")", c.id, c.keyword)
        });
        writeln!(
            out,
            "    verdict: {} {:.2} · cues: {}{}",
            v.class.as_str(),
            v.score,
            if cues.is_empty() { "none" } else { &cues },
            category
        )?;
    }
    for a in &d.actions {
        match a {
            Action::ReplyInChannel { text, .. } => {
                writeln!(out, "    → reply{}: {}", variant(d), one_line(text))?
            }
            Action::SendDm { text, .. } => {
                writeln!(out, "    → dm{}: {}", variant(d), one_line(text))?
            }
            Action::OpenHandoff { trigger, .. } => {
                writeln!(out, "    ⇄ hand-off to staff: {}", trigger.describe())?
            }
        }
    }
    match (&d.reason, d.action) {
        (Reason::ShadowMode, _) => {
            let text = d
                .reply
                .as_ref()
                .map_or(String::new(), |r| one_line(&r.text));
            writeln!(out, "    ◌ {}: {}", d.reason, text)?;
        }
        (_, ActionKind::None) => writeln!(out, "    · silent: {}", d.reason)?,
        _ => {}
    }
    if !d.failed_rules.is_empty() {
        writeln!(
            out,
            "    ✗ compliance failed: {}",
            d.failed_rules.join(", ")
        )?;
    }
    Ok(())
}

fn variant(d: &Decision) -> String {
    d.reply.as_ref().map_or(String::new(), |r| {
        format!(" [{}#{}]", r.template, r.variant)
    })
}
