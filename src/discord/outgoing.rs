//! Translation out: one core `Action` becomes one Discord message — which
//! channel, what it references, what text, and who it may ping.
//!
//! Owns the shape of every message the bot sends, and above all its
//! allowed-mentions: a reply pings only the asker, a DM pings no one else, a
//! staff notice pings only the staff role; never `@everyone`, `@here` or any
//! other role. Pure: builds serenity builders, sends nothing.

use serenity::all::{ChannelId, CreateAllowedMentions, CreateMessage, MessageId, RoleId, UserId};

use super::translate::Route;
use crate::core::model::{Action, HandoffTrigger, Place};

/// A message ready to post.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub channel: ChannelId,
    pub message: CreateMessage,
    /// Who the message is for, for logs.
    pub kind: OutgoingKind,
}

/// What a message is, for logs and for the delivery record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutgoingKind {
    /// Text the customer sees (a reply or a DM): its fate is the decision's delivery.
    Customer,
    /// A notice to staff about a hand-off.
    StaffNotice,
}

/// Where a message cannot be sent, and why; the action is recorded as failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unroutable {
    #[error("`{0}` is not a Discord id")]
    BadId(String),
    /// The user has no known DM channel; the caller opens one.
    #[error("no DM channel known for user {0}")]
    NeedDmChannel(UserId),
    #[error("no staff channel is known (check [discord] staff_channel)")]
    NoStaffDesk,
}

/// Build the message for `action`. `origin` is where the customer's message
/// was posted, used to link to it from a staff notice.
pub fn build(action: &Action, route: &Route, origin: &Place) -> Result<Outgoing, Unroutable> {
    match action {
        Action::ReplyInChannel {
            place,
            to_message,
            mention_user,
            text,
        } => reply(place, to_message, mention_user, text),
        Action::SendDm { user, text } => {
            let user = id::<UserId>(user)?;
            let channel = route.dm_channel.ok_or(Unroutable::NeedDmChannel(user))?;
            Ok(dm(channel, user, text))
        }
        Action::OpenHandoff {
            user,
            user_name,
            trigger,
            message_id,
        } => {
            let desk = route.staff.ok_or(Unroutable::NoStaffDesk)?;
            let notice = Notice {
                user: id(user)?,
                user_name,
                trigger,
                link: link(origin, message_id),
            };
            Ok(staff_notice(desk.channel, desk.role, &notice))
        }
    }
}

/// A public reply referencing the asker's message, pinging only the asker.
fn reply(
    place: &Place,
    to_message: &str,
    mention_user: &str,
    text: &str,
) -> Result<Outgoing, Unroutable> {
    let channel = match place {
        Place::Guild {
            thread: Some(t), ..
        } => id::<ChannelId>(t)?,
        Place::Guild { channel, .. } => id::<ChannelId>(&channel.id)?,
        Place::Dm => return Err(Unroutable::BadId("dm".into())),
    };
    let asker = id::<UserId>(mention_user)?;
    let message = CreateMessage::new()
        .content(text)
        .reference_message((channel, referenced(to_message)?))
        .allowed_mentions(
            CreateAllowedMentions::new()
                .users([asker])
                .replied_user(true),
        );
    Ok(Outgoing {
        channel,
        message,
        kind: OutgoingKind::Customer,
    })
}

/// A DM to the user who wrote to the bot; it may mention them and no one else.
pub fn dm(channel: ChannelId, user: UserId, text: &str) -> Outgoing {
    let message = CreateMessage::new()
        .content(text)
        .allowed_mentions(CreateAllowedMentions::new().users([user]));
    Outgoing {
        channel,
        message,
        kind: OutgoingKind::Customer,
    }
}

/// What the staff desk is shown of a would-be reply in shadow mode.
pub struct ShadowCopy<'a> {
    pub origin: &'a Place,
    pub message_id: &'a str,
    pub user_name: &'a str,
    pub score: Option<f32>,
    pub category: Option<&'a str>,
    pub template: &'a str,
    pub text: &'a str,
    pub emojis: &'a crate::core::marks::MarkEmojis,
}

/// The staff desk's copy of a would-be reply (shadow mode): where and to
/// whom the bot would have replied, why, and the exact text, with how to
/// mark it. Pings no one.
pub fn shadow_copy(channel: ChannelId, c: &ShadowCopy<'_>) -> Outgoing {
    let place = link(c.origin, c.message_id).unwrap_or_else(|| "a DM".into());
    let score = c
        .score
        .map(|s| format!("score {s:.2}, "))
        .unwrap_or_default();
    let category = c
        .category
        .map(|c| format!("{}, ", inert(c)))
        .unwrap_or_default();
    let quoted: String = c.text.lines().map(|l| format!("> {l}\n")).collect();
    let text = format!(
        "Shadow: would have replied to {} at {place} ({score}{category}template `{}`):\n{quoted}\
         Mark it: {} right · {} wrong (or Apps ▸ Shopkeep: right / wrong).",
        inert(c.user_name),
        c.template,
        c.emojis.right,
        c.emojis.wrong,
    );
    Outgoing {
        channel,
        message: CreateMessage::new()
            .content(text)
            .allowed_mentions(CreateAllowedMentions::new()),
        kind: OutgoingKind::StaffNotice,
    }
}

/// What staff are told when a ticket opens.
struct Notice<'a> {
    user: UserId,
    user_name: &'a str,
    trigger: &'a HandoffTrigger,
    link: Option<String>,
}

/// A short notice in the staff channel naming the customer and the trigger,
/// pinging only the staff role (the customer is named, not pinged).
fn staff_notice(channel: ChannelId, role: Option<RoleId>, n: &Notice<'_>) -> Outgoing {
    let ping = role.map(|r| format!("<@&{r}> ")).unwrap_or_default();
    let place = n
        .link
        .as_deref()
        .map_or_else(|| "in a DM".to_string(), |l| format!("at {l}"));
    let text = format!(
        "{ping}Hand-off: {} (<@{}>) — {}, {place}.",
        inert(n.user_name),
        n.user,
        n.trigger.describe(),
    );
    let mentions = CreateAllowedMentions::new().roles(role).replied_user(false);
    Outgoing {
        channel,
        message: CreateMessage::new()
            .content(text)
            .allowed_mentions(mentions),
        kind: OutgoingKind::StaffNotice,
    }
}

/// The message a reply references. An opt-out by reaction (`reaction:<message>:<user>`)
/// answers the bot message that was reacted to.
fn referenced(to_message: &str) -> Result<MessageId, Unroutable> {
    let raw = to_message
        .strip_prefix("reaction:")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or(to_message);
    id(raw)
}

/// A jump link to the customer's message, for a guild message.
fn link(place: &Place, message_id: &str) -> Option<String> {
    let Place::Guild {
        guild,
        channel,
        thread,
    } = place
    else {
        return None;
    };
    let channel = thread.as_deref().unwrap_or(&channel.id);
    let message = message_id.parse::<u64>().ok()?;
    Some(format!(
        "https://discord.com/channels/{guild}/{channel}/{message}"
    ))
}

/// User text made inert in markdown: formatting characters escaped and
/// mention syntax broken (allowed-mentions already stop the ping itself).
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '<' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn id<T: From<u64>>(raw: &str) -> Result<T, Unroutable> {
    raw.parse::<u64>()
        .ok()
        .filter(|&n| n != 0)
        .map(T::from)
        .ok_or_else(|| Unroutable::BadId(raw.to_string()))
}

#[cfg(test)]
#[path = "outgoing_tests.rs"]
mod tests;
