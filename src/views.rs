//! Presenting stored records: the audit trail (a readable list for people,
//! CSV for spreadsheets and compliance tools) and the ticket list.
//!
//! Owns formatting only; records come from `store`.

use std::io::{self, Write};

use crate::core::model::Timestamp;
use crate::store::{AuditRecord, TicketRecord};

const COLUMNS: &[&str] = &[
    "id",
    "decided_at",
    "source",
    "mode",
    "message_id",
    "place",
    "user_id",
    "user_name",
    "action",
    "reason_code",
    "reason",
    "verdict",
    "score",
    "cues",
    "category",
    "template",
    "variant",
    "compliance",
    "held_by",
    "text",
    "delivery",
    "staff_notice",
    "message",
];

fn fields(r: &AuditRecord) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        r.id.map_or(String::new(), |i| i.to_string()),
        r.decided_at.to_rfc3339(),
        r.source.clone(),
        r.mode.clone(),
        r.message_id.clone(),
        r.place.clone(),
        r.user_id.clone(),
        r.user_name.clone(),
        r.action.clone(),
        r.reason_code.clone(),
        r.reason.clone(),
        opt(&r.verdict),
        r.score.map_or(String::new(), |s| format!("{s:.3}")),
        r.cues.clone(),
        opt(&r.category),
        opt(&r.template),
        r.variant.map_or(String::new(), |v| v.to_string()),
        r.compliance.clone(),
        opt(&r.held_by),
        opt(&r.text),
        r.delivery.clone(),
        opt(&r.staff_notice),
        opt(&r.message),
    ]
}

/// Quote a CSV field when it holds a separator, quote or line break (RFC 4180).
/// Fields starting with `= + - @` are prefixed with `'` so a spreadsheet never
/// runs user text as a formula.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub fn write_csv(records: &[AuditRecord], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", COLUMNS.join(","))?;
    for r in records {
        let row: Vec<String> = fields(r).iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

pub fn write_text(records: &[AuditRecord], out: &mut dyn Write) -> io::Result<()> {
    if records.is_empty() {
        return writeln!(out, "no audit records");
    }
    for r in records {
        writeln!(
            out,
            "#{} {} [{}/{}] {} {} ({}) message {}",
            r.id.unwrap_or_default(),
            r.decided_at.format("%Y-%m-%d %H:%M:%S"),
            r.source,
            r.mode,
            r.place,
            r.user_name,
            r.user_id,
            r.message_id
        )?;
        let verdict = match (&r.verdict, r.score) {
            (Some(v), Some(s)) => format!("{v} {s:.2}"),
            _ => "-".into(),
        };
        writeln!(
            out,
            "    {} — {} · verdict {} · cues {}",
            r.action,
            r.reason,
            verdict,
            if r.cues.is_empty() { "-" } else { &r.cues }
        )?;
        let template = match (&r.template, r.variant) {
            (Some(t), Some(v)) => format!("{t}#{v}"),
            _ => "-".into(),
        };
        writeln!(
            out,
            "    category {} · template {} · compliance {} · held by {} · delivery {}",
            r.category.as_deref().unwrap_or("-"),
            template,
            r.compliance,
            r.held_by.as_deref().unwrap_or("-"),
            r.delivery
        )?;
        match r.staff_notice.as_deref() {
            Some(failed) if failed.starts_with("failed: ") => writeln!(
                out,
                "    STAFF NOT NOTIFIED: {}",
                &failed["failed: ".len()..]
            )?,
            Some(channel) if channel.starts_with("channel: ") => writeln!(
                out,
                "    staff notified in the staff channel, without a thread: {}",
                &channel["channel: ".len()..]
            )?,
            _ => {}
        }
        if let Some(message) = &r.message {
            writeln!(out, "    message: {}", message.replace('\n', " ⏎ "))?;
        }
        if let Some(text) = &r.text {
            writeln!(out, "    text: {}", text.replace('\n', " ⏎ "))?;
        }
    }
    writeln!(out, "{} record(s)", records.len())
}

/// `2h 05m`, `3d 4h`: how long ago, for people.
pub fn age(from: Timestamp, now: Timestamp) -> String {
    let mins = (now - from).num_minutes().max(0);
    match mins {
        m if m < 60 => format!("{m}m"),
        m if m < 60 * 24 => format!("{}h {:02}m", m / 60, m % 60),
        m => format!("{}d {}h", m / (60 * 24), (m / 60) % 24),
    }
}

pub fn write_tickets(
    tickets: &[TicketRecord],
    now: Timestamp,
    out: &mut dyn Write,
) -> io::Result<()> {
    if tickets.is_empty() {
        return writeln!(out, "no tickets");
    }
    for t in tickets {
        let when = match t.closed_at {
            Some(closed) => format!("closed {}", closed.format("%Y-%m-%d %H:%M")),
            None => format!("open for {}", age(t.opened_at, now)),
        };
        writeln!(
            out,
            "#{} [{}] {} ({}) opened {} · {} · {}",
            t.id,
            t.status,
            t.user_name,
            t.user_id,
            t.opened_at.format("%Y-%m-%d %H:%M"),
            when,
            t.trigger
        )?;
        let first_reply = t
            .first_staff_reply_at
            .map_or("no staff reply yet".to_string(), |at| {
                format!("first staff reply after {}", age(t.opened_at, at))
            });
        let closed_by = t
            .closed_by
            .as_deref()
            .map_or(String::new(), |who| format!(" · closed by {who}"));
        writeln!(
            out,
            "    owner {} · thread {} · {} · {}{closed_by}",
            t.claimed_by.as_deref().unwrap_or("unclaimed"),
            t.thread_id.as_deref().unwrap_or("-"),
            t.staff_notice_label(),
            first_reply
        )?;
    }
    writeln!(out, "{} ticket(s)", tickets.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_separators_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn ages_read_naturally() {
        use chrono::{Duration, TimeZone, Utc};
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        assert_eq!(age(t, t + Duration::minutes(7)), "7m");
        assert_eq!(age(t, t + Duration::minutes(125)), "2h 05m");
        assert_eq!(age(t, t + Duration::hours(52)), "2d 4h");
    }
}
