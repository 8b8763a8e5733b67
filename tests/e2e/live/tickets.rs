//! The ticket desk wired into `run()`: a DM opens a ticket thread in the
//! staff channel, relays run both ways, notes stay, and the staff slash
//! commands are served (and refused to non-staff) by the live runtime.

use axum::http::Method;
use serde_json::json;

use super::{start_bot, start_bot_on, Bot};
use crate::support::client::PROMPTLY;
use crate::support::fake_discord::RecordedRequest;
use crate::support::fixtures::{
    dm_message_json, message_json, ALICE, APPLICATION_ID, BOB, STAFFER, STAFF_DESK, STAFF_ROLE,
};
use crate::ticket_steps::{ack, content, dm_posts, is_post_to, run_command, slash, ALICE_DM};
use shopkeep::store::Store;

const FIRST_DM: &str = "hi, can someone help me choose a table?";

/// Alice DMs the bot through `run()`; returns the ticket thread's id and the
/// thread's opening notice once it is posted.
async fn open_ticket(bot: &Bot, id: u64) -> (String, RecordedRequest) {
    let from = bot.fake.request_count();
    let threads = format!("/channels/{STAFF_DESK}/threads");
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(id, ALICE_DM, &ALICE, FIRST_DM),
    );
    bot.fake
        .wait_for_request(from, PROMPTLY, |r| r.is(&Method::POST, &threads))
        .await;
    let notice = bot
        .fake
        .wait_for_request(from, PROMPTLY, |r| text_of(r).contains("**Ticket #"))
        .await;
    let thread = notice
        .route()
        .strip_prefix("/channels/")
        .and_then(|r| r.strip_suffix("/messages"))
        .expect("the notice is posted in a channel")
        .to_string();
    assert_ne!(thread, STAFF_DESK.to_string(), "posted in a thread");
    (thread, notice)
}

/// Waits until poise has registered the staff commands (slash commands are
/// held back until then); returns the registration.
async fn commands_registered(bot: &Bot) -> RecordedRequest {
    let route = format!("/applications/{APPLICATION_ID}/commands");
    bot.fake
        .wait_for_request(0, PROMPTLY, |r| r.is(&Method::PUT, &route))
        .await
}

/// A staff member's message in the thread reaches Alice's DM.
async fn staff_says(bot: &Bot, id: u64, thread: &str, text: &str) -> RecordedRequest {
    let from = bot.fake.request_count();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message_json(id, thread.parse().unwrap(), &STAFFER, text),
    );
    bot.fake
        .wait_for_request(from, PROMPTLY, |r| {
            text_of(r).ends_with(text) && !is_post_to(r, thread)
        })
        .await
}

/// The content of a request with a JSON body ("" otherwise).
fn text_of(r: &RecordedRequest) -> &str {
    r.body
        .as_ref()
        .and_then(|b| b["content"].as_str())
        .unwrap_or("")
}

