//! The transcript format `replay` reads: JSON Lines, one message per line.
//!
//! ```json
//! {"id": "m1", "at": "2026-11-23T09:00:00Z", "author": {"id": "u1", "name": "alice",
//!  "bot": false, "staff": false}, "channel": "general", "dm": false, "content": "...",
//!  "reply_to": null, "mentions": []}
//! ```
//!
//! `bot`, `staff`, `dm`, `reply_to` and `mentions` may be left out. `channel`
//! is ignored when `dm` is true. `reply_to: "bot"` is a reply to the bot's
//! last message to that person. Optional extensions: `thread` (a thread id
//! inside the channel) and `guild`. Other fields are ignored so other tools
//! can add their own.
//!
//! Owns parsing lines into the core's `Inbound`; a bad line is an error for
//! that line only.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::core::model::{Author, ChannelRef, Inbound, Place, ReplyTo};
use crate::core::normalize::normalize;

/// The guild id used for transcript messages that name none.
pub const TRANSCRIPT_GUILD: &str = "transcript";

#[derive(Debug, Deserialize)]
struct Line {
    id: String,
    at: DateTime<Utc>,
    author: LineAuthor,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    dm: bool,
    content: String,
    #[serde(default)]
    reply_to: Option<String>,
    #[serde(default)]
    mentions: Vec<String>,
    #[serde(default)]
    thread: Option<String>,
    #[serde(default)]
    guild: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LineAuthor {
    id: String,
    name: String,
    #[serde(default)]
    bot: bool,
    #[serde(default)]
    staff: bool,
}

/// A line that could not be read; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Reads transcript lines; knows the bot's names to recognise mentions of it.
#[derive(Debug, Clone)]
pub struct TranscriptReader {
    bot_names: Vec<String>,
}

fn squash(name: &str) -> String {
    normalize(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

impl TranscriptReader {
    /// `bot_names`: the brand's name, aliases and handles; a mention of any
    /// of them (or of `bot`) counts as mentioning the bot.
    pub fn new(bot_names: &[String]) -> Self {
        let mut names: Vec<String> = bot_names
            .iter()
            .map(|n| squash(n))
            .filter(|n| !n.is_empty())
            .collect();
        names.push("bot".into());
        TranscriptReader { bot_names: names }
    }

    /// Parse one line (1-based number for messages). `Ok(None)` for a blank line.
    pub fn parse(&self, number: usize, text: &str) -> Result<Option<Inbound>, LineError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let err = |message: String| LineError {
            line: number,
            message,
        };
        let line: Line = serde_json::from_str(text)
            .map_err(|e| err(format!("not a transcript message: {e}")))?;
        if line.id.trim().is_empty() {
            return Err(err("`id` is empty".into()));
        }
        let place = if line.dm {
            Place::Dm
        } else {
            let channel = line
                .channel
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| err("`channel` is required unless `dm` is true".into()))?;
            Place::Guild {
                guild: line.guild.unwrap_or_else(|| TRANSCRIPT_GUILD.into()),
                channel: ChannelRef::named(channel.trim().trim_start_matches('#')),
                thread: line.thread,
            }
        };
        let mentions_bot = line
            .mentions
            .iter()
            .any(|m| self.bot_names.contains(&squash(m)));
        let reply_to = line.reply_to.map(|r| {
            if r.eq_ignore_ascii_case("bot") {
                ReplyTo::Bot
            } else {
                ReplyTo::Message(r)
            }
        });
        Ok(Some(Inbound {
            id: line.id,
            at: line.at,
            author: Author {
                id: line.author.id,
                name: line.author.name,
                bot: line.author.bot,
                staff: line.author.staff,
                webhook: false,
            },
            place,
            content: line.content,
            mentions: line.mentions,
            mentions_bot,
            reply_to,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> TranscriptReader {
        TranscriptReader::new(&["Oak & Thistle".into(), "@OakAndThistle".into()])
    }

    #[test]
    fn a_minimal_line_uses_the_documented_defaults() {
        let m = reader()
            .parse(1, r#"{"id":"m1","at":"2026-11-23T09:00:00Z","author":{"id":"u1","name":"alice"},"channel":"general","content":"hi"}"#)
            .unwrap()
            .unwrap();
        assert!(!m.author.bot && !m.author.staff && !m.is_dm());
        assert_eq!(m.reply_to, None);
        assert!(m.mentions.is_empty());
    }

    #[test]
    fn reply_to_bot_and_mentions_of_the_brand_are_recognised() {
        let m = reader()
            .parse(1, r#"{"id":"m1","at":"2026-11-23T09:00:00Z","author":{"id":"u1","name":"a"},"channel":"general","content":"stop","reply_to":"bot","mentions":["OakAndThistle"]}"#)
            .unwrap()
            .unwrap();
        assert_eq!(m.reply_to, Some(ReplyTo::Bot));
        assert!(m.mentions_bot);
    }

    #[test]
    fn a_dm_needs_no_channel() {
        let m = reader()
            .parse(1, r#"{"id":"d1","at":"2026-11-23T09:00:00Z","author":{"id":"u1","name":"a"},"dm":true,"content":"hello"}"#)
            .unwrap()
            .unwrap();
        assert!(m.is_dm());
    }

    #[test]
    fn bad_lines_name_their_line_and_problem() {
        let r = reader();
        let e = r.parse(7, "{not json").unwrap_err();
        assert_eq!(e.line, 7);
        let e = r
            .parse(3, r#"{"id":"m1","at":"2026-11-23T09:00:00Z","author":{"id":"u1","name":"a"},"content":"x"}"#)
            .unwrap_err();
        assert!(e.to_string().contains("`channel` is required"), "{e}");
        let e = r
            .parse(4, r#"{"id":"m1","at":"yesterday","author":{"id":"u1","name":"a"},"channel":"g","content":"x"}"#)
            .unwrap_err();
        assert!(e.to_string().starts_with("line 4:"), "{e}");
        assert_eq!(r.parse(5, "   ").unwrap(), None);
    }
}
