//! The purchase-solicitation detector: is this message a person asking to be
//! sold to? Returns a class, a score in [0, 1] and the cues that fired.
//!
//! Owns text understanding only. It does not know about channels, limits,
//! templates or the catalogue (the relevance gate lives in `core::catalogue`).

use serde::{Deserialize, Serialize};

use super::normalize::normalize;

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
    brand: Vec<String>,
    competitors: Vec<(String, String)>,
}

const ASKS: &[(&str, f32)] = &[
    ("where can i buy", 0.8),
    ("where to buy", 0.8),
    ("recommend", 0.6),
    ("any deals", 0.8),
    ("best deal", 0.7),
    ("looking for", 0.5),
    ("how much", 0.6),
    ("which bank", 0.7),
    ("convince me", 0.7),
];

const NEGATIVES: &[(&str, f32)] = &[
    ("bought", -0.7),
    ("ordered", -0.6),
    ("broke", -0.6),
    ("refund", -0.8),
    ("not looking", -0.9),
    ("never buying", -0.9),
    ("just browsing", -0.8),
];

impl Detector {
    pub fn new(settings: DetectorSettings) -> Self {
        let brand = settings.brand_names.iter().map(|n| normalize(n)).collect();
        let competitors = settings
            .competitors
            .iter()
            .map(|n| (normalize(n), n.clone()))
            .collect();
        Detector {
            settings,
            brand,
            competitors,
        }
    }

    pub fn settings(&self) -> &DetectorSettings {
        &self.settings
    }

    /// Classify one message.
    pub fn detect(&self, text: &str) -> Verdict {
        let norm = normalize(text);
        let mut cues = Vec::new();
        let mut raw = 0.0f32;
        for (phrase, w) in ASKS.iter().chain(NEGATIVES) {
            if norm.contains(phrase) {
                raw += w;
                cues.push(Cue {
                    id: format!("phrase.{}", phrase.replace(' ', "_")),
                    weight: *w,
                    matched: phrase.to_string(),
                });
            }
        }
        if norm.contains('?') && raw > 0.0 {
            raw += 0.2;
            cues.push(Cue {
                id: "form.question".into(),
                weight: 0.2,
                matched: "?".into(),
            });
        }
        let score = raw.clamp(0.0, 1.0);
        let mentions_brand = self.brand.iter().any(|b| !b.is_empty() && norm.contains(b));
        let competitors = self
            .competitors
            .iter()
            .filter(|(n, _)| !n.is_empty() && norm.contains(n.as_str()))
            .map(|(_, orig)| orig.clone())
            .collect();
        let class = if score >= self.settings.reply_at {
            Class::Solicitation
        } else {
            Class::Not
        };
        let review =
            class != Class::Solicitation && self.settings.review_at.is_some_and(|r| score >= r);
        Verdict {
            class,
            score,
            cues,
            review,
            mentions_brand,
            competitors,
        }
    }
}
