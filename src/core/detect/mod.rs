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
//! - `learned` re-weighs that evidence with a logistic model trained on
//!   labelled messages (`shopkeep train`): the rule score, the cues, and the
//!   message's words, word pairs and word classes.
//!
//! - `encoder` is the second stage: a small transformer that reads the
//!   whole message as language. It runs only on messages the first stage
//!   (rules + learned layer) does not clearly reject, and its contribution
//!   is one more cue, `model.encoder`.
//!
//! The score is `sigmoid(prior + sum of cue weights)`, so the cues are the
//! whole explanation: staff can read why a message was or was not answered.
//! With the learned layer on, rule cues carry their re-weighed value and the
//! words that counted most appear as `lex.*` cues.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

mod analyze;
pub mod encoder;
mod frames;
pub mod learned;
mod lexicon;
mod object;
mod score;
mod sentences;
mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_encoder;
#[cfg(test)]
mod tests_general;
#[cfg(test)]
mod tests_hostile;
pub mod weights_table;

pub use encoder::{Combine, Encoder, EncoderError};
pub use score::BIAS;
pub use weights_table::{Learned, ModelError};

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
    /// Stable id, e.g. `ask.where_to_buy` or `neg.past_purchase` (borrowed:
    /// every message has several cues and their ids are fixed names).
    pub id: Cow<'static, str>,
    /// Signed contribution to the score (positive pushes towards solicitation).
    pub weight: f32,
    /// The normalised text that matched.
    pub matched: String,
}

impl Cue {
    /// How explanations print a cue: `id(+w.ww)`, and for the learned
    /// layer's word cues the word or words that counted, which their id
    /// alone does not say: `lex.word[oak](+0.95)`, `lex.pair[where buy](+0.50)`.
    pub fn label(&self) -> String {
        let words = self.id.starts_with("lex.") && self.id != "lex.other";
        if words && !self.matched.is_empty() {
            format!("{}[{}]({:+.2})", self.id, self.matched, self.weight)
        } else {
            format!("{}({:+.2})", self.id, self.weight)
        }
    }
}

/// The detector's answer for one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub class: Class,
    /// Confidence that the message is a solicitation, in [0, 1].
    pub score: f32,
    /// Log-odds before any cue: `score = sigmoid(prior + sum of cue weights)`.
    pub prior: f32,
    pub cues: Vec<Cue>,
    /// Score fell in the review band (below `reply_at`, at or above `review_at`).
    pub review: bool,
    /// The brand's own names appeared in the text.
    pub mentions_brand: bool,
    /// Competitor names that appeared in the text (as configured).
    pub competitors: Vec<String>,
}

impl Verdict {
    /// The cues as the audit and marks keep them: labels, space-separated.
    pub fn cue_labels(&self) -> String {
        self.cues
            .iter()
            .map(Cue::label)
            .collect::<Vec<_>>()
            .join(" ")
    }
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
    /// Which learned weights re-weigh the rules.
    pub learned: LearnedLayer,
    /// The second stage, if any (loaded at the edge; see `encoder`).
    pub encoder: Option<Arc<Encoder>>,
}

/// The learned layer's weights: the shipped ones, a brand's own (trained
/// with `shopkeep train`), or none (rules alone).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum LearnedLayer {
    #[default]
    Embedded,
    Off,
    Trained(Arc<Learned>),
}

impl Default for DetectorSettings {
    fn default() -> Self {
        DetectorSettings {
            reply_at: 0.6,
            review_at: None,
            brand_names: Vec::new(),
            competitors: Vec::new(),
            learned: LearnedLayer::Embedded,
            encoder: None,
        }
    }
}

/// What training needs from one message: the rules' log-odds and the names
/// of the features present.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRow {
    pub rule_logit: f32,
    pub features: Vec<String>,
}

/// A compiled detector. Build once, call `detect` for every message.
#[derive(Debug, Clone)]
pub struct Detector {
    settings: DetectorSettings,
    model: analyze::Model,
    learned: Option<Arc<Learned>>,
}

impl Detector {
    pub fn new(settings: DetectorSettings) -> Self {
        let model = analyze::Model::new(&settings.brand_names, &settings.competitors);
        let learned = match &settings.learned {
            LearnedLayer::Embedded => Some(Learned::embedded()),
            LearnedLayer::Off => None,
            LearnedLayer::Trained(m) => Some(m.clone()),
        };
        Detector {
            settings,
            model,
            learned,
        }
    }

    /// The rules' view of a message, for training the learned layer.
    pub fn training_row(&self, text: &str) -> TrainingRow {
        let tokens = tokenize(text);
        let analysis = self.model.analyze(&tokens);
        let outcome = score::score(&analysis);
        let mut features: Vec<String> = Vec::new();
        for c in &outcome.cues {
            let name = format!("c:{}", c.id);
            if !features.contains(&name) {
                features.push(name);
            }
        }
        learned::features(&analysis, |f| features.push(f.name()));
        TrainingRow {
            rule_logit: BIAS + outcome.cues.iter().map(|c| c.weight).sum::<f32>(),
            features,
        }
    }

    pub fn settings(&self) -> &DetectorSettings {
        &self.settings
    }

    /// Classify one message.
    pub fn detect(&self, text: &str) -> Verdict {
        let tokens = tokenize(text);
        let analysis = self.model.analyze(&tokens);
        let outcome = score::score(&analysis);
        let (score, prior, cues) = match &self.learned {
            Some(m) => learned::combine(m, &analysis, outcome.cues),
            None => (outcome.score, BIAS, outcome.cues),
        };
        let (score, cues) = match &self.settings.encoder {
            Some(enc) if score >= enc.combine.gate => second_stage(enc, text, score, cues),
            _ => (score, cues),
        };
        let s = &self.settings;
        let class = if score >= s.reply_at {
            Class::Solicitation
        } else if outcome.intent {
            Class::Intent
        } else {
            Class::Not
        };
        let review = class != Class::Solicitation && s.review_at.is_some_and(|r| score >= r);
        Verdict {
            class,
            score,
            prior,
            cues,
            review,
            mentions_brand: analysis.mentions_brand,
            competitors: analysis.competitors,
        }
    }
}

/// Log-odds of a probability, kept finite.
fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// Join the encoder's view to the first stage's. The combined log-odds
/// `stage1 * z1 + encoder * z2 + bias` is explained as two more cues, so
/// the score stays `sigmoid(prior + sum of cues)` and each cue says what
/// it did: `model.first_stage_share` takes back the part of the first
/// stage's log-odds the combination does not trust (`(stage1 - 1) * z1`;
/// on real messages the first stage's confidence means little), and
/// `model.encoder` is what the encoder adds (`encoder * z2 + bias`), with
/// the same sign as its own reading of the message.
fn second_stage(enc: &Encoder, text: &str, score: f32, mut cues: Vec<Cue>) -> (f32, Vec<Cue>) {
    let z1 = logit(score);
    let z2 = enc.logit(text);
    let c = enc.combine;
    let z = c.stage1 * z1 + c.encoder * z2 + c.bias;
    cues.push(Cue {
        id: Cow::Borrowed("model.first_stage_share"),
        weight: (c.stage1 - 1.0) * z1,
        matched: format!("first stage log-odds {z1:.2} weighed {:.3}", c.stage1),
    });
    cues.push(Cue {
        id: Cow::Borrowed("model.encoder"),
        weight: c.encoder * z2 + c.bias,
        matched: format!("encoder logit {z2:.2}"),
    });
    (1.0 / (1.0 + (-z).exp()), cues)
}
