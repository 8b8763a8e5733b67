//! Relaying through a ticket: posting a stored relay (into the staff thread,
//! creating it on the first post, or into the customer's DM) with retries,
//! reporting a relay given up on in the thread, staff messages in a ticket
//! thread, re-delivery after failures and restarts, and the one unclaimed
//! reminder.
//!
//! Owns the Discord side of delivery and the classification of Discord's
//! errors into `core::tickets::RelayFailure`. Whether to retry and what the
//! thread reads are the core's (`give_up`, `ticket_text`).

use chrono::Utc;
use serenity::all::{
    AutoArchiveDuration, ChannelId, ChannelType, CreateAllowedMentions, CreateMessage,
    CreateThread, Message, RoleId, UserId,
};
use serenity::http::HttpError;
use tracing::{debug, error, info, warn};

use super::tickets::{Handled, TicketDesk};
use crate::core::model::Timestamp;
use crate::core::ticket_text::{
    no_thread_text, relay_failed_text, reminder_text, staff_reply_text, StaffAnswer,
};
use crate::core::tickets::{
    classify_failure, due_reminders, give_up, route_staff_message, OpenTicket, RelayFailure,
    StaffRoute,
};
use crate::store::{Direction, NewRelay, RelayRecord, TicketFilter, TicketRecord};

pub(super) use crate::core::tickets::CLOSING_SOURCE;

impl TicketDesk {
    /// Deliver one stored relay by id.
    pub(super) async fn deliver_id(&self, id: i64) {
        match self.store.relay(id).await {
            Ok(Some(relay)) => self.deliver(&relay).await,
            Ok(None) => warn!(relay = id, "relay vanished from the store"),
            Err(e) => warn!(error = %format!("{e:#}"), relay = id, "cannot read a relay"),
        }
    }

