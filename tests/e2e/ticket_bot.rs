//! The bot the ticket tests run: the real serenity client with a poise
//! framework carrying the staff commands, and an event handler that routes
//! every message the way the runtime does — `tickets::route_message` first
//! (ticket threads are the desk's), then the engine, then the decision's
//! hand-offs to `TicketDesk::on_decision`. The engine applies staff changes
//! before each decision, as the runtime's engine task must.
//!
//! Only the translation to `Inbound` and the delivery of the customer's
//! acknowledgement are minimal stand-ins here: they are the live adapter's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::http::Method;
use chrono::Utc;
use serenity::all::{
    async_trait, Context, CreateAllowedMentions, CreateMessage, EventHandler, Message, RoleId,
    UserId,
};
use shopkeep::core::model::{Action, Author, ChannelRef, Inbound, Place};
use shopkeep::core::tickets::StaffChange;
use shopkeep::discord::staff::{commands, StaffData};
use shopkeep::discord::tickets::{route_message, DeskSettings, Original, Routed, TicketDesk};
use shopkeep::engine::{Engine, Source};
use shopkeep::store::{Store, TicketRecord};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::support::client::{start_client_with, RunningClient, PROMPTLY};
use crate::support::fake_discord::{FakeConfig, FakeDiscord};
use crate::support::fixtures::{Person, APPLICATION_ID, STAFF_ROLE};

type Changes = Arc<Mutex<Option<UnboundedReceiver<StaffChange>>>>;

/// Routes messages as the runtime does, and reports each message's route
/// once it has been fully handled (so tests wait on it instead of sleeping).
struct Router {
    desk: Arc<OnceLock<Arc<TicketDesk>>>,
    engine: Arc<tokio::sync::Mutex<Engine>>,
    changes: Changes,
    done: UnboundedSender<(u64, Routed)>,
}

#[async_trait]
impl EventHandler for Router {
    async fn message(&self, ctx: Context, msg: Message) {
        let desk = self.desk.get().expect("desk set before start").clone();
        let routed = route_message(&desk, &msg).await;
        if routed != Routed::Engine || msg.author.bot {
            let _ = self.done.send((msg.id.get(), routed));
            return;
        }
        let original = Original::new(&msg, inbound(&ctx, &msg));
        let decision = {
            let mut engine = self.engine.lock().await;
            if let Some(rx) = self.changes.lock().unwrap().as_mut() {
                while let Ok(change) = rx.try_recv() {
                    engine.apply_staff_change(&change);
                }
            }
            let handled = engine.handle(&original.inbound, Utc::now()).await;
            handled.expect("the engine records the decision").decision
        };
        desk.on_decision(&original, &decision).await;
        for action in &decision.actions {
            deliver(&ctx, action).await;
        }
        let _ = self.done.send((msg.id.get(), routed));
    }
}

/// A minimal stand-in for the live adapter's translation.
fn inbound(ctx: &Context, msg: &Message) -> Inbound {
    let staff = msg
        .member
        .as_ref()
        .is_some_and(|m| m.roles.contains(&RoleId::new(STAFF_ROLE)));
    let place = match msg.guild_id {
        None => Place::Dm,
        Some(guild) => Place::Guild {
            guild: guild.to_string(),
            channel: ChannelRef {
                id: msg.channel_id.to_string(),
                name: ctx
                    .cache
                    .guild(guild)
                    .and_then(|g| Some(g.channels.get(&msg.channel_id)?.name.clone()))
                    .unwrap_or_default(),
            },
            thread: None,
        },
    };
    Inbound {
        id: msg.id.to_string(),
        at: *msg.timestamp,
        author: Author {
            id: msg.author.id.to_string(),
            name: msg.author.name.clone(),
            bot: msg.author.bot,
            staff,
            webhook: false,
        },
        place,
        content: msg.content.clone(),
        mentions: Vec::new(),
        mentions_bot: false,
        reply_to: None,
    }
}

