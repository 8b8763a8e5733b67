//! A fake Discord on 127.0.0.1 that the real, unmodified serenity client talks to.
//!
//! It owns two ephemeral listeners — REST (axum, see [`rest`]) and the gateway
//! (tokio-tungstenite, see [`gateway`]) — and the records tests assert on: every
//! REST call, every frame the client sent, every gateway connection. It does not
//! know Shopkeep: it only plays Discord, so the bot under test is exactly the
//! production code, pointed here by `build_http(token, Some(fake.rest_base()))`.
//!
//! A test starts it, builds the client, waits for IDENTIFY, dispatches events
//! (each checked with serenity's own deserializer) and waits for the REST calls
//! they cause. Waits are driven by a `Notify` that every record fires, never by
//! polling sleeps.
//!
//! Limits: serenity's rate limiter must be off for REST to reach the fake (it
//! ignores the proxy base), so 429 handling cannot be tested here. reqwest
//! honours `HTTP_PROXY`; a developer who sets it needs `NO_PROXY=127.0.0.1`.

mod gateway;
mod records;
mod rest;
mod state;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Method};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::support::fixtures::{guild_channels, EVERYONE_PERMISSIONS};
use state::{lock, Delay, Fault, FaultKind, KnownChannel, Shared};

pub use state::{route_matches, validate_dispatch};

/// How the fake behaves. The defaults play a healthy Discord.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// HELLO's heartbeat interval. The real 41 250 ms means a short test never beats.
    pub heartbeat_interval_ms: u64,
    /// Answer every heartbeat with op 11. Off makes serenity restart the shard.
    pub ack_heartbeats: bool,
    /// Echo the bot's own POSTed messages back as MESSAGE_CREATE, as Discord does.
    pub echo_bot_messages: bool,
    /// Send dispatches as zlib-compressed binary frames instead of text.
    pub zlib_dispatches: bool,
    /// List the bot among GUILD_CREATE's members, so serenity checks its permissions from the cache.
    pub bot_is_member: bool,
    /// What the @everyone role grants.
    pub everyone_permissions: u64,
    /// Send GUILD_CREATE as Discord does. Off sends one serenity cannot
    /// parse (no `roles`), as a Discord-compatible server (Spacebar) does:
    /// serenity drops it and the guild is never in the cache. REST answers
    /// as such a server does too: roles without `colors`.
    pub parseable_guild_create: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval_ms: 41_250,
            ack_heartbeats: true,
            echo_bot_messages: true,
            zlib_dispatches: false,
            bot_is_member: true,
            everyone_permissions: EVERYONE_PERMISSIONS,
            parseable_guild_create: true,
        }
    }
}

/// One REST call as the fake received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: Method,
    /// The full path, e.g. `/api/v10/channels/3001/messages`.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    /// The JSON body, if it was JSON.
    pub body: Option<Value>,
    /// When the request arrived (before any injected delay).
    pub at: Instant,
    /// The status the fake answered.
    pub status: u16,
    /// False when no modelled route answered (the 404 fallback).
    pub matched: bool,
    /// The JSON the fake answered with, if it was JSON (e.g. the created
    /// message, with its id).
    pub response: Option<Value>,
}

impl RecordedRequest {
    /// The path without the `/api/v10` prefix, e.g. `/channels/3001/messages`.
    pub fn route(&self) -> &str {
        self.path.strip_prefix(rest::API).unwrap_or(&self.path)
    }

    /// Whether this is `method` on a route matching `pattern` (`*` = one segment).
    pub fn is(&self, method: &Method, pattern: &str) -> bool {
        self.method == *method && route_matches(pattern, self.route())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON body, panicking with the route if there was none.
    pub fn json(&self) -> &Value {
        self.body
            .as_ref()
            .unwrap_or_else(|| panic!("{} {} had no JSON body", self.method, self.path))
    }
}

/// One frame the client sent on the gateway: an opcode with its `d`, or a close.
#[derive(Clone, Debug)]
pub struct ClientFrame {
    pub op: Option<u64>,
    pub d: Value,
    pub close_code: Option<u16>,
    pub at: Instant,
}

pub const OP_HEARTBEAT: u64 = 1;
pub const OP_IDENTIFY: u64 = 2;
pub const OP_RESUME: u64 = 6;
/// The close code `disconnect()` uses: Discord's "unknown error, reconnect".
pub const CLOSE_UNKNOWN_ERROR: u16 = 4000;

pub struct FakeDiscord {
    shared: Arc<Shared>,
    rest_base: String,
    rest_task: Option<JoinHandle<()>>,
    gateway_task: Option<JoinHandle<()>>,
    stop_rest: Arc<tokio::sync::Notify>,
}

impl FakeDiscord {
    /// Binds REST and gateway on `127.0.0.1:0` and starts serving.
    pub async fn start(cfg: FakeConfig) -> Self {
        let rest = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake REST port");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake gateway port");
        let rest_base = format!("http://{}", rest.local_addr().expect("REST address"));
        let ws_url = format!("ws://{}", gateway.local_addr().expect("gateway address"));
        let channels = guild_channels()
            .into_iter()
            .map(|c| {
                (
                    c["id"].as_str().and_then(|id| id.parse().ok()).unwrap(),
                    KnownChannel::Guild(c),
                )
            })
            .collect();
        let shared = Arc::new(Shared::new(cfg, ws_url, channels));
        let stop_rest = Arc::new(tokio::sync::Notify::new());
        let app = rest::router(shared.clone());
        let stop = stop_rest.clone();
        let rest_task = tokio::spawn(async move {
            let serve =
                axum::serve(rest, app).with_graceful_shutdown(async move { stop.notified().await });
            serve
                .await
                .expect("the fake REST server stopped with an error");
        });
        let gateway_task = tokio::spawn(gateway::serve(gateway, shared.clone()));
        Self {
            shared,
            rest_base,
            rest_task: Some(rest_task),
            gateway_task: Some(gateway_task),
            stop_rest,
        }
    }

