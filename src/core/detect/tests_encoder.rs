//! The second stage: the shipped encoder loads and reads real messages;
//! broken model files fail with errors that name the file; hostile input
//! is scored without panics.

use super::encoder::{recorded_checksum, sha256_hex, Encoder, EncoderError};
use super::*;

const WEIGHTS: &[u8] = include_bytes!("../../../models/encoder.safetensors");
const TOKENIZER: &[u8] = include_bytes!("../../../models/tokenizer.json");

fn shipped() -> Arc<Encoder> {
    Encoder::embedded().expect("the shipped encoder loads")
}

fn with_encoder() -> Detector {
    Detector::new(DetectorSettings {
        encoder: Some(shipped()),
        ..DetectorSettings::default()
    })
}

/// Real messages from `tests/data/real` (ids in the comments), labelled
/// by two readers.
const ASKS: &[&str] = &[
    // groupchat-mined-kmd: where to buy
    "where can I buy supernets?",
    // servicechat: fare question to a rail company's assistant
    "How much is a ticket from Seattle to Portland?",
    // comments: which to buy, under a product video
    "Xm5 or airpod max ? Which one to go for guys ?",
    // gamechat: a buyer in trade chat
    "WTB [Primordial Saronite] 750g",
];
const NOT_ASKS: &[&str] = &[
    // groupchat: advice to others
    "There seems not to be much nuance in the advice people get when starting out. I wouldn't recommend anyone start out with the stuff I bought for example (but using it and learning was really fun!).",
    // chat: technical chatter
    "you need to restart the daemon after editing the config",
    // servicechat: an existing booking
    "I need to change the date on my reservation",
    // brandtweets: a complaint about an order
    "@Flipkart ordered two weeks ago and still no delivery, worst service",
];

#[test]
fn the_shipped_encoder_scores_real_asks_above_real_non_asks() {
    let e = shipped();
    let asks: Vec<f32> = ASKS.iter().map(|t| e.logit(t)).collect();
    let nots: Vec<f32> = NOT_ASKS.iter().map(|t| e.logit(t)).collect();
    let lowest_ask = asks.iter().copied().fold(f32::INFINITY, f32::min);
    let highest_not = nots.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    assert!(
        lowest_ask > highest_not,
        "asks {asks:?} should all score above non-asks {nots:?}"
    );
}

#[test]
fn the_encoder_joins_the_explanation_with_its_own_sign_and_keeps_the_score_arithmetic() {
    let d = with_encoder();
    let v = d.detect(ASKS[0]);
    let cue = v
        .cues
        .iter()
        .find(|c| c.id == "model.encoder")
        .expect("the encoder ran on an ask");
    assert!(cue.matched.starts_with("encoder logit"), "{cue:?}");
    // The encoder reads this ask as an ask: its cue pushes towards
    // solicitation, however confident the first stage was.
    assert!(cue.weight > 0.0, "{cue:?}");
    assert!(
        v.cues.iter().any(|c| c.id == "model.first_stage_share"),
        "{v:?}"
    );
    let z = v.prior + v.cues.iter().map(|c| c.weight).sum::<f32>();
    let s = 1.0 / (1.0 + (-z).exp());
    assert!((s - v.score).abs() < 1e-4, "{s} vs {}", v.score);
}

#[test]
fn messages_the_first_stage_clearly_rejects_never_reach_the_encoder() {
    let d = with_encoder();
    let v = d.detect("lol same, see you all tomorrow");
    assert!(v.cues.iter().all(|c| c.id != "model.encoder"), "{v:?}");
    assert_eq!(v.class, Class::Not);
}

#[test]
fn hostile_messages_are_scored_without_panics() {
    let e = shipped();
    let zalgo: String = "buy"
        .chars()
        .flat_map(|c| [c, '\u{0301}', '\u{0336}', '\u{0489}'])
        .cycle()
        .take(3000)
        .collect();
    let long = "where can I buy a desk? ".repeat(200);
    let mixed = "где купить ноутбук 在哪里买 laptop أين أشتري 🛒🛒🛒 @everyone <@123> ```rm -rf```";
    for text in [
        "",
        " ",
        "\u{200b}\u{200b}",
        zalgo.as_str(),
        long.as_str(),
        mixed,
    ] {
        let z = e.logit(text);
        assert!(z.is_finite(), "{text:?} gave {z}");
    }
    assert!(long.len() > 4000);
}

#[test]
fn a_file_that_does_not_match_its_checksum_is_refused_naming_the_file() {
    let wrong = "0".repeat(64);
    let err = Encoder::from_bytes(
        WEIGHTS,
        "my/encoder.safetensors",
        &wrong,
        TOKENIZER,
        "t.json",
    )
    .expect_err("checksum mismatch");
    match &err {
        EncoderError::Checksum {
            file,
            expected,
            found,
        } => {
            assert_eq!(file, "my/encoder.safetensors");
            assert_eq!(expected, &wrong);
            assert_eq!(found, &sha256_hex(WEIGHTS));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("my/encoder.safetensors"), "{err}");
}

#[test]
fn a_truncated_file_is_refused_even_with_a_matching_checksum() {
    let cut = &WEIGHTS[..WEIGHTS.len() / 2];
    let err = Encoder::from_bytes(
        cut,
        "cut.safetensors",
        &sha256_hex(cut),
        TOKENIZER,
        "t.json",
    )
    .expect_err("truncated");
    assert!(matches!(err, EncoderError::Weights { .. }), "{err:?}");
    assert!(err.to_string().starts_with("cut.safetensors: "), "{err}");
}

#[test]
fn a_tokenizer_that_is_not_one_is_refused_naming_it() {
    let sum = sha256_hex(WEIGHTS);
    let err = Encoder::from_bytes(
        WEIGHTS,
        "w",
        &sum,
        b"{\"not\": \"a tokenizer\"}",
        "bad.json",
    )
    .expect_err("bad tokenizer");
    assert!(matches!(err, EncoderError::Tokenizer { .. }), "{err:?}");
    assert!(err.to_string().starts_with("bad.json: "), "{err}");
}

#[test]
fn a_checksum_file_is_read_as_sha256sum_writes_it() {
    assert_eq!(recorded_checksum("abc123  encoder.safetensors\n"), "abc123");
    assert_eq!(recorded_checksum("  abc123\n"), "abc123");
    assert_eq!(recorded_checksum(""), "");
}

/// The shipped weights with one tensor left out, re-serialised with the
/// same metadata (and so the same format).
fn without_tensor(name: &str) -> Vec<u8> {
    let st = safetensors::SafeTensors::deserialize(WEIGHTS).expect("shipped weights parse");
    let (_, meta) = safetensors::SafeTensors::read_metadata(WEIGHTS).expect("metadata");
    let kept: Vec<(String, safetensors::tensor::TensorView<'_>)> = st
        .tensors()
        .into_iter()
        .filter(|(n, _)| n != name)
        .collect();
    assert!(kept.len() + 1 == st.len(), "the shipped file has {name}");
    safetensors::serialize(kept, meta.metadata().clone()).expect("serialise")
}

#[test]
fn a_file_missing_part_of_its_head_is_refused_naming_the_tensor() {
    for name in ["head.hidden.weight", "head.weight"] {
        let bytes = without_tensor(name);
        let err = Encoder::from_bytes(
            &bytes,
            "headless.safetensors",
            &sha256_hex(&bytes),
            TOKENIZER,
            "t.json",
        )
        .expect_err("a head tensor is missing");
        assert!(matches!(err, EncoderError::Weights { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.starts_with("headless.safetensors: "), "{text}");
        assert!(text.contains(name), "{text}");
    }
}
