//! Text normalisation shared by the detector and the catalogue matcher:
//! Unicode NFKC, lower case, invisible and bidi-control characters removed,
//! zalgo (stacked combining marks on Latin letters) stripped, look-alike
//! letters from other scripts folded into Latin inside Latin words, curly
//! quotes and dashes made plain, white space folded.
//!
//! Owns turning hostile or decorated chat text into something matchable:
//! [`normalize`] for keyword matching, [`tokenize`] for the detector (words,
//! numbers, mentions, URLs, hashtags and punctuation, markdown dropped). It
//! must stay allocation-light and never panic on any input.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Normalise a message for keyword matching: lower-cased NFKC text with
/// words intact and runs of white space folded to one space.
pub fn normalize(input: &str) -> String {
    let folded = fold(input);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Character-level folding: combining marks on Latin letters out (zalgo),
/// NFKC, lower case, invisibles out, confusables folded, typographic
/// punctuation made plain. Keeps white space (including newlines) as it is.
pub fn fold(input: &str) -> String {
    if input.is_ascii() {
        return input.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(input.len());
    let mut saw_confusable = false;
    // Combining marks on Latin letters are decoration (zalgo) or accents;
    // both only break matching, so they go before composition.
    let mut after_latin = false;
    let undecorated = input
        .chars()
        .filter(|&c| !is_invisible(c))
        .filter(move |&c| {
            if is_pictograph(c) {
                after_latin = false;
                return true;
            }
            if is_combining_mark(c) {
                return !after_latin;
            }
            after_latin = (c as u32) < 0x250 && c.is_alphabetic();
            true
        });
    // Most text (emoji included) is already NFKC; skip the expensive pass.
    let chars: Box<dyn Iterator<Item = char>> =
        match is_nfkc_quick(input.chars().filter(|&c| !is_pictograph(c))) {
            IsNormalized::Yes => Box::new(undecorated),
            _ => Box::new(undecorated.stream_safe().nfkc()),
        };
    for c in chars {
        if is_pictograph(c) {
            out.push(c);
            continue;
        }
        let c = plain_punctuation(c);
        saw_confusable |= confusable(c).is_some();
        for lc in c.to_lowercase() {
            out.push(lc);
        }
    }
    if saw_confusable {
        fold_confusables(&out)
    } else {
        out
    }
}

/// Emoji and pictographs: common in chat, never folded, so they skip the
/// per-character table look-ups.
pub(crate) fn is_pictograph(c: char) -> bool {
    // From U+1F300: enclosed letters below it (🄰…) fold to plain letters.
    matches!(c, '\u{1f300}'..='\u{1faff}' | '\u{2600}'..='\u{27bf}')
}

/// Zero-width characters, bidi controls, soft hyphens, variation selectors,
/// tag characters and other format characters that render as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{fff0}'..='\u{fff8}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

fn plain_punctuation(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{02bc}' | '`'
        | '\u{00b4}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' | '\u{00ab}' | '\u{00bb}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{ff1f}' | '\u{037e}' | '\u{061f}' | '\u{2e2e}' => '?',
        _ => c,
    }
}

/// Cyrillic and Greek letters that look like Latin ones.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ε' | 'Ε' => 'e',
        'ɡ' => 'g',
        'һ' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'п' | 'η' => 'n',
        'о' | 'О' | 'ο' | 'Ο' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ш' => 'w',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'γ' | 'Υ' => 'y',
        'ᴢ' | 'Ζ' => 'z',
        _ => return None,
    })
}

/// Fold look-alikes inside words that are Latin already or made only of
/// look-alikes (a disguise); genuine Cyrillic or Greek words stay as they are.
fn fold_confusables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (is_word, chunk) in chunks(text) {
        let disguised = is_word && {
            let latin = chunk.chars().any(|c| c.is_ascii_alphabetic());
            let all = chunk
                .chars()
                .all(|c| confusable(c).is_some() || !c.is_alphabetic());
            latin || all
        };
        if disguised {
            out.extend(chunk.chars().map(|c| confusable(c).unwrap_or(c)));
        } else {
            out.push_str(chunk);
        }
    }
    out
}

/// Split text into alternating runs of alphanumeric and other characters.
fn chunks(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let word = first.is_alphanumeric();
        let end = rest
            .char_indices()
            .find(|&(_, c)| c.is_alphanumeric() != word)
            .map_or(rest.len(), |(i, _)| i);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some((word, chunk))
    })
}

mod tokenize;
pub use tokenize::{tokenize, Kind, Token, Tokens};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_case_width_and_space() {
        let cases = [
            ("Where CAN  I\n buy", "where can i buy"),
            ("ｗｈｅｒｅ ｃａｎ ｉ ｂｕｙ", "where can i buy"),
            ("𝐛𝐮𝐲 now", "buy now"),
            ("\u{1f131}\u{1f144}\u{1f148} now 😂", "buy now 😂"),
            ("wh\u{200b}ere to b\u{200d}uy", "where to buy"),
            ("\u{202e}buy\u{202c} it", "buy it"),
            ("  café  ", "café"),
            ("Dining Table", "dining table"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "input {input:?}");
        }
    }

    #[test]
    fn zalgo_is_stripped_from_latin_letters() {
        assert_eq!(
            normalize("b\u{336}\u{321}u\u{35c}\u{358}y\u{300}\u{301}"),
            "buy"
        );
    }

    #[test]
    fn confusables_fold_inside_latin_words_only() {
        // Cyrillic 'е' and 'у' disguising Latin words.
        assert_eq!(normalize("whеrе to bսу"), "where to buy");
        // A genuine Russian word keeps its letters.
        assert_eq!(normalize("привет"), "привет");
    }

    #[test]
    fn curly_apostrophes_become_plain() {
        assert_eq!(normalize("I\u{2019}m looking"), "i'm looking");
    }
}
