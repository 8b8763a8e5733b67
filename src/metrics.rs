//! What the running bot counts, for Prometheus: messages seen by channel
//! kind, verdicts, replies and would-be replies by category and template,
//! replies held back by limit, hand-offs by trigger, near misses, the
//! detector's score and the time a decision takes (first stage alone or
//! both stages), REST failures and retries, the gateway's state, template
//! reloads refused, and — read from the store when scraped — open and
//! unclaimed tickets and the time to a first staff reply.
//!
//! Owns the metric names, their labels and the registry (one per running
//! bot, so several bots in one process never mix counts). The `prometheus`
//! crate writes the text format. Callers observe; nothing here decides.

use std::time::Duration;

use prometheus::{
    Encoder, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    Opts, Registry, TextEncoder,
};

use crate::core::decide::Decision;
use crate::core::model::{Action, ActionKind, Inbound, Place, Reason};

/// Every metric of one running bot.
pub struct Metrics {
    registry: Registry,
    messages_seen: IntCounterVec,
    verdicts: IntCounterVec,
    replies: IntCounterVec,
    held_back: IntCounterVec,
    handoffs: IntCounterVec,
    near_misses: IntCounterVec,
    score: Histogram,
    decide_seconds: HistogramVec,
    rest: IntCounterVec,
    gateway_connected: IntGauge,
    reloads_refused: IntCounter,
    tickets_open: IntGauge,
    tickets_unclaimed: IntGauge,
    first_staff_reply: GaugeVec,
}

/// What became of one attempt to post to Discord, for [`Metrics::rest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestOutcome {
    /// Failed and will be tried again (5xx, 429, timeout).
    Retried,
    /// Failed for good (after retries, or a 4xx).
    Failed,
    /// Dropped unsent: it would have been late.
    Stale,
}

