//! Engine tests over a real SQLite store with simulated time: floods,
//! restarts and duplicate events.

use std::sync::Arc;

use chrono::Duration;

use super::*;
use crate::core::model::{ActionKind, Limit, Reason};
use crate::core::testing::{msg, policy, t0, FakeReplies, ASK};
use crate::store::AuditFilter;

async fn engine(store: &Store) -> Engine {
    Engine::start(policy(), Arc::new(FakeReplies), store.clone(), Source::Live)
        .await
        .unwrap()
}

/// 10,000 solicitations from 1,000 users in one channel over one hour.
fn flood() -> Vec<Inbound> {
    (0..10_000)
        .map(|i| {
            let mut m = msg(
                &format!("f{i}"),
                &format!("user{}", i % 1000),
                "general",
                ASK,
            );
            m.at = t0() + Duration::milliseconds(i * 360);
            m
        })
        .collect()
}

#[tokio::test]
async fn a_flood_produces_exactly_the_channel_quota_of_replies() {
    let store = Store::open(":memory:").await.unwrap();
    let mut e = engine(&store).await;
    let mut replies = 0;
    for m in flood() {
        if e.handle(&m, m.at).await.unwrap().decision.action == ActionKind::Reply {
            replies += 1;
        }
    }
    assert_eq!(replies, e.policy().limits.per_channel as usize);
}

#[tokio::test]
async fn a_restart_mid_flood_neither_forgets_limits_nor_answers_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let path = path.to_str().unwrap();
    let messages = flood();
    let mut replies = 0;
    let (first, second) = messages.split_at(5_000);
    let store = Store::open(path).await.unwrap();
    let mut e = engine(&store).await;
    for m in first {
        replies +=
            usize::from(e.handle(m, m.at).await.unwrap().decision.action == ActionKind::Reply);
    }
    drop(e);
    store.close().await;

    let store = Store::open(path).await.unwrap();
    let mut e = engine(&store).await;
    // The gateway replays the last message before the restart, then the flood goes on.
    let replayed = first.last().unwrap();
    let again = e.handle(replayed, replayed.at).await.unwrap().decision;
    assert_eq!(again.reason, Reason::AlreadyDecided);
    for m in second {
        replies +=
            usize::from(e.handle(m, m.at).await.unwrap().decision.action == ActionKind::Reply);
    }
    assert_eq!(replies, 6);
}

#[tokio::test]
async fn a_user_answered_before_a_restart_is_still_on_cooldown_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let path = path.to_str().unwrap();
    let store = Store::open(path).await.unwrap();
    let mut e = engine(&store).await;
    let first = msg("m1", "alice", "general", ASK);
    assert_eq!(
        e.handle(&first, t0()).await.unwrap().decision.action,
        ActionKind::Reply
    );
    drop(e);
    store.close().await;

    let store = Store::open(path).await.unwrap();
    let mut e = engine(&store).await;
    let later = msg("m2", "alice", "deals", ASK);
    let d = e
        .handle(&later, t0() + Duration::hours(2))
        .await
        .unwrap()
        .decision;
    assert_eq!(
        d.reason,
        Reason::Held {
            limit: Limit::UserCooldown
        }
    );
}

#[tokio::test]
async fn every_reply_and_held_back_reply_has_an_audit_record_with_its_text() {
    let store = Store::open(":memory:").await.unwrap();
    let mut e = engine(&store).await;
    e.handle(&msg("m1", "alice", "general", ASK), t0())
        .await
        .unwrap();
    e.handle(&msg("m2", "alice", "general", ASK), t0())
        .await
        .unwrap();
    e.handle(&msg("m3", "bob", "general", "lovely weather today"), t0())
        .await
        .unwrap();
    let records = store.audit(&AuditFilter::default()).await.unwrap();
    assert_eq!(records.len(), 2, "the silent chat message is not audited");
    assert_eq!(records[0].message_id, "m1");
    assert_eq!(records[0].text.as_deref(), Some("solicitation#0 to alice"));
    assert_eq!(records[0].delivery, "pending");
    assert_eq!(records[0].compliance, "pass");
    assert_eq!(records[1].held_by.as_deref(), Some("user_cooldown"));
}

