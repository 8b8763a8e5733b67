//! Detector throughput on realistic chat messages (20–300 characters) and
//! the worst case: a 4,000-character message (Discord's limit), plain and
//! hostile. Targets: ≤ 5 µs per typical message, < 1 ms for any message.
//!
//! Run with `cargo bench --bench detect`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shopkeep::core::detect::{Detector, DetectorSettings};

const MESSAGES: &[&str] = &[
    "where can i buy a solid oak dining table?",
    "anyone know a good laptop under $1000? mostly coding + some light gaming",
    "@HarbourBank @Northwind @CityTrust first time buyer here, convince me",
    "I bought this kettle last week and it already broke, not impressed",
    "lol same",
    "do you have an update on my refund? order #5521",
    "Looking for an espresso machine for a beginner, budget ~€400. Breville? Gaggia? Something else? Don't want to spend half an hour every morning faffing about",
    "gonna order the sage duvet set again when it's restocked, loved the first one",
    "20% off all chairs this weekend only!! use code SPRING at checkout, link in bio",
    "is the walnut desk back in stock? been checking every day 🙏",
    "honestly the new update is great, thanks team ❤️",
    "what's the best way to clean an oak table? ours is looking a bit dry",
    "OK so bit of background. I've been working from home since 2020 and my setup is honestly embarrassing: kitchen chair, laptop on a stack of books, the works. Which desk would you buy for a small flat?",
    "ngl i need new running shoes, flat feet, overpronate. what are u lot wearing",
    "not looking to buy anything, just browsing the new range",
    "thinking of switching banks, who should I go with?",
];

fn long_post() -> String {
    let mut s = String::new();
    while s.len() < 3900 {
        s.push_str("So we finally moved in last month, the old sofa did not survive the stairs and the kids wrecked the rest. ");
    }
    s.push_str("Which sofa would you buy for a small sunny room?");
    s.chars().take(4000).collect()
}

fn detector() -> Detector {
    Detector::new(DetectorSettings {
        brand_names: vec!["Harbour Bank".into(), "@HarbourBank".into()],
        competitors: vec!["Northwind".into(), "CityTrust".into()],
        ..Default::default()
    })
}

fn typical(c: &mut Criterion) {
    let d = detector();
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    group.bench_function("typical_messages", |b| {
        b.iter(|| {
            for m in MESSAGES {
                black_box(d.detect(black_box(m)));
            }
        })
    });
    group.finish();
}

fn worst_case(c: &mut Criterion) {
    let d = detector();
    let mentions: String = (0..500)
        .map(|i| format!("<@{i}>"))
        .collect::<Vec<_>>()
        .join(" ");
    let zalgo: String = "where can i buy a desk "
        .chars()
        .cycle()
        .take(800)
        .flat_map(|c| [c, '\u{336}', '\u{321}', '\u{35c}', '\u{489}'])
        .collect();
    let cases = [
        ("long_post_4000", long_post()),
        ("emoji_4000", "😂".repeat(4000)),
        ("zalgo_4000", zalgo),
        ("mentions_500", mentions),
        (
            "words_4000",
            "buy where can i get recommend or ".repeat(121),
        ),
    ];
    let mut group = c.benchmark_group("detect_worst");
    for (name, text) in &cases {
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| {
            b.iter(|| black_box(d.detect(black_box(t))))
        });
    }
    group.finish();
}

criterion_group!(benches, typical, worst_case);
criterion_main!(benches);
