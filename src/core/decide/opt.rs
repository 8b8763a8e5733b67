//! Opt-out and opt-in, decided before anything else: when a user tells the
//! bot to stop (or start again) in a DM, a reply to it or a mention, the
//! preference is recorded and confirmed once, where they spoke.
//!
//! Owns which messages count as an opt command and what a confirmation
//! records; the words themselves are policy (`Policy::is_opt_out`).

use super::{render, send, variant_effect, Decision};
use crate::core::model::{ActionKind, Inbound, Reason, ReplyTo};
use crate::core::policy::Policy;
use crate::core::replies::{Replies, ReplyKind};
use crate::core::state::{Effect, State};

/// Opt-out and opt-in: only when the user talks to the bot (a reply to it,
/// a DM, or a mention), never on a stray "stop" in general chat.
pub(super) fn opt_commands(
    d: Decision,
    msg: &Inbound,
    state: &State,
    policy: &Policy,
    replies: &dyn Replies,
) -> Option<Decision> {
    let to_bot = msg.is_dm() || msg.mentions_bot || msg.reply_to == Some(ReplyTo::Bot);
    if !to_bot {
        return None;
    }
    let user = msg.author.id.clone();
    let opted_out = state.is_opted_out(&user);
    if policy.is_opt_out(&msg.content) {
        if opted_out {
            return Some(d.silent(Reason::OptedOut));
        }
        let effect = Effect::OptOut { user, at: d.at };
        let t = policy.templates.opt_out.clone();
        return Some(confirm(
            d,
            msg,
            state,
            policy,
            replies,
            ReplyKind::OptOut,
            &t,
            Reason::OptOutConfirmed,
            effect,
        ));
    }
    if opted_out && policy.is_opt_in(&msg.content) {
        let effect = Effect::OptIn { user, at: d.at };
        let t = policy.templates.opt_in.clone();
        return Some(confirm(
            d,
            msg,
            state,
            policy,
            replies,
            ReplyKind::OptIn,
            &t,
            Reason::OptInConfirmed,
            effect,
        ));
    }
    None
}

/// Record an opt-out/opt-in and send one short confirmation where the user
/// spoke (a DM stays a DM). The preference is recorded even if the
/// confirmation cannot be rendered; in shadow mode it is confirmed only in
/// a DM (`Policy::speaks_to`).
#[allow(clippy::too_many_arguments)]
fn confirm(
    mut d: Decision,
    msg: &Inbound,
    state: &State,
    policy: &Policy,
    replies: &dyn Replies,
    kind: ReplyKind,
    template: &str,
    reason: Reason,
    effect: Effect,
) -> Decision {
    d.effects.push(effect);
    d.effects.push(Effect::MarkDecided {
        message_id: msg.id.clone(),
        at: d.at,
    });
    d.reason = reason;
    match render(msg, state, replies, kind, template, None) {
        Ok(reply) => {
            if policy.speaks_to(msg) {
                d.action = ActionKind::Reply;
                d.actions.push(send(msg, &reply.text));
            }
            d.effects.push(variant_effect(msg, &reply));
            d.reply = Some(reply);
        }
        Err(rules) => d.failed_rules = rules,
    }
    d
}
