//! The test's own tiny bot: an event handler that answers every human message
//! with "Hi <name>!" as a reply and reports what it saw and did over a channel,
//! so tests wait on the handler's effects instead of sleeping.

use serenity::all::{
    async_trait, Context, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, EventHandler, Guild, Interaction, Message, ResumedEvent,
};
use tokio::sync::mpsc;

use crate::support::client::{start_client, RunningClient, PROMPTLY};
use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::fixtures::CHANNELS;

/// What the test handler saw or did, in the order it happened.
#[derive(Debug, PartialEq)]
pub enum Seen {
    Guild { channels: usize },
    Echo(String),
    Replied,
    SendFailed(String),
    Resumed,
}

/// A tiny handler: replies "Hi <name>!" to every human message, as a reply.
pub struct Replier(mpsc::UnboundedSender<Seen>);

#[async_trait]
impl EventHandler for Replier {
    async fn guild_create(&self, _: Context, guild: Guild, _: Option<bool>) {
        let _ = self.0.send(Seen::Guild {
            channels: guild.channels.len(),
        });
    }

    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot {
            let _ = self.0.send(Seen::Echo(msg.content));
            return;
        }
        let reply = CreateMessage::new()
            .content(format!("Hi {}!", msg.author.name))
            .reference_message(&msg);
        // `&ctx` carries the cache, so serenity checks SEND_MESSAGES as in production.
        let seen = match msg.channel_id.send_message(&ctx, reply).await {
            Ok(_) => Seen::Replied,
            Err(e) => Seen::SendFailed(e.to_string()),
        };
        let _ = self.0.send(seen);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Command(command) = interaction {
            let message = CreateInteractionResponseMessage::new().content("pong");
            let outcome = command
                .create_response(&ctx, CreateInteractionResponse::Message(message))
                .await;
            let _ = self
                .0
                .send(outcome.map_or_else(|e| Seen::SendFailed(e.to_string()), |()| Seen::Replied));
        }
    }

    async fn resume(&self, _: Context, _: ResumedEvent) {
        let _ = self.0.send(Seen::Resumed);
    }
}

pub async fn next_seen(seen: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(PROMPTLY, seen.recv())
        .await
        .expect("the handler went quiet")
        .expect("handler gone")
}

/// The next `n` things the handler saw, in any order: serenity runs each handler
/// call as its own task, so a reply and the echo of it can be reported either way.
pub async fn next_seen_unordered(seen: &mut mpsc::UnboundedReceiver<Seen>, n: usize) -> Vec<Seen> {
    let mut got = Vec::with_capacity(n);
    for _ in 0..n {
        got.push(next_seen(seen).await);
    }
    got
}

pub fn assert_saw(got: &[Seen], expected: &[Seen]) {
    for item in expected {
        assert!(got.contains(item), "expected {item:?} among {got:?}");
    }
}

/// Starts the fake and a client with [`Replier`], and waits until the guild is cached.
pub async fn started(
    cfg: FakeConfig,
) -> (FakeDiscord, RunningClient, mpsc::UnboundedReceiver<Seen>) {
    let fake = FakeDiscord::start(cfg).await;
    let (tx, mut seen) = mpsc::unbounded_channel();
    let client = start_client(&fake, |b| b.event_handler(Replier(tx))).await;
    assert_eq!(
        next_seen(&mut seen).await,
        Seen::Guild {
            channels: CHANNELS.len()
        }
    );
    (fake, client, seen)
}
