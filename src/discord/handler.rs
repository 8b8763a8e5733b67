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

use std::sync::Arc;

use serenity::all::{Context, EventHandler, Message, Reaction, Ready, ResumedEvent};
use serenity::async_trait;
use tracing::{debug, info, warn};

use super::deliver::SentLog;
use super::runtime::Queue;
use super::translate::{self, Settings};

/// Translates gateway events and queues them for the engine task.
pub struct Handler {
    queue: Queue,
    settings: Arc<Settings>,
    sent: SentLog,
}

impl Handler {
    pub fn new(queue: Queue, settings: Settings, sent: SentLog) -> Self {
        Handler {
            queue,
            settings: Arc::new(settings),
            sent,
        }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn message(&self, ctx: Context, msg: Message) {
        match translate::message_event(&ctx.cache, &msg, &self.settings) {
            Ok(event) => self.queue.push(event),
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
        match translate::reaction_event(&ctx.cache, &reaction, &self.settings, on_bot_message) {
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

    async fn ready(&self, _ctx: Context, ready: Ready) {
        info!(
            bot = %ready.user.id,
            guilds = ready.guilds.len(),
            "connected to the Discord gateway"
        );
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        info!("gateway session resumed");
    }
}
