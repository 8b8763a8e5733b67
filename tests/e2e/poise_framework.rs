//! Proves the fake carries a poise framework through its whole start: poise asks
//! `GET /oauth2/applications/@me` while the client is built, registers slash
//! commands with `PUT /applications/{id}/commands` in `setup` (until that
//! succeeds poise holds every event back), then answers an INTERACTION_CREATE
//! through the interaction callback route.

use axum::http::Method;
use serde_json::json;

use crate::support::client::{start_client, PROMPTLY};
use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::fixtures::{slash_command_json, ALICE, APPLICATION_ID, GENERAL};

struct Data;
type Error = Box<dyn std::error::Error + Send + Sync>;

/// Replies "pong".
#[poise::command(slash_command)]
async fn ping(ctx: poise::Context<'_, Data, Error>) -> Result<(), Error> {
    ctx.say("pong").await?;
    Ok(())
}

fn framework() -> poise::Framework<Data, Error> {
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![ping()],
            ..Default::default()
        })
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                Ok(Data)
            })
        })
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poise_bot_starts_registers_its_commands_and_answers_a_slash_command() {
    let fake = FakeDiscord::start(FakeConfig::default()).await;
    let client = start_client(&fake, |b| b.framework(framework())).await;

    let commands_route = format!("/applications/{APPLICATION_ID}/commands");
    let registered = fake
        .wait_for_request(0, PROMPTLY, |r| r.is(&Method::PUT, &commands_route))
        .await;
    assert_eq!(registered.json()[0]["name"], "ping");
    assert_eq!(
        fake.requests_to(&Method::GET, "/oauth2/applications/@me")
            .len(),
        1
    );

    let from = fake.request_count();
    fake.dispatch(
        "INTERACTION_CREATE",
        slash_command_json(61, "ping", json!([]), &ALICE, GENERAL),
    );
    let callback = fake
        .wait_for_request(from, PROMPTLY, |r| {
            r.is(&Method::POST, "/interactions/*/*/callback")
        })
        .await;
    assert_eq!(callback.status, 204);
    assert_eq!(callback.json()["type"], 4);
    assert_eq!(callback.json()["data"]["content"], "pong");

    assert!(
        fake.unexpected_requests().is_empty(),
        "{}",
        fake.describe_requests()
    );
    client.shutdown_within(PROMPTLY).await;
    fake.shutdown().await;
}
