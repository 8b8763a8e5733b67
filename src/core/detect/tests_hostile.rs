//! Hostile and arbitrary input: the detector never panics, always returns a
//! score in [0, 1], and stays fast enough to classify in-line.

use proptest::prelude::*;

use super::*;

fn check(text: &str) -> Verdict {
    let v = Detector::new(DetectorSettings {
        brand_names: vec!["Acme".into(), "@acme_home".into()],
        competitors: vec!["Northwind".into()],
        ..Default::default()
    })
    .detect(text);
    assert!(
        (0.0..=1.0).contains(&v.score),
        "score {} out of range",
        v.score
    );
    v
}

#[test]
fn four_thousand_characters_of_one_emoji_are_not_a_solicitation() {
    let v = check(&"😂".repeat(4000));
    assert_eq!(v.class, Class::Not);
}

#[test]
fn zalgo_text_is_read_through() {
    let zalgo: String = "where can i buy a desk?"
        .chars()
        .flat_map(|c| std::iter::once(c).chain("\u{336}\u{321}\u{35c}\u{358}\u{489}".chars()))
        .collect();
    assert_eq!(check(&zalgo).class, Class::Solicitation);
    let heavy: String = std::iter::repeat_n("a\u{300}\u{301}\u{302}\u{303}\u{304}", 800).collect();
    check(&heavy);
}

#[test]
fn right_to_left_overrides_are_ignored() {
    let v = check("\u{202e}where can i buy a desk?\u{202c}");
    assert_eq!(v.class, Class::Solicitation);
    check(&"\u{202e}\u{2066}abc\u{2069}".repeat(500));
}

#[test]
fn nested_markdown_does_not_hide_words() {
    let v = check("> ***__~~||where can i buy a desk?||~~__***");
    assert_eq!(v.class, Class::Solicitation);
    check(&format!(
        "{}x{}",
        "**__~~||`".repeat(400),
        "`||~~__**".repeat(400)
    ));
}

#[test]
fn five_hundred_mentions_are_classified() {
    let many: String = (0..500).map(|i| format!("<@{i}> ")).collect();
    let v = check(&many);
    assert_eq!(v.class, Class::Not);
    let v = check(&format!("{many} who's got the best offer on a mortgage?"));
    assert_eq!(v.class, Class::Solicitation);
}

#[test]
fn malformed_discord_entities_do_not_panic() {
    for text in [
        "<@",
        "<@!>",
        "<@&abc>",
        "<:e:",
        "<t:1",
        "@",
        "@@@@",
        "#",
        "<<<>>>",
        "<http://x",
        "http://",
    ] {
        check(text);
    }
}

#[test]
fn a_long_sentence_without_punctuation_is_classified() {
    let long = "and then ".repeat(500) + "where can i buy a desk";
    assert_eq!(check(&long).class, Class::Solicitation);
}

proptest! {
    #[test]
    fn any_string_gets_a_score_in_range(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn any_mix_of_chat_pieces_gets_a_score_in_range(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("where"), Just("can"), Just("i"), Just("buy"), Just("?"), Just("not"),
                Just("<@12>"), Just("@acme"), Just("\u{202e}"), Just("\u{336}"), Just("**"),
                Just("😂"), Just("http://x.y"), Just("#win"), Just("\n"), Just("\""), Just("$"),
                Just("100"), Just("my"), Just("refund"), Just("or"), Just("recommend"),
            ],
            0..200,
        )
    ) {
        check(&parts.join(" "));
        check(&parts.concat());
    }
}
