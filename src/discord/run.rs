//! `shopkeep run`: start the bot, keep it running, stop it cleanly.
//!
//! Owns the life cycle: check the token and the API base before connecting
//! (fail fast with a one-line error that says what to do), wire the handler,
//! the engine task, delivery and the ticket desk (its router in the handler,
//! its staff slash commands as a poise framework, its periodic reminders and
//! re-delivery) together, and on shutdown stop taking
//! events, decide what already arrived, let deliveries finish or record them
//! (bounded), flush the store and close the shards. Must not decide or
//! translate anything itself.

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use serenity::all::{ClientBuilder, Http, HttpError, ShardManager};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use super::client::{build_http, intents};
use super::deliver::{Deliverer, DeliverySettings, SentLog};
use super::handler::{Handler, SharedDesk};
use super::lifecycle;
use super::runtime::{self, queue, DeskLink};
use super::staff::{self, StaffData};
use super::tickets::{DeskSettings, TicketDesk};
use super::token::Token;
use super::translate::Settings;
use crate::config::{self, Config};
use crate::engine::{Engine, SharedReplies, Source};
use crate::http::HttpState;
use crate::metrics::Metrics;
use crate::reply::LiveTemplates;
use crate::store::Store;
use crate::web::discord_login::{DiscordLogin, StaffGuild, StaffLookup};

/// The environment variable that overrides `[discord] api_base`.
pub const API_BASE_ENV: &str = "SHOPKEEP_DISCORD_API_BASE";

/// How long deliveries may take to finish once shutdown starts.
pub const DRAIN_DELIVERIES: Duration = Duration::from_secs(10);

/// How long the start-up checks wait for Discord (or the API base).
const PREFLIGHT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the desk reminds staff of unclaimed tickets and re-delivers
/// relays still pending (the first round runs at start-up).
pub const DESK_EVERY: Duration = Duration::from_secs(30);

/// Run the bot until `shutdown` resolves, then stop cleanly and return.
///
/// `config.discord.api_base`, when set, replaces Discord's REST base (and so
/// the gateway URL, which that base returns) and turns serenity's rate
/// limiter off; [`run_from_env`] has already applied `SHOPKEEP_DISCORD_API_BASE`.
/// The token is a parameter (not read here) so tests can run several bots.
pub async fn run(
    config: Config,
    token: Token,
    replies: SharedReplies,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    run_serving(config, token, replies, None, shutdown).await
}

/// As [`run`]; `templates` are the hot-reloading templates behind
/// `replies`, when they are, so `/metrics` counts refused edits and
/// `/readyz` reports the serving generation.
pub async fn run_serving(
    config: Config,
    token: Token,
    replies: SharedReplies,
    templates: Option<LiveTemplates>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let mut bot = start(&config, &token, replies, templates).await?;
    let ended = tokio::select! {
        () = shutdown => None,
        result = &mut bot.gateway => Some(result),
    };
    bot.stop(ended).await
}

/// Everything a running bot is made of, for an orderly stop.
struct Running {
    gateway: JoinHandle<serenity::Result<()>>,
    shards: Arc<ShardManager>,
    engine_task: JoinHandle<Engine>,
    stop_events: CancellationToken,
    tracker: TaskTracker,
    deliverer: Deliverer,
    /// The `[http]` listener, stopped last so `/readyz` can say "not ready"
    /// while the bot stops.
    stop_http: CancellationToken,
    listener: Option<JoinHandle<()>>,
}

