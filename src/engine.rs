//! The engine: the imperative shell around the pure core. For each inbound
//! message it asks the core what to do, writes the decision's effects and
//! audit record to the store (before anything is reported or sent), folds
//! the effects into the in-memory state, and hands the actions back to the
//! caller — `replay` prints them, the Discord adapter posts them.
//!
//! Each decision is taken under the store's write lock, after folding in
//! what other processes sharing the store logged since (`store::effects`):
//! one reply per message, quotas, cooldowns and opt-outs hold across
//! processes, enforced by the database rather than by memory.
//!
//! Owns ordering and durability. Must not contain product rules (those are
//! in `core`) nor platform code (that is in `discord`).

use std::sync::Arc;

use chrono::Duration;

use crate::core::decide::{decide_paced, Decision};
use crate::core::flood::FloodGuard;
use crate::core::model::{ActionKind, Inbound, Reason, Timestamp};
use crate::core::policy::{Mode, Policy};
use crate::core::replies::Replies;
use crate::core::state::State;
use crate::core::tickets::{apply_staff_change, StaffChange};
use crate::metrics::Metrics;
use crate::store::{AuditRecord, Delivery, Logged, Store};

/// How long decided message ids are remembered (idempotency horizon).
pub const KEEP_DECIDED: Duration = Duration::days(7);

/// How often (in messages) the in-memory state is pruned.
const PRUNE_EVERY: u64 = 4096;

/// Where messages come from; recorded in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Real traffic from Discord.
    Live,
    /// A transcript run offline: nothing is posted anywhere.
    Replay,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Live => "live",
            Source::Replay => "replay",
        }
    }
}

/// The outcome of handling one message.
#[derive(Debug, Clone)]
pub struct Handled {
    pub decision: Decision,
    /// The audit record written for it, if the decision was auditable.
    pub audit_id: Option<i64>,
}

/// Shared, swappable reply renderer (hot reload swaps what is behind it).
pub type SharedReplies = Arc<dyn Replies + Send + Sync>;

pub struct Engine {
    policy: Policy,
    state: State,
    store: Store,
    replies: SharedReplies,
    source: Source,
    flood: FloodGuard,
    handled: u64,
    metrics: Option<Arc<Metrics>>,
    /// The newest effect-log entry folded into `state`.
    log_seen: i64,
}

impl Engine {
    /// Start an engine over `store`, rebuilding the state it remembers.
    pub async fn start(
        policy: Policy,
        replies: SharedReplies,
        store: Store,
        source: Source,
    ) -> anyhow::Result<Engine> {
        // Read the log's head first: an effect another process commits
        // while the state loads is then folded in again, which can only
        // hold a reply back, never let one through twice.
        let log_seen = store.effect_log_head().await?;
        let state = store
            .load_state(
                KEEP_DECIDED,
                policy.limits.window,
                policy.limits.user_cooldown,
            )
            .await?;
        Ok(Engine {
            flood: FloodGuard::new(policy.limits.per_user_per_minute),
            policy,
            state,
            store,
            replies,
            source,
            handled: 0,
            metrics: None,
            log_seen,
        })
    }

    /// Count every decision in `metrics` from now on (`[http]`).
    pub fn set_metrics(&mut self, metrics: Arc<Metrics>) {
        self.metrics = Some(metrics);
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Decide about one message at `now`, and make the decision durable.
    pub async fn handle(&mut self, msg: &Inbound, now: Timestamp) -> anyhow::Result<Handled> {
        let started = std::time::Instant::now();
        // Under the store's write lock, fold in what other processes
        // sharing this store decided since we last looked.
        let (deciding, theirs) = self.store.begin_deciding(self.log_seen).await?;
        for entry in &theirs {
            match entry {
                Logged::Effect(effect) => self.state.apply(effect),
                Logged::Staff(change) => apply_staff_change(&mut self.state, change),
            }
        }
        let decision = decide_paced(
            msg,
            now,
            &mut self.flood,
            &self.state,
            &self.policy,
            self.replies.as_ref(),
        );
        if let Some(m) = &self.metrics {
            m.decided(msg, &decision, started.elapsed());
        }
        let audit = decision.is_auditable().then(|| {
            let mode = match self.policy.mode {
                Mode::Live => "live",
                Mode::Shadow => "shadow",
            };
            AuditRecord::from_decision(
                msg,
                &decision,
                self.source.as_str(),
                mode,
                self.initial_delivery(&decision),
            )
        });
        let mut deciding = deciding;
        if decision.reason.is_about_a_person() {
            if let Err(e) = deciding.count_seen(msg.at, self.source.as_str()).await {
                // A lost count only makes `report` a message short; never a
                // reason to leave a message undecided.
                tracing::warn!(error = %format!("{e:#}"), message = %msg.id, "cannot count a message seen");
            }
        }
        let (audit_id, seen) = deciding
            .commit(&decision.effects, audit.as_ref(), now)
            .await?;
        self.log_seen = seen;
        for effect in &decision.effects {
            self.state.apply(effect);
        }
        self.handled += 1;
        if self.handled % PRUNE_EVERY == 0 {
            let l = &self.policy.limits;
            self.state
                .prune(now, l.window, l.user_cooldown, KEEP_DECIDED);
            if let Err(e) = self.store.prune_effect_log(now - KEEP_DECIDED).await {
                tracing::warn!(error = %format!("{e:#}"), "cannot prune the effect log");
            }
        }
        Ok(Handled { decision, audit_id })
    }

    /// Fold in a change staff made outside the engine (a ticket closed, a
    /// user blocked or unblocked). The ticket desk has already written it to
    /// the store; the runtime hands it here before deciding the next message.
    pub fn apply_staff_change(&mut self, change: &StaffChange) {
        apply_staff_change(&mut self.state, change);
    }

    /// Record what happened when the caller carried out a decision's actions.
    pub async fn delivered(
        &self,
        audit_id: i64,
        delivery: Delivery,
        at: Timestamp,
    ) -> anyhow::Result<()> {
        self.store.set_delivery(audit_id, delivery, at).await
    }

    fn initial_delivery(&self, d: &Decision) -> Delivery {
        let has_text = d
            .actions
            .iter()
            .any(|a| !matches!(a, crate::core::model::Action::OpenHandoff { .. }));
        match (&d.reason, self.source) {
            (Reason::ShadowMode, _) => Delivery::Shadow,
            _ if !has_text => Delivery::NotSent,
            (_, Source::Replay) => Delivery::Replayed,
            _ if d.action == ActionKind::None => Delivery::NotSent,
            _ => Delivery::Pending,
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
