//! Discord escaping for values that come from users (display names, quoted
//! text). Replaces handlebars' HTML escaping, which is the wrong escaping for
//! a chat message: `&amp;` is noise in Discord, and `*`, `@everyone` or
//! `[text](url)` are the real dangers.
//!
//! Owns one function, [`discord_escape`]. Trusted values from the config (the
//! brand, the approved link) are never passed through it: escaping would
//! break the link, and the compliance rules judge them instead.

/// Zero-width space: placed after `@`, inside `://` and after a dot inside a
/// word, so Discord sees no mention, link or invite, while a reader sees the
/// same characters.
pub const ZWSP: char = '\u{200B}';

/// The longest user value, in characters before escaping: Discord display
/// names are at most 32. Longer values are cut with `…` so a value cannot
/// blow the length limit (escaping adds at most one character per character).
pub const MAX_USER_VALUE_CHARS: usize = 32;

/// Characters Discord markdown gives a meaning to anywhere in a line; each
/// gets a backslash. Discord renders `\x` as a literal `x` for any ASCII
/// punctuation `x`.
const MARKDOWN: &[char] = &['\\', '*', '_', '~', '`', '|', '>', '<', '[', ']', '(', ')'];

/// Characters that only mean something at the start of a line (heading,
/// subtext, list); escaped when they open the value.
const LINE_START: &[char] = &['#', '-', '+'];

/// Makes an untrusted value inert in a Discord message: no markdown, no
/// mentions (`@everyone`, `@here`, `<@id>`, `<@&id>`, `<#id>`), no live or
/// masked links, no line breaks, at most [`MAX_USER_VALUE_CHARS`] characters
/// before escaping.
pub fn discord_escape(value: &str) -> String {
    let flat = flatten(value);
    let mut out = String::with_capacity(flat.len() + 8);
    let mut digits_only = true;
    let mut rest = flat.as_str();
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '@' => {
                out.push('@');
                out.push(ZWSP);
            }
            // `http://` keeps no live scheme: `http:\u{200B}//`.
            ':' if rest.starts_with("//") => {
                out.push(':');
                out.push(ZWSP);
            }
            // An ordered-list marker (`1. `) when the value starts a line.
            '.' if digits_only && !out.is_empty() => out.push_str("\\."),
            // `evil.com`, `discord.gg/x`: no domain survives for a linkifier.
            '.' if rest.starts_with(|n: char| n.is_ascii_alphanumeric()) => {
                out.push('.');
                out.push(ZWSP);
            }
            c if MARKDOWN.contains(&c) || (out.is_empty() && LINE_START.contains(&c)) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        digits_only = digits_only && c.is_ascii_digit();
    }
    out
}

/// Control characters and all whitespace (line and paragraph separators
/// included) become plain spaces, so a value never starts a quote or heading
/// on a new line; bidirectional overrides are dropped, so a name cannot
/// reverse the bot's own words around it. Trimmed and shortened.
fn flatten(value: &str) -> String {
    let spaced: String = value
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| {
            if c.is_control() || c.is_whitespace() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let trimmed = spaced.trim();
    if trimmed.chars().count() <= MAX_USER_VALUE_CHARS {
        return trimmed.to_string();
    }
    let mut cut: String = trimmed.chars().take(MAX_USER_VALUE_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_through_unchanged() {
        assert_eq!(discord_escape("Alice"), "Alice");
        assert_eq!(discord_escape("Zoë O'Brien"), "Zoë O'Brien");
    }

    #[test]
    fn mass_mentions_get_a_zero_width_space_after_the_at() {
        assert_eq!(discord_escape("@everyone"), "@\u{200B}everyone");
        assert_eq!(discord_escape("hi @here"), "hi @\u{200B}here");
    }

    #[test]
    fn mention_syntax_is_broken_twice() {
        assert_eq!(discord_escape("<@&123>"), "\\<@\u{200B}&123\\>");
        assert_eq!(discord_escape("<@!42>"), "\\<@\u{200B}!42\\>");
        assert_eq!(discord_escape("<#1>"), "\\<#1\\>");
    }

    #[test]
    fn markdown_and_masked_links_are_backslash_escaped() {
        assert_eq!(
            discord_escape("**[click](http://evil)**"),
            "\\*\\*\\[click\\]\\(http:\u{200B}//evil\\)\\*\\*"
        );
        assert_eq!(discord_escape("||spoiler||"), "\\|\\|spoiler\\|\\|");
        assert_eq!(
            discord_escape("`code` ~~x~~ __u__"),
            "\\`code\\` \\~\\~x\\~\\~ \\_\\_u\\_\\_"
        );
    }

    #[test]
    fn a_bare_url_loses_its_live_scheme() {
        let out = discord_escape("https://evil.example/x");
        assert!(!out.contains("://"), "{out}");
        assert_eq!(out, "https:\u{200B}//evil.\u{200B}example/x");
    }

    #[test]
    fn bare_domains_and_invites_are_broken_after_each_dot() {
        assert_eq!(discord_escape("discord.gg/evil"), "discord.\u{200B}gg/evil");
        assert_eq!(
            discord_escape("www.evil.example"),
            "www.\u{200B}evil.\u{200B}example"
        );
        assert_eq!(discord_escape("Sam. Hi..."), "Sam. Hi...");
    }

    #[test]
    fn line_starts_cannot_become_quotes_headings_or_lists() {
        assert_eq!(discord_escape("> quote"), "\\> quote");
        assert_eq!(discord_escape("# Big"), "\\# Big");
        assert_eq!(discord_escape("- item"), "\\- item");
        assert_eq!(discord_escape("1. first"), "1\\. first");
        assert_eq!(discord_escape("a\n# b"), "a # b");
        assert_eq!(discord_escape("Mary-Jane #1"), "Mary-Jane #1");
    }

    #[test]
    fn a_backslash_cannot_cancel_the_escape() {
        assert_eq!(discord_escape("\\*"), "\\\\\\*");
    }

    #[test]
    fn bidirectional_overrides_are_dropped() {
        assert_eq!(discord_escape("Sam\u{202E}olleh\u{2066}"), "Samolleh");
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let out = discord_escape(&"a".repeat(500));
        assert_eq!(out.chars().count(), MAX_USER_VALUE_CHARS);
        assert!(out.ends_with('…'));
    }

    proptest::proptest! {
        #[test]
        fn no_value_survives_with_a_mention_link_markup_or_line_break(value in "\\PC*|[@<>#*_~`|\\[\\]()\\\\:/.a-z0-9 \n-]{0,48}") {
            let out = discord_escape(&value);
            for live in ["@everyone", "@here", "://", "\n", "\r"] {
                proptest::prop_assert!(!out.contains(live), "{:?} -> {:?}", value, out);
            }
            let at_then_zwsp = out.matches('@').count() == out.matches("@\u{200B}").count();
            proptest::prop_assert!(at_then_zwsp, "{:?} -> {:?}", value, out);
            let chars: Vec<char> = out.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if MARKDOWN.contains(c) && *c != '\\' {
                    let slashes = chars[..i].iter().rev().take_while(|&&b| b == '\\').count();
                    proptest::prop_assert!(slashes % 2 == 1, "{:?} -> {:?}", value, out);
                }
            }
            proptest::prop_assert!(out.chars().count() <= 3 * MAX_USER_VALUE_CHARS);
        }
    }
}
