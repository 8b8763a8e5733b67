//! The engine task: the one place decisions are made. Translated events
//! arrive on a queue; the task decides them one at a time, in arrival order
//! (so one user's messages are decided in order), and hands each decision's
//! actions to a tracked delivery task so a slow POST never holds up the next
//! decision.
//!
//! Owns the queue, the ordering and the hand-over to delivery. Must not
//! translate (that is `translate`) nor talk to Discord (that is `deliver`).

use chrono::Utc;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, error, info, info_span, warn, Instrument};

use super::deliver::{Deliverer, Job};
use super::translate::Incoming;
use crate::core::model::ActionKind;
use crate::engine::Engine;

/// Events waiting for the engine. Generous: the engine decides in well
/// under a millisecond, so the queue fills only if the store stalls.
pub const QUEUE_CAPACITY: usize = 4096;

/// The handlers' side of the queue. Pushing never waits.
#[derive(Debug, Clone)]
pub struct Queue(mpsc::Sender<Incoming>);

/// Create the queue: the handlers' side and the engine task's side.
pub fn queue() -> (Queue, mpsc::Receiver<Incoming>) {
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    (Queue(tx), rx)
}

impl Queue {
    /// Hand an event to the engine task. An event that cannot be queued
    /// (shutting down, or the queue is full) is logged with its ids.
    pub fn push(&self, event: Incoming) {
        match self.0.try_send(event) {
            Ok(()) => {}
            Err(TrySendError::Full(e)) => {
                warn!(message = %e.inbound.id, user = %e.inbound.author.id, "engine queue full; event skipped");
            }
            Err(TrySendError::Closed(e)) => {
                info!(message = %e.inbound.id, user = %e.inbound.author.id, "shutting down; event not taken");
            }
        }
    }
}

/// Decide queued events until `stop` is cancelled or every handler is gone;
/// then stop taking events, decide what already arrived, and return the
/// engine (its store still open) to the caller.
pub async fn engine_task(
    mut engine: Engine,
    mut rx: mpsc::Receiver<Incoming>,
    deliverer: Deliverer,
    tracker: TaskTracker,
    stop: CancellationToken,
) -> Engine {
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
            decide(&mut engine, event, &deliverer, &tracker).await;
        }
    }
    rx.close();
    let mut late = 0_usize;
    while let Some(event) = rx.recv().await {
        decide(&mut engine, event, &deliverer, &tracker).await;
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
pub fn settle(first: Incoming, rx: &mut mpsc::Receiver<Incoming>) -> Vec<Incoming> {
    let mut batch = vec![first];
    while let Ok(event) = rx.try_recv() {
        batch.push(event);
    }
    batch.sort_by_key(|e| e.inbound.id.parse::<u64>().unwrap_or(u64::MAX));
    batch
}

/// Decide one event (the engine makes it durable first), then hand its
/// actions to a tracked delivery task.
async fn decide(
    engine: &mut Engine,
    event: Incoming,
    deliverer: &Deliverer,
    tracker: &TaskTracker,
) {
    let Incoming { inbound, route } = event;
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
    if d.actions.is_empty() {
        return;
    }
    let job = Job {
        audit_id: handled.audit_id,
        message_id: inbound.id,
        at: inbound.at,
        place: inbound.place,
        route,
        actions: d.actions,
    };
    let deliverer = deliverer.clone();
    tracker.spawn(async move { deliverer.run(job).await }.instrument(span));
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

    fn ids(batch: &[Incoming]) -> Vec<&str> {
        batch.iter().map(|e| e.inbound.id.as_str()).collect()
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
