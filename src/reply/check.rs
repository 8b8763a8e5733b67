//! `shopkeep check`: every problem in the templates and their compliance,
//! each reported as `file:line:col rule-id message`.
//!
//! Owns [`Problem`], [`check`] and the mapping from a compliance finding in
//! rendered text back to the template line that caused it. Exiting non-zero
//! is the CLI's job.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::compliance::Violation;
use super::rules::Rule;
use super::set::{is_about_category, Checked, LoadedTemplate, TemplateSet};
use super::settings::ReplySettings;
use super::source::VariantSource;
use super::text::find_phrase;
use crate::core::replies::{ReplyKind, ReplyRequest};

/// The asker name used when checking templates: as long as a Discord
/// display name gets (32 characters), so the length rule leaves room for
/// real names.
pub const SAMPLE_ASKER: &str = "Alexandra Montgomery-Fitzwilliam";

/// One problem at one place in one template file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub rule: Rule,
    pub message: String,
}

impl Problem {
    pub fn new(file: &Path, (line, col): (usize, usize), rule: Rule, message: String) -> Self {
        Problem {
            file: file.to_path_buf(),
            line,
            col,
            rule,
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{} {} {}",
            self.file.display(),
            self.line,
            self.col,
            self.rule,
            self.message
        )
    }
}

/// Loads every template the settings name and renders every variant with
/// sample values for every catalogue category it can be used with. Empty
/// means the templates pass.
pub fn check(settings: &ReplySettings) -> Vec<Problem> {
    match TemplateSet::parse(settings.clone()) {
        Ok(set) => set.compliance_problems(),
        Err(problems) => problems,
    }
}

/// What `shopkeep preview` shows: every variant of `req.template` rendered
/// for `req`, each with its compliance findings. The templates on disk are
/// read without the compliance gate, so a non-compliant draft still renders
/// and shows why it would be refused; a template that does not load at all
/// returns its problems instead. The template need not be named in the
/// settings yet (it is then treated as a reply of kind `req.kind`).
pub fn preview(
    settings: &ReplySettings,
    req: &ReplyRequest<'_>,
) -> Result<Vec<Checked>, Vec<Problem>> {
    let set = TemplateSet::parse_with(settings.clone(), Some((req.kind, req.template)))?;
    let count = set
        .templates()
        .find(|(n, _)| *n == req.template)
        .map_or(0, |(_, c)| c);
    (0..count)
        .map(|variant| {
            set.render_variant(req, variant).map_err(|refused| {
                let path = settings.dir.join(format!("{}.hbs", req.template));
                vec![Problem::new(
                    &path,
                    (1, 1),
                    rule_of(&refused.rules),
                    refused.message,
                )]
            })
        })
        .collect()
}

/// The first known rule among ids (a `ReplyRefused` lists ids as strings).
fn rule_of(ids: &[String]) -> Rule {
    Rule::ALL
        .into_iter()
        .find(|r| ids.iter().any(|id| id == r.id()))
        .unwrap_or(Rule::TemplateRender)
}

impl TemplateSet {
    /// Renders every variant of every template for every category it can
    /// serve and maps each compliance finding to a template position. A
    /// finding that only some categories cause names them.
    pub fn compliance_problems(&self) -> Vec<Problem> {
        let mut problems = BTreeSet::new();
        for (name, template) in &self.templates {
            let categories = self.categories_for(name, template.kind);
            for index in 0..template.variants.len() {
                let mut found: BTreeMap<Problem, Vec<Option<&str>>> = BTreeMap::new();
                for &category in &categories {
                    for problem in self.check_variant(name, template, index, category) {
                        found.entry(problem).or_default().push(category);
                    }
                }
                for (mut problem, hit) in found {
                    if hit.len() < categories.len() {
                        let ids: Vec<&str> = hit.iter().map(|c| c.unwrap_or("none")).collect();
                        problem
                            .message
                            .push_str(&format!(" (category {})", ids.join(", ")));
                    }
                    problems.insert(problem);
                }
            }
        }
        problems.into_iter().collect()
    }

    /// The categories a template may be rendered for (`None`: no category).
    /// A category's own template serves that category; the generic
    /// solicitation serves the categories that use it and requests without
    /// one; multi-brand and intent replies may be about any category; the
    /// other kinds are rendered without one.
    fn categories_for(&self, name: &str, kind: ReplyKind) -> Vec<Option<&str>> {
        // A hand-off-only category never gets a public reply: checking a
        // public template against it would report problems no member can
        // ever see (a long category name breaking `length.max`, say).
        let cats = self
            .settings()
            .categories
            .iter()
            .filter(|c| !c.handoff_only);
        let generic = name == self.settings().names.solicitation;
        let mut out: Vec<Option<&str>> = Vec::new();
        if generic || kind != ReplyKind::Solicitation {
            out.push(None);
        }
        if generic || kind == ReplyKind::Solicitation {
            out.extend(
                cats.filter(|c| c.template == name)
                    .map(|c| Some(c.id.as_str())),
            );
        } else if is_about_category(kind) {
            out.extend(cats.map(|c| Some(c.id.as_str())));
        }
        out
    }

