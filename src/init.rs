//! `shopkeep init`: a brand's first config and templates, from a few
//! answers, in a folder of its own, with nothing but the `shopkeep` binary.
//!
//! Owns turning [`Answers`] into a config (the shipped example, embedded in
//! the binary and edited with `toml_edit` so its comments stay as the
//! documentation of every setting) and writing it with the brand-neutral
//! templates (also embedded). The result starts in shadow mode and passes
//! `shopkeep check`; existing files are never overwritten unless asked.
//! Asking the questions at a terminal is the CLI's job.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

/// The example config, whose comments document every setting.
const EXAMPLE_CONFIG: &str = include_str!("../config/shopkeep.toml");

/// The brand-neutral templates every brand starts from, with their guide.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "solicitation.hbs",
        include_str!("../templates/solicitation.hbs"),
    ),
    (
        "multi_brand.hbs",
        include_str!("../templates/multi_brand.hbs"),
    ),
    ("intent.hbs", include_str!("../templates/intent.hbs")),
    (
        "handoff_public.hbs",
        include_str!("../templates/handoff_public.hbs"),
    ),
    (
        "handoff_dm.hbs",
        include_str!("../templates/handoff_dm.hbs"),
    ),
    ("opt_out.hbs", include_str!("../templates/opt_out.hbs")),
    ("opt_in.hbs", include_str!("../templates/opt_in.hbs")),
    (
        "staff_notice.hbs",
        include_str!("../templates/staff_notice.hbs"),
    ),
    ("README.md", include_str!("../templates/README.md")),
];

/// One product category: a name people read, the words that find it, and
/// the page the bot links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryAnswer {
    pub name: String,
    pub keywords: Vec<String>,
    pub link: String,
}

impl CategoryAnswer {
    /// `"bike servicing | service, tune-up, repair | https://shop.example/service"`.
    pub fn parse(text: &str) -> Result<CategoryAnswer, String> {
        let parts: Vec<&str> = text.split('|').map(str::trim).collect();
        let [name, keywords, link] = parts[..] else {
            return Err(format!(
                "`{text}`: write a category as \"name | keyword, keyword | https://link\""
            ));
        };
        let keywords: Vec<String> = keywords
            .split(',')
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        if name.is_empty() || keywords.is_empty() {
            return Err(format!(
                "`{text}`: a category needs a name and at least one keyword"
            ));
        }
        if host_of(link).is_none() {
            return Err(format!("`{link}` is not an http:// or https:// link"));
        }
        Ok(CategoryAnswer {
            name: name.to_string(),
            keywords,
            link: link.to_string(),
        })
    }

    /// A stable id from the name: `Bike Servicing` → `bike-servicing`.
    pub fn id(&self) -> String {
        let mut id = String::new();
        for c in self.name.to_lowercase().chars() {
            if c.is_alphanumeric() {
                id.push(c);
            } else if !id.ends_with('-') && !id.is_empty() {
                id.push('-');
            }
        }
        id.trim_end_matches('-').to_string()
    }
}

/// What `init` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub brand: String,
    pub aliases: Vec<String>,
    pub competitors: Vec<String>,
    /// Channels the bot answers in.
    pub channels: Vec<String>,
    pub staff_channel: String,
    pub staff_role: String,
    pub staff_hours: Option<String>,
    pub categories: Vec<CategoryAnswer>,
}

fn host_of(link: &str) -> Option<String> {
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_lowercase())
}

fn strings(items: &[String]) -> Item {
    value(items.iter().map(String::as_str).collect::<Array>())
}

