//! Discord wire payloads for the fake: the one guild the bot lives in, its people,
//! and builders for messages and slash-command interactions.
//!
//! Everything here is plain JSON in Discord's v10 shape (snowflakes as strings,
//! enums as integers), built with the fields serenity 0.12.5 requires. The fake
//! checks every dispatched event with serenity's own deserializer, so a fixture
//! that drifts from what serenity accepts fails loudly instead of being dropped.

use serde_json::{json, Value};

/// The bot's user id, which is also its application id (as for every modern bot).
pub const BOT_ID: u64 = 1001;
pub const APPLICATION_ID: u64 = BOT_ID;
pub const BOT_NAME: &str = "shopbot";
pub const GUILD_ID: u64 = 2001;
pub const GENERAL: u64 = 3001;
pub const DEALS: u64 = 3002;
pub const STAFF_DESK: u64 = 3003;
pub const RANDOM: u64 = 3004;
pub const STAFF_ROLE: u64 = 5001;
/// The token the tests give serenity; the fake records it in `Authorization`.
pub const TOKEN: &str = "fake-token";
/// The bot application's OAuth2 client secret, as the fake checks it (the
/// client id is [`APPLICATION_ID`]).
pub const OAUTH_SECRET: &str = "fake-oauth-secret";

/// A guild text channel of the fixture guild.
pub const CHANNELS: [(u64, &str); 4] = [
    (GENERAL, "general"),
    (DEALS, "deals"),
    (STAFF_DESK, "staff-desk"),
    (RANDOM, "random"),
];

/// Someone in the fixture guild.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub id: u64,
    pub name: &'static str,
    pub staff: bool,
}

pub const OWNER: Person = Person {
    id: 4001,
    name: "oakandpine",
    staff: true,
};
pub const ALICE: Person = Person {
    id: 4002,
    name: "alice",
    staff: false,
};
pub const BOB: Person = Person {
    id: 4003,
    name: "bob",
    staff: false,
};
pub const STAFFER: Person = Person {
    id: 4004,
    name: "sam_staff",
    staff: true,
};
/// A user whose display name tries to ping everyone when echoed.
pub const EVERYONE_NAMED: Person = Person {
    id: 4005,
    name: "@everyone",
    staff: false,
};
pub const PEOPLE: [Person; 5] = [OWNER, ALICE, BOB, STAFFER, EVERYONE_NAMED];

/// What the @everyone role grants by default: see and talk in channels and
/// threads, open threads, read history, react, embed links.
pub const EVERYONE_PERMISSIONS: u64 = (1 << 10) // VIEW_CHANNEL
    | (1 << 11) // SEND_MESSAGES
    | (1 << 38) // SEND_MESSAGES_IN_THREADS
    | (1 << 35) // CREATE_PUBLIC_THREADS
    | (1 << 36) // CREATE_PRIVATE_THREADS
    | (1 << 16) // READ_MESSAGE_HISTORY
    | (1 << 6) // ADD_REACTIONS
    | (1 << 14); // EMBED_LINKS
const VIEW_CHANNEL: u64 = 1 << 10;
const SEND_MESSAGES: u64 = 1 << 11;

/// A timestamp in Discord's format for "now", so freshness checks see live events.
pub fn now_timestamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

pub fn user_json(id: u64, name: &str) -> Value {
    json!({"id": id.to_string(), "username": name, "global_name": null,
           "discriminator": "0", "avatar": null, "bot": false})
}

pub fn bot_user_json() -> Value {
    json!({"id": BOT_ID.to_string(), "username": BOT_NAME, "global_name": null,
           "discriminator": "0", "avatar": null, "bot": true, "verified": true,
           "mfa_enabled": false, "flags": 0})
}

/// The user object for a known person, or a plain user for any other id.
pub fn user_by_id(id: u64) -> Value {
    match (id, PEOPLE.iter().find(|p| p.id == id)) {
        (BOT_ID, _) => bot_user_json(),
        (_, Some(person)) => user_json(person.id, person.name),
        (_, None) => user_json(id, &format!("user{id}")),
    }
}

pub fn person_roles(person: &Person) -> Vec<String> {
    if person.staff {
        vec![STAFF_ROLE.to_string()]
    } else {
        vec![]
    }
}

pub fn role_json(id: u64, name: &str, permissions: u64, position: u16) -> Value {
    json!({"id": id.to_string(), "name": name, "color": 0,
           "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
           "hoist": false, "managed": false, "mentionable": false,
           "permissions": permissions.to_string(), "position": position, "flags": 0})
}

pub fn member_json(user: Value, roles: Vec<String>) -> Value {
    json!({"user": user, "roles": roles, "joined_at": "2024-01-01T00:00:00.000000+00:00",
           "deaf": false, "mute": false, "flags": 0, "pending": false})
}

/// `staff-desk` is hidden from @everyone and open to Staff and to the bot.
fn channel_json(id: u64, name: &str, position: u16) -> Value {
    let overwrites = if id == STAFF_DESK {
        json!([
            {"id": GUILD_ID.to_string(), "type": 0, "allow": "0", "deny": VIEW_CHANNEL.to_string()},
            {"id": STAFF_ROLE.to_string(), "type": 0, "allow": VIEW_CHANNEL.to_string(), "deny": "0"},
            {"id": BOT_ID.to_string(), "type": 1,
             "allow": (VIEW_CHANNEL | SEND_MESSAGES).to_string(), "deny": "0"},
        ])
    } else {
        json!([])
    };
    json!({"id": id.to_string(), "type": 0, "guild_id": GUILD_ID.to_string(), "name": name,
           "position": position, "permission_overwrites": overwrites, "topic": null,
           "nsfw": false, "last_message_id": null, "rate_limit_per_user": 0,
           "parent_id": null, "flags": 0})
}