/// Check the API, open the store, start the engine task and the gateway.
async fn start(
    config: &Config,
    token: &Token,
    replies: SharedReplies,
    templates: Option<LiveTemplates>,
) -> anyhow::Result<Running> {
    let api_base = config.discord.api_base.as_deref();
    let http = build_http(token, api_base);
    preflight(&http, api_base).await?;

    let store = Store::open(&config.storage_path).await?;
    let metrics = Arc::new(Metrics::new());
    let stop_http = CancellationToken::new();
    let shared_desk: SharedDesk = Arc::new(OnceLock::new());
    let listener = match config.http {
        Some(addr) => {
            let mut web = crate::web::WebState::new(store.clone(), Arc::new(config.clone()));
            if let Some(settings) = &config.discord_login {
                let desk = shared_desk.clone();
                let staff: StaffLookup = Arc::new(move || {
                    let place = desk.get()?.staff_place()?;
                    Some(StaffGuild {
                        guild: place.guild.get(),
                        role: place.role?.get(),
                    })
                });
                web = web.with_discord_login(DiscordLogin::new(settings.clone(), api_base, staff)?);
            }
            let state = HttpState {
                metrics: Arc::clone(&metrics),
                store: store.clone(),
                templates,
                web: Some(web),
            };
            Some(crate::http::serve(addr, state, stop_http.clone()).await?.1)
        }
        None => None,
    };
    let mut engine = Engine::start(config.policy(), replies.clone(), store, Source::Live).await?;
    engine.set_metrics(Arc::clone(&metrics));
    let (queue, rx) = queue();
    let sent = SentLog::default();
    let stop_events = CancellationToken::new();
    let handler = Handler::new(
        queue,
        settings(config),
        sent.clone(),
        shared_desk.clone(),
        stop_events.clone(),
        config.marks.emojis.clone(),
        Arc::clone(&metrics),
    );
    let mut client = ClientBuilder::new_with_http(http, intents())
        .event_handler(handler)
        .framework(staff_framework(
            shared_desk.clone(),
            Arc::new(config.policy()),
        ))
        .await
        .context("cannot set up the Discord client")?;
    // The desk needs the client's HTTP and cache; it is in place before the
    // gateway starts, so the handler and the commands always find it.
    let (desk, staff_changes) = TicketDesk::new(
        DeskSettings::from_config(config),
        engine.store().clone(),
        Arc::clone(&client.http),
        Arc::clone(&client.cache),
        replies,
    );
    if shared_desk.set(Arc::clone(&desk)).is_err() {
        return Err(anyhow!("the ticket desk was set up twice"));
    }
    let deliverer = Deliverer {
        http: Arc::clone(&client.http),
        store: engine.store().clone(),
        settings: DeliverySettings {
            retries: config.discord.send_retries,
            stale_after: config.limits.stale_after,
            shadow_copies: config
                .marks
                .shadow_copies
                .then(|| config.marks.emojis.clone()),
            ..DeliverySettings::default()
        },
        sent,
        stop: CancellationToken::new(),
        metrics: Some(Arc::clone(&metrics)),
    };
    let tracker = TaskTracker::new();
    tracker.spawn(desk_rounds(Arc::clone(&desk), stop_events.clone()));
    tracker.spawn(retention_rounds(
        desk.store().clone(),
        config.retention,
        stop_events.clone(),
    ));
    let engine_task = tokio::spawn(runtime::engine_task(
        engine,
        rx,
        deliverer.clone(),
        tracker.clone(),
        stop_events.clone(),
        Some(DeskLink {
            desk,
            changes: staff_changes,
        }),
    ));
    let shards = Arc::clone(&client.shard_manager);
    let gateway = match config.discord.shards {
        Some(range) => {
            info!(shards = %range, dms = range.has_dms(), "running a range of the gateway's shards");
            tokio::spawn(async move {
                // serenity's range end is inclusive.
                client
                    .start_shard_range(range.first..range.last, range.total)
                    .await
            })
        }
        None => tokio::spawn(async move { client.start().await }),
    };
    Ok(Running {
        gateway,
        shards,
        engine_task,
        stop_events,
        tracker,
        deliverer,
        stop_http,
        listener,
    })
}

impl Running {
    /// Stop taking events, decide what already arrived, let deliveries
    /// finish (bounded), flush the store, close the shards. `ended` is the
    /// gateway's result if it stopped on its own, which makes this an error.
    async fn stop(self, ended: Option<GatewayResult>) -> anyhow::Result<()> {
        info!("shutting down: no new events are taken");
        self.stop_events.cancel();
        let engine = self.engine_task.await.context("the engine task panicked")?;
        drain(&self.tracker, &self.deliverer).await;
        let flushed = engine.store().flush().await;
        self.shards.shutdown_all().await;
        let outcome = match ended {
            Some(result) => gateway_ended(result),
            None => close_gateway(self.gateway).await,
        };
        self.stop_http.cancel();
        if let Some(listener) = self.listener {
            let _ = listener.await;
        }
        engine.store().clone().close().await;
        flushed?;
        info!("stopped");
        outcome
    }
}