    /// What to pass as the API base (`build_http(.., Some(base))`), e.g. `http://127.0.0.1:PORT`.
    pub fn rest_base(&self) -> &str {
        &self.rest_base
    }

    /// Who is logged in to discord.com in the test's browser: the person
    /// `GET /oauth2/authorize` consents for (`None`: nobody, consent fails).
    pub fn sign_in_as(&self, user_id: Option<u64>) {
        lock(&self.shared.oauth).signed_in = user_id;
    }

    /// Discord's consent page, as `[http.discord_login] authorize_url`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize", self.rest_base)
    }

    /// What `GET /gateway` answers, e.g. `ws://127.0.0.1:PORT`.
    pub fn gateway_url(&self) -> &str {
        &self.shared.ws_url
    }

    /// Sends an op-0 event with the next `s`, after checking that serenity parses
    /// it as a known event (panics otherwise). While the client is reconnecting the
    /// event is buffered and replayed on RESUME, as Discord does. Returns the `s`.
    pub fn dispatch(&self, t: &str, d: Value) -> u64 {
        state::validate_dispatch(t, &d);
        self.shared.dispatch(t, d)
    }

    /// Like [`dispatch`](Self::dispatch) without the check: for tests of malformed events.
    pub fn dispatch_unchecked(&self, t: &str, d: Value) -> u64 {
        self.shared.dispatch(t, d)
    }

    /// Closes the gateway socket with close code 4000, so serenity reconnects and
    /// RESUMEs; false if no socket was attached.
    pub fn disconnect(&self) -> bool {
        gateway::disconnect(&self.shared, CLOSE_UNKNOWN_ERROR)
    }

    /// Closes the gateway socket with a specific close code.
    pub fn close_with(&self, code: u16) -> bool {
        gateway::disconnect(&self.shared, code)
    }

    /// Fails the next call of `method` on a route matching `pattern` with `status`
    /// (the handler does not run). Calls stack: two calls fail the next two.
    pub fn fail_next(&self, method: Method, pattern: &str, status: u16) {
        self.add_fault(method, pattern, FaultKind::Status(status));
    }

    /// Like [`fail_next`](Self::fail_next), with Discord's JSON error `code`
    /// in the body (e.g. 403 with 50007: the user does not accept DMs).
    pub fn fail_next_with_code(&self, method: Method, pattern: &str, status: u16, code: u32) {
        self.add_fault(method, pattern, FaultKind::Error(status, code));
    }

    /// Lets the next matching call take effect but answers 200 with a body serenity
    /// cannot parse (the "accepted but unreadable" case).
    pub fn garble_next(&self, method: Method, pattern: &str) {
        self.add_fault(method, pattern, FaultKind::Garble);
    }

    /// Delays every matching call by `by` until [`clear_faults`](Self::clear_faults).
    pub fn delay(&self, method: Method, pattern: &str, by: Duration) {
        let delay = Delay {
            method,
            pattern: pattern.to_owned(),
            by,
        };
        lock(&self.shared.delays).push(delay);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
        lock(&self.shared.delays).clear();
    }

    fn add_fault(&self, method: Method, pattern: &str, kind: FaultKind) {
        let fault = Fault {
            method,
            pattern: pattern.to_owned(),
            kind,
        };
        lock(&self.shared.faults).push(fault);
    }

    /// Stops both servers and drops every socket. Dropping the fake does the same,
    /// without waiting.
    pub async fn shutdown(mut self) {
        self.stop_rest.notify_one();
        if let Some(gateway) = self.gateway_task.take() {
            gateway.abort();
            let _ = gateway.await;
        }
        if let Some(mut rest) = self.rest_task.take() {
            // Graceful: idle keep-alive connections close at once; a stuck one is cut.
            if tokio::time::timeout(Duration::from_secs(1), &mut rest)
                .await
                .is_err()
            {
                rest.abort();
            }
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in [self.rest_task.take(), self.gateway_task.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}
