//! Strict mode, statically: walks a parsed handlebars template and refuses
//! any value or helper the reply layer does not offer, wherever it sits —
//! including inside `{{#if}}` branches no sample rendering would visit
//! (handlebars' own strict mode lets `{{#if typo}}` pass as false).
//!
//! Owns the list of allowed helpers. Values are flat strings, so only the
//! conditional helpers make sense; `each`, `with`, `lookup`, `log`, `raw`,
//! partials and decorators are refused.

use handlebars::template::{HelperTemplate, Parameter, TemplateElement};
use handlebars::Template;

use super::rules::Rule;
use super::values::VALUE_NAMES;

/// Helpers a template may use.
pub const HELPERS: &[&str] = &["if", "unless", "eq", "ne", "and", "or", "not"];

/// One unknown value or helper, at a (1-based) line and column of the variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintFinding {
    pub rule: Rule,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Every unknown value and helper in a template, in source order.
pub fn lint(template: &Template) -> Vec<LintFinding> {
    let mut out = Vec::new();
    walk(template, &mut out);
    out
}

fn walk(template: &Template, out: &mut Vec<LintFinding>) {
    for (index, element) in template.elements.iter().enumerate() {
        let (line, col) = template.mapping.get(index).map_or((1, 1), |m| (m.0, m.1));
        let mut push = |rule: Rule, message: String| {
            out.push(LintFinding {
                rule,
                line,
                col,
                message,
            })
        };
        match element {
            TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
            TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => {
                expression(ht, &mut push);
            }
            TemplateElement::HelperBlock(ht) => {
                expression(ht, &mut push);
                for inner in [&ht.template, &ht.inverse].into_iter().flatten() {
                    walk(inner, out);
                }
            }
            _ => push(
                Rule::TemplateUnknownHelper,
                "partials and decorators are not available in reply templates".into(),
            ),
        }
    }
}

fn expression(ht: &HelperTemplate, push: &mut impl FnMut(Rule, String)) {
    let plain_value = !ht.block && ht.params.is_empty() && ht.hash.is_empty();
    if plain_value {
        parameter(&ht.name, push);
        return;
    }
    let name = ht.name.as_name().unwrap_or("");
    if !HELPERS.contains(&name) {
        push(Rule::TemplateUnknownHelper, unknown_helper(name));
    }
    for p in ht.params.iter().chain(ht.hash.values()) {
        parameter(p, push);
    }
}

fn parameter(p: &Parameter, push: &mut impl FnMut(Rule, String)) {
    match p {
        Parameter::Literal(_) => {}
        Parameter::Name(name) => value(name, push),
        Parameter::Path(_) => value(p.as_name().unwrap_or(""), push),
        Parameter::Subexpression(sub) => match sub.as_element() {
            TemplateElement::Expression(ht) => expression(ht, push),
            _ => push(
                Rule::TemplateUnknownHelper,
                "unsupported subexpression".into(),
            ),
        },
        _ => push(Rule::TemplateUnknownValue, "unsupported parameter".into()),
    }
}

fn value(name: &str, push: &mut impl FnMut(Rule, String)) {
    if !VALUE_NAMES.contains(&name) {
        let known = VALUE_NAMES.join(", ");
        push(
            Rule::TemplateUnknownValue,
            format!("unknown value `{name}` (known values: {known})"),
        );
    }
}

fn unknown_helper(name: &str) -> String {
    let known = HELPERS.join(", ");
    format!("unknown helper `{name}` (known helpers: {known})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(source: &str) -> Vec<(Rule, usize, usize)> {
        let template = Template::compile(source).expect("test template parses");
        lint(&template)
            .into_iter()
            .map(|f| (f.rule, f.line, f.col))
            .collect()
    }

    #[test]
    fn known_values_and_helpers_pass() {
        let src =
            "Hi {{asker}}{{#if link}} {{link}}{{else}}!{{/if}}{{#unless disclaimer}}.{{/unless}}";
        assert_eq!(findings(src), []);
        assert_eq!(
            findings("{{#if (eq category \"beds\")}}x{{/if}}{{{brand}}}"),
            []
        );
    }

    #[test]
    fn an_unknown_value_is_found_with_its_position() {
        assert_eq!(
            findings("Hi\n  {{unknown}}"),
            [(Rule::TemplateUnknownValue, 2, 3)]
        );
    }

    #[test]
    fn an_unknown_value_inside_an_if_branch_is_found() {
        let src = "{{#if link}}\n{{linc}}{{/if}}{{#if typo}}x{{/if}}";
        let rules: Vec<Rule> = findings(src).into_iter().map(|f| f.0).collect();
        assert_eq!(
            rules,
            [Rule::TemplateUnknownValue, Rule::TemplateUnknownValue]
        );
    }

    #[test]
    fn unknown_and_unoffered_helpers_are_refused() {
        for src in [
            "{{shout asker}}",
            "{{#each brand}}x{{/each}}",
            "{{lookup brand 0}}",
            "{{> header}}",
        ] {
            let got = findings(src);
            assert_eq!(got.len(), 1, "{src}: {got:?}");
            assert_eq!(got[0].0, Rule::TemplateUnknownHelper, "{src}");
        }
    }

    #[test]
    fn local_and_nested_paths_are_unknown_values() {
        assert_eq!(findings("{{@index}}")[0].0, Rule::TemplateUnknownValue);
        assert_eq!(findings("{{brand.name}}")[0].0, Rule::TemplateUnknownValue);
    }
}
