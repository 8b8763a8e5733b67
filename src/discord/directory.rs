//! When the gateway cache does not know a guild: learn it over REST.
//!
//! serenity drops a GUILD_CREATE it cannot parse (a Discord-compatible
//! server such as Spacebar omits a field serenity requires), and Discord
//! itself may send a guild late. Without the guild in the cache, no message
//! from it could be placed in a channel or checked for the staff role, and
//! the ticket desk could not find its staff channel. So on the first event
//! from an unknown guild (and a little after READY for every guild READY
//! named) the [`Directory`] asks REST for the guild's channels and roles
//! (`GET /guilds/{id}/channels`, `GET /guilds/{id}/roles`; a single
//! `GET /channels/{id}` if the channel list is refused) and puts what it
//! learnt into the cache as a guild, so every other part of the adapter
//! reads the cache as usual. Members come from each event (`member.roles`).
//! A channel the cache lacks in a guild it knows is learnt the same way.
//!
//! Owns that fallback, its pacing (one REST attempt per guild or channel a
//! minute) and its log: one ERROR per guild that cannot be learnt, not one
//! warning per message.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::all::{
    Cache, ChannelCreateEvent, ChannelId, GuildChannel, GuildCreateEvent, GuildId, Http, Role,
    RoleId, ThreadCreateEvent,
};
use serenity::http::{LightMethod, Request, Route};
use tracing::{error, info};

/// How long after a failed attempt a guild or channel is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// What REST told us about a guild.
#[derive(Debug, Default)]
pub struct Learnt {
    pub roles: HashMap<RoleId, Role>,
    pub channels: HashMap<ChannelId, GuildChannel>,
}

/// The guild as the cache holds it, built from what REST answered. Only
/// the parts the adapter reads are filled: id, a name, roles, channels and
/// threads (a thread is kept among `threads`, as GUILD_CREATE has them).
pub fn synthesized_guild(guild: GuildId, learnt: Learnt) -> Result<GuildCreateEvent, String> {
    let mut g = serenity::all::Guild::default();
    g.id = guild;
    g.name = format!("guild {guild}");
    g.roles = learnt.roles;
    let (threads, channels): (Vec<GuildChannel>, Vec<GuildChannel>) = learnt
        .channels
        .into_values()
        .partition(|c| c.thread_metadata.is_some());
    g.channels = channels.into_iter().map(|c| (c.id, c)).collect();
    g.threads = threads;
    // GuildCreateEvent can only be made by deserialising, which also sets
    // every channel's and role's guild id.
    let json = serde_json::to_value(&g).map_err(|e| e.to_string())?;
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// Per-guild pacing and the one-error-per-guild log.
#[derive(Default)]
pub struct Directory {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// When learning each guild or channel was last attempted and failed.
    failed_at: HashMap<Key, Instant>,
    /// Those already reported at ERROR.
    reported: HashSet<Key>,
}

/// What is being learnt: a whole guild, or one channel of a known guild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Guild(GuildId),
    Channel(ChannelId),
}

