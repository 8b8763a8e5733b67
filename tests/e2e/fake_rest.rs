//! Proves the fake's REST side on its own, with serenity's plain `Http` client:
//! every modelled route answers what serenity parses, unmodelled ones are
//! recorded as unexpected, faults behave as asked, and malformed gateway events
//! are refused before they could be silently dropped.

use std::time::Duration;

use axum::http::Method;
use serenity::all::{
    ApplicationId, ChannelId, ChannelType, CreateCommand, CreateThread, EditThread, GuildId,
    MessageId, UserId,
};
use shopkeep::discord::{build_http, Token};

use crate::harness::POST_MESSAGE;
use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::fixtures::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_modelled_route_answers_what_serenity_parses() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let http = build_http(&Token::from(TOKEN), Some(fake.rest_base()));
    http.set_application_id(ApplicationId::new(APPLICATION_ID));

    assert_eq!(
        http.get_current_user().await.unwrap().id,
        UserId::new(BOT_ID)
    );
    assert_eq!(
        http.get_current_application_info().await.unwrap().id,
        ApplicationId::new(APPLICATION_ID)
    );
    let dm = UserId::new(ALICE.id)
        .create_dm_channel(&http)
        .await
        .unwrap();
    assert_eq!(
        UserId::new(ALICE.id)
            .create_dm_channel(&http)
            .await
            .unwrap()
            .id,
        dm.id
    );
    assert_eq!(dm.id.say(&http, "hello").await.unwrap().content, "hello");

    let general = ChannelId::new(GENERAL);
    let private = CreateThread::new("handoff").kind(ChannelType::PrivateThread);
    let thread = general.create_thread(&http, private).await.unwrap();
    assert_eq!(
        (thread.kind, thread.parent_id),
        (ChannelType::PrivateThread, Some(general))
    );
    let archived = thread
        .id
        .edit_thread(&http, EditThread::new().archived(true))
        .await
        .unwrap();
    assert!(archived.thread_metadata.unwrap().archived);
    let public = general
        .create_thread_from_message(&http, MessageId::new(77), CreateThread::new("q"))
        .await;
    assert_eq!(public.unwrap().id, ChannelId::new(77));
    general
        .create_reaction(&http, MessageId::new(77), '👍')
        .await
        .unwrap();
    let commands = http
        .create_global_commands(&[CreateCommand::new("ping").description("Ping")])
        .await;
    assert_eq!(commands.unwrap()[0].name, "ping");
    assert!(
        fake.unexpected_requests().is_empty(),
        "{}",
        fake.describe_requests()
    );

    assert!(http.get_guild(GuildId::new(GUILD_ID)).await.is_err());
    let unexpected = fake.unexpected_requests();
    assert_eq!(unexpected.len(), 1);
    assert_eq!(
        (unexpected[0].route(), unexpected[0].status),
        (&*format!("/guilds/{GUILD_ID}"), 404)
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
