//! Delivery: carries out one decision's actions over Discord's REST API and
//! records what happened to the text in the audit trail (`sent`, `failed`,
//! `stale`).
//!
//! Owns retries and staleness. A 5xx, a 429 or a transport failure is retried
//! with doubling backoff a bounded number of times; a reply still unsent
//! `stale_after` the customer's message is dropped and recorded stale, never
//! posted late. A POST Discord accepted (2xx) counts as sent even if its body
//! cannot be parsed, so it is never retried into a duplicate. Must not decide
//! anything and must not read the cache (the route was resolved on arrival).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serenity::all::{Http, MessageId, StatusCode};
use serenity::http::HttpError;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::outgoing::{self, Outgoing, OutgoingKind, Unroutable};
use super::translate::Route;
use crate::core::model::{Action, Place, Timestamp};
use crate::metrics::{Metrics, RestOutcome};
use crate::store::{Delivery, Store};

/// How hard delivery tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverySettings {
    /// Retries after the first attempt (so `retries + 1` attempts at most).
    pub retries: u32,
    /// The wait before the first retry; it doubles each time.
    pub first_backoff: Duration,
    /// The longest one attempt may take.
    pub attempt_timeout: Duration,
    /// A reply not posted this long after the customer's message is dropped.
    pub stale_after: chrono::Duration,
    /// Shadow mode: post each would-be reply to the staff channel, with
    /// these mark reactions named (`None`: no copies).
    pub shadow_copies: Option<crate::core::marks::MarkEmojis>,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            retries: 3,
            first_backoff: Duration::from_millis(250),
            attempt_timeout: Duration::from_secs(10),
            stale_after: chrono::Duration::minutes(2),
            shadow_copies: None,
        }
    }
}

/// One decision's actions, with what delivery needs to carry them out.
#[derive(Debug, Clone)]
pub struct Job {
    /// The audit record whose delivery this settles, if any.
    pub audit_id: Option<i64>,
    /// The customer's message id (for logs).
    pub message_id: String,
    /// When the customer's message was posted (staleness counts from here).
    pub at: Timestamp,
    /// Where the customer's message was posted.
    pub place: Place,
    pub route: Route,
    pub actions: Vec<Action>,
    /// Shadow mode: the staff desk's copy of the would-be reply, which
    /// staff mark right or wrong.
    pub shadow_copy: Option<Outgoing>,
}

/// What one attempt at posting amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Discord accepted it (the id is known when the body parsed).
    Sent(Option<MessageId>),
    /// Worth another try: a 5xx, a 429, a timeout, a lost connection.
    Retry(String),
    /// Trying again cannot help (a 4xx, a message too long, ...).
    Fail(String),
}

/// Classify the result of one `send_message`.
pub fn classify(result: serenity::Result<serenity::all::Message>) -> Attempt {
    use serenity::Error;
    match result {
        Ok(message) => Attempt::Sent(Some(message.id)),
        // Only a 2xx body is ever parsed: Discord has the message.
        Err(Error::Json(_) | Error::Decode(..)) => Attempt::Sent(None),
        Err(Error::Http(HttpError::UnsuccessfulRequest(r))) => classify_status(r.status_code),
        // Reading or decoding the body fails only after a 2xx status.
        Err(Error::Http(HttpError::Request(e))) if e.is_body() || e.is_decode() => {
            Attempt::Sent(None)
        }
        Err(Error::Http(HttpError::Request(e))) => Attempt::Retry(e.to_string()),
        Err(other) => Attempt::Fail(other.to_string()),
    }
}

/// Classify an unsuccessful HTTP status.
pub fn classify_status(status: StatusCode) -> Attempt {
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        Attempt::Retry(format!("HTTP {status}"))
    } else {
        Attempt::Fail(format!("HTTP {status}"))
    }
}

/// The ids of messages the bot posted recently (bounded), so a reaction on
/// one of them in a DM — where Discord does not say whose message it is —
/// can still be recognised as a reaction to the bot.
#[derive(Debug, Clone, Default)]
pub struct SentLog(Arc<Mutex<SentIds>>);

#[derive(Debug, Default)]
struct SentIds {
    order: VecDeque<MessageId>,
    ids: HashSet<MessageId>,
}

