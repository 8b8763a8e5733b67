//! Issue 4, "Done when": a template with `{{unknown}}`, an unclosed block,
//! "act now!", a link to an unapproved domain, or over the length limit each
//! fails `check` with its own rule id and position.

use super::fixtures::{copy_of_shipped, oak_and_thistle, write};
use crate::reply::{check, Problem, Rule, TemplateSet};

/// Replaces `solicitation.hbs` in a copy of the shipped templates and checks.
fn check_with_solicitation(text: &str) -> (Vec<Problem>, std::path::PathBuf) {
    let dir = copy_of_shipped();
    let path = write(dir.path(), "solicitation", text);
    (check(&oak_and_thistle(dir.path())), path)
}

fn only_problem(text: &str) -> (Problem, std::path::PathBuf) {
    let (problems, path) = check_with_solicitation(text);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    (problems.into_iter().next().unwrap(), path)
}

fn assert_at(problem: &Problem, path: &std::path::Path, line: usize, col: usize, rule: Rule) {
    assert_eq!(problem.file, path);
    assert_eq!(
        (problem.line, problem.col, problem.rule),
        (line, col, rule),
        "{problem}"
    );
    let shown = problem.to_string();
    let prefix = format!("{}:{line}:{col} {} ", path.display(), rule.id());
    assert!(shown.starts_with(&prefix), "{shown}");
}

const GOOD: &str = "Hi {{asker}}, I'm {{disclosure}}. See {{link}}\n";

#[test]
fn an_unknown_value_fails_with_template_unknown_value_at_its_position() {
    let (p, path) = only_problem(&format!(
        "{GOOD}---\nHello {{{{unknown}}}}, I'm {{{{disclosure}}}}.\n"
    ));
    assert_at(&p, &path, 3, 7, Rule::TemplateUnknownValue);
    assert!(p.message.contains("`unknown`"), "{p}");
}

#[test]
fn an_unclosed_block_fails_with_template_syntax_at_its_position() {
    let (p, path) = only_problem(&format!(
        "{GOOD}---\nI'm {{{{disclosure}}}}.\n{{{{#if link}}}}See {{{{link}}}}\n"
    ));
    assert_at(&p, &path, 4, 1, Rule::TemplateSyntax);
    assert!(p.message.contains("`{{#if}}` is never closed"), "{p}");
}

#[test]
fn act_now_fails_with_phrase_banned_at_its_position() {
    let (p, path) = only_problem("Hi {{asker}}, I'm {{disclosure}}.\n  Act now! {{link}}\n");
    assert_at(&p, &path, 2, 3, Rule::PhraseBanned);
    assert!(p.message.contains("\"Act now\""), "{p}");
}

#[test]
fn a_link_to_an_unapproved_domain_fails_with_link_domain_at_its_position() {
    let (p, path) = only_problem("I'm {{disclosure}}. Deals: https://deals.evil.example/oak\n");
    assert_at(&p, &path, 1, 28, Rule::LinkDomain);
    assert!(p.message.contains("deals.evil.example"), "{p}");
}

#[test]
fn an_over_length_template_fails_with_length_max_at_the_variant_start() {
    let long = "solid oak ".repeat(30);
    let (p, path) = only_problem(&format!("{GOOD}---\n\nI'm {{{{disclosure}}}}. {long}\n"));
    assert_at(&p, &path, 4, 1, Rule::LengthMax);
    assert!(p.message.contains("limit is 280"), "{p}");
}

#[test]
fn a_missing_file_fails_with_template_missing() {
    let dir = copy_of_shipped();
    std::fs::remove_file(dir.path().join("opt_in.hbs")).unwrap();
    let problems = check(&oak_and_thistle(dir.path()));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].rule, Rule::TemplateMissing);
    assert!(problems[0].file.ends_with("opt_in.hbs"));
}

#[test]
fn every_problem_in_every_file_is_reported_at_once() {
    let dir = copy_of_shipped();
    write(dir.path(), "opt_in", "{{nope}}");
    write(dir.path(), "opt_out", "{{#if asker}}");
    let problems = check(&oak_and_thistle(dir.path()));
    let rules: Vec<Rule> = problems.iter().map(|p| p.rule).collect();
    assert!(rules.contains(&Rule::TemplateUnknownValue), "{problems:#?}");
    assert!(rules.contains(&Rule::TemplateSyntax), "{problems:#?}");
}

#[test]
fn a_failing_check_also_refuses_the_load() {
    let dir = copy_of_shipped();
    write(dir.path(), "solicitation", "I'm {{disclosure}}. Hurry!");
    let refused = TemplateSet::load(oak_and_thistle(dir.path())).unwrap_err();
    assert_eq!(refused[0].rule, Rule::PhraseBanned);
}

#[test]
fn a_template_name_cannot_reach_outside_the_templates_directory() {
    let dir = copy_of_shipped();
    let mut settings = oak_and_thistle(dir.path());
    settings.categories[0].template = "../secrets".into();
    let problems = check(&settings);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].rule, Rule::TemplateMissing);
    assert!(
        problems[0].message.contains("not a template name"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_trailing_separator_leaves_an_empty_variant_that_is_refused() {
    let (p, path) = only_problem(&format!("{GOOD}---\n\n"));
    assert_at(&p, &path, 3, 1, Rule::TemplateEmpty);
}

/// A hand-off-only category never gets a public reply, so a category name
/// too long for the intent reply is reported only while the bot could
/// actually send that reply.
#[test]
fn length_max_is_reported_only_for_categories_that_can_get_the_reply() {
    let dir = copy_of_shipped();
    let mut settings = oak_and_thistle(dir.path());
    let long_name = "hand-finished heirloom quality furniture ".repeat(4);
    let finance = settings
        .categories
        .iter_mut()
        .find(|c| c.id == "finance")
        .unwrap();
    finance.name = long_name;
    let reported = check(&settings);
    assert!(
        reported
            .iter()
            .any(|p| p.rule == Rule::LengthMax && p.message.contains("finance")),
        "a category the bot answers is checked: {reported:#?}"
    );
    settings
        .categories
        .iter_mut()
        .find(|c| c.id == "finance")
        .unwrap()
        .handoff_only = true;
    let reported = check(&settings);
    assert!(
        reported.iter().all(|p| p.rule != Rule::LengthMax),
        "staff answer finance, so no public reply about it can be too long: {reported:#?}"
    );
}
