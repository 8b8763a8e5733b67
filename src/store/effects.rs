//! Writing a decision's effects (and its audit record) in one transaction,
//! and rebuilding the core's `State` from what was written. Decisions are
//! taken under the store's write lock and every effect is also appended to
//! an effect log, so engines in several processes sharing one store fold in
//! each other's effects before deciding ([`Store::begin_deciding`]).
//!
//! Owns the mapping between `core::state::Effect` and rows.

use anyhow::Context;
use chrono::Duration;
use sqlx::{Row, Sqlite, Transaction};

use super::audit::{insert_audit, AuditRecord};
use super::{from_millis, millis, Store};
use crate::core::state::{Effect, State};
use crate::core::tickets::StaffChange;

/// One entry of the effect log: a decision's effect, or a change staff
/// made (a ticket closed, a block) that every engine must fold in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logged {
    Effect(Effect),
    Staff(StaffChange),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StaffEntry {
    staff_change: StaffChange,
}

impl Logged {
    fn decode(text: &str) -> Result<Logged, serde_json::Error> {
        match serde_json::from_str::<Effect>(text) {
            Ok(effect) => Ok(Logged::Effect(effect)),
            Err(e) => serde_json::from_str::<StaffEntry>(text)
                .map(|s| Logged::Staff(s.staff_change))
                .map_err(|_| e),
        }
    }
}

/// One decision in progress: the store's write lock is held (another
/// process deciding waits), so what it read of the log is still all there
/// is when it records. Dropped without [`Deciding::commit`], nothing is
/// written.
pub struct Deciding {
    tx: Transaction<'static, Sqlite>,
    /// The newest log entry this engine has folded in.
    seen: i64,
}

/// Append one entry to the effect log; its sequence number.
async fn append_log(
    conn: &mut sqlx::SqliteConnection,
    at: crate::core::model::Timestamp,
    text: &str,
) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("INSERT INTO effect_log (at, effect) VALUES (?, ?)")
            .bind(millis(at))
            .bind(text)
            .execute(conn)
            .await
            .context("cannot append to the effect log")?
            .last_insert_rowid(),
    )
}

impl Deciding {
    /// Count the message as seen (for `shopkeep report`), in the same
    /// commit as the decision.
    pub async fn count_seen(
        &mut self,
        at: crate::core::model::Timestamp,
        source: &str,
    ) -> anyhow::Result<()> {
        super::marks::count_seen_on(&mut self.tx, at, source).await
    }

    /// Write the decision's effects (to their tables and the log) and, if
    /// given, its audit record, and release the lock. Returns the audit
    /// record's id and the newest log entry, now this engine's own.
    pub async fn commit(
        mut self,
        effects: &[Effect],
        audit: Option<&AuditRecord>,
        at: crate::core::model::Timestamp,
    ) -> anyhow::Result<(Option<i64>, i64)> {
        for effect in effects {
            write_effect(&mut self.tx, effect).await?;
            let logged = serde_json::to_string(effect).context("cannot encode an effect")?;
            self.seen = append_log(&mut self.tx, at, &logged).await?;
        }
        let id = match audit {
            Some(record) => Some(insert_audit(&mut self.tx, record).await?),
            None => None,
        };
        self.tx
            .commit()
            .await
            .context("cannot commit a decision to the store")?;
        Ok((id, self.seen))
    }
}

impl Store {
    /// Begin deciding one message: take the store's write lock (waiting
    /// while another process decides) and return what was logged after
    /// `after`, by any process, to fold in before deciding.
    pub async fn begin_deciding(&self, after: i64) -> anyhow::Result<(Deciding, Vec<Logged>)> {
        let mut tx = self
            .pool()
            .begin_with("BEGIN IMMEDIATE")
            .await
            .context("cannot take the store's write lock to decide")?;
        let rows = sqlx::query("SELECT seq, effect FROM effect_log WHERE seq > ? ORDER BY seq")
            .bind(after)
            .fetch_all(&mut *tx)
            .await
            .context("cannot read the effect log")?;
        let mut seen = after;
        let mut effects = Vec::with_capacity(rows.len());
        for row in rows {
            seen = row.get(0);
            let text: String = row.get(1);
            match Logged::decode(&text) {
                Ok(entry) => effects.push(entry),
                // A newer version's effect: skip it, loudly, rather than stop deciding.
                Err(e) => {
                    tracing::error!(seq = seen, error = %e, "cannot read an effect another process logged; skipped")
                }
            }
        }
        Ok((Deciding { tx, seen }, effects))
    }

    /// Log a change staff made, for every engine sharing the store to fold
    /// in before its next decision.
    pub async fn log_staff_change(
        &self,
        change: &StaffChange,
        at: crate::core::model::Timestamp,
    ) -> anyhow::Result<()> {
        let text = serde_json::to_string(&StaffEntry {
            staff_change: change.clone(),
        })
        .context("cannot encode a staff change")?;
        let mut conn = self
            .pool()
            .acquire()
            .await
            .context("cannot reach the store")?;
        append_log(&mut conn, at, &text).await?;
        Ok(())
    }

    /// The newest entry of the effect log (0 when empty): where an engine
    /// starting now begins to follow it.
    pub async fn effect_log_head(&self) -> anyhow::Result<i64> {
        let head: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM effect_log")
            .fetch_one(self.pool())
            .await
            .context("cannot read the effect log")?;
        Ok(head.unwrap_or(0))
    }