/// Text channels of the fixture guild, in the shape GUILD_CREATE carries them.
pub fn guild_channels() -> Vec<Value> {
    (0u16..)
        .zip(CHANNELS)
        .map(|(position, (id, name))| channel_json(id, name, position))
        .collect()
}

/// GUILD_CREATE `d` for the fixture guild "Oak & Pine".
pub fn guild_create_json(bot_is_member: bool, everyone_permissions: u64) -> Value {
    let mut members: Vec<Value> = PEOPLE
        .iter()
        .map(|p| member_json(user_json(p.id, p.name), person_roles(p)))
        .collect();
    if bot_is_member {
        members.push(member_json(bot_user_json(), vec![]));
    }
    json!({
        "id": GUILD_ID.to_string(), "name": "Oak & Pine", "icon": null, "owner_id": OWNER.id.to_string(),
        "verification_level": 0, "default_message_notifications": 1, "explicit_content_filter": 0,
        "mfa_level": 0, "system_channel_flags": 0, "premium_tier": 0, "nsfw_level": 0,
        "preferred_locale": "en-US", "premium_progress_bar_enabled": false, "features": [],
        "roles": [role_json(GUILD_ID, "@everyone", everyone_permissions, 0),
                  role_json(STAFF_ROLE, "Staff", everyone_permissions, 1)],
        "emojis": [], "stickers": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": false, "unavailable": false, "member_count": members.len(), "voice_states": [],
        "members": members, "channels": guild_channels(), "threads": [], "presences": [],
        "stage_instances": [], "guild_scheduled_events": []
    })
}

/// READY `d`: the bot user, the guild as unavailable (GUILD_CREATE follows), the session.
pub fn ready_json(session_id: &str, resume_url: &str) -> Value {
    json!({"v": 10, "user": bot_user_json(), "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
           "session_id": session_id, "resume_gateway_url": resume_url, "shard": [0, 1],
           "application": {"id": APPLICATION_ID.to_string(), "flags": 0}})
}

/// A MESSAGE_CREATE `d` in a guild channel from a known person (with their member roles).
pub fn message_json(id: u64, channel_id: u64, author: &Person, content: &str) -> Value {
    MessageJson::new(id, channel_id, user_json(author.id, author.name), content)
        .in_guild(person_roles(author))
        .build()
}

/// A MESSAGE_CREATE `d` in a DM channel: no `guild_id`, no `member`.
pub fn dm_message_json(id: u64, channel_id: u64, author: &Person, content: &str) -> Value {
    MessageJson::new(id, channel_id, user_json(author.id, author.name), content).build()
}

/// A message builder for the less common shapes (mentions, replies, bots, timestamps).
#[derive(Clone, Debug)]
pub struct MessageJson(Value);

impl MessageJson {
    pub fn new(id: u64, channel_id: u64, author: Value, content: &str) -> Self {
        Self(json!({
            "id": id.to_string(), "channel_id": channel_id.to_string(), "author": author,
            "content": content, "timestamp": now_timestamp(), "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": 0
        }))
    }

    /// Marks the message as sent in the fixture guild by a member with these roles.
    pub fn in_guild(mut self, roles: Vec<String>) -> Self {
        self.0["guild_id"] = json!(GUILD_ID.to_string());
        self.0["member"] = json!({"roles": roles, "joined_at": "2024-01-01T00:00:00.000000+00:00",
                                  "deaf": false, "mute": false, "flags": 0});
        self
    }

    pub fn mentions(mut self, users: Vec<Value>) -> Self {
        self.0["mentions"] = Value::Array(users);
        self
    }

    pub fn reply_to(mut self, message_id: u64) -> Self {
        let channel = self.0["channel_id"].clone();
        self.0["message_reference"] = json!({"type": 0, "message_id": message_id.to_string(),
                                             "channel_id": channel});
        self.0["type"] = json!(19);
        self
    }

    pub fn timestamp(mut self, timestamp: &str) -> Self {
        self.0["timestamp"] = json!(timestamp);
        self
    }

    pub fn build(self) -> Value {
        self.0
    }
}

/// INTERACTION_CREATE `d` for a slash command `/name` used by `user` in `channel_id`.
pub fn slash_command_json(
    id: u64,
    name: &str,
    options: Value,
    user: &Person,
    channel_id: u64,
) -> Value {
    let mut member = member_json(user_json(user.id, user.name), person_roles(user));
    member["permissions"] = json!(EVERYONE_PERMISSIONS.to_string());
    json!({
        "id": id.to_string(), "application_id": APPLICATION_ID.to_string(), "type": 2,
        "data": {"id": format!("{}", 7000 + id % 1000), "name": name, "type": 1, "options": options},
        "guild_id": GUILD_ID.to_string(), "channel_id": channel_id.to_string(), "member": member,
        "token": format!("interaction-token-{id}"), "version": 1,
        "app_permissions": EVERYONE_PERMISSIONS.to_string(), "locale": "en-US",
        "guild_locale": "en-US", "entitlements": [], "attachment_size_limit": 8_388_608
    })
}
