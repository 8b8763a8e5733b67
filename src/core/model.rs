//! Platform-neutral types: what came in (an inbound message) and what the bot
//! decided to do about it (a decision with its actions and reasons).
//!
//! Owns the vocabulary every other layer speaks. Must not know about Discord,
//! SQLite, Tokio or templates on disk: adapters translate to and from these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The instant a message was sent, or the instant a decision is made.
pub type Timestamp = DateTime<Utc>;

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Platform id (a Discord snowflake, or whatever a transcript uses).
    pub id: String,
    /// Display name as the platform shows it. Untrusted user text.
    pub name: String,
    /// The author is a bot account (including this bot itself).
    pub bot: bool,
    /// The author holds the configured staff role.
    pub staff: bool,
    /// The message came through a webhook (never answered).
    pub webhook: bool,
}

/// Where a message was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    /// A private conversation between the author and the bot.
    Dm,
    /// A server channel, optionally inside a thread of that channel.
    Guild {
        guild: String,
        /// The channel as the config may name it: its id and its name.
        channel: ChannelRef,
        /// The thread id, when the message is inside a thread.
        thread: Option<String>,
    },
}

/// A channel known by id and by name; the config may use either.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelRef {
    pub id: String,
    pub name: String,
}

impl ChannelRef {
    /// A channel that only has one identifier (transcripts use names).
    pub fn named(name: &str) -> Self {
        ChannelRef {
            id: name.to_string(),
            name: name.to_string(),
        }
    }
}

/// Whether a configured name-or-id designates the channel or role with
/// `id` and `name`. One rule for every place the config names one: the id,
/// or the name without regard to case; a leading `#` (channels) or `@`
/// (roles) and Discord's own mention forms (`<#id>`, `<@&id>`) are accepted.
pub fn designates(configured: &str, id: &str, name: &str) -> bool {
    let c = configured.trim();
    let c = c
        .strip_prefix("<#")
        .or_else(|| c.strip_prefix("<@&"))
        .and_then(|inner| inner.strip_suffix('>'))
        .unwrap_or(c);
    let c = c.strip_prefix(['#', '@']).unwrap_or(c).trim();
    !c.is_empty() && (c == id || c.eq_ignore_ascii_case(name))
}

/// What an inbound message replies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyTo {
    /// A reply to one of the bot's own messages.
    Bot,
    /// A reply to some other message, by id.
    Message(String),
}

/// One message as the core sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound {
    pub id: String,
    pub at: Timestamp,
    pub author: Author,
    pub place: Place,
    pub content: String,
    /// Users mentioned (ids or names). Includes the bot when it was tagged.
    pub mentions: Vec<String>,
    /// Set when the mention list includes this bot (the adapter knows its id).
    pub mentions_bot: bool,
    pub reply_to: Option<ReplyTo>,
}

impl Inbound {
    pub fn is_dm(&self) -> bool {
        matches!(self.place, Place::Dm)
    }

    /// The conversation key used for per-channel limits and rotation:
    /// the thread if any, else the channel, else `dm:<user>`.
    pub fn conversation_key(&self) -> String {
        match &self.place {
            Place::Dm => format!("dm:{}", self.author.id),
            Place::Guild {
                thread: Some(t), ..
            } => format!("thread:{t}"),
            Place::Guild { channel, .. } => format!("channel:{}", channel.id),
        }
    }
}

/// Which limit held a reply back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The whole bot's replies per window.
    Bot,
    /// Replies per server per window.
    Server,
    /// Replies per channel per window.
    Channel,
    /// Replies per thread per window.
    Thread,
    /// One reply per user per cooldown.
    UserCooldown,
    /// The configured quiet hours.
    QuietHours,
}

impl Limit {
    pub fn code(self) -> &'static str {
        match self {
            Limit::Bot => "bot_quota",
            Limit::Server => "server_quota",
            Limit::Channel => "channel_quota",
            Limit::Thread => "thread_quota",
            Limit::UserCooldown => "user_cooldown",
            Limit::QuietHours => "quiet_hours",
        }
    }
}

