//! What the core remembers between messages: messages already decided,
//! opt-outs, per-user cooldowns, reply windows per scope, open tickets,
//! threads where staff spoke, and the last template variant per conversation.
//!
//! Owns the state as a reducer: `decide` reads it, `apply` folds a decision's
//! effects into it. The engine persists the same effects to the store and
//! rebuilds this state from the store at start, so a restart forgets nothing
//! that matters.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::model::{HandoffTrigger, Timestamp};

/// A change to remember, produced by a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// This message has been decided with a visible outcome; never again.
    MarkDecided {
        message_id: String,
        at: Timestamp,
    },
    /// A public reply (sent, or would-be in shadow mode) counts against the
    /// quotas of these scopes and starts the user's cooldown.
    CountReply {
        user: String,
        scopes: Vec<String>,
        at: Timestamp,
    },
    OptOut {
        user: String,
        at: Timestamp,
    },
    OptIn {
        user: String,
        at: Timestamp,
    },
    /// A staff ticket is open for this user.
    OpenTicket {
        user: String,
        user_name: String,
        trigger: HandoffTrigger,
        message_id: String,
        at: Timestamp,
    },
    /// Staff spoke in this thread; the bot stays out of it.
    StaffActive {
        thread: String,
    },
    /// The variant of a template last used in a conversation.
    Variant {
        conversation: String,
        template: String,
        variant: usize,
    },
}

/// The core's memory.
#[derive(Debug, Clone, Default)]
pub struct State {
    decided: HashMap<String, Timestamp>,
    opted_out: HashSet<String>,
    last_reply_to_user: HashMap<String, Timestamp>,
    windows: HashMap<String, VecDeque<Timestamp>>,
    open_tickets: HashSet<String>,
    blocked: HashMap<String, Option<Timestamp>>,
    staff_threads: HashSet<String>,
    last_variant: HashMap<(String, String), usize>,
}

/// The scope key of the whole bot's quota.
pub const BOT_SCOPE: &str = "bot";

impl State {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn was_decided(&self, message_id: &str) -> bool {
        self.decided.contains_key(message_id)
    }

    pub fn is_opted_out(&self, user: &str) -> bool {
        self.opted_out.contains(user)
    }

    pub fn has_open_ticket(&self, user: &str) -> bool {
        self.open_tickets.contains(user)
    }

    pub fn staff_active_in(&self, thread: &str) -> bool {
        self.staff_threads.contains(thread)
    }

    /// Blocked now: forever, or until a time still in the future.
    pub fn is_blocked(&self, user: &str, now: Timestamp) -> bool {
        self.blocked
            .get(user)
            .is_some_and(|until| super::tickets::block_holds(*until, now))
    }

    /// When the user last got an automatic public reply.
    pub fn last_reply_to(&self, user: &str) -> Option<Timestamp> {
        self.last_reply_to_user.get(user).copied()
    }

    /// Replies counted in `scope` within `window` before `now`.
    pub fn replies_in_window(&self, scope: &str, now: Timestamp, window: Duration) -> usize {
        self.windows.get(scope).map_or(0, |times| {
            times
                .iter()
                .filter(|t| **t > now - window && **t <= now)
                .count()
        })
    }

    pub fn last_variant(&self, conversation: &str, template: &str) -> Option<usize> {
        self.last_variant
            .get(&(conversation.to_string(), template.to_string()))
            .copied()
    }

    /// Fold one effect into the state.
    pub fn apply(&mut self, effect: &Effect) {
        match effect {
            Effect::MarkDecided { message_id, at } => {
                self.decided.insert(message_id.clone(), *at);
            }
            Effect::CountReply { user, scopes, at } => {
                self.last_reply_to_user.insert(user.clone(), *at);
                for scope in scopes {
                    self.windows
                        .entry(scope.clone())
                        .or_default()
                        .push_back(*at);
                }
            }
            Effect::OptOut { user, .. } => {
                self.opted_out.insert(user.clone());
            }
            Effect::OptIn { user, .. } => {
                self.opted_out.remove(user);
            }
            Effect::OpenTicket { user, .. } => {
                self.open_tickets.insert(user.clone());
            }
            Effect::StaffActive { thread } => {
                self.staff_threads.insert(thread.clone());
            }
            Effect::Variant {
                conversation,
                template,
                variant,
            } => {
                self.last_variant
                    .insert((conversation.clone(), template.clone()), *variant);
            }
        }
    }

    /// A ticket known to be open (rebuilding state from the store).
    pub fn mark_ticket_open(&mut self, user: String) {
        self.open_tickets.insert(user);
    }

    /// A ticket was closed by staff (issue 7's ticket flow calls this).
    pub fn close_ticket(&mut self, user: &str) {
        self.open_tickets.remove(user);
    }

    /// Block a user until a time, or forever.
    pub fn block(&mut self, user: &str, until: Option<Timestamp>) {
        self.blocked.insert(user.to_string(), until);
    }

    pub fn unblock(&mut self, user: &str) {
        self.blocked.remove(user);
    }

    /// Forget what can no longer matter at `now`: window entries older than
    /// `window`, cooldowns older than `cooldown`, decided ids older than
    /// `keep_decided`. Keeps memory bounded on a long-running bot.
    pub fn prune(
        &mut self,
        now: Timestamp,
        window: Duration,
        cooldown: Duration,
        keep_decided: Duration,
    ) {
        for times in self.windows.values_mut() {
            while times.front().is_some_and(|t| *t <= now - window) {
                times.pop_front();
            }
        }
        self.windows.retain(|_, times| !times.is_empty());
        self.last_reply_to_user.retain(|_, t| *t > now - cooldown);
        self.decided.retain(|_, t| *t > now - keep_decided);
    }

    /// Sizes for diagnostics and memory tests.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.decided.len(),
            self.last_reply_to_user.len(),
            self.windows.values().map(VecDeque::len).sum(),
        )
    }
}
