//! Tests for the evaluation report, and the dev-set floors that catch
//! detector regressions.

use std::path::Path;

use super::*;
use crate::core::detect::DetectorSettings;

fn detector() -> Detector {
    Detector::new(DetectorSettings::default())
}

#[test]
fn malformed_lines_are_reported_with_their_line_number_and_skipped() {
    let text = concat!(
        r#"{"id":"a","text":"where can I buy a desk?","label":"solicitation","kind":"k"}"#,
        "\n\nnot json\n",
        r#"{"id":"b","text":"hi","label":"maybe"}"#,
        "\n",
        r#"{"id":"c","text":"hello","label":"not","kind":"chat","extra":1}"#,
        "\n"
    );
    let (examples, skipped) = parse(text);
    assert_eq!(examples.len(), 2);
    assert_eq!(
        skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![3, 4]
    );
}

#[test]
fn intent_counts_as_not_solicitation_in_the_headline_metric() {
    let text = concat!(
        r#"{"id":"1","text":"where can I buy a desk?","label":"solicitation","kind":"a"}"#,
        "\n",
        r#"{"id":"2","text":"getting a new laptop this weekend","label":"intent","kind":"b"}"#,
        "\n",
        r#"{"id":"3","text":"I bought it and it broke","label":"not","kind":"c"}"#,
        "\n",
        r#"{"id":"4","text":"hello there","label":"solicitation","kind":"a"}"#,
    );
    let (examples, skipped) = parse(text);
    let r = evaluate(&examples, &detector(), skipped);
    assert_eq!(
        (r.counts.tp, r.counts.fp, r.counts.fn_, r.counts.tn),
        (1, 0, 1, 2)
    );
    assert_eq!(r.precision, 1.0);
    assert_eq!(r.recall, 0.5);
    assert!((r.f1 - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(r.confusion["intent"]["intent"], 1);
    assert_eq!(r.by_kind["a"].n, 2);
    assert_eq!(r.misclassified.len(), 1);
    assert_eq!(r.misclassified[0].id, "4");
    assert_eq!(r.thresholds.len(), 9);
}

#[test]
fn json_output_is_one_object_with_the_headline_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.jsonl");
    std::fs::write(
        &path,
        r#"{"id":"1","text":"any deals on desks?","label":"solicitation"}"#,
    )
    .unwrap();
    let mut out = Vec::new();
    run(std::slice::from_ref(&path), &detector(), true, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for key in [
        "precision",
        "recall",
        "f1",
        "tp",
        "fp",
        "fn",
        "tn",
        "fp_rate",
        "confusion",
        "by_kind",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let mut text = Vec::new();
    run(std::slice::from_ref(&path), &detector(), false, &mut text).unwrap();
    assert!(String::from_utf8(text).unwrap().contains("precision 1.000"));
}

#[test]
fn a_missing_file_is_an_error_that_names_it() {
    let err = run(
        &[Path::new("/no/such/file.jsonl").to_path_buf()],
        &detector(),
        false,
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("/no/such/file.jsonl"));
}

/// The floors reached on the development set; raise them as the detector
/// improves, never lower them to make a change pass.
#[test]
fn dev_set_precision_and_recall_stay_above_their_floors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dev.jsonl");
    let (examples, skipped) = load(&path).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    assert!(examples.len() >= 650);
    let r = evaluate(&examples, &detector(), skipped);
    assert!(r.precision >= 0.975, "precision {:.3}", r.precision);
    assert!(r.recall >= 0.96, "recall {:.3}", r.recall);
    assert!(r.fp_rate <= 0.015, "false-positive rate {:.4}", r.fp_rate);
}

/// The second development set, written independently of the first; a third
/// of it (chosen by a fixed hash of the id) was never tuned on.
#[test]
fn second_dev_set_precision_and_recall_stay_above_their_floors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dev2.jsonl");
    let (examples, skipped) = load(&path).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    assert!(examples.len() >= 400);
    let r = evaluate(&examples, &detector(), skipped);
    assert!(r.precision >= 0.95, "precision {:.3}", r.precision);
    assert!(r.recall >= 0.80, "recall {:.3}", r.recall);
    assert!(r.fp_rate <= 0.03, "false-positive rate {:.4}", r.fp_rate);
}

fn scored(gold: bool, score: f32) -> Scored {
    Scored {
        gold,
        score,
        rnd_negative: false,
    }
}

#[test]
fn recall_at_a_precision_is_the_best_a_single_threshold_can_reach() {
    // Scores high to low: ask, ask, not, ask, not, ask.
    let rows = [
        scored(true, 0.9),
        scored(true, 0.8),
        scored(false, 0.7),
        scored(true, 0.6),
        scored(false, 0.5),
        scored(true, 0.4),
    ];
    // P 1.0 down to 0.8: 2 of 4 asks; P 0.75 at 0.6: 3 of 4.
    assert_eq!(recall_at_precision(&rows, 0.95), 0.5);
    assert_eq!(recall_at_precision(&rows, 0.75), 0.75);
    assert_eq!(recall_at_precision(&rows, 0.6), 1.0);
    // A tie cannot be split by a threshold: the not at 0.9 comes with it.
    let tied = [scored(true, 0.9), scored(false, 0.9), scored(true, 0.1)];
    assert_eq!(recall_at_precision(&tied, 0.9), 0.0);
    assert_eq!(recall_at_precision(&[scored(false, 0.3)], 0.9), 0.0);
}

#[test]
fn each_file_is_a_family_with_its_own_figures_and_random_draw_false_positives() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("shopchat.jsonl");
    let b = dir.path().join("tweets.jsonl");
    std::fs::write(
        &a,
        concat!(
            r#"{"id":"shopchat-mined-1","text":"where can I buy a solid oak dining table?","label":"solicitation"}"#,
            "\n",
            r#"{"id":"shopchat-rnd-2","text":"see you all at the meetup tomorrow","label":"not"}"#,
            "\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &b,
        concat!(
            r#"{"id":"tweets-rnd-1","text":"anyone know a good laptop under $1000?","label":"not"}"#,
            "\n",
            r#"{"id":"tweets-mined-2","text":"lovely weather today","label":"not"}"#,
            "\n"
        ),
    )
    .unwrap();
    let mut out = Vec::new();
    run(&[a, b], &detector(), true, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let families = v["families"].as_array().unwrap();
    assert_eq!(families.len(), 2);
    assert_eq!(families[0]["family"], "shopchat");
    assert_eq!(families[0]["n"], 2);
    assert_eq!(families[0]["recall"], 1.0);
    // The laptop ask labelled `not` is a random-draw false positive in
    // its own family only.
    assert_eq!(families[1]["rnd_negatives"], 1);
    assert_eq!(families[1]["rnd_fp_rate"], 1.0);
    assert_eq!(families[0]["rnd_fp_rate"], 0.0);
    assert_eq!(v["rnd_negatives"], 2);
    assert_eq!(v["rnd_fp_rate"], 0.5);
    let mut text = Vec::new();
    run(
        &[
            dir.path().join("shopchat.jsonl"),
            dir.path().join("tweets.jsonl"),
        ],
        &detector(),
        false,
        &mut text,
    )
    .unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("R@P.90"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("tweets ")), "{text}");
}
