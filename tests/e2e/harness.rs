//! Proves the harness itself: the real serenity client, built through the
//! production seam, reaches the fake (never Discord), identifies with our intents,
//! replies once without pings, sees its own echo, observes an injected 500,
//! resumes after a disconnect, and shuts down cleanly. Also checks that every REST
//! route answers what serenity parses and that malformed events are refused.

use std::time::Duration;

use axum::http::Method;
use serde_json::json;
use serenity::all::{
    async_trait, ApplicationId, ChannelId, ChannelType, Context, CreateCommand,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateThread,
    EditThread, EventHandler, Guild, GuildId, Interaction, Message, MessageId, ResumedEvent,
    UserId,
};
use shopkeep::discord::{build_http, intents, Token};
use tokio::sync::mpsc;

use crate::support::client::{start_client, PROMPTLY};
use crate::support::fake_discord::{FakeConfig, FakeDiscord, OP_IDENTIFY, OP_RESUME};
use crate::support::fixtures::*;

/// What the test handler saw or did, in the order it happened.
#[derive(Debug, PartialEq)]
enum Seen {
    Guild { channels: usize },
    Echo(String),
    Replied,
    SendFailed(String),
    Resumed,
}

/// A tiny handler: replies "Hi <name>!" to every human message, as a reply.
struct Replier(mpsc::UnboundedSender<Seen>);

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

async fn next_seen(seen: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(PROMPTLY, seen.recv())
        .await
        .expect("the handler went quiet")
        .expect("handler gone")
}

/// The next `n` things the handler saw, in any order: serenity runs each handler
/// call as its own task, so a reply and the echo of it can be reported either way.
async fn next_seen_unordered(seen: &mut mpsc::UnboundedReceiver<Seen>, n: usize) -> Vec<Seen> {
    let mut got = Vec::with_capacity(n);
    for _ in 0..n {
        got.push(next_seen(seen).await);
    }
    got
}

fn assert_saw(got: &[Seen], expected: &[Seen]) {
    for item in expected {
        assert!(got.contains(item), "expected {item:?} among {got:?}");
    }
}

/// Starts the fake and a client with [`Replier`], and waits until the guild is cached.
async fn started(
    cfg: FakeConfig,
) -> (
    FakeDiscord,
    crate::support::client::RunningClient,
    mpsc::UnboundedReceiver<Seen>,
) {
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

const POST_MESSAGE: &str = "/channels/*/messages";

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
    let close = fake
        .wait_for_frame(from, PROMPTLY, |f| f.close_code.is_some())
        .await;
    assert_eq!(close.close_code, Some(1000));
    assert!(
        fake.unexpected_requests().is_empty(),
        "{}",
        fake.describe_requests()
    );
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