impl SentLog {
    const KEEP: usize = 4096;

    pub fn remember(&self, id: MessageId) {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if s.ids.insert(id) {
            s.order.push_back(id);
        }
        while s.order.len() > Self::KEEP {
            if let Some(old) = s.order.pop_front() {
                s.ids.remove(&old);
            }
        }
    }

    pub fn contains(&self, id: MessageId) -> bool {
        let s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.ids.contains(&id)
    }
}

/// Carries out jobs. Cheap to clone: one per delivery task.
#[derive(Clone)]
pub struct Deliverer {
    pub http: Arc<Http>,
    pub store: Store,
    pub settings: DeliverySettings,
    pub sent: SentLog,
    /// Cancelled at shutdown: waiting retries give up and record a failure.
    pub stop: CancellationToken,
    /// Failures and retries are counted here (`[http]` metrics).
    pub metrics: Option<Arc<Metrics>>,
}

impl Deliverer {
    /// Post everything `job` asks for, then record the customer text's fate
    /// and the message staff may mark (the public reply, or the shadow copy).
    pub async fn run(&self, job: Job) {
        let mut customer = None;
        let mut posted = None;
        for action in &job.actions {
            let (outcome, id) = self.carry_out(action, &job).await;
            if !matches!(action, Action::OpenHandoff { .. }) {
                customer = Some(outcome);
            }
            if matches!(action, Action::ReplyInChannel { .. }) {
                posted = posted.or(id);
            }
        }
        if let Some(copy) = &job.shadow_copy {
            let (delivery, id) = self.send(copy, &job).await;
            info!(message = %job.message_id, channel = %copy.channel, kind = "shadow_copy", delivery = delivery.as_str(), "delivered");
            posted = posted.or(id);
        }
        let Some(audit_id) = job.audit_id else {
            return;
        };
        if let Some(id) = posted {
            if let Err(e) = self.store.set_posted(audit_id, &id.to_string()).await {
                warn!(error = %format!("{e:#}"), audit_id, message = %job.message_id, "cannot record the posted message; staff marks on it will not be found");
            }
        }
        let Some(delivery) = customer else {
            return;
        };
        if let Err(e) = self
            .store
            .set_delivery(audit_id, delivery, Utc::now())
            .await
        {
            warn!(error = %format!("{e:#}"), audit_id, message = %job.message_id, "cannot record a delivery");
        }
    }

    async fn carry_out(&self, action: &Action, job: &Job) -> (Delivery, Option<MessageId>) {
        let out = match outgoing::build(action, &job.route, &job.place) {
            Ok(out) => out,
            Err(Unroutable::NeedDmChannel(user)) => match user.create_dm_channel(&*self.http).await
            {
                Ok(channel) => outgoing::dm(channel.id, user, action_text(action)),
                Err(e) => {
                    warn!(error = %e, user = %user, message = %job.message_id, "cannot open a DM");
                    return (Delivery::Failed, None);
                }
            },
            Err(e) => {
                warn!(error = %e, message = %job.message_id, "cannot route an action; not sent");
                return (Delivery::Failed, None);
            }
        };
        let (delivery, id) = self.send(&out, job).await;
        let kind = match out.kind {
            OutgoingKind::Customer => "customer",
            OutgoingKind::StaffNotice => "staff_notice",
        };
        info!(message = %job.message_id, channel = %out.channel, kind, delivery = delivery.as_str(), "delivered");
        (delivery, id)
    }