/// The CLI's entry point: read `DISCORD_TOKEN` and the config, load the
/// templates, run until SIGINT or SIGTERM (a second one exits at once), and
/// return the exit code.
pub async fn run_from_env(config_path: &Path, shards: Option<&str>) -> anyhow::Result<i32> {
    let token = Token::from_env()?;
    let mut config = config::load(config_path).map_err(|e| {
        let more = e.0.len().saturating_sub(1);
        let first = e.0.first().map(ToString::to_string).unwrap_or_default();
        let more = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        anyhow!(
            "invalid config: {first}{more}; fix it and check with `shopkeep check --config {}`",
            config_path.display()
        )
    })?;
    if let Some(base) = api_base_override(std::env::var(API_BASE_ENV).ok())? {
        config.discord.api_base = Some(base);
    }
    if let Some(text) = shards {
        let range = config::ShardRange::parse(text).map_err(|why| anyhow!("--shards {why}"))?;
        config.discord.shards = Some(range);
    }
    // Templates and the config's compliance section reload on edit while
    // the bot runs; the watchers stop when `hot` is dropped.
    let hot = crate::reload::HotReload::start(config_path, &config).map_err(|e| {
        let first = format!("{e:#}").replace('\n', "; ");
        anyhow!("{first}; fix the templates and check with `shopkeep check`")
    })?;
    let replies: SharedReplies = Arc::new(hot.templates.clone());
    let templates = Some(hot.templates.clone());
    run_serving(config, token, replies, templates, shutdown_signal()).await?;
    drop(hot);
    Ok(0)
}

/// The desk's periodic work (unclaimed reminders, re-delivery of pending
/// relays), until `stop`. The first round waits until the cache knows the
/// staff channel (bounded by [`DESK_EVERY`]): re-delivering before that
/// would fail and spend a relay's attempt for nothing.
async fn desk_rounds(desk: Arc<TicketDesk>, stop: CancellationToken) {
    let ready = async {
        while desk.staff_place().is_none() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::select! {
        () = stop.cancelled() => return,
        waited = tokio::time::timeout(DESK_EVERY, ready) => {
            if waited.is_err() {
                warn!(channel = %desk.settings().staff_channel, "the staff channel is not in the cache yet; check [discord] staff_channel");
            }
        }
    }
    lifecycle::periodic(desk, DESK_EVERY, stop.cancelled_owned()).await;
}

/// How often texts past the retention period are deleted (and once at start).
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// Delete message texts older than `retention` at start and every hour,
/// until `stop`.
async fn retention_rounds(store: Store, retention: chrono::Duration, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(RETENTION_EVERY);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match store
            .purge_texts_before(chrono::Utc::now() - retention)
            .await
        {
            Ok(p) if p == Default::default() => {}
            Ok(p) => info!(
                audit = p.audit_texts,
                relayed = p.relayed_texts,
                closing = p.closing_messages,
                marks = p.marks,
                "deleted message texts past the retention period"
            ),
            Err(e) => {
                warn!(error = %format!("{e:#}"), "cannot delete texts past the retention period; next hour tries again")
            }
        }
    }
}

/// The poise framework carrying the staff slash commands. Its setup (once
/// the gateway is ready) registers them globally; a failed registration is
/// logged and the commands already registered keep working.
fn staff_framework(
    desk: SharedDesk,
    policy: Arc<crate::core::policy::Policy>,
) -> poise::Framework<StaffData, staff::Error> {
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: staff::commands(),
            // Staff commands are slash commands only: a message that merely
            // mentions the bot is a customer's, not a command to parse (with
            // mention-as-prefix poise warned on every one).
            prefix_options: poise::PrefixFrameworkOptions {
                mention_as_prefix: false,
                ..Default::default()
            },
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let desk = desk
                    .get()
                    .cloned()
                    .ok_or_else(|| anyhow!("the ticket desk is not set up"))?;
                let commands = &framework.options().commands;
                match poise::builtins::register_globally(ctx, commands).await {
                    Ok(()) => info!(commands = commands.len(), "staff commands registered"),
                    Err(e) => warn!(error = %e, "cannot register the staff commands"),
                }
                Ok(StaffData {
                    desk,
                    policy: Some(policy),
                })
            })
        })
        .build()
}

/// `SHOPKEEP_DISCORD_API_BASE`, when set and not blank, must be an http(s) URL.
pub fn api_base_override(value: Option<String>) -> anyhow::Result<Option<String>> {
    let Some(base) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(anyhow!(
            "{API_BASE_ENV} is `{base}`, not an http:// or https:// URL: fix it or unset it to use Discord"
        ));
    }
    Ok(Some(base))
}

fn settings(config: &Config) -> Settings {
    Settings {
        staff_role: config.discord.staff_role.clone(),
        staff_channel: config.discord.staff_channel.clone(),
        optout_reaction: config.optout_reaction.clone(),
        optout_word: config.stop_words.first().cloned().unwrap_or_default(),
    }
}

