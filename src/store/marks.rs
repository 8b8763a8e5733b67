//! Staff marks and the traffic count: the `marks` table (one judgement per
//! member message; marking again updates it and keeps when it was first
//! marked) and the `seen` table (messages the engine read, per hour and
//! source), which `shopkeep report` divides by.
//!
//! Owns SQL only; what a mark means is `core::marks`.

use anyhow::Context;
use serde::Serialize;
use sqlx::Row;

use super::{from_millis, millis, Store};

/// Count one message read at `at` on `conn` (the engine does it inside the
/// decision's transaction: one commit per message).
pub(super) async fn count_seen_on(
    conn: &mut sqlx::SqliteConnection,
    at: Timestamp,
    source: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO seen (hour, source, n) VALUES (?, ?, 1) \
         ON CONFLICT (hour, source) DO UPDATE SET n = n + 1",
    )
    .bind(hour_of(at))
    .bind(source)
    .execute(conn)
    .await
    .context("cannot count a message seen")?;
    Ok(())
}
use crate::core::marks::Mark;
use crate::core::model::Timestamp;

/// One stored mark.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkRecord {
    /// The member's message that was judged.
    pub message_id: String,
    /// The Discord server (its name when known, else its id).
    pub server: String,
    /// `#channel`, `#channel/thread:…` or `dm`.
    pub place: String,
    /// Who wrote the message (for `forget`).
    pub author_id: String,
    /// The member's message.
    pub text: String,
    #[serde(serialize_with = "as_str")]
    pub mark: Mark,
    /// What the bot did: `reply`, `handoff` or `none`.
    pub action: String,
    /// `live` or `shadow` when the bot decided.
    pub mode: String,
    pub verdict: Option<String>,
    pub score: Option<f32>,
    /// The detector's cues at the time, as the audit shows them.
    pub cues: String,
    pub category: Option<String>,
    pub template: Option<String>,
    /// The staff member's display name, and their user id.
    pub marked_by: String,
    pub marked_by_id: String,
    pub first_marked_at: Timestamp,
    pub marked_at: Timestamp,
}

fn as_str<S: serde::Serializer>(m: &Mark, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.as_str())
}

/// Whether a mark was new or changed an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    New,
    /// The message had been marked before; this is its mark now.
    Updated {
        was: Mark,
    },
}

/// The hour bucket of a timestamp.
fn hour_of(at: Timestamp) -> i64 {
    millis(at).div_euclid(3_600_000)
}

impl Store {
    /// Record `mark`, replacing any earlier mark of the same message (its
    /// first time marked is kept).
    pub async fn mark(&self, m: &MarkRecord) -> anyhow::Result<Marked> {
        let mut tx = self.pool().begin().await.context("cannot start a mark")?;
        let was: Option<String> = sqlx::query_scalar("SELECT mark FROM marks WHERE message_id = ?")
            .bind(&m.message_id)
            .fetch_optional(&mut *tx)
            .await
            .context("cannot read the earlier mark")?;
        sqlx::query(
            "INSERT INTO marks (message_id, server, place, author_id, text, mark, action, mode, \
             verdict, score, cues, category, template, marked_by, marked_by_id, first_marked_at, \
             marked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (message_id) DO UPDATE SET mark = excluded.mark, \
             marked_by = excluded.marked_by, marked_by_id = excluded.marked_by_id, \
             marked_at = excluded.marked_at, text = excluded.text, \
             category = COALESCE(excluded.category, marks.category)",
        )
        .bind(&m.message_id)
        .bind(&m.server)
        .bind(&m.place)
        .bind(&m.author_id)
        .bind(&m.text)
        .bind(m.mark.as_str())
        .bind(&m.action)
        .bind(&m.mode)
        .bind(&m.verdict)
        .bind(m.score.map(f64::from))
        .bind(&m.cues)
        .bind(&m.category)
        .bind(&m.template)
        .bind(&m.marked_by)
        .bind(&m.marked_by_id)
        .bind(millis(m.first_marked_at))
        .bind(millis(m.marked_at))
        .execute(&mut *tx)
        .await
        .with_context(|| format!("cannot record the mark on message {}", m.message_id))?;
        tx.commit().await.context("cannot commit a mark")?;
        Ok(match was.as_deref().and_then(Mark::parse) {
            Some(was) => Marked::Updated { was },
            None => Marked::New,
        })
    }

