//! Persistence: one SQLite file (WAL mode, migrations embedded and run at
//! start) holding what must survive a restart — decided message ids,
//! opt-outs, reply counts (cooldowns and windows), tickets with their relayed
//! messages and blocks, and the audit
//! trail of every reply, hand-off and held-back reply.
//!
//! Owns SQL and nothing else: no product rules. Queries are plain, portable
//! SQL over BIGINT millisecond timestamps so a PostgreSQL backend can follow
//! behind the same methods.

mod accounts;
mod audit;
mod effects;
pub use effects::{Deciding, Logged};
mod marks;
mod privacy;
mod relays;
mod tickets;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration as StdDuration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use accounts::{DiscordSession, SessionRecord};
pub use audit::{place_label, AuditFilter, AuditRecord, Delivery};
pub use marks::{MarkRecord, Marked};
pub use privacy::{Forgotten, Purged, FORGOTTEN, TEXT_DELETED};
pub use relays::{BlockRecord, Direction, NewRelay, RelayRecord};
pub use tickets::{ClaimOutcome, TicketFilter, TicketRecord};

use crate::core::model::Timestamp;

/// The store. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Open (creating if needed) the database at `path`, or an in-memory one
    /// for `:memory:`, and bring its schema up to date.
    pub async fn open(path: &str) -> anyhow::Result<Store> {
        let options = if path == ":memory:" {
            SqliteConnectOptions::from_str("sqlite::memory:")?
        } else {
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create the folder for the store {path}"))?;
            }
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // NORMAL in WAL mode: a commit survives a process kill
                // (SIGKILL); only a power cut can lose the last commits.
                .synchronous(SqliteSynchronous::Normal)
        }
        .busy_timeout(StdDuration::from_secs(5));
        // One connection: the engine is the only writer, decisions are
        // written in order, and `:memory:` must be one database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the store {path}"))?;
        MIGRATOR
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the store {path}"))?;
        Ok(Store { pool })
    }

    /// Whether the store takes writes now: a write is begun (taking the
    /// write lock) and rolled back (`/readyz`). Dropped midway, the
    /// transaction still rolls back.
    pub async fn check_writable(&self) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("the store does not take writes")?;
        sqlx::query("UPDATE seen SET n = n WHERE hour < 0")
            .execute(&mut *tx)
            .await
            .context("the store does not take writes")?;
        tx.rollback()
            .await
            .context("cannot roll back the store's write check")?;
        Ok(())
    }

    /// Make sure everything written is on disk (checkpoint the WAL).
    pub async fn flush(&self) -> anyhow::Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&self.pool)
            .await
            .context("cannot checkpoint the store")?;
        Ok(())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn millis(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> Timestamp {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