impl Directory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Make sure the cache knows `guild` (and `channel` in it): learn the
    /// guild over REST if the cache lacks it, or only the channel (and its
    /// parent) if the cache has the guild but not the channel; not again
    /// within a minute of a failure. Returns whether the cache knows both
    /// afterwards.
    pub async fn ensure(
        &self,
        cache: &Cache,
        http: &Http,
        guild: GuildId,
        channel: Option<ChannelId>,
    ) -> bool {
        let has_channel = |c: ChannelId| {
            cache
                .guild(guild)
                .is_some_and(|g| g.channels.contains_key(&c) || g.threads.iter().any(|t| t.id == c))
        };
        let known = || cache.guild(guild).is_some() && channel.map_or(true, has_channel);
        if known() {
            return true;
        }
        let key = match channel {
            Some(c) if cache.guild(guild).is_some() => Key::Channel(c),
            _ => Key::Guild(guild),
        };
        if !self.due(key) {
            return false;
        }
        let outcome = match key {
            Key::Guild(_) => match learn(http, guild, channel).await {
                Ok(learnt) => {
                    let (roles, channels) = (learnt.roles.len(), learnt.channels.len());
                    synthesized_guild(guild, learnt).map(|mut event| {
                        cache.update(&mut event);
                        info!(%guild, roles, channels, "guild not in the gateway cache: learnt it over REST");
                    })
                }
                Err(why) => Err(why),
            },
            Key::Channel(c) => match learn_channel(http, guild, c, has_channel).await {
                Ok(found) => found.into_iter().try_for_each(|c| add_channel(cache, c)).map(|()| {
                    info!(%guild, channel = %c, "channel not in the gateway cache: learnt it over REST");
                }),
                Err(why) => Err(why),
            },
        };
        match outcome {
            Ok(()) => {
                self.lock().failed_at.remove(&key);
            }
            Err(why) => self.failed(key, &why),
        }
        known()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn due(&self, key: Key) -> bool {
        self.lock()
            .failed_at
            .get(&key)
            .map_or(true, |at| at.elapsed() >= RETRY_AFTER)
    }

    fn failed(&self, key: Key, why: &str) {
        let mut state = self.lock();
        state.failed_at.insert(key, Instant::now());
        if !state.reported.insert(key) {
            return;
        }
        match key {
            Key::Guild(guild) => {
                error!(%guild, error = %why, "guild unknown: the gateway did not describe it and REST could not; its messages are skipped (retried once a minute)")
            }
            Key::Channel(channel) => {
                error!(%channel, error = %why, "channel unknown: not in the gateway cache and REST could not describe it; its messages are skipped (retried once a minute)")
            }
        }
    }
}

/// Put one channel or thread into the cache's guild.
fn add_channel(cache: &Cache, channel: GuildChannel) -> Result<(), String> {
    let thread = channel.thread_metadata.is_some();
    let json = serde_json::to_value(&channel).map_err(|e| e.to_string())?;
    if thread {
        let mut event: ThreadCreateEvent =
            serde_json::from_value(json).map_err(|e| e.to_string())?;
        cache.update(&mut event);
    } else {
        let mut event: ChannelCreateEvent =
            serde_json::from_value(json).map_err(|e| e.to_string())?;
        cache.update(&mut event);
    }
    Ok(())
}

/// GET a route as plain JSON: a compatible server's answer may lack fields
/// serenity's models require, which [`role_of`] and [`channel_of`] supply.
async fn get_json(http: &Http, route: Route<'_>, what: &str) -> Result<Value, String> {
    http.fire::<Value>(Request::new(route, LightMethod::Get))
        .await
        .map_err(|e| format!("GET {what}: {e}"))
}

/// A role from REST JSON, with the fields Discord always sends but a
/// compatible server may not (colours, flags) filled with neutral values.
pub fn role_of(mut json: Value) -> Result<Role, String> {
    let colour = json.get("color").cloned().unwrap_or(json!(0));
    for (key, default) in [
        ("color", colour.clone()),
        ("colors", json!({"primary_color": colour})),
        ("hoist", json!(false)),
        ("managed", json!(false)),
        ("permissions", json!("0")),
        ("position", json!(0)),
    ] {
        if json.get(key).map_or(true, Value::is_null) {
            json[key] = default;
        }
    }
    serde_json::from_value(json).map_err(|e| format!("a role: {e}"))
}

/// A guild channel from REST JSON (a channel always has an id and a type;
/// a missing name is read as empty, a missing guild id as `guild`).
pub fn channel_of(mut json: Value, guild: GuildId) -> Result<GuildChannel, String> {
    if json.get("name").map_or(true, Value::is_null) {
        json["name"] = json!("");
    }
    if json.get("guild_id").map_or(true, Value::is_null) {
        json["guild_id"] = json!(guild.to_string());
    }
    serde_json::from_value(json).map_err(|e| format!("a channel: {e}"))
}

