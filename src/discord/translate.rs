//! Translation in: a serenity `Message` or `Reaction`, plus what the cache
//! knows about the guild, becomes the core's `Inbound` and the routing the
//! delivery needs later (the DM channel, the staff desk).
//!
//! Owns the mapping of Discord's facts (bot and webhook authors, staff role,
//! channel names, threads and their parents, DMs, mentions, replies to the
//! bot, the opt-out reaction). The mapping itself is pure functions over plain
//! data; only [`message_event`] and [`reaction_event`] read the cache. Must not
//! decide anything: whether to answer is the core's business.

use chrono::Utc;
use serenity::all::{
    Cache, ChannelId, ChannelType, GuildChannel, GuildId, Message, MessageId, Reaction, RoleId,
    User, UserId,
};

use crate::core::model::{designates, Author, ChannelRef, Inbound, Place, ReplyTo, Timestamp};

/// What the adapter needs from the config to translate events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The staff role, by name or id.
    pub staff_role: String,
    /// The staff channel, by name or id.
    pub staff_channel: String,
    /// The emoji that opts a user out when put on one of the bot's messages.
    pub optout_reaction: String,
    /// The stop word an opt-out reaction stands for (the first configured).
    pub optout_word: String,
}

/// A translated event, ready for the engine task.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub inbound: Inbound,
    pub route: Route,
}

/// Where the bot can reach people about this event, resolved from the cache
/// when the event arrived (delivery never reads the cache).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Route {
    /// The DM channel the message came from, when it was a DM.
    pub dm_channel: Option<ChannelId>,
    /// Where hand-off notices go for this event, if the cache knows it.
    pub staff: Option<StaffDesk>,
}

/// The configured staff channel and role, resolved to ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffDesk {
    pub channel: ChannelId,
    /// The role to ping; `None` when the guild has no such role.
    pub role: Option<RoleId>,
}

/// What the cache knows about one guild channel or thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelInfo {
    pub id: ChannelId,
    pub name: String,
    /// For a thread, the channel it belongs to.
    pub thread_parent: Option<ChannelId>,
}

impl ChannelInfo {
    pub fn of(channel: &GuildChannel) -> Self {
        let thread = matches!(
            channel.kind,
            ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread
        );
        ChannelInfo {
            id: channel.id,
            name: channel.name.clone(),
            thread_parent: channel.parent_id.filter(|_| thread),
        }
    }

    fn as_ref(&self) -> ChannelRef {
        ChannelRef {
            id: self.id.to_string(),
            name: self.name.clone(),
        }
    }
}

/// Why an event could not be translated. It is logged with its ids and
/// skipped; it never stops the bot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Untranslatable {
    #[error("guild {guild} is not in the cache")]
    UnknownGuild { guild: GuildId },
    #[error("channel {channel} is not in the cache")]
    UnknownChannel { channel: ChannelId },
    #[error("thread {thread} has no known parent channel")]
    UnknownParent { thread: ChannelId },
    #[error("the reaction carries no user id")]
    NoReactingUser,
}

/// Where a guild message was posted. A message in a thread is placed in the
/// thread's parent channel (so watching `general` covers its threads), with
/// the thread id alongside.
pub fn place(
    guild: GuildId,
    channel: ChannelId,
    lookup: impl Fn(ChannelId) -> Option<ChannelInfo>,
) -> Result<Place, Untranslatable> {
    let info = lookup(channel).ok_or(Untranslatable::UnknownChannel { channel })?;
    let (channel_ref, thread) = match info.thread_parent {
        Some(parent) => {
            let parent = lookup(parent).ok_or(Untranslatable::UnknownParent { thread: channel })?;
            (parent.as_ref(), Some(channel.to_string()))
        }
        None => (info.as_ref(), None),
    };
    Ok(Place::Guild {
        guild: guild.to_string(),
        channel: channel_ref,
        thread,
    })
}

/// Whether `wanted` (a role name, compared without case, or a role id) is
/// among `roles`.
pub fn holds_role(
    roles: &[RoleId],
    role_name: impl Fn(RoleId) -> Option<String>,
    wanted: &str,
) -> bool {
    roles.iter().any(|&role| {
        let name = role_name(role).unwrap_or_default();
        designates(wanted, &role.to_string(), &name)
    })
}

