//! Oak & Thistle: the settings the shipped templates are written for, and
//! helpers to build requests and template directories in tests.

use std::path::{Path, PathBuf};

use crate::core::replies::{ReplyKind, ReplyRequest};
use crate::reply::settings::{CategoryReply, ComplianceRules, ReplySettings, TemplateNames};

pub fn shipped_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")
}

fn category(id: &str, name: &str, template: &str) -> CategoryReply {
    CategoryReply {
        id: id.into(),
        name: name.into(),
        link: format!("https://oakandthistle.example/{id}"),
        disclaimer: None,
        prices_allowed: false,
        template: template.into(),
        handoff_only: false,
    }
}

pub fn oak_and_thistle(dir: &Path) -> ReplySettings {
    let finance = CategoryReply {
        disclaimer: Some("Credit subject to status; UK residents 18+.".into()),
        prices_allowed: true,
        ..category("finance", "payment options", "finance")
    };
    ReplySettings {
        dir: dir.to_path_buf(),
        brand: "Oak & Thistle".into(),
        staff_hours: Some("Mon-Fri 9:00-17:00 UK time".into()),
        names: TemplateNames::default(),
        categories: vec![
            category("dining-tables", "dining tables", "solicitation"),
            category("beds", "beds", "solicitation"),
            category("bespoke", "made-to-measure furniture", "bespoke"),
            finance,
        ],
        rules: ComplianceRules {
            disclosure: Some("Oak & Thistle's bot".into()),
            allowed_domains: vec!["oakandthistle.example".into()],
            competitor_names: vec!["Pine Palace".into(), "Birch & Co".into()],
            ..ComplianceRules::default()
        },
    }
}

pub fn request<'a>(
    kind: ReplyKind,
    template: &'a str,
    category: Option<&'a str>,
    asker: &'a str,
) -> ReplyRequest<'a> {
    ReplyRequest {
        kind,
        template,
        category,
        asker,
        previous_variant: None,
        public: kind.is_public(),
    }
}

/// A temp dir holding a copy of the shipped templates.
pub fn copy_of_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(shipped_dir()).expect("templates dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "hbs") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).expect("copy");
        }
    }
    dir
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{name}.hbs"));
    std::fs::write(&path, text).expect("write template");
    path
}
