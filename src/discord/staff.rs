//! The staff slash commands (poise): `/claim`, `/unclaim`, `/close
//! [message]`, `/tickets`, `/block @user [duration]`, `/unblock @user`.
//!
//! Owns argument parsing and the answers staff see. The staff role is
//! checked on every call, before anything is read or changed; anyone else
//! gets `core::tickets::refusal`, visible only to them. The work itself is
//! the desk's (`lifecycle`). Every answer is sent with no allowed mentions.

use std::sync::Arc;

use chrono::Utc;
use poise::CreateReply;
use serenity::all::{CreateAllowedMentions, User};

use super::tickets::TicketDesk;
use crate::config::parse_duration;
use crate::core::tickets::refusal;
use crate::store::{ClaimOutcome, TicketRecord};

/// What the staff commands need: the desk.
pub struct StaffData {
    pub desk: Arc<TicketDesk>,
}

pub type Error = anyhow::Error;
pub type Ctx<'a> = poise::Context<'a, StaffData, Error>;

/// Every staff command, for the runtime's poise framework.
pub fn commands() -> Vec<poise::Command<StaffData, Error>> {
    vec![claim(), unclaim(), close(), tickets(), block(), unblock()]
}

async fn answer(ctx: Ctx<'_>, text: impl Into<String>, private: bool) -> Result<(), Error> {
    let reply = CreateReply::default()
        .content(text)
        .ephemeral(private)
        .allowed_mentions(CreateAllowedMentions::new());
    ctx.send(reply).await?;
    Ok(())
}

/// The caller's display name if they hold the staff role; otherwise they
/// get the refusal and `None`.
async fn staff_only(ctx: Ctx<'_>, command: &str) -> Result<Option<String>, Error> {
    let desk = &ctx.data().desk;
    let member = ctx.author_member().await;
    let roles = member.as_ref().map(|m| m.roles.clone()).unwrap_or_default();
    if desk.is_staff(&roles) {
        let name = member.map_or_else(
            || ctx.author().name.clone(),
            |m| m.display_name().to_string(),
        );
        return Ok(Some(name));
    }
    answer(ctx, refusal(command, &desk.staff_role_name()), true).await?;
    Ok(None)
}

/// The ticket of the thread the command was used in, or an explanation.
async fn this_ticket(ctx: Ctx<'_>, command: &str) -> Result<Option<TicketRecord>, Error> {
    match ctx.data().desk.ticket_in(ctx.channel_id()).await? {
        Some(ticket) => Ok(Some(ticket)),
        None => {
            let text = format!("Use /{command} inside a ticket thread.");
            answer(ctx, text, true).await?;
            Ok(None)
        }
    }
}

/// Take ownership of this ticket.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn claim(ctx: Ctx<'_>) -> Result<(), Error> {
    let Some(me) = staff_only(ctx, "claim").await? else {
        return Ok(());
    };
    let Some(ticket) = this_ticket(ctx, "claim").await? else {
        return Ok(());
    };
    match ctx.data().desk.claim(&ticket, &me).await? {
        ClaimOutcome::Claimed => {
            answer(ctx, format!("{me} owns ticket #{}.", ticket.id), false).await
        }
        ClaimOutcome::HeldBy(who) => {
            answer(
                ctx,
                format!(
                    "Ticket #{} is already owned by {who}; they can /unclaim it.",
                    ticket.id
                ),
                true,
            )
            .await
        }
        ClaimOutcome::NotOpen => {
            answer(ctx, format!("Ticket #{} is closed.", ticket.id), true).await
        }
    }
}

/// Give this ticket back to the team.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn unclaim(ctx: Ctx<'_>) -> Result<(), Error> {
    let Some(me) = staff_only(ctx, "unclaim").await? else {
        return Ok(());
    };
    let Some(ticket) = this_ticket(ctx, "unclaim").await? else {
        return Ok(());
    };
    if ctx.data().desk.unclaim(&ticket).await? {
        answer(
            ctx,
            format!("{me} released ticket #{}; it has no owner.", ticket.id),
            false,
        )
        .await
    } else {
        answer(ctx, format!("Ticket #{} has no owner.", ticket.id), true).await
    }
}

/// Close this ticket, send the customer a closing message and archive the thread.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn close(
    ctx: Ctx<'_>,
    #[description = "Added to the closing message the customer receives"] message: Option<String>,
) -> Result<(), Error> {
    let Some(me) = staff_only(ctx, "close").await? else {
        return Ok(());
    };
    let Some(ticket) = this_ticket(ctx, "close").await? else {
        return Ok(());
    };
    if !ticket.is_open() {
        return answer(
            ctx,
            format!("Ticket #{} is already closed.", ticket.id),
            true,
        )
        .await;
    }
    // Answer first: Discord allows three seconds; the DM and the archive follow.
    answer(ctx, format!("Closing ticket #{}…", ticket.id), true).await?;
    ctx.data()
        .desk
        .close(&ticket, &me, message.as_deref())
        .await?;
    Ok(())
}

/// List open tickets with their age and owner.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn tickets(ctx: Ctx<'_>) -> Result<(), Error> {
    if staff_only(ctx, "tickets").await?.is_none() {
        return Ok(());
    }
    let list = ctx.data().desk.open_list(Utc::now()).await?;
    answer(ctx, list, true).await
}

/// Ignore a user (no replies, no tickets) for a while or until unblocked.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn block(
    ctx: Ctx<'_>,
    #[description = "Who to block"] user: User,
    #[description = "How long, e.g. 30m, 12h, 7d (until /unblock if left out)"] duration: Option<
        String,
    >,
) -> Result<(), Error> {
    let Some(me) = staff_only(ctx, "block").await? else {
        return Ok(());
    };
    let length = match duration.as_deref().map(parse_duration).transpose() {
        Ok(length) => length,
        Err(why) => return answer(ctx, format!("Cannot read the duration: {why}"), true).await,
    };
    let until = ctx.data().desk.block(user.id, length, &me).await?;
    let name = crate::reply::escape::discord_escape(&user.name);
    let text = match until {
        Some(t) => format!(
            "{name} is blocked until {} UTC.",
            t.format("%Y-%m-%d %H:%M")
        ),
        None => format!("{name} is blocked until /unblock."),
    };
    answer(ctx, text, true).await
}

/// Lift a block.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn unblock(
    ctx: Ctx<'_>,
    #[description = "Who to unblock"] user: User,
) -> Result<(), Error> {
    if staff_only(ctx, "unblock").await?.is_none() {
        return Ok(());
    }
    let had = ctx.data().desk.unblock(user.id).await?;
    let name = crate::reply::escape::discord_escape(&user.name);
    let text = if had {
        format!("{name} is no longer blocked.")
    } else {
        format!("{name} was not blocked.")
    };
    answer(ctx, text, true).await
}
