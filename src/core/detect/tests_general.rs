//! Behaviour tests for the structures added to generalise beyond the first
//! development set: bare noun-phrase and need asks, sellers and askers told
//! apart, context that carries across sentences. Messages are written for
//! the tests, not copied from any data file.

use super::*;

/// The rules alone, at the threshold they are calibrated for.
fn class_of(text: &str) -> (Class, String) {
    let v = Detector::new(DetectorSettings {
        reply_at: 0.6,
        learned: LearnedLayer::Off,
        ..Default::default()
    })
    .detect(text);
    let cues: Vec<String> = v
        .cues
        .iter()
        .map(|c| format!("{}({:+.1})", c.id, c.weight))
        .collect();
    (v.class, format!("{:.2} [{}]", v.score, cues.join(", ")))
}

fn assert_all(cases: &[&str], want: Class) {
    for t in cases {
        let (got, why) = class_of(t);
        assert_eq!(got, want, "{t:?} -> {why}");
    }
}

#[test]
fn noun_phrase_and_bare_need_asks_are_solicitations() {
    assert_all(
        &[
            "yoga mat recs? something thick for bad knees",
            "climbing shoes for wide feet in bristol?",
            "need a desk that fits in an alcove, under 150",
            "standing desk under 300 with a memory preset",
            "kindle vs kobo for reading in the bath",
            "do the wool jumpers run small?",
            "any1 got a spare switch dock they wanna sell",
        ],
        Class::Solicitation,
    );
}

#[test]
fn sellers_advisers_and_care_questions_are_not() {
    assert_all(
        &[
            "would anyone buy a used rowing machine for 150?",
            "waxing vs oiling the worktop? which lasts longer",
            "Need a mortgage fast?? Bad credit welcome, DM us",
            "where is the main shop? near the station or the park",
            "my router keeps dropping out, any suggestions?",
            "where did you go for lunch yesterday, looked good",
        ],
        Class::Not,
    );
}

#[test]
fn a_need_with_a_vague_future_is_a_plan_not_an_ask() {
    let (got, why) = class_of("need to buy a new kettle soon, ours is on its last legs");
    assert_ne!(got, Class::Solicitation, "{why}");
}

#[test]
fn asking_whom_to_ask_for_a_quote_is_a_buyer_pricing_your_own_is_a_seller() {
    assert_all(
        &["who do I ask for a quote on a custom made desk?"],
        Class::Solicitation,
    );
    assert_all(
        &[
            "how much should I ask for my old ps4 pro? want it gone",
            "what's a fair price to sell my 3080 for these days?",
        ],
        Class::Not,
    );
}

#[test]
fn a_terse_pre_sales_question_is_an_ask_unless_it_is_about_the_authors_order() {
    assert_all(
        &[
            "student discount?",
            "promo code anyone??",
            "taking preorders yet?",
            "the grey one, in stock?",
            "how much for two? pls",
        ],
        Class::Solicitation,
    );
    assert_all(
        &[
            "price is mad",
            "finally in stock lol",
            "my discount code didn't work?",
            "deals were trash this year",
            "restocked yesterday and I got one",
            "is it in stock? ordered mine last week and no email",
            "selling mine, price?",
        ],
        Class::Not,
    );
}