#[tokio::test]
async fn delivery_status_is_recorded_after_the_fact() {
    let store = Store::open(":memory:").await.unwrap();
    let mut e = engine(&store).await;
    let handled = e
        .handle(&msg("m1", "alice", "general", ASK), t0())
        .await
        .unwrap();
    e.delivered(handled.audit_id.unwrap(), Delivery::Sent, t0())
        .await
        .unwrap();
    let records = store.audit(&AuditFilter::default()).await.unwrap();
    assert_eq!(records[0].delivery, "sent");
}

/// Two stores on one file are two processes as far as the database can
/// tell: separate connections, no shared memory.
async fn two_processes() -> (tempfile::TempDir, Engine, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let path = path.to_str().unwrap();
    let a = Store::open(path).await.unwrap();
    let b = Store::open(path).await.unwrap();
    let (a, b) = (engine(&a).await, engine(&b).await);
    (dir, a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_given_every_event_twice_reply_once_per_message_within_the_quota() {
    let (_dir, a, b) = two_processes().await;
    let messages: Vec<Inbound> = flood().into_iter().take(1_000).collect();
    let quota = a.policy().limits.per_channel as usize;
    // Both processes get the whole flood (a duplicated delivery of every
    // event), concurrently.
    let run = |mut e: Engine, messages: Vec<Inbound>| {
        tokio::spawn(async move {
            let mut replied = Vec::new();
            for m in &messages {
                let d = e.handle(m, m.at).await.unwrap().decision;
                if d.action == ActionKind::Reply {
                    replied.push(m.id.clone());
                }
            }
            replied
        })
    };
    let (ra, rb) = (run(a, messages.clone()), run(b, messages));
    let mut replied = ra.await.unwrap();
    replied.extend(rb.await.unwrap());
    let total = replied.len();
    replied.sort();
    replied.dedup();
    assert_eq!(replied.len(), total, "no message was answered twice");
    assert_eq!(
        total, quota,
        "the channel quota holds across both processes"
    );
}

#[tokio::test]
async fn an_opt_out_and_a_cooldown_taken_in_one_process_hold_in_the_other() {
    let (_dir, mut a, mut b) = two_processes().await;
    let d = a
        .handle(&msg("m1", "alice", "general", ASK), t0())
        .await
        .unwrap();
    assert_eq!(d.decision.action, ActionKind::Reply);
    let d = b
        .handle(
            &msg("m2", "alice", "deals", ASK),
            t0() + Duration::minutes(5),
        )
        .await
        .unwrap();
    assert_eq!(
        d.decision.reason,
        Reason::Held {
            limit: Limit::UserCooldown
        },
        "alice's cooldown started in the other process"
    );
    let mut stop = msg("m3", "bob", "general", "stop");
    stop.mentions_bot = true;
    b.handle(&stop, t0()).await.unwrap();
    let d = a
        .handle(&msg("m4", "bob", "general", ASK), t0() + Duration::hours(3))
        .await
        .unwrap();
    assert_eq!(d.decision.reason, Reason::OptedOut);
    // The same message handed to the other process is already decided.
    let d = b
        .handle(&msg("m1", "alice", "general", ASK), t0())
        .await
        .unwrap();
    assert_eq!(d.decision.reason, Reason::AlreadyDecided);
}

#[tokio::test]
async fn a_block_and_a_ticket_closed_by_staff_of_one_process_reach_the_other() {
    use crate::core::tickets::StaffChange;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let path = path.to_str().unwrap();
    let (store_a, store_b) = (
        Store::open(path).await.unwrap(),
        Store::open(path).await.unwrap(),
    );
    let mut a = engine(&store_a).await;
    // Process B's staff block carol.
    let blocked = StaffChange::Blocked {
        user: "carol".into(),
        until: None,
    };
    store_b.log_staff_change(&blocked, t0()).await.unwrap();
    let d = a
        .handle(&msg("m1", "carol", "general", ASK), t0())
        .await
        .unwrap();
    assert_eq!(d.decision.reason, Reason::Blocked);
    // And unblock her.
    let unblocked = StaffChange::Unblocked {
        user: "carol".into(),
    };
    store_b.log_staff_change(&unblocked, t0()).await.unwrap();
    let d = a
        .handle(&msg("m2", "carol", "general", ASK), t0())
        .await
        .unwrap();
    assert_eq!(d.decision.action, ActionKind::Reply);
}