    /// Marks made since `since`, oldest first.
    pub async fn marks(&self, since: Option<Timestamp>) -> anyhow::Result<Vec<MarkRecord>> {
        let rows = sqlx::query(
            "SELECT message_id, place, author_id, text, mark, action, mode, verdict, score, cues, \
             category, template, marked_by, marked_by_id, first_marked_at, marked_at, server \
             FROM marks WHERE marked_at >= ? ORDER BY marked_at, message_id",
        )
        .bind(since.map_or(i64::MIN, millis))
        .fetch_all(self.pool())
        .await
        .context("cannot read the marks")?;
        rows.iter()
            .map(|row| {
                let mark: String = row.get(4);
                Ok(MarkRecord {
                    message_id: row.get(0),
                    place: row.get(1),
                    author_id: row.get(2),
                    text: row.get(3),
                    mark: Mark::parse(&mark)
                        .with_context(|| format!("the store holds an unknown mark {mark:?}"))?,
                    action: row.get(5),
                    mode: row.get(6),
                    verdict: row.get(7),
                    score: row.get::<Option<f64>, _>(8).map(|s| s as f32),
                    cues: row.get(9),
                    category: row.get(10),
                    template: row.get(11),
                    marked_by: row.get(12),
                    marked_by_id: row.get(13),
                    first_marked_at: from_millis(row.get(14)),
                    marked_at: from_millis(row.get(15)),
                    server: row.get(16),
                })
            })
            .collect()
    }

    /// Set the category staff chose for the mark on `message_id`; false
    /// when there is no such mark.
    pub async fn set_mark_category(
        &self,
        message_id: &str,
        category: &str,
    ) -> anyhow::Result<bool> {
        let n = sqlx::query("UPDATE marks SET category = ? WHERE message_id = ?")
            .bind(category)
            .bind(message_id)
            .execute(self.pool())
            .await
            .context("cannot set the mark's category")?
            .rows_affected();
        Ok(n > 0)
    }

    /// Messages read from the hour of `since` on, from `source`.
    pub async fn seen_since(&self, since: Timestamp, source: &str) -> anyhow::Result<u64> {
        let n: Option<i64> =
            sqlx::query_scalar("SELECT SUM(n) FROM seen WHERE hour >= ? AND source = ?")
                .bind(hour_of(since))
                .bind(source)
                .fetch_one(self.pool())
                .await
                .context("cannot read the messages seen")?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn record(message: &str, mark: Mark, by: &str, at: Timestamp) -> MarkRecord {
        MarkRecord {
            message_id: message.into(),
            server: "Oak & Thistle".into(),
            place: "#general".into(),
            author_id: "42".into(),
            text: "where can I buy a desk?".into(),
            mark,
            action: "reply".into(),
            mode: "live".into(),
            verdict: Some("solicitation".into()),
            score: Some(0.71),
            cues: "ask.where_to_buy(+1.20)".into(),
            category: Some("desks".into()),
            template: Some("solicitation".into()),
            marked_by: by.into(),
            marked_by_id: "7".into(),
            first_marked_at: at,
            marked_at: at,
        }
    }

    #[tokio::test]
    async fn marking_twice_updates_the_one_mark_and_keeps_when_it_was_first_made() {
        let store = Store::open(":memory:").await.unwrap();
        let t0 = Utc::now() - Duration::hours(2);
        let first = record("100", Mark::Right, "Sam", t0);
        assert_eq!(store.mark(&first).await.unwrap(), Marked::New);
        let mut again = record("100", Mark::Wrong, "Ria", Utc::now());
        again.first_marked_at = Utc::now();
        assert_eq!(
            store.mark(&again).await.unwrap(),
            Marked::Updated { was: Mark::Right }
        );
        let marks = store.marks(None).await.unwrap();
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].mark, Mark::Wrong);
        assert_eq!(marks[0].marked_by, "Ria");
        assert_eq!(millis(marks[0].first_marked_at), millis(t0));
        assert!(store
            .marks(Some(Utc::now() + Duration::minutes(1)))
            .await
            .unwrap()
            .is_empty());
    }

    /// Counted as the engine counts: inside a decision's commit.
    async fn count_seen(store: &Store, at: Timestamp, source: &str) {
        let (mut deciding, _) = store.begin_deciding(0).await.unwrap();
        deciding.count_seen(at, source).await.unwrap();
        deciding.commit(&[], None, at).await.unwrap();
    }

    #[tokio::test]
    async fn messages_seen_are_counted_per_hour_and_source() {
        let store = Store::open(":memory:").await.unwrap();
        let now = Utc::now();
        for _ in 0..3 {
            count_seen(&store, now, "live").await;
        }
        count_seen(&store, now - Duration::days(3), "live").await;
        count_seen(&store, now, "replay").await;
        assert_eq!(
            store
                .seen_since(now - Duration::days(1), "live")
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store
                .seen_since(now - Duration::days(7), "live")
                .await
                .unwrap(),
            4
        );
        assert_eq!(store.seen_since(now, "replay").await.unwrap(), 1);
    }
}