/// The name people see: the server nickname, else the global display name,
/// else the username.
pub fn display_name(user: &User, nick: Option<&str>) -> String {
    nick.or(user.global_name.as_deref())
        .unwrap_or(&user.name)
        .to_string()
}

/// The core's view of a message, given the facts the cache supplied.
pub fn inbound(msg: &Message, bot: UserId, place: Place, staff: bool) -> Inbound {
    let nick = msg.member.as_ref().and_then(|m| m.nick.as_deref());
    let reply_to = match (&msg.referenced_message, &msg.message_reference) {
        (Some(referenced), _) if referenced.author.id == bot => Some(ReplyTo::Bot),
        (Some(referenced), _) => Some(ReplyTo::Message(referenced.id.to_string())),
        (None, Some(reference)) => reference
            .message_id
            .map(|id| ReplyTo::Message(id.to_string())),
        (None, None) => None,
    };
    Inbound {
        id: msg.id.to_string(),
        at: *msg.timestamp,
        author: Author {
            id: msg.author.id.to_string(),
            name: display_name(&msg.author, nick),
            bot: msg.author.bot || msg.author.id == bot,
            staff,
            webhook: msg.webhook_id.is_some(),
        },
        place,
        content: msg.content.clone(),
        mentions: msg.mentions.iter().map(|u| u.id.to_string()).collect(),
        mentions_bot: msg.mentions.iter().any(|u| u.id == bot),
        reply_to,
    }
}

/// The user behind an opt-out reaction, as the cache knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reactor {
    pub id: UserId,
    pub name: String,
    pub bot: bool,
    pub staff: bool,
}

/// An opt-out reaction as a message to the bot: a reply to the bot that says
/// the first stop word. Its id, `reaction:<message>:<user>`, makes a replayed
/// reaction a duplicate the core already decided.
pub fn optout_inbound(
    message: MessageId,
    reactor: &Reactor,
    place: Place,
    word: &str,
    now: Timestamp,
) -> Inbound {
    Inbound {
        id: format!("reaction:{message}:{}", reactor.id),
        at: now,
        author: Author {
            id: reactor.id.to_string(),
            name: reactor.name.clone(),
            bot: reactor.bot,
            staff: reactor.staff,
            webhook: false,
        },
        place,
        content: word.to_string(),
        mentions: Vec::new(),
        mentions_bot: false,
        reply_to: Some(ReplyTo::Bot),
    }
}

/// Whether a reaction emoji is the configured opt-out reaction (a Unicode
/// emoji, or a custom one written `name:id`).
pub fn is_optout_emoji(emoji: &serenity::all::ReactionType, configured: &str) -> bool {
    let configured = configured.trim();
    emoji.unicode_eq(configured) || emoji.as_data() == configured
}

/// Translate a message using the cache: place, staff role, staff desk.
pub fn message_event(
    cache: &Cache,
    msg: &Message,
    settings: &Settings,
) -> Result<Incoming, Untranslatable> {
    let bot = cache.current_user().id;
    let Some(guild) = msg.guild_id else {
        let route = Route {
            dm_channel: Some(msg.channel_id),
            staff: staff_desk(cache, None, settings),
        };
        return Ok(Incoming {
            inbound: inbound(msg, bot, Place::Dm, false),
            route,
        });
    };
    let (place, staff) = {
        let g = cache
            .guild(guild)
            .ok_or(Untranslatable::UnknownGuild { guild })?;
        let place = place(guild, msg.channel_id, |id| guild_channel(&g, id))?;
        let roles = match &msg.member {
            Some(member) => member.roles.clone(),
            None => g
                .members
                .get(&msg.author.id)
                .map(|m| m.roles.clone())
                .unwrap_or_default(),
        };
        let role_name = |id: RoleId| g.roles.get(&id).map(|r| r.name.clone());
        (place, holds_role(&roles, role_name, &settings.staff_role))
    };
    let route = Route {
        dm_channel: None,
        staff: staff_desk(cache, Some(guild), settings),
    };
    Ok(Incoming {
        inbound: inbound(msg, bot, place, staff),
        route,
    })
}

