//! Finding keys in the TOML source: which line a key path sits on, and which
//! key path a byte offset (from a serde error) belongs to. This is what lets
//! every configuration error name the file, the key and the line.
//!
//! Owns only span bookkeeping over `toml_edit`'s span-preserving parse.

use std::ops::Range;

use toml_edit::{ImDocument, Item, Table, Value};

/// One key with where its key and its value sit in the source.
#[derive(Debug, Clone)]
struct Entry {
    path: String,
    key: Option<Range<usize>>,
    value: Option<Range<usize>>,
}

/// An index from dotted key paths (`limits.per_channel`, `catalogue[1].link`)
/// to source positions.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    entries: Vec<Entry>,
    line_starts: Vec<usize>,
}

impl SourceMap {
    /// Index `source`. A document that does not parse yields an empty map
    /// (the parse error itself carries the position).
    pub fn new(source: &str) -> Self {
        let mut entries = Vec::new();
        if let Ok(doc) = ImDocument::parse(source) {
            collect_table(doc.as_table(), "", &mut entries);
        }
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap {
            entries,
            line_starts,
        }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line + 1, offset - self.line_starts[line] + 1)
    }

    /// The line of a key path (the key itself, else its value).
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let e = self.entries.iter().find(|e| e.path == path)?;
        let start = e.key.as_ref().or(e.value.as_ref())?.start;
        Some(self.line_col(start).0)
    }

    /// The deepest key path whose key or value contains `offset`.
    pub fn path_at(&self, offset: usize) -> Option<String> {
        self.entries
            .iter()
            .filter(|e| {
                let inside = |r: &Option<Range<usize>>| {
                    r.as_ref()
                        .is_some_and(|r| r.start <= offset && offset < r.end.max(r.start + 1))
                };
                inside(&e.key) || inside(&e.value)
            })
            .max_by_key(|e| e.path.len())
            .map(|e| e.path.clone())
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn collect_table(table: &Table, prefix: &str, out: &mut Vec<Entry>) {
    for (key, item) in table.iter() {
        let path = join(prefix, key);
        let key_span = table.key(key).and_then(|k| k.span());
        out.push(Entry {
            path: path.clone(),
            key: key_span,
            value: item.span(),
        });
        collect_item(item, &path, out);
    }
}

fn collect_item(item: &Item, path: &str, out: &mut Vec<Entry>) {
    match item {
        Item::Table(t) => collect_table(t, path, out),
        Item::ArrayOfTables(arr) => {
            for (i, t) in arr.iter().enumerate() {
                let p = format!("{path}[{i}]");
                out.push(Entry {
                    path: p.clone(),
                    key: None,
                    value: t.span(),
                });
                collect_table(t, &p, out);
            }
        }
        Item::Value(v) => collect_value(v, path, out),
        Item::None => {}
    }
}

fn collect_value(value: &Value, path: &str, out: &mut Vec<Entry>) {
    match value {
        Value::InlineTable(t) => {
            for (key, v) in t.iter() {
                let p = join(path, key);
                out.push(Entry {
                    path: p.clone(),
                    key: t.key(key).and_then(|k| k.span()),
                    value: v.span(),
                });
                collect_value(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let p = format!("{path}[{i}]");
                out.push(Entry {
                    path: p.clone(),
                    key: None,
                    value: v.span(),
                });
                collect_value(v, &p, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "[brand]\nname = \"Oak\"\n\n[limits]\nper_channel = 0\n\n[[catalogue]]\nid = \"a\"\n\n[[catalogue]]\nid = \"b\"\nlink = \"x\"\n";

    #[test]
    fn a_nested_key_is_found_on_its_line() {
        let map = SourceMap::new(SRC);
        assert_eq!(map.line_of("limits.per_channel"), Some(5));
        assert_eq!(map.line_of("catalogue[1].link"), Some(12));
    }

    #[test]
    fn an_offset_maps_back_to_the_deepest_key() {
        let map = SourceMap::new(SRC);
        let offset = SRC.find("per_channel").unwrap();
        assert_eq!(map.path_at(offset).as_deref(), Some("limits.per_channel"));
    }

    #[test]
    fn line_and_column_are_one_based() {
        let map = SourceMap::new("a = 1\nbb = 2\n");
        assert_eq!(map.line_col(0), (1, 1));
        assert_eq!(map.line_col(7), (2, 2));
    }
}
