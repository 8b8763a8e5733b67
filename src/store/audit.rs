//! The audit trail: one record per decision that led to a reply, a hand-off
//! or a held-back reply — when, where, who, the verdict and its cues, the
//! template and variant, the compliance result, the limit that held it back,
//! the exact text, and whether it was delivered.
//!
//! Owns the audit row, its insertion and its queries. Records are written
//! before a reply is reported as sent, so a killed process loses none.

use anyhow::Context;
use serde::Serialize;
use sqlx::{Row, Sqlite, Transaction};

use super::{from_millis, millis, Store};
use crate::core::decide::Decision;
use crate::core::model::{ActionKind, Inbound, Place, Reason, Timestamp};

/// What happened to the text of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Recorded, not yet carried out.
    Pending,
    /// Posted (Discord accepted it).
    Sent,
    /// Posting failed after retries.
    Failed,
    /// Not posted in time; dropped rather than posted late.
    Stale,
    /// Run offline by `replay`: nothing was posted anywhere.
    Replayed,
    /// Shadow mode: recorded what would have been said.
    Shadow,
    /// Nothing to send (held back, or a hand-off without acknowledgement).
    NotSent,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
            Delivery::Stale => "stale",
            Delivery::Replayed => "replayed",
            Delivery::Shadow => "shadow",
            Delivery::NotSent => "not_sent",
        }
    }
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub id: Option<i64>,
    pub decided_at: Timestamp,
    /// `live` or `replay`.
    pub source: String,
    /// `live` or `shadow`.
    pub mode: String,
    pub message_id: String,
    /// `#channel`, `#channel/thread`, or `dm`.
    pub place: String,
    pub user_id: String,
    pub user_name: String,
    /// `reply`, `handoff` or `none`.
    pub action: String,
    pub reason_code: String,
    pub reason: String,
    pub verdict: Option<String>,
    pub score: Option<f32>,
    /// The detector's cues as `id(+0.80)` joined by spaces.
    pub cues: String,
    pub category: Option<String>,
    pub template: Option<String>,
    pub variant: Option<i64>,
    /// `pass`, `fail: rule ids`, or `n/a` when nothing was rendered.
    pub compliance: String,
    /// The limit that held the reply back (`user_cooldown`, `channel_quota`, ...).
    pub held_by: Option<String>,
    /// The exact text sent (or that would have been sent in shadow mode).
    pub text: Option<String>,
    pub delivery: String,
    /// The member's message, kept for public replies, sent or would-be in
    /// shadow (so a staff mark on the reply knows what was asked) and near misses (see
    /// `Decision::is_near_miss`, so staff can judge what the bot missed).
    pub message: Option<String>,
    /// For a hand-off that opened a ticket: whether and where staff were
    /// told (the ticket's `staff_notice`, e.g. `failed: …` when they were
    /// not). Read from the ticket, never written with the record.
    pub staff_notice: Option<String>,
}

impl AuditRecord {
    /// A sales reply: sent (live) or would-be (shadow). Opt-out and opt-in
    /// confirmations are replies too, but not what staff mark or a brand
    /// measures.
    pub fn is_sales_reply(&self) -> bool {
        self.template.is_some()
            && (self.reason_code == "shadow_mode"
                || (self.action == "reply"
                    && matches!(
                        self.reason_code.as_str(),
                        "solicitation" | "multi_brand_request"
                    )))
    }
}

/// `#general`, `#general/thread:42` or `dm`.
pub fn place_label(place: &Place) -> String {
    match place {
        Place::Dm => "dm".into(),
        Place::Guild {
            channel,
            thread: Some(t),
            ..
        } => format!("#{}/thread:{t}", channel.name),
        Place::Guild { channel, .. } => format!("#{}", channel.name),
    }
}

impl AuditRecord {
    pub fn from_decision(
        msg: &Inbound,
        d: &Decision,
        source: &str,
        mode: &str,
        delivery: Delivery,
    ) -> Self {
        let compliance = if !d.failed_rules.is_empty() {
            format!("fail: {}", d.failed_rules.join(", "))
        } else if d.reply.is_some() {
            "pass".into()
        } else {
            "n/a".into()
        };
        AuditRecord {
            id: None,
            decided_at: d.at,
            source: source.into(),
            mode: mode.into(),
            message_id: msg.id.clone(),
            place: place_label(&msg.place),
            user_id: msg.author.id.clone(),
            user_name: msg.author.name.clone(),
            action: format!("{:?}", d.action).to_lowercase(),
            reason_code: d.reason.code().into(),
            reason: d.reason.to_string(),
            verdict: d.verdict.as_ref().map(|v| v.class.as_str().to_string()),
            score: d.verdict.as_ref().map(|v| v.score),
            cues: d
                .verdict
                .as_ref()
                .map_or_else(String::new, |v| v.cue_labels()),
            category: d.category.as_ref().map(|c| c.id.clone()),
            template: d.reply.as_ref().map(|r| r.template.clone()),
            variant: d.reply.as_ref().map(|r| r.variant as i64),
            compliance,
            held_by: match &d.reason {
                Reason::Held { limit } => Some(limit.code().to_string()),
                _ => None,
            },
            text: d.reply.as_ref().map(|r| r.text.clone()),
            delivery: delivery.as_str().into(),
            message: (d.is_near_miss()
                || d.action == ActionKind::Reply
                || d.reason == Reason::ShadowMode)
                .then(|| msg.content.clone()),
            staff_notice: None,
        }
    }
}

