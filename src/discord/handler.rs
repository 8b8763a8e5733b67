//! The serenity event handler. Thin on purpose: translate the event, put it
//! on the engine's queue, return. Nothing here decides, waits on the engine
//! or talks to Discord.
//!
//! Events handled: new messages (guild and DM) and added reactions. A
//! reaction matters only when it is the configured opt-out emoji
//! (`[optout] reaction`) put by a person on one of the bot's messages: it is
//! queued as that person replying the first stop word to the bot, so the core
//! records the opt-out and confirms it once, exactly as if they had typed it.
//! A reaction with a mark emoji (`[marks]`) is a staff mark instead
//! (`marks`): recorded only for holders of the staff role.
//! An event that cannot be translated is logged with its ids and skipped.
//!
//! Every message goes to the ticket desk's router first: messages in ticket
//! threads (staff replies, notes) and attachment-only DMs of an open ticket
//! are the desk's; only the rest is translated and queued for the engine.
//!
//! The one exception to "never talks to Discord": an event from a guild or
//! channel the gateway cache does not know is held while the
//! [`Directory`] learns it over REST (once; see `directory`), and after
//! READY every guild READY named but the cache still lacks a few seconds
//! later is learnt the same way, so the staff desk is found before anyone
//! writes.

use std::sync::{Arc, OnceLock};

use std::time::Duration;

use serenity::all::{
    ConnectionStage, Context, EventHandler, Message, Reaction, ReactionType, Ready, ResumedEvent,
    ShardStageUpdateEvent,
};
use serenity::async_trait;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::deliver::SentLog;
use super::directory::Directory;
use super::marks;
use super::runtime::Queue;
use super::tickets::{self, Routed, TicketDesk};
use super::translate::{self, Settings, Untranslatable};
use crate::core::marks::{Mark, MarkEmojis};
use crate::metrics::Metrics;

/// The ticket desk, shared with the staff commands' setup. It is built
/// once the client exists (it needs the client's HTTP and cache) and set
/// before the gateway starts.
pub type SharedDesk = Arc<OnceLock<Arc<TicketDesk>>>;

/// Routes messages to the desk or translates them and queues them for the
/// engine task.
pub struct Handler {
    queue: Queue,
    settings: Arc<Settings>,
    sent: SentLog,
    desk: SharedDesk,
    stopping: CancellationToken,
    directory: Arc<Directory>,
    marks: MarkEmojis,
    metrics: Arc<Metrics>,
}

/// How long after READY a guild READY named may still arrive by gateway
/// before it is learnt over REST.
const GUILDS_GRACE: Duration = Duration::from_secs(5);

/// A unicode reaction's emoji; custom emoji by name.
fn emoji_text(emoji: &ReactionType) -> Option<String> {
    match emoji {
        ReactionType::Unicode(s) => Some(s.clone()),
        ReactionType::Custom { name, .. } => name.clone(),
        _ => None,
    }
}

/// The guild and channel an untranslatable event needs learnt, if that is
/// what was missing.
fn missing_place(error: &Untranslatable) -> bool {
    matches!(
        error,
        Untranslatable::UnknownGuild { .. }
            | Untranslatable::UnknownChannel { .. }
            | Untranslatable::UnknownParent { .. }
    )
}

impl Handler {
    /// `stopping` is cancelled at shutdown: from then on the desk takes no
    /// new messages either (the engine's queue already refuses them).
    pub fn new(
        queue: Queue,
        settings: Settings,
        sent: SentLog,
        desk: SharedDesk,
        stopping: CancellationToken,
        marks: MarkEmojis,
        metrics: Arc<Metrics>,
    ) -> Self {
        Handler {
            queue,
            settings: Arc::new(settings),
            sent,
            desk,
            stopping,
            directory: Arc::new(Directory::new()),
            marks,
            metrics,
        }
    }

