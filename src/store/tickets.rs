//! Staff tickets in the store: listing them (for `shopkeep tickets` and the
//! staff commands), the customer↔thread mapping, and the lifecycle changes
//! staff make (claim, unclaim, close, the unclaimed reminder, the first
//! staff reply).
//!
//! Owns the ticket rows. Opening a ticket is written from the decision's
//! `OpenTicket` effect (see `effects`), so it is in the same transaction as
//! the audit record. Relayed messages are in `relays`, blocks in `blocks`.

use anyhow::Context;
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_millis, millis, Store};
use crate::core::model::Timestamp;

/// One ticket as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketRecord {
    pub id: i64,
    pub user_id: String,
    pub user_name: String,
    /// `open` or `closed`.
    pub status: String,
    /// Why it was opened (the first trigger).
    pub trigger: String,
    /// The customer message that opened it.
    pub message_id: String,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// The staff thread carrying the conversation, once created.
    pub thread_id: Option<String>,
    pub claimed_by: Option<String>,
    pub first_staff_reply_at: Option<Timestamp>,
    pub claimed_at: Option<Timestamp>,
    pub closed_by: Option<String>,
    pub closing_message: Option<String>,
    /// When the one unclaimed reminder was sent.
    pub reminded_at: Option<Timestamp>,
    /// Whether and where staff were told: `thread`, `channel: why no
    /// thread`, `failed: why` (staff not notified), or `None` while the
    /// notice is on its way.
    pub staff_notice: Option<String>,
}

impl TicketRecord {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }

    /// Whether `relay` is this ticket's opening notice to staff (the first
    /// `to_staff` relay carries the message that opened the ticket).
    pub fn opened_by(&self, relay: &super::RelayRecord) -> bool {
        relay.direction == super::Direction::ToStaff && relay.source_message_id == self.message_id
    }

    /// How staff were told about this ticket, for people reading a list.
    pub fn staff_notice_label(&self) -> String {
        match self.staff_notice.as_deref() {
            Some("thread") => "staff notified in the thread".into(),
            Some(s) if s.starts_with("channel: ") => format!(
                "staff notified in the staff channel (no thread: {})",
                &s["channel: ".len()..]
            ),
            Some(s) if s.starts_with("failed: ") => {
                format!("STAFF NOT NOTIFIED ({})", &s["failed: ".len()..])
            }
            Some(other) => other.to_string(),
            None if self.thread_id.is_some() => "staff notified in the thread".into(),
            None => "staff notice pending".into(),
        }
    }
}

/// Which tickets to list.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// `Some("open")` or `Some("closed")`; `None` for both.
    pub status: Option<String>,
    /// Opened at or after this instant.
    pub since: Option<Timestamp>,
}

const COLUMNS: &str = "id, user_id, user_name, status, trigger, message_id, opened_at, closed_at, \
     thread_id, claimed_by, first_staff_reply_at, claimed_at, closed_by, closing_message, \
     reminded_at, staff_notice";

fn ticket(r: &SqliteRow) -> TicketRecord {
    let at = |i: usize| r.get::<Option<i64>, _>(i).map(from_millis);
    TicketRecord {
        id: r.get(0),
        user_id: r.get(1),
        user_name: r.get(2),
        status: r.get(3),
        trigger: r.get(4),
        message_id: r.get(5),
        opened_at: from_millis(r.get(6)),
        closed_at: at(7),
        thread_id: r.get(8),
        claimed_by: r.get(9),
        first_staff_reply_at: at(10),
        claimed_at: at(11),
        closed_by: r.get(12),
        closing_message: r.get(13),
        reminded_at: at(14),
        staff_notice: r.get(15),
    }
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    Claimed,
    /// Someone else holds it (their name).
    HeldBy(String),
    /// The ticket is closed or unknown.
    NotOpen,
}

