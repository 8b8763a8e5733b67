//! What a ticket starts from: the customer's message as the desk needs it
//! ([`Original`]: the core's `Inbound` plus channel and attachments) and the
//! notice a ticket thread opens with — the customer, the trigger, the
//! message with a jump link, the detector's verdict and cues, what the bot
//! replied, and earlier tickets.
//!
//! Owns gathering those facts from the decision, the store and the cache;
//! the wording is `core::ticket_text::notice_text`.

use serenity::all::{GuildId, Message, RoleId};
use tracing::warn;

use super::tickets::TicketDesk;
use crate::core::decide::Decision;
use crate::core::model::{HandoffTrigger, Inbound, Place};
use crate::core::replies::{ReplyKind, ReplyRequest};
use crate::core::ticket_text::{notice_text, NoticeFacts};
use crate::core::tickets::created_at;
use crate::reply::escape::discord_escape;
use crate::store::TicketRecord;

/// A customer message as the desk needs it: the core's view of it plus the
/// Discord facts the core does not carry (channel, attachments).
#[derive(Debug, Clone, PartialEq)]
pub struct Original {
    pub inbound: Inbound,
    /// The channel it was posted in (the DM channel, the channel or thread).
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub attachments: Vec<String>,
}

impl Original {
    /// Pair a gateway message with the `Inbound` the adapter made of it.
    pub fn new(msg: &Message, inbound: Inbound) -> Self {
        Original {
            inbound,
            channel_id: msg.channel_id.get(),
            guild_id: msg.guild_id.map(GuildId::get),
            attachments: msg.attachments.iter().map(|a| a.url.clone()).collect(),
        }
    }

    /// A link that opens the message in Discord.
    pub fn jump_link(&self) -> String {
        let guild = self.guild_id.map_or("@me".to_string(), |g| g.to_string());
        format!(
            "https://discord.com/channels/{guild}/{}/{}",
            self.channel_id, self.inbound.id
        )
    }

    pub(super) fn place(&self) -> String {
        match self.inbound.place {
            Place::Dm => "a DM".into(),
            Place::Guild { .. } => format!("<#{}>", self.channel_id),
        }
    }
}

impl TicketDesk {
    pub(super) async fn notice(
        &self,
        ticket: &TicketRecord,
        trigger: &HandoffTrigger,
        original: &Original,
        decision: Option<&Decision>,
    ) -> anyhow::Result<String> {
        let name = discord_escape(&original.inbound.author.name);
        let request = ReplyRequest {
            kind: ReplyKind::StaffNotice,
            template: &self.settings.staff_notice_template,
            category: decision
                .and_then(|d| d.category.as_ref())
                .map(|c| c.id.as_str()),
            asker: &original.inbound.author.name,
            previous_variant: None,
            public: false,
        };
        let header = match self.replies.render(&request) {
            Ok(reply) => reply.text,
            Err(refused) => {
                warn!(template = %refused.template, "staff notice template refused; plain header used");
                format!("New conversation with {name}.")
            }
        };
        let verdict = decision.and_then(|d| d.verdict.as_ref());
        let prior = self.store.closed_tickets_of(&ticket.user_id).await?;
        let facts = NoticeFacts {
            ticket_id: ticket.id,
            header,
            staff_role: self.staff_place().and_then(|p| p.role).map(RoleId::get),
            customer_name: name,
            customer_id: ticket.user_id.clone(),
            account_created: ticket.user_id.parse().ok().and_then(created_at),
            member_since: self.member_since(&ticket.user_id),
            trigger: trigger.describe(),
            place: original.place(),
            jump_link: original.jump_link(),
            text: original.inbound.content.clone(),
            attachments: original.attachments.clone(),
            verdict: verdict.map(|v| format!("{:?}, score {:.2}", v.class, v.score).to_lowercase()),
            cues: verdict.map_or(Vec::new(), |v| v.cues.iter().map(|c| c.label()).collect()),
            bot_reply: decision
                .and_then(|d| d.reply.as_ref())
                .map(|r| r.text.clone()),
            prior: prior
                .iter()
                .filter_map(|t| Some((t.id, t.closed_at?)))
                .collect(),
        };
        Ok(notice_text(&facts, chrono::Utc::now()))
    }
}
