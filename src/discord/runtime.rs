//! The engine task: the one place decisions are made. Translated events
//! arrive on a queue; the task decides them one at a time, in arrival order
//! (so one user's messages are decided in order), and hands each decision's
//! actions to a tracked delivery task so a slow POST never holds up the next
//! decision.
//!
//! With the ticket desk wired in, the task also folds the changes staff
//! make (closes, blocks) into the engine before each decision, and hands a
//! decision's `OpenHandoff` to the desk (in decision order, on one tracked
//! worker) instead of posting the plain staff notice; the customer's
//! acknowledgement stays with delivery.
//!
//! Owns the queue, the ordering and the hand-over to delivery and the desk.
//! Must not translate (that is `translate`) nor talk to Discord (that is
//! `deliver` and the desk).

use std::sync::Arc;

use chrono::Utc;
use serenity::all::Message;
use tokio::sync::mpsc::{self, error::TrySendError, UnboundedReceiver, UnboundedSender};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, error, info, info_span, warn, Instrument};

use super::deliver::{Deliverer, Job};
use super::outgoing;
use super::tickets::{Original, TicketDesk};
use super::translate::{Incoming, Route};
use crate::core::decide::Decision;
use crate::core::model::{Action, ActionKind, Inbound, Place};
use crate::core::tickets::StaffChange;
use crate::engine::Engine;

/// Events waiting for the engine. Generous: the engine decides in well
/// under a millisecond, so the queue fills only if the store stalls.
pub const QUEUE_CAPACITY: usize = 4096;

/// One queued event: the translated event and, for a message, the
/// gateway facts the ticket desk needs if the decision hands it off.
#[derive(Debug, Clone)]
pub struct Queued {
    pub event: Incoming,
    pub original: Option<Original>,
}

/// The handlers' side of the queue. Pushing never waits.
#[derive(Debug, Clone)]
pub struct Queue(mpsc::Sender<Queued>);

/// Create the queue: the handlers' side and the engine task's side.
pub fn queue() -> (Queue, mpsc::Receiver<Queued>) {
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    (Queue(tx), rx)
}

impl Queue {
    /// Hand an event without a gateway message (a reaction) to the engine
    /// task. An event that cannot be queued (shutting down, or the queue is
    /// full) is logged with its ids.
    pub fn push(&self, event: Incoming) {
        self.send(Queued {
            event,
            original: None,
        });
    }

    /// Hand a message's event to the engine task, with the message's facts
    /// for the ticket desk.
    pub fn push_message(&self, event: Incoming, msg: &Message) {
        let original = Original::new(msg, event.inbound.clone());
        self.send(Queued {
            event,
            original: Some(original),
        });
    }

    fn send(&self, queued: Queued) {
        match self.0.try_send(queued) {
            Ok(()) => {}
            Err(TrySendError::Full(q)) => {
                let e = &q.event;
                warn!(message = %e.inbound.id, user = %e.inbound.author.id, "engine queue full; event skipped");
            }
            Err(TrySendError::Closed(q)) => {
                let e = &q.event;
                info!(message = %e.inbound.id, user = %e.inbound.author.id, "shutting down; event not taken");
            }
        }
    }
}

/// The ticket desk as the engine task sees it: where hand-offs go, and the
/// changes staff make that the engine's state must follow.
pub struct DeskLink {
    pub desk: Arc<TicketDesk>,
    pub changes: UnboundedReceiver<StaffChange>,
}

/// The engine task's side of the desk while it runs.
struct Desk {
    handoffs: UnboundedSender<(Original, Decision)>,
    changes: UnboundedReceiver<StaffChange>,
}

impl Desk {
    /// Start the hand-off worker on `tracker`: it carries out hand-offs one
    /// at a time in decision order (so a customer's first message opens the
    /// thread and later ones are added to it), and ends once the engine
    /// task has dropped its side.
    fn start(link: DeskLink, tracker: &TaskTracker) -> Desk {
        let (handoffs, mut rx) = mpsc::unbounded_channel::<(Original, Decision)>();
        let desk = link.desk;
        tracker.spawn(async move {
            while let Some((original, decision)) = rx.recv().await {
                let span = info_span!("handoff", id = %original.inbound.id, user = %original.inbound.author.id);
                desk.on_decision(&original, &decision).instrument(span).await;
            }
            debug!("hand-off worker stopped");
        });
        Desk {
            handoffs,
            changes: link.changes,
        }
    }

    /// Fold every staff change made so far into the engine.
    fn catch_up(&mut self, engine: &mut Engine) {
        while let Ok(change) = self.changes.try_recv() {
            debug!(?change, "staff change applied");
            engine.apply_staff_change(&change);
        }
    }
}

/// Decide queued events until `stop` is cancelled or every handler is gone;
/// then stop taking events, decide what already arrived, and return the
/// engine (its store still open) to the caller.
///
/// With a desk, hand-offs go to it and staff changes are applied before
/// each decision; without one, a hand-off is the plain staff notice.
pub async fn engine_task(
    mut engine: Engine,
    mut rx: mpsc::Receiver<Queued>,
    deliverer: Deliverer,
    tracker: TaskTracker,
    stop: CancellationToken,
    desk: Option<DeskLink>,
) -> Engine {
    let mut desk = desk.map(|link| Desk::start(link, &tracker));
    loop {
        let first = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            event = rx.recv() => match event {
                Some(event) => event,
                None => break,
            },
        };
        for event in settle(first, &mut rx) {
            decide(&mut engine, event, &deliverer, &tracker, desk.as_mut()).await;
        }
    }
    rx.close();
    let mut late = 0_usize;
    while let Some(event) = rx.recv().await {
        decide(&mut engine, event, &deliverer, &tracker, desk.as_mut()).await;
        late += 1;
    }
    debug!(decided = late, "queue drained");
    engine
}

