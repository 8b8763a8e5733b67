//! The flood guard: a keyed governor rate limiter per author that caps how
//! many messages from one person the bot evaluates per minute. A person
//! posting faster than that (a spammer, a script, a DM flood into a staff
//! ticket) has the extra messages skipped before detection, so they cost no
//! work and reach no one.
//!
//! Owns per-author message pacing and its memory bound. Time comes from the
//! messages (a governor fake clock advanced to each message's instant), so
//! replay and tests are deterministic. Keys are 64-bit hashes of author ids
//! and idle keys are pruned with `retain_recent`, so a server with a million
//! distinct authors does not grow without bound.

use std::hash::{Hash, Hasher};
use std::num::NonZeroU32;
use std::time::Duration as StdDuration;

use governor::clock::FakeRelativeClock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use super::model::Timestamp;

type Keyed = RateLimiter<u64, HashMapStateStore<u64>, FakeRelativeClock, NoOpMiddleware<Nanos>>;

/// Per-author message pacing.
pub struct FloodGuard {
    limiter: Keyed,
    clock: FakeRelativeClock,
    /// The instant the fake clock's zero stands for.
    origin: Option<Timestamp>,
    /// Nanoseconds the fake clock has been advanced to.
    elapsed: u64,
    checks: u64,
    prune_every: u64,
}

impl std::fmt::Debug for FloodGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FloodGuard")
            .field("keys", &self.limiter.len())
            .finish()
    }
}

impl FloodGuard {
    /// At most `per_minute` messages per author per minute (burst included).
    pub fn new(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(StdDuration::from_secs(60) / n.get())
            .unwrap_or_else(|| Quota::per_minute(n))
            .allow_burst(n);
        let clock = FakeRelativeClock::default();
        FloodGuard {
            limiter: RateLimiter::hashmap_with_clock(quota, clock.clone()),
            clock,
            origin: None,
            elapsed: 0,
            checks: 0,
            prune_every: 10_000,
        }
    }

    /// Whether a message from `author` at `now` may be evaluated. Consumes
    /// one cell of the author's quota when it may.
    pub fn admit(&mut self, author: &str, now: Timestamp) -> bool {
        self.advance_to(now);
        self.checks += 1;
        if self.checks % self.prune_every == 0 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter.check_key(&key(author)).is_ok()
    }

    /// Authors currently tracked (after pruning, only recently active ones).
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }

    /// Drop authors whose quota has fully recovered.
    pub fn prune(&mut self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// Move the fake clock forward to `now` (never backwards: a transcript
    /// out of order is paced by its latest instant).
    fn advance_to(&mut self, now: Timestamp) {
        let origin = *self.origin.get_or_insert(now);
        let target = (now - origin).num_nanoseconds().unwrap_or(i64::MAX).max(0) as u64;
        if target > self.elapsed {
            self.clock
                .advance(StdDuration::from_nanos(target - self.elapsed));
            self.elapsed = target;
        }
    }
}

fn key(author: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    author.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn t(secs: i64) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap() + Duration::seconds(secs)
    }

    #[test]
    fn an_author_posting_faster_than_the_limit_has_the_extra_messages_skipped() {
        let mut g = FloodGuard::new(5);
        let admitted = (0..20).filter(|_| g.admit("spammer", t(0))).count();
        assert_eq!(admitted, 5);
        assert!(
            g.admit("someone-else", t(0)),
            "other authors are not affected"
        );
        assert!(
            g.admit("spammer", t(12)),
            "one message every 12 s is fine again"
        );
    }

    #[test]
    fn a_million_distinct_authors_are_pruned_once_idle() {
        let mut g = FloodGuard::new(10);
        for i in 0..1_000_000 {
            assert!(g.admit(&format!("user{i}"), t(i / 1000)));
        }
        g.prune();
        // Only authors seen within the last minute can still be tracked.
        assert!(g.tracked() <= 60_000, "tracked {}", g.tracked());
    }
}
