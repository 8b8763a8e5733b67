//! Proves the harness drives the real client: serenity, built through the
//! production seam, reaches the fake (never Discord), identifies with our intents,
//! replies once without pings, sees its own echo, observes an injected 500,
//! resumes after a disconnect, keeps beating, and shuts down cleanly.

use axum::http::Method;
use serde_json::json;
use shopkeep::discord::intents;

use crate::replier::{assert_saw, next_seen, next_seen_unordered, started, Seen};
use crate::support::client::PROMPTLY;
use crate::support::fake_discord::{ClientFrame, FakeConfig, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME};
use crate::support::fixtures::*;

pub const POST_MESSAGE: &str = "/channels/*/messages";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reaches_the_fake_identifies_with_our_intents_and_stops_cleanly() {
    let (fake, client, _seen) = started(FakeConfig::default()).await;

    let identify = &fake.identify_payloads()[0];
    assert_eq!(identify["intents"].as_u64(), Some(intents().bits()));
    assert_eq!(identify["token"], json!(format!("Bot {TOKEN}")));
    assert_eq!(fake.gateway_connections(), vec!["/?v=10".to_owned()]);
    let gateway = &fake.requests_to(&Method::GET, "/gateway")[0];
    assert_eq!(gateway.header("authorization"), Some("Bot fake-token"));

    let from = fake.frame_count();
    client.shutdown_within(PROMPTLY).await;
    fake.assert_closed_cleanly(from, PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_gets_exactly_one_reply_without_pings_and_its_echo_comes_back() {
    let (fake, client, mut seen) = started(FakeConfig::default()).await;
    let from = fake.request_count();

    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(11, DEALS, &ALICE, "where can I buy an oak table?"),
    );

    let post = fake
        .wait_for_request(from, PROMPTLY, |r| r.is(&Method::POST, POST_MESSAGE))
        .await;
    assert_eq!(post.route(), format!("/channels/{DEALS}/messages"));
    assert_eq!(post.status, 200);
    let body = post.json();
    assert_eq!(body["content"], "Hi alice!");
    assert_eq!(
        body["allowed_mentions"],
        json!({"parse": [], "roles": [], "users": []})
    );
    assert_eq!(body["message_reference"]["message_id"], "11");
    // The handler reports the echo only after deciding not to answer it.
    let got = next_seen_unordered(&mut seen, 2).await;
    assert_saw(&got, &[Seen::Replied, Seen::Echo("Hi alice!".into())]);
    assert_eq!(fake.requests_to(&Method::POST, POST_MESSAGE).len(), 1);

    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_injected_500_reaches_the_handler_and_only_the_next_post_fails() {
    let (fake, client, mut seen) = started(FakeConfig::default()).await;
    fake.fail_next(Method::POST, POST_MESSAGE, 500);

    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(21, GENERAL, &BOB, "got any discounts?"),
    );
    match next_seen(&mut seen).await {
        Seen::SendFailed(error) => assert!(error.contains("500"), "{error}"),
        other => panic!("expected the 500 to reach the handler, got {other:?}"),
    }
    fake.dispatch("MESSAGE_CREATE", message_json(22, GENERAL, &BOB, "hello?"));
    assert_saw(
        &next_seen_unordered(&mut seen, 2).await,
        &[Seen::Replied, Seen::Echo("Hi bob!".into())],
    );

    let statuses: Vec<u16> = fake
        .requests_to(&Method::POST, POST_MESSAGE)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![500, 200]);
    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disconnect_is_resumed_and_events_sent_meanwhile_are_replayed() {
    let (fake, client, mut seen) = started(FakeConfig::default()).await;
    let frames_before = fake.frame_count();

    assert!(fake.disconnect());
    // Sent while the client is away: Discord replays it on RESUME, and so does the fake.
    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(31, GENERAL, &ALICE, "still open?"),
    );

    let resume = fake
        .wait_for_frame(frames_before, PROMPTLY, |f| f.op == Some(OP_RESUME))
        .await;
    assert_eq!(resume.d["session_id"], "fake-session-1");
    let got = next_seen_unordered(&mut seen, 3).await;
    assert_saw(
        &got,
        &[Seen::Replied, Seen::Resumed, Seen::Echo("Hi alice!".into())],
    );
    assert_eq!(fake.gateway_connections().len(), 2);
    let identifies = fake
        .client_frames()
        .iter()
        .filter(|f| f.op == Some(OP_IDENTIFY))
        .count();
    assert_eq!(identifies, 1, "a resume must not re-identify");

    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zlib_frames_slash_commands_and_the_staff_desk_overwrite_all_work() {
    let cfg = FakeConfig {
        zlib_dispatches: true,
        ..FakeConfig::default()
    };
    let (fake, client, mut seen) = started(cfg).await;

    // staff-desk hides itself from @everyone; the bot's member overwrite lets it post.
    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(41, STAFF_DESK, &STAFFER, "handoff test"),
    );
    assert_saw(
        &next_seen_unordered(&mut seen, 2).await,
        &[Seen::Replied, Seen::Echo("Hi sam_staff!".into())],
    );

    let from = fake.request_count();
    fake.dispatch(
        "INTERACTION_CREATE",
        slash_command_json(42, "ping", json!([]), &ALICE, GENERAL),
    );
    let callback = fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.is(&Method::POST, "/interactions/*/*/callback")
        })
        .await;
    assert_eq!(
        callback.route(),
        "/interactions/42/interaction-token-42/callback"
    );
    assert_eq!(callback.json()["type"], 4);
    assert_eq!(callback.json()["data"]["content"], "pong");

    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acked_heartbeats_keep_the_session_without_reidentifying() {
    // serenity checks heartbeats at least every 500 ms, so 100 ms beats about twice a second.
    let cfg = FakeConfig {
        heartbeat_interval_ms: 100,
        ..FakeConfig::default()
    };
    let (fake, client, mut seen) = started(cfg).await;
    let is_beat = |f: &ClientFrame| f.op == Some(OP_HEARTBEAT);
    let first = fake.wait_for_frame(0, PROMPTLY, is_beat).await;
    let index = fake
        .client_frames()
        .iter()
        .position(|f| f.at == first.at)
        .unwrap();
    fake.wait_for_frame(index + 1, PROMPTLY, is_beat).await;

    fake.dispatch(
        "MESSAGE_CREATE",
        message_json(71, RANDOM, &BOB, "still there?"),
    );
    assert_saw(
        &next_seen_unordered(&mut seen, 2).await,
        &[Seen::Replied, Seen::Echo("Hi bob!".into())],
    );
    assert_eq!(fake.identify_payloads().len(), 1);
    assert!(fake.heartbeat_count() >= 2);
    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_event_is_dropped_and_the_connection_survives() {
    let (fake, client, mut seen) = started(FakeConfig::default()).await;
    let mut malformed = message_json(81, GENERAL, &ALICE, "no tts field");
    malformed.as_object_mut().unwrap().remove("tts");

    // serenity turns it into Event::Unknown and drops it; the next event still arrives.
    fake.dispatch_unchecked("MESSAGE_CREATE", malformed);
    fake.dispatch("MESSAGE_CREATE", message_json(82, GENERAL, &ALICE, "hello"));
    let got = next_seen_unordered(&mut seen, 2).await;
    assert_saw(&got, &[Seen::Replied, Seen::Echo("Hi alice!".into())]);
    let replies = fake.requests_to(&Method::POST, POST_MESSAGE);
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].json()["message_reference"]["message_id"], "82");
    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_stops_the_client_with_an_error() {
    let (fake, client, _seen) = started(FakeConfig::default()).await;

    // Discord's 4004 "authentication failed": serenity must give up, not reconnect.
    assert!(fake.close_with(4004));
    let outcome = client.stopped_within(PROMPTLY).await;
    assert!(outcome.is_err(), "start() returned {outcome:?}");
    assert_eq!(
        fake.gateway_connections().len(),
        1,
        "no reconnect after 4004"
    );
    fake.shutdown().await;
}
