//! A test per compliance rule, on plain strings.

use super::*;

fn rules() -> ComplianceRules {
    ComplianceRules {
        disclosure: Some("Oak & Thistle's bot".into()),
        allowed_domains: vec!["oakandthistle.example".into()],
        competitor_names: vec!["Pine Palace".into()],
        ..ComplianceRules::default()
    }
}

fn ctx(rules: &ComplianceRules, audience: Audience) -> CheckContext<'_> {
    CheckContext {
        rules,
        audience,
        disclaimer: None,
        prices_allowed: false,
    }
}

/// Rule ids found by both checks, for a public reply.
fn found(text: &str) -> Vec<&'static str> {
    let rules = rules();
    let c = ctx(&rules, Audience::Public);
    let mut all = check_delivery(text, &c);
    all.extend(check_content(text, &c));
    all.into_iter().map(|v| v.rule.id()).collect()
}

const OK: &str = "Hi Sam, I'm Oak & Thistle's bot. Tables: https://oakandthistle.example/t";

#[test]
fn a_plain_honest_reply_passes() {
    assert_eq!(found(OK), Vec::<&str>::new());
}

#[test]
fn length_max_counts_characters_not_bytes() {
    let at_limit = format!("Oak & Thistle's bot {}", "é".repeat(280 - 20));
    assert_eq!(at_limit.chars().count(), 280);
    assert_eq!(found(&at_limit), Vec::<&str>::new());
    assert_eq!(found(&format!("{at_limit}é")), ["length.max"]);
}

#[test]
fn length_max_never_exceeds_discords_limit() {
    let rules = ComplianceRules {
        max_length: 10_000,
        ..rules()
    };
    let text = "x".repeat(2001);
    let ids: Vec<Rule> = check_delivery(&text, &ctx(&rules, Audience::Public))
        .into_iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(ids, [Rule::LengthMax]);
}

#[test]
fn disclosure_missing_applies_to_public_replies_only() {
    let text = "Hi Sam, tables are at https://oakandthistle.example/t";
    assert_eq!(found(text), ["disclosure.missing"]);
    let rules = rules();
    assert!(check_content(text, &ctx(&rules, Audience::Private)).is_empty());
    assert_eq!(found("Hi, OAK & THISTLE’S BOT here."), Vec::<&str>::new());
}

#[test]
fn disclaimer_missing_when_the_category_has_one() {
    let rules = rules();
    let c = CheckContext {
        disclaimer: Some("Credit subject to status."),
        ..ctx(&rules, Audience::Private)
    };
    let ids: Vec<Rule> = check_content("Pay monthly.", &c)
        .iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(ids, [Rule::DisclaimerMissing]);
    assert!(check_content("Pay monthly. Credit subject to status.", &c).is_empty());
}

#[test]
fn phrase_banned_quotes_what_it_found() {
    let rules = rules();
    let v = check_content(
        "Oak & Thistle's bot: Act NOW!",
        &ctx(&rules, Audience::Public),
    );
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].rule, Rule::PhraseBanned);
    assert_eq!(v[0].found.as_deref(), Some("Act NOW"));
    for phrase in [
        "limited time",
        "guaranteed",
        "risk-free",
        "best rate",
        "Don’t miss out",
    ] {
        assert!(
            found(&format!("{OK} {phrase}")).contains(&"phrase.banned"),
            "{phrase}"
        );
    }
}

#[test]
fn link_domain_allows_the_domain_and_its_subdomains_only() {
    for ok in [
        "https://oakandthistle.example",
        "http://shop.oakandthistle.example/x?y#z",
    ] {
        assert_eq!(found(&format!("{OK} {ok}")), Vec::<&str>::new(), "{ok}");
    }
    for bad in [
        "https://evil.example/x",
        "https://oakandthistle.example.evil.example/",
        "https://oakandthistle.example@evil.example/",
        "https://notoakandthistle.example/",
        "www.evil.example",
        "[shop](https://evil.example)",
    ] {
        assert_eq!(found(&format!("{OK} {bad}")), ["link.domain"], "{bad}");
    }
}

#[test]
fn host_of_strips_scheme_user_port_and_path() {
    assert_eq!(host_of("https://u:p@Shop.Example.:8080/a"), "shop.example");
    assert_eq!(host_of("www.example.com/x"), "www.example.com");
}

#[test]
fn competitor_named_on_whole_words() {
    assert_eq!(
        found(&format!("{OK} Unlike pine palace,")),
        ["competitor.named"]
    );
    assert_eq!(found(&format!("{OK} pine palaces")), Vec::<&str>::new());
}

#[test]
fn price_not_allowed_finds_amounts_percentages_and_rates() {
    for price in [
        "£499",
        "$ 1,200",
        "€20",
        "USD 30",
        "30 dollars",
        "12.5%",
        "10 percent",
        "APR",
    ] {
        assert_eq!(
            found(&format!("{OK} {price}")),
            ["price.not_allowed"],
            "{price}"
        );
    }
    for not_price in ["12 months", "2 chairs", "9:00-17:00", "apron"] {
        assert_eq!(
            found(&format!("{OK} {not_price}")),
            Vec::<&str>::new(),
            "{not_price}"
        );
    }
}

#[test]
fn price_allowed_when_the_category_allows_it() {
    let rules = rules();
    let c = CheckContext {
        prices_allowed: true,
        ..ctx(&rules, Audience::Private)
    };
    assert!(check_content("0% APR over 12 months, from £20", &c).is_empty());
}

#[test]
fn mention_mass_and_mention_ping_are_refused() {
    assert_eq!(found(&format!("{OK} @everyone")), ["mention.mass"]);
    assert_eq!(found(&format!("{OK} @here")), ["mention.mass"]);
    assert_eq!(
        found(&format!("{OK} <@&123> <@!4>")),
        ["mention.ping", "mention.ping"]
    );
    assert_eq!(
        found(&format!("{OK} @\u{200B}everyone <#12>")),
        Vec::<&str>::new()
    );
}

#[test]
fn staff_notices_skip_content_rules_but_not_mentions() {
    let rules = rules();
    let c = ctx(&rules, Audience::Staff);
    let text = "Guaranteed act now £5 https://evil.example";
    assert!(check_content(text, &c).is_empty());
    assert!(check_delivery(text, &c).is_empty());
    assert_eq!(check_delivery("@here", &c)[0].rule, Rule::MentionMass);
}