pub(super) async fn insert_audit(
    tx: &mut Transaction<'_, Sqlite>,
    r: &AuditRecord,
) -> anyhow::Result<i64> {
    let result = sqlx::query(
        "INSERT INTO audit (decided_at, source, mode, message_id, place, user_id, user_name, action, \
         reason_code, reason, verdict, score, cues, category, template, variant, compliance, held_by, text, delivery, \
         message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(millis(r.decided_at))
    .bind(&r.source)
    .bind(&r.mode)
    .bind(&r.message_id)
    .bind(&r.place)
    .bind(&r.user_id)
    .bind(&r.user_name)
    .bind(&r.action)
    .bind(&r.reason_code)
    .bind(&r.reason)
    .bind(&r.verdict)
    .bind(r.score.map(f64::from))
    .bind(&r.cues)
    .bind(&r.category)
    .bind(&r.template)
    .bind(r.variant)
    .bind(&r.compliance)
    .bind(&r.held_by)
    .bind(&r.text)
    .bind(&r.delivery)
    .bind(&r.message)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("cannot write the audit record for message {}", r.message_id))?;
    Ok(result.last_insert_rowid())
}

/// Which audit records to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub since: Option<Timestamp>,
    /// Only near misses: what the bot came close to answering and did not.
    pub missed: bool,
}

impl Store {
    /// Update the delivery status of an audit record after carrying it out.
    pub async fn set_delivery(
        &self,
        id: i64,
        delivery: Delivery,
        at: Timestamp,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE audit SET delivery = ?, delivered_at = ? WHERE id = ?")
            .bind(delivery.as_str())
            .bind(millis(at))
            .bind(id)
            .execute(self.pool())
            .await
            .with_context(|| format!("cannot update delivery of audit record {id}"))?;
        Ok(())
    }

    /// Audit records in decision order.
    pub async fn audit(&self, filter: &AuditFilter) -> anyhow::Result<Vec<AuditRecord>> {
        let since = filter.since.map_or(i64::MIN, millis);
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE decided_at >= ? \
             AND (? = 0 OR (action = 'none' AND reason_code IN ('review_band', 'not_our_products', 'handoff_almost') \
                  OR held_by IS NOT NULL)) ORDER BY id"
        ))
        .bind(since)
        .bind(filter.missed)
        .fetch_all(self.pool())
        .await
        .context("cannot read the audit trail")?;
        Ok(rows.iter().map(audit_record).collect())
    }

    /// The live decision about `id`: a member's message, or a message the
    /// bot posted for a decision (its reply, or the staff desk's shadow
    /// copy). Replayed decisions are never found.
    pub async fn decision_about(&self, id: &str) -> anyhow::Result<Option<AuditRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE (posted_id = ? OR message_id = ?) \
             AND source != 'replay' ORDER BY (posted_id = ?) DESC, id DESC LIMIT 1"
        ))
        .bind(id)
        .bind(id)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .with_context(|| format!("cannot read the decision about message {id}"))?;
        Ok(row.as_ref().map(audit_record))
    }

    /// Remember which message the bot posted for audit record `id`.
    pub async fn set_posted(&self, id: i64, posted_id: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE audit SET posted_id = ? WHERE id = ?")
            .bind(posted_id)
            .bind(id)
            .execute(self.pool())
            .await
            .with_context(|| format!("cannot record the posted message of audit record {id}"))?;
        Ok(())
    }
}

/// The columns [`audit_record`] reads, in its order.
const AUDIT_COLUMNS: &str =
    "id, decided_at, source, mode, message_id, place, user_id, user_name, action, reason_code, \
     reason, verdict, score, cues, category, template, variant, compliance, held_by, text, delivery, \
     message, (SELECT CASE WHEN t.staff_notice IS NOT NULL THEN t.staff_notice \
                  WHEN t.thread_id IS NOT NULL THEN 'thread' ELSE 'pending' END \
      FROM tickets t WHERE t.message_id = audit.message_id AND audit.action = 'handoff' \
      AND audit.source != 'replay' ORDER BY t.id LIMIT 1)";

fn audit_record(row: &sqlx::sqlite::SqliteRow) -> AuditRecord {
    AuditRecord {
        id: Some(row.get(0)),
        decided_at: from_millis(row.get(1)),
        source: row.get(2),
        mode: row.get(3),
        message_id: row.get(4),
        place: row.get(5),
        user_id: row.get(6),
        user_name: row.get(7),
        action: row.get(8),
        reason_code: row.get(9),
        reason: row.get(10),
        verdict: row.get(11),
        score: row.get::<Option<f64>, _>(12).map(|s| s as f32),
        cues: row.get(13),
        category: row.get(14),
        template: row.get(15),
        variant: row.get(16),
        compliance: row.get(17),
        held_by: row.get(18),
        text: row.get(19),
        delivery: row.get(20),
        message: row.get(21),
        staff_notice: row.get(22),
    }
}