    /// Forget log entries older than `before`: every engine has folded
    /// them in long since (its state is pruned on the same horizon).
    pub async fn prune_effect_log(
        &self,
        before: crate::core::model::Timestamp,
    ) -> anyhow::Result<u64> {
        Ok(sqlx::query("DELETE FROM effect_log WHERE at < ?")
            .bind(millis(before))
            .execute(self.pool())
            .await
            .context("cannot prune the effect log")?
            .rows_affected())
    }

    /// Rebuild the core's state. Keeps what can still matter relative to the
    /// newest record: decided ids for `keep_decided`, reply counts for the
    /// longer of the window and the cooldown; opt-outs, open tickets, blocks and
    /// staff threads in full.
    pub async fn load_state(
        &self,
        keep_decided: Duration,
        window: Duration,
        cooldown: Duration,
    ) -> anyhow::Result<State> {
        let pool = self.pool();
        let mut state = State::new();
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(at) FROM decided")
            .fetch_one(pool)
            .await
            .context("cannot read the store")?;
        let Some(newest) = newest else {
            return self.load_people(state).await;
        };
        let since = newest - keep_decided.num_milliseconds();
        for row in sqlx::query("SELECT message_id, at FROM decided WHERE at >= ?")
            .bind(since)
            .fetch_all(pool)
            .await?
        {
            state.apply(&Effect::MarkDecided {
                message_id: row.get(0),
                at: from_millis(row.get(1)),
            });
        }
        let span = window.max(cooldown).num_milliseconds();
        for row in
            sqlx::query("SELECT user_id, scopes, at FROM reply_counts WHERE at >= ? ORDER BY id")
                .bind(newest - span)
                .fetch_all(pool)
                .await?
        {
            let scopes: String = row.get(1);
            state.apply(&Effect::CountReply {
                user: row.get(0),
                scopes: scopes
                    .split('\n')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                at: from_millis(row.get(2)),
            });
        }
        self.load_people(state).await
    }

    async fn load_people(&self, mut state: State) -> anyhow::Result<State> {
        let pool = self.pool();
        for row in sqlx::query("SELECT user_id, at FROM opt_outs")
            .fetch_all(pool)
            .await?
        {
            state.apply(&Effect::OptOut {
                user: row.get(0),
                at: from_millis(row.get(1)),
            });
        }
        for row in sqlx::query("SELECT DISTINCT user_id FROM tickets WHERE status = 'open'")
            .fetch_all(pool)
            .await?
        {
            state.mark_ticket_open(row.get::<String, _>(0));
        }
        for block in self.blocks().await? {
            state.block(&block.user_id, block.until);
        }
        for row in sqlx::query("SELECT thread_id FROM staff_threads")
            .fetch_all(pool)
            .await?
        {
            state.apply(&Effect::StaffActive { thread: row.get(0) });
        }
        for row in sqlx::query("SELECT conversation, template, variant FROM variants")
            .fetch_all(pool)
            .await?
        {
            let variant: i64 = row.get(2);
            state.apply(&Effect::Variant {
                conversation: row.get(0),
                template: row.get(1),
                variant: variant as usize,
            });
        }
        Ok(state)
    }

    /// Whether a message id was decided (survives restarts; used by adapters
    /// as a last guard against duplicated gateway events).
    pub async fn was_decided(&self, message_id: &str) -> anyhow::Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decided WHERE message_id = ?")
            .bind(message_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }
}

async fn write_effect(tx: &mut Transaction<'_, Sqlite>, effect: &Effect) -> anyhow::Result<()> {
    let q = match effect {
        Effect::MarkDecided { message_id, at } => {
            sqlx::query("INSERT INTO decided (message_id, at) VALUES (?, ?) ON CONFLICT (message_id) DO NOTHING")
                .bind(message_id)
                .bind(millis(*at))
        }
        Effect::CountReply { user, scopes, at } => {
            sqlx::query("INSERT INTO reply_counts (user_id, scopes, at) VALUES (?, ?, ?)")
                .bind(user)
                .bind(scopes.join("\n"))
                .bind(millis(*at))
        }
        Effect::OptOut { user, at } => sqlx::query(
            "INSERT INTO opt_outs (user_id, at) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET at = excluded.at",
        )
        .bind(user)
        .bind(millis(*at)),
        Effect::OptIn { user, .. } => sqlx::query("DELETE FROM opt_outs WHERE user_id = ?").bind(user),
        Effect::OpenTicket {
            user,
            user_name,
            trigger,
            message_id,
            at,
        } => sqlx::query(
            "INSERT INTO tickets (user_id, user_name, status, trigger, message_id, opened_at) \
             SELECT ?, ?, 'open', ?, ?, ? \
             WHERE NOT EXISTS (SELECT 1 FROM tickets WHERE user_id = ? AND status = 'open')",
        )
        .bind(user)
        .bind(user_name)
        .bind(trigger.describe())
        .bind(message_id)
        .bind(millis(*at))
        .bind(user),
        Effect::StaffActive { thread } => {
            sqlx::query("INSERT INTO staff_threads (thread_id) VALUES (?) ON CONFLICT (thread_id) DO NOTHING")
                .bind(thread)
        }
        Effect::Variant {
            conversation,
            template,
            variant,
        } => sqlx::query(
            "INSERT INTO variants (conversation, template, variant) VALUES (?, ?, ?) \
             ON CONFLICT (conversation, template) DO UPDATE SET variant = excluded.variant",
        )
        .bind(conversation)
        .bind(template)
        .bind(*variant as i64),
    };
    q.execute(&mut **tx)
        .await
        .with_context(|| format!("cannot store effect {effect:?}"))?;
    Ok(())
}
