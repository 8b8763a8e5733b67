//! End-to-end reply latency: from the fake Discord sending MESSAGE_CREATE on
//! the gateway to the reply's `POST /channels/{id}/messages` arriving at its
//! REST server — through the real serenity client, the handler, the queue,
//! the engine (detector, limits, templates, the SQLite write before acting)
//! and delivery. The bot runs exactly as `shopkeep run` does, with the
//! shipped config and templates and a store file in a tempdir; quotas are
//! lifted and every message comes from a new user so each one is answered.
//!
//! Target (issue 12, with the encoder on): p99 < 50 ms. Measured
//! 2026-12-07 on the 2-core dev machine, encoder on one thread as
//! `shopkeep` runs it (805 messages): p50 15.5 ms, p90 17.2 ms, p99
//! 26.6 ms, max 62 ms; the bare bot in the same run (26,041 messages):
//! p50 0.28 ms, p99 0.47 ms. Without the encoder (2026-11-23): p50
//! 0.78 ms, p99 7.35 ms.
//!
//! The floor, in the same run: a bare serenity bot (`Bare`, it answers
//! every message with "pong" and nothing else) against its own fake,
//! measured the same way. Shopkeep's figure over the floor's is what
//! Shopkeep itself costs.
//!
//! Run: `cargo bench --bench latency` (prints p50/p90/p99/max of both after
//! criterion's report, and the ratio of the p50s).

// The bench uses part of the shared harness; cargo builds it with cfg(test).
#[allow(dead_code, unused_imports)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use axum::http::Method;
use criterion::{criterion_group, criterion_main, Criterion};
use shopkeep::config::Config;
use shopkeep::discord::{run, Token};
use tokio::runtime::Runtime;

use serenity::all::{async_trait, Context, CreateMessage, EventHandler, Message};
use support::client::start_client;
use support::fake_discord::{FakeConfig, FakeDiscord};
use support::fixtures::{user_json, MessageJson, GENERAL, TOKEN};

const ASK: &str = "where can I buy a solid oak dining table? any deals?";
const POST_MESSAGE: &str = "/channels/*/messages";
const WAIT: Duration = Duration::from_secs(5);

struct Live {
    fake: FakeDiscord,
    next: u64,
    samples: Vec<Duration>,
}

fn config(fake: &FakeDiscord, dir: &Path) -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/shopkeep.toml");
    let mut config = shopkeep::config::load(&path).expect("the shipped config loads");
    config.discord.api_base = Some(fake.rest_base().to_owned());
    // The shipped config starts in shadow; these run the bot live.
    config.mode = shopkeep::core::policy::Mode::Live;
    config.storage_path = dir.join("bench.db").display().to_string();
    let l = &mut config.limits;
    (l.per_bot, l.per_server, l.per_channel) = (u32::MAX, u32::MAX, u32::MAX);
    config
}

/// One message from a new user; the time until its reply reaches the fake.
async fn one(live: &mut Live) -> Duration {
    live.next += 1;
    let n = live.next;
    let user = user_json(1_000_000 + n, &format!("shopper{n}"));
    let d = MessageJson::new(10_000_000 + n, GENERAL, user, ASK)
        .in_guild(vec![])
        .build();
    let from = live.fake.request_count();
    let sent = Instant::now();
    live.fake.dispatch("MESSAGE_CREATE", d);
    let post = live
        .fake
        .wait_for_request(from, WAIT, |r| r.is(&Method::POST, POST_MESSAGE))
        .await;
    post.at.duration_since(sent)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The floor: a serenity bot that answers every human message with "pong"
/// as a reply, deciding nothing and storing nothing.
struct Bare;

#[async_trait]
impl EventHandler for Bare {
    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot {
            return;
        }
        let reply = CreateMessage::new().content("pong").reference_message(&msg);
        let _ = msg.channel_id.send_message(&ctx, reply).await;
    }
}

/// Prints the percentiles; returns the p50.
fn report(what: &str, samples: &mut [Duration]) -> Duration {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\n{what}: MESSAGE_CREATE -> reply POST over {} messages: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        ms(percentile(samples, 0.50)),
        ms(percentile(samples, 0.90)),
        ms(percentile(samples, 0.99)),
        ms(samples[samples.len() - 1]),
    );
    percentile(samples, 0.50)
}

fn latency(c: &mut Criterion) {
    // As `shopkeep`'s main does: the encoder on one thread (see src/main.rs).
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("a tempdir");
    let (mut live, stop, bot) = rt.block_on(start(dir.path()));

    c.bench_function("message_create_to_reply_post", |b| {
        b.iter_custom(|iters| run_iters(&rt, &mut live, iters))
    });
    let (mut floor, bare) = rt.block_on(async {
        let fake = FakeDiscord::start(FakeConfig::default()).await;
        let bare = start_client(&fake, |b| b.event_handler(Bare)).await;
        let floor = Live {
            fake,
            next: 0,
            samples: Vec::new(),
        };
        (floor, bare)
    });
    c.bench_function("bare_serenity_bot_floor", |b| {
        b.iter_custom(|iters| run_iters(&rt, &mut floor, iters))
    });

    let shopkeep = report("shopkeep", &mut live.samples);
    let bare_p50 = report("bare serenity bot", &mut floor.samples);
    println!(
        "shopkeep p50 / bare p50 = {:.1}x",
        shopkeep.as_secs_f64() / bare_p50.as_secs_f64()
    );
    let _ = stop.send(());
    rt.block_on(async {
        bot.await
            .expect("run panicked")
            .expect("run stopped cleanly");
        live.fake.shutdown().await;
        bare.shutdown_within(WAIT).await;
        floor.fake.shutdown().await;
    });
}

type Started = (
    Live,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
);

async fn start(dir: &Path) -> Started {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let config = config(&fake, dir);
    let replies = shopkeep::app::replies(&config).expect("the shipped templates load");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let bot = tokio::spawn(run(config, Token::from(TOKEN), replies, shutdown));
    fake.wait_identified(WAIT).await;
    fake.assert_reached();
    let live = Live {
        fake,
        next: 0,
        samples: Vec::new(),
    };
    (live, stop, bot)
}

fn run_iters(rt: &Runtime, live: &mut Live, iters: u64) -> Duration {
    rt.block_on(async {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let took = one(live).await;
            live.samples.push(took);
            total += took;
        }
        total
    })
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(8));
    targets = latency
}
criterion_main!(benches);
