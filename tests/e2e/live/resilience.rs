//! What goes wrong on the wire: server errors, unreadable answers, gateway
//! reconnects with replayed events, stale replies, an unreachable API base,
//! and shutdown.

use std::time::Duration;

use axum::http::Method;
use shopkeep::discord::{run, Token};

use super::{audit, config, record_of, start_bot, ASK, POST_MESSAGE};
use crate::support::client::PROMPTLY;
use crate::support::fake_discord::{FakeConfig, FakeDiscord, OP_RESUME};
use crate::support::fixtures::{
    user_json, MessageJson, ALICE, BOB, DEALS, EVERYONE_NAMED, GENERAL, GUILD_ID, STAFFER,
    STAFF_DESK, TOKEN,
};

/// Serenity waits a moment before it reconnects; generous for a busy machine.
const RECONNECT: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_on_the_first_post_is_retried_once_and_one_reply_is_posted() {
    let bot = start_bot(|_| {}).await;
    bot.fake.fail_next(Method::POST, POST_MESSAGE, 500);
    bot.say(20_001, GENERAL, &ALICE, ASK);

    bot.reply_to(20_001).await;
    let done = bot.finish().await;
    let statuses: Vec<u16> = done
        .posts_replying_to(20_001)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [500, 200]);
    assert_eq!(done.record(20_001).delivery, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_post_with_an_unreadable_answer_counts_as_sent_and_is_not_retried() {
    let bot = start_bot(|_| {}).await;
    bot.fake.garble_next(Method::POST, POST_MESSAGE);
    bot.say(21_001, GENERAL, &ALICE, ASK);
    bot.reply_to(21_001).await;
    bot.say(21_002, DEALS, &BOB, ASK);
    bot.reply_to(21_002).await;

    let done = bot.finish().await;
    assert_eq!(done.posts_replying_to(21_001).len(), 1);
    assert_eq!(done.record(21_001).delivery, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_replayed_after_a_gateway_reconnect_gets_no_second_reply() {
    let bot = start_bot(|_| {}).await;
    let asked = bot.say(22_001, GENERAL, &ALICE, ASK);
    bot.reply_to(22_001).await;

    let from = bot.fake.frame_count();
    assert!(bot.fake.disconnect(), "the bot was connected");
    bot.fake
        .wait_for_frame(from, RECONNECT, |f| f.op == Some(OP_RESUME))
        .await;
    bot.fake.dispatch("MESSAGE_CREATE", asked);
    bot.say(22_002, DEALS, &BOB, ASK);
    bot.reply_to(22_002).await;

    let done = bot.finish().await;
    assert_eq!(done.posts_replying_to(22_001).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_would_be_late_is_dropped_and_recorded_stale() {
    let bot = start_bot(|_| {}).await;
    let ten_minutes_ago = (chrono::Utc::now() - chrono::Duration::minutes(10))
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string();
    let old = MessageJson::new(23_001, GENERAL, user_json(ALICE.id, ALICE.name), ASK)
        .in_guild(vec![])
        .timestamp(&ten_minutes_ago)
        .build();
    bot.fake.dispatch("MESSAGE_CREATE", old);
    bot.say(23_002, DEALS, &BOB, ASK);
    bot.reply_to(23_002).await;

    let done = bot.finish().await;
    assert!(done.posts_replying_to(23_001).is_empty());
    assert_eq!(done.record(23_001).delivery, "stale");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_deliveries_closes_the_gateway_normally_and_returns_ok() {
    let bot = start_bot(|_| {}).await;
    bot.say(24_001, GENERAL, &ALICE, ASK);
    bot.reply_to(24_001).await;

    let from = bot.fake.frame_count();
    let (result, fake, dir) = bot.stop().await;
    result.expect("run returns Ok after a shutdown signal");
    fake.assert_closed_cleanly(from, PROMPTLY).await;
    fake.shutdown().await;
    assert_eq!(record_of(&audit(&dir).await, 24_001).delivery, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_base_fails_fast_with_one_line_that_says_what_to_fix() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(&fake, &dir);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    config.discord.api_base = Some(base.clone());
    let replies = shopkeep::app::replies(&config).unwrap();

    let run = run(config, Token::from(TOKEN), replies, std::future::pending());
    let error = tokio::time::timeout(PROMPTLY, run)
        .await
        .expect("fails fast")
        .expect_err("an unreachable base is an error");
    let text = format!("{error:#}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(&base) && text.contains("api_base"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert_eq!(
        fake.request_count(),
        0,
        "nothing reached the configured fake"
    );
    fake.shutdown().await;
}

/// Issue 13: a Discord-compatible server whose GUILD_CREATE serenity cannot
/// parse (and whose roles lack fields serenity requires). The bot learns the
/// guild over REST once, then answers in public, recognises staff by role,
/// and finds the staff desk for a hand-off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guild_the_gateway_cannot_describe_is_learnt_over_rest_and_served() {
    let fake = FakeDiscord::start(FakeConfig {
        parseable_guild_create: false,
        ..FakeConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let bot = super::start_bot_on(fake, dir, |_| {}).await;
    bot.say(27_001, GENERAL, &ALICE, ASK);
    let reply = bot.reply_to(27_001).await;
    assert_eq!(
        reply.json()["content"],
        bot.expected_solicitation_reply("alice")
    );
    // A staff member asking the same is recognised by the Staff role (from
    // the roles REST gave, matched by name) and not answered; a later
    // customer's ask is the barrier.
    bot.say(27_002, GENERAL, &STAFFER, ASK);
    bot.say(27_003, DEALS, &BOB, ASK);
    bot.reply_to(27_003).await;
    // A request for a person opens a ticket thread in the staff desk.
    let threads = format!("/channels/{STAFF_DESK}/threads");
    bot.say(
        27_004,
        GENERAL,
        &EVERYONE_NAMED,
        "can I talk to someone about delivery?",
    );
    bot.fake
        .wait_for_request(0, PROMPTLY, |r| r.is(&Method::POST, &threads))
        .await;

    let done = bot.finish().await;
    assert!(
        done.posts_replying_to(27_002).is_empty(),
        "staff are not sold to"
    );
    assert_eq!(
        done.fake
            .requests_to(&Method::GET, &format!("/guilds/{GUILD_ID}/channels"))
            .len(),
        1,
        "the guild is learnt once, not per message"
    );
    assert!(
        done.fake.unexpected_requests().is_empty(),
        "{}",
        done.fake.describe_requests()
    );
}
