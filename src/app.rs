//! Wiring between the validated config and the reply layer: builds the
//! template settings, loads the shared renderer, checks templates for
//! `shopkeep check`, and produces `shopkeep preview`'s report.
//!
//! Owns no rules of its own; it maps config sections onto the inputs of
//! `reply` and asks `core` to decide.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::anyhow;

use crate::config::Config;
use crate::core::decide::decide;
use crate::core::model::{Author, ChannelRef, Inbound, Place};
use crate::core::policy::Mode;
use crate::core::replies::{ReplyKind, ReplyRequest};
use crate::core::state::State;
use crate::engine::SharedReplies;
use crate::reply::{
    CategoryReply, ComplianceRules, ReplySettings, TemplateSet, DEFAULT_BANNED_PHRASES,
};

/// The reply layer's view of the config.
pub fn reply_settings(config: &Config) -> ReplySettings {
    let c = &config.compliance;
    let mut banned: Vec<String> = if c.default_banned_phrases {
        DEFAULT_BANNED_PHRASES
            .iter()
            .map(|p| p.to_string())
            .collect()
    } else {
        Vec::new()
    };
    banned.extend(c.banned_phrases.iter().cloned());
    ReplySettings {
        dir: config.templates_dir.clone(),
        brand: config.brand.name.clone(),
        staff_hours: config.brand.staff_hours.clone(),
        names: config.templates.clone(),
        categories: config
            .catalogue
            .iter()
            .map(|cat| CategoryReply {
                id: cat.id.clone(),
                name: cat.name.clone(),
                link: cat.link.clone(),
                disclaimer: cat.disclaimer.clone(),
                prices_allowed: cat.prices_allowed,
                template: cat.template.clone(),
                handoff_only: cat.handoff_only,
            })
            .collect(),
        rules: ComplianceRules {
            max_length: c.max_length,
            disclosure: c.disclosure.clone(),
            banned_phrases: banned,
            allowed_domains: c.allowed_domains.clone(),
            competitor_names: if c.forbid_competitor_names {
                config
                    .brand
                    .competitors
                    .iter()
                    .map(|n| n.trim_start_matches('@').to_string())
                    .collect()
            } else {
                Vec::new()
            },
        },
    }
}

/// Load every template, refusing to start with a broken or non-compliant one.
pub fn replies(config: &Config) -> anyhow::Result<SharedReplies> {
    match TemplateSet::load(reply_settings(config)) {
        Ok(set) => Ok(Arc::new(set)),
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            Err(anyhow!("templates refused:\n{}", list.join("\n")))
        }
    }
}

/// Every template problem, one `file:line:col rule-id message` per entry.
/// Template text naming another brand (the shipped examples' or a
/// competitor): not errors, since the text may be deliberate, but a new
/// brand copying the example must see them.
pub fn template_warnings(config: &Config) -> Vec<String> {
    let settings = reply_settings(config);
    let mut names: Vec<String> = settings.templates().into_iter().map(|(_, n)| n).collect();
    names.sort();
    names.dedup();
    let files: Vec<(std::path::PathBuf, String)> = names
        .iter()
        .map(|n| config.templates_dir.join(format!("{n}.hbs")))
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    crate::init::brand_warnings(&config.brand.name, &config.brand.competitors, &files)
}

pub fn check_templates(config: &Config) -> Vec<String> {
    crate::reply::check(&reply_settings(config))
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// What the bot would do with one message posted by `author` in `channel`,
/// with the current config and templates, as a readable report.
pub fn preview(
    config: &Config,
    message: &str,
    template: Option<&str>,
    author: &str,
    channel: &str,
) -> anyhow::Result<String> {
    let set = TemplateSet::parse(reply_settings(config)).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow!("templates do not load:\n{}", list.join("\n"))
    })?;
    let mut policy = config.policy();
    policy.mode = Mode::Live;
    let now = chrono::Utc::now();
    let msg = Inbound {
        id: "preview".into(),
        at: now,
        author: Author {
            id: "preview-user".into(),
            name: author.into(),
            bot: false,
            staff: false,
            webhook: false,
        },
        place: Place::Guild {
            guild: "preview".into(),
            channel: ChannelRef::named(channel),
            thread: None,
        },
        content: message.into(),
        mentions: vec![],
        mentions_bot: false,
        reply_to: None,
    };
    let d = decide(&msg, now, &State::new(), &policy, &set);
    let mut out = String::new();
    if let Some(v) = &d.verdict {
        let cues: Vec<String> = v.cues.iter().map(|c| c.label()).collect();
        writeln!(
            out,
            "verdict:    {} {:.2} (reply at {:.2})",
            v.class.as_str(),
            v.score,
            config.reply_at
        )?;
        writeln!(
            out,
            "cues:       {}",
            if cues.is_empty() {
                "none".into()
            } else {
                cues.join(" ")
            }
        )?;
    }
    let category = d.category.as_ref();
    writeln!(
        out,
        "about:      {}",
        category.map_or("nothing in the catalogue".into(), |c| format!(
            "{} (matched \"{}\")",
            c.id, c.keyword
        ))
    )?;
    writeln!(
        out,
        "decision:   {} — {}",
        format!("{:?}", d.action).to_lowercase(),
        d.reason
    )?;
    let chosen = template
        .map(str::to_string)
        .or_else(|| d.reply.as_ref().map(|r| r.template.clone()));
    let Some(name) = chosen else {
        writeln!(out, "template:   none (the bot would not reply)")?;
        return Ok(out);
    };
    if template.is_some() && !set.templates().any(|(loaded, _)| loaded == name) {
        let loaded: Vec<&str> = set.templates().map(|(n, _)| n).collect();
        return Err(anyhow!(
            "--template {name}: no such template in {}; loaded: {}",
            config.templates_dir.display(),
            loaded.join(", ")
        ));
    }
    let req = ReplyRequest {
        kind: ReplyKind::Solicitation,
        template: &name,
        category: category.map(|c| c.id.as_str()),
        asker: author,
        previous_variant: None,
        public: true,
    };
    match set.render_checked(&req) {
        Ok(checked) => {
            writeln!(
                out,
                "template:   {}#{}",
                checked.reply.template, checked.reply.variant
            )?;
            writeln!(out, "reply:      {}", checked.reply.text)?;
            if checked.is_compliant() {
                writeln!(
                    out,
                    "compliance: pass ({} characters)",
                    checked.reply.text.chars().count()
                )?;
            } else {
                for v in &checked.violations {
                    writeln!(out, "compliance: FAIL {} {}", v.rule.id(), v.message)?;
                }
            }
        }
        Err(refused) => writeln!(
            out,
            "template:   {name}: refused ({}) {}",
            refused.rules.join(", "),
            refused.message
        )?,
    }
    Ok(out)
}