/// The config text for `answers`: the example's settings and comments with
/// the brand's own values.
pub fn config_text(answers: &Answers) -> Result<String, String> {
    let a = answers;
    if a.brand.trim().is_empty() {
        return Err("the brand name is empty".into());
    }
    if a.categories.is_empty() {
        return Err("give at least one catalogue category".into());
    }
    if a.channels.is_empty() {
        return Err("give at least one channel to answer in".into());
    }
    // The example's own header goes; the brand's replaces it.
    let body = &EXAMPLE_CONFIG[EXAMPLE_CONFIG
        .find("[brand]")
        .ok_or("the embedded example has no [brand]")?..];
    let mut doc: DocumentMut = body.parse().map_err(|e| format!("{e}"))?;
    doc["brand"]["name"] = value(a.brand.trim());
    doc["brand"]["aliases"] = strings(&a.aliases);
    doc["brand"]["competitors"] = strings(&a.competitors);
    match &a.staff_hours {
        Some(hours) => doc["brand"]["staff_hours"] = value(hours.as_str()),
        None => {
            if let Some(brand) = doc["brand"].as_table_mut() {
                brand.remove("staff_hours");
            }
        }
    }
    doc["discord"]["watched_channels"] = strings(&a.channels);
    doc["discord"]["staff_channel"] = value(a.staff_channel.as_str());
    doc["discord"]["staff_role"] = value(a.staff_role.as_str());
    doc["compliance"]["disclosure"] = value(format!("{}'s bot", a.brand.trim()));
    doc["compliance"]["banned_phrases"] = value(Array::new());
    let mut domains: Vec<String> = a
        .categories
        .iter()
        .filter_map(|c| host_of(&c.link))
        .collect();
    domains.sort();
    domains.dedup();
    doc["compliance"]["allowed_domains"] = strings(&domains);
    let mut catalogue = ArrayOfTables::new();
    for (i, c) in a.categories.iter().enumerate() {
        let mut t = Table::new();
        t["id"] = value(c.id());
        t["name"] = value(c.name.as_str());
        t["keywords"] = strings(&c.keywords);
        t["link"] = value(c.link.as_str());
        if i == 0 {
            t.decor_mut().set_prefix(
                "\n# The catalogue: what the brand sells. A solicitation is answered only when\n\
                 # it is about one of these (or addressed to the brand by name). Keywords\n\
                 # match whole words on their stems (\"table\" also finds \"tables\").\n\
                 # Optional per category: template, disclaimer, prices_allowed, handoff_only.\n",
            );
        }
        catalogue.push(t);
    }
    doc["catalogue"] = Item::ArrayOfTables(catalogue);
    let header = format!(
        "# Shopkeep configuration for {}, written by `shopkeep init`. Check it with:\n\
         #   shopkeep check --config <this file>\n\
         #\n\
         # Relative paths (templates, the store, model files) start at this file's\n\
         # folder. The Discord token is never written here: set DISCORD_TOKEN in\n\
         # the environment of `shopkeep run`.\n\n",
        a.brand.trim()
    );
    Ok(format!("{header}{doc}"))
}

/// Write `dir/config/shopkeep.toml` and `dir/templates/`. Refuses to
/// overwrite any existing file unless `force`. Returns the config's path.
pub fn write(dir: &Path, answers: &Answers, force: bool) -> anyhow::Result<PathBuf> {
    let config = config_text(answers).map_err(|e| anyhow::anyhow!("{e}"))?;
    let config_path = dir.join("config").join("shopkeep.toml");
    let templates = dir.join("templates");
    let mut files = vec![(config_path.clone(), config)];
    for (name, text) in TEMPLATES {
        files.push((templates.join(name), (*text).to_string()));
    }
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            bail!(
                "not overwriting {} (pass --force to replace them)",
                existing.join(", ")
            );
        }
    }
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(config_path)
}

/// Words in template text that belong to the shipped examples' brands:
/// left in a real brand's templates they would advertise someone else.
const EXAMPLE_TRACES: &[(&str, &[&str])] = &[
    (
        "Oak & Thistle",
        &["oak & thistle", "oakandthistle", "solid oak"],
    ),
    ("Harbour Bank", &["harbour bank", "harbourbank"]),
];

