//! A loaded, checked set of reply templates: the pure [`Replies`]
//! implementation. Loading reads the files once; rendering is pure.
//!
//! Owns reading `templates/<name>.hbs`, compiling each variant in strict mode
//! with Discord-safe values, rotating variants, and running the compliance
//! rules on every rendering. Reporting positions for `shopkeep check` lives
//! in `check`; watching files lives in `live`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use handlebars::{
    Handlebars, RenderError, RenderErrorReason, Template, TemplateError, TemplateErrorReason,
};

use super::check::Problem;
use super::compliance::{check_content, check_delivery, Audience, CheckContext, Violation};
use super::lint::{lint, HELPERS};
use super::rules::Rule;
use super::settings::{CategoryReply, ReplySettings};
use super::source::{split_variants, unclosed_block, VariantSource};
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
    settings: ReplySettings,
    registry: Handlebars<'static>,
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
    /// Loads and checks every template: refused with every problem found if
    /// any file is missing, fails to parse, uses an unknown value or helper,
    /// or renders a non-compliant reply for any catalogue category.
    pub fn load(settings: ReplySettings) -> Result<TemplateSet, Vec<Problem>> {
        let set = TemplateSet::parse(settings)?;
        let problems = set.compliance_problems();
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(problems)
        }
    }

    /// Loads every template without the compliance rules: what a preview
    /// needs to show a non-compliant draft. Still refuses syntax errors and
    /// unknown values or helpers.
    pub fn parse(settings: ReplySettings) -> Result<TemplateSet, Vec<Problem>> {
        TemplateSet::parse_with(settings, None)
    }

    /// As [`TemplateSet::parse`], also loading `extra` (a template the
    /// settings do not name yet, for previews of a new file).
    pub(crate) fn parse_with(
        settings: ReplySettings,
        extra: Option<(ReplyKind, &str)>,
    ) -> Result<TemplateSet, Vec<Problem>> {
        let mut set = TemplateSet {
            registry: registry(),
            templates: BTreeMap::new(),
            settings,
        };
        let mut wanted = set.settings.templates();
        if let Some((kind, name)) = extra.filter(|(_, n)| !wanted.iter().any(|(_, w)| w == n)) {
            wanted.push((kind, name.to_string()));
        }
        let mut problems = Vec::new();
        for (kind, name) in wanted {
            match set.load_file(kind, &name) {
                Ok(loaded) => {
                    set.templates.insert(name, loaded);
                }
                Err(found) => problems.extend(found),
            }
        }
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(problems)
        }
    }

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

    fn load_file(&mut self, kind: ReplyKind, name: &str) -> Result<LoadedTemplate, Vec<Problem>> {
        let path = self.settings.dir.join(format!("{name}.hbs"));
        if !is_file_stem(name) {
            let msg = format!("`{name}` is not a template name (letters, digits, `_`, `-`)");
            return Err(vec![Problem::new(
                &path,
                (1, 1),
                Rule::TemplateMissing,
                msg,
            )]);
        }
        let source = std::fs::read_to_string(&path).map_err(|e| {
            let msg = format!("cannot read template `{name}`: {e}");
            vec![Problem::new(&path, (1, 1), Rule::TemplateMissing, msg)]
        })?;
        let variants = split_variants(&source);
        let mut problems = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let key = variant_key(name, index);
            match compile(&path, &key, variant) {
                Ok(template) => self.registry.register_template(&key, template),
                Err(found) => {
                    problems.extend(found);
                    continue;
                }
            }
            problems.extend(self.sample_render(&path, &key, variant));
        }
        if problems.is_empty() {
            Ok(LoadedTemplate {
                kind,
                path,
                variants,
            })
        } else {
            Err(problems)
        }
    }

    /// Renders a variant with every value filled, then with every optional
    /// value empty, so both sides of each `{{#if}}` run once at load.
    fn sample_render(&self, path: &Path, key: &str, variant: &VariantSource) -> Vec<Problem> {
        let mut problems = Vec::new();
        for values in [Values::sample_filled(), Values::sample_empty()] {
            match self.render_key(key, &values) {
                Ok(text) if text.is_empty() => {
                    let msg = "the variant renders to an empty reply".to_string();
                    problems.push(Problem::new(
                        path,
                        variant.start_pos(),
                        Rule::TemplateEmpty,
                        msg,
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    let pos = variant.file_pos(e.line_no.unwrap_or(1), e.column_no.unwrap_or(1));
                    let (rule, msg) = describe_render_error(&e);
                    problems.push(Problem::new(path, pos, rule, msg));
                }
            }
            if !problems.is_empty() {
                break;
            }
        }
        problems
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

/// Template names are plain file stems: a name from the config can never
/// reach outside the templates directory.
fn is_file_stem(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
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

/// Strict mode on; no HTML escaping (values are made safe before rendering,
/// see `values`); only the helpers `lint` allows.
fn registry() -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    for name in [
        "each", "with", "lookup", "raw", "log", "gt", "gte", "lt", "lte", "len",
    ] {
        debug_assert!(!HELPERS.contains(&name));
        registry.unregister_helper(name);
    }
    registry
}

/// Parses one variant and lints it; positions are file positions.
fn compile(path: &Path, key: &str, variant: &VariantSource) -> Result<Template, Vec<Problem>> {
    let template = Template::compile_with_name(&variant.text, key.to_string())
        .map_err(|e| vec![syntax_problem(path, variant, &e)])?;
    let findings = lint(&template);
    if findings.is_empty() {
        return Ok(template);
    }
    Err(findings
        .into_iter()
        .map(|f| Problem::new(path, variant.file_pos(f.line, f.col), f.rule, f.message))
        .collect())
}

/// A parse error at its position; an unclosed block is reported where it
/// opens, since handlebars can only say the input ended too soon.
fn syntax_problem(path: &Path, variant: &VariantSource, e: &TemplateError) -> Problem {
    let at_end = matches!(e.reason(), TemplateErrorReason::InvalidSyntax(_));
    if let Some((name, offset)) = unclosed_block(&variant.text).filter(|_| at_end) {
        let msg = format!("`{{{{#{name}}}}}` is never closed (add `{{{{/{name}}}}}`)");
        return Problem::new(
            path,
            variant.pos_of_offset(offset),
            Rule::TemplateSyntax,
            msg,
        );
    }
    let (line, col) = e.pos().unwrap_or((1, 1));
    let msg = e.reason().to_string();
    Problem::new(path, variant.file_pos(line, col), Rule::TemplateSyntax, msg)
}

fn describe_render_error(e: &RenderError) -> (Rule, String) {
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
