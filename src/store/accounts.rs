//! The staff web page's accounts and sessions: users with argon2 password
//! hashes (the hashing is `web::auth`'s), and sessions keyed by a hash of
//! the cookie's token, each with its CSRF token and expiry.
//!
//! Owns SQL only.

use anyhow::Context;
use sqlx::Row;

use super::{from_millis, millis, Store};
use crate::core::model::Timestamp;

/// Who a Discord-login session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordSession {
    pub user_id: u64,
    /// May edit templates (`[http.discord_login] editors`).
    pub editor: bool,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_name: String,
    /// The user may edit templates from the page.
    pub editor: bool,
    pub csrf: String,
    pub expires_at: Timestamp,
}

impl Store {
    /// Add a user or replace their password hash and editor right; true
    /// when they were new.
    pub async fn put_user(
        &self,
        name: &str,
        hash: &str,
        editor: bool,
        at: Timestamp,
    ) -> anyhow::Result<bool> {
        let existed = self.user_hash(name).await?.is_some();
        sqlx::query(
            "INSERT INTO users (name, password_hash, editor, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, \
             editor = excluded.editor",
        )
        .bind(name)
        .bind(hash)
        .bind(editor)
        .bind(millis(at))
        .execute(self.pool())
        .await
        .with_context(|| format!("cannot save the user {name}"))?;
        Ok(!existed)
    }

    pub async fn user_hash(&self, name: &str) -> anyhow::Result<Option<String>> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE name = ?")
            .bind(name)
            .fetch_optional(self.pool())
            .await
            .with_context(|| format!("cannot read the user {name}"))
    }

    /// Remove a user and end their sessions; true when they existed.
    pub async fn remove_user(&self, name: &str) -> anyhow::Result<bool> {
        sqlx::query("DELETE FROM sessions WHERE user_name = ?")
            .bind(name)
            .execute(self.pool())
            .await
            .context("cannot end the user's sessions")?;
        let gone = sqlx::query("DELETE FROM users WHERE name = ?")
            .bind(name)
            .execute(self.pool())
            .await
            .with_context(|| format!("cannot remove the user {name}"))?
            .rows_affected();
        Ok(gone > 0)
    }

    pub async fn user_names(&self) -> anyhow::Result<Vec<String>> {
        sqlx::query_scalar("SELECT name FROM users ORDER BY name")
            .fetch_all(self.pool())
            .await
            .context("cannot list the users")
    }

    /// A session for the local account `user`.
    pub async fn add_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> anyhow::Result<()> {
        self.insert_session(token_hash, user, None, csrf, at, expires_at)
            .await
    }

    /// A session for someone who logged in with Discord (no local account):
    /// `user` is the name the page shows.
    pub async fn add_discord_session(
        &self,
        token_hash: &str,
        user: &str,
        discord: &DiscordSession,
        csrf: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> anyhow::Result<()> {
        self.insert_session(token_hash, user, Some(discord), csrf, at, expires_at)
            .await
    }

    async fn insert_session(
        &self,
        token_hash: &str,
        user: &str,
        discord: Option<&DiscordSession>,
        csrf: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at < ?")
            .bind(millis(at))
            .execute(self.pool())
            .await
            .context("cannot remove expired sessions")?;
        sqlx::query(
            "INSERT INTO sessions \
             (token_hash, user_name, csrf, created_at, expires_at, discord_id, discord_editor) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(csrf)
        .bind(millis(at))
        .bind(millis(expires_at))
        .bind(discord.map(|d| d.user_id.to_string()))
        .bind(i64::from(discord.is_some_and(|d| d.editor)))
        .execute(self.pool())
        .await
        .context("cannot save the session")?;
        Ok(())
    }

    /// The session with this token hash, if it exists and has not expired
    /// at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> anyhow::Result<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT s.user_name, s.csrf, s.expires_at, \
             CASE WHEN s.discord_id IS NULL THEN u.editor ELSE s.discord_editor END \
             FROM sessions s LEFT JOIN users u ON s.discord_id IS NULL AND u.name = s.user_name \
             WHERE s.token_hash = ? AND s.expires_at > ? \
             AND (s.discord_id IS NOT NULL OR u.name IS NOT NULL)",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(self.pool())
        .await
        .context("cannot read the session")?;
        Ok(row.map(|r| SessionRecord {
            user_name: r.get(0),
            editor: r.get::<i64, _>(3) != 0,
            csrf: r.get(1),
            expires_at: from_millis(r.get(2)),
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(self.pool())
            .await
            .context("cannot end the session")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    #[tokio::test]
    async fn sessions_expire_and_end_with_their_user() {
        let store = Store::open(":memory:").await.unwrap();
        let now = Utc::now();
        assert!(store.put_user("sam", "h1", false, now).await.unwrap());
        assert!(
            !store.put_user("sam", "h2", true, now).await.unwrap(),
            "replaced"
        );
        assert_eq!(store.user_hash("sam").await.unwrap().as_deref(), Some("h2"));
        store
            .add_session("t1", "sam", "c1", now, now + Duration::hours(1))
            .await
            .unwrap();
        let s = store.session("t1", now).await.unwrap().unwrap();
        assert_eq!((s.user_name.as_str(), s.csrf.as_str()), ("sam", "c1"));
        assert!(s.editor, "the second put gave the right");
        assert_eq!(
            store.session("t1", now + Duration::hours(2)).await.unwrap(),
            None
        );
        assert_eq!(store.session("other", now).await.unwrap(), None);
        assert!(store.remove_user("sam").await.unwrap());
        assert_eq!(store.session("t1", now).await.unwrap(), None);
        assert!(!store.remove_user("sam").await.unwrap());
    }

    #[tokio::test]
    async fn a_discord_session_needs_no_local_account_and_carries_its_own_editor_right() {
        let store = Store::open(":memory:").await.unwrap();
        let now = Utc::now();
        let later = now + Duration::hours(1);
        let editor = DiscordSession {
            user_id: 4004,
            editor: true,
        };
        store
            .add_discord_session("t1", "sam (Discord)", &editor, "c1", now, later)
            .await
            .unwrap();
        let s = store.session("t1", now).await.unwrap().unwrap();
        assert_eq!(s.user_name, "sam (Discord)");
        assert!(s.editor);
        // A local account of the same name gives a Discord session nothing.
        assert!(store
            .put_user("alice (Discord)", "h", true, now)
            .await
            .unwrap());
        let viewer = DiscordSession {
            user_id: 4002,
            editor: false,
        };
        store
            .add_discord_session("t2", "alice (Discord)", &viewer, "c2", now, later)
            .await
            .unwrap();
        assert!(!store.session("t2", now).await.unwrap().unwrap().editor);
        // And a local session whose account is gone is not a Discord one.
        store
            .add_session("t3", "nobody", "c3", now, later)
            .await
            .unwrap();
        assert_eq!(store.session("t3", now).await.unwrap(), None);
    }
}
