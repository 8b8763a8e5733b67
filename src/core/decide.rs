//! The one entry point: for one message, at one instant, with the current
//! state and the policy, decide what to do and why.
//!
//! Owns the order of the product rules (who is never answered, opt-outs,
//! hand-offs, detection, relevance, people, limits, compliance, mode). Pure:
//! returns a `Decision` with actions for the shell and effects for the state.

use serde::{Deserialize, Serialize};

use super::catalogue::CategoryMatch;
use super::detect::{Class, Verdict};
use super::flood::FloodGuard;
use super::limits;
use super::model::{
    Action, ActionKind, HandoffTrigger, Inbound, Place, Reason, RenderedReply, Timestamp,
};
use super::policy::{Mode, Policy};
use super::replies::{Replies, ReplyKind, ReplyRequest};
use super::state::{Effect, State};

mod opt;
use opt::opt_commands;

/// What the bot decided about one message, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub message_id: String,
    /// The instant of the decision (the message time in `replay`).
    pub at: Timestamp,
    /// The detector's verdict, when the message had text to judge.
    pub verdict: Option<Verdict>,
    /// The catalogue category the message is about, if any.
    pub category: Option<CategoryMatch>,
    /// Reply, hand-off, or nothing.
    pub action: ActionKind,
    pub reason: Reason,
    /// The reply text that was (or in shadow mode would have been) sent.
    pub reply: Option<RenderedReply>,
    /// Compliance rules a rendered reply failed (the message went to staff).
    pub failed_rules: Vec<String>,
    /// What the shell must carry out.
    pub actions: Vec<Action>,
    /// What the state (and the store) must remember.
    pub effects: Vec<Effect>,
}

impl Decision {
    fn new(msg: &Inbound, now: Timestamp, verdict: Option<Verdict>) -> Self {
        Decision {
            message_id: msg.id.clone(),
            at: now,
            verdict,
            category: None,
            action: ActionKind::None,
            reason: Reason::NotASolicitation,
            reply: None,
            failed_rules: Vec::new(),
            actions: Vec::new(),
            effects: Vec::new(),
        }
    }

    fn silent(mut self, reason: Reason) -> Self {
        self.action = ActionKind::None;
        self.reason = reason;
        self
    }

    /// Whether this decision is worth an audit record (reply, hand-off,
    /// held-back reply, shadow reply, opt-out, near miss).
    pub fn is_auditable(&self) -> bool {
        self.action != ActionKind::None
            || self.reply.is_some()
            || matches!(self.reason, Reason::ShadowMode)
            || self.is_near_miss()
    }

    /// A message the bot came close to answering and did not: the detector
    /// was unsure (review band), it asked about something not in the
    /// catalogue, a hand-off phrase almost matched, or a limit held the
    /// reply back. Staff read these
    /// (`shopkeep audit --missed`) to find what the bot misses.
    pub fn is_near_miss(&self) -> bool {
        self.action == ActionKind::None
            && matches!(
                self.reason,
                Reason::ReviewBand
                    | Reason::NotOurProducts
                    | Reason::HandoffAlmost { .. }
                    | Reason::Held { .. }
            )
    }
}

/// As [`decide`], after the flood guard: a message from an author posting
/// faster than the guard allows is skipped unread (bots and staff are not
/// paced; they are never answered anyway).
pub fn decide_paced(
    msg: &Inbound,
    now: Timestamp,
    flood: &mut FloodGuard,
    state: &State,
    policy: &Policy,
    replies: &dyn Replies,
) -> Decision {
    let paced = !msg.author.bot && !msg.author.webhook && !msg.author.staff;
    if paced && !flood.admit(&msg.author.id, now) {
        return Decision::new(msg, now, None).silent(Reason::Flooding);
    }
    decide(msg, now, state, policy, replies)
}

