//! Text normalisation shared by the detector and the catalogue matcher:
//! Unicode NFKC, lower case, invisible characters removed, white space folded.
//!
//! Owns turning hostile or decorated chat text into something matchable. It
//! must stay allocation-light and never panic on any input.

use unicode_normalization::UnicodeNormalization;

/// Normalise a message for matching.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut last_space = true;
    for c in input.nfkc().flat_map(char::to_lowercase) {
        if matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}') {
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}
