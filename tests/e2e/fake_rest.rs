//! Proves the fake's REST side on its own, with serenity's plain `Http` client:
//! every modelled route answers what serenity parses, unmodelled ones are
//! recorded as unexpected, faults behave as asked, and malformed gateway events
//! are refused before they could be silently dropped.

use std::time::Duration;

use axum::http::Method;
use serenity::all::{
    ApplicationId, ChannelId, ChannelType, CreateCommand, CreateThread, EditThread, GuildId, Http,
    MessageId, UserId,
};
use shopkeep::discord::{build_http, Token};

use crate::harness::POST_MESSAGE;
use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::fixtures::*;

fn http_for(fake: &FakeDiscord) -> Http {
    let http = build_http(&Token::from(TOKEN), Some(fake.rest_base()));
    http.set_application_id(ApplicationId::new(APPLICATION_ID));
    http
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_and_application_routes_answer_what_serenity_parses() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = http_for(&fake);

    let me = http.get_current_user().await.unwrap();
    assert_eq!((me.id, me.bot), (UserId::new(BOT_ID), true));
    let app = http.get_current_application_info().await.unwrap();
    assert_eq!(app.id, ApplicationId::new(APPLICATION_ID));
    let ping = CreateCommand::new("ping").description("Ping");
    let commands = http.create_global_commands(&[ping]).await.unwrap();
    assert_eq!(commands[0].name, "ping");
    assert!(
        fake.unexpected_requests().is_empty(),
        "{}",
        fake.describe_requests()
    );
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dm_message_and_reaction_routes_answer_what_serenity_parses() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = http_for(&fake);

    let dm = UserId::new(ALICE.id)
        .create_dm_channel(&http)
        .await
        .unwrap();
    let again = UserId::new(ALICE.id)
        .create_dm_channel(&http)
        .await
        .unwrap();
    assert_eq!(again.id, dm.id, "Discord returns the same DM channel");
    assert_eq!(dm.recipient.id, UserId::new(ALICE.id));
    assert_eq!(dm.id.say(&http, "hello").await.unwrap().content, "hello");
    let general = ChannelId::new(GENERAL);
    general
        .create_reaction(&http, MessageId::new(77), '👍')
        .await
        .unwrap();
    assert!(
        fake.unexpected_requests().is_empty(),
        "{}",
        fake.describe_requests()
    );
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thread_routes_answer_what_serenity_parses() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = http_for(&fake);
    let general = ChannelId::new(GENERAL);

    let private = CreateThread::new("handoff").kind(ChannelType::PrivateThread);
    let thread = general.create_thread(&http, private).await.unwrap();
    assert_eq!(
        (thread.kind, thread.parent_id),
        (ChannelType::PrivateThread, Some(general))
    );
    let archive = EditThread::new().archived(true);
    let archived = thread.id.edit_thread(&http, archive).await.unwrap();
    assert!(archived.thread_metadata.unwrap().archived);
    let from_message = CreateThread::new("q");
    let public = general.create_thread_from_message(&http, MessageId::new(77), from_message);
    assert_eq!(public.await.unwrap().id, ChannelId::new(77));
    assert!(
        fake.unexpected_requests().is_empty(),
        "{}",
        fake.describe_requests()
    );
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unmodelled_route_is_a_recorded_404() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = http_for(&fake);

    assert!(http.get_guild(GuildId::new(GUILD_ID)).await.is_err());
    let unexpected = fake.unexpected_requests();
    assert_eq!(unexpected.len(), 1);
    let route = format!("/guilds/{GUILD_ID}");
    assert_eq!(
        (unexpected[0].route(), unexpected[0].status),
        (route.as_str(), 404)
    );
    fake.shutdown().await;
}

#[test]
fn a_malformed_event_is_refused_before_it_reaches_serenity() {
    let mut message = message_json(51, GENERAL, &ALICE, "no tts field");
    message.as_object_mut().unwrap().remove("tts");
    let refused = std::panic::catch_unwind(|| {
        crate::support::fake_discord::validate_dispatch("MESSAGE_CREATE", &message)
    });
    let reason = *refused
        .expect_err("a MESSAGE_CREATE without tts must be refused")
        .downcast::<String>()
        .unwrap();
    assert!(
        reason.contains("as Unknown: missing field `tts`"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_answers_garbled_and_delayed_calls_as_asked() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = build_http(&Token::from(TOKEN), Some(fake.rest_base()));
    let general = ChannelId::new(GENERAL);

    fake.garble_next(Method::POST, POST_MESSAGE);
    assert!(general.say(&http, "accepted but unreadable").await.is_err());
    assert_eq!(fake.requests_to(&Method::POST, POST_MESSAGE)[0].status, 200);

    fake.delay(Method::POST, POST_MESSAGE, Duration::from_millis(200));
    let started = std::time::Instant::now();
    general.say(&http, "slow").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    fake.clear_faults();
    general.say(&http, "fast").await.unwrap();
    assert_eq!(fake.requests_to(&Method::POST, POST_MESSAGE).len(), 3);
    fake.shutdown().await;
}
