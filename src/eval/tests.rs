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
    run(&path, &detector(), true, &mut out).unwrap();
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
    run(&path, &detector(), false, &mut text).unwrap();
    assert!(String::from_utf8(text).unwrap().contains("precision 1.000"));
}

#[test]
fn a_missing_file_is_an_error_that_names_it() {
    let err = run(
        Path::new("/no/such/file.jsonl"),
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
