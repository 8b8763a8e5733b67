//! The ticket desk: staff tickets on Discord. A hand-off becomes a thread in
//! the staff channel that opens with the customer's context and pings the
//! staff role (and only it); later customer messages are relayed into that
//! thread, and staff messages there are relayed to the customer's DM.
//!
//! Owns the desk itself, the routing every gateway message goes through
//! ([`route_message`]), and opening or adding to a ticket
//! ([`TicketDesk::open_or_append`]). Delivery with retries, the thread side
//! and reminders are in [`super::relay`]; staff lifecycle operations in
//! [`super::lifecycle`]; slash commands in [`super::staff`]. Product rules
//! and wording come from `core::tickets` and `core::ticket_text`; this only
//! translates and carries them out.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use serenity::all::{Cache, ChannelId, ChannelType, GuildId, Message, RoleId, UserId};
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::config::{Config, RelayAs};
use crate::core::decide::Decision;
use crate::core::model::{Action, HandoffTrigger, Inbound, Place, Timestamp};
use crate::core::ticket_text::customer_relay_text;
use crate::core::tickets::{block_holds, dm_goes_to_desk, RelayIdentity, StaffChange};
use crate::engine::SharedReplies;
use crate::reply::escape::discord_escape;
use crate::store::{Direction, NewRelay, Store};

pub use super::notice::Original;

/// What the desk needs from the config, plus delivery pacing.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskSettings {
    /// The staff channel, by name or id.
    pub staff_channel: String,
    /// The staff role, by name or id.
    pub staff_role: String,
    pub note_prefix: String,
    pub relay_as: RelayIdentity,
    pub brand: String,
    pub unclaimed_alert: chrono::Duration,
    /// The template of a thread's opening line.
    pub staff_notice_template: String,
    /// Posts tried at once for one delivery round (server errors only).
    pub tries_per_round: u32,
    /// The pause between those tries.
    pub backoff: StdDuration,
}

impl DeskSettings {
    pub fn from_config(config: &Config) -> Self {
        DeskSettings {
            staff_channel: config.discord.staff_channel.clone(),
            staff_role: config.discord.staff_role.clone(),
            note_prefix: config.handoff.note_prefix.clone(),
            relay_as: match config.handoff.relay_as {
                RelayAs::DisplayName => RelayIdentity::DisplayName,
                RelayAs::Anonymous => RelayIdentity::Anonymous,
            },
            brand: config.brand.name.clone(),
            unclaimed_alert: config.handoff.unclaimed_alert,
            staff_notice_template: config.templates.staff_notice.clone(),
            tries_per_round: 2,
            backoff: StdDuration::from_millis(300),
        }
    }
}

/// The staff channel and role, resolved to ids from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffPlace {
    pub guild: GuildId,
    pub channel: ChannelId,
    pub role: Option<RoleId>,
}

/// The ticket desk. Share it behind an `Arc`; every method takes `&self`.
pub struct TicketDesk {
    pub(super) settings: DeskSettings,
    pub(super) store: Store,
    pub(super) http: Arc<serenity::http::Http>,
    pub(super) cache: Arc<Cache>,
    pub(super) replies: SharedReplies,
    pub(super) changes: mpsc::UnboundedSender<StaffChange>,
    /// Serialises opening tickets and re-delivery, so one customer never
    /// gets two threads. A tokio mutex on purpose: it is held across posts.
    pub(super) opening: tokio::sync::Mutex<()>,
    /// Relays being delivered right now (never delivered twice at once).
    pub(super) inflight: Mutex<HashSet<i64>>,
}

/// Where a gateway message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    /// The desk handled it; what it did is for logs and tests.
    Desk(Handled),
    /// Not the desk's: hand it to the engine as usual.
    Engine,
}

/// What the desk did with a message it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// A staff reply, stored and handed to delivery (to the customer's DM).
    RelayedToCustomer,
    /// A customer message (attachments only) relayed into the thread.
    RelayedToStaff,
    /// A staff note (or an empty message): stays in the thread.
    Note,
    /// Written by someone without the staff role, or by a bot: ignored.
    Ignored,
    /// A staff reply in a closed ticket's thread: not relayed, and said so.
    TicketClosed,
}

