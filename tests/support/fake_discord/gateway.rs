//! The fake's gateway: a tokio-tungstenite server speaking Discord's v10 protocol
//! closely enough for serenity's shard runner.
//!
//! HELLO on connect; IDENTIFY starts a session (READY, then GUILD_CREATE when the
//! GUILDS intent is asked for); every heartbeat is ACKed (unless the config says
//! not to); RESUME replays what the client missed and ends with RESUMED. Frames are
//! written by one task per socket, in the order they were queued.

use std::io::Write;
use std::sync::Arc;

use flate2::{write::ZlibEncoder, Compression};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::state::{lock, validate_dispatch, Outbound, Session, Shared};
use crate::support::fixtures::{guild_create_json, ready_json};

const GUILDS_INTENT: u64 = 1;

type Sink = futures_util::stream::SplitSink<WebSocketStream<TcpStream>, Message>;

/// Accepts gateway sockets until the task is aborted; aborting drops every socket.
pub(super) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut sockets = JoinSet::new();
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            sockets.spawn(socket(stream, shared.clone()));
        }
        while sockets.try_join_next().is_some() {}
    }
}

// The handshake callback's error type is tungstenite's own `ErrorResponse`.
#[allow(clippy::result_large_err)]
async fn socket(stream: TcpStream, shared: Arc<Shared>) {
    let mut path = String::new();
    let record_path = |request: &Request, response: Response| {
        path = request.uri().to_string();
        Ok::<_, ErrorResponse>(response)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, record_path).await else {
        return;
    };
    shared.record_connection(path);
    let (mut sink, mut inbound) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": shared.cfg.heartbeat_interval_ms}});
    let _ = tx.send(Outbound::Json(hello));
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(out) = out else { break };
                if !write(&mut sink, out, shared.cfg.zlib_dispatches).await {
                    break;
                }
            },
            frame = inbound.next() => match frame {
                Some(Ok(Message::Text(text))) => on_client_frame(&shared, &tx, &text),
                Some(Ok(Message::Close(close))) => {
                    shared.record_close(close.map(|c| u16::from(c.code)));
                    break;
                },
                Some(Ok(_)) => {},
                Some(Err(_)) | None => break,
            },
        }
    }
    detach(&shared, &tx);
}

/// Writes one frame; false once the socket is closed (by us or by a failed write).
async fn write(sink: &mut Sink, out: Outbound, zlib: bool) -> bool {
    let message = match out {
        Outbound::Json(frame) if zlib && frame["op"] == 0 => Message::Binary(compress(&frame)),
        Outbound::Json(frame) => Message::Text(frame.to_string()),
        Outbound::Close(code) => {
            let close = CloseFrame {
                code: CloseCode::from(code),
                reason: "fake disconnect".into(),
            };
            let _ = sink.send(Message::Close(Some(close))).await;
            return false;
        }
    };
    sink.send(message).await.is_ok()
}

/// One complete zlib payload per frame, which serenity inflates on its own.
fn compress(frame: &Value) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(frame.to_string().as_bytes())
        .expect("write to a Vec");
    encoder.finish().expect("finish a Vec")
}

/// Answers a client frame, then records it, so a test that waits for the frame
/// also knows the answer is already queued ahead of anything it dispatches next.
fn on_client_frame(shared: &Shared, tx: &mpsc::UnboundedSender<Outbound>, text: &str) {
    let frame: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let op = frame["op"].as_u64();
    let d = frame["d"].clone();
    match op {
        Some(1) if shared.cfg.ack_heartbeats => {
            let _ = tx.send(Outbound::Json(json!({"op": 11})));
        }
        Some(2) => identify(shared, tx, &d),
        Some(6) => resume(shared, tx, &d),
        _ => {}
    }
    shared.record_frame(op, d);
}

fn identify(shared: &Shared, tx: &mpsc::UnboundedSender<Outbound>, d: &Value) {
    let ready_url = shared.ws_url.clone();
    let mut guild = guild_create_json(shared.cfg.bot_is_member, shared.cfg.everyone_permissions);
    if shared.cfg.parseable_guild_create {
        validate_dispatch("GUILD_CREATE", &guild);
    } else if let Some(fields) = guild.as_object_mut() {
        // What a compatible server leaves out; serenity drops the event.
        fields.remove("roles");
    }
    let mut session = lock(&shared.session);
    let started = session.sessions_started + 1;
    let id = format!("fake-session-{started}");
    *session = Session {
        id: Some(id.clone()),
        conn: Some(tx.clone()),
        sessions_started: started,
        ..Session::default()
    };
    let ready = ready_json(&id, &ready_url);
    validate_dispatch("READY", &ready);
    session.dispatch("READY", ready);
    let intents = d["intents"].as_u64().unwrap_or(0);
    // Real Discord sends guilds only to clients that ask for GUILDS.
    if intents & GUILDS_INTENT != 0 {
        session.dispatch("GUILD_CREATE", guild);
    }
}

fn resume(shared: &Shared, tx: &mpsc::UnboundedSender<Outbound>, d: &Value) {
    let mut session = lock(&shared.session);
    if session.id.is_none() || session.id.as_deref() != d["session_id"].as_str() {
        // Not resumable: the client must IDENTIFY again.
        let _ = tx.send(Outbound::Json(json!({"op": 9, "d": false})));
        return;
    }
    let from = d["seq"].as_u64().unwrap_or(0);
    for (_, frame) in session.sent.iter().filter(|(s, _)| *s > from) {
        let _ = tx.send(Outbound::Json(frame.clone()));
    }
    session.conn = Some(tx.clone());
    session.dispatch("RESUMED", json!({}));
}

fn detach(shared: &Shared, tx: &mpsc::UnboundedSender<Outbound>) {
    let mut session = lock(&shared.session);
    if session.conn.as_ref().is_some_and(|c| c.same_channel(tx)) {
        session.conn = None;
    }
}

/// Closes the attached socket with `code`; the session stays resumable.
pub(super) fn disconnect(shared: &Shared, code: u16) -> bool {
    let conn = lock(&shared.session).conn.take();
    conn.is_some_and(|c| c.send(Outbound::Close(code)).is_ok())
}