/// A minimal stand-in for the live adapter's delivery of customer texts.
async fn deliver(ctx: &Context, action: &Action) {
    let (channel, text) = match action {
        Action::SendDm { user, text } => {
            let user = UserId::new(user.parse().unwrap());
            (user.create_dm_channel(&ctx.http).await.unwrap().id, text)
        }
        Action::ReplyInChannel { place, text, .. } => match place {
            Place::Guild { channel, .. } => (channel.id.parse::<u64>().unwrap().into(), text),
            Place::Dm => unreachable!(),
        },
        Action::OpenHandoff { .. } => return,
    };
    let message = CreateMessage::new()
        .content(text)
        .allowed_mentions(CreateAllowedMentions::new());
    channel.send_message(&ctx.http, message).await.unwrap();
}

/// The running ticket bot and what tests look at.
pub struct TicketBot {
    pub client: RunningClient,
    pub desk: Arc<TicketDesk>,
    pub engine: Arc<tokio::sync::Mutex<Engine>>,
    done: tokio::sync::Mutex<Done>,
}

struct Done {
    rx: UnboundedReceiver<(u64, Routed)>,
    seen: HashMap<u64, Routed>,
}

impl TicketBot {
    /// Waits until message `id` has been fully handled, and says how it was routed.
    pub async fn handled(&self, id: u64) -> Routed {
        let mut done = self.done.lock().await;
        loop {
            if let Some(routed) = done.seen.remove(&id) {
                return routed;
            }
            let next = tokio::time::timeout(PROMPTLY, done.rx.recv()).await;
            let (seen, routed) = next.expect("the message was handled").expect("router gone");
            done.seen.insert(seen, routed);
        }
    }

    /// The customer's open ticket, as the store has it now.
    pub async fn open_ticket_of(&self, who: &Person) -> Option<TicketRecord> {
        self.desk
            .store()
            .open_ticket_of(&who.id.to_string())
            .await
            .expect("the store answers")
    }
}

fn config_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/shopkeep.toml")
}

/// Start the bot against `fake` over the store at `db` (a file, so a second
/// bot on the same file is a restart), and wait until its commands are
/// registered (poise holds slash commands back until then).
pub async fn start_bot(fake: &FakeDiscord, db: &Path) -> TicketBot {
    let mut config = shopkeep::config::load(&config_path()).expect("the shipped config loads");
    // The shipped config starts in shadow; the desk is tested live.
    config.mode = shopkeep::core::policy::Mode::Live;
    let replies = shopkeep::app::replies(&config).expect("the shipped templates load");
    let store = Store::open(db.to_str().unwrap()).await.unwrap();
    let engine = Engine::start(
        config.policy(),
        replies.clone(),
        store.clone(),
        Source::Live,
    );
    let engine = Arc::new(tokio::sync::Mutex::new(engine.await.unwrap()));
    let cell: Arc<OnceLock<Arc<TicketDesk>>> = Arc::default();
    let changes: Changes = Arc::default();
    let (done, rx) = unbounded_channel();
    let router = Router {
        desk: cell.clone(),
        engine: engine.clone(),
        changes: changes.clone(),
        done,
    };
    let mut settings = DeskSettings::from_config(&config);
    settings.backoff = Duration::from_millis(10);
    let for_setup = cell.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands(),
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            let desk = for_setup.get().expect("desk set before start").clone();
            Box::pin(async move {
                poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                Ok(StaffData { desk, policy: None })
            })
        })
        .build();
    let from = fake.request_count();
    let client = start_client_with(
        fake,
        |b| b.event_handler(router).framework(framework),
        |client| {
            let (desk, rx) = TicketDesk::new(
                settings,
                store,
                client.http.clone(),
                client.cache.clone(),
                replies,
            );
            assert!(cell.set(desk).is_ok());
            *changes.lock().unwrap() = Some(rx);
        },
    )
    .await;
    let commands_route = format!("/applications/{APPLICATION_ID}/commands");
    fake.wait_for_request(from, PROMPTLY, |r| r.is(&Method::PUT, &commands_route))
        .await;
    let desk = cell.get().unwrap().clone();
    TicketBot {
        client,
        desk,
        engine,
        done: tokio::sync::Mutex::new(Done {
            rx,
            seen: HashMap::new(),
        }),
    }
}

pub async fn fake() -> FakeDiscord {
    FakeDiscord::start(FakeConfig::default()).await
}
