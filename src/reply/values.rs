//! The values a template may use, and how they are filled: user-supplied
//! ones escaped for Discord, trusted ones from the settings as written.
//!
//! Owns the list of value names (documented in `templates/README.md`) and the
//! sample values used to check templates at load time.

use serde::Serialize;

use super::escape::discord_escape;
use super::settings::{CategoryReply, ReplySettings};

/// Every value name a template may use. Anything else is `template.unknown_value`.
pub const VALUE_NAMES: &[&str] = &[
    "asker",
    "brand",
    "category",
    "link",
    "disclosure",
    "disclaimer",
    "staff_hours",
];

/// What a masked rendering uses in place of the asker's name, so the
/// compliance rules judge only the words the brand wrote.
pub const MASKED_ASKER: &str = "asker";

/// The data handed to handlebars. All fields are always present (empty when
/// unknown) so `{{#if disclaimer}}` works under strict mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Values {
    /// The asker's display name, Discord-escaped.
    pub asker: String,
    pub brand: String,
    /// The category's human name.
    pub category: String,
    /// The category's approved link.
    pub link: String,
    pub disclosure: String,
    pub disclaimer: String,
    pub staff_hours: String,
}

impl Values {
    /// Values for a real reply: `asker` is untrusted and gets escaped.
    pub fn new(settings: &ReplySettings, category: Option<&CategoryReply>, asker: &str) -> Self {
        Values {
            asker: discord_escape(asker),
            brand: settings.brand.clone(),
            category: category.map(|c| c.name.clone()).unwrap_or_default(),
            link: category.map(|c| c.link.clone()).unwrap_or_default(),
            disclosure: settings.rules.disclosure.clone().unwrap_or_default(),
            disclaimer: category
                .and_then(|c| c.disclaimer.clone())
                .unwrap_or_default(),
            staff_hours: settings.staff_hours.clone().unwrap_or_default(),
        }
    }

    /// The same reply with the asker masked (see [`MASKED_ASKER`]).
    pub fn masked(&self) -> Self {
        Values {
            asker: MASKED_ASKER.to_string(),
            ..self.clone()
        }
    }

    /// Every value filled with a placeholder: walks `{{#if x}}` branches.
    pub fn sample_filled() -> Self {
        Values {
            asker: "Sample Asker".into(),
            brand: "Sample Brand".into(),
            category: "sample category".into(),
            link: "https://example.com/sample".into(),
            disclosure: "Sample Brand's bot".into(),
            disclaimer: "Sample disclaimer.".into(),
            staff_hours: "Mon-Fri 9:00-17:00".into(),
        }
    }

    /// Every optional value empty: walks `{{else}}` and `{{#unless x}}` branches.
    pub fn sample_empty() -> Self {
        Values {
            asker: "Sample Asker".into(),
            brand: "Sample Brand".into(),
            category: String::new(),
            link: String::new(),
            disclosure: String::new(),
            disclaimer: String::new(),
            staff_hours: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names_match_the_serialized_fields() {
        let json = serde_json::to_value(Values::sample_filled()).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort();
        let mut names = VALUE_NAMES.to_vec();
        names.sort();
        assert_eq!(keys, names);
    }
}
