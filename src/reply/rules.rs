//! The ids of everything that can stop a reply: compliance rules on rendered
//! text and `template.*` errors found while loading files.
//!
//! Owns the stable ids that appear in `shopkeep check` output, in
//! `ReplyRefused::rules`, in logs and in the audit trail. Renaming one is a
//! breaking change for compliance teams who grep for it.

use std::fmt;

/// One rule with a stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// The reply is longer than the configured maximum (or Discord's 2,000).
    LengthMax,
    /// A public reply lacks the brand's disclosure phrase.
    DisclosureMissing,
    /// A reply about a category lacks that category's disclaimer.
    DisclaimerMissing,
    /// A banned (pressure or unsubstantiated-claim) phrase appears.
    PhraseBanned,
    /// A link points outside the allowed domains.
    LinkDomain,
    /// A competitor is named.
    CompetitorNamed,
    /// A price, percentage or rate appears where the category forbids them.
    PriceNotAllowed,
    /// `@everyone` or `@here` appears in the text.
    MentionMass,
    /// Raw user, role or channel mention syntax (`<@1>`, `<@&1>`, `<#1>`).
    MentionPing,
    /// The reply is empty once rendered.
    TemplateEmpty,
    /// Handlebars could not parse the template.
    TemplateSyntax,
    /// The template uses a value that does not exist.
    TemplateUnknownValue,
    /// The template uses a helper, partial or decorator that does not exist.
    TemplateUnknownHelper,
    /// Any other failure while rendering.
    TemplateRender,
    /// The template file does not exist or cannot be read.
    TemplateMissing,
    /// The reply is about a category the settings do not know.
    CategoryUnknown,
}

impl Rule {
    pub const ALL: [Rule; 16] = [
        Rule::LengthMax,
        Rule::DisclosureMissing,
        Rule::DisclaimerMissing,
        Rule::PhraseBanned,
        Rule::LinkDomain,
        Rule::CompetitorNamed,
        Rule::PriceNotAllowed,
        Rule::MentionMass,
        Rule::MentionPing,
        Rule::TemplateEmpty,
        Rule::TemplateSyntax,
        Rule::TemplateUnknownValue,
        Rule::TemplateUnknownHelper,
        Rule::TemplateRender,
        Rule::TemplateMissing,
        Rule::CategoryUnknown,
    ];

    /// The stable id, e.g. `phrase.banned`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::LengthMax => "length.max",
            Rule::DisclosureMissing => "disclosure.missing",
            Rule::DisclaimerMissing => "disclaimer.missing",
            Rule::PhraseBanned => "phrase.banned",
            Rule::LinkDomain => "link.domain",
            Rule::CompetitorNamed => "competitor.named",
            Rule::PriceNotAllowed => "price.not_allowed",
            Rule::MentionMass => "mention.mass",
            Rule::MentionPing => "mention.ping",
            Rule::TemplateEmpty => "template.empty",
            Rule::TemplateSyntax => "template.syntax",
            Rule::TemplateUnknownValue => "template.unknown_value",
            Rule::TemplateUnknownHelper => "template.unknown_helper",
            Rule::TemplateRender => "template.render",
            Rule::TemplateMissing => "template.missing",
            Rule::CategoryUnknown => "category.unknown",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_distinct_dotted_id() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert!(ids.iter().all(|id| id.contains('.')));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
    }
}
