//! Forgiving phrase search for the compliance rules: case-insensitive, on
//! whole words, treating any run of whitespace as one space and curly
//! apostrophes as straight ones ("Don’t  miss out" matches "don't miss out").
//!
//! Owns text matching only; returns byte ranges into the searched text so
//! callers can quote exactly what was found.

/// Finds `phrase` in `text`; returns the byte range of the first match.
/// A phrase that starts (ends) with a letter or digit must start (end) on a
/// word boundary, so "act now" is not found in "exact nowhere".
pub fn find_phrase(text: &str, phrase: &str) -> Option<(usize, usize)> {
    let needle: Vec<char> = fold_phrase(phrase);
    if needle.is_empty() {
        return None;
    }
    let first_word = needle[0].is_alphanumeric();
    let last_word = needle[needle.len() - 1].is_alphanumeric();
    let mut prev: Option<char> = None;
    for (start, c) in text.char_indices() {
        let boundary_ok = !first_word || !prev.is_some_and(char::is_alphanumeric);
        prev = Some(c);
        if !boundary_ok {
            continue;
        }
        let Some(end) = match_at(&text[start..], &needle) else {
            continue;
        };
        let after = text[start + end..].chars().next();
        if !last_word || !after.is_some_and(char::is_alphanumeric) {
            return Some((start, start + end));
        }
    }
    None
}

/// Length in bytes of the match of `needle` at the start of `text`.
fn match_at(text: &str, needle: &[char]) -> Option<usize> {
    let mut chars = text.char_indices().peekable();
    for &want in needle {
        if want == ' ' {
            let mut seen = false;
            while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {
                seen = true;
            }
            if !seen {
                return None;
            }
            continue;
        }
        let (_, got) = chars.next()?;
        if fold(got) != want {
            return None;
        }
    }
    Some(chars.peek().map_or(text.len(), |(i, _)| *i))
}

fn fold_phrase(phrase: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in phrase.trim().chars() {
        if c.is_whitespace() {
            if out.last() != Some(&' ') {
                out.push(' ');
            }
        } else {
            out.push(fold(c));
        }
    }
    out
}

fn fold(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'a>(text: &'a str, phrase: &str) -> Option<&'a str> {
        find_phrase(text, phrase).map(|(s, e)| &text[s..e])
    }

    #[test]
    fn matching_ignores_case_and_returns_the_original_text() {
        assert_eq!(found("Please ACT NOW!", "act now"), Some("ACT NOW"));
    }

    #[test]
    fn whitespace_runs_and_curly_apostrophes_are_forgiven() {
        assert_eq!(
            found("Don’t  miss\nout", "don't miss out"),
            Some("Don’t  miss\nout")
        );
    }

    #[test]
    fn a_phrase_inside_a_longer_word_does_not_match() {
        assert_eq!(found("exact nowhere", "act now"), None);
        assert_eq!(found("hurrying", "hurry"), None);
        assert_eq!(found("unguaranteed", "guaranteed"), None);
    }

    #[test]
    fn phrases_with_punctuation_edges_match_anywhere() {
        assert_eq!(found("x100% safe", "100% safe"), None);
        assert_eq!(found("is 100% safe.", "100% safe"), Some("100% safe"));
        assert_eq!(
            found("a(Rates vary.)", "(rates vary.)"),
            Some("(Rates vary.)")
        );
    }

    #[test]
    fn an_empty_phrase_matches_nothing() {
        assert_eq!(find_phrase("anything", "  "), None);
    }
}
