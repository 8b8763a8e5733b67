//! At run time a reply that fails a rule is not produced: `render` returns
//! `ReplyRefused` with the rule ids, so the core hands the message to staff.

use super::fixtures::{copy_of_shipped, oak_and_thistle, request, shipped_dir, write};
use crate::core::replies::{Replies, ReplyKind, ReplyRefused};
use crate::reply::{Rule, TemplateSet};

/// Parses (without the load-time compliance gate) a copy of the shipped
/// templates with `opt_in.hbs` replaced, to render a non-compliant draft.
fn draft(text: &str) -> TemplateSet {
    let dir = copy_of_shipped();
    write(dir.path(), "opt_in", text);
    TemplateSet::parse(oak_and_thistle(dir.path())).expect("parses")
}

fn refused(set: &TemplateSet, kind: ReplyKind, category: Option<&str>) -> ReplyRefused {
    let req = request(kind, "opt_in", category, "Sam");
    set.render(&req).expect_err("must be refused")
}

#[test]
fn a_banned_phrase_is_refused_with_its_rule_and_a_readable_message() {
    let r = refused(
        &draft("I'm {{disclosure}}. Hurry back!"),
        ReplyKind::OptIn,
        None,
    );
    assert_eq!(r.template, "opt_in");
    assert_eq!(r.rules, [Rule::PhraseBanned.id()]);
    assert!(
        r.message.contains("phrase.banned: banned phrase \"Hurry\""),
        "{}",
        r.message
    );
}

#[test]
fn every_failing_rule_is_listed() {
    let set = draft("Act now @everyone: https://evil.example 50% off at Pine Palace");
    let r = refused(&set, ReplyKind::OptIn, None);
    for rule in [
        Rule::MentionMass,
        Rule::LinkDomain,
        Rule::DisclosureMissing,
        Rule::PhraseBanned,
        Rule::CompetitorNamed,
        Rule::PriceNotAllowed,
    ] {
        assert!(
            r.rules.contains(&rule.id().to_string()),
            "{rule}: {:?}",
            r.rules
        );
    }
}

#[test]
fn the_disclosure_is_required_in_public_but_not_in_a_dm() {
    let set = draft("Welcome back, {{asker}}.");
    assert_eq!(
        refused(&set, ReplyKind::OptIn, None).rules,
        [Rule::DisclosureMissing.id()]
    );
    let mut req = request(ReplyKind::OptIn, "opt_in", None, "Sam");
    req.public = false;
    assert_eq!(
        set.render(&req).expect("a DM needs no disclosure").text,
        "Welcome back, Sam."
    );
}

#[test]
fn the_staff_notice_is_held_to_discords_limit_not_the_reply_limit() {
    let dir = copy_of_shipped();
    let long = "context ".repeat(60);
    write(
        dir.path(),
        "staff_notice",
        &format!("New ticket from {{{{asker}}}}. {long}"),
    );
    let set = TemplateSet::load(oak_and_thistle(dir.path())).expect("480 chars is fine for staff");
    let req = request(ReplyKind::StaffNotice, "staff_notice", None, "Sam");
    assert!(set.render(&req).expect("renders").text.chars().count() > 280);
}

#[test]
fn an_unknown_template_or_category_is_refused_not_guessed() {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads");
    let req = request(ReplyKind::Solicitation, "nope", None, "Sam");
    assert_eq!(
        set.render(&req).unwrap_err().rules,
        [Rule::TemplateMissing.id()]
    );
    let req = request(
        ReplyKind::Solicitation,
        "solicitation",
        Some("sofas"),
        "Sam",
    );
    assert_eq!(
        set.render(&req).unwrap_err().rules,
        [Rule::CategoryUnknown.id()]
    );
}

#[test]
fn a_customers_own_name_does_not_break_the_brands_rules() {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads");
    let asker = "Guaranteed Gary 100% Pine Palace";
    let req = request(ReplyKind::Solicitation, "solicitation", Some("beds"), asker);
    let text = set
        .render(&req)
        .expect("the name is the customer's, not a claim")
        .text;
    assert!(
        text.starts_with("Hi Guaranteed Gary 100% Pine Palace,"),
        "{text}"
    );
}

#[test]
fn prices_pass_only_in_a_category_that_allows_them() {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads");
    let finance = request(ReplyKind::Solicitation, "finance", Some("finance"), "Sam");
    assert!(set
        .render(&finance)
        .expect("allowed")
        .text
        .contains("0% APR"));
    let beds = request(ReplyKind::Solicitation, "finance", Some("beds"), "Sam");
    let r = set.render(&beds).unwrap_err();
    assert!(
        r.rules.contains(&Rule::PriceNotAllowed.id().to_string()),
        "{r:?}"
    );
}

#[test]
fn a_category_disclaimer_must_appear() {
    let set = TemplateSet::load(oak_and_thistle(&shipped_dir())).expect("loads");
    let req = request(ReplyKind::Solicitation, "bespoke", Some("finance"), "Sam");
    let r = set.render(&req).unwrap_err();
    assert_eq!(r.rules, [Rule::DisclaimerMissing.id()], "{r:?}");
}
