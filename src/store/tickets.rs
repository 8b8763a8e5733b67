//! Staff tickets in the store: listing them (for `shopkeep tickets` and the
//! staff commands), and the lifecycle changes staff make.
//!
//! Owns the ticket rows. Opening a ticket is written from the decision's
//! `OpenTicket` effect (see `effects`), so it is in the same transaction as
//! the audit record.

use anyhow::Context;
use serde::Serialize;
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
}

/// Which tickets to list.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// `Some("open")` or `Some("closed")`; `None` for both.
    pub status: Option<String>,
    /// Opened at or after this instant.
    pub since: Option<Timestamp>,
}

impl Store {
    /// Tickets, oldest first.
    pub async fn tickets(&self, filter: &TicketFilter) -> anyhow::Result<Vec<TicketRecord>> {
        let rows = sqlx::query(
            "SELECT id, user_id, user_name, status, trigger, message_id, opened_at, closed_at, \
             thread_id, claimed_by, first_staff_reply_at FROM tickets \
             WHERE (? IS NULL OR status = ?) AND opened_at >= ? ORDER BY id",
        )
        .bind(&filter.status)
        .bind(&filter.status)
        .bind(filter.since.map_or(i64::MIN, millis))
        .fetch_all(self.pool())
        .await
        .context("cannot read tickets")?;
        Ok(rows
            .iter()
            .map(|r| TicketRecord {
                id: r.get(0),
                user_id: r.get(1),
                user_name: r.get(2),
                status: r.get(3),
                trigger: r.get(4),
                message_id: r.get(5),
                opened_at: from_millis(r.get(6)),
                closed_at: r.get::<Option<i64>, _>(7).map(from_millis),
                thread_id: r.get(8),
                claimed_by: r.get(9),
                first_staff_reply_at: r.get::<Option<i64>, _>(10).map(from_millis),
            })
            .collect())
    }

    /// The open ticket of a customer, if any.
    pub async fn open_ticket_of(&self, user_id: &str) -> anyhow::Result<Option<TicketRecord>> {
        let open = self
            .tickets(&TicketFilter {
                status: Some("open".into()),
                since: None,
            })
            .await?;
        Ok(open.into_iter().find(|t| t.user_id == user_id))
    }
}
