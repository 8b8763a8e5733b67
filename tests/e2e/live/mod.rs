//! Shopkeep's live adapter end to end: `shopkeep::discord::run` — exactly the
//! production wiring (handler, engine task, delivery, store) — against the fake
//! Discord, reached only through `[discord] api_base`. The config and the
//! templates are the shipped ones; each test has its own store in a tempdir.
//!
//! "No reply" is never proven by waiting: a later message that does get a
//! reply is the barrier. The engine decides in order, so once the barrier's
//! reply is posted, everything sent before it has been decided.

mod http;
mod marks;
mod processes;
mod replies;
mod resilience;
mod tickets;

use std::path::Path;
use std::time::Duration;

use axum::http::Method;
use serde_json::Value;
use shopkeep::config::Config;
use shopkeep::core::replies::{ReplyKind, ReplyRequest};
use shopkeep::discord::{run, Token};
use shopkeep::engine::SharedReplies;
use shopkeep::store::{AuditFilter, AuditRecord, Store};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::support::client::PROMPTLY;
use crate::support::fake_discord::{FakeConfig, FakeDiscord, RecordedRequest, OP_IDENTIFY};
use crate::support::fixtures::{message_json, Person, TOKEN};

pub const POST_MESSAGE: &str = "/channels/*/messages";
/// A question the shipped detector calls a solicitation about dining tables.
pub const ASK: &str = "where can I buy a solid oak dining table? any deals?";
/// Long enough for a clean stop: events drained, store flushed, shards closed.
pub const STOP_WITHIN: Duration = Duration::from_secs(15);

/// A running bot and the fake Discord it talks to.
pub struct Bot {
    pub fake: FakeDiscord,
    pub replies: SharedReplies,
    pub dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

/// The shipped config, pointed at `fake` and at a store in `dir`.
pub fn config(fake: &FakeDiscord, dir: &TempDir) -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/shopkeep.toml");
    let mut config = shopkeep::config::load(&path).expect("the shipped config loads");
    config.discord.api_base = Some(fake.rest_base().to_owned());
    // The shipped config starts in shadow; these run the bot live.
    config.mode = shopkeep::core::policy::Mode::Live;
    config.storage_path = dir.path().join("shopkeep.db").display().to_string();
    config
}

/// Start the fake and `shopkeep::discord::run` against it; `tune` adjusts the config.
pub async fn start_bot(tune: impl FnOnce(&mut Config)) -> Bot {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let dir = tempfile::tempdir().expect("a tempdir for the store");
    start_bot_on(fake, dir, tune).await
}

/// Start `shopkeep::discord::run` against an existing fake over the store in
/// `dir` (a restart, when a bot ran there before).
pub async fn start_bot_on(fake: FakeDiscord, dir: TempDir, tune: impl FnOnce(&mut Config)) -> Bot {
    let from = fake.frame_count();
    let mut config = config(&fake, &dir);
    tune(&mut config);
    let replies = shopkeep::app::replies(&config).expect("the shipped templates load");
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(run(config, Token::from(TOKEN), replies.clone(), shutdown));
    fake.wait_for_frame(from, PROMPTLY, |f| f.op == Some(OP_IDENTIFY))
        .await;
    fake.assert_reached();
    Bot {
        fake,
        replies,
        dir,
        stop: Some(stop),
        task,
    }
}

impl Bot {
    /// `person` posts `content` in `channel` as message `id`; returns the JSON sent.
    pub fn say(&self, id: u64, channel: u64, person: &Person, content: &str) -> Value {
        let d = message_json(id, channel, person, content);
        self.fake.dispatch("MESSAGE_CREATE", d.clone());
        d
    }

    /// Waits for the successful POST that replies to message `id`.
    pub async fn reply_to(&self, id: u64) -> RecordedRequest {
        self.fake
            .wait_for_request(0, PROMPTLY, |r| r.status == 200 && references(r, id))
            .await
    }

    /// What the shipped templates say to `asker` the first time they ask about dining tables.
    pub fn expected_solicitation_reply(&self, asker: &str) -> String {
        let req = ReplyRequest {
            kind: ReplyKind::Solicitation,
            template: "solicitation",
            category: Some("dining-tables"),
            asker,
            previous_variant: None,
            public: true,
        };
        self.replies
            .render(&req)
            .expect("the template renders")
            .text
    }

    /// Signals shutdown and returns what `run` returned, within [`STOP_WITHIN`].
    pub async fn stop(mut self) -> (anyhow::Result<()>, FakeDiscord, TempDir) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(STOP_WITHIN, self.task)
            .await
            .unwrap_or_else(|_| panic!("run did not return within {STOP_WITHIN:?}"))
            .expect("run panicked");
        (result, self.fake, self.dir)
    }

    /// Stops the bot (it must stop cleanly). Deliveries are drained by then,
    /// so what [`Finished`] shows is final.
    pub async fn finish(self) -> Finished {
        let (result, fake, dir) = self.stop().await;
        result.expect("run returns Ok after a shutdown signal");
        let audit = audit(&dir).await;
        Finished { fake, audit, dir }
    }
}

/// A stopped bot: every REST call it made and its audit trail.
pub struct Finished {
    pub fake: FakeDiscord,
    pub audit: Vec<AuditRecord>,
    /// The store's folder (`shopkeep.db` in it).
    pub dir: TempDir,
}

impl Finished {
    /// Every POST (whatever its answer) that replied to message `id`.
    pub fn posts_replying_to(&self, id: u64) -> Vec<RecordedRequest> {
        posts_replying_to(&self.fake, id)
    }

    /// Every message POSTed to `channel`.
    pub fn posts_in(&self, channel: u64) -> Vec<RecordedRequest> {
        self.fake
            .requests_to(&Method::POST, POST_MESSAGE)
            .into_iter()
            .filter(|r| r.route() == format!("/channels/{channel}/messages"))
            .collect()
    }

    /// The audit record of message `id`.
    pub fn record(&self, id: u64) -> &AuditRecord {
        record_of(&self.audit, id)
    }
}

/// The audit trail in the store `dir` holds.
pub async fn audit(dir: &TempDir) -> Vec<AuditRecord> {
    let path = dir.path().join("shopkeep.db").display().to_string();
    let store = Store::open(&path).await.expect("reopen the store");
    let records = store
        .audit(&AuditFilter::default())
        .await
        .expect("read the audit");
    store.close().await;
    records
}

/// The audit record of message `id`.
pub fn record_of(records: &[AuditRecord], id: u64) -> &AuditRecord {
    records
        .iter()
        .find(|r| r.message_id == id.to_string())
        .unwrap_or_else(|| panic!("no audit record for message {id}: {records:#?}"))
}

fn posts_replying_to(fake: &FakeDiscord, id: u64) -> Vec<RecordedRequest> {
    fake.requests_to(&Method::POST, POST_MESSAGE)
        .into_iter()
        .filter(|r| references(r, id))
        .collect()
}

fn references(r: &RecordedRequest, id: u64) -> bool {
    r.is(&Method::POST, POST_MESSAGE)
        && r.body.as_ref().is_some_and(|b| {
            b["message_reference"]["message_id"].as_str() == Some(id.to_string().as_str())
        })
}
