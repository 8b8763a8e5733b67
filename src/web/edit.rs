//! Editing a template from the staff page (editors only): the edit is
//! checked exactly as `shopkeep check` checks the folder, with the edited
//! file in place of the saved one, and saved only if nothing fails; the
//! version it replaces is kept under `.history/` in the templates folder.
//!
//! Owns the check-then-save sequence and the file names it touches. Only
//! the configured templates' own files can be edited (the name is matched
//! against the config, never used as a path as given).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::reply::Problem;

/// The file of template `name`, if `name` is one the config uses.
pub fn file_of(config: &Config, name: &str) -> Option<PathBuf> {
    let known = super::template_kinds(config)
        .into_iter()
        .any(|(_, n)| n == name);
    (known
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then(|| config.templates_dir.join(format!("{name}.hbs")))
}

/// What saving an edit came to.
#[derive(Debug)]
pub enum Saved {
    /// Saved; the previous version was kept at this path.
    Kept(PathBuf),
    /// Refused: what `check` found (paths shown as the real file's).
    Refused(Vec<Problem>),
}

/// Check the folder with `text` as template `name`'s file and save it if
/// the check passes.
pub fn check_and_save(config: &Config, name: &str, text: &str) -> anyhow::Result<Saved> {
    let Some(file) = file_of(config, name) else {
        anyhow::bail!("`{name}` is not one of the configured templates");
    };
    let text = text.replace("\r\n", "\n");
    let trial = std::env::temp_dir().join(format!("shopkeep-edit-{}", &super::auth::token()[..16]));
    let outcome = trial_check(config, &trial, name, &text);
    let _ = std::fs::remove_dir_all(&trial);
    let mut problems = outcome?;
    if !problems.is_empty() {
        for p in &mut problems {
            if p.file.starts_with(&trial) {
                p.file = config
                    .templates_dir
                    .join(p.file.strip_prefix(&trial).unwrap_or(&p.file));
            }
        }
        return Ok(Saved::Refused(problems));
    }
    let history = config.templates_dir.join(".history");
    std::fs::create_dir_all(&history)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", history.display()))?;
    let kept = history.join(format!(
        "{name}.{}.hbs",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
    ));
    std::fs::copy(&file, &kept)
        .map_err(|e| anyhow::anyhow!("cannot keep the previous {}: {e}", file.display()))?;
    let partial = file.with_extension("hbs.saving");
    std::fs::write(&partial, &text)
        .and_then(|()| std::fs::rename(&partial, &file))
        .map_err(|e| anyhow::anyhow!("cannot save {}: {e}", file.display()))?;
    Ok(Saved::Kept(kept))
}

/// Copy the folder's templates into `trial`, put `text` in as `name`, and
/// check it as `shopkeep check` would.
fn trial_check(
    config: &Config,
    trial: &Path,
    name: &str,
    text: &str,
) -> anyhow::Result<Vec<Problem>> {
    std::fs::create_dir_all(trial)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", trial.display()))?;
    let entries = std::fs::read_dir(&config.templates_dir)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", config.templates_dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "hbs") {
            std::fs::copy(&path, trial.join(entry.file_name()))
                .map_err(|e| anyhow::anyhow!("cannot copy {}: {e}", path.display()))?;
        }
    }
    std::fs::write(trial.join(format!("{name}.hbs")), text)
        .map_err(|e| anyhow::anyhow!("cannot write the trial copy: {e}"))?;
    let mut settings = crate::app::reply_settings(config);
    settings.dir = trial.to_path_buf();
    Ok(crate::reply::check(&settings))
}