    /// Post `out` with retries, giving up when it would be late; the id of
    /// the posted message when Discord's answer could be read.
    async fn send(&self, out: &Outgoing, job: &Job) -> (Delivery, Option<MessageId>) {
        let deadline = job.at + self.settings.stale_after;
        let mut backoff = self.settings.first_backoff;
        for attempt in 0..=self.settings.retries {
            let Some(left) = time_left(deadline) else {
                return self.counted((Delivery::Stale, None));
            };
            let limit = left.min(self.settings.attempt_timeout);
            let post = out.channel.send_message(&*self.http, out.message.clone());
            let result = match tokio::time::timeout(limit, post).await {
                Ok(result) => classify(result),
                Err(_) => Attempt::Retry(format!("no answer within {limit:?}")),
            };
            match result {
                Attempt::Sent(id) => {
                    match id {
                        Some(id) => self.sent.remember(id),
                        None => {
                            warn!(message = %job.message_id, "Discord accepted the message but its answer could not be read; counted as sent")
                        }
                    }
                    return (Delivery::Sent, id);
                }
                Attempt::Fail(error) => {
                    warn!(%error, message = %job.message_id, attempt, "posting failed; not retried");
                    return self.counted((Delivery::Failed, None));
                }
                Attempt::Retry(error) => {
                    warn!(%error, message = %job.message_id, attempt, "posting failed; may retry");
                    if attempt < self.settings.retries {
                        self.count(RestOutcome::Retried);
                    }
                }
            }
            if attempt == self.settings.retries {
                break;
            }
            let Some(left) = time_left(deadline) else {
                return self.counted((Delivery::Stale, None));
            };
            tokio::select! {
                () = tokio::time::sleep(backoff.min(left)) => {}
                () = self.stop.cancelled() => {
                    debug!(message = %job.message_id, "shutting down; retry abandoned");
                    return self.counted((Delivery::Failed, None));
                }
            }
            backoff = backoff.saturating_mul(2);
        }
        self.counted((Delivery::Failed, None))
    }

    fn count(&self, outcome: RestOutcome) {
        if let Some(m) = &self.metrics {
            m.rest(outcome);
        }
    }

    /// Count a final failure or a stale drop, and pass it on.
    fn counted(&self, result: (Delivery, Option<MessageId>)) -> (Delivery, Option<MessageId>) {
        match result.0 {
            Delivery::Failed => self.count(RestOutcome::Failed),
            Delivery::Stale => self.count(RestOutcome::Stale),
            _ => {}
        }
        result
    }
}

fn action_text(action: &Action) -> &str {
    match action {
        Action::ReplyInChannel { text, .. } | Action::SendDm { text, .. } => text,
        Action::OpenHandoff { .. } => "",
    }
}

/// Time until `deadline`, or `None` when it has passed.
fn time_left(deadline: Timestamp) -> Option<Duration> {
    (deadline - Utc::now())
        .to_std()
        .ok()
        .filter(|d| !d.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_and_rate_limits_are_retried_client_errors_are_not() {
        let cases = [
            (StatusCode::INTERNAL_SERVER_ERROR, true),
            (StatusCode::BAD_GATEWAY, true),
            (StatusCode::TOO_MANY_REQUESTS, true),
            (StatusCode::BAD_REQUEST, false),
            (StatusCode::FORBIDDEN, false),
            (StatusCode::NOT_FOUND, false),
        ];
        for (status, retried) in cases {
            let attempt = classify_status(status);
            assert_eq!(matches!(attempt, Attempt::Retry(_)), retried, "{status}");
        }
    }

    #[test]
    fn an_accepted_post_whose_body_does_not_parse_counts_as_sent() {
        let json = serde_json::from_str::<serenity::all::Message>("{}").unwrap_err();
        assert_eq!(
            classify(Err(serenity::Error::Json(json))),
            Attempt::Sent(None)
        );
    }

    #[test]
    fn a_message_serenity_refuses_to_send_is_not_retried() {
        let err = serenity::Error::Model(serenity::all::ModelError::MessageTooLong(2001));
        assert!(matches!(classify(Err(err)), Attempt::Fail(_)));
    }

    #[test]
    fn the_sent_log_remembers_recent_ids_and_forgets_old_ones() {
        let log = SentLog::default();
        for n in 1..=(SentLog::KEEP as u64 + 1) {
            log.remember(MessageId::new(n));
        }
        assert!(!log.contains(MessageId::new(1)));
        assert!(log.contains(MessageId::new(2)));
        assert!(log.contains(MessageId::new(SentLog::KEEP as u64 + 1)));
    }

    #[test]
    fn time_left_is_none_once_the_deadline_has_passed() {
        assert_eq!(time_left(Utc::now() - chrono::Duration::seconds(1)), None);
        assert!(time_left(Utc::now() + chrono::Duration::seconds(60)).is_some());
    }
}