/// Decide what to do with `msg` at `now`.
pub fn decide(
    msg: &Inbound,
    now: Timestamp,
    state: &State,
    policy: &Policy,
    replies: &dyn Replies,
) -> Decision {
    let verdict = (!msg.content.trim().is_empty()).then(|| policy.detector.detect(&msg.content));
    let mut d = Decision::new(msg, now, verdict);

    if msg.author.webhook {
        return d.silent(Reason::AuthorIsWebhook);
    }
    if msg.author.bot {
        return d.silent(Reason::AuthorIsBot);
    }
    if state.was_decided(&msg.id) {
        return d.silent(Reason::AlreadyDecided);
    }
    if msg.author.staff {
        if let Place::Guild {
            thread: Some(t), ..
        } = &msg.place
        {
            d.effects.push(Effect::StaffActive { thread: t.clone() });
        }
        return d.silent(Reason::AuthorIsStaff);
    }
    if state.is_blocked(&msg.author.id, now) {
        return d.silent(Reason::Blocked);
    }
    if d.verdict.is_none() {
        return d.silent(Reason::EmptyMessage);
    }
    if let Some(done) = opt_commands(d.clone(), msg, state, policy, replies) {
        return done;
    }
    if msg.is_dm() {
        return handoff(
            d,
            msg,
            state,
            HandoffTrigger::DirectMessage,
            replies,
            policy,
        );
    }
    let Place::Guild { channel, .. } = &msg.place else {
        unreachable!("DMs returned above")
    };
    if !policy.watches(channel) {
        return d.silent(Reason::ChannelNotWatched);
    }
    if let Some(words) = policy.asks_for_person(&msg.content) {
        return handoff(
            d,
            msg,
            state,
            HandoffTrigger::AskedForPerson { words },
            replies,
            policy,
        );
    }
    solicitation(d, msg, now, state, policy, replies)
}

fn solicitation(
    mut d: Decision,
    msg: &Inbound,
    now: Timestamp,
    state: &State,
    policy: &Policy,
    replies: &dyn Replies,
) -> Decision {
    let verdict = d.verdict.clone().expect("checked non-empty above");
    d.category = policy.catalogue.classify(&msg.content);
    let addressed = verdict.mentions_brand || msg.mentions_bot;
    let multi_brand = addressed && !verdict.competitors.is_empty();
    let kind = match verdict.class {
        Class::Solicitation if multi_brand => ReplyKind::MultiBrand,
        Class::Solicitation => ReplyKind::Solicitation,
        Class::Intent if policy.reply_to_intent => ReplyKind::Intent,
        Class::Intent => return d.silent(Reason::IntentOnly),
        Class::Not if verdict.review && policy.review_to_staff => {
            return handoff(d, msg, state, HandoffTrigger::ReviewBand, replies, policy);
        }
        Class::Not if verdict.review => return d.silent(Reason::ReviewBand),
        Class::Not => {
            let reason = match policy.almost_asks_for_person(&msg.content) {
                Some((phrase, words)) => Reason::HandoffAlmost { phrase, words },
                None => Reason::NotASolicitation,
            };
            return d.silent(reason);
        }
    };
    let category = d
        .category
        .as_ref()
        .and_then(|m| policy.catalogue.get(&m.id))
        .cloned();
    if category.is_none() && !addressed {
        return d.silent(Reason::NotOurProducts);
    }
    if let Some(cat) = category.as_ref().filter(|c| c.handoff_only) {
        let trigger = HandoffTrigger::HandoffOnlyCategory {
            category: cat.id.clone(),
        };
        return handoff(d, msg, state, trigger, replies, policy);
    }
    if let Some(reason) = person_silence(msg, state) {
        return d.silent(reason);
    }
    if let Some(limit) = limits::check(msg, now, state, &policy.limits) {
        d.effects.push(Effect::MarkDecided {
            message_id: msg.id.clone(),
            at: now,
        });
        return d.silent(Reason::Held { limit });
    }
    let template = match (kind, &category) {
        (ReplyKind::MultiBrand, _) => policy.templates.multi_brand.clone(),
        (ReplyKind::Intent, _) => policy.templates.intent.clone(),
        (_, Some(cat)) => cat.template.clone(),
        (_, None) => policy.templates.solicitation.clone(),
    };
    let cat_id = category.as_ref().map(|c| c.id.as_str());
    match render(msg, state, replies, kind, &template, cat_id) {
        Ok(reply) => public_reply(d, msg, now, policy, reply, kind),
        Err(rules) => {
            d.failed_rules = rules.clone();
            handoff(
                d,
                msg,
                state,
                HandoffTrigger::ComplianceFailed { rules },
                replies,
                policy,
            )
        }
    }
}

