//! Behaviour tests for the detector, table-driven, named as sentences.

use super::*;

fn detector() -> Detector {
    Detector::new(DetectorSettings::default())
}

fn show(text: &str) -> String {
    let v = detector().detect(text);
    format!(
        "{text:?} -> {} {:.2} {:?}",
        v.class.as_str(),
        v.score,
        v.cues
            .iter()
            .map(|c| format!("{}({:+.1}) '{}'", c.id, c.weight, c.matched))
            .collect::<Vec<_>>()
    )
}

#[test]
fn smoke() {
    for t in [
        "where can i buy a good oak table?",
        "I bought this last week and it broke",
        "not looking to buy anything",
        "getting a new laptop this weekend",
    ] {
        println!("{}", show(t));
    }
}
