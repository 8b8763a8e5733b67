//! Loading a [`TemplateSet`]: reading `templates/<name>.hbs`, splitting
//! variants, compiling each in strict mode, refusing unknown values and
//! helpers, and rendering every variant with sample values once.
//!
//! Owns turning files into a registry or into [`Problem`]s with file
//! positions. Rendering requests lives in `set`; compliance over every
//! category lives in `check`.

use std::collections::BTreeMap;
use std::path::Path;

use handlebars::{Handlebars, Template, TemplateError, TemplateErrorReason};

use super::check::Problem;
use super::lint::{lint, HELPERS};
use super::rules::Rule;
use super::set::{describe_render_error, variant_key, LoadedTemplate, TemplateSet};
use super::settings::ReplySettings;
use super::source::{split_variants, unclosed_block, VariantSource};
use super::values::Values;
use crate::core::replies::ReplyKind;

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

/// Template names are plain file stems: a name from the config can never
/// reach outside the templates directory.
fn is_file_stem(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
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
