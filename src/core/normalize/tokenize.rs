//! The detector's tokenizer: folded text cut into words, numbers, mentions,
//! URLs, hashtags and the punctuation that carries meaning (sentence ends,
//! question marks, currency, percent). Markdown, emoji and Discord entities
//! that are not mentions (channels, custom emoji, timestamps) are dropped.
//!
//! Owns the token stream only; it knows no vocabulary. Letter runs are cut
//! to two ("sooooo" -> "soo"), apostrophes and hyphens inside words vanish
//! ("don't" -> "dont", "pre-order" -> "preorder").

use std::borrow::Cow;

use super::{fold, is_pictograph};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    /// `<@123>`, `<@&123>` or `@handle`; the text is the id or handle.
    Mention,
    /// Any link; the text is `url`.
    Url,
    /// `#word`; the text is the word.
    Hashtag,
    /// One of `? ! . , $ % / & + "` or a newline.
    Punct,
}

/// One token: its kind and its byte range in [`Tokens::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
}

/// A tokenized message: token texts joined by single spaces, and the tokens.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub text: String,
    pub tokens: Vec<Token>,
}

impl Tokens {
    /// The text of one token.
    pub fn text_of(&self, t: &Token) -> &str {
        &self.text[t.start as usize..t.end as usize]
    }

    fn push(&mut self, kind: Kind, s: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.tokens.push(Token {
            kind,
            start,
            end: self.text.len() as u32,
        });
    }

    fn push_punct(&mut self, p: &str) {
        if let Some(last) = self.tokens.last() {
            if last.kind == Kind::Punct && self.text_of(last) == p {
                return;
            }
        }
        self.push(Kind::Punct, p);
    }
}

/// Fold and tokenize a message.
pub fn tokenize(input: &str) -> Tokens {
    // ASCII needs no folding beyond case, which `scan_word` does.
    let folded = if input.is_ascii() {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(fold(input))
    };
    let s: &str = &folded;
    let mut out = Tokens {
        text: String::with_capacity(s.len()),
        tokens: Vec::with_capacity(s.len() / 4),
    };
    let mut word = String::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        i += if is_url_start(rest) {
            out.push(Kind::Url, "url");
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        } else if is_pictograph(c) {
            scan_other(rest, c, &mut out, &mut word)
        } else if c.is_alphanumeric() {
            let n = scan_word(rest, &mut word);
            let kind = if word.starts_with(|d: char| d.is_ascii_digit()) {
                Kind::Number
            } else {
                Kind::Word
            };
            out.push(kind, &word);
            n
        } else {
            scan_other(rest, c, &mut out, &mut word)
        };
    }
    out
}

/// Read a word starting at `rest[0]` into `word`; return bytes consumed.
fn scan_word(rest: &str, word: &mut String) -> usize {
    word.clear();
    let mut last = '\0';
    let mut run = 0;
    let mut iter = rest.char_indices().peekable();
    while let Some(&(idx, c)) = iter.peek() {
        if c.is_alphanumeric() {
            run = if c == last { run + 1 } else { 1 };
            last = c;
            if run <= 2 || !c.is_alphabetic() {
                word.push(c.to_ascii_lowercase());
            }
            iter.next();
            continue;
        }
        let next = rest[idx + c.len_utf8()..].chars().next();
        let joins = match c {
            '\'' | '-' => next.is_some_and(char::is_alphanumeric),
            '.' | ',' => last.is_ascii_digit() && next.is_some_and(|d| d.is_ascii_digit()),
            _ => false,
        };
        if !joins {
            return idx;
        }
        if c == '.' {
            word.push('.');
        }
        iter.next();
    }
    rest.len()
}

/// Handle a non-alphanumeric character; return bytes consumed.
fn scan_other(rest: &str, c: char, out: &mut Tokens, buf: &mut String) -> usize {
    let len = c.len_utf8();
    match c {
        '<' => discord_entity(rest, out).unwrap_or(len),
        '@' => handle(rest, out, buf).unwrap_or(len),
        '#' => {
            let n = scan_word(&rest[1..], buf);
            if n > 0 {
                out.push(Kind::Hashtag, buf);
            }
            1 + n
        }
        '?' | '\u{2753}' | '\u{2754}' | '\u{1f914}' => punct(out, "?", len),
        '!' | '\u{2757}' | '\u{2755}' => punct(out, "!", len),
        '.' | ';' | '\u{3002}' => punct(out, ".", len),
        '\n' => punct(out, "\n", len),
        ',' => punct(out, ",", len),
        '$' | '€' | '£' | '¥' | '₹' => punct(out, "$", len),
        '%' => punct(out, "%", len),
        '/' | '&' | '+' | '"' => punct(out, &rest[..1], len),
        _ => len,
    }
}

fn punct(out: &mut Tokens, p: &str, len: usize) -> usize {
    out.push_punct(p);
    len
}

/// `<@123>`, `<@!123>`, `<@&123>` become mentions; `<#1>`, `<:e:1>`,
/// `<a:e:1>`, `<t:1:R>` and `<https://…>` are dropped.
fn discord_entity(rest: &str, out: &mut Tokens) -> Option<usize> {
    let close = rest.as_bytes().iter().take(120).position(|&b| b == b'>')?;
    let inner = &rest[1..close];
    if let Some(id) = inner.strip_prefix('@') {
        let id = id.trim_start_matches(['!', '&']);
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            out.push(Kind::Mention, id);
            return Some(close + 1);
        }
        return None;
    }
    let entity = inner.starts_with('#')
        || inner.starts_with(':')
        || inner.starts_with("a:")
        || inner.starts_with("t:");
    if entity && !inner.contains(char::is_whitespace) {
        return Some(close + 1);
    }
    if inner.starts_with("http") && !inner.contains(char::is_whitespace) {
        out.push(Kind::Url, "url");
        return Some(close + 1);
    }
    None
}

/// `@handle` becomes a mention; `@everyone` and `@here` are dropped.
fn handle(rest: &str, out: &mut Tokens, buf: &mut String) -> Option<usize> {
    let body = &rest[1..];
    let end = body
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map_or(body.len(), |(i, _)| i);
    let name = body[..end].trim_end_matches('.');
    if name.is_empty() {
        return None;
    }
    if name != "everyone" && name != "here" {
        buf.clear();
        buf.extend(name.chars().map(|c| c.to_ascii_lowercase()));
        out.push(Kind::Mention, buf);
    }
    Some(1 + name.len())
}

fn is_url_start(rest: &str) -> bool {
    let starts = |p: &str| {
        rest.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    matches!(rest.as_bytes().first(), Some(b'h' | b'H' | b'w' | b'W'))
        && (starts("http://") || starts("https://") || starts("www."))
}