async fn open_store(dir: &tempfile::TempDir) -> Store {
    let path = dir.path().join("shopkeep.db").display().to_string();
    Store::open(&path).await.expect("reopen the store")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_through_run_opens_a_ticket_thread_pinging_only_staff_with_one_acknowledgement() {
    let bot = start_bot(|_| {}).await;
    let (thread, notice) = open_ticket(&bot, 30_001).await;

    let text = content(&notice);
    assert!(
        text.starts_with(&format!("<@&{STAFF_ROLE}> **Ticket #1**")),
        "{text}"
    );
    for part in [
        "alice (`4002`)",
        "direct message to the bot",
        "https://discord.com/channels/@me/9002/30001",
        "> hi, can someone help me choose a table?",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    assert_eq!(
        notice.json()["allowed_mentions"],
        json!({"parse": [], "roles": [STAFF_ROLE.to_string()], "users": []})
    );
    let ack = ack(&bot.fake, 0, &thread).await;
    assert_eq!(ack.route(), format!("/channels/{ALICE_DM}/messages"));
    assert_eq!(
        ack.json()["allowed_mentions"]["roles"],
        json!([]),
        "the acknowledgement pings no role"
    );

    // A second DM is added to the same ticket: no new thread, no second acknowledgement.
    let from = bot.fake.request_count();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(30_002, ALICE_DM, &ALICE, "it is for six people"),
    );
    let relayed = bot
        .fake
        .wait_for_request(from, PROMPTLY, |r| {
            text_of(r).contains("> it is for six people")
        })
        .await;
    assert!(is_post_to(&relayed, &thread), "{}", relayed.path);

    let done = bot.finish().await;
    let fake = &done.fake;
    let threads = format!("/channels/{STAFF_DESK}/threads");
    assert_eq!(fake.requests_to(&Method::POST, &threads).len(), 1);
    let to_customer = dm_posts(fake, 0, &thread);
    assert_eq!(
        to_customer.len(),
        1,
        "one acknowledgement: {}",
        fake.describe_requests()
    );
    assert!(
        done.posts_in(STAFF_DESK).is_empty(),
        "no plain staff notice besides the thread"
    );
    let pings: Vec<_> = fake
        .requests_to(&Method::POST, "/channels/*/messages")
        .into_iter()
        .filter(|r| r.json()["allowed_mentions"]["roles"] != json!([]))
        .collect();
    assert_eq!(pings.len(), 1, "only the opening notice pings a role");
    assert_eq!(
        done.record(30_001).reason_code,
        "handoff",
        "{:?}",
        done.record(30_001)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_reply_reaches_the_customers_dm_and_a_note_does_not() {
    let bot = start_bot(|_| {}).await;
    let (thread, _) = open_ticket(&bot, 31_001).await;
    ack(&bot.fake, 0, &thread).await;
    let from = bot.fake.request_count();

    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message_json(
            31_002,
            thread.parse().unwrap(),
            &STAFFER,
            "!note she called yesterday",
        ),
    );
    let dm = staff_says(&bot, 31_003, &thread, "Hi Alice, the oak table seats six.").await;
    assert_eq!(
        dm_posts(&bot.fake, from, &thread).len(),
        1,
        "sent to the DM"
    );
    assert_eq!(
        content(&dm),
        "sam_staff (Oak & Thistle): Hi Alice, the oak table seats six."
    );
    assert_eq!(
        dm.json()["allowed_mentions"],
        json!({"parse": [], "roles": [], "users": []})
    );
    // Barrier: a second reply, handled after the note.
    staff_says(&bot, 31_004, &thread, "It comes in two finishes.").await;

    let (result, fake, dir) = bot.stop().await;
    result.expect("run returns Ok after a shutdown signal");
    let leaked: Vec<_> = dm_posts(&fake, from, &thread)
        .into_iter()
        .filter(|r| content(r).contains("called yesterday"))
        .collect();
    assert!(leaked.is_empty(), "the note was relayed: {leaked:?}");
    let store = open_store(&dir).await;
    let ticket = store
        .open_ticket_of(&ALICE.id.to_string())
        .await
        .unwrap()
        .expect("the ticket is still open");
    let relays = store.relays_of(ticket.id).await.unwrap();
    assert!(relays.iter().all(|r| r.source_message_id != "31002"));
    assert!(
        ticket.first_staff_reply_at.is_some(),
        "time to first staff reply is recorded"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_staff_claim_is_refused_and_staff_claim_through_run() {
    let bot = start_bot(|_| {}).await;
    let registered = commands_registered(&bot).await;
    // Members without Manage Messages do not even see the staff commands.
    for command in registered.json().as_array().unwrap() {
        assert_eq!(
            command["default_member_permissions"], "8192",
            "{} is hidden from members",
            command["name"]
        );
    }
    let (thread, _) = open_ticket(&bot, 32_001).await;
    let channel: u64 = thread.parse().unwrap();

    let refused = run_command(&bot.fake, slash(32_002, "claim", json!([]), &BOB, channel)).await;
    assert_eq!(
        refused["content"],
        "Only members with the Staff role can use /claim."
    );
    assert_eq!(refused["flags"], 64, "the refusal is ephemeral");
    let list = run_command(
        &bot.fake,
        slash(32_003, "tickets", json!([]), &STAFFER, channel),
    )
    .await;
    assert!(
        list["content"].as_str().unwrap().ends_with("· unclaimed"),
        "bob's /claim changed nothing: {list}"
    );
    let claimed = run_command(
        &bot.fake,
        slash(32_004, "claim", json!([]), &STAFFER, channel),
    )
    .await;
    assert_eq!(claimed["content"], "sam_staff owns ticket #1.");

    let (result, _fake, dir) = bot.stop().await;
    result.expect("run returns Ok after a shutdown signal");
    let store = open_store(&dir).await;
    let ticket = store
        .ticket_by_thread(&thread)
        .await
        .unwrap()
        .expect("the ticket");
    assert_eq!(ticket.claimed_by.as_deref(), Some("sam_staff"));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_shadow_mode_a_dm_opens_a_ticket_and_is_acknowledged_once() {
    // Shadow mode keeps the bot quiet in public; a person who writes to it
    // privately during the shadow week still hears that staff have it.
    let bot = start_bot(|c| c.mode = shopkeep::core::policy::Mode::Shadow).await;
    let (thread, _) = open_ticket(&bot, 33_001).await;
    ack(&bot.fake, 0, &thread).await;
    // Barrier: the second DM's relay into the thread comes after any
    // acknowledgement it could have had.
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(33_002, ALICE_DM, &ALICE, "hello again"),
    );
    bot.fake
        .wait_for_request(0, PROMPTLY, |r| text_of(r).contains("> hello again"))
        .await;

    let done = bot.finish().await;
    assert_eq!(
        dm_posts(&done.fake, 0, &thread).len(),
        1,
        "one acknowledgement to the customer, none for the second DM: {}",
        done.fake.describe_requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_of_run_a_pending_staff_reply_is_delivered_and_the_ticket_keeps_relaying() {
    let bot = start_bot(|_| {}).await;
    let (thread, _) = open_ticket(&bot, 34_001).await;
    ack(&bot.fake, 0, &thread).await;
    // Discord fails both tries of this reply's round: it stays pending.
    for _ in 0..2 {
        bot.fake
            .fail_next(Method::POST, "/channels/*/messages", 502);
    }
    let from = bot.fake.request_count();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        message_json(
            34_002,
            thread.parse().unwrap(),
            &STAFFER,
            "Sorry for the wait",
        ),
    );
    let failed = bot
        .fake
        .wait_for_request(from, PROMPTLY, |r| r.status == 502)
        .await;
    bot.fake
        .wait_for_request(from, PROMPTLY, |r| r.status == 502 && r.at > failed.at)
        .await;
    let (result, fake, dir) = bot.stop().await;
    result.expect("run returns Ok after a shutdown signal");

    // The restarted bot's first desk round re-delivers it, unprompted.
    let from = fake.request_count();
    let bot = start_bot_on(fake, dir, |_| {}).await;
    let late = bot
        .fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.status == 200 && text_of(r).ends_with("Sorry for the wait")
        })
        .await;
    assert!(!is_post_to(&late, &thread), "sent to the customer's DM");
    let from = bot.fake.request_count();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(34_003, ALICE_DM, &ALICE, "great, thanks"),
    );
    let relayed = bot
        .fake
        .wait_for_request(from, PROMPTLY, |r| text_of(r).contains("> great, thanks"))
        .await;
    assert!(
        is_post_to(&relayed, &thread),
        "the same thread carries the ticket"
    );
    let done = bot.finish().await;
    let threads = format!("/channels/{STAFF_DESK}/threads");
    assert_eq!(done.fake.requests_to(&Method::POST, &threads).len(), 1);
}
