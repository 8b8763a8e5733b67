//! Staff marks from Discord: a mark reaction (`[marks] right` / `wrong`)
//! on a bot reply or on the staff channel's shadow copy of a would-be
//! reply, and the message context-menu commands "Shopkeep: right",
//! "Shopkeep: wrong" and "Shopkeep: missed ask" (see `staff`).
//!
//! Owns finding what a mark is about (the decision in the audit trail, or
//! the member's message itself, judged by the running policy at marking
//! time) and writing the mark. The staff role is
//! checked by the callers on every mark, before anything is read; whether a
//! mark fits the message is `core::marks::check`.

use chrono::Utc;
use serenity::all::{ChannelId, GuildId, Message, MessageId, UserId};

use super::tickets::TicketDesk;
use crate::core::marks::{self, Decided, Mark, Refused};
use crate::core::policy::Policy;
use crate::store::{MarkRecord, Marked};

/// The staff member marking.
#[derive(Debug, Clone)]
pub struct Staffer {
    pub id: UserId,
    pub name: String,
}

/// Where the marked message is, for a mark with no decision recorded.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub id: MessageId,
    pub guild: Option<GuildId>,
    pub channel: ChannelId,
    /// The message itself when Discord sent it (context menu); a reaction
    /// carries only ids.
    pub message: Option<&'a Message>,
    /// The message is one of the bot's.
    pub bots_message: bool,
}

/// Record `mark` on `target`, or say why it does not fit.
/// With no decision recorded for the message, `judge` (the running
/// policy) gives the verdict, score, cues and category at marking time.
pub async fn record(
    desk: &TicketDesk,
    target: Target<'_>,
    mark: Mark,
    by: &Staffer,
    judge: Option<&Policy>,
) -> anyhow::Result<Result<Marked, Refused>> {
    let decision = desk.store.decision_about(&target.id.to_string()).await?;
    // A mark on the bot's reply or copy is about the member's message.
    let bots_message = target.bots_message
        && decision
            .as_ref()
            .map_or(true, |d| d.message_id != target.id.to_string());
    let decided = decision.as_ref().map(|a| Decided {
        replied: a.is_sales_reply(),
        text_kept: a.message.is_some(),
    });
    if let Err(refused) = marks::check(mark, decided, bots_message) {
        return Ok(Err(refused));
    }
    let text = match (&decision, target.message) {
        (Some(a), _) if mark.judges_a_reply() => a.message.clone(),
        (_, Some(m)) if !m.content.trim().is_empty() => Some(m.content.clone()),
        (Some(a), _) => a.message.clone(),
        _ => None,
    };
    let Some(text) = text else {
        return Ok(Err(Refused::TextGone));
    };
    let now = Utc::now();
    let judged = match (&decision, judge) {
        (None, Some(policy)) => Some(marks::judge_now(policy, &text)),
        _ => None,
    };
    let record = MarkRecord {
        message_id: decision
            .as_ref()
            .map_or_else(|| target.id.to_string(), |a| a.message_id.clone()),
        server: server_name(desk, target.guild),
        place: decision
            .as_ref()
            .map_or_else(|| place_of(desk, target), |a| a.place.clone()),
        author_id: decision.as_ref().map_or_else(
            || {
                target
                    .message
                    .map_or_else(String::new, |m| m.author.id.to_string())
            },
            |a| a.user_id.clone(),
        ),
        text,
        mark,
        action: decision
            .as_ref()
            .map_or_else(|| "none".into(), |a| a.action.clone()),
        mode: decision
            .as_ref()
            .map_or_else(|| "unknown".into(), |a| a.mode.clone()),
        verdict: decision
            .as_ref()
            .and_then(|a| a.verdict.clone())
            .or_else(|| judged.as_ref().map(|j| j.verdict.to_string())),
        score: decision
            .as_ref()
            .and_then(|a| a.score)
            .or_else(|| judged.as_ref().map(|j| j.score)),
        cues: decision.as_ref().map_or_else(
            || judged.as_ref().map_or_else(String::new, |j| j.cues.clone()),
            |a| a.cues.clone(),
        ),
        category: decision
            .as_ref()
            .and_then(|a| a.category.clone())
            .or_else(|| judged.as_ref().and_then(|j| j.category.clone())),
        template: decision.as_ref().and_then(|a| a.template.clone()),
        marked_by: by.name.clone(),
        marked_by_id: by.id.to_string(),
        first_marked_at: now,
        marked_at: now,
    };
    Ok(Ok(desk.store.mark(&record).await?))
}

fn server_name(desk: &TicketDesk, guild: Option<GuildId>) -> String {
    let Some(guild) = guild else {
        return "dm".into();
    };
    desk.cache
        .guild(guild)
        .map_or_else(|| guild.to_string(), |g| g.name.clone())
}

/// `#channel` or `#channel/thread:id`, as the audit writes places.
fn place_of(desk: &TicketDesk, target: Target<'_>) -> String {
    let fallback = || format!("#{}", target.channel);
    let Some(guild) = target.guild.and_then(|g| desk.cache.guild(g)) else {
        return fallback();
    };
    if let Some(channel) = guild.channels.get(&target.channel) {
        return format!("#{}", channel.name);
    }
    match guild.threads.iter().find(|t| t.id == target.channel) {
        Some(thread) => {
            let parent = thread
                .parent_id
                .and_then(|p| guild.channels.get(&p))
                .map_or_else(|| "?".to_string(), |c| c.name.clone());
            format!("#{parent}/thread:{}", thread.id)
        }
        None => fallback(),
    }
}

/// The answer for a staff member: what was recorded, or why not.
pub fn answer(mark: Mark, outcome: &Result<Marked, Refused>) -> String {
    match outcome {
        Ok(Marked::New) => marks::recorded_text(mark, None),
        Ok(Marked::Updated { was }) => marks::recorded_text(mark, Some(*was)),
        Err(refused) => refused.text().to_string(),
    }
}