    fn check_variant(
        &self,
        name: &str,
        template: &LoadedTemplate,
        index: usize,
        category: Option<&str>,
    ) -> Vec<Problem> {
        let req = ReplyRequest {
            kind: template.kind,
            template: name,
            category,
            asker: SAMPLE_ASKER,
            previous_variant: None,
            public: template.kind.is_public(),
        };
        let variant = &template.variants[index];
        match self.render_variant(&req, index) {
            Ok(checked) => checked
                .violations
                .into_iter()
                .map(|v| locate(&template.path, variant, v))
                .collect(),
            Err(refused) => {
                let rule = rule_of(&refused.rules);
                let pos = variant.start_pos();
                vec![Problem::new(&template.path, pos, rule, refused.message)]
            }
        }
    }
}

/// Places a finding on the template text that produced it; a finding that
/// came from a value (a configured link, say) or is about the whole reply
/// goes on the variant's first line.
fn locate(path: &Path, variant: &VariantSource, violation: Violation) -> Problem {
    let mut message = violation.message;
    let pos = match violation.found.as_deref() {
        None => variant.start_pos(),
        Some(found) => match find_in_source(&variant.text, found) {
            Some(offset) => variant.pos_of_offset(offset),
            None => {
                message.push_str(" (from a value, not the template text)");
                variant.start_pos()
            }
        },
    };
    Problem::new(path, pos, violation.rule, message)
}

fn find_in_source(source: &str, found: &str) -> Option<usize> {
    source
        .find(found)
        .or_else(|| find_phrase(source, found).map(|(start, _)| start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::tests::fixtures::{copy_of_shipped, oak_and_thistle, request, write};

    #[test]
    fn a_problem_displays_as_file_line_col_rule_message() {
        let p = Problem::new(
            Path::new("templates/opt_in.hbs"),
            (3, 14),
            Rule::PhraseBanned,
            "banned phrase \"hurry\"".into(),
        );
        assert_eq!(
            p.to_string(),
            "templates/opt_in.hbs:3:14 phrase.banned banned phrase \"hurry\""
        );
    }

    #[test]
    fn a_problem_only_some_categories_cause_names_them() {
        let dir = copy_of_shipped();
        write(
            dir.path(),
            "solicitation",
            "I'm {{disclosure}}. {{#if (eq category \"beds\")}}Hurry!{{/if}}",
        );
        let problems = check(&oak_and_thistle(dir.path()));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].message.ends_with("(category beds)"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_value_that_breaks_a_rule_is_reported_as_coming_from_a_value() {
        let dir = copy_of_shipped();
        let mut settings = oak_and_thistle(dir.path());
        settings.categories[0].link = "https://elsewhere.example/tables".into();
        let problems = check(&settings);
        assert!(!problems.is_empty());
        assert!(
            problems.iter().all(|p| p.rule == Rule::LinkDomain),
            "{problems:#?}"
        );
        assert!(
            problems[0].message.contains("from a value"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn preview_renders_every_variant_of_a_non_compliant_draft() {
        let dir = copy_of_shipped();
        write(
            dir.path(),
            "draft",
            "I'm {{disclosure}}, {{asker}}.\n---\nHurry, {{asker}}!",
        );
        let settings = oak_and_thistle(dir.path());
        let req = request(ReplyKind::OptIn, "draft", None, "Sam");
        let shown = preview(&settings, &req).expect("renders");
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].reply.text, "I'm Oak & Thistle's bot, Sam.");
        assert!(shown[0].is_compliant());
        let rules: Vec<Rule> = shown[1].violations.iter().map(|v| v.rule).collect();
        assert_eq!(rules, [Rule::DisclosureMissing, Rule::PhraseBanned]);
    }

    #[test]
    fn preview_of_a_broken_template_returns_its_problems() {
        let dir = copy_of_shipped();
        write(dir.path(), "draft", "{{#if link}}");
        let settings = oak_and_thistle(dir.path());
        let req = request(ReplyKind::OptIn, "draft", None, "Sam");
        let problems = preview(&settings, &req).expect_err("does not parse");
        assert_eq!(problems[0].rule, Rule::TemplateSyntax);
    }
}
