//! The `[detector]` section: thresholds that must make sense together, and
//! which learned weights re-weigh the rules (`model = "embedded"`,
//! `"rules"`, or a weights file written by `shopkeep train`, relative to
//! the config file's folder).
//!
//! The second stage (`encoder = "embedded"`, `"off"`, or an encoder file
//! from `tools/encoder.py final`) is read and checked here, at the edge:
//! its checksum file and `tokenizer.json` sit beside it.
//!
//! Owns validating that section; the detector itself lives in `core::detect`.

use std::path::Path;
use std::sync::Arc;

use super::raw::RawDetector;
use super::validate::Check;
use crate::core::detect::encoder::recorded_checksum;
use crate::core::detect::{Encoder, Learned, LearnedLayer};

/// `reply_at` and the optional review band below it.
pub(super) fn validate(c: &mut Check<'_>, d: &RawDetector) -> (f32, Option<f32>) {
    if !(d.reply_at > 0.0 && d.reply_at <= 1.0) {
        c.error(
            "detector.reply_at",
            format!("must be above 0 and at most 1 (got {})", d.reply_at),
        );
    }
    if let Some(r) = d.review_at {
        if !(0.0..d.reply_at).contains(&r) {
            c.error(
                "detector.review_at",
                format!(
                    "must be at least 0 and below reply_at = {} (got {r})",
                    d.reply_at
                ),
            );
        }
    }
    if d.review_to_staff && d.review_at.is_none() {
        c.error(
            "detector.review_to_staff",
            "needs detector.review_at to define the review band",
        );
    }
    (d.reply_at as f32, d.review_at.map(|r| r as f32))
}

/// Resolve `detector.model`; a weights file that is missing or broken is an
/// error naming the file and its line.
pub(super) fn learned_layer(c: &mut Check<'_>, base: &Path, model: Option<&str>) -> LearnedLayer {
    let key = "detector.model";
    match model.map(str::trim) {
        None | Some("embedded") => LearnedLayer::Embedded,
        Some("rules") => LearnedLayer::Off,
        Some("") => {
            c.error(
                key,
                "must be \"embedded\", \"rules\" or the path of a weights file",
            );
            LearnedLayer::Embedded
        }
        Some(file) => {
            let path = base.join(file);
            match std::fs::read_to_string(&path) {
                Err(e) => {
                    c.error(key, format!("cannot read {}: {e}", path.display()));
                    LearnedLayer::Embedded
                }
                Ok(text) => match Learned::parse(&text) {
                    Ok(m) => LearnedLayer::Trained(Arc::new(m)),
                    Err(e) => {
                        c.error(key, format!("{}: {e}", path.display()));
                        LearnedLayer::Embedded
                    }
                },
            }
        }
    }
}

/// Resolve `detector.encoder`. Off by default only with `model = "rules"`
/// (rules alone, as before); otherwise the shipped encoder. A file that is
/// missing, truncated or does not match its checksum is an error naming
/// the file.
pub(super) fn encoder(
    c: &mut Check<'_>,
    base: &Path,
    d: &super::raw::RawDetector,
) -> Option<Arc<Encoder>> {
    let key = "detector.encoder";
    let rules_only = d.model.as_deref().map(str::trim) == Some("rules");
    let choice = match d.encoder.as_deref().map(str::trim) {
        None if rules_only => "off",
        None => "embedded",
        Some(s) => s,
    };
    let loaded = match choice {
        "off" => return None,
        "embedded" => Encoder::embedded().map_err(|e| e.to_string()),
        "" => {
            c.error(
                key,
                "must be \"embedded\", \"off\" or the path of an encoder file",
            );
            return None;
        }
        file => load_encoder_file(&base.join(file)),
    };
    match loaded {
        Ok(e) => Some(e),
        Err(e) => {
            c.error(key, e.to_string());
            None
        }
    }
}

/// Read an encoder file, its `<file>.sha256` and the `tokenizer.json` in
/// the same folder.
fn load_encoder_file(path: &Path) -> Result<Arc<Encoder>, String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let weights = read(path)?;
    let mut sum_path = path.as_os_str().to_owned();
    sum_path.push(".sha256");
    let sum_path = std::path::PathBuf::from(sum_path);
    let sum = std::fs::read_to_string(&sum_path).map_err(|e| {
        format!(
            "cannot read the checksum file {} for {}: {e} (tools/encoder.py final writes it)",
            sum_path.display(),
            path.display()
        )
    })?;
    let tok_path = path.with_file_name("tokenizer.json");
    let tokenizer = read(&tok_path)?;
    Encoder::from_bytes(
        &weights,
        &path.display().to_string(),
        recorded_checksum(&sum),
        &tokenizer,
        &tok_path.display().to_string(),
    )
    .map(Arc::new)
    .map_err(|e| e.to_string())
}