/// Check, before connecting, that the API answers and accepts the token.
/// With an API base this includes `GET /gateway` on it: serenity would
/// otherwise fall back to Discord's own gateway with only a warning.
async fn preflight(http: &Http, api_base: Option<&str>) -> anyhow::Result<()> {
    let target = api_base.map_or_else(
        || "Discord (https://discord.com)".to_string(),
        |b| format!("the Discord API base {b}"),
    );
    let fix = match api_base {
        Some(_) => format!("check [discord] api_base or {API_BASE_ENV}"),
        None => "check the network connection and https://discordstatus.com".to_string(),
    };
    if api_base.is_some() {
        let gateway = tokio::time::timeout(PREFLIGHT_TIMEOUT, http.get_gateway()).await;
        match gateway {
            Ok(Ok(g)) => info!(gateway = %g.url, "gateway located"),
            Ok(Err(e)) => return Err(anyhow!("cannot reach {target} (GET /gateway: {e}): {fix}")),
            Err(_) => {
                return Err(anyhow!(
                    "{target} did not answer GET /gateway in {PREFLIGHT_TIMEOUT:?}: {fix}"
                ))
            }
        }
    }
    match tokio::time::timeout(PREFLIGHT_TIMEOUT, http.get_current_user()).await {
        Ok(Ok(me)) => {
            info!(bot = %me.id, name = %me.name, "token accepted");
            Ok(())
        }
        Ok(Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(r))))
            if r.status_code.as_u16() == 401 =>
        {
            Err(anyhow!(
                "Discord rejected DISCORD_TOKEN (401): reset the bot token in the developer portal (Bot > Reset Token) and export it again"
            ))
        }
        Ok(Err(e)) => Err(anyhow!("cannot reach {target} ({e}): {fix}")),
        Err(_) => Err(anyhow!("{target} did not answer in {PREFLIGHT_TIMEOUT:?}: {fix}")),
    }
}

/// Let deliveries finish; past the budget, abandon waiting retries (they
/// record `failed`) and give them a moment to write that down.
async fn drain(tracker: &TaskTracker, deliverer: &Deliverer) {
    tracker.close();
    if tokio::time::timeout(DRAIN_DELIVERIES, tracker.wait())
        .await
        .is_ok()
    {
        return;
    }
    warn!(
        running = tracker.len(),
        "deliveries still running; abandoning their retries"
    );
    deliverer.stop.cancel();
    if tokio::time::timeout(Duration::from_secs(2), tracker.wait())
        .await
        .is_err()
    {
        warn!(
            running = tracker.len(),
            "deliveries left unrecorded (their audit stays pending)"
        );
    }
}

type GatewayResult = Result<serenity::Result<()>, tokio::task::JoinError>;

/// The gateway stopped on its own (before any shutdown signal): an error.
fn gateway_ended(result: GatewayResult) -> anyhow::Result<()> {
    match result {
        Ok(Ok(())) => Err(anyhow!("the Discord gateway closed unexpectedly; start the bot again")),
        Ok(Err(e)) => Err(anyhow!("the Discord gateway failed ({e}): check DISCORD_TOKEN, the MESSAGE_CONTENT intent in the developer portal, and the network")),
        Err(e) => Err(anyhow!("the gateway task panicked: {e}")),
    }
}

/// Wait (bounded) for the shards to close after `shutdown_all`.
async fn close_gateway(gateway: JoinHandle<serenity::Result<()>>) -> anyhow::Result<()> {
    match tokio::time::timeout(Duration::from_secs(5), gateway).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => {
            warn!(error = %e, "the gateway closed with an error");
            Ok(())
        }
        Ok(Err(e)) => Err(anyhow!("the gateway task panicked: {e}")),
        Err(_) => {
            warn!("the gateway did not close within 5s; leaving it");
            Ok(())
        }
    }
}

/// Resolves at the first SIGINT or SIGTERM; a second one exits at once.
pub async fn shutdown_signal() {
    let name = next_signal().await;
    info!(signal = name, "stopping (send it again to exit at once)");
    // One watcher for the rest of the process's life: nothing to drain.
    tokio::spawn(async {
        let name = next_signal().await;
        eprintln!("shopkeep: second {name}: exiting at once");
        std::process::exit(130);
    });
}

async fn next_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            Err(e) => {
                warn!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the bot");
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_base_from_the_environment_must_be_an_http_url() {
        assert_eq!(api_base_override(None).unwrap(), None);
        assert_eq!(api_base_override(Some("  ".into())).unwrap(), None);
        assert_eq!(
            api_base_override(Some("http://127.0.0.1:3000".into())).unwrap(),
            Some("http://127.0.0.1:3000".into())
        );
        let err = api_base_override(Some("127.0.0.1:3000".into())).unwrap_err();
        assert!(err.to_string().contains(API_BASE_ENV), "{err}");
    }
}