    /// One delivery round for a relay; the outcome is written to the store,
    /// and a relay given up on is reported in the thread.
    async fn deliver(&self, relay: &RelayRecord) {
        if !self.lock_inflight(relay.id) {
            return;
        }
        let outcome = match self.store.ticket(relay.ticket_id).await {
            Ok(Some(ticket)) => self.post_relay(relay, &ticket).await.map(|()| ticket),
            Ok(None) => Err(RelayFailure::Refused("ticket missing".into())),
            Err(e) => Err(RelayFailure::Transient(format!("{e:#}"))),
        };
        if let Err(e) = self.settle(relay, outcome).await {
            warn!(error = %format!("{e:#}"), relay = relay.id, "cannot record a relay's delivery");
        }
        self.inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&relay.id);
    }

    fn lock_inflight(&self, id: i64) -> bool {
        self.inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id)
    }

    async fn settle(
        &self,
        relay: &RelayRecord,
        outcome: Result<TicketRecord, RelayFailure>,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        match outcome {
            Ok(ticket) => {
                self.store.mark_relay_sent(relay.id, now).await?;
                let staff_reply = relay.direction == Direction::ToCustomer
                    && !relay.source_message_id.starts_with(CLOSING_SOURCE);
                if staff_reply {
                    self.store.record_first_staff_reply(ticket.id, now).await?;
                }
                debug!(relay = relay.id, ticket = ticket.id, "relayed");
            }
            Err(failure) => {
                let attempts = relay.attempts + 1;
                let given_up = give_up(&failure, attempts);
                let why = failure.explain();
                self.store
                    .mark_relay_failed_attempt(relay.id, &why, given_up)
                    .await?;
                warn!(relay = relay.id, ticket = relay.ticket_id, attempts, given_up, error = %why, "relay not delivered");
                if given_up {
                    let to_customer = relay.direction == Direction::ToCustomer;
                    let ticket = self.store.ticket(relay.ticket_id).await?;
                    let notice = ticket.as_ref().is_some_and(|t| t.opened_by(relay));
                    if notice {
                        self.store
                            .set_staff_notice(relay.ticket_id, &format!("failed: {why}"))
                            .await?;
                        error!(ticket = relay.ticket_id, error = %why, "staff were NOT notified of a ticket; `shopkeep tickets` lists it");
                    }
                    let text = relay_failed_text(to_customer, &why, attempts);
                    self.say_in_ticket(relay.ticket_id, &text).await;
                }
            }
        }
        let closing = relay.direction == Direction::ToCustomer
            && relay.source_message_id.starts_with(CLOSING_SOURCE);
        let settled = self
            .store
            .relay(relay.id)
            .await?
            .is_some_and(|r| r.status != "pending");
        if closing && settled {
            self.after_closing(relay.ticket_id).await?;
        }
        Ok(())
    }

    /// Once a ticket's closing message is settled (sent, or given up on):
    /// the engine stops treating the customer as in a ticket, and the
    /// thread is archived and locked. Closing from a slash command and from
    /// `shopkeep tickets close` (whose closing message the next desk round
    /// delivers) both end here.
    async fn after_closing(&self, ticket_id: i64) -> anyhow::Result<()> {
        let Some(ticket) = self.store.ticket(ticket_id).await? else {
            return Ok(());
        };
        self.change(crate::core::tickets::StaffChange::Closed {
            user: ticket.user_id.clone(),
        })
        .await;
        if let Some(thread) = ticket.thread_id.as_deref().and_then(|t| t.parse().ok()) {
            self.archive(ChannelId::new(thread)).await;
        }
        Ok(())
    }

    async fn post_relay(
        &self,
        relay: &RelayRecord,
        ticket: &TicketRecord,
    ) -> Result<(), RelayFailure> {
        match relay.direction {
            Direction::ToCustomer => {
                let user = parse_id(&ticket.user_id)?;
                let dm = UserId::new(user)
                    .create_dm_channel(&*self.http)
                    .await
                    .map_err(|e| failure_of(&e, true))?;
                self.post(dm.id, &relay.text, None, true).await
            }
            Direction::ToStaff => {
                // The ticket's opening notice pings the staff role; nothing else does.
                let notice = ticket.opened_by(relay);
                let ping = notice
                    .then(|| self.staff_place().and_then(|p| p.role))
                    .flatten();
                let thread = match &ticket.thread_id {
                    Some(id) => ChannelId::new(parse_id(id)?),
                    // Every message of a ticket without a thread tries again,
                    // so fixing the permission is enough to get threads back.
                    None => match self.create_thread(ticket).await {
                        Ok(thread) => thread,
                        Err(refused) if !refused.is_transient() => {
                            return self
                                .post_without_thread(relay, ticket, &refused, ping)
                                .await;
                        }
                        Err(transient) => return Err(transient),
                    },
                };
                self.post(thread, &relay.text, ping, false).await?;
                if notice {
                    self.note_staff_notice(ticket.id, "thread").await;
                }
                Ok(())
            }
        }
    }

    /// Discord refused the ticket's thread (typically 50013, a missing
    /// permission): post in the staff channel itself, saying what is wrong.
    async fn post_without_thread(
        &self,
        relay: &RelayRecord,
        ticket: &TicketRecord,
        refused: &RelayFailure,
        ping: Option<RoleId>,
    ) -> Result<(), RelayFailure> {
        let why = refused.explain();
        error!(ticket = ticket.id, error = %why, "cannot open a ticket thread; posting in the staff channel instead");
        let place = self
            .staff_place()
            .ok_or_else(|| RelayFailure::Transient("the staff channel is not known yet".into()))?;
        let text = no_thread_text(ticket.id, &why, &relay.text);
        self.post(place.channel, &text, ping, false).await?;
        if ticket.opened_by(relay) {
            self.note_staff_notice(ticket.id, &format!("channel: {why}"))
                .await;
        }
        Ok(())
    }

    async fn note_staff_notice(&self, ticket_id: i64, notice: &str) {
        if let Err(e) = self.store.set_staff_notice(ticket_id, notice).await {
            warn!(ticket = ticket_id, error = %format!("{e:#}"), "cannot record where staff were notified");
        }
    }

    async fn create_thread(&self, ticket: &TicketRecord) -> Result<ChannelId, RelayFailure> {
        let place = self
            .staff_place()
            .ok_or_else(|| RelayFailure::Transient("the staff channel is not known yet".into()))?;
        let name: String = format!("#{} {}", ticket.id, ticket.user_name)
            .chars()
            .take(100)
            .collect();
        let builder = CreateThread::new(name)
            .kind(ChannelType::PublicThread)
            .auto_archive_duration(AutoArchiveDuration::OneWeek);
        let thread = place
            .channel
            .create_thread(&*self.http, builder)
            .await
            .map_err(|e| failure_of(&e, false))?;
        self.store
            .set_thread(ticket.id, &thread.id.to_string())
            .await
            .map_err(|e| RelayFailure::Transient(format!("{e:#}")))?;
        info!(ticket = ticket.id, thread = %thread.id, "ticket thread created");
        Ok(thread.id)
    }

    /// Post `text` with explicit allowed-mentions (`ping`: the one role it
    /// may ping), retrying server errors a few times at once.
    pub(super) async fn post(
        &self,
        channel: ChannelId,
        text: &str,
        ping: Option<RoleId>,
        to_dm: bool,
    ) -> Result<(), RelayFailure> {
        let mentions = CreateAllowedMentions::new().roles(ping);
        let message = CreateMessage::new()
            .content(text)
            .allowed_mentions(mentions);
        let mut last = RelayFailure::Transient("not tried".into());
        for attempt in 0..self.settings.tries_per_round.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.settings.backoff * attempt).await;
            }
            match channel.send_message(&*self.http, message.clone()).await {
                Ok(_) => return Ok(()),
                // A 2xx whose body did not parse: Discord has the message.
                Err(serenity::Error::Json(_)) => return Ok(()),
                Err(e) => last = failure_of(&e, to_dm),
            }
            if !last.is_transient() {
                break;
            }
        }
        Err(last)
    }

    /// Post a desk message (a report, a reminder) in a ticket's thread; a
    /// failure is logged, as there is nowhere else to report it.
    pub(super) async fn say_in_ticket(&self, ticket_id: i64, text: &str) {
        let thread = match self.store.ticket(ticket_id).await {
            Ok(Some(TicketRecord {
                thread_id: Some(t), ..
            })) => t,
            _ => {
                warn!(ticket = ticket_id, "no thread to report in");
                return;
            }
        };
        let Ok(id) = parse_id(&thread) else { return };
        if let Err(f) = self.post(ChannelId::new(id), text, None, false).await {
            warn!(ticket = ticket_id, error = %f.explain(), "cannot post in the ticket thread");
        }
    }

    /// A message in a ticket thread. A staff member's message is relayed to
    /// the customer's DM (a note is not); anyone else's is ignored.
    pub async fn on_thread_message(
        &self,
        msg: &Message,
        ticket: &TicketRecord,
    ) -> anyhow::Result<Handled> {
        if msg.author.bot || msg.webhook_id.is_some() {
            return Ok(Handled::Ignored);
        }
        let roles = msg
            .member
            .as_ref()
            .map(|m| m.roles.clone())
            .unwrap_or_default();
        if !self.is_staff(&roles) {
            debug!(message = %msg.id, user = %msg.author.id, "non-staff message in a ticket thread ignored");
            return Ok(Handled::Ignored);
        }
        let urls: Vec<String> = msg.attachments.iter().map(|a| a.url.clone()).collect();
        let body = std::iter::once(msg.content.as_str())
            .chain(urls.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        let name = msg
            .member
            .as_ref()
            .and_then(|m| m.nick.clone())
            .or_else(|| msg.author.global_name.clone())
            .unwrap_or_else(|| msg.author.name.clone());
        let s = &self.settings;
        let text = match route_staff_message(&body, &s.note_prefix, s.relay_as, &name, &s.brand) {
            StaffRoute::Relay(text) => staff_reply_text(&text, &[]),
            StaffRoute::Note | StaffRoute::Nothing => return Ok(Handled::Note),
        };
        if !ticket.is_open() {
            let note = StaffAnswer::ClosedNotRelayed { ticket: ticket.id }.text();
            self.post(msg.channel_id, &note, None, false).await.ok();
            return Ok(Handled::TicketClosed);
        }
        let relay = NewRelay {
            ticket_id: ticket.id,
            direction: Direction::ToCustomer,
            source_message_id: msg.id.to_string(),
            author_id: msg.author.id.to_string(),
            text,
            attachments: urls,
            at: *msg.timestamp,
        };
        if let Some(id) = self.store.add_relay(&relay).await? {
            self.deliver_id(id).await;
        }
        Ok(Handled::RelayedToCustomer)
    }

    /// Re-deliver relays still pending (after a failure or a restart), oldest
    /// first; each gets another round, and is reported in its thread once
    /// given up on. Returns how many were tried.
    pub async fn retry_pending(&self) -> anyhow::Result<usize> {
        let _one_at_a_time = self.opening.lock().await;
        let pending = self.store.pending_relays().await?;
        for relay in &pending {
            self.deliver(relay).await;
        }
        Ok(pending.len())
    }

    /// Ping the staff role once in each unclaimed ticket's thread older
    /// than the configured alert delay. `now` is passed in (tests use a fake
    /// clock). Returns the tickets reminded.
    pub async fn remind_unclaimed(&self, now: Timestamp) -> anyhow::Result<Vec<i64>> {
        let filter = TicketFilter {
            status: Some("open".into()),
            since: None,
        };
        let open: Vec<TicketRecord> = self.store.tickets(&filter).await?;
        let rules: Vec<OpenTicket> = open
            .iter()
            .filter(|t| t.thread_id.is_some())
            .map(|t| OpenTicket {
                id: t.id,
                opened_at: t.opened_at,
                claimed: t.claimed_by.is_some(),
                reminded: t.reminded_at.is_some(),
            })
            .collect();
        let role = self.staff_place().and_then(|p| p.role);
        let mut reminded = Vec::new();
        for id in due_reminders(&rules, now, self.settings.unclaimed_alert) {
            let Some(ticket) = open.iter().find(|t| t.id == id) else {
                continue;
            };
            let Some(thread) = ticket.thread_id.as_deref().and_then(|t| parse_id(t).ok()) else {
                continue;
            };
            // Taken in the store first, so of several processes sharing it
            // exactly one posts the reminder.
            if !self.store.mark_reminded(id, now).await? {
                continue;
            }
            let text = reminder_text(role.map(RoleId::get), id, now - ticket.opened_at);
            match self.post(ChannelId::new(thread), &text, role, false).await {
                Ok(()) => reminded.push(id),
                Err(f) => {
                    self.store.unmark_reminded(id, now).await?;
                    warn!(ticket = id, error = %f.explain(), "cannot post a reminder; next round tries again")
                }
            }
        }
        Ok(reminded)
    }
}

fn parse_id(raw: &str) -> Result<u64, RelayFailure> {
    raw.parse()
        .ok()
        .filter(|id| *id != 0)
        .ok_or_else(|| RelayFailure::Refused(format!("bad id {raw}")))
}

/// What a serenity error means for a relay.
pub(super) fn failure_of(e: &serenity::Error, to_dm: bool) -> RelayFailure {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => classify_failure(
            r.status_code.as_u16(),
            u32::try_from(r.error.code).unwrap_or(0),
            &r.error.message,
            to_dm,
        ),
        serenity::Error::Http(HttpError::Request(_)) => RelayFailure::Transient(e.to_string()),
        other => RelayFailure::Refused(other.to_string()),
    }
}
