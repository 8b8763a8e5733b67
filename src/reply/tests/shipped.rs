//! The shipped templates: they pass `check`, and every variant's rendering
//! for every category it serves is pinned by an insta snapshot.

use std::fmt::Write;

use super::fixtures::{oak_and_thistle, request, shipped_dir};
use crate::core::replies::{Replies, ReplyKind};
use crate::reply::{check, TemplateSet};

#[test]
fn the_shipped_templates_pass_check() {
    let problems = check(&oak_and_thistle(&shipped_dir()));
    let listed: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(listed.is_empty(), "{}", listed.join("\n"));
}

/// Every variant of `template` for kind `kind`, for no category and for each
/// category given, as `[variant/category] text` lines.
fn rendering(template: &str, kind: ReplyKind, categories: &[Option<&str>]) -> String {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("shipped set loads");
    let count = set
        .templates()
        .find(|(n, _)| *n == template)
        .expect("template")
        .1;
    let mut out = String::new();
    for category in categories {
        for variant in 0..count {
            let req = request(kind, template, *category, "Sam");
            let checked = set.render_variant(&req, variant).expect("renders");
            assert!(checked.is_compliant(), "{:?}", checked.violations);
            let label = category.unwrap_or("-");
            let len = checked.reply.text.chars().count();
            writeln!(out, "[{variant} {label} {len}ch] {}", checked.reply.text).unwrap();
        }
    }
    out
}

const PRODUCT_CATEGORIES: &[Option<&str>] = &[None, Some("dining-tables"), Some("finance")];

#[test]
fn snapshot_solicitation() {
    let cats = [None, Some("dining-tables"), Some("beds")];
    insta::assert_snapshot!(rendering("solicitation", ReplyKind::Solicitation, &cats));
}

#[test]
fn snapshot_multi_brand() {
    let text = rendering("multi_brand", ReplyKind::MultiBrand, PRODUCT_CATEGORIES);
    insta::assert_snapshot!(text);
}

#[test]
fn snapshot_intent() {
    insta::assert_snapshot!(rendering("intent", ReplyKind::Intent, PRODUCT_CATEGORIES));
}

#[test]
fn snapshot_bespoke() {
    let cats = [Some("bespoke")];
    insta::assert_snapshot!(rendering("bespoke", ReplyKind::Solicitation, &cats));
}

#[test]
fn snapshot_finance() {
    let cats = [Some("finance")];
    insta::assert_snapshot!(rendering("finance", ReplyKind::Solicitation, &cats));
}

#[test]
fn snapshot_handoffs_opt_out_opt_in_and_staff_notice() {
    let mut out = String::new();
    for (template, kind) in [
        ("handoff_public", ReplyKind::HandoffPublic),
        ("handoff_dm", ReplyKind::HandoffDm),
        ("opt_out", ReplyKind::OptOut),
        ("opt_in", ReplyKind::OptIn),
        ("staff_notice", ReplyKind::StaffNotice),
    ] {
        writeln!(out, "## {template}").unwrap();
        out.push_str(&rendering(template, kind, &[None, Some("beds")]));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn rotation_never_repeats_the_previous_variant() {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads");
    let mut req = request(ReplyKind::Solicitation, "solicitation", Some("beds"), "Sam");
    let mut seen = Vec::new();
    for _ in 0..6 {
        let reply = set.render(&req).expect("renders");
        seen.push(reply.variant);
        req.previous_variant = Some(reply.variant);
    }
    assert_eq!(seen, [0, 1, 2, 0, 1, 2]);
}

#[test]
fn rotation_wraps_an_out_of_range_previous_variant() {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads");
    let mut req = request(ReplyKind::OptIn, "opt_in", None, "Sam");
    req.previous_variant = Some(7);
    assert_eq!(set.render(&req).expect("renders").variant, 0);
}
