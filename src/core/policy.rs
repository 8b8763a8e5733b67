//! The policy: every product rule's knobs, as validated values the core can
//! apply (mode, watched channels, thresholds, limits, words that opt out or
//! ask for a person, which template answers what).
//!
//! Owns the rule settings and the small pure predicates over them (is this
//! channel watched? is it quiet hours? is this an opt-out?). Built by
//! `config`; never reads files or the environment itself.

use chrono::{Duration, NaiveTime, Timelike};
use chrono_tz::Tz;

use super::catalogue::Catalogue;
use super::detect::Detector;
use super::model::{designates, ChannelRef, Inbound, Timestamp};
use super::normalize::normalize;
use super::words::{find_phrase, near_phrase, person_request, Words};

/// Whether replies are posted or only recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Post replies.
    Live,
    /// Decide and record what would be said; post nothing.
    Shadow,
}

/// Local quiet hours during which the bot posts no public replies.
#[derive(Debug, Clone, PartialEq)]
pub struct QuietHours {
    pub timezone: Tz,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// True when `at` falls inside the quiet period (which may span midnight).
    pub fn contains(&self, at: Timestamp) -> bool {
        let local = at.with_timezone(&self.timezone).time();
        let local =
            NaiveTime::from_hms_opt(local.hour(), local.minute(), local.second()).unwrap_or(local);
        if self.start <= self.end {
            self.start <= local && local < self.end
        } else {
            local >= self.start || local < self.end
        }
    }
}

/// Reply quotas. Every one of them must pass before a public reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// The sliding window the per-scope quotas count over.
    pub window: Duration,
    pub per_bot: u32,
    pub per_server: u32,
    pub per_channel: u32,
    pub per_thread: u32,
    /// At most one automatic reply per user in this period.
    pub user_cooldown: Duration,
    /// A reply not delivered within this time after the message is dropped.
    pub stale_after: Duration,
    pub quiet_hours: Option<QuietHours>,
    /// Messages per author per minute the bot reads; the rest are skipped.
    pub per_user_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            window: Duration::minutes(60),
            per_bot: 60,
            per_server: 20,
            per_channel: 6,
            per_thread: 2,
            user_cooldown: Duration::hours(24),
            stale_after: Duration::minutes(2),
            quiet_hours: None,
            per_user_per_minute: 10,
        }
    }
}

/// Template file stems for each kind of reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateNames {
    pub solicitation: String,
    pub multi_brand: String,
    pub intent: String,
    pub handoff_public: String,
    pub handoff_dm: String,
    pub opt_out: String,
    pub opt_in: String,
    pub staff_notice: String,
}

impl Default for TemplateNames {
    fn default() -> Self {
        TemplateNames {
            solicitation: "solicitation".into(),
            multi_brand: "multi_brand".into(),
            intent: "intent".into(),
            handoff_public: "handoff_public".into(),
            handoff_dm: "handoff_dm".into(),
            opt_out: "opt_out".into(),
            opt_in: "opt_in".into(),
            staff_notice: "staff_notice".into(),
        }
    }
}

/// Everything the core needs to decide.
#[derive(Debug, Clone)]
pub struct Policy {
    pub mode: Mode,
    /// Channel names or ids (either matches).
    pub watched_channels: Vec<String>,
    pub detector: Detector,
    pub catalogue: Catalogue,
    pub limits: Limits,
    /// Phrases that opt a user out (matched on normalised text).
    pub stop_words: Vec<String>,
    /// Phrases that opt a user back in.
    pub start_words: Vec<String>,
    /// Phrases that ask for a human.
    pub handoff_phrases: Vec<String>,
    pub templates: TemplateNames,
    /// Messages in the detector's review band open a staff ticket.
    pub review_to_staff: bool,
    /// Answer stated plans to buy (Intent) as well as asks.
    pub reply_to_intent: bool,
}

impl Policy {
    /// A channel is watched when the config names it by name or by id.
    pub fn watches(&self, channel: &ChannelRef) -> bool {
        self.watched_channels
            .iter()
            .any(|w| designates(w, &channel.id, &channel.name))
    }

    /// The whole message (trimmed of punctuation and emoji) is one of the
    /// stop phrases, or starts with one ("stop please", "no thanks!").
    pub fn is_opt_out(&self, text: &str) -> bool {
        matches_command(&self.stop_words, text)
    }

    pub fn is_opt_in(&self, text: &str) -> bool {
        matches_command(&self.start_words, text)
    }

    /// Whether the bot may answer this message with a message of its own.
    /// Live: always. Shadow: only in a DM. Shadow mode keeps the bot out of
    /// public channels while a brand watches what it would say, but a person
    /// who writes to the bot privately (a question for staff, "stop") is
    /// answered as in live mode: silence there helps nobody. Hand-offs open
    /// real tickets in both modes (docs/deploy.md has the whole table).
    pub fn speaks_to(&self, msg: &Inbound) -> bool {
        self.mode == Mode::Live || msg.is_dm()
    }

