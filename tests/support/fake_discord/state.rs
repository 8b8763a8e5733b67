//! The fake's shared state: what it recorded, the gateway session it keeps, the
//! faults a test asked for, and the channels it knows.
//!
//! Every record wakes the waiters (`changed`), so tests wait on facts, not sleeps.
//! Locks are std mutexes held only for short, non-async sections.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::Method;
use serde_json::{json, Value};
use serenity::all::{Event, GatewayEvent};
use tokio::sync::{mpsc, Notify};

use super::{ClientFrame, FakeConfig, RecordedRequest};

/// A frame the fake will write to the current gateway socket.
#[derive(Debug)]
pub(super) enum Outbound {
    Json(Value),
    Close(u16),
}

/// The gateway session: sequence numbers, the replay buffer for RESUME and the
/// socket the session is attached to (none while the client is reconnecting).
#[derive(Default)]
pub(super) struct Session {
    pub id: Option<String>,
    pub seq: u64,
    pub sent: Vec<(u64, Value)>,
    pub conn: Option<mpsc::UnboundedSender<Outbound>>,
    pub sessions_started: u64,
}

impl Session {
    /// Assigns the next `s`, keeps the frame for replay and writes it if attached.
    /// Callers validate first (see [`validate_dispatch`]), outside the lock.
    pub fn dispatch(&mut self, t: &str, d: Value) -> u64 {
        self.seq += 1;
        let frame = json!({"op": 0, "t": t, "s": self.seq, "d": d});
        self.sent.push((self.seq, frame.clone()));
        if let Some(conn) = &self.conn {
            // A socket that just closed drops the frame; RESUME replays it.
            let _ = conn.send(Outbound::Json(frame));
        }
        self.seq
    }
}

/// What a test asked the REST side to do wrong.
#[derive(Clone, Debug)]
pub(super) enum FaultKind {
    /// Answer with this status and a Discord error body; the handler never runs.
    Status(u16),
    /// An error answer with Discord's JSON error code (e.g. 50007, DMs closed).
    Error(u16, u32),
    /// Run the handler (the call takes effect) but answer 200 with a body serenity cannot parse.
    Garble,
}

#[derive(Clone, Debug)]
pub(super) struct Fault {
    pub method: Method,
    pub pattern: String,
    pub kind: FaultKind,
}

#[derive(Clone, Debug)]
pub(super) struct Delay {
    pub method: Method,
    pub pattern: String,
    pub by: Duration,
}

/// A channel the fake knows: guild text channels and threads carry their JSON.
#[derive(Clone, Debug)]
pub(super) enum KnownChannel {
    Guild(Value),
    Dm { recipient: u64 },
}

pub(super) struct Shared {
    pub cfg: FakeConfig,
    pub ws_url: String,
    pub changed: Notify,
    pub requests: Mutex<Vec<RecordedRequest>>,
    pub frames: Mutex<Vec<ClientFrame>>,
    pub connections: Mutex<Vec<String>>,
    pub session: Mutex<Session>,
    pub faults: Mutex<Vec<Fault>>,
    pub delays: Mutex<Vec<Delay>>,
    pub channels: Mutex<HashMap<u64, KnownChannel>>,
    pub oauth: Mutex<OAuth>,
    next_id: AtomicU64,
}

