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
    for t in ["my broadband contract ends next month. who's actually good for gaming, low ping, not virgin", "who's actually good for gaming"] {
        println!("{}", show(t));
        let toks = crate::core::normalize::tokenize(t);
        println!("{:?}", toks.text);
    }
}