/// Translate a reaction using the cache. `Ok(None)` when it is not an
/// opt-out: another emoji, the bot's own reaction, or a reaction on a message
/// that is not the bot's. `on_bot_message` covers DMs, where Discord does not
/// say whose message it was (the delivery remembers what the bot posted).
pub fn reaction_event(
    cache: &Cache,
    reaction: &Reaction,
    settings: &Settings,
    on_bot_message: bool,
) -> Result<Option<Incoming>, Untranslatable> {
    if !is_optout_emoji(&reaction.emoji, &settings.optout_reaction) {
        return Ok(None);
    }
    let bot = cache.current_user().id;
    let user = reaction.user_id.ok_or(Untranslatable::NoReactingUser)?;
    let bots_message = reaction.message_author_id == Some(bot) || on_bot_message;
    if user == bot || !bots_message {
        return Ok(None);
    }
    let (place, reactor) = match reaction.guild_id {
        Some(guild) => guild_reactor(cache, guild, reaction, user, settings)?,
        None => (Place::Dm, dm_reactor(cache, user)),
    };
    let route = Route {
        dm_channel: reaction.guild_id.is_none().then_some(reaction.channel_id),
        staff: staff_desk(cache, reaction.guild_id, settings),
    };
    let inbound = optout_inbound(
        reaction.message_id,
        &reactor,
        place,
        &settings.optout_word,
        Utc::now(),
    );
    Ok(Some(Incoming { inbound, route }))
}

fn guild_reactor(
    cache: &Cache,
    guild: GuildId,
    reaction: &Reaction,
    user: UserId,
    settings: &Settings,
) -> Result<(Place, Reactor), Untranslatable> {
    let g = cache
        .guild(guild)
        .ok_or(Untranslatable::UnknownGuild { guild })?;
    let place = place(guild, reaction.channel_id, |id| guild_channel(&g, id))?;
    let member = reaction.member.as_ref().or_else(|| g.members.get(&user));
    let reactor = match member {
        Some(m) => Reactor {
            id: user,
            name: display_name(&m.user, m.nick.as_deref()),
            bot: m.user.bot,
            staff: holds_role(
                &m.roles,
                |id| g.roles.get(&id).map(|r| r.name.clone()),
                &settings.staff_role,
            ),
        },
        None => Reactor {
            staff: false,
            ..dm_reactor(cache, user)
        },
    };
    Ok((place, reactor))
}

fn dm_reactor(cache: &Cache, user: UserId) -> Reactor {
    let known = cache.user(user).map(|u| (display_name(&u, None), u.bot));
    let (name, bot) = known.unwrap_or_else(|| (user.to_string(), false));
    Reactor {
        id: user,
        name,
        bot,
        staff: false,
    }
}

fn guild_channel(guild: &serenity::all::Guild, id: ChannelId) -> Option<ChannelInfo> {
    guild
        .channels
        .get(&id)
        .or_else(|| guild.threads.iter().find(|t| t.id == id))
        .map(ChannelInfo::of)
}

/// The configured staff channel (and role) in `guild`, or — for a DM — in
/// the first cached guild that has one.
fn staff_desk(cache: &Cache, guild: Option<GuildId>, settings: &Settings) -> Option<StaffDesk> {
    let guilds = match guild {
        Some(g) => vec![g],
        None => cache.guilds(),
    };
    guilds.into_iter().find_map(|id| {
        let g = cache.guild(id)?;
        let channel = g
            .channels
            .values()
            .find(|c| names(&c.id.to_string(), &c.name, &settings.staff_channel))?
            .id;
        let role = g
            .roles
            .values()
            .find(|r| names(&r.id.to_string(), &r.name, &settings.staff_role))
            .map(|r| r.id);
        Some(StaffDesk { channel, role })
    })
}

/// Whether a configured name-or-id designates the thing with `id` and `name`.
fn names(id: &str, name: &str, configured: &str) -> bool {
    designates(configured, id, name)
}

#[cfg(test)]
#[path = "translate_tests.rs"]
mod tests;