/// The event just received plus any already waiting, in message order.
///
/// serenity runs each handler call as its own task, so two messages sent
/// back to back can reach the queue swapped. Message ids (snowflakes) grow
/// with time, so sorting what is waiting restores the order they were
/// posted in; events without a message id (reactions) keep arrival order
/// after them.
pub fn settle(first: Queued, rx: &mut mpsc::Receiver<Queued>) -> Vec<Queued> {
    let mut batch = vec![first];
    while let Ok(event) = rx.try_recv() {
        batch.push(event);
    }
    batch.sort_by_key(|q| q.event.inbound.id.parse::<u64>().unwrap_or(u64::MAX));
    batch
}

/// Decide one event (the engine makes it durable first), then hand its
/// hand-offs to the desk and its other actions to a tracked delivery task.
async fn decide(
    engine: &mut Engine,
    queued: Queued,
    deliverer: &Deliverer,
    tracker: &TaskTracker,
    desk: Option<&mut Desk>,
) {
    let Queued { event, original } = queued;
    let Incoming { inbound, route } = event;
    let mut desk = desk;
    if let Some(desk) = desk.as_deref_mut() {
        desk.catch_up(engine);
    }
    let span = info_span!("message", id = %inbound.id, user = %inbound.author.id);
    let handled = match engine
        .handle(&inbound, Utc::now())
        .instrument(span.clone())
        .await
    {
        Ok(handled) => handled,
        Err(e) => {
            error!(parent: &span, error = %format!("{e:#}"), "cannot record a decision; nothing sent");
            return;
        }
    };
    let d = handled.decision;
    debug!(parent: &span, content = %inbound.content, "message text");
    if d.action == ActionKind::None {
        debug!(parent: &span, reason = d.reason.code(), "no action");
    } else {
        info!(parent: &span, reason = d.reason.code(), actions = d.actions.len(), "decided");
    }
    let shadow_copy = shadow_copy(&d, &inbound, &route, deliverer);
    let mut actions = d.actions.clone();
    let hands_off = actions
        .iter()
        .any(|a| matches!(a, Action::OpenHandoff { .. }));
    if let (Some(desk), true) = (desk, hands_off) {
        let original = original.unwrap_or_else(|| original_of(&inbound, &route));
        if desk.handoffs.send((original, d)).is_err() {
            error!(parent: &span, "the hand-off worker is gone; ticket not opened");
        }
        actions.retain(|a| !matches!(a, Action::OpenHandoff { .. }));
    }
    if actions.is_empty() && shadow_copy.is_none() {
        return;
    }
    let job = Job {
        audit_id: handled.audit_id,
        message_id: inbound.id,
        at: inbound.at,
        place: inbound.place,
        route,
        actions,
        shadow_copy,
    };
    let deliverer = deliverer.clone();
    tracker.spawn(async move { deliverer.run(job).await }.instrument(span));
}

/// In shadow mode, the staff desk's copy of a would-be public reply (when
/// copies are on and the staff channel is known).
fn shadow_copy(
    d: &Decision,
    inbound: &Inbound,
    route: &Route,
    deliverer: &Deliverer,
) -> Option<outgoing::Outgoing> {
    let emojis = deliverer.settings.shadow_copies.as_ref()?;
    let reply = d.reply.as_ref()?;
    if d.reason != crate::core::model::Reason::ShadowMode || inbound.is_dm() {
        return None;
    }
    let desk = route.staff?;
    let copy = outgoing::ShadowCopy {
        origin: &inbound.place,
        message_id: &inbound.id,
        user_name: &inbound.author.name,
        score: d.verdict.as_ref().map(|v| v.score),
        category: d.category.as_ref().map(|c| c.id.as_str()),
        template: &reply.template,
        text: &reply.text,
        emojis,
    };
    Some(outgoing::shadow_copy(desk.channel, &copy))
}

/// The desk's view of an event that came without a gateway message.
fn original_of(inbound: &Inbound, route: &Route) -> Original {
    let (channel, guild) = match &inbound.place {
        Place::Dm => (route.dm_channel.map(|c| c.get()), None),
        Place::Guild {
            guild,
            channel,
            thread,
        } => (
            thread.as_deref().unwrap_or(&channel.id).parse().ok(),
            guild.parse().ok(),
        ),
    };
    Original {
        inbound: inbound.clone(),
        channel_id: channel.unwrap_or_default(),
        guild_id: guild,
        attachments: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing;

    fn event(id: &str) -> Incoming {
        Incoming {
            inbound: testing::msg(id, "alice", "general", "hi"),
            route: Default::default(),
        }
    }

    fn ids(batch: &[Queued]) -> Vec<&str> {
        batch.iter().map(|q| q.event.inbound.id.as_str()).collect()
    }

    #[tokio::test]
    async fn waiting_events_are_settled_into_message_order_reactions_last() {
        let (q, mut rx) = queue();
        for id in ["12", "reaction:5:7", "11", "13"] {
            q.push(event(id));
        }
        let first = rx.recv().await.unwrap();
        let batch = settle(first, &mut rx);
        assert_eq!(ids(&batch), ["11", "12", "13", "reaction:5:7"]);
    }

    #[tokio::test]
    async fn a_closed_queue_refuses_events_without_panicking() {
        let (q, mut rx) = queue();
        rx.close();
        q.push(event("1"));
        assert!(rx.recv().await.is_none());
    }
}
