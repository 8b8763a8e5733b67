//! The serenity event handler. Thin on purpose: translate the event, put it
//! on the engine's queue, return. Nothing here decides, waits on the engine
//! or talks to Discord.
//!
//! Events handled: new messages (guild and DM) and added reactions. A
//! reaction matters only when it is the configured opt-out emoji
//! (`[optout] reaction`) put by a person on one of the bot's messages: it is
//! queued as that person replying the first stop word to the bot, so the core
//! records the opt-out and confirms it once, exactly as if they had typed it.
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

use serenity::all::{Context, EventHandler, Message, Reaction, Ready, ResumedEvent};
use serenity::async_trait;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::deliver::SentLog;
use super::directory::Directory;
use super::runtime::Queue;
use super::tickets::{self, Routed, TicketDesk};
use super::translate::{self, Settings, Untranslatable};

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
}

/// How long after READY a guild READY named may still arrive by gateway
/// before it is learnt over REST.
const GUILDS_GRACE: Duration = Duration::from_secs(5);

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
    ) -> Self {
        Handler {
            queue,
            settings: Arc::new(settings),
            sent,
            desk,
            stopping,
            directory: Arc::new(Directory::new()),
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

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        info!("gateway session resumed");
    }
}