/// Why a ticket for human staff was opened (or added to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "trigger")]
pub enum HandoffTrigger {
    /// The customer wrote to the bot privately.
    DirectMessage,
    /// The customer asked for a person in public; `words` are the words
    /// that asked (empty in records written before they were kept).
    AskedForPerson {
        #[serde(default)]
        words: String,
    },
    /// A solicitation in a category that only humans answer.
    HandoffOnlyCategory { category: String },
    /// The reply the bot would have sent failed a compliance rule.
    ComplianceFailed { rules: Vec<String> },
    /// The detector was unsure (review band) and staff asked to see those.
    ReviewBand,
}

impl HandoffTrigger {
    /// A stable snake_case code (metrics labels).
    pub fn code(&self) -> &'static str {
        match self {
            HandoffTrigger::DirectMessage => "direct_message",
            HandoffTrigger::AskedForPerson { .. } => "asked_for_person",
            HandoffTrigger::HandoffOnlyCategory { .. } => "handoff_only_category",
            HandoffTrigger::ComplianceFailed { .. } => "compliance_failed",
            HandoffTrigger::ReviewBand => "review_band",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            HandoffTrigger::DirectMessage => "direct message to the bot".into(),
            HandoffTrigger::AskedForPerson { words } if words.is_empty() => {
                "asked for a person".into()
            }
            HandoffTrigger::AskedForPerson { words } => format!("asked for a person (\"{words}\")"),
            HandoffTrigger::HandoffOnlyCategory { category } => {
                format!("solicitation in hand-off-only category `{category}`")
            }
            HandoffTrigger::ComplianceFailed { rules } => {
                format!("reply failed compliance ({})", rules.join(", "))
            }
            HandoffTrigger::ReviewBand => "detector unsure (review band)".into(),
        }
    }
}

/// Why the bot did what it did. Every decision carries exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Reason {
    // --- silences before the detector matters ---
    AuthorIsBot,
    AuthorIsWebhook,
    AuthorIsStaff,
    EmptyMessage,
    ChannelNotWatched,
    AlreadyDecided,
    // --- the detector and the catalogue ---
    NotASolicitation,
    IntentOnly,
    ReviewBand,
    NotOurProducts,
    /// Not a solicitation, and a hand-off phrase almost matched: staff may
    /// want to read it (`audit --missed`).
    HandoffAlmost {
        phrase: String,
        words: String,
    },
    // --- people ---
    OptedOut,
    TicketOpen,
    StaffAnsweredThread,
    Blocked,
    /// The author posts faster than the flood guard allows; skipped unread.
    Flooding,
    // --- limits (the bot would have replied) ---
    Held {
        limit: Limit,
    },
    // --- the bot acts ---
    Solicitation,
    MultiBrandRequest,
    Handoff {
        trigger: HandoffTrigger,
    },
    OptOutConfirmed,
    OptInConfirmed,
    /// The bot decided to reply but is in shadow mode.
    ShadowMode,
}

impl Reason {
    /// False for messages written by a bot or a webhook (the bot's own
    /// replies among them): traffic counts leave them out.
    pub fn is_about_a_person(&self) -> bool {
        !matches!(self, Reason::AuthorIsBot | Reason::AuthorIsWebhook)
    }

