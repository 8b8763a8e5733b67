//! What the store keeps of what people wrote, and for how long: deleting
//! message texts past the retention period, and erasing one person on
//! request (`shopkeep forget USER_ID`).
//!
//! Owns those deletions, each in one transaction, and the counts of what
//! they touched. Texts are the bot's replies and cue words in the audit
//! (they carry the asker's name and words), relayed ticket messages and
//! their attachments, closing messages, and names. What must stay to keep a
//! promise stays: an opt-out (so the bot keeps not answering them), blocks,
//! and counters that hold only ids and times.

use anyhow::Context;

use super::{millis, Store};
use crate::core::model::Timestamp;

/// Shown where an erased name was.
pub const FORGOTTEN: &str = "(forgotten)";
/// Shown where a relayed message's text was deleted.
pub const TEXT_DELETED: &str = "(text deleted)";

/// What [`Store::forget_user`] erased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Audit records about the person: name, reply text and cue words.
    pub audit_records: u64,
    /// Their tickets: name and closing message.
    pub tickets: u64,
    /// Messages relayed through their tickets, both ways.
    pub relayed_messages: u64,
    /// Staff marks on their messages (deleted), and marks they made as
    /// staff (their name erased; the judgement stays).
    pub marks: u64,
    /// Other records whose text mentioned them (`<@id>`), mention removed.
    pub mentions: u64,
    /// Their staff-page sessions (logged in with Discord), ended.
    pub sessions: u64,
    /// Whether they had opted out (kept, so they stay opted out).
    pub kept_opt_out: bool,
}

/// What [`Store::purge_texts_before`] deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    pub audit_texts: u64,
    pub relayed_texts: u64,
    pub closing_messages: u64,
    /// Staff marks (each holds the member's message) deleted.
    pub marks: u64,
}

