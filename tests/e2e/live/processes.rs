//! Several `shopkeep run` processes sharing one store (issue 16): every
//! event is delivered to two processes (each through its own fake Discord
//! connection, as duplicated or replayed deliveries arrive), one process is
//! killed with SIGKILL mid-flood and restarted, and still no message gets
//! two replies and the channel quota holds exactly. The database enforces
//! it, not memory: the processes share nothing else.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::Method;
use shopkeep::store::{AuditFilter, Store};

use super::{ASK, POST_MESSAGE};
use crate::support::client::PROMPTLY;
use crate::support::fake_discord::{FakeConfig, FakeDiscord, OP_IDENTIFY};
use crate::support::fixtures::{message_json, Person, GENERAL, TOKEN};

/// A config for one process: the shipped one, live, talking to `fake`,
/// over the shared store `db`.
fn write_config(dir: &Path, name: &str, fake: &FakeDiscord, db: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("config/shopkeep.toml")).unwrap();
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc["bot"]["mode"] = toml_edit::value("live");
    doc["discord"]["api_base"] = toml_edit::value(fake.rest_base());
    doc["templates"]["dir"] = toml_edit::value(root.join("templates").display().to_string());
    doc["storage"]["path"] = toml_edit::value(db.display().to_string());
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

/// A `shopkeep run` process, killed when the test ends however it ends.
struct Process(Child);

impl Process {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `shopkeep run` on `config`, waiting until it has identified to `fake`.
async fn run(config: &Path, fake: &FakeDiscord) -> Process {
    let from = fake.frame_count();
    let child = Command::new(env!("CARGO_BIN_EXE_shopkeep"))
        .args(["run", "--config"])
        .arg(config)
        .env("DISCORD_TOKEN", TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start shopkeep run");
    let process = Process(child);
    fake.wait_for_frame(from, Duration::from_secs(60), |f| f.op == Some(OP_IDENTIFY))
        .await;
    process
}

fn member(i: u64) -> Person {
    Person {
        id: 60_000 + i,
        name: Box::leak(format!("member{i}").into_boxed_str()),
        staff: false,
    }
}

fn replies_to(fake: &FakeDiscord, id: u64) -> usize {
    fake.requests_to(&Method::POST, POST_MESSAGE)
        .iter()
        .filter(|r| {
            r.status == 200
                && r.body.as_ref().is_some_and(|b| {
                    b["message_reference"]["message_id"].as_str() == Some(id.to_string().as_str())
                })
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_given_every_event_and_one_killed_mid_flood_reply_once_within_the_quota() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let (fake_a, fake_b) = (
        FakeDiscord::start(FakeConfig::default()).await,
        FakeDiscord::start(FakeConfig::default()).await,
    );
    let config_a = write_config(dir.path(), "a", &fake_a, &db);
    let config_b = write_config(dir.path(), "b", &fake_b, &db);
    let mut a = run(&config_a, &fake_a).await;
    let mut b = run(&config_b, &fake_b).await;

    // 30 members ask in #general; every ask reaches both processes. A dies
    // before the quota of 6 is used up, so both sides of the kill count.
    const ASKS: u64 = 30;
    for i in 0..ASKS {
        let ask = message_json(70_000 + i, GENERAL, &member(i), ASK);
        fake_a.dispatch("MESSAGE_CREATE", ask.clone());
        fake_b.dispatch("MESSAGE_CREATE", ask);
        if i == 2 {
            // Process A dies without warning and comes back.
            a.kill();
            a = run(&config_a, &fake_a).await;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }

    // Every ask is decided once, by one of them: a reply, or held back.
    let store_path = db.display().to_string();
    let store = Store::open(&store_path).await.unwrap();
    let mut records = Vec::new();
    for _ in 0..1_500 {
        records = store.audit(&AuditFilter::default()).await.unwrap();
        if records.len() as u64 >= ASKS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    store.close().await;
    let mut ids: Vec<&str> = records.iter().map(|r| r.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), records.len(), "one decision per message");
    assert_eq!(
        records.len() as u64,
        ASKS,
        "every ask decided: {records:#?}"
    );
    let replied = records.iter().filter(|r| r.action == "reply").count();
    assert_eq!(
        replied, 6,
        "the channel quota (6 an hour) holds across processes"
    );

    // The replies posted: never two for one message. A reply decided by A
    // in the instant before SIGKILL may not have been posted; it then stays
    // "pending" in the audit, visible, never silently lost.
    tokio::time::sleep(PROMPTLY).await;
    for r in records.iter().filter(|r| r.action == "reply") {
        let id: u64 = r.message_id.parse().unwrap();
        let n = replies_to(&fake_a, id) + replies_to(&fake_b, id);
        assert!(n <= 1, "message {id} got {n} replies");
        if n == 0 {
            assert_eq!(r.delivery, "pending", "{r:?}");
        }
    }
    for r in records.iter().filter(|r| r.action != "reply") {
        let id: u64 = r.message_id.parse().unwrap();
        assert_eq!(replies_to(&fake_a, id) + replies_to(&fake_b, id), 0);
    }

    a.kill();
    b.kill();
    fake_a.shutdown().await;
    fake_b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_given_a_shard_range_identifies_each_of_its_shards_of_the_total() {
    use shopkeep::config::ShardRange;
    let bot = super::start_bot(|c| {
        c.discord.shards = Some(ShardRange::parse("2-3/4").unwrap());
    })
    .await;
    // serenity waits between identifies, as Discord's rate limit asks.
    let mut shards = Vec::new();
    for _ in 0..1_000 {
        shards = bot
            .fake
            .identify_payloads()
            .iter()
            .map(|d| d["shard"].clone())
            .collect();
        if shards.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        shards,
        vec![serde_json::json!([2, 4]), serde_json::json!([3, 4])],
        "shards 2 and 3 of 4, nothing else"
    );
    bot.finish().await;
}