    /// A mark reaction: recorded when a staff member put it on a bot reply,
    /// its shadow copy, or the member's message the bot replied to. Anyone
    /// else's is refused (logged; nothing changes).
    async fn mark_by_reaction(&self, reaction: &Reaction, mark: Mark) {
        let (Some(desk), Some(guild), Some(user)) =
            (self.desk.get(), reaction.guild_id, reaction.user_id)
        else {
            debug!(message = %reaction.message_id, "mark reaction outside a server; ignored");
            return;
        };
        let member = reaction.member.as_ref();
        let roles = member.map(|m| m.roles.clone()).unwrap_or_default();
        if !desk.is_staff(&roles) {
            info!(message = %reaction.message_id, %user, mark = mark.as_str(), "mark refused: the reacting member lacks the staff role");
            return;
        }
        let by = marks::Staffer {
            id: user,
            name: member.map_or_else(|| user.to_string(), |m| m.display_name().to_string()),
        };
        let target = marks::Target {
            id: reaction.message_id,
            guild: Some(guild),
            channel: reaction.channel_id,
            message: None,
            bots_message: self.sent.contains(reaction.message_id)
                || reaction.message_author_id == Some(desk.cache.current_user().id),
        };
        match marks::record(desk, target, mark, &by, None).await {
            Ok(Ok(marked)) => {
                info!(message = %reaction.message_id, by = %by.name, mark = mark.as_str(), ?marked, "staff marked by reaction")
            }
            Ok(Err(refused)) => {
                debug!(message = %reaction.message_id, ?refused, "mark reaction does not fit this message; ignored")
            }
            Err(e) => {
                warn!(error = %format!("{e:#}"), message = %reaction.message_id, "cannot record a staff mark")
            }
        }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn message(&self, ctx: Context, msg: Message) {
        match self.desk.get() {
            Some(_) if self.stopping.is_cancelled() => {
                info!(message = %msg.id, "shutting down; message not taken");
                return;
            }
            Some(desk) => {
                if let Routed::Desk(handled) = tickets::route_message(desk, &msg).await {
                    debug!(message = %msg.id, channel = %msg.channel_id, ?handled, "ticket desk took the message");
                    return;
                }
            }
            None => {
                warn!(message = %msg.id, "the ticket desk is not ready; message goes to the engine")
            }
        }
        let mut translated = translate::message_event(&ctx.cache, &msg, &self.settings);
        if let (Err(error), Some(guild)) = (&translated, msg.guild_id) {
            if missing_place(error) {
                let ch = Some(msg.channel_id);
                if self
                    .directory
                    .ensure(&ctx.cache, &ctx.http, guild, ch)
                    .await
                {
                    translated = translate::message_event(&ctx.cache, &msg, &self.settings);
                } else {
                    // Reported once, at ERROR, by the directory.
                    debug!(message = %msg.id, %guild, "message skipped: its guild or channel is unknown");
                    return;
                }
            }
        }
        match translated {
            Ok(event) => self.queue.push_message(event, &msg),
            Err(error) => warn!(
                %error,
                message = %msg.id,
                channel = %msg.channel_id,
                guild = ?msg.guild_id.map(|g| g.get()),
                "message skipped: cannot translate it"
            ),
        }
    }

    async fn reaction_add(&self, ctx: Context, reaction: Reaction) {
        if let Some(mark) = emoji_text(&reaction.emoji).and_then(|e| self.marks.mark_of(&e)) {
            return self.mark_by_reaction(&reaction, mark).await;
        }
        let on_bot_message = self.sent.contains(reaction.message_id);
        let translate =
            || translate::reaction_event(&ctx.cache, &reaction, &self.settings, on_bot_message);
        let mut translated = translate();
        if let (Err(error), Some(guild)) = (&translated, reaction.guild_id) {
            if missing_place(error) {
                let ch = Some(reaction.channel_id);
                if !self
                    .directory
                    .ensure(&ctx.cache, &ctx.http, guild, ch)
                    .await
                {
                    debug!(message = %reaction.message_id, %guild, "reaction skipped: its guild or channel is unknown");
                    return;
                }
                translated = translate();
            }
        }
        match translated {
            Ok(Some(event)) => self.queue.push(event),
            Ok(None) => debug!(message = %reaction.message_id, "reaction is not an opt-out"),
            Err(error) => warn!(
                %error,
                message = %reaction.message_id,
                channel = %reaction.channel_id,
                user = ?reaction.user_id.map(|u| u.get()),
                "reaction skipped: cannot translate it"
            ),
        }
    }

    async fn ready(&self, ctx: Context, ready: Ready) {
        self.metrics.set_gateway_connected(true);
        info!(
            bot = %ready.user.id,
            guilds = ready.guilds.len(),
            "connected to the Discord gateway"
        );
        let guilds: Vec<_> = ready.guilds.iter().map(|g| g.id).collect();
        let directory = self.directory.clone();
        tokio::spawn(async move {
            tokio::time::sleep(GUILDS_GRACE).await;
            for guild in guilds {
                directory.ensure(&ctx.cache, &ctx.http, guild, None).await;
            }
        });
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        // One shard per process: its stage is the gateway's.
        let connected = event.new == ConnectionStage::Connected;
        if !connected {
            self.metrics.set_gateway_connected(false);
        }
        debug!(old = ?event.old, new = ?event.new, "gateway stage");
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        self.metrics.set_gateway_connected(true);
        info!("gateway session resumed");
    }
}
