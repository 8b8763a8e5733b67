//! The `[detector]` section: thresholds that must make sense together, and
//! which learned weights re-weigh the rules (`model = "embedded"`,
//! `"rules"`, or a weights file written by `shopkeep train`, relative to
//! the config file's folder).
//!
//! Owns validating that section; the detector itself lives in `core::detect`.

use std::path::Path;
use std::sync::Arc;

use super::raw::RawDetector;
use super::validate::Check;
use crate::core::detect::{Learned, LearnedLayer};

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
