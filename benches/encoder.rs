//! The second stage's speed on real messages (`tests/data/real`):
//! - `encoder/chat_length`: the encoder alone on random-draw messages from
//!   the community-chat families (target ≥ 100 messages/s on one core);
//! - `detect_two_stage/rnd_rows`: the whole detector (rules, learned layer,
//!   encoder where the first stage does not reject) on every random-draw
//!   message of every family, i.e. ordinary traffic (target ≥ 500/s);
//! - `encoder/load`: reading and de-quantising the shipped model.
//!
//! One core: `RAYON_NUM_THREADS=1 taskset -c 0 cargo bench --bench encoder`.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use shopkeep::core::detect::{Detector, DetectorSettings, Encoder};
use shopkeep::eval;

fn real_rows(families: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/data/real") {
        let path = entry.expect("a directory entry").path();
        if path.extension().map_or(true, |e| e != "jsonl") {
            continue;
        }
        let family = eval::family_of(&path);
        if !families.is_empty() && !families.contains(&family.as_str()) {
            continue;
        }
        let (examples, _) = eval::load(&path).expect("a labelled file");
        out.extend(
            examples
                .into_iter()
                .filter(|e| e.is_random_draw())
                .map(|e| e.text),
        );
    }
    out.sort();
    out
}

fn encoder(c: &mut Criterion) {
    let enc = Encoder::embedded().expect("the shipped encoder loads");
    let chat = real_rows(&["groupchat", "whatsappgroups", "streamchat", "gamechat"]);
    let sample: Vec<&String> = chat.iter().step_by((chat.len() / 200).max(1)).collect();
    let mut group = c.benchmark_group("encoder");
    group.sample_size(10);
    group.throughput(Throughput::Elements(sample.len() as u64));
    group.bench_function("chat_length", |b| {
        b.iter(|| {
            for m in &sample {
                black_box(enc.logit(black_box(m)));
            }
        })
    });
    group.finish();
}

fn two_stage(c: &mut Criterion) {
    let d = Detector::new(DetectorSettings {
        encoder: Some(Encoder::embedded().expect("the shipped encoder loads")),
        ..DetectorSettings::default()
    });
    let rnd = real_rows(&[]);
    let mut group = c.benchmark_group("detect_two_stage");
    group.sample_size(10);
    group.throughput(Throughput::Elements(rnd.len() as u64));
    group.bench_function("rnd_rows", |b| {
        b.iter(|| {
            for m in &rnd {
                black_box(d.detect(black_box(m)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, encoder, two_stage);
criterion_main!(benches);
