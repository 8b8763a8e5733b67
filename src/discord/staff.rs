//! The staff slash commands (poise): `/claim`, `/unclaim`, `/close
//! [message]`, `/tickets`, `/block @user [duration]`, `/unblock @user`, and
//! the message Apps-menu items "Shopkeep: right", "Shopkeep: wrong" and
//! "Shopkeep: missed ask" (staff marks; see `marks`), which then offers the
//! catalogue's categories in a menu only the marker sees.
//!
//! Owns argument parsing and the answers staff see. The staff role is
//! checked on every call, before anything is read or changed; anyone else
//! gets `core::tickets::refusal`, visible only to them. The work itself is
//! the desk's (`lifecycle`). Every answer is sent with no allowed mentions.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use poise::CreateReply;
use serenity::all::{
    ComponentInteractionCollector, ComponentInteractionDataKind, CreateActionRow,
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, Message, User,
};

use super::marks;
use super::tickets::TicketDesk;
use crate::config::parse_duration;
use crate::core::marks::{self as core_marks, Mark};
use crate::core::policy::Policy;
use crate::core::ticket_text::StaffAnswer;
use crate::core::tickets::{menu_refusal, refusal};
use crate::store::{ClaimOutcome, TicketRecord};

/// What the staff commands need: the desk.
pub struct StaffData {
    pub desk: Arc<TicketDesk>,
    /// The running policy: judges a message marked "missed" that has no
    /// recorded decision, and lists the categories staff may give it.
    pub policy: Option<Arc<Policy>>,
}

/// How long the category menu under a "missed" mark waits for a choice.
const CATEGORY_MENU_FOR: Duration = Duration::from_secs(300);

pub type Error = anyhow::Error;
pub type Ctx<'a> = poise::Context<'a, StaffData, Error>;

/// Every staff command, for the runtime's poise framework.
pub fn commands() -> Vec<poise::Command<StaffData, Error>> {
    vec![
        claim(),
        unclaim(),
        close(),
        tickets(),
        block(),
        unblock(),
        mark_right(),
        mark_wrong(),
        mark_missed(),
    ]
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
    let role = ctx.data().desk.staff_role_name();
    staff_or(ctx, refusal(command, &role)).await
}

/// As [`staff_only`], with the refusal given.
async fn staff_or(ctx: Ctx<'_>, refused: String) -> Result<Option<String>, Error> {
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
    answer(ctx, refused, true).await?;
    Ok(None)
}

/// A staff mark from a message's Apps menu; the answer is private.
async fn mark_from_menu(ctx: Ctx<'_>, item: &str, mark: Mark, msg: Message) -> Result<(), Error> {
    let role = ctx.data().desk.staff_role_name();
    let Some(name) = staff_or(ctx, menu_refusal(item, &role)).await? else {
        return Ok(());
    };
    let by = marks::Staffer {
        id: ctx.author().id,
        name,
    };
    let target = marks::Target {
        id: msg.id,
        guild: ctx.guild_id(),
        channel: msg.channel_id,
        message: Some(&msg),
        bots_message: msg.author.id == ctx.framework().bot_id(),
    };
    let policy = ctx.data().policy.clone();
    let outcome = marks::record(&ctx.data().desk, target, mark, &by, policy.as_deref()).await?;
    let choices = policy
        .as_ref()
        .map(|p| core_marks::category_choices(&p.catalogue))
        .unwrap_or_default();
    if mark != Mark::Missed || outcome.is_err() || choices.is_empty() {
        return answer(ctx, marks::answer(mark, &outcome), true).await;
    }
    ask_category(
        ctx,
        &marks::answer(mark, &outcome),
        msg.id.to_string(),
        &choices,
    )
    .await
}

