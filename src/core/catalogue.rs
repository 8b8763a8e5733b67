//! The brand relevance gate: does a message talk about something the brand
//! sells, and which catalogue category? Separate from the detector on
//! purpose: the detector says "someone asks to be sold to", the catalogue
//! says "…and it is something we sell".
//!
//! Owns keyword matching on whole words compared by their stems
//! ([`super::words`]): "serviced" finds a keyword written "service",
//! "benches" finds "bench", "stable" never finds "table". Knows nothing
//! about channels, limits or templates.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

use super::words::{padded, Words};

/// One product category as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Stable id from the config (`dining-tables`).
    pub id: String,
    /// Human name for templates (`dining tables`).
    pub name: String,
    /// Keywords and synonyms, as written in the config.
    pub keywords: Vec<String>,
    /// The approved link for this category.
    pub link: String,
    /// Template used for a solicitation about this category.
    pub template: String,
    /// Only humans answer requests about this category.
    pub handoff_only: bool,
}

/// Which category a message matched, and on what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryMatch {
    pub id: String,
    pub name: String,
    /// The keyword (as configured) that matched.
    pub keyword: String,
}

/// A compiled catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    categories: Vec<Category>,
    matcher: Option<AhoCorasick>,
    /// For each pattern: (category index, keyword index).
    owners: Vec<(usize, usize)>,
}

impl Catalogue {
    pub fn new(categories: Vec<Category>) -> Self {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (ci, cat) in categories.iter().enumerate() {
            for (ki, kw) in cat.keywords.iter().enumerate() {
                let stems = Words::of(kw).stems;
                if stems.is_empty() {
                    continue;
                }
                patterns.push(padded(&stems));
                owners.push((ci, ki));
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
        };
        Catalogue {
            categories,
            matcher,
            owners,
        }
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    pub fn get(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The first category (by position in the message; the longest
    /// keyword there) one of whose keywords appears in the message, word
    /// for word on stems.
    pub fn classify(&self, text: &str) -> Option<CategoryMatch> {
        let matcher = self.matcher.as_ref()?;
        // Keywords and text are both " stem stem ": a match is whole words.
        let m = matcher.find(&Words::of(text).padded_stems())?;
        let (ci, ki) = self.owners[m.pattern().as_usize()];
        let cat = &self.categories[ci];
        Some(CategoryMatch {
            id: cat.id.clone(),
            name: cat.name.clone(),
            keyword: cat.keywords[ki].clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::new(vec![
            Category {
                id: "dining-tables".into(),
                name: "dining tables".into(),
                keywords: vec!["dining table".into(), "table".into()],
                link: "https://example.com/tables".into(),
                template: "solicitation".into(),
                handoff_only: false,
            },
            Category {
                id: "beds".into(),
                name: "beds".into(),
                keywords: vec!["bed frame".into(), "bed".into()],
                link: "https://example.com/beds".into(),
                template: "solicitation".into(),
                handoff_only: false,
            },
        ])
    }

    #[test]
    fn a_keyword_matches_its_category() {
        let m = catalogue()
            .classify("where can I get an oak Dining Table?")
            .unwrap();
        assert_eq!(m.id, "dining-tables");
        assert_eq!(m.keyword, "dining table");
    }

    #[test]
    fn plurals_match() {
        assert_eq!(
            catalogue().classify("any good tables?").unwrap().id,
            "dining-tables"
        );
        assert_eq!(catalogue().classify("beds on sale?").unwrap().id, "beds");
    }

    #[test]
    fn inflected_keywords_match_on_their_stems() {
        let c = Catalogue::new(vec![Category {
            id: "servicing".into(),
            name: "bike servicing".into(),
            keywords: vec!["service".into(), "full service".into()],
            link: "https://example.com/service".into(),
            template: "solicitation".into(),
            handoff_only: false,
        }]);
        for text in [
            "where can I get my bike serviced?",
            "do you do servicing on weekends",
            "how much are your full services",
        ] {
            assert_eq!(c.classify(text).unwrap().id, "servicing", "{text}");
        }
        assert_eq!(
            c.classify("how much are your full services")
                .unwrap()
                .keyword,
            "full service",
            "the longest keyword at the first place wins"
        );
        assert!(c.classify("self-serve checkout").is_none());
    }

    #[test]
    fn a_keyword_inside_another_word_does_not_match() {
        assert!(catalogue().classify("is this stable?").is_none());
        assert!(catalogue().classify("bedrock prices").is_none());
    }

    #[test]
    fn an_empty_catalogue_matches_nothing() {
        assert!(Catalogue::new(vec![]).classify("table").is_none());
    }
}
