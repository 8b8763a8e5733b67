//! The whole decision path per message — flood guard, detector, catalogue,
//! limits, template rendering and compliance — on the shipped config and
//! templates, with a realistic mix where most messages are not
//! solicitations. Target: ≥ 100,000 messages per second on one core.
//!
//! Run: `cargo bench --bench decide`

use std::hint::black_box;
use std::path::Path;

use chrono::{Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shopkeep::core::decide_paced;
use shopkeep::core::flood::FloodGuard;
use shopkeep::core::model::{Author, ChannelRef, Inbound, Place};
use shopkeep::core::state::State;

/// Chat as it mostly is, with one solicitation in ten.
const CHAT: &[&str] = &[
    "morning all, anyone else still half asleep?",
    "lol my cat just knocked a plant off the windowsill",
    "I bought the bench from you last month and one leg is wobbling",
    "Just got my sideboard delivered and it's gorgeous!! 😍",
    "how do you get water rings off an oiled table?",
    "Can't believe it's nearly December already",
    "congrats on the design award!! well deserved 🏆",
    "not looking to buy, just browsing the photos in here",
    "Never buying from you again. Three weeks late and nobody answers emails.",
];
const ASKS: &[&str] = &["where can I buy a solid oak dining table that seats 8? any deals?"];

fn messages(n: usize) -> Vec<Inbound> {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let text = if i % 10 == 9 {
                ASKS[0]
            } else {
                CHAT[i % CHAT.len()]
            };
            Inbound {
                id: format!("m{i}"),
                at: t0 + Duration::milliseconds(i as i64 * 50),
                author: Author {
                    id: format!("u{}", i % 5000),
                    name: format!("user{}", i % 5000),
                    bot: false,
                    staff: false,
                    webhook: false,
                },
                place: Place::Guild {
                    guild: "g".into(),
                    channel: ChannelRef::named(if i % 2 == 0 { "general" } else { "deals" }),
                    thread: None,
                },
                content: text.into(),
                mentions: vec![],
                mentions_bot: false,
                reply_to: None,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config =
        shopkeep::config::load(&root.join("config/shopkeep.toml")).expect("shipped config loads");
    // The shipped config starts in shadow; measure the live decision path.
    config.mode = shopkeep::core::policy::Mode::Live;
    let replies = shopkeep::app::replies(&config).expect("shipped templates load");
    let policy = config.policy();
    let batch = messages(10_000);
    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("mixed_10k_messages_one_in_ten_asks", |b| {
        b.iter(|| {
            let mut state = State::new();
            let mut flood = FloodGuard::new(policy.limits.per_user_per_minute);
            for m in &batch {
                let d = decide_paced(m, m.at, &mut flood, &state, &policy, replies.as_ref());
                for e in &d.effects {
                    state.apply(e);
                }
                black_box(&d);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