impl RestOutcome {
    fn as_str(self) -> &'static str {
        match self {
            RestOutcome::Retried => "retried",
            RestOutcome::Failed => "failed",
            RestOutcome::Stale => "stale",
        }
    }
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("a valid metric");
    registry
        .register(Box::new(c.clone()))
        .expect("metric names are unique");
    c
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("a valid metric");
    registry
        .register(Box::new(g.clone()))
        .expect("metric names are unique");
    g
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let r = Registry::new();
        let score = Histogram::with_opts(
            HistogramOpts::new(
                "shopkeep_detector_score",
                "The detector's score of each message it read (0 to 1)",
            )
            .buckets((1..=10).map(|i| f64::from(i) / 10.0).collect()),
        )
        .expect("a valid metric");
        r.register(Box::new(score.clone())).expect("unique");
        let decide_seconds = HistogramVec::new(
            HistogramOpts::new(
                "shopkeep_decide_seconds",
                "Time to decide one message; stages: first_stage (the encoder was not needed) or both_stages",
            )
            .buckets(vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25]),
            &["stages"],
        )
        .expect("a valid metric");
        r.register(Box::new(decide_seconds.clone()))
            .expect("unique");
        let reloads_refused = IntCounter::new(
            "shopkeep_template_reloads_refused_total",
            "Template or config edits refused while running (the last good version kept serving)",
        )
        .expect("a valid metric");
        r.register(Box::new(reloads_refused.clone()))
            .expect("unique");
        let first_staff_reply = GaugeVec::new(
            Opts::new(
                "shopkeep_ticket_first_staff_reply_seconds",
                "Time from a ticket opening to the first staff reply, over tickets opened in the last 7 days",
            ),
            &["quantile"],
        )
        .expect("a valid metric");
        r.register(Box::new(first_staff_reply.clone()))
            .expect("unique");
        Metrics {
            messages_seen: counter(
                &r,
                "shopkeep_messages_seen_total",
                "Messages the bot read, by where they were posted",
                &["channel_kind"],
            ),
            verdicts: counter(
                &r,
                "shopkeep_verdicts_total",
                "The detector's verdicts",
                &["verdict"],
            ),
            replies: counter(
                &r,
                "shopkeep_replies_total",
                "Sales replies decided, sent (mode live) or would-be (mode shadow)",
                &["mode", "category", "template"],
            ),
            held_back: counter(
                &r,
                "shopkeep_replies_held_back_total",
                "Replies a limit held back",
                &["limit"],
            ),
            handoffs: counter(
                &r,
                "shopkeep_handoffs_total",
                "Hand-offs to staff, by trigger",
                &["trigger"],
            ),
            near_misses: counter(
                &r,
                "shopkeep_near_misses_total",
                "Messages the bot came close to answering and did not (shopkeep audit --missed)",
                &["reason"],
            ),
            score,
            decide_seconds,
            rest: counter(
                &r,
                "shopkeep_rest_failures_total",
                "Posts to Discord that failed: retried, failed for good, or dropped as stale",
                &["outcome"],
            ),
            gateway_connected: gauge(
                &r,
                "shopkeep_gateway_connected",
                "1 while the gateway session is connected",
            ),
            reloads_refused,
            tickets_open: gauge(&r, "shopkeep_tickets_open", "Tickets open now"),
            tickets_unclaimed: gauge(
                &r,
                "shopkeep_tickets_unclaimed",
                "Open tickets no staff member has claimed",
            ),
            first_staff_reply,
            registry: r,
        }
    }

    /// Count one decided message: people's messages only (not bots' and
    /// webhooks', the bot's own replies among them); verdicts, scores and
    /// timings only for messages the detector's judgement mattered for.
    pub fn decided(&self, msg: &Inbound, d: &Decision, took: Duration) {
        let kind = match &msg.place {
            Place::Dm => "dm",
            Place::Guild {
                thread: Some(_), ..
            } => "thread",
            Place::Guild { .. } => "channel",
        };
        if !d.reason.is_about_a_person() {
            return;
        }
        self.messages_seen.with_label_values(&[kind]).inc();
        let read = !matches!(
            d.reason,
            Reason::AuthorIsStaff
                | Reason::ChannelNotWatched
                | Reason::AlreadyDecided
                | Reason::Flooding
        );
        if let Some(v) = d.verdict.as_ref().filter(|_| read) {
            self.verdicts.with_label_values(&[v.class.as_str()]).inc();
            self.score.observe(f64::from(v.score));
            let both = v.cues.iter().any(|c| c.id == "model.encoder");
            let stages = if both { "both_stages" } else { "first_stage" };
            self.decide_seconds
                .with_label_values(&[stages])
                .observe(took.as_secs_f64());
        }
        let sales = matches!(
            d.reason,
            Reason::Solicitation | Reason::MultiBrandRequest | Reason::ShadowMode
        );
        if let (true, Some(reply)) = (sales, &d.reply) {
            let mode = if d.reason == Reason::ShadowMode {
                "shadow"
            } else {
                "live"
            };
            let category = d.category.as_ref().map_or("", |c| c.id.as_str());
            self.replies
                .with_label_values(&[mode, category, reply.template.as_str()])
                .inc();
        }
        if let Reason::Held { limit } = &d.reason {
            self.held_back.with_label_values(&[limit.code()]).inc();
        }
        if d.action == ActionKind::Handoff {
            for action in &d.actions {
                if let Action::OpenHandoff { trigger, .. } = action {
                    self.handoffs.with_label_values(&[trigger.code()]).inc();
                }
            }
        }
        if d.is_near_miss() {
            self.near_misses.with_label_values(&[d.reason.code()]).inc();
        }
    }

    pub fn rest(&self, outcome: RestOutcome) {
        self.rest.with_label_values(&[outcome.as_str()]).inc();
    }

    pub fn set_gateway_connected(&self, connected: bool) {
        self.gateway_connected.set(i64::from(connected));
    }

    pub fn gateway_connected(&self) -> bool {
        self.gateway_connected.get() == 1
    }

    /// Bring the refused-reload counter up to `refused` (a running total
    /// kept by the templates).
    pub fn set_reloads_refused(&self, refused: u64) {
        let now = self.reloads_refused.get();
        if refused > now {
            self.reloads_refused.inc_by(refused - now);
        }
    }

    /// Ticket figures read from the store at scrape time.
    pub fn set_tickets(&self, open: usize, unclaimed: usize, first_reply_secs: &[f64]) {
        self.tickets_open.set(open as i64);
        self.tickets_unclaimed.set(unclaimed as i64);
        let mut sorted = first_reply_secs.to_vec();
        sorted.sort_by(f64::total_cmp);
        for (label, q) in [("0.5", 0.5), ("0.9", 0.9)] {
            let value = quantile(&sorted, q).unwrap_or(f64::NAN);
            self.first_staff_reply
                .with_label_values(&[label])
                .set(value);
        }
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("the text encoder writes to memory");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

/// The `q` quantile of sorted values (nearest rank), if there are any.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.9), Some(10.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn the_text_format_names_every_metric_with_its_help() {
        let m = Metrics::new();
        m.rest(RestOutcome::Retried);
        m.set_gateway_connected(true);
        m.set_tickets(3, 1, &[60.0, 120.0, 600.0]);
        m.set_reloads_refused(2);
        m.set_reloads_refused(2);
        let text = m.render();
        for line in [
            "shopkeep_rest_failures_total{outcome=\"retried\"} 1",
            "shopkeep_gateway_connected 1",
            "shopkeep_tickets_open 3",
            "shopkeep_tickets_unclaimed 1",
            "shopkeep_ticket_first_staff_reply_seconds{quantile=\"0.5\"} 120",
            "shopkeep_template_reloads_refused_total 2",
            "# TYPE shopkeep_detector_score histogram",
        ] {
            assert!(text.contains(line), "{line} missing:\n{text}");
        }
    }
}
