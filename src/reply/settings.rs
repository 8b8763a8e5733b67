//! The plain inputs of the reply layer: where the templates live, which file
//! serves which reply kind, the catalogue as templates see it, and the brand's
//! compliance rules.
//!
//! Owns only data and defaults. Parsing the TOML config is the config
//! module's job; it maps its validated sections onto these structs. Nothing
//! here reads files.

use std::path::PathBuf;

use crate::core::replies::ReplyKind;

/// Discord refuses messages longer than this many characters.
pub const DISCORD_MAX_LENGTH: usize = 2000;

/// The default maximum reply length: a tweet-sized message.
pub const DEFAULT_MAX_LENGTH: usize = 280;

/// Pressure tactics and claims nobody has approved. The config adds to these;
/// matching is case-insensitive, on whole words, and treats `’` as `'`.
pub const DEFAULT_BANNED_PHRASES: &[&str] = &[
    "act now",
    "act fast",
    "limited time",
    "limited-time",
    "while stocks last",
    "while supplies last",
    "guaranteed",
    "risk-free",
    "risk free",
    "no risk",
    "best rate",
    "best rates",
    "best price",
    "lowest price",
    "cheapest",
    "don't miss out",
    "don't miss",
    "hurry",
    "last chance",
    "once in a lifetime",
    "100% safe",
    "100% free",
    "instant approval",
    "pre-approved",
    "buy now",
    "order now",
    "today only",
    "exclusive offer",
];

/// The brand's rules for every rendered reply. Each rule has an id (see
/// [`crate::reply::Rule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRules {
    /// Maximum characters in a customer-facing reply (`length.max`). Values
    /// above [`DISCORD_MAX_LENGTH`] are capped to it.
    pub max_length: usize,
    /// A phrase every public reply must contain, case-insensitive
    /// (`disclosure.missing`).
    pub disclosure: Option<String>,
    /// Phrases no reply may contain (`phrase.banned`).
    pub banned_phrases: Vec<String>,
    /// Hosts links may point to; subdomains of these are allowed too
    /// (`link.domain`). Empty means no links at all.
    pub allowed_domains: Vec<String>,
    /// Names no reply may contain (`competitor.named`).
    pub competitor_names: Vec<String>,
}

impl ComplianceRules {
    /// The length limit actually enforced: never above Discord's.
    pub fn effective_max_length(&self) -> usize {
        self.max_length.min(DISCORD_MAX_LENGTH)
    }
}

impl Default for ComplianceRules {
    fn default() -> Self {
        ComplianceRules {
            max_length: DEFAULT_MAX_LENGTH,
            disclosure: None,
            banned_phrases: DEFAULT_BANNED_PHRASES
                .iter()
                .map(|p| p.to_string())
                .collect(),
            allowed_domains: Vec::new(),
            competitor_names: Vec::new(),
        }
    }
}

/// One catalogue category, as the templates and the compliance rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryReply {
    /// Stable id from the config (`dining-tables`), as in `ReplyRequest`.
    pub id: String,
    /// Human name (`dining tables`): the `category` value.
    pub name: String,
    /// The approved link: the `link` value.
    pub link: String,
    /// Text that must appear in replies about this category
    /// (`disclaimer.missing`): the `disclaimer` value.
    pub disclaimer: Option<String>,
    /// Whether replies about this category may quote prices, percentages or
    /// rates (`price.not_allowed`).
    pub prices_allowed: bool,
    /// Template (file stem) for a solicitation about this category.
    pub template: String,
    /// Staff answer this category: the bot never replies about it in
    /// public, so no public template is checked against it.
    pub handoff_only: bool,
}

/// File stems (under [`ReplySettings::dir`]) for each reply kind: the
/// policy's own type, so the core and the reply layer cannot disagree.
pub use crate::core::policy::TemplateNames;

impl TemplateNames {
    /// The template configured for a reply kind.
    pub fn for_kind(&self, kind: ReplyKind) -> &str {
        match kind {
            ReplyKind::Solicitation => &self.solicitation,
            ReplyKind::MultiBrand => &self.multi_brand,
            ReplyKind::Intent => &self.intent,
            ReplyKind::HandoffPublic => &self.handoff_public,
            ReplyKind::HandoffDm => &self.handoff_dm,
            ReplyKind::OptOut => &self.opt_out,
            ReplyKind::OptIn => &self.opt_in,
            ReplyKind::StaffNotice => &self.staff_notice,
        }
    }

    /// Every (kind, template) pair, in a stable order.
    pub fn all(&self) -> [(ReplyKind, &str); 8] {
        [
            ReplyKind::Solicitation,
            ReplyKind::MultiBrand,
            ReplyKind::Intent,
            ReplyKind::HandoffPublic,
            ReplyKind::HandoffDm,
            ReplyKind::OptOut,
            ReplyKind::OptIn,
            ReplyKind::StaffNotice,
        ]
        .map(|kind| (kind, self.for_kind(kind)))
    }
}

/// Everything the reply layer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplySettings {
    /// Directory holding `<name>.hbs` files.
    pub dir: PathBuf,
    /// The brand's name: the `brand` value.
    pub brand: String,
    /// When staff answer (`Mon–Fri 9:00–17:00 UK time`): the `staff_hours` value.
    pub staff_hours: Option<String>,
    pub names: TemplateNames,
    pub categories: Vec<CategoryReply>,
    pub rules: ComplianceRules,
}

impl ReplySettings {
    pub fn category(&self, id: &str) -> Option<&CategoryReply> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Every template the settings refer to, each once, with the kind it is
    /// used for (a category template counts as a solicitation).
    pub fn templates(&self) -> Vec<(ReplyKind, String)> {
        let mut out: Vec<(ReplyKind, String)> = Vec::new();
        let kinds = self.names.all().map(|(k, n)| (k, n.to_string()));
        let cats = self
            .categories
            .iter()
            .map(|c| (ReplyKind::Solicitation, c.template.clone()));
        for (kind, name) in kinds.into_iter().chain(cats) {
            if !out.iter().any(|(_, n)| *n == name) {
                out.push((kind, name));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_limit_never_exceeds_discords() {
        let rules = ComplianceRules {
            max_length: 5000,
            ..ComplianceRules::default()
        };
        assert_eq!(rules.effective_max_length(), DISCORD_MAX_LENGTH);
        assert_eq!(ComplianceRules::default().effective_max_length(), 280);
    }

    #[test]
    fn templates_lists_each_file_once_with_category_overrides() {
        let settings = ReplySettings {
            dir: PathBuf::from("t"),
            brand: "B".into(),
            staff_hours: None,
            names: TemplateNames::default(),
            categories: vec![
                CategoryReply {
                    id: "a".into(),
                    name: "a".into(),
                    link: String::new(),
                    disclaimer: None,
                    prices_allowed: false,
                    template: "solicitation".into(),
                    handoff_only: false,
                },
                CategoryReply {
                    id: "b".into(),
                    name: "b".into(),
                    link: String::new(),
                    disclaimer: None,
                    prices_allowed: false,
                    template: "special".into(),
                    handoff_only: false,
                },
            ],
            rules: ComplianceRules::default(),
        };
        let names: Vec<String> = settings.templates().into_iter().map(|(_, n)| n).collect();
        assert_eq!(names.len(), 9);
        assert_eq!(names.last().unwrap(), "special");
    }
}