/// Warnings about template text that names another brand: the shipped
/// examples' (unless the config is that brand) or a configured competitor.
/// Comments are not read. Each is `file:line: what`.
pub fn brand_warnings(
    brand: &str,
    competitors: &[String],
    files: &[(PathBuf, String)],
) -> Vec<String> {
    let brand = brand.to_lowercase();
    let mut words: Vec<(String, String)> = EXAMPLE_TRACES
        .iter()
        .filter(|(example, _)| brand != example.to_lowercase())
        .flat_map(|(example, traces)| {
            traces
                .iter()
                .map(move |t| (t.to_string(), format!("the example brand {example}'s")))
        })
        .collect();
    words.extend(
        competitors
            .iter()
            .filter(|c| c.trim().len() > 2)
            .map(|c| (c.to_lowercase(), "a competitor's".to_string())),
    );
    let mut out = Vec::new();
    for (path, text) in files {
        let text = without_comments(text);
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for (word, whose) in &words {
                if lower.contains(word.as_str()) {
                    out.push(format!(
                        "{}:{}: says \"{word}\", {whose} name or product, not {brand}'s; reword it",
                        path.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    out
}

/// The text with handlebars comments blanked (line breaks kept, so line
/// numbers still match the file).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{!") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = if after.starts_with("{{!--") {
            after.find("--}}").map(|e| e + 4)
        } else {
            after.find("}}").map(|e| e + 2)
        }
        .unwrap_or(after.len());
        out.extend(after[..end].chars().filter(|&c| c == '\n'));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn bike_shop() -> Answers {
        Answers {
            brand: "Spokes & Co".into(),
            aliases: vec!["Spokes".into(), "@SpokesCo".into()],
            competitors: vec!["Chain Reaction Cycles".into()],
            channels: vec!["general".into(), "rides".into()],
            staff_channel: "shop-staff".into(),
            staff_role: "Mechanics".into(),
            staff_hours: None,
            categories: vec![
                CategoryAnswer::parse(
                    "Bike Servicing | service, tune-up, repair | https://spokes.example/service",
                )
                .unwrap(),
                CategoryAnswer::parse(
                    "E-bikes | e-bike, electric bike | https://shop.spokes.example/e-bikes",
                )
                .unwrap(),
            ],
        }
    }

    #[test]
    fn a_category_is_read_from_one_line_and_gets_an_id() {
        let c =
            CategoryAnswer::parse(" Bike Servicing | service , tune-up,, | https://x.example/s ")
                .unwrap();
        assert_eq!(c.name, "Bike Servicing");
        assert_eq!(c.keywords, ["service", "tune-up"]);
        assert_eq!(c.id(), "bike-servicing");
        assert!(CategoryAnswer::parse("name | kw")
            .unwrap_err()
            .contains("name | keyword"));
        assert!(CategoryAnswer::parse("n | kw | x.example")
            .unwrap_err()
            .contains("not an http"));
        assert!(CategoryAnswer::parse(" | kw | https://x.example").is_err());
    }

    #[test]
    fn the_written_config_is_the_brands_own_and_keeps_the_documentation() {
        let text = config_text(&bike_shop()).unwrap();
        assert!(text.starts_with("# Shopkeep configuration for Spokes & Co"));
        for (expected, why) in [
            ("name = \"Spokes & Co\"", "the brand"),
            ("mode = \"shadow\"", "a new server starts in shadow"),
            (
                "watched_channels = [\"general\", \"rides\"]",
                "its channels",
            ),
            ("staff_role = \"Mechanics\"", "its staff"),
            ("disclosure = \"Spokes & Co's bot\"", "its disclosure"),
            (
                "allowed_domains = [\"shop.spokes.example\", \"spokes.example\"]",
                "its links' hosts",
            ),
            ("id = \"e-bikes\"", "its catalogue"),
            (
                "# Score at or above which a message is treated",
                "the example's comments",
            ),
        ] {
            assert!(text.contains(expected), "{why}: {expected}\n{text}");
        }
        for gone in [
            "Oak & Thistle",
            "oakandthistle",
            "Birch",
            "dining",
            "staff_hours",
            "cheapest",
        ] {
            assert!(!text.contains(gone), "{gone} is the example's\n{text}");
        }
    }

    #[test]
    fn the_example_brand_in_a_template_is_a_warning_for_every_other_brand() {
        let files = vec![(
            PathBuf::from("t/solicitation.hbs"),
            "{{!-- solid oak in a comment is fine --}}\nHi, our Solid Oak range!\nSee Chain Reaction Cycles too".to_string(),
        )];
        let warnings = brand_warnings("Spokes & Co", &["Chain Reaction Cycles".into()], &files);
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings[0].starts_with(
            "t/solicitation.hbs:2: says \"solid oak\", the example brand Oak & Thistle's"
        ));
        assert!(warnings[1]
            .starts_with("t/solicitation.hbs:3: says \"chain reaction cycles\", a competitor's"));
        assert!(
            brand_warnings("Oak & Thistle", &[], &files).is_empty(),
            "the example itself may say it"
        );
    }

    #[test]
    fn the_shipped_generic_templates_name_no_brand() {
        let files: Vec<(PathBuf, String)> = TEMPLATES
            .iter()
            .filter(|(name, _)| name.ends_with(".hbs"))
            .map(|(name, text)| (PathBuf::from(name), text.to_string()))
            .collect();
        assert_eq!(brand_warnings("Anyone", &[], &files), Vec::<String>::new());
    }
}
