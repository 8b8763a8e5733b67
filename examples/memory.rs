//! Memory with a million distinct authors: feeds 1,000,000 messages, each
//! from a different person (one in ten a solicitation), through the real
//! engine and store over one simulated day, then prints the peak resident
//! memory and what the engine keeps in memory.
//!
//! Run: `cargo run --release --example memory`

use std::path::Path;

use chrono::{Duration, TimeZone, Utc};
use shopkeep::core::model::{Author, ChannelRef, Inbound, Place};
use shopkeep::engine::{Engine, Source};
use shopkeep::store::Store;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = shopkeep::config::load(&root.join("config/shopkeep.toml"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The shipped config starts in shadow; measure the live path.
    config.mode = shopkeep::core::policy::Mode::Live;
    let replies = shopkeep::app::replies(&config)?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("memory.db");
    let store = Store::open(db.to_str().unwrap()).await?;
    let mut engine = Engine::start(config.policy(), replies, store, Source::Live).await?;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let n = 1_000_000u32;
    let start = std::time::Instant::now();
    let mut replies_sent = 0usize;
    for i in 0..n {
        let content = if i % 10 == 0 {
            "where can I buy a solid oak dining table? any deals?"
        } else {
            "morning all, anyone else still half asleep?"
        };
        let msg = Inbound {
            id: format!("{}", 1_300_000_000_000_000_000u64 + u64::from(i)),
            at: t0 + Duration::milliseconds(i64::from(i) * 86),
            author: Author {
                id: format!("{}", 900_000_000_000_000_000u64 + u64::from(i)),
                name: format!("member{i}"),
                bot: false,
                staff: false,
                webhook: false,
            },
            place: Place::Guild {
                guild: "1".into(),
                channel: ChannelRef::named(if i % 2 == 0 { "general" } else { "deals" }),
                thread: None,
            },
            content: content.into(),
            mentions: vec![],
            mentions_bot: false,
            reply_to: None,
        };
        let handled = engine.handle(&msg, msg.at).await?;
        replies_sent += handled.decision.actions.len();
    }
    let (decided, cooldowns, window_entries) = engine.state().sizes();
    println!(
        "messages: {n} from {n} distinct authors in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    println!("replies: {replies_sent}; in memory: {decided} decided ids, {cooldowns} cooldowns, {window_entries} window entries");
    println!("peak resident memory: {:.1} MB", peak_rss_mb());
    Ok(())
}