impl Store {
    /// Tickets, oldest first.
    pub async fn tickets(&self, filter: &TicketFilter) -> anyhow::Result<Vec<TicketRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tickets \
             WHERE (? IS NULL OR status = ?) AND opened_at >= ? ORDER BY id"
        );
        let rows = sqlx::query(&sql)
            .bind(&filter.status)
            .bind(&filter.status)
            .bind(filter.since.map_or(i64::MIN, millis))
            .fetch_all(self.pool())
            .await
            .context("cannot read tickets")?;
        Ok(rows.iter().map(ticket).collect())
    }

    async fn one_ticket(
        &self,
        condition: &str,
        value: &str,
    ) -> anyhow::Result<Option<TicketRecord>> {
        let sql =
            format!("SELECT {COLUMNS} FROM tickets WHERE {condition} ORDER BY id DESC LIMIT 1");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(self.pool())
            .await
            .context("cannot read a ticket")?;
        Ok(row.as_ref().map(ticket))
    }

    /// The open ticket of a customer, if any.
    pub async fn open_ticket_of(&self, user_id: &str) -> anyhow::Result<Option<TicketRecord>> {
        self.one_ticket("user_id = ? AND status = 'open'", user_id)
            .await
    }

    /// The ticket carried by a staff thread, open or closed.
    pub async fn ticket_by_thread(&self, thread_id: &str) -> anyhow::Result<Option<TicketRecord>> {
        self.one_ticket("thread_id = ?", thread_id).await
    }

    pub async fn ticket(&self, id: i64) -> anyhow::Result<Option<TicketRecord>> {
        self.one_ticket("id = ?", &id.to_string()).await
    }

    /// A customer's closed tickets, newest first (for a new ticket's notice).
    pub async fn closed_tickets_of(&self, user_id: &str) -> anyhow::Result<Vec<TicketRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tickets WHERE user_id = ? AND status = 'closed' ORDER BY id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(self.pool())
            .await
            .context("cannot read closed tickets")?;
        Ok(rows.iter().map(ticket).collect())
    }

    /// The staff thread now carrying a ticket.
    pub async fn set_thread(&self, ticket_id: i64, thread_id: &str) -> anyhow::Result<()> {
        self.update(
            "UPDATE tickets SET thread_id = ? WHERE id = ?",
            thread_id,
            ticket_id,
        )
        .await
    }

    async fn update(&self, sql: &str, value: &str, ticket_id: i64) -> anyhow::Result<()> {
        sqlx::query(sql)
            .bind(value)
            .bind(ticket_id)
            .execute(self.pool())
            .await
            .context("cannot update a ticket")?;
        Ok(())
    }

    /// Claim an open ticket for `staff` (a name shown to staff).
    pub async fn claim(
        &self,
        ticket_id: i64,
        staff: &str,
        at: Timestamp,
    ) -> anyhow::Result<ClaimOutcome> {
        let done = sqlx::query(
            "UPDATE tickets SET claimed_by = ?, claimed_at = ? \
             WHERE id = ? AND status = 'open' AND (claimed_by IS NULL OR claimed_by = ?)",
        )
        .bind(staff)
        .bind(millis(at))
        .bind(ticket_id)
        .bind(staff)
        .execute(self.pool())
        .await
        .context("cannot claim a ticket")?;
        if done.rows_affected() == 1 {
            return Ok(ClaimOutcome::Claimed);
        }
        Ok(match self.ticket(ticket_id).await? {
            Some(t) if t.is_open() => ClaimOutcome::HeldBy(t.claimed_by.unwrap_or_default()),
            _ => ClaimOutcome::NotOpen,
        })
    }

    /// Release a claim. Returns whether the ticket was claimed.
    pub async fn unclaim(&self, ticket_id: i64) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "UPDATE tickets SET claimed_by = NULL, claimed_at = NULL \
             WHERE id = ? AND status = 'open' AND claimed_by IS NOT NULL",
        )
        .bind(ticket_id)
        .execute(self.pool())
        .await
        .context("cannot unclaim a ticket")?;
        Ok(done.rows_affected() == 1)
    }

    /// Close an open ticket. Returns false if it was not open.
    pub async fn close_ticket(
        &self,
        ticket_id: i64,
        closer: &str,
        message: Option<&str>,
        at: Timestamp,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = ?, closing_message = ? \
             WHERE id = ? AND status = 'open'",
        )
        .bind(millis(at))
        .bind(closer)
        .bind(message)
        .bind(ticket_id)
        .execute(self.pool())
        .await
        .context("cannot close a ticket")?;
        Ok(done.rows_affected() == 1)
    }

    /// Record whether and where staff were told (see [`TicketRecord::staff_notice`]).
    pub async fn set_staff_notice(&self, ticket_id: i64, notice: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE tickets SET staff_notice = ? WHERE id = ?")
            .bind(notice)
            .bind(ticket_id)
            .execute(self.pool())
            .await
            .with_context(|| format!("cannot record the staff notice of ticket {ticket_id}"))?;
        Ok(())
    }

    /// Give an open ticket to `staff`, whoever held it. Returns false if
    /// the ticket is not open.
    pub async fn reassign(
        &self,
        ticket_id: i64,
        staff: &str,
        at: Timestamp,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "UPDATE tickets SET claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'open'",
        )
        .bind(staff)
        .bind(millis(at))
        .bind(ticket_id)
        .execute(self.pool())
        .await
        .context("cannot reassign a ticket")?;
        Ok(done.rows_affected() == 1)
    }

    /// Take the one unclaimed reminder for this process: true when no one
    /// (no other process sharing the store) has taken it.
    pub async fn mark_reminded(&self, ticket_id: i64, at: Timestamp) -> anyhow::Result<bool> {
        let taken =
            sqlx::query("UPDATE tickets SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL")
                .bind(millis(at))
                .bind(ticket_id)
                .execute(self.pool())
                .await
                .context("cannot mark a reminder")?;
        Ok(taken.rows_affected() == 1)
    }

    /// Give back a reminder taken at `at` that could not be posted, so the
    /// next round tries again.
    pub async fn unmark_reminded(&self, ticket_id: i64, at: Timestamp) -> anyhow::Result<()> {
        sqlx::query("UPDATE tickets SET reminded_at = NULL WHERE id = ? AND reminded_at = ?")
            .bind(ticket_id)
            .bind(millis(at))
            .execute(self.pool())
            .await
            .context("cannot give back a reminder")?;
        Ok(())
    }

    /// Record the first staff reply delivered to the customer (kept once).
    pub async fn record_first_staff_reply(
        &self,
        ticket_id: i64,
        at: Timestamp,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE tickets SET first_staff_reply_at = ? WHERE id = ? AND first_staff_reply_at IS NULL",
        )
        .bind(millis(at))
        .bind(ticket_id)
        .execute(self.pool())
        .await
        .context("cannot record the first staff reply")?;
        Ok(())
    }
}
