//! What staff do to a ticket, as the slash commands call it: claim,
//! unclaim, close (closing message to the customer, thread archived and
//! locked), block and unblock, the open list, and the periodic work
//! (reminders and re-delivery) the runtime schedules.
//!
//! Owns these operations over the store and Discord. Every change the
//! engine's state must see is sent on the desk's `StaffChange` channel.
//! Must not check who is asking: the commands do (on every call).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Utc;
use serenity::all::{ChannelId, EditThread, UserId};
use tracing::{info, warn};

use super::relay::{failure_of, CLOSING_SOURCE};
use super::tickets::TicketDesk;
use crate::core::model::Timestamp;
use crate::core::ticket_text::{closing_text, ticket_list, StaffAnswer};
use crate::core::tickets::{block_until, StaffChange};
use crate::store::{BlockRecord, ClaimOutcome, Direction, NewRelay, TicketFilter, TicketRecord};

impl TicketDesk {
    /// The ticket a staff thread carries.
    pub async fn ticket_in(&self, channel: ChannelId) -> anyhow::Result<Option<TicketRecord>> {
        self.store.ticket_by_thread(&channel.to_string()).await
    }

    pub async fn claim(&self, ticket: &TicketRecord, staff: &str) -> anyhow::Result<ClaimOutcome> {
        let outcome = self.store.claim(ticket.id, staff, Utc::now()).await?;
        info!(ticket = ticket.id, ?outcome, "claim");
        Ok(outcome)
    }

    pub async fn unclaim(&self, ticket: &TicketRecord) -> anyhow::Result<bool> {
        self.store.unclaim(ticket.id).await
    }

    /// Close a ticket: the store first (so the core's state can follow at
    /// once), a line in the thread, then the closing message to the
    /// customer (a stored relay, so it is retried like any other); once it
    /// is settled the thread is archived and locked (`after_closing`).
    /// Returns false if it was already closed.
    pub async fn close(
        &self,
        ticket: &TicketRecord,
        closer: &str,
        message: Option<&str>,
    ) -> anyhow::Result<bool> {
        let now = Utc::now();
        if !self
            .store
            .close_ticket(ticket.id, closer, message, now)
            .await?
        {
            return Ok(false);
        }
        self.change(StaffChange::Closed {
            user: ticket.user_id.clone(),
        })
        .await;
        let relay = NewRelay {
            ticket_id: ticket.id,
            direction: Direction::ToCustomer,
            source_message_id: format!("{CLOSING_SOURCE}{}", ticket.id),
            author_id: closer.to_string(),
            text: closing_text(&self.settings.brand, message),
            attachments: Vec::new(),
            at: now,
        };
        let line = StaffAnswer::ClosedBy {
            ticket: ticket.id,
            closer,
        }
        .text();
        self.say_in_ticket(ticket.id, &line).await;
        if let Some(id) = self.store.add_relay(&relay).await? {
            self.deliver_id(id).await;
        }
        info!(ticket = ticket.id, "ticket closed");
        Ok(true)
    }

    /// Archive and lock a thread. Locking needs Manage Threads; without it
    /// the thread is archived only.
    pub(super) async fn archive(&self, thread: ChannelId) {
        let both = EditThread::new().archived(true).locked(true);
        let Err(e) = thread.edit_thread(&*self.http, both).await else {
            return;
        };
        warn!(thread = %thread, error = %failure_of(&e, false).explain(), "cannot lock the thread; archiving only");
        if let Err(e) = thread
            .edit_thread(&*self.http, EditThread::new().archived(true))
            .await
        {
            warn!(thread = %thread, error = %failure_of(&e, false).explain(), "cannot archive the thread");
        }
    }

    /// Block a user for `length` (`None`: until unblocked).
    pub async fn block(
        &self,
        user: UserId,
        length: Option<chrono::Duration>,
        by: &str,
    ) -> anyhow::Result<Option<Timestamp>> {
        let now = Utc::now();
        let until = block_until(now, length);
        let record = BlockRecord {
            user_id: user.to_string(),
            until,
            blocked_by: by.to_string(),
            at: now,
        };
        self.store.block(&record).await?;
        self.change(StaffChange::Blocked {
            user: user.to_string(),
            until,
        })
        .await;
        Ok(until)
    }

    /// Lift a block. Returns whether there was one.
    pub async fn unblock(&self, user: UserId) -> anyhow::Result<bool> {
        let had = self.store.unblock(&user.to_string()).await?;
        self.change(StaffChange::Unblocked {
            user: user.to_string(),
        })
        .await;
        Ok(had)
    }

    /// The open tickets, one line each with age and owner.
    pub async fn open_list(&self, now: Timestamp) -> anyhow::Result<String> {
        let filter = TicketFilter {
            status: Some("open".into()),
            since: None,
        };
        let rows: Vec<_> = self
            .store
            .tickets(&filter)
            .await?
            .into_iter()
            .map(|t| {
                let thread = t.thread_id.map_or(String::new(), |id| format!(" <#{id}>"));
                let who = format!(
                    "{}{thread}",
                    crate::reply::escape::discord_escape(&t.user_name)
                );
                (t.id, who, t.opened_at, t.claimed_by)
            })
            .collect();
        Ok(ticket_list(&rows, now))
    }

    /// Hand a staff change to this process's engine at once, and log it in
    /// the store for every other process sharing it.
    pub(super) async fn change(&self, change: StaffChange) {
        if let Err(e) = self.store.log_staff_change(&change, Utc::now()).await {
            warn!(error = %format!("{e:#}"), "cannot log a staff change for other processes");
        }
        if self.changes.send(change).is_err() {
            warn!("the engine no longer listens to staff changes");
        }
    }
}

/// Remind and re-deliver every `every` until `stop` resolves. The runtime
/// spawns this on its task tracker.
pub async fn periodic(desk: Arc<TicketDesk>, every: StdDuration, stop: impl Future<Output = ()>) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticks.tick() => {}
        }
        if let Err(e) = desk.remind_unclaimed(Utc::now()).await {
            warn!(error = %format!("{e:#}"), "unclaimed reminders failed this round");
        }
        if let Err(e) = desk.retry_pending().await {
            warn!(error = %format!("{e:#}"), "re-delivery failed this round");
        }
    }
}
