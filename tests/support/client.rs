//! Running the real serenity client against the fake: build it through the
//! production seam (`shopkeep::discord::client_builder`), start it, and stop it
//! the way production does (`shard_manager.shutdown_all()`), within a bound.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{Client, ClientBuilder, ShardManager};
use shopkeep::discord::{client_builder, Token};
use tokio::task::JoinHandle;

use super::fake_discord::FakeDiscord;
use super::fixtures::TOKEN;

/// How long a test waits for anything the client should do promptly.
pub const PROMPTLY: Duration = Duration::from_secs(5);

/// A serenity client running in its own task.
pub struct RunningClient {
    pub shard_manager: Arc<ShardManager>,
    task: JoinHandle<serenity::Result<()>>,
}

/// Builds the client against the fake through the production seam, lets the test
/// add what it runs (`|b| b.event_handler(h)` or `|b| b.framework(f)`), awaits the
/// build (this asks the fake's `GET /gateway`), starts it, waits for IDENTIFY and
/// checks the fake was the one reached.
pub async fn start_client(
    fake: &FakeDiscord,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> RunningClient {
    start_client_with(fake, configure, |_| ()).await
}

/// As [`start_client`], calling `before_start` with the built client before it
/// connects (where production hands `client.http` and `client.cache` to what
/// its handlers share).
pub async fn start_client_with(
    fake: &FakeDiscord,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
    before_start: impl FnOnce(&Client),
) -> RunningClient {
    let token = Token::from(TOKEN);
    let mut client = configure(client_builder(&token, Some(fake.rest_base())))
        .await
        .expect("build the serenity client against the fake");
    before_start(&client);
    let shard_manager = client.shard_manager.clone();
    let task = tokio::spawn(async move { client.start().await });
    fake.wait_identified(PROMPTLY).await;
    fake.assert_reached();
    RunningClient {
        shard_manager,
        task,
    }
}

impl RunningClient {
    /// Closes every shard and waits for `start()` to return `Ok`, panicking if it
    /// fails or takes longer than `bound`.
    pub async fn shutdown_within(self, bound: Duration) {
        let started = std::time::Instant::now();
        self.shard_manager.shutdown_all().await;
        let outcome = tokio::time::timeout(bound, self.task)
            .await
            .unwrap_or_else(|_| panic!("the client did not stop within {bound:?}"));
        outcome
            .expect("the client task panicked")
            .expect("the client stopped with an error");
        assert!(
            started.elapsed() <= bound,
            "shutdown took {:?}",
            started.elapsed()
        );
    }

    /// Waits for `start()` to return on its own (after a fatal gateway close, say)
    /// and gives its result, panicking if that takes longer than `bound`.
    pub async fn stopped_within(self, bound: Duration) -> serenity::Result<()> {
        tokio::time::timeout(bound, self.task)
            .await
            .unwrap_or_else(|_| panic!("the client still runs after {bound:?}"))
            .expect("the client task panicked")
    }
}
