//! The "never a hawker" gate: may the bot post one more public reply, for
//! this user, in this thread, channel and server, right now?
//!
//! Owns the order the limits are checked in (the most specific reason first)
//! and the scope keys replies are counted under. Pure: reads `State`, takes
//! the time as an argument.

use super::model::{Inbound, Limit, Place, Timestamp};
use super::policy::Limits;
use super::state::{State, BOT_SCOPE};

/// The scopes a public reply to `msg` counts against, with their quotas.
pub fn scopes(msg: &Inbound, limits: &Limits) -> Vec<(String, u32, Limit)> {
    let mut out = Vec::with_capacity(4);
    if let Place::Guild {
        guild,
        channel,
        thread,
    } = &msg.place
    {
        if let Some(t) = thread {
            out.push((format!("thread:{t}"), limits.per_thread, Limit::Thread));
        }
        out.push((
            format!("channel:{}", channel.id),
            limits.per_channel,
            Limit::Channel,
        ));
        out.push((format!("server:{guild}"), limits.per_server, Limit::Server));
    }
    out.push((BOT_SCOPE.to_string(), limits.per_bot, Limit::Bot));
    out
}

/// The first limit that holds a public reply back, if any.
pub fn check(msg: &Inbound, now: Timestamp, state: &State, limits: &Limits) -> Option<Limit> {
    if limits.quiet_hours.as_ref().is_some_and(|q| q.contains(now)) {
        return Some(Limit::QuietHours);
    }
    if let Some(last) = state.last_reply_to(&msg.author.id) {
        if now < last + limits.user_cooldown {
            return Some(Limit::UserCooldown);
        }
    }
    scopes(msg, limits)
        .into_iter()
        .find(|(scope, quota, _)| {
            state.replies_in_window(scope, now, limits.window) >= *quota as usize
        })
        .map(|(_, _, limit)| limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::Effect;
    use crate::core::testing;
    use chrono::{Duration, TimeZone, Utc};

    /// A message from `user` in `channel` (the shared test fixture).
    fn msg(user: &str, channel: &str) -> Inbound {
        testing::msg(&format!("{user}-{channel}"), user, channel, "")
    }

    fn count(state: &mut State, m: &Inbound, limits: &Limits, at: Timestamp) {
        state.apply(&Effect::CountReply {
            user: m.author.id.clone(),
            scopes: scopes(m, limits).into_iter().map(|s| s.0).collect(),
            at,
        });
    }

    #[test]
    fn the_channel_quota_holds_over_a_sliding_window_not_a_burst() {
        let limits = Limits::default();
        let mut state = State::new();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        for i in 0..6 {
            let m = msg(&format!("u{i}"), "general");
            assert_eq!(check(&m, t0 + Duration::minutes(i), &state, &limits), None);
            count(&mut state, &m, &limits, t0 + Duration::minutes(i));
        }
        let seventh = msg("u7", "general");
        assert_eq!(
            check(&seventh, t0 + Duration::minutes(59), &state, &limits),
            Some(Limit::Channel)
        );
        // One hour after the first reply, one slot frees up.
        assert_eq!(
            check(&seventh, t0 + Duration::minutes(60), &state, &limits),
            None
        );
    }

    #[test]
    fn a_user_answered_recently_is_held_by_the_cooldown_before_any_quota() {
        let limits = Limits::default();
        let mut state = State::new();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let m = msg("alice", "general");
        count(&mut state, &m, &limits, t0);
        assert_eq!(
            check(&m, t0 + Duration::hours(23), &state, &limits),
            Some(Limit::UserCooldown)
        );
        assert_eq!(check(&m, t0 + Duration::hours(24), &state, &limits), None);
    }

    #[test]
    fn the_server_quota_counts_replies_across_channels() {
        let limits = Limits {
            per_server: 2,
            ..Limits::default()
        };
        let mut state = State::new();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        count(&mut state, &msg("a", "general"), &limits, t0);
        count(&mut state, &msg("b", "deals"), &limits, t0);
        assert_eq!(
            check(&msg("c", "random"), t0, &state, &limits),
            Some(Limit::Server)
        );
    }
}