/// Discord's OAuth2 side: who is logged in to discord.com in the test's
/// "browser", the codes handed out on consent and the access tokens they
/// were exchanged for.
#[derive(Default)]
pub struct OAuth {
    pub signed_in: Option<u64>,
    /// code -> (user id, the redirect_uri it was issued for)
    pub codes: HashMap<String, (u64, String)>,
    /// access token -> user id
    pub tokens: HashMap<String, u64>,
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the fake's records from the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(cfg: FakeConfig, ws_url: String, channels: HashMap<u64, KnownChannel>) -> Self {
        Self {
            cfg,
            ws_url,
            changed: Notify::new(),
            requests: Mutex::default(),
            frames: Mutex::default(),
            connections: Mutex::default(),
            session: Mutex::default(),
            faults: Mutex::default(),
            delays: Mutex::default(),
            channels: Mutex::new(channels),
            oauth: Mutex::default(),
            next_id: AtomicU64::new(900_000),
        }
    }

    /// A fresh snowflake for messages, threads and DM channels the fake creates.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn record_request(&self, request: RecordedRequest) {
        lock(&self.requests).push(request);
        self.changed.notify_waiters();
    }

    pub fn record_frame(&self, op: Option<u64>, d: Value) {
        self.push_frame(ClientFrame {
            op,
            d,
            close_code: None,
            at: Instant::now(),
        });
    }

    pub fn record_close(&self, code: Option<u16>) {
        let frame = ClientFrame {
            op: None,
            d: Value::Null,
            close_code: code,
            at: Instant::now(),
        };
        self.push_frame(frame);
    }

    fn push_frame(&self, frame: ClientFrame) {
        lock(&self.frames).push(frame);
        self.changed.notify_waiters();
    }

    pub fn record_connection(&self, path: String) {
        lock(&self.connections).push(path);
        self.changed.notify_waiters();
    }

    /// Dispatches an event on the current session (buffered for RESUME while detached),
    /// unchecked: [`validate_dispatch`] is the caller's choice.
    pub fn dispatch(&self, t: &str, d: Value) -> u64 {
        let mut session = lock(&self.session);
        assert!(
            session.id.is_some(),
            "dispatch({t}) before the client IDENTIFYed"
        );
        session.dispatch(t, d)
    }

    /// Dispatches a side effect of a REST call (an echo, THREAD_CREATE) once a session exists.
    pub fn dispatch_if_identified(&self, t: &str, d: Value) {
        validate_dispatch(t, &d);
        let mut session = lock(&self.session);
        if session.id.is_some() {
            session.dispatch(t, d);
        }
    }

    /// Takes the first one-shot fault matching this call, if any.
    pub fn take_fault(&self, method: &Method, route: &str) -> Option<FaultKind> {
        let mut faults = lock(&self.faults);
        let index = faults
            .iter()
            .position(|f| f.method == *method && route_matches(&f.pattern, route))?;
        Some(faults.remove(index).kind)
    }

    /// The total delay configured for this call.
    pub fn delay_for(&self, method: &Method, route: &str) -> Duration {
        lock(&self.delays)
            .iter()
            .filter(|d| d.method == *method && route_matches(&d.pattern, route))
            .map(|d| d.by)
            .sum()
    }

    /// The guild id to put on an echoed message: set for guild channels and threads.
    pub fn guild_of(&self, channel_id: u64) -> Option<String> {
        match lock(&self.channels).get(&channel_id) {
            Some(KnownChannel::Guild(channel)) => channel["guild_id"].as_str().map(str::to_owned),
            _ => None,
        }
    }
}

/// Matches a route such as `/channels/3001/messages` against `/channels/*/messages`:
/// `*` stands for exactly one path segment.
pub fn route_matches(pattern: &str, route: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let route: Vec<&str> = route.trim_end_matches('/').split('/').collect();
    pattern.len() == route.len() && pattern.iter().zip(&route).all(|(p, r)| *p == "*" || p == r)
}

/// Panics unless serenity's own gateway deserializer turns this frame into a
/// known event: a malformed known event would otherwise become `Event::Unknown`
/// and be dropped silently, and the test would wait for a reply that never comes.
pub fn validate_dispatch(t: &str, d: &Value) {
    let frame = json!({"op": 0, "t": t, "s": 1, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame.clone()) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => {
            panic!(
                "serenity would drop this {t} as Unknown{}\n{frame:#}",
                explain(t, d)
            )
        }
        Ok(_) => {}
        Err(e) => panic!("serenity cannot parse this {t} frame: {e}\n{frame:#}"),
    }
}

/// The precise serde error for the common event types, to say which field is wrong.
fn explain(t: &str, d: &Value) -> String {
    use serenity::all::{GuildChannel, Interaction, Message, Ready};
    let error = match t {
        "MESSAGE_CREATE" => serde_json::from_value::<Message>(d.clone()).err(),
        "READY" => serde_json::from_value::<Ready>(d.clone()).err(),
        "INTERACTION_CREATE" => serde_json::from_value::<Interaction>(d.clone()).err(),
        "THREAD_CREATE" | "THREAD_UPDATE" | "CHANNEL_UPDATE" => {
            serde_json::from_value::<GuildChannel>(d.clone()).err()
        }
        _ => None,
    };
    error.map(|e| format!(": {e}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::route_matches;

    #[test]
    fn a_star_matches_exactly_one_segment() {
        assert!(route_matches(
            "/channels/*/messages",
            "/channels/3001/messages"
        ));
        assert!(!route_matches(
            "/channels/*/messages",
            "/channels/3001/messages/9/threads"
        ));
        assert!(!route_matches("/channels/*/messages", "/channels/3001"));
        assert!(route_matches("/gateway", "/gateway/"));
    }
}
