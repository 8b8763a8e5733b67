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

/// Issue 13: a thread Discord refuses (50013, Missing Permissions) must not
/// leave staff uninformed while the customer is told "passed to our team".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_whose_thread_is_refused_is_announced_in_the_staff_channel() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let threads = format!("/channels/{STAFF_DESK}/threads");
    let desk_channel = STAFF_DESK.to_string();
    fake.fail_next_with_code(Method::POST, &threads, 403, 50013);
    let from = fake.request_count();
    let ask = "hi, can someone help me choose a table?";
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(901, ALICE_DM, &ALICE, ask),
    );
    let notice = fake
        .wait_for_request(from, PROMPTLY, |r| {
            is_post_to(r, &desk_channel) && content(r).contains("**Ticket #1**")
        })
        .await;
    let text = content(&notice);
    assert!(
        text.starts_with(
            "⚠️ I could not open a thread for ticket #1: Discord refused it (HTTP 403, code 50013"
        ),
        "{text}"
    );
    assert!(
        text.contains("Create Public Threads") && text.contains(ask),
        "{text}"
    );
    assert_eq!(
        notice.json()["allowed_mentions"]["roles"],
        json!([STAFF_ROLE.to_string()]),
        "the staff role is still pinged"
    );
    let store = bot.desk.store();
    until("where staff were told is recorded", || async {
        let ticket = store.ticket(1).await.unwrap();
        ticket.is_some_and(|t| t.staff_notice.is_some_and(|n| n.starts_with("channel: ")))
    })
    .await;
    let listing = ticket_listing(store).await;
    assert!(
        listing.contains("staff notified in the staff channel (no thread: Discord refused it (HTTP 403, code 50013"),
        "{listing}"
    );

    // The permission is fixed: the customer's next message opens the thread.
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(902, ALICE_DM, &ALICE, "are you there?"),
    );
    fake.wait_for_request(from, PROMPTLY, |r| r.is(&Method::POST, &threads))
        .await;
    let relayed = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("> are you there?"))
        .await;
    let thread = store.ticket(1).await.unwrap().unwrap().thread_id.unwrap();
    assert!(is_post_to(&relayed, &thread), "{}", relayed.path);
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_neither_thread_nor_staff_channel_takes_the_notice_tickets_say_staff_not_notified() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    fake.fail_next_with_code(
        Method::POST,
        &format!("/channels/{STAFF_DESK}/threads"),
        403,
        50013,
    );
    fake.fail_next_with_code(
        Method::POST,
        &format!("/channels/{STAFF_DESK}/messages"),
        403,
        50013,
    );
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(
            911,
            ALICE_DM,
            &ALICE,
            "hi, can someone help me choose a table?",
        ),
    );
    let store = bot.desk.store();
    until("the failed notice is recorded", || async {
        let ticket = store.ticket(1).await.unwrap();
        ticket.is_some_and(|t| t.staff_notice.is_some_and(|n| n.starts_with("failed: ")))
    })
    .await;
    let listing = ticket_listing(store).await;
    assert!(
        listing.contains("STAFF NOT NOTIFIED (Discord refused it (HTTP 403, code 50013"),
        "{listing}"
    );
    let audit = store
        .audit(&shopkeep::store::AuditFilter::default())
        .await
        .unwrap();
    let handoff = audit
        .iter()
        .find(|r| r.message_id == "911")
        .unwrap_or_else(|| panic!("{audit:#?}"));
    assert!(
        handoff
            .staff_notice
            .as_deref()
            .is_some_and(|n| n.starts_with("failed: ")),
        "the audit shows it too: {handoff:?}"
    );
    bot.client.shutdown_within(PROMPTLY).await;
}

/// `shopkeep tickets close N` from a terminal while the bot runs: the
/// bot's next desk round tells the thread, sends the closing message,
/// archives and locks the thread, and the customer's next DM opens a new
/// ticket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_closed_from_the_command_line_is_carried_out_by_the_running_bot() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let fake = fake().await;
    let bot = start_bot(&fake, &db).await;
    let thread = open_ticket(&fake, &bot, 921).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shopkeep"))
        .args([
            "tickets",
            "close",
            "1",
            "--by",
            "sam",
            "--message",
            "Enjoy the table!",
        ])
        .arg("--db")
        .arg(&db)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ticket #1 (alice) closed by sam"));

    let from = fake.request_count();
    assert_eq!(
        bot.desk.retry_pending().await.unwrap(),
        2,
        "the thread line and the closing message"
    );
    let line = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("closed by sam"))
        .await;
    assert!(is_post_to(&line, &thread));
    let closing = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("Enjoy the table!"))
        .await;
    assert!(
        !is_post_to(&closing, &thread),
        "the closing message goes to the customer"
    );
    let archived = fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.is(&Method::PATCH, &format!("/channels/{thread}"))
        })
        .await;
    assert_eq!(archived.json()["locked"], true);

    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(922, ALICE_DM, &ALICE, "one more question"),
    );
    fake.wait_for_request(from, PROMPTLY, |r| content(r).contains("**Ticket #2**"))
        .await;
    bot.client.shutdown_within(PROMPTLY).await;
}

async fn ticket_listing(store: &shopkeep::store::Store) -> String {
    let tickets = store.tickets(&Default::default()).await.unwrap();
    let mut out = Vec::new();
    shopkeep::views::write_tickets(&tickets, chrono::Utc::now(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
