//! The compliance rules, applied to one rendered text: length, disclosure,
//! disclaimer, banned phrases, link domains, competitor names, prices and
//! mentions. Each finding carries its rule id and the offending text.
//!
//! Owns plain functions over plain strings (in the spirit of
//! `twilight-validate`): no templates, no files, no positions. Mapping a
//! finding back to a line in a template file is `check`'s job.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::Rule;
use super::settings::{ComplianceRules, DISCORD_MAX_LENGTH};
use super::text::find_phrase;

/// Who reads a reply; decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The whole channel: every rule, including the disclosure.
    Public,
    /// The customer in a DM: every rule except the disclosure.
    Private,
    /// The staff channel: only Discord's length limit and no mentions.
    Staff,
}

/// What the rules need to know about one reply besides its text.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    pub rules: &'a ComplianceRules,
    pub audience: Audience,
    /// The disclaimer of the category the reply is about, if it has one.
    pub disclaimer: Option<&'a str>,
    /// Whether that category allows prices (no category: not allowed).
    pub prices_allowed: bool,
}

/// One rule broken by one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    pub message: String,
    /// The offending text exactly as it appears in the checked text, when
    /// the rule is about something present (a phrase, a link) rather than
    /// something missing or too long.
    pub found: Option<String>,
}

impl Violation {
    fn missing(rule: Rule, message: String) -> Self {
        Violation {
            rule,
            message,
            found: None,
        }
    }

    fn found(rule: Rule, message: String, found: &str) -> Self {
        Violation {
            rule,
            message,
            found: Some(found.to_string()),
        }
    }
}

/// Checks the words the brand says: run it on the text rendered with user
/// values masked, so a customer called "Guaranteed Gary" is not a breach.
pub fn check_content(text: &str, ctx: &CheckContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    if ctx.audience == Audience::Staff {
        return out;
    }
    let rules = ctx.rules;
    if let (Audience::Public, Some(phrase)) = (ctx.audience, non_blank(&rules.disclosure)) {
        if find_phrase(text, phrase).is_none() {
            let msg = format!("public reply must contain the disclosure \"{phrase}\"");
            out.push(Violation::missing(Rule::DisclosureMissing, msg));
        }
    }
    if let Some(disclaimer) = ctx.disclaimer.filter(|d| !d.trim().is_empty()) {
        if find_phrase(text, disclaimer).is_none() {
            let msg = format!("reply must contain the category disclaimer \"{disclaimer}\"");
            out.push(Violation::missing(Rule::DisclaimerMissing, msg));
        }
    }
    out.extend(listed(
        text,
        &rules.banned_phrases,
        Rule::PhraseBanned,
        "banned phrase",
    ));
    out.extend(listed(
        text,
        &rules.competitor_names,
        Rule::CompetitorNamed,
        "competitor named",
    ));
    if !ctx.prices_allowed {
        out.extend(prices(text));
    }
    out
}

/// Checks what Discord would do with the exact text sent: its length, its
/// links and its mentions. Run it on the real rendering.
pub fn check_delivery(text: &str, ctx: &CheckContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let max = match ctx.audience {
        Audience::Staff => DISCORD_MAX_LENGTH,
        _ => ctx.rules.effective_max_length(),
    };
    let len = text.chars().count();
    if len > max {
        let msg = format!("reply is {len} characters, the limit is {max}");
        out.push(Violation::missing(Rule::LengthMax, msg));
    }
    out.extend(mentions(text));
    if ctx.audience != Audience::Staff {
        out.extend(links(text, &ctx.rules.allowed_domains));
    }
    out
}

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

fn listed(text: &str, phrases: &[String], rule: Rule, what: &str) -> Vec<Violation> {
    phrases
        .iter()
        .filter(|p| !p.trim().is_empty())
        .filter_map(|p| {
            let (start, end) = find_phrase(text, p)?;
            let hit = &text[start..end];
            Some(Violation::found(rule, format!("{what} \"{hit}\""), hit))
        })
        .collect()
}

static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:[$£€¥₹]\s?\d[\d,.]*",
        r"|\b(?:usd|eur|gbp|chf|cad|aud)\s?\d[\d,.]*",
        r"|\b\d[\d,.]*\s?(?:usd|eur|gbp|chf|cad|aud|dollars?|pounds?|euros?|quid|bucks)\b",
        r"|\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|per\s+cent\b)",
        r"|\b(?:apr|aer)\b)",
    ))
    .expect("price pattern compiles")
});

fn prices(text: &str) -> Vec<Violation> {
    PRICE
        .find_iter(text)
        .map(|m| {
            let msg = format!(
                "price or rate \"{}\" in a category without prices",
                m.as_str()
            );
            Violation::found(Rule::PriceNotAllowed, msg, m.as_str())
        })
        .collect()
}

static MASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)@(?:everyone|here)\b").expect("mass pattern compiles"));
static PING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<@[!&]?\d+>").expect("ping pattern compiles"));

fn mentions(text: &str) -> Vec<Violation> {
    let mass = MASS.find_iter(text).map(|m| {
        let msg = format!("{} would ping the whole server", m.as_str());
        Violation::found(Rule::MentionMass, msg, m.as_str())
    });
    let ping = PING.find_iter(text).map(|m| {
        let msg = format!("{} would ping a user or role", m.as_str());
        Violation::found(Rule::MentionPing, msg, m.as_str())
    });
    mass.chain(ping).collect()
}

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>()\[\]"'`\x{200B}]+"#)
        .expect("link pattern compiles")
});

fn links(text: &str, allowed: &[String]) -> Vec<Violation> {
    LINK.find_iter(text)
        .filter_map(|m| {
            let host = host_of(m.as_str());
            if host_allowed(&host, allowed) {
                return None;
            }
            let msg = format!("link to {host} is not on an allowed domain");
            Some(Violation::found(Rule::LinkDomain, msg, m.as_str()))
        })
        .collect()
}

/// The host of a URL (or `www.` address): no scheme, user info, port, path.
pub(crate) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    host.trim_end_matches('.').to_ascii_lowercase()
}

fn host_allowed(host: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|d| {
        let d = d.trim().trim_start_matches("*.").to_ascii_lowercase();
        !d.is_empty() && (host == d || host.ends_with(&format!(".{d}")))
    })
}

#[cfg(test)]
#[path = "compliance_tests.rs"]
mod tests;
