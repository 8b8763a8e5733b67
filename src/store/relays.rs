//! Messages relayed through staff tickets, both ways, with their delivery
//! status; and the people staff blocked.
//!
//! Owns the `relays` and `blocks` rows. A relay is written `pending` before
//! it is sent, so a crash or a failed post leaves a row the ticket desk
//! re-delivers; nothing a customer or staff member wrote is lost. Rules
//! (when to give up) are the core's; this only stores.

use anyhow::Context;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_millis, millis, Store};
use crate::core::model::Timestamp;

/// Which way a relayed message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The customer's message, into the staff thread.
    ToStaff,
    /// A staff message from the thread, into the customer's DM.
    ToCustomer,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ToStaff => "to_staff",
            Direction::ToCustomer => "to_customer",
        }
    }

    fn parse(s: &str) -> Direction {
        if s == "to_customer" {
            Direction::ToCustomer
        } else {
            Direction::ToStaff
        }
    }
}

/// A message to relay, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelay {
    pub ticket_id: i64,
    pub direction: Direction,
    pub source_message_id: String,
    pub author_id: String,
    /// The exact text to post.
    pub text: String,
    pub attachments: Vec<String>,
    pub at: Timestamp,
}

/// A stored relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRecord {
    pub id: i64,
    pub ticket_id: i64,
    pub direction: Direction,
    pub source_message_id: String,
    pub author_id: String,
    pub text: String,
    pub attachments: Vec<String>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

fn relay(r: &SqliteRow) -> RelayRecord {
    let attachments: String = r.get(6);
    let attempts: i64 = r.get(8);
    RelayRecord {
        id: r.get(0),
        ticket_id: r.get(1),
        direction: Direction::parse(r.get::<&str, _>(2)),
        source_message_id: r.get(3),
        author_id: r.get(4),
        text: r.get(5),
        attachments: attachments.lines().map(String::from).collect(),
        status: r.get(7),
        attempts: attempts.max(0) as u32,
        last_error: r.get(9),
        created_at: from_millis(r.get(10)),
        delivered_at: r.get::<Option<i64>, _>(11).map(from_millis),
    }
}

const COLUMNS: &str = "id, ticket_id, direction, source_message_id, author_id, text, attachments, \
     status, attempts, last_error, created_at, delivered_at";

/// A block staff placed on a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRecord {
    pub user_id: String,
    /// `None`: until unblocked.
    pub until: Option<Timestamp>,
    pub blocked_by: String,
    pub at: Timestamp,
}

impl Store {
    /// Store a relay as pending. The same source message is stored once per
    /// direction: a duplicated gateway event gives `None`.
    pub async fn add_relay(&self, r: &NewRelay) -> anyhow::Result<Option<i64>> {
        let done = sqlx::query(
            "INSERT INTO relays (ticket_id, direction, source_message_id, author_id, text, \
             attachments, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) \
             ON CONFLICT (direction, source_message_id) DO NOTHING",
        )
        .bind(r.ticket_id)
        .bind(r.direction.as_str())
        .bind(&r.source_message_id)
        .bind(&r.author_id)
        .bind(&r.text)
        .bind(r.attachments.join("\n"))
        .bind(millis(r.at))
        .execute(self.pool())
        .await
        .context("cannot store a relay")?;
        Ok((done.rows_affected() == 1).then(|| done.last_insert_rowid()))
    }

    pub async fn relay(&self, id: i64) -> anyhow::Result<Option<RelayRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM relays WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(relay))
    }

    /// Relays still to deliver, oldest first.
    pub async fn pending_relays(&self) -> anyhow::Result<Vec<RelayRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM relays WHERE status = 'pending' ORDER BY id");
        let rows = sqlx::query(&sql)
            .fetch_all(self.pool())
            .await
            .context("cannot read pending relays")?;
        Ok(rows.iter().map(relay).collect())
    }

    /// Relays of one ticket, oldest first.
    pub async fn relays_of(&self, ticket_id: i64) -> anyhow::Result<Vec<RelayRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM relays WHERE ticket_id = ? ORDER BY id");
        let rows = sqlx::query(&sql)
            .bind(ticket_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(relay).collect())
    }

    pub async fn mark_relay_sent(&self, id: i64, at: Timestamp) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE relays SET status = 'sent', attempts = attempts + 1, delivered_at = ? WHERE id = ?",
        )
        .bind(millis(at))
        .bind(id)
        .execute(self.pool())
        .await
        .context("cannot mark a relay sent")?;
        Ok(())
    }

    /// One more failed attempt; `give_up` marks the relay failed for good.
    pub async fn mark_relay_failed_attempt(
        &self,
        id: i64,
        error: &str,
        give_up: bool,
    ) -> anyhow::Result<()> {
        let status = if give_up { "failed" } else { "pending" };
        sqlx::query(
            "UPDATE relays SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
        )
        .bind(status)
        .bind(error)
        .bind(id)
        .execute(self.pool())
        .await
        .context("cannot record a failed relay")?;
        Ok(())
    }

    /// Block a user (replacing an earlier block).
    pub async fn block(&self, b: &BlockRecord) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO blocks (user_id, until, blocked_by, at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET until = excluded.until, \
             blocked_by = excluded.blocked_by, at = excluded.at",
        )
        .bind(&b.user_id)
        .bind(b.until.map(millis))
        .bind(&b.blocked_by)
        .bind(millis(b.at))
        .execute(self.pool())
        .await
        .context("cannot store a block")?;
        Ok(())
    }

    /// Lift a block. Returns whether there was one.
    pub async fn unblock(&self, user_id: &str) -> anyhow::Result<bool> {
        let done = sqlx::query("DELETE FROM blocks WHERE user_id = ?")
            .bind(user_id)
            .execute(self.pool())
            .await
            .context("cannot lift a block")?;
        Ok(done.rows_affected() == 1)
    }

    /// Every stored block (expired ones included; the core compares times).
    pub async fn blocks(&self) -> anyhow::Result<Vec<BlockRecord>> {
        let rows = sqlx::query("SELECT user_id, until, blocked_by, at FROM blocks ORDER BY at")
            .fetch_all(self.pool())
            .await
            .context("cannot read blocks")?;
        Ok(rows
            .iter()
            .map(|r| BlockRecord {
                user_id: r.get(0),
                until: r.get::<Option<i64>, _>(1).map(from_millis),
                blocked_by: r.get(2),
                at: from_millis(r.get(3)),
            })
            .collect())
    }
}

#[cfg(test)]
#[path = "relays_tests.rs"]
mod tests;