    /// A stable snake_case code for machines (JSON, CSV, audit).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::AuthorIsBot => "author_is_bot",
            Reason::AuthorIsWebhook => "author_is_webhook",
            Reason::AuthorIsStaff => "author_is_staff",
            Reason::EmptyMessage => "empty_message",
            Reason::ChannelNotWatched => "channel_not_watched",
            Reason::AlreadyDecided => "already_answered_message",
            Reason::NotASolicitation => "not_a_solicitation",
            Reason::IntentOnly => "intent_only",
            Reason::ReviewBand => "review_band",
            Reason::NotOurProducts => "not_our_products",
            Reason::HandoffAlmost { .. } => "handoff_almost",
            Reason::OptedOut => "opted_out",
            Reason::TicketOpen => "ticket_open",
            Reason::StaffAnsweredThread => "staff_answered_thread",
            Reason::Blocked => "blocked",
            Reason::Flooding => "flooding",
            Reason::Held { limit } => limit.code(),
            Reason::Solicitation => "solicitation",
            Reason::MultiBrandRequest => "multi_brand_request",
            Reason::Handoff { .. } => "handoff",
            Reason::OptOutConfirmed => "opt_out",
            Reason::OptInConfirmed => "opt_in",
            Reason::ShadowMode => "shadow_mode",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Reason::AuthorIsBot => "author is a bot".to_string(),
            Reason::AuthorIsWebhook => "author is a webhook".to_string(),
            Reason::AuthorIsStaff => "author is staff".to_string(),
            Reason::EmptyMessage => "message has no text".to_string(),
            Reason::ChannelNotWatched => "channel not watched".to_string(),
            Reason::AlreadyDecided => "already answered this message".to_string(),
            Reason::NotASolicitation => "not a solicitation".to_string(),
            Reason::IntentOnly => "states a plan to buy but asks nothing (intent)".to_string(),
            Reason::ReviewBand => "detector unsure (review band); no reply".to_string(),
            Reason::NotOurProducts => "solicitation, but not about anything we sell".to_string(),
            Reason::HandoffAlmost { phrase, words } => {
                format!("hand-off phrase \"{phrase}\" almost matched: \"{words}\"; no hand-off")
            }
            Reason::OptedOut => "author opted out".to_string(),
            Reason::TicketOpen => "author has an open ticket with staff".to_string(),
            Reason::StaffAnsweredThread => "staff already answered in this thread".to_string(),
            Reason::Blocked => "author is blocked by staff".to_string(),
            Reason::Flooding => "author is posting too fast; message skipped".to_string(),
            Reason::Held { limit } => match limit {
                Limit::Bot => "held back: bot-wide reply quota reached".to_string(),
                Limit::Server => "held back: server reply quota reached".to_string(),
                Limit::Channel => "held back: channel reply quota reached".to_string(),
                Limit::Thread => "held back: thread reply quota reached".to_string(),
                Limit::UserCooldown => {
                    "held back: already answered this user (cooldown)".to_string()
                }
                Limit::QuietHours => "held back: quiet hours".to_string(),
            },
            Reason::Solicitation => "solicitation about our products".to_string(),
            Reason::MultiBrandRequest => "request addressed to several brands".to_string(),
            Reason::Handoff { trigger } => format!("hand-off to staff: {}", trigger.describe()),
            Reason::OptOutConfirmed => "author opted out; one confirmation".to_string(),
            Reason::OptInConfirmed => "author opted back in; one confirmation".to_string(),
            Reason::ShadowMode => "shadow mode: would have replied, sent nothing".to_string(),
        };
        f.write_str(&text)
    }
}

/// A reply the bot rendered (and checked) for a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedReply {
    /// Template name (file stem under `templates/`).
    pub template: String,
    /// Zero-based variant index inside the template file.
    pub variant: usize,
    /// The exact text that is (or would be) sent.
    pub text: String,
}

/// Something the shell must carry out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// A public reply referencing the asker's message; pings only the asker.
    ReplyInChannel {
        place: Place,
        to_message: String,
        mention_user: String,
        text: String,
    },
    /// A message in the user's DM (only ever to a user who wrote to the bot).
    SendDm { user: String, text: String },
    /// Open (or add to) a staff ticket for this user.
    OpenHandoff {
        user: String,
        user_name: String,
        trigger: HandoffTrigger,
        message_id: String,
    },
}

/// What the bot does with a message, at the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Reply,
    Handoff,
    None,
}

#[cfg(test)]
mod tests {
    use super::designates;

    /// Issue 13: the watched channels, the staff channel and the staff role
    /// are matched by one rule wherever the config names them.
    #[test]
    fn a_configured_name_or_id_designates_one_way_everywhere() {
        for configured in [
            "general",
            "General",
            "#general",
            " #General ",
            "3001",
            "<#3001>",
        ] {
            assert!(designates(configured, "3001", "general"), "{configured}");
        }
        for configured in ["Staff", "@staff", "5001", "<@&5001>"] {
            assert!(designates(configured, "5001", "Staff"), "{configured}");
        }
        for configured in ["", "#", "gen", "general-chat", "300", "<#3002>"] {
            assert!(!designates(configured, "3001", "general"), "{configured:?}");
        }
    }
}