/// After a "missed" mark: a menu of the catalogue's categories, visible only
/// to the staff member; their choice is saved on the mark. Choosing nothing
/// leaves the mark as it is.
async fn ask_category(
    ctx: Ctx<'_>,
    said: &str,
    message_id: String,
    choices: &[(String, String)],
) -> Result<(), Error> {
    let custom_id = format!("shopkeep:missed-category:{message_id}");
    let options = choices
        .iter()
        .map(|(id, name)| CreateSelectMenuOption::new(name, id))
        .collect();
    let menu = CreateSelectMenu::new(&custom_id, CreateSelectMenuKind::String { options })
        .placeholder("Which category was it asking about? (optional)");
    let reply = CreateReply::default()
        .content(said)
        .ephemeral(true)
        .components(vec![CreateActionRow::SelectMenu(menu)])
        .allowed_mentions(CreateAllowedMentions::new());
    ctx.send(reply).await?;
    let Some(chosen) = ComponentInteractionCollector::new(ctx.serenity_context())
        .author_id(ctx.author().id)
        .custom_ids(vec![custom_id])
        .timeout(CATEGORY_MENU_FOR)
        .await
    else {
        return Ok(());
    };
    let picked = match &chosen.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let text = match picked.and_then(|id| choices.iter().find(|(c, _)| *c == id)) {
        Some((id, name)) => {
            let store = &ctx.data().desk.store;
            let saved = store.set_mark_category(&message_id, id).await?;
            core_marks::category_answer(Some(name), saved)
        }
        None => core_marks::category_answer(None, false),
    };
    let update = CreateInteractionResponseMessage::new()
        .content(text)
        .components(vec![])
        .allowed_mentions(CreateAllowedMentions::new());
    chosen
        .create_response(ctx.http(), CreateInteractionResponse::UpdateMessage(update))
        .await?;
    Ok(())
}

/// Mark a bot reply (or its shadow copy) as right: a sales question, well answered.
#[poise::command(
    context_menu_command = "Shopkeep: right",
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn mark_right(ctx: Ctx<'_>, msg: Message) -> Result<(), Error> {
    mark_from_menu(ctx, "Shopkeep: right", Mark::Right, msg).await
}

/// Mark a bot reply (or its shadow copy) as wrong: not a sales question.
#[poise::command(
    context_menu_command = "Shopkeep: wrong",
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn mark_wrong(ctx: Ctx<'_>, msg: Message) -> Result<(), Error> {
    mark_from_menu(ctx, "Shopkeep: wrong", Mark::Wrong, msg).await
}

/// Mark a member's message the bot did not answer as a missed sales question.
#[poise::command(
    context_menu_command = "Shopkeep: missed ask",
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub async fn mark_missed(ctx: Ctx<'_>, msg: Message) -> Result<(), Error> {
    mark_from_menu(ctx, "Shopkeep: missed ask", Mark::Missed, msg).await
}

/// The ticket of the thread the command was used in, or an explanation.
async fn this_ticket(ctx: Ctx<'_>, command: &str) -> Result<Option<TicketRecord>, Error> {
    match ctx.data().desk.ticket_in(ctx.channel_id()).await? {
        Some(ticket) => Ok(Some(ticket)),
        None => {
            answer(ctx, StaffAnswer::UseInThread { command }.text(), true).await?;
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
            let text = StaffAnswer::Claimed {
                by: &me,
                ticket: ticket.id,
            };
            answer(ctx, text.text(), false).await
        }
        ClaimOutcome::HeldBy(owner) => {
            let text = StaffAnswer::OwnedBy {
                ticket: ticket.id,
                owner: &owner,
            };
            answer(ctx, text.text(), true).await
        }
        ClaimOutcome::NotOpen => {
            let text = StaffAnswer::IsClosed { ticket: ticket.id };
            answer(ctx, text.text(), true).await
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
        let text = StaffAnswer::Released {
            by: &me,
            ticket: ticket.id,
        };
        answer(ctx, text.text(), false).await
    } else {
        let text = StaffAnswer::NoOwner { ticket: ticket.id };
        answer(ctx, text.text(), true).await
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
        let text = StaffAnswer::AlreadyClosed { ticket: ticket.id };
        return answer(ctx, text.text(), true).await;
    }
    // Answer first: Discord allows three seconds; the DM and the archive follow.
    let text = StaffAnswer::Closing { ticket: ticket.id };
    answer(ctx, text.text(), true).await?;
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
        Err(why) => {
            let text = StaffAnswer::BadDuration { why: &why };
            return answer(ctx, text.text(), true).await;
        }
    };
    let until = ctx.data().desk.block(user.id, length, &me).await?;
    let name = crate::reply::escape::discord_escape(&user.name);
    let text = StaffAnswer::Blocked { name: &name, until };
    answer(ctx, text.text(), true).await
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
    let text = StaffAnswer::Unblocked {
        name: &name,
        was_blocked: had,
    };
    answer(ctx, text.text(), true).await
}
