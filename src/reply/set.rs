//! A loaded, checked set of reply templates: the pure [`Replies`]
//! implementation. Rendering reads no files and has no side effects.
//!
//! Owns rendering a request: choosing the variant after the last one used,
//! filling Discord-safe values, and running the compliance rules on every
//! rendering. Reading and compiling files lives in `load`, positions for
//! `shopkeep check` in `check`, watching files in `live`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use handlebars::{Handlebars, RenderError, RenderErrorReason};

use super::compliance::{check_content, check_delivery, Audience, CheckContext, Violation};
use super::rules::Rule;
use super::settings::{CategoryReply, ReplySettings};
use super::source::VariantSource;
use super::values::Values;
use crate::core::model::RenderedReply;
use crate::core::replies::{Replies, ReplyKind, ReplyRefused, ReplyRequest};

/// One template file, compiled.
#[derive(Debug, Clone)]
pub(crate) struct LoadedTemplate {
    pub kind: ReplyKind,
    pub path: PathBuf,
    pub variants: Vec<VariantSource>,
}

/// A rendering and what the compliance rules found in it. `render` refuses
/// a reply with any violation; previews show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub reply: RenderedReply,
    pub violations: Vec<Violation>,
}

impl Checked {
    pub fn is_compliant(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Every template the settings name, compiled and checked.
pub struct TemplateSet {
    pub(crate) settings: ReplySettings,
    pub(crate) registry: Handlebars<'static>,
    pub(crate) templates: BTreeMap<String, LoadedTemplate>,
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("dir", &self.settings.dir)
            .field("templates", &self.templates.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl TemplateSet {
    pub fn settings(&self) -> &ReplySettings {
        &self.settings
    }

    /// Template names with their variant counts, in name order.
    pub fn templates(&self) -> impl Iterator<Item = (&str, usize)> {
        self.templates
            .iter()
            .map(|(name, t)| (name.as_str(), t.variants.len()))
    }

    /// Renders the variant after `req.previous_variant` and checks it;
    /// `Err` only when there is nothing to check (unknown template or
    /// category, or a render error).
    pub fn render_checked(&self, req: &ReplyRequest<'_>) -> Result<Checked, ReplyRefused> {
        let count = self
            .templates
            .get(req.template)
            .map_or(1, |t| t.variants.len());
        let variant = req.previous_variant.map_or(0, |i| (i + 1) % count.max(1));
        self.render_variant(req, variant)
    }

    /// Renders one given variant of `req.template` and checks it.
    pub fn render_variant(
        &self,
        req: &ReplyRequest<'_>,
        variant: usize,
    ) -> Result<Checked, ReplyRefused> {
        let (template, category) = self.resolve(req, variant)?;
        let values = Values::new(&self.settings, category, req.asker);
        let text = self.render_one(req.template, template, variant, &values)?;
        let masked = self.render_one(req.template, template, variant, &values.masked())?;
        let ctx = self.context(req.kind, req.public, category);
        let mut violations = Vec::new();
        if text.is_empty() {
            let message = "the reply is empty".to_string();
            let rule = Rule::TemplateEmpty;
            violations.push(Violation {
                rule,
                message,
                found: None,
            });
        }
        violations.extend(check_delivery(&text, &ctx));
        violations.extend(check_content(&masked, &ctx));
        let reply = RenderedReply {
            template: req.template.to_string(),
            variant,
            text,
        };
        Ok(Checked { reply, violations })
    }

    /// The template, checked variant index, and category of a request.
    fn resolve(
        &self,
        req: &ReplyRequest<'_>,
        variant: usize,
    ) -> Result<(&LoadedTemplate, Option<&CategoryReply>), ReplyRefused> {
        let name = req.template;
        let template = self
            .templates
            .get(name)
            .filter(|t| variant < t.variants.len())
            .ok_or_else(|| {
                let msg = format!("no template `{name}` with a variant {variant} is loaded");
                refusal(name, Rule::TemplateMissing, msg)
            })?;
        let category = match req.category {
            None => None,
            Some(id) => Some(self.settings.category(id).ok_or_else(|| {
                refusal(
                    name,
                    Rule::CategoryUnknown,
                    format!("unknown category `{id}`"),
                )
            })?),
        };
        Ok((template, category))
    }

    /// Renders one variant; a render error names the file position.
    fn render_one(
        &self,
        name: &str,
        template: &LoadedTemplate,
        variant: usize,
        values: &Values,
    ) -> Result<String, ReplyRefused> {
        let key = variant_key(name, variant);
        self.render_key(&key, values).map_err(|e| {
            let source = &template.variants[variant];
            let (line, col) = source.file_pos(e.line_no.unwrap_or(1), e.column_no.unwrap_or(1));
            let (rule, msg) = describe_render_error(&e);
            let path = template.path.display();
            refusal(name, rule, format!("{path}:{line}:{col} {msg}"))
        })
    }

    fn context<'a>(
        &'a self,
        kind: ReplyKind,
        public: bool,
        category: Option<&'a CategoryReply>,
    ) -> CheckContext<'a> {
        let audience = match (kind, public) {
            (ReplyKind::StaffNotice, _) => Audience::Staff,
            (_, true) => Audience::Public,
            (_, false) => Audience::Private,
        };
        let about = category.filter(|_| is_about_category(kind));
        CheckContext {
            rules: &self.settings.rules,
            audience,
            disclaimer: about.and_then(|c| c.disclaimer.as_deref()),
            prices_allowed: about.is_some_and(|c| c.prices_allowed),
        }
    }

    pub(crate) fn render_key(&self, key: &str, values: &Values) -> Result<String, RenderError> {
        let text = self.registry.render(key, values)?;
        Ok(text.trim().to_string())
    }
}

impl Replies for TemplateSet {
    fn render(&self, req: &ReplyRequest<'_>) -> Result<RenderedReply, ReplyRefused> {
        let checked = self.render_checked(req)?;
        if checked.is_compliant() {
            return Ok(checked.reply);
        }
        let v = &checked.violations;
        Err(ReplyRefused {
            template: req.template.to_string(),
            rules: v.iter().map(|v| v.rule.id().to_string()).collect(),
            message: v
                .iter()
                .map(|v| format!("{}: {}", v.rule, v.message))
                .collect::<Vec<_>>()
                .join("; "),
        })
    }
}

/// Kinds whose reply talks about the product asked for: the category's
/// disclaimer and price rule apply. Hand-offs, opt-outs, opt-ins and staff
/// notices say nothing about the product, so they need neither.
pub(crate) fn is_about_category(kind: ReplyKind) -> bool {
    matches!(
        kind,
        ReplyKind::Solicitation | ReplyKind::MultiBrand | ReplyKind::Intent
    )
}

fn refusal(template: &str, rule: Rule, message: String) -> ReplyRefused {
    ReplyRefused {
        template: template.to_string(),
        rules: vec![rule.id().to_string()],
        message,
    }
}

pub(crate) fn variant_key(name: &str, variant: usize) -> String {
    format!("{name}#{variant}")
}
pub(crate) fn describe_render_error(e: &RenderError) -> (Rule, String) {
    let rule = match e.reason() {
        RenderErrorReason::MissingVariable(_) => Rule::TemplateUnknownValue,
        RenderErrorReason::HelperNotFound(_)
        | RenderErrorReason::DecoratorNotFound(_)
        | RenderErrorReason::PartialNotFound(_) => Rule::TemplateUnknownHelper,
        RenderErrorReason::TemplateError(_) => Rule::TemplateSyntax,
        _ => Rule::TemplateRender,
    };
    (rule, e.reason().to_string())
}