/// Reasons tied to the person or conversation, not to limits.
fn person_silence(msg: &Inbound, state: &State) -> Option<Reason> {
    if state.is_opted_out(&msg.author.id) {
        return Some(Reason::OptedOut);
    }
    if state.has_open_ticket(&msg.author.id) {
        return Some(Reason::TicketOpen);
    }
    if let Place::Guild {
        thread: Some(t), ..
    } = &msg.place
    {
        if state.staff_active_in(t) {
            return Some(Reason::StaffAnsweredThread);
        }
    }
    None
}

fn public_reply(
    mut d: Decision,
    msg: &Inbound,
    now: Timestamp,
    policy: &Policy,
    reply: RenderedReply,
    kind: ReplyKind,
) -> Decision {
    d.effects.push(Effect::MarkDecided {
        message_id: msg.id.clone(),
        at: now,
    });
    d.effects.push(Effect::CountReply {
        user: msg.author.id.clone(),
        scopes: limits::scopes(msg, &policy.limits)
            .into_iter()
            .map(|(s, _, _)| s)
            .collect(),
        at: now,
    });
    d.effects.push(variant_effect(msg, &reply));
    if policy.mode == Mode::Shadow {
        d.reason = Reason::ShadowMode;
    } else {
        d.action = ActionKind::Reply;
        d.reason = if kind == ReplyKind::MultiBrand {
            Reason::MultiBrandRequest
        } else {
            Reason::Solicitation
        };
        d.actions.push(send(msg, &reply.text));
    }
    d.reply = Some(reply);
    d
}

/// Open (or add to) a staff ticket. The customer gets one acknowledgement
/// when the ticket opens: in the DM they started, or publicly offering DMs.
fn handoff(
    mut d: Decision,
    msg: &Inbound,
    state: &State,
    trigger: HandoffTrigger,
    replies: &dyn Replies,
    policy: &Policy,
) -> Decision {
    let first = !state.has_open_ticket(&msg.author.id);
    d.action = ActionKind::Handoff;
    d.reason = Reason::Handoff {
        trigger: trigger.clone(),
    };
    d.effects.push(Effect::MarkDecided {
        message_id: msg.id.clone(),
        at: d.at,
    });
    d.effects.push(Effect::OpenTicket {
        user: msg.author.id.clone(),
        user_name: msg.author.name.clone(),
        trigger: trigger.clone(),
        message_id: msg.id.clone(),
        at: d.at,
    });
    d.actions.push(Action::OpenHandoff {
        user: msg.author.id.clone(),
        user_name: msg.author.name.clone(),
        trigger: trigger.clone(),
        message_id: msg.id.clone(),
    });
    let wants_ack = first && !matches!(trigger, HandoffTrigger::ReviewBand);
    if wants_ack && policy.speaks_to(msg) {
        let (kind, template) = if msg.is_dm() {
            (ReplyKind::HandoffDm, policy.templates.handoff_dm.clone())
        } else {
            (
                ReplyKind::HandoffPublic,
                policy.templates.handoff_public.clone(),
            )
        };
        if let Ok(reply) = render(msg, state, replies, kind, &template, None) {
            d.actions.push(send(msg, &reply.text));
            d.effects.push(variant_effect(msg, &reply));
            d.reply = Some(reply);
        }
    }
    d
}

fn render(
    msg: &Inbound,
    state: &State,
    replies: &dyn Replies,
    kind: ReplyKind,
    template: &str,
    category: Option<&str>,
) -> Result<RenderedReply, Vec<String>> {
    let req = ReplyRequest {
        kind,
        template,
        category,
        asker: &msg.author.name,
        previous_variant: state.last_variant(&msg.conversation_key(), template),
        public: !msg.is_dm(),
    };
    replies.render(&req).map_err(|refused| refused.rules)
}

fn variant_effect(msg: &Inbound, reply: &RenderedReply) -> Effect {
    Effect::Variant {
        conversation: msg.conversation_key(),
        template: reply.template.clone(),
        variant: reply.variant,
    }
}

/// Answer where the user spoke: a reply in the channel, or a DM.
fn send(msg: &Inbound, text: &str) -> Action {
    match &msg.place {
        Place::Dm => Action::SendDm {
            user: msg.author.id.clone(),
            text: text.to_string(),
        },
        place => Action::ReplyInChannel {
            place: place.clone(),
            to_message: msg.id.clone(),
            mention_user: msg.author.id.clone(),
            text: text.to_string(),
        },
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