/// Ask REST for the guild's roles and channels. Roles may be refused (the
/// staff role is then recognised by id only); channels are required, from
/// the guild's list or else the one channel asked about (and its parent).
async fn learn(http: &Http, guild: GuildId, channel: Option<ChannelId>) -> Result<Learnt, String> {
    let roles_route = Route::GuildRoles { guild_id: guild };
    let roles = match get_json(http, roles_route, &format!("/guilds/{guild}/roles")).await {
        Ok(Value::Array(list)) => list
            .into_iter()
            .filter_map(|r| role_of(r).ok())
            .map(|r| (r.id, r))
            .collect(),
        _ => {
            error!(%guild, "cannot read the guild's roles over REST; the staff role is recognised by id only");
            HashMap::new()
        }
    };
    let list_route = Route::GuildChannels { guild_id: guild };
    let channels = match get_json(http, list_route, &format!("/guilds/{guild}/channels")).await {
        Ok(Value::Array(list)) => list
            .into_iter()
            .filter_map(|c| channel_of(c, guild).ok())
            .map(|c| (c.id, c))
            .collect(),
        refused => {
            let Some(channel) = channel else {
                let why = refused.err().unwrap_or_else(|| "not a list".into());
                return Err(why);
            };
            learn_channel(http, guild, channel, |_| false)
                .await?
                .into_iter()
                .map(|c| (c.id, c))
                .collect()
        }
    };
    Ok(Learnt { roles, channels })
}

/// `GET /channels/{id}` for one channel and, for a thread, its parent
/// unless `known` says the cache has it.
async fn learn_channel(
    http: &Http,
    guild: GuildId,
    channel: ChannelId,
    known: impl Fn(ChannelId) -> bool,
) -> Result<Vec<GuildChannel>, String> {
    let mut found: Vec<GuildChannel> = Vec::new();
    let mut next = Some(channel);
    while let Some(id) = next.take() {
        let route = Route::Channel { channel_id: id };
        let c = channel_of(
            get_json(http, route, &format!("/channels/{id}")).await?,
            guild,
        )?;
        next = c.parent_id.filter(|p| {
            c.thread_metadata.is_some() && !known(*p) && !found.iter().any(|f| f.id == *p)
        });
        found.push(c);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synthesized_guild_holds_channels_threads_and_roles_for_the_cache() {
        let general = channel_of(
            json!({"id": "3001", "type": 0, "name": "general"}),
            GuildId::new(2001),
        )
        .unwrap();
        let thread = channel_of(json!({
            "id": "3100", "type": 11, "guild_id": "2001", "name": "a thread", "parent_id": "3001",
            "thread_metadata": {"archived": false, "auto_archive_duration": 60,
                "archive_timestamp": "2026-01-01T00:00:00+00:00", "locked": false}
        }), GuildId::new(2001)).unwrap();
        // As a compatible server may send it: no colours, no flags.
        let role = role_of(json!({"id": "5001", "name": "Staff", "permissions": "0"})).unwrap();
        let learnt = Learnt {
            roles: [(role.id, role)].into_iter().collect(),
            channels: [(general.id, general), (thread.id, thread)]
                .into_iter()
                .collect(),
        };
        let event = synthesized_guild(GuildId::new(2001), learnt).unwrap();
        let cache = Cache::new();
        let mut event = event;
        cache.update(&mut event);
        let guild = cache.guild(GuildId::new(2001)).expect("the cache knows it");
        assert_eq!(guild.channels[&ChannelId::new(3001)].name, "general");
        assert_eq!(guild.threads[0].parent_id, Some(ChannelId::new(3001)));
        assert_eq!(guild.roles[&RoleId::new(5001)].name, "Staff");
    }
}
