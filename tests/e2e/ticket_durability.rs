//! Staff tickets that survive trouble (issue 7): a restart keeps relaying
//! and re-delivers what failed; an unclaimed ticket is reminded once (fake
//! clock); a reply the customer cannot receive is reported in the thread.

use axum::http::Method;
use chrono::Duration;
use serde_json::json;

use crate::support::client::PROMPTLY;
use crate::support::fixtures::{
    dm_message_json, message_json, ALICE, STAFFER, STAFF_DESK, STAFF_ROLE,
};
use crate::ticket_bot::{fake, start_bot, TicketBot};
use crate::ticket_steps::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_open_tickets_keep_relaying_and_pending_relays_are_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let fake = fake().await;
    let bot = start_bot(&fake, &db).await;
    let thread = open_ticket(&fake, &bot, 601).await;
    // Discord fails every try of this reply: it stays pending in the store.
    for _ in 0..2 {
        fake.fail_next(Method::POST, "/channels/*/messages", 502);
    }
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(602, thread.parse().unwrap(), &STAFFER, "Sorry for the wait"),
    );
    let failed = fake
        .wait_for_request(from, PROMPTLY, |r| r.status == 502)
        .await;
    fake.wait_for_request(from, PROMPTLY, |r| r.status == 502 && r.at > failed.at)
        .await;
    let TicketBot { client, desk, .. } = bot;
    client.shutdown_within(PROMPTLY).await;
    until("the failed round is recorded", || async {
        let pending = desk.store().pending_relays().await.unwrap();
        pending.len() == 1 && pending[0].attempts == 1
    })
    .await;
    drop(desk);

    let bot = start_bot(&fake, &db).await;
    let from = fake.request_count();
    assert_eq!(bot.desk.retry_pending().await.unwrap(), 1);
    let late = fake
        .wait_for_request(from, PROMPTLY, |r| {
            content(r).ends_with("Sorry for the wait")
        })
        .await;
    assert_eq!(late.status, 200);
    staff_says(&fake, 603, &thread, "Back now.").await;
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(604, ALICE_DM, &ALICE, "great, thanks"),
    );
    let relayed = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("> great, thanks"))
        .await;
    assert!(
        is_post_to(&relayed, &thread),
        "the same thread carries the ticket"
    );
    assert_eq!(
        fake.requests_to(&Method::POST, &format!("/channels/{STAFF_DESK}/threads"))
            .len(),
        1
    );
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unclaimed_ticket_is_reminded_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let thread = open_ticket(&fake, &bot, 701).await;
    let opened = bot.open_ticket_of(&ALICE).await.unwrap().opened_at;
    let from = fake.request_count();
    assert!(bot
        .desk
        .remind_unclaimed(opened + Duration::minutes(14))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        bot.desk
            .remind_unclaimed(opened + Duration::minutes(16))
            .await
            .unwrap(),
        vec![1]
    );
    assert!(bot
        .desk
        .remind_unclaimed(opened + Duration::minutes(60))
        .await
        .unwrap()
        .is_empty());
    let reminders: Vec<_> = fake
        .rest_requests()
        .into_iter()
        .skip(from)
        .filter(|r| r.is(&Method::POST, "/channels/*/messages"))
        .collect();
    assert_eq!(reminders.len(), 1, "{}", fake.describe_requests());
    assert!(is_post_to(&reminders[0], &thread));
    assert_eq!(
        content(&reminders[0]),
        format!(
            "<@&{STAFF_ROLE}> Ticket #1 has waited 16m without an owner. Use /claim to take it."
        )
    );
    assert_eq!(
        reminders[0].json()["allowed_mentions"]["roles"],
        json!([STAFF_ROLE.to_string()])
    );
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_the_customer_cannot_receive_is_reported_in_the_thread() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let thread = open_ticket(&fake, &bot, 801).await;
    fake.fail_next_with_code(Method::POST, "/channels/*/messages", 403, 50007);
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(802, thread.parse().unwrap(), &STAFFER, "Are you there?"),
    );
    let report = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("NOT delivered"))
        .await;
    assert!(is_post_to(&report, &thread));
    assert!(
        content(&report).contains("does not accept DMs"),
        "{}",
        content(&report)
    );
    let store = bot.desk.store();
    until("the relay is marked failed", || async {
        store.relays_of(1).await.unwrap().last().unwrap().status == "failed"
    })
    .await;
    bot.client.shutdown_within(PROMPTLY).await;
}
