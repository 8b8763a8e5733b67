//! Decisions per second when several processes share one store (issue 16).
//! Each "process" is an engine with its own store connection to one SQLite
//! file, as separate `shopkeep run` processes on one machine have; they
//! decide their own share of a stream of messages (sharded delivery: each
//! message reaches one of them) concurrently, every decision under the
//! store's write lock after folding in the others' effects. The policy and
//! templates are the shipped ones; one message in ten is an ask (the
//! detector's second stage runs on those), the rest is chat, and every
//! message comes from a new member so limits do not cut the work short.
//!
//! Measured 2026-12-08 on the 2-core dev machine, decisions per second:
//! 1 process 500, 2 processes 431, 4 processes 359 (one process before
//! the write lock and log: 525). What limits it: the
//! store's single writer (one decision at a time across all processes)
//! and, for asks, the encoder's CPU time.
//!
//! Run: `cargo bench --bench shared_store`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shopkeep::core::model::{Author, ChannelRef, Inbound, Place};
use shopkeep::engine::{Engine, Source};
use shopkeep::store::Store;
use tokio::runtime::Runtime;

const MESSAGES: usize = 400;

fn message(n: usize) -> Inbound {
    let text = if n % 10 == 0 {
        "where can I buy a solid oak dining table? any deals?"
    } else {
        "anyone watching the match tonight? lovely weather for it"
    };
    let member = format!("member{n}");
    Inbound {
        id: format!("m{n}"),
        at: Utc::now(),
        author: Author {
            id: member.clone(),
            name: member,
            bot: false,
            staff: false,
            webhook: false,
        },
        place: Place::Guild {
            guild: "g1".into(),
            channel: ChannelRef::named("general"),
            thread: None,
        },
        content: text.into(),
        mentions: vec![],
        mentions_bot: false,
        reply_to: None,
    }
}

/// `processes` engines over one fresh store file decide MESSAGES messages,
/// each its share, concurrently; the time it took.
async fn run(processes: usize, round: usize) -> Duration {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = shopkeep::config::load(&root.join("config/shopkeep.toml")).unwrap();
    let replies = shopkeep::app::replies(&config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db").display().to_string();
    let mut engines = Vec::new();
    for _ in 0..processes {
        let store = Store::open(&path).await.unwrap();
        engines.push(
            Engine::start(config.policy(), Arc::clone(&replies), store, Source::Live)
                .await
                .unwrap(),
        );
    }
    let shares: Vec<Vec<Inbound>> = (0..processes)
        .map(|p| {
            (0..MESSAGES)
                .filter(|n| n % processes == p)
                .map(|n| message(round * MESSAGES + n))
                .collect()
        })
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = engines
        .into_iter()
        .zip(shares)
        .map(|(mut engine, share)| {
            tokio::spawn(async move {
                for m in &share {
                    engine.handle(m, m.at).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

fn shared_store(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let mut group = c.benchmark_group("shared_store");
    group.sample_size(10);
    group.throughput(Throughput::Elements(MESSAGES as u64));
    for processes in [1, 2, 4] {
        group.bench_function(format!("{processes}_processes"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for round in 0..iters as usize {
                    total += rt.block_on(run(processes, round));
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, shared_store);
criterion_main!(benches);