    /// The words with which the message asks for a person, if it does:
    /// one of the configured phrases (compared word by word on stems, so
    /// "talking to a real person" matches "talk to a person"), or a request
    /// for a person phrased some other way ("need a human please", "is
    /// there a real person I can chat to", [`person_request`]).
    pub fn asks_for_person(&self, text: &str) -> Option<String> {
        let words = Words::of(text);
        self.handoff_phrases
            .iter()
            .find_map(|p| find_phrase(&words, p))
            .map(|(start, end)| words.span(start, end))
            .or_else(|| person_request(&words))
    }

    /// A configured hand-off phrase the message almost uses (for staff to
    /// judge; the bot does not act on it): the phrase, and the words.
    pub fn almost_asks_for_person(&self, text: &str) -> Option<(String, String)> {
        let words = Words::of(text);
        self.handoff_phrases.iter().find_map(|p| {
            let (start, end, how) = near_phrase(&words, p)?;
            Some((
                p.clone(),
                format!("{} ({})", words.span(start, end), how.describe()),
            ))
        })
    }
}

fn words_only(text: &str) -> String {
    let norm = normalize(text);
    let cleaned: String = norm
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Mentions at the start or end of a message address it ("<@bot> stop",
/// "stop @Shopkeep"): they are not part of the command. Raw Discord user
/// mentions (`<@123>`, `<@!123>`) and typed `@names` are dropped there;
/// a mention in the middle stays, so "<@bot> stop <@friend> pls" is read
/// whole.
fn without_addressing(text: &str) -> &str {
    fn is_mention(token: &str) -> bool {
        let t = token.trim_matches(|c: char| matches!(c, ',' | ':' | '.' | '!'));
        let raw = t
            .strip_prefix("<@")
            .and_then(|r| r.strip_suffix('>'))
            .map(|id| id.trim_start_matches('!'));
        match raw {
            Some(id) => !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()),
            None => t.len() > 1 && t.starts_with('@'),
        }
    }
    let mut rest = text.trim();
    loop {
        let before = rest;
        if let Some(first) = rest.split_whitespace().next() {
            if is_mention(first) {
                rest = rest[rest.find(first).unwrap_or(0) + first.len()..].trim_start();
            }
        }
        if let Some(last) = rest.split_whitespace().next_back() {
            if is_mention(last) && last.len() < rest.len() {
                rest = rest[..rest.len() - last.len()].trim_end();
            }
        }
        if rest == before {
            return rest;
        }
    }
}

/// A short command-like message: it starts with one of the phrases and has at
/// most a few words after it ("stop", "stop pls", "no thanks, stop"), once
/// the mentions that address it are set aside ("<@bot> stop").
fn matches_command(phrases: &[String], text: &str) -> bool {
    let words = words_only(without_addressing(text));
    if words.split(' ').count() > 8 {
        return false;
    }
    phrases.iter().any(|p| {
        let p = words_only(p);
        !p.is_empty() && (words == p || words.starts_with(&format!("{p} ")))
    })
}

/// `phrase` occurs in `text` on word boundaries.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn short_stop_messages_are_commands_but_chat_mentioning_stop_is_not() {
        let stop = words(&["stop", "no thanks", "unsubscribe"]);
        assert!(matches_command(&stop, "STOP"));
        assert!(matches_command(&stop, "no thanks, stop 🙅"));
        assert!(matches_command(&stop, "Unsubscribe please"));
        assert!(!matches_command(
            &stop,
            "where is the bus stop near your store"
        ));
        assert!(!matches_command(&stop, "stopping by the showroom tomorrow, do you have the oak bench in stock and what does delivery cost"));
    }

    #[test]
    fn a_stop_addressed_to_the_bot_by_mention_is_a_command() {
        let stop = words(&["stop", "no thanks"]);
        for text in [
            "<@1234567890> stop",
            "<@!1234567890> stop",
            "<@1234567890>, no thanks",
            "stop <@1234567890>",
            "@Shopkeep stop",
            "@Shopkeep: stop please",
            "<@1234567890> <@1234567890> STOP",
        ] {
            assert!(matches_command(&stop, text), "{text}");
        }
        // Only addressing mentions are set aside: the rest still has to be
        // a short command.
        assert!(!matches_command(&stop, "<@1234567890>"));
        assert!(!matches_command(
            &stop,
            "<@1234567890> where is the bus stop near your store"
        ));
        assert!(!matches_command(&stop, "<@1234567890> @friend"));
        assert!(!matches_command(&stop, "<@12a> stop"));
    }

    #[test]
    fn phrases_match_on_word_boundaries_only() {
        assert!(contains_phrase(
            "can i talk to someone please",
            "talk to someone"
        ));
        assert!(!contains_phrase(
            "i'll talk to someones mum",
            "talk to someone"
        ));
    }

    #[test]
    fn quiet_hours_can_span_midnight_in_local_time() {
        let q = QuietHours {
            timezone: chrono_tz::Europe::London,
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
        };
        let at = |h| chrono::Utc.with_ymd_and_hms(2026, 7, 1, h, 30, 0).unwrap();
        // London is UTC+1 in July.
        assert!(q.contains(at(21))); // 22:30 local
        assert!(q.contains(at(5))); // 06:30 local
        assert!(!q.contains(at(6))); // 07:30 local
        assert!(!q.contains(at(12)));
    }
}
