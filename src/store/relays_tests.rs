//! Ticket lifecycle, relays and blocks over a real (in-memory) SQLite store.

use chrono::Duration;

use super::*;
use crate::core::model::HandoffTrigger;
use crate::core::state::Effect;
use crate::core::testing::t0;
use crate::store::ClaimOutcome;

async fn store_with_ticket() -> (Store, i64) {
    let store = Store::open(":memory:").await.unwrap();
    let open = Effect::OpenTicket {
        user: "4002".into(),
        user_name: "alice".into(),
        trigger: HandoffTrigger::DirectMessage,
        message_id: "101".into(),
        at: t0(),
    };
    let (deciding, _) = store.begin_deciding(0).await.unwrap();
    deciding.commit(&[open], None, t0()).await.unwrap();
    let id = store.open_ticket_of("4002").await.unwrap().unwrap().id;
    (store, id)
}

fn relay(ticket_id: i64, source: &str) -> NewRelay {
    NewRelay {
        ticket_id,
        direction: Direction::ToCustomer,
        source_message_id: source.into(),
        author_id: "4004".into(),
        text: "sam (Oak): hi".into(),
        attachments: vec!["https://cdn.example/a.png".into()],
        at: t0(),
    }
}

#[tokio::test]
async fn a_relay_is_stored_once_pending_and_settles_sent_or_failed() {
    let (store, ticket) = store_with_ticket().await;
    let id = store
        .add_relay(&relay(ticket, "m1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.add_relay(&relay(ticket, "m1")).await.unwrap(), None);
    let other = store
        .add_relay(&relay(ticket, "m2"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.pending_relays().await.unwrap().len(), 2);

    store
        .mark_relay_failed_attempt(id, "HTTP 502", false)
        .await
        .unwrap();
    let r = store.relay(id).await.unwrap().unwrap();
    assert_eq!((r.status.as_str(), r.attempts), ("pending", 1));
    assert_eq!(r.attachments, vec!["https://cdn.example/a.png".to_string()]);
    store.mark_relay_sent(id, t0()).await.unwrap();
    store
        .mark_relay_failed_attempt(other, "DMs closed", true)
        .await
        .unwrap();
    assert!(store.pending_relays().await.unwrap().is_empty());
    let all = store.relays_of(ticket).await.unwrap();
    let states: Vec<_> = all
        .iter()
        .map(|r| (r.status.as_str(), r.attempts))
        .collect();
    assert_eq!(states, [("sent", 2), ("failed", 1)]);
}

#[tokio::test]
async fn a_claimed_ticket_cannot_be_taken_and_a_closed_one_cannot_be_claimed() {
    let (store, ticket) = store_with_ticket().await;
    assert_eq!(
        store.claim(ticket, "sam", t0()).await.unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store.claim(ticket, "sam", t0()).await.unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store.claim(ticket, "priya", t0()).await.unwrap(),
        ClaimOutcome::HeldBy("sam".into())
    );
    assert!(store.unclaim(ticket).await.unwrap());
    assert!(!store.unclaim(ticket).await.unwrap());
    assert!(store
        .close_ticket(ticket, "sam", Some("bye"), t0())
        .await
        .unwrap());
    assert!(!store.close_ticket(ticket, "sam", None, t0()).await.unwrap());
    assert_eq!(
        store.claim(ticket, "sam", t0()).await.unwrap(),
        ClaimOutcome::NotOpen
    );
    let closed = store.closed_tickets_of("4002").await.unwrap();
    assert_eq!(closed[0].closing_message.as_deref(), Some("bye"));
    assert!(store.open_ticket_of("4002").await.unwrap().is_none());
}

#[tokio::test]
async fn the_first_staff_reply_and_the_reminder_are_recorded_once() {
    let (store, ticket) = store_with_ticket().await;
    store.set_thread(ticket, "900").await.unwrap();
    let later = t0() + Duration::minutes(3);
    store.record_first_staff_reply(ticket, later).await.unwrap();
    store
        .record_first_staff_reply(ticket, later + Duration::hours(1))
        .await
        .unwrap();
    assert!(store.mark_reminded(ticket, later).await.unwrap());
    assert!(
        !store
            .mark_reminded(ticket, later + Duration::hours(1))
            .await
            .unwrap(),
        "another process sharing the store cannot take the reminder again"
    );
    let t = store.ticket_by_thread("900").await.unwrap().unwrap();
    assert_eq!(
        (t.first_staff_reply_at, t.reminded_at),
        (Some(later), Some(later))
    );
    // A reminder that could not be posted is given back for the next round.
    store.unmark_reminded(ticket, later).await.unwrap();
    assert!(store.mark_reminded(ticket, later).await.unwrap());
}

#[tokio::test]
async fn blocks_survive_a_restart_in_the_core_state() {
    let (store, _) = store_with_ticket().await;
    let until = Some(t0() + Duration::hours(2));
    let block = |user: &str, until| BlockRecord {
        user_id: user.into(),
        until,
        blocked_by: "sam".into(),
        at: t0(),
    };
    store.block(&block("4003", until)).await.unwrap();
    store.block(&block("4005", None)).await.unwrap();
    store.block(&block("4006", None)).await.unwrap();
    assert!(store.unblock("4006").await.unwrap());
    let state = store
        .load_state(Duration::days(7), Duration::hours(1), Duration::hours(24))
        .await
        .unwrap();
    assert!(state.is_blocked("4003", t0() + Duration::hours(1)));
    assert!(!state.is_blocked("4003", t0() + Duration::hours(2)));
    assert!(state.is_blocked("4005", t0() + Duration::days(400)));
    assert!(!state.is_blocked("4006", t0()));
    assert!(state.has_open_ticket("4002"));
}
