//! One template file as written: its variants (separated by a line that is
//! only `---`) and where each starts, so every error can name a file line.
//!
//! Owns splitting and position arithmetic. Knows nothing about handlebars.

/// A variant's source text and the file line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantSource {
    pub text: String,
    pub first_line: usize,
}

impl VariantSource {
    /// The file position of a (1-based) line/column inside this variant.
    pub fn file_pos(&self, line: usize, col: usize) -> (usize, usize) {
        (self.first_line + line.max(1) - 1, col.max(1))
    }

    /// The file position (1-based line, 1-based column in characters) of a
    /// byte offset inside this variant's text.
    pub fn pos_of_offset(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        self.file_pos(line, col)
    }

    /// The position where the reply text starts, after blank lines and
    /// leading `{{!-- comments --}}`: where a problem about the whole
    /// variant (too long, disclosure missing) is reported.
    pub fn start_pos(&self) -> (usize, usize) {
        let mut rest = self.text.trim_start();
        loop {
            let close = if rest.starts_with("{{!--") {
                "--}}"
            } else if rest.starts_with("{{!") {
                "}}"
            } else {
                break;
            };
            match rest.find(close) {
                Some(end) => rest = rest[end + close.len()..].trim_start(),
                None => break,
            }
        }
        if rest.is_empty() {
            return (self.first_line, 1);
        }
        self.pos_of_offset(self.text.len() - rest.len())
    }
}

/// The innermost block opened (`{{#if …}}`) and never closed, as its name
/// and byte offset: handlebars only reports "unexpected end of input".
pub fn unclosed_block(text: &str) -> Option<(String, usize)> {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let tag = rest[start + 2..].trim_start_matches('~').trim_start();
        let name: String = tag
            .get(1..)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        match tag.chars().next() {
            Some('#') => open.push((name, offset + start)),
            Some('/') => {
                open.pop();
            }
            _ => {}
        }
        offset += start + 2;
        rest = &rest[start + 2..];
    }
    open.pop()
}

/// Splits a template file into its variants. Every chunk between separators
/// is a variant, blank ones included (they are reported as empty).
pub fn split_variants(source: &str) -> Vec<VariantSource> {
    let mut variants = Vec::new();
    let mut current = String::new();
    let mut first_line = 1;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            variants.push(VariantSource {
                text: std::mem::take(&mut current),
                first_line,
            });
            first_line = index + 2;
        } else {
            current.push_str(line);
        }
    }
    variants.push(VariantSource {
        text: current,
        first_line,
    });
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_separators_is_one_variant() {
        let v = split_variants("Hello {{asker}}.\n");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].first_line, 1);
        assert_eq!(v[0].text, "Hello {{asker}}.\n");
    }

    #[test]
    fn separators_split_and_variants_remember_their_first_line() {
        let v = split_variants("one\n---\ntwo\nstill two\n---  \r\nthree");
        let texts: Vec<&str> = v.iter().map(|v| v.text.as_str()).collect();
        assert_eq!(texts, ["one\n", "two\nstill two\n", "three"]);
        let lines: Vec<usize> = v.iter().map(|v| v.first_line).collect();
        assert_eq!(lines, [1, 3, 6]);
    }

    #[test]
    fn dashes_inside_a_line_do_not_split() {
        assert_eq!(split_variants("a --- b\n----\n").len(), 1);
    }

    #[test]
    fn the_innermost_unclosed_block_is_found() {
        let text = "a {{#if x}}{{#unless y}}b{{/unless}}\n{{~#if z}}c";
        let opener = text.find("{{~#if z").unwrap();
        assert_eq!(unclosed_block(text), Some(("if".to_string(), opener)));
        assert_eq!(
            unclosed_block("{{#if x}}{{#if y}}{{/if}}"),
            Some(("if".to_string(), 0))
        );
        assert_eq!(unclosed_block("{{#if x}}y{{/if}}"), None);
    }

    #[test]
    fn offsets_map_to_file_lines_and_character_columns() {
        let v = &split_variants("x\n---\n\n  Zoë act now")[1];
        assert_eq!(v.first_line, 3);
        let offset = v.text.find("act").unwrap();
        assert_eq!(v.pos_of_offset(offset), (4, 7));
        assert_eq!(v.start_pos(), (4, 3));
        let commented = &split_variants("{{!-- about\n  this --}}\n{{! more }} Hi")[0];
        assert_eq!(commented.start_pos(), (3, 13));
        assert_eq!(v.file_pos(2, 5), (4, 5));
    }
}
