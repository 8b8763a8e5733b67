//! The purchase-solicitation detector: is this message a person asking to be
//! sold to? Returns a class, a score in [0, 1] and the cues that fired.
//!
//! Owns text understanding only. It does not know about channels, limits,
//! templates or the catalogue (the relevance gate lives in `core::catalogue`).
//!
//! How it works, module by module:
//! - `core::normalize` folds the text (NFKC, case, invisibles, zalgo,
//!   confusables) and tokenizes it (mentions, URLs, markdown, emoji);
//! - `lexicon` gives words linguistic classes and expands chat slang;
//! - `sentences` cuts the message into sentences and clauses, question or
//!   statement;
//! - `frames` (the pattern language) and `table` (the patterns) describe the
//!   structure of asks, plans to buy and reasons not to answer; `analyze`
//!   runs them over every sentence and recognises configured brand and
//!   competitor names;
//! - `object` judges what the best ask is about: goods, support, a task,
//!   something free or not for sale;
//! - `score` adds question form, negation, hedges and message-wide context
//!   (complaints, promotions, contests, past purchases, several brands).
//!
//! The score is `sigmoid(BIAS + sum of cue weights)`, so the cues are the
//! whole explanation: staff can read why a message was or was not answered.

use serde::{Deserialize, Serialize};

mod analyze;
mod frames;
mod lexicon;
mod object;
mod score;
mod sentences;
mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_general;
#[cfg(test)]
mod tests_hostile;

pub use score::BIAS;

use super::normalize::tokenize;

/// The detector's three outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The author asks, now, to be sold to.
    Solicitation,
    /// The author states a plan to buy but asks nothing.
    Intent,
    /// Anything else.
    Not,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Solicitation => "solicitation",
            Class::Intent => "intent",
            Class::Not => "not",
        }
    }
}

/// One piece of evidence the detector used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Stable id, e.g. `ask.where_to_buy` or `neg.past_purchase`.
    pub id: String,
    /// Signed contribution to the score (positive pushes towards solicitation).
    pub weight: f32,
    /// The normalised text that matched.
    pub matched: String,
}

/// The detector's answer for one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub class: Class,
    /// Confidence that the message is a solicitation, in [0, 1].
    pub score: f32,
    pub cues: Vec<Cue>,
    /// Score fell in the review band (below `reply_at`, at or above `review_at`).
    pub review: bool,
    /// The brand's own names appeared in the text.
    pub mentions_brand: bool,
    /// Competitor names that appeared in the text (as configured).
    pub competitors: Vec<String>,
}

/// What the detector needs from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorSettings {
    /// Score at or above which a message is a solicitation.
    pub reply_at: f32,
    /// Optional lower edge of the review band.
    pub review_at: Option<f32>,
    /// The brand's name, aliases and handles.
    pub brand_names: Vec<String>,
    /// Competitors' names and handles.
    pub competitors: Vec<String>,
}

impl Default for DetectorSettings {
    fn default() -> Self {
        DetectorSettings {
            reply_at: 0.6,
            review_at: None,
            brand_names: Vec::new(),
            competitors: Vec::new(),
        }
    }
}

/// A compiled detector. Build once, call `detect` for every message.
#[derive(Debug, Clone)]
pub struct Detector {
    settings: DetectorSettings,
    model: analyze::Model,
}

impl Detector {
    pub fn new(settings: DetectorSettings) -> Self {
        let model = analyze::Model::new(&settings.brand_names, &settings.competitors);
        Detector { settings, model }
    }

    pub fn settings(&self) -> &DetectorSettings {
        &self.settings
    }

    /// Classify one message.
    pub fn detect(&self, text: &str) -> Verdict {
        let tokens = tokenize(text);
        let analysis = self.model.analyze(&tokens);
        let outcome = score::score(&analysis);
        let s = &self.settings;
        let class = if outcome.score >= s.reply_at {
            Class::Solicitation
        } else if outcome.intent {
            Class::Intent
        } else {
            Class::Not
        };
        let review =
            class != Class::Solicitation && s.review_at.is_some_and(|r| outcome.score >= r);
        Verdict {
            class,
            score: outcome.score,
            cues: outcome.cues,
            review,
            mentions_brand: analysis.mentions_brand,
            competitors: analysis.competitors,
        }
    }
}
