//! Asking `shopkeep init`'s questions. With `--brand` everything comes from
//! the flags (defaults for the rest); without it each question the flags
//! did not answer is asked, one answer a line, on the terminal or from
//! piped input. A blank answer takes the default shown in brackets; a
//! category that does not parse is explained and asked again.
//!
//! Owns the questions and their defaults; what the answers become is
//! `init`'s.

use std::io::{BufRead, Write};

use anyhow::{anyhow, bail};

use crate::init::{Answers, CategoryAnswer};

/// What the command line gave (`shopkeep init`'s flags).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Given {
    /// The brand's name, as members write it.
    #[arg(long)]
    pub brand: Option<String>,
    /// Another name or handle of the brand (repeat for more).
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// A competitor's name or handle (repeat for more).
    #[arg(long = "competitor")]
    pub competitors: Vec<String>,
    /// A channel the bot answers in, by name or id (repeat for more).
    #[arg(long = "channel")]
    pub channels: Vec<String>,
    /// Where hand-off tickets open, by name or id.
    #[arg(long, default_value = "staff-desk")]
    pub staff_channel: String,
    /// The role (name or id) of the people who answer tickets.
    #[arg(long, default_value = "Staff")]
    pub staff_role: String,
    /// When staff answer, shown to customers ("Mon–Fri 9–17").
    #[arg(long)]
    pub staff_hours: Option<String>,
    /// A product category: "name | keyword, keyword | https://link" (repeat for more).
    #[arg(long = "category")]
    pub categories: Vec<String>,
}

fn list(answer: &str) -> Vec<String> {
    answer
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One question; `None` at the end of the input.
fn ask(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    question: &str,
) -> anyhow::Result<Option<String>> {
    write!(out, "{question}")?;
    out.flush()?;
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        writeln!(out)?;
        return Ok(None);
    }
    Ok(Some(line.trim().to_string()))
}

/// The answers, from the flags and (without `--brand`) the questions.
pub fn answers(
    given: Given,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<Answers> {
    let parse_all = |texts: &[String]| -> anyhow::Result<Vec<CategoryAnswer>> {
        texts
            .iter()
            .map(|t| CategoryAnswer::parse(t).map_err(|e| anyhow!("--category {e}")))
            .collect()
    };
    if let Some(brand) = given.brand {
        let categories = parse_all(&given.categories)?;
        if categories.is_empty() {
            bail!("give at least one --category \"name | keyword, keyword | https://link\"");
        }
        return Ok(Answers {
            brand,
            aliases: given.aliases,
            competitors: given.competitors,
            channels: if given.channels.is_empty() {
                vec!["general".into()]
            } else {
                given.channels
            },
            staff_channel: given.staff_channel,
            staff_role: given.staff_role,
            staff_hours: given.staff_hours,
            categories,
        });
    }
    let eof = || anyhow!("no answer: pass --brand and --category, or answer the questions");
    let brand = loop {
        match ask(input, out, "Brand name: ")? {
            None => return Err(eof()),
            Some(b) if b.is_empty() => continue,
            Some(b) => break b,
        }
    };
    let mut list_question = |given: Vec<String>, q: &str| -> anyhow::Result<Vec<String>> {
        if !given.is_empty() {
            return Ok(given);
        }
        Ok(ask(input, out, q)?.map(|a| list(&a)).unwrap_or_default())
    };
    let aliases = list_question(
        given.aliases,
        "Other names or @handles people use for it, comma-separated (Enter: none): ",
    )?;
    let competitors = list_question(
        given.competitors,
        "Competitors' names, comma-separated (Enter: none): ",
    )?;
    let mut channels = list_question(
        given.channels,
        "Channels the bot answers in, comma-separated [general]: ",
    )?;
    if channels.is_empty() {
        channels.push("general".into());
    }
    let mut with_default = |q: &str, default: String| -> anyhow::Result<String> {
        let answer = ask(input, out, &format!("{q} [{default}]: "))?.unwrap_or_default();
        Ok(if answer.is_empty() { default } else { answer })
    };
    let staff_channel = with_default("Staff channel, where tickets open", given.staff_channel)?;
    let staff_role = with_default("Staff role", given.staff_role)?;
    let staff_hours = match given.staff_hours {
        Some(h) => Some(h),
        None => ask(
            input,
            out,
            "When staff answer, shown to customers (Enter: don't say): ",
        )?
        .filter(|h| !h.is_empty()),
    };
    let mut categories = parse_all(&given.categories)?;
    if categories.is_empty() {
        writeln!(
            out,
            "What you sell, one category a line as: name | keyword, keyword | https://link"
        )?;
        writeln!(
            out,
            "  e.g. bike servicing | service, tune-up, repair | https://yourshop.example/service"
        )?;
    }
    loop {
        let q = if categories.is_empty() {
            "Category: "
        } else {
            "Another category (Enter: done): "
        };
        match ask(input, out, q)? {
            None if categories.is_empty() => return Err(eof()),
            None => break,
            Some(a) if a.is_empty() && !categories.is_empty() => break,
            Some(a) if a.is_empty() => continue,
            Some(a) => match CategoryAnswer::parse(&a) {
                Ok(c) => categories.push(c),
                Err(e) => writeln!(out, "  {e}")?,
            },
        }
    }
    Ok(Answers {
        brand,
        aliases,
        competitors,
        channels,
        staff_channel,
        staff_role,
        staff_hours,
        categories,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Given {
        Given {
            staff_channel: "staff-desk".into(),
            staff_role: "Staff".into(),
            ..Given::default()
        }
    }

    #[test]
    fn questions_take_defaults_on_blank_and_ask_again_after_a_bad_category() {
        let typed = "\nSpokes & Co\n@Spokes, Spokes Bikes\n\n\n\nMechanics\n\n\
                     bikes | bike, bicycle | spokes.example\n\
                     bikes | bike, bicycle | https://spokes.example/bikes\n\n";
        let mut shown = Vec::new();
        let a = answers(defaults(), &mut typed.as_bytes(), &mut shown).unwrap();
        let shown = String::from_utf8(shown).unwrap();
        assert_eq!(a.brand, "Spokes & Co");
        assert_eq!(a.aliases, ["@Spokes", "Spokes Bikes"]);
        assert!(a.competitors.is_empty());
        assert_eq!(a.channels, ["general"]);
        assert_eq!(
            (a.staff_channel.as_str(), a.staff_role.as_str()),
            ("staff-desk", "Mechanics")
        );
        assert_eq!(a.staff_hours, None);
        assert_eq!(a.categories.len(), 1);
        assert!(
            shown.contains("`spokes.example` is not an http:// or https:// link"),
            "{shown}"
        );
    }

    #[test]
    fn with_brand_given_nothing_is_asked_and_a_category_is_required() {
        let given = Given {
            brand: Some("Spokes".into()),
            categories: vec!["bikes | bike | https://s.example/b".into()],
            ..defaults()
        };
        let mut shown = Vec::new();
        let a = answers(given.clone(), &mut "".as_bytes(), &mut shown).unwrap();
        assert!(shown.is_empty());
        assert_eq!(a.channels, ["general"]);
        let none = Given {
            categories: vec![],
            ..given
        };
        let err = answers(none, &mut "".as_bytes(), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("--category"), "{err}");
        let eof = answers(defaults(), &mut "".as_bytes(), &mut Vec::new()).unwrap_err();
        assert!(eof.to_string().contains("pass --brand"), "{eof}");
    }
}
