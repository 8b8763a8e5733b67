//! Steps the ticket tests share: Alice opening a ticket by DM, a staff
//! member speaking in the thread, running a slash command, and reading what
//! the fake recorded (contents, DM posts, the acknowledgement).

use axum::http::Method;
use serde_json::{json, Value};

use crate::support::client::PROMPTLY;
use crate::support::fake_discord::{FakeDiscord, RecordedRequest};
use crate::support::fixtures::{
    dm_message_json, message_json, slash_command_json, user_json, Person, ALICE, BOB, STAFFER,
    STAFF_DESK,
};
use crate::ticket_bot::TicketBot;

pub const ALICE_DM: u64 = 9002;

pub fn content(r: &RecordedRequest) -> &str {
    r.json()["content"].as_str().unwrap_or("")
}

pub fn is_post_to(r: &RecordedRequest, channel: &str) -> bool {
    r.is(&Method::POST, &format!("/channels/{channel}/messages"))
}

/// Posts to channels other than the staff desk and ticket threads: the DMs.
pub fn dm_posts(fake: &FakeDiscord, from: usize, thread: &str) -> Vec<RecordedRequest> {
    fake.rest_requests()
        .into_iter()
        .skip(from)
        .filter(|r| r.is(&Method::POST, "/channels/*/messages"))
        .filter(|r| !is_post_to(r, thread) && !is_post_to(r, &STAFF_DESK.to_string()))
        .collect()
}

/// Alice DMs the bot; returns the ticket thread's id once its notice is posted.
pub async fn open_ticket(fake: &FakeDiscord, bot: &TicketBot, id: u64) -> String {
    let from = fake.request_count();
    let threads = format!("/channels/{STAFF_DESK}/threads");
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(
            id,
            ALICE_DM,
            &ALICE,
            "hi, can someone help me choose a table?",
        ),
    );
    fake.wait_for_request(from, PROMPTLY, |r| r.is(&Method::POST, &threads))
        .await;
    let notice = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("**Ticket #"))
        .await;
    let ticket = bot.open_ticket_of(&ALICE).await.unwrap();
    let thread = ticket.thread_id.expect("the thread is stored");
    assert!(is_post_to(&notice, &thread), "{}", notice.path);
    ack(fake, from, &thread).await;
    thread
}

/// The customer's acknowledgement: a post outside the thread.
pub async fn ack(fake: &FakeDiscord, from: usize, thread: &str) -> RecordedRequest {
    let is_ack = |r: &RecordedRequest| {
        r.is(&Method::POST, "/channels/*/messages")
            && !is_post_to(r, thread)
            && content(r).contains("our team")
    };
    fake.wait_for_request(from, PROMPTLY, is_ack).await
}

/// Waits (bounded) until `check` holds: for effects the store records just
/// after the REST call a test can wait on.
pub async fn until<F: std::future::Future<Output = bool>>(what: &str, check: impl Fn() -> F) {
    for _ in 0..500 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

/// A staff member's message in the thread reaches Alice's DM.
pub async fn staff_says(fake: &FakeDiscord, id: u64, thread: &str, text: &str) -> RecordedRequest {
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(id, thread.parse().unwrap(), &STAFFER, text),
    );
    fake.wait_for_request(from, PROMPTLY, |r| {
        content(r).ends_with(text) && !is_post_to(r, thread)
    })
    .await
}

pub fn slash(id: u64, name: &str, options: Value, who: &Person, channel: u64) -> Value {
    let mut event = slash_command_json(id, name, options, who, channel);
    event["data"]["resolved"] = json!({"users": {BOB.id.to_string(): user_json(BOB.id, BOB.name)}});
    event
}

pub async fn run_command(fake: &FakeDiscord, event: Value) -> Value {
    let from = fake.request_count();
    fake.dispatch("INTERACTION_CREATE", event);
    let callback = fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.is(&Method::POST, "/interactions/*/*/callback")
        })
        .await;
    callback.json()["data"].clone()
}
