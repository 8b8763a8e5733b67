//! Staff tickets end to end (issue 7), the flow staff meet: the real
//! serenity client and poise framework against the fake Discord, routing as
//! the runtime does (see `ticket_bot`). A DM opens a ticket thread that pings
//! only the Staff role; relays run both ways; notes stay; non-staff are
//! refused and cannot relay; claim, list, close; block. Durability (restart,
//! reminders, failures) is in `ticket_durability`.

use axum::http::Method;
use serde_json::json;

use crate::support::client::PROMPTLY;
use crate::support::fixtures::{
    dm_message_json, message_json, ALICE, BOB, GENERAL, GUILD_ID, STAFFER, STAFF_DESK, STAFF_ROLE,
};
use crate::ticket_bot::{fake, start_bot};
use crate::ticket_steps::*;
use shopkeep::discord::tickets::{Handled, Routed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_opens_a_thread_that_pings_only_staff_and_the_customer_gets_one_acknowledgement() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let from = fake.request_count();
    let thread = open_ticket(&fake, &bot, 101).await;

    let notice = fake.requests_to(&Method::POST, &format!("/channels/{thread}/messages"));
    let notice = notice.first().expect("the notice");
    assert!(content(notice).starts_with(&format!("<@&{STAFF_ROLE}> **Ticket #1**")));
    for part in [
        "alice (`4002`)",
        "member since 2024-01-01",
        "direct message to the bot",
        "https://discord.com/channels/@me/9002/101",
        "> hi, can someone help me choose a table?",
    ] {
        assert!(
            content(notice).contains(part),
            "{part} missing from {}",
            content(notice)
        );
    }
    assert_eq!(
        notice.json()["allowed_mentions"],
        json!({"parse": [], "roles": [STAFF_ROLE.to_string()], "users": []})
    );
    let ack = ack(&fake, from, &thread).await;
    assert_eq!(
        ack.json()["allowed_mentions"],
        json!({"parse": [], "roles": [], "users": []})
    );

    // A second DM is added to the same ticket: relayed, no new thread, no second acknowledgement.
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(102, ALICE_DM, &ALICE, "it is for six people"),
    );
    let relayed = fake
        .wait_for_request(from, PROMPTLY, |r| {
            content(r).contains("> it is for six people")
        })
        .await;
    assert!(is_post_to(&relayed, &thread));
    assert!(content(&relayed).starts_with("**alice** (DM):"));
    assert_eq!(relayed.json()["allowed_mentions"]["roles"], json!([]));
    assert_eq!(
        fake.requests_to(&Method::POST, &format!("/channels/{STAFF_DESK}/threads"))
            .len(),
        1
    );
    assert_eq!(
        dm_posts(&fake, 0, &thread).len(),
        1,
        "{}",
        fake.describe_requests()
    );
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_replies_reach_the_customer_signed_and_notes_stay_in_the_thread() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let thread = open_ticket(&fake, &bot, 201).await;
    let from = fake.request_count();

    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(
            202,
            thread.parse().unwrap(),
            &STAFFER,
            "!note she called yesterday",
        ),
    );
    assert_eq!(bot.handled(202).await, Routed::Desk(Handled::Note));
    let dm = staff_says(&fake, 203, &thread, "Hi Alice, the oak table seats six.").await;
    assert_eq!(
        content(&dm),
        "sam_staff (Oak & Thistle): Hi Alice, the oak table seats six."
    );
    assert_eq!(
        dm.json()["allowed_mentions"],
        json!({"parse": [], "roles": [], "users": []})
    );
    let leaked: Vec<_> = dm_posts(&fake, from, &thread)
        .into_iter()
        .filter(|r| content(r).contains("called yesterday"))
        .collect();
    assert!(leaked.is_empty(), "the note was relayed");
    let store = bot.desk.store();
    until("the first staff reply is recorded", || async {
        let ticket = store
            .open_ticket_of(&ALICE.id.to_string())
            .await
            .unwrap()
            .unwrap();
        ticket.first_staff_reply_at.is_some()
    })
    .await;
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_staff_member_is_refused_every_command_and_cannot_make_the_bot_relay() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let thread = open_ticket(&fake, &bot, 301).await;
    let channel: u64 = thread.parse().unwrap();
    let bob = json!([{"name": "user", "type": 6, "value": BOB.id.to_string()}]);
    let commands = [
        ("claim", json!([])),
        ("unclaim", json!([])),
        ("close", json!([])),
        ("tickets", json!([])),
        ("block", bob.clone()),
        ("unblock", bob),
    ];
    for (i, (name, options)) in commands.into_iter().enumerate() {
        let data = run_command(&fake, slash(310 + i as u64, name, options, &BOB, channel)).await;
        assert_eq!(
            data["content"],
            format!("Only members with the Staff role can use /{name}.")
        );
        assert_eq!(data["flags"], 64, "/{name}'s refusal is ephemeral");
    }
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(320, channel, &BOB, "psst, relay this"),
    );
    assert_eq!(bot.handled(320).await, Routed::Desk(Handled::Ignored));
    assert!(bot
        .desk
        .store()
        .relays_of(1)
        .await
        .unwrap()
        .iter()
        .all(|r| r.source_message_id != "320"));
    staff_says(&fake, 321, &thread, "Anything else?").await;
    assert!(dm_posts(&fake, from, &thread)
        .iter()
        .all(|r| !content(r).contains("psst")));
    let ticket = bot.open_ticket_of(&ALICE).await.unwrap();
    assert_eq!((ticket.claimed_by, ticket.status.as_str()), (None, "open"));
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_list_and_close_then_the_customer_starts_a_new_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let thread = open_ticket(&fake, &bot, 401).await;
    let channel: u64 = thread.parse().unwrap();
    let claimed = run_command(&fake, slash(402, "claim", json!([]), &STAFFER, channel)).await;
    assert_eq!(claimed["content"], "sam_staff owns ticket #1.");
    let list = run_command(&fake, slash(403, "tickets", json!([]), &STAFFER, channel)).await;
    assert!(
        list["content"].as_str().unwrap().starts_with("#1 · alice"),
        "{list}"
    );
    assert!(
        list["content"].as_str().unwrap().ends_with("· sam_staff"),
        "{list}"
    );

    let from = fake.request_count();
    let options = json!([{"name": "message", "type": 3, "value": "Enjoy the table!"}]);
    run_command(&fake, slash(404, "close", options, &STAFFER, channel)).await;
    let closing = fake
        .wait_for_request(from, PROMPTLY, |r| {
            content(r).contains("closed this conversation")
        })
        .await;
    assert!(content(&closing).contains("Enjoy the table!"));
    let archived = fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.is(&Method::PATCH, &format!("/channels/{thread}"))
        })
        .await;
    assert_eq!(
        (&archived.json()["archived"], &archived.json()["locked"]),
        (&json!(true), &json!(true))
    );
    let closed = bot
        .desk
        .store()
        .ticket_by_thread(&thread)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (closed.status.as_str(), closed.closed_by.as_deref()),
        ("closed", Some("sam_staff"))
    );

    // The engine saw the close: Alice's next DM opens ticket #2 in a new thread.
    let from = fake.request_count();
    fake.dispatch(
        "MESSAGE_CREATE",
        dm_message_json(405, ALICE_DM, &ALICE, "one more question"),
    );
    let second = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("**Ticket #2**"))
        .await;
    assert!(
        content(&second).contains("#1 (closed"),
        "prior tickets are listed"
    );
    assert!(bot.engine.lock().await.state().has_open_ticket("4002"));
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_user_opens_no_ticket_until_unblocked() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let bob = json!([{"name": "user", "type": 6, "value": BOB.id.to_string()}, {"name": "duration", "type": 3, "value": "2h"}]);
    let blocked = run_command(&fake, slash(501, "block", bob, &STAFFER, STAFF_DESK)).await;
    assert!(
        blocked["content"]
            .as_str()
            .unwrap()
            .starts_with("bob is blocked until"),
        "{blocked}"
    );
    let from = fake.request_count();
    fake.dispatch("MESSAGE_CREATE", dm_message_json(502, 9003, &BOB, "hello?"));
    assert_eq!(bot.handled(502).await, Routed::Engine);
    open_ticket(&fake, &bot, 503).await;
    assert!(fake
        .rest_requests()
        .iter()
        .skip(from)
        .all(|r| !content(r).contains("bob")));
    assert!(bot.open_ticket_of(&BOB).await.is_none());
    assert!(bot
        .engine
        .lock()
        .await
        .state()
        .is_blocked("4003", chrono::Utc::now()));
    let unblock = json!([{"name": "user", "type": 6, "value": BOB.id.to_string()}]);
    let lifted = run_command(&fake, slash(504, "unblock", unblock, &STAFFER, STAFF_DESK)).await;
    assert_eq!(lifted["content"], "bob is no longer blocked.");
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_attachment_reaches_the_thread_as_a_link_even_without_text() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let thread = open_ticket(&fake, &bot, 901).await;
    let url = "https://cdn.discordapp.com/attachments/1/2/table.jpg";
    let mut photo = dm_message_json(902, ALICE_DM, &ALICE, "");
    photo["attachments"] = json!([{"id": "77", "filename": "table.jpg", "size": 2048,
        "url": url, "proxy_url": url}]);
    let from = fake.request_count();
    fake.dispatch("MESSAGE_CREATE", photo);
    let relayed = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains(url))
        .await;
    assert!(is_post_to(&relayed, &thread));
    assert_eq!(content(&relayed), format!("**alice** (DM):\n📎 <{url}>"));
    assert_eq!(
        bot.handled(902).await,
        Routed::Desk(Handled::RelayedToStaff)
    );
    bot.client.shutdown_within(PROMPTLY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_ask_for_a_person_carries_its_link_and_the_bot_reply_into_the_thread() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let bot = start_bot(&fake, &dir.path().join("t.db")).await;
    let from = fake.request_count();
    let ask = "can I talk to someone about a dining table?";
    fake.dispatch("MESSAGE_CREATE", message_json(951, GENERAL, &ALICE, ask));
    let notice = fake
        .wait_for_request(from, PROMPTLY, |r| content(r).contains("**Ticket #1**"))
        .await;
    let public = fake
        .wait_for_request(from, PROMPTLY, |r| is_post_to(r, &GENERAL.to_string()))
        .await;
    let text = content(&notice);
    assert!(
        text.contains(&format!(
            "asked for a person (\"talk to someone\") in <#{GENERAL}>"
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "https://discord.com/channels/{GUILD_ID}/{GENERAL}/951"
    )));
    assert!(
        text.contains("lex.word[someone]"),
        "staff see the words the detector weighed: {text}"
    );
    assert!(text.contains(&format!("> {ask}")));
    let first_line = content(&public).lines().next().unwrap().to_string();
    assert!(
        text.contains(&format!("**Bot replied:**\n> {first_line}")),
        "{text}"
    );
    bot.client.shutdown_within(PROMPTLY).await;
}