impl TicketDesk {
    /// Build the desk. The receiver yields every change staff make that the
    /// engine's state must see: the runtime passes each to
    /// `Engine::apply_staff_change` before deciding the next message.
    pub fn new(
        settings: DeskSettings,
        store: Store,
        http: Arc<serenity::http::Http>,
        cache: Arc<Cache>,
        replies: SharedReplies,
    ) -> (Arc<TicketDesk>, mpsc::UnboundedReceiver<StaffChange>) {
        let (changes, rx) = mpsc::unbounded_channel();
        let desk = TicketDesk {
            settings,
            store,
            http,
            cache,
            replies,
            changes,
            opening: tokio::sync::Mutex::new(()),
            inflight: Mutex::new(HashSet::new()),
        };
        (Arc::new(desk), rx)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &DeskSettings {
        &self.settings
    }

    /// The staff channel and role, if the cache knows them yet.
    pub fn staff_place(&self) -> Option<StaffPlace> {
        for guild_id in self.cache.guilds() {
            let Some(guild) = self.cache.guild(guild_id) else {
                continue;
            };
            let wanted = &self.settings.staff_channel;
            let channel = guild
                .channels
                .values()
                .find(|c| c.kind == ChannelType::Text && named(wanted, c.id.get(), &c.name));
            if let Some(channel) = channel {
                let role = guild
                    .roles
                    .values()
                    .find(|r| named(&self.settings.staff_role, r.id.get(), &r.name))
                    .map(|r| r.id);
                return Some(StaffPlace {
                    guild: guild_id,
                    channel: channel.id,
                    role,
                });
            }
        }
        None
    }

    /// The staff role's name for messages (the configured value otherwise).
    pub fn staff_role_name(&self) -> String {
        let place = self.staff_place();
        place
            .and_then(|p| Some((p, p.role?)))
            .and_then(|(p, role)| Some(self.cache.guild(p.guild)?.roles.get(&role)?.name.clone()))
            .unwrap_or_else(|| self.settings.staff_role.clone())
    }

    /// When a user joined the staff guild, if the cache knows.
    pub(super) fn member_since(&self, user: &str) -> Option<Timestamp> {
        let place = self.staff_place()?;
        let user = UserId::new(user.parse().ok()?);
        let guild = self.cache.guild(place.guild)?;
        guild.members.get(&user)?.joined_at.map(|t| *t)
    }

    /// Carry out the hand-offs of a decision (its `OpenHandoff` actions).
    /// Other actions (the acknowledgement) are the runtime's delivery.
    pub async fn on_decision(&self, original: &Original, decision: &Decision) {
        for action in &decision.actions {
            if let Action::OpenHandoff { trigger, .. } = action {
                if let Err(e) = self.open_or_append(trigger, original, Some(decision)).await {
                    warn!(error = %format!("{e:#}"), message = %original.inbound.id, "cannot hand off to staff");
                }
            }
        }
    }

    /// First trigger of a ticket: a thread in the staff channel opening with
    /// the context. Later triggers: the message relayed into that thread.
    /// The text is stored (pending) before it is posted, so a failure is
    /// retried by `retry_pending` and never lost.
    pub async fn open_or_append(
        &self,
        trigger: &HandoffTrigger,
        original: &Original,
        decision: Option<&Decision>,
    ) -> anyhow::Result<()> {
        let _one_at_a_time = self.opening.lock().await;
        let user = &original.inbound.author.id;
        let Some(ticket) = self.store.open_ticket_of(user).await? else {
            warn!(user = %user, message = %original.inbound.id, "hand-off without an open ticket in the store");
            return Ok(());
        };
        let first = ticket.thread_id.is_none() && self.store.relays_of(ticket.id).await?.is_empty();
        let text = if first {
            self.notice(&ticket, trigger, original, decision).await?
        } else {
            let context = match original.inbound.place {
                Place::Dm => "DM".to_string(),
                _ => format!(
                    "{} in {}: {}",
                    trigger.describe(),
                    original.place(),
                    original.jump_link()
                ),
            };
            let name = discord_escape(&original.inbound.author.name);
            customer_relay_text(
                &name,
                &context,
                &original.inbound.content,
                &original.attachments,
            )
        };
        let relay = NewRelay {
            ticket_id: ticket.id,
            direction: Direction::ToStaff,
            source_message_id: original.inbound.id.clone(),
            author_id: user.clone(),
            text,
            attachments: original.attachments.clone(),
            at: original.inbound.at,
        };
        match self.store.add_relay(&relay).await? {
            Some(id) => self.deliver_id(id).await,
            None => debug!(message = %original.inbound.id, "already relayed"),
        }
        Ok(())
    }

    /// Whether a member holds the staff role (by their role ids).
    pub fn is_staff(&self, roles: &[RoleId]) -> bool {
        let role = self.staff_place().and_then(|p| p.role);
        role.is_some_and(|r| roles.contains(&r))
    }
}

/// A configured channel or role matches by id or by name (`designates`).
fn named(configured: &str, id: u64, name: &str) -> bool {
    crate::core::model::designates(configured, &id.to_string(), name)
}

/// Route one gateway message. A message in a ticket thread is the desk's
/// (a staff reply is relayed, a note stays, anything else is ignored). A DM
/// with only attachments from a customer with an open ticket is relayed
/// directly (the core ignores messages without text). Everything else goes
/// to the engine. The runtime calls this first for every message.
pub async fn route_message(desk: &TicketDesk, msg: &Message) -> Routed {
    let result = match msg.guild_id {
        Some(_) => route_guild_message(desk, msg).await,
        None => route_dm(desk, msg).await,
    };
    result.unwrap_or_else(|e| {
        warn!(error = %format!("{e:#}"), message = %msg.id, channel = %msg.channel_id, "ticket routing failed; message left to the engine");
        Routed::Engine
    })
}

async fn route_guild_message(desk: &TicketDesk, msg: &Message) -> anyhow::Result<Routed> {
    let parent = msg.guild_id.and_then(|g| {
        let guild = desk.cache.guild(g)?;
        let channel = guild
            .channels
            .get(&msg.channel_id)
            .or_else(|| guild.threads.iter().find(|t| t.id == msg.channel_id))?;
        Some((channel.kind, channel.parent_id))
    });
    let staff = desk.staff_place().map(|p| p.channel);
    let maybe_ticket = match parent {
        Some((ChannelType::PublicThread | ChannelType::PrivateThread, parent)) => parent == staff,
        Some(_) => false,
        None => true,
    };
    if !maybe_ticket {
        return Ok(Routed::Engine);
    }
    let Some(ticket) = desk
        .store
        .ticket_by_thread(&msg.channel_id.to_string())
        .await?
    else {
        return Ok(Routed::Engine);
    };
    Ok(Routed::Desk(desk.on_thread_message(msg, &ticket).await?))
}

async fn route_dm(desk: &TicketDesk, msg: &Message) -> anyhow::Result<Routed> {
    let (bot, text, files) = (msg.author.bot, msg.content.as_str(), msg.attachments.len());
    // The message's own facts first: a DM with text goes to the engine
    // without reading the store.
    if !dm_goes_to_desk(bot, text, files, false, true) {
        return Ok(Routed::Engine);
    }
    let user = msg.author.id.to_string();
    let now = chrono::Utc::now();
    let blocked = desk
        .store
        .blocks()
        .await?
        .into_iter()
        .any(|b| b.user_id == user && block_holds(b.until, now));
    let open = desk.store.open_ticket_of(&user).await?.is_some();
    if !dm_goes_to_desk(bot, text, files, blocked, open) {
        return Ok(Routed::Engine);
    }
    let inbound = Inbound {
        id: msg.id.to_string(),
        at: *msg.timestamp,
        author: crate::core::model::Author {
            id: msg.author.id.to_string(),
            name: msg
                .author
                .global_name
                .clone()
                .unwrap_or_else(|| msg.author.name.clone()),
            bot: false,
            staff: false,
            webhook: false,
        },
        place: Place::Dm,
        content: String::new(),
        mentions: Vec::new(),
        mentions_bot: false,
        reply_to: None,
    };
    let original = Original::new(msg, inbound);
    desk.open_or_append(&HandoffTrigger::DirectMessage, &original, None)
        .await?;
    Ok(Routed::Desk(Handled::RelayedToStaff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_channel_or_role_matches_by_id_or_name() {
        assert!(named("staff-desk", 3003, "staff-desk"));
        assert!(named("#staff-desk", 3003, "staff-desk"));
        assert!(named("3003", 3003, "anything"));
        assert!(named("@Staff", 5001, "staff"));
        assert!(!named("staff", 3003, "staff-desk"));
    }
}