impl Store {
    /// Erase `user_id`'s name, words and mentions from every table.
    pub async fn forget_user(&self, user_id: &str) -> anyhow::Result<Forgotten> {
        let mut tx = self
            .pool()
            .begin()
            .await
            .context("cannot start forgetting")?;
        let audit = sqlx::query(
            "UPDATE audit SET user_name = ?, text = NULL, cues = '', message = NULL \
             WHERE user_id = ? AND (user_name != ? OR text IS NOT NULL OR cues != '' \
             OR message IS NOT NULL)",
        )
        .bind(FORGOTTEN)
        .bind(user_id)
        .bind(FORGOTTEN)
        .execute(&mut *tx)
        .await
        .context("cannot erase the audit records")?
        .rows_affected();
        let relays = sqlx::query(
            "UPDATE relays SET text = ?, attachments = '' \
             WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = ?) \
             AND (text != ? OR attachments != '')",
        )
        .bind(TEXT_DELETED)
        .bind(user_id)
        .bind(TEXT_DELETED)
        .execute(&mut *tx)
        .await
        .context("cannot erase the relayed messages")?
        .rows_affected();
        let tickets = sqlx::query(
            "UPDATE tickets SET user_name = ?, closing_message = NULL \
             WHERE user_id = ? AND (user_name != ? OR closing_message IS NOT NULL)",
        )
        .bind(FORGOTTEN)
        .bind(user_id)
        .bind(FORGOTTEN)
        .execute(&mut *tx)
        .await
        .context("cannot erase the tickets")?
        .rows_affected();
        let mut marks = sqlx::query("DELETE FROM marks WHERE author_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .context("cannot delete the marks on their messages")?
            .rows_affected();
        marks +=
            sqlx::query("UPDATE marks SET marked_by = ? WHERE marked_by_id = ? AND marked_by != ?")
                .bind(FORGOTTEN)
                .bind(user_id)
                .bind(FORGOTTEN)
                .execute(&mut *tx)
                .await
                .context("cannot erase their name from marks")?
                .rows_affected();
        let mut mentions = 0;
        for form in [format!("<@{user_id}>"), format!("<@!{user_id}>")] {
            for (table, column) in [
                ("audit", "text"),
                ("audit", "message"),
                ("relays", "text"),
                ("marks", "text"),
            ] {
                let sql = format!(
                    "UPDATE {table} SET {column} = REPLACE({column}, ?, '@{}') \
                     WHERE INSTR({column}, ?) > 0",
                    FORGOTTEN.trim_matches(['(', ')'])
                );
                mentions += sqlx::query(&sql)
                    .bind(&form)
                    .bind(&form)
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("cannot erase mentions in {table}"))?
                    .rows_affected();
            }
        }
        let sessions = sqlx::query("DELETE FROM sessions WHERE discord_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .context("cannot end their staff-page sessions")?
            .rows_affected();
        let kept_opt_out = sqlx::query("SELECT 1 FROM opt_outs WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await
            .context("cannot read opt-outs")?
            .is_some();
        tx.commit().await.context("cannot commit forgetting")?;
        Ok(Forgotten {
            audit_records: audit,
            tickets,
            relayed_messages: relays,
            sessions,
            marks,
            mentions,
            kept_opt_out,
        })
    }

    /// Delete message texts older than `before`: audit reply texts and cue
    /// words, relayed messages that were delivered or given up on, the
    /// closing messages of tickets closed by then, and staff marks (which
    /// hold the member's message; export them first to keep them). Open tickets keep their
    /// conversation; pending relays keep what they still have to deliver.
    pub async fn purge_texts_before(&self, before: Timestamp) -> anyhow::Result<Purged> {
        let at = millis(before);
        let mut tx = self
            .pool()
            .begin()
            .await
            .context("cannot start the purge")?;
        let audit_texts = sqlx::query(
            "UPDATE audit SET text = NULL, cues = '', message = NULL \
             WHERE decided_at < ? AND (text IS NOT NULL OR cues != '' OR message IS NOT NULL)",
        )
        .bind(at)
        .execute(&mut *tx)
        .await
        .context("cannot purge audit texts")?
        .rows_affected();
        let relayed_texts = sqlx::query(
            "UPDATE relays SET text = ?, attachments = '' \
             WHERE created_at < ? AND status != 'pending' AND text != ? \
             AND ticket_id IN (SELECT id FROM tickets WHERE status = 'closed')",
        )
        .bind(TEXT_DELETED)
        .bind(at)
        .bind(TEXT_DELETED)
        .execute(&mut *tx)
        .await
        .context("cannot purge relayed texts")?
        .rows_affected();
        let closing_messages = sqlx::query(
            "UPDATE tickets SET closing_message = NULL \
             WHERE closed_at < ? AND closing_message IS NOT NULL",
        )
        .bind(at)
        .execute(&mut *tx)
        .await
        .context("cannot purge closing messages")?
        .rows_affected();
        let marks = sqlx::query("DELETE FROM marks WHERE marked_at < ?")
            .bind(at)
            .execute(&mut *tx)
            .await
            .context("cannot purge marks")?
            .rows_affected();
        tx.commit().await.context("cannot commit the purge")?;
        Ok(Purged {
            audit_texts,
            relayed_texts,
            closing_messages,
            marks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::marks::Mark;
    use crate::store::{AuditFilter, Direction, MarkRecord, NewRelay};
    use chrono::{Duration, Utc};

    async fn audit_row(store: &Store, user: &str, name: &str, text: &str, at: Timestamp) {
        sqlx::query(
            "INSERT INTO audit (decided_at, source, mode, message_id, place, user_id, user_name, \
             action, reason_code, reason, cues, compliance, text, delivery) \
             VALUES (?, 'live', 'live', ?, '#general', ?, ?, 'reply', 'solicitation', 'r', \
             'lex.word[oak](+0.9)', 'pass', ?, 'sent')",
        )
        .bind(millis(at))
        .bind(format!("m-{user}-{}", millis(at)))
        .bind(user)
        .bind(name)
        .bind(text)
        .execute(store.pool())
        .await
        .unwrap();
    }

    async fn ticket(store: &Store, user: &str, name: &str, status: &str, at: Timestamp) -> i64 {
        sqlx::query(
            "INSERT INTO tickets (user_id, user_name, status, trigger, message_id, opened_at, \
             closed_at, closing_message) VALUES (?, ?, ?, 'dm', ?, ?, ?, 'bye!')",
        )
        .bind(user)
        .bind(name)
        .bind(status)
        .bind(format!("t-{user}"))
        .bind(millis(at))
        .bind((status == "closed").then(|| millis(at)))
        .execute(store.pool())
        .await
        .unwrap()
        .last_insert_rowid()
    }

    async fn relay(store: &Store, ticket_id: i64, source: &str, text: &str, at: Timestamp) {
        let relay = NewRelay {
            ticket_id,
            direction: Direction::ToStaff,
            source_message_id: source.into(),
            author_id: "x".into(),
            text: text.into(),
            attachments: vec!["https://cdn.example/photo.png".into()],
            at,
        };
        let id = store.add_relay(&relay).await.unwrap().unwrap();
        store.mark_relay_sent(id, at).await.unwrap();
    }

    fn mark(message: &str, author: &str, staff: &str, at: Timestamp) -> MarkRecord {
        MarkRecord {
            message_id: message.into(),
            server: "Oak & Thistle".into(),
            place: "#general".into(),
            author_id: author.into(),
            text: "any deals on desks?".into(),
            mark: Mark::Right,
            action: "reply".into(),
            mode: "live".into(),
            verdict: None,
            score: None,
            cues: String::new(),
            category: None,
            template: None,
            marked_by: "Sam".into(),
            marked_by_id: staff.into(),
            first_marked_at: at,
            marked_at: at,
        }
    }

    #[tokio::test]
    async fn forgetting_a_person_erases_their_words_names_and_mentions_and_keeps_their_opt_out() {
        let store = Store::open(":memory:").await.unwrap();
        let now = Utc::now();
        audit_row(
            &store,
            "4002",
            "alice",
            "Hi alice, our tables are at …",
            now,
        )
        .await;
        audit_row(&store, "4003", "bob", "Hi bob, ask <@4002> about it", now).await;
        let t = ticket(&store, "4002", "alice", "closed", now).await;
        relay(&store, t, "r1", "my address is 1 Oak Lane", now).await;
        sqlx::query("INSERT INTO opt_outs (user_id, at) VALUES ('4002', 0)")
            .execute(store.pool())
            .await
            .unwrap();
        store.mark(&mark("m1", "4002", "7", now)).await.unwrap();
        store.mark(&mark("m2", "4003", "4002", now)).await.unwrap();
        let discord = crate::store::DiscordSession {
            user_id: 4002,
            editor: false,
        };
        let later = now + chrono::Duration::hours(1);
        store
            .add_discord_session("h1", "alice (Discord)", &discord, "c", now, later)
            .await
            .unwrap();
        assert!(store.session("h1", now).await.unwrap().is_some());

        let f = store.forget_user("4002").await.unwrap();
        assert_eq!(
            f,
            Forgotten {
                audit_records: 1,
                tickets: 1,
                relayed_messages: 1,
                marks: 2,
                mentions: 1,
                sessions: 1,
                kept_opt_out: true
            }
        );
        assert!(
            store.session("h1", now).await.unwrap().is_none(),
            "their staff-page session is ended"
        );
        let marks = store.marks(None).await.unwrap();
        assert_eq!(marks.len(), 1, "the mark on their message is gone");
        assert_eq!(
            (marks[0].author_id.as_str(), marks[0].marked_by.as_str()),
            ("4003", FORGOTTEN),
            "their name as the staff member who marked is erased"
        );
        let audit = store.audit(&AuditFilter::default()).await.unwrap();
        assert_eq!(audit[0].user_name, FORGOTTEN);
        assert_eq!(
            (audit[0].text.as_deref(), audit[0].cues.as_str()),
            (None, "")
        );
        assert_eq!(
            audit[1].text.as_deref(),
            Some("Hi bob, ask @forgotten about it")
        );
        assert_eq!(audit[1].user_name, "bob", "other people are untouched");
        let relays = store.relays_of(t).await.unwrap();
        assert_eq!(relays[0].text, TEXT_DELETED);
        assert!(relays[0].attachments.is_empty());
        let ticket = store.ticket(t).await.unwrap().unwrap();
        assert_eq!(
            (ticket.user_name.as_str(), ticket.closing_message),
            (FORGOTTEN, None)
        );
        let nothing = store.forget_user("9999").await.unwrap();
        assert_eq!(nothing, Forgotten::default());
        let again = store.forget_user("4002").await.unwrap();
        assert_eq!(
            again.audit_records + again.tickets + again.relayed_messages,
            0,
            "{again:?}"
        );
    }

    #[tokio::test]
    async fn texts_past_retention_are_deleted_and_open_conversations_kept() {
        let store = Store::open(":memory:").await.unwrap();
        let now = Utc::now();
        let old = now - Duration::days(100);
        audit_row(&store, "1", "ann", "old reply", old).await;
        audit_row(&store, "2", "ben", "new reply", now).await;
        let closed = ticket(&store, "1", "ann", "closed", old).await;
        relay(&store, closed, "r-old", "old words", old).await;
        let open = ticket(&store, "3", "cat", "open", old).await;
        relay(&store, open, "r-open", "still talking", old).await;
        store.mark(&mark("m-old", "1", "7", old)).await.unwrap();
        store.mark(&mark("m-new", "2", "7", now)).await.unwrap();

        let purged = store
            .purge_texts_before(now - Duration::days(90))
            .await
            .unwrap();
        assert_eq!(
            purged,
            Purged {
                audit_texts: 1,
                relayed_texts: 1,
                closing_messages: 1,
                marks: 1
            }
        );
        let marks = store.marks(None).await.unwrap();
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].message_id, "m-new");
        let audit = store.audit(&AuditFilter::default()).await.unwrap();
        assert_eq!(audit[0].text, None);
        assert_eq!(audit[1].text.as_deref(), Some("new reply"));
        assert_eq!(store.relays_of(closed).await.unwrap()[0].text, TEXT_DELETED);
        assert_eq!(
            store.relays_of(open).await.unwrap()[0].text,
            "still talking"
        );
        let again = store
            .purge_texts_before(now - Duration::days(90))
            .await
            .unwrap();
        assert_eq!(again, Purged::default(), "nothing twice");
    }
}
