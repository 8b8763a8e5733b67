//! The fake's REST API (axum): the routes a serenity/poise bot calls, each answered
//! with a body serenity can parse, plus recording and fault injection for every call.
//!
//! Unknown routes get Discord's 404 body and are recorded as unmatched, so a test
//! can assert the bot made no call the fake does not model.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::time::Instant;

use super::state::{lock, FaultKind, KnownChannel, Shared};
use super::RecordedRequest;
use crate::support::fixtures::{
    bot_user_json, member_json, now_timestamp, person_roles, user_by_id, APPLICATION_ID, BOT_ID,
    BOT_NAME, GUILD_ID, OAUTH_SECRET, PEOPLE,
};

/// The API version prefix serenity puts before every route.
pub const API: &str = "/api/v10";

type AppState = State<Arc<Shared>>;

/// Marks a response as coming from the fallback (a route the fake does not model).
#[derive(Clone, Copy)]
struct Unmatched;

pub(super) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/gateway", get(gateway))
        .route("/gateway/bot", get(gateway_bot))
        .route("/users/@me", get(current_user))
        .route("/oauth2/token", post(oauth_token))
        .route("/users/@me/guilds/:guild_id/member", get(my_member))
        .route(
            "/oauth2/applications/@me",
            get(|| async { Json(application_json()) }),
        )
        .route("/users/@me/channels", post(create_dm))
        .route(
            "/channels/:channel_id",
            patch(edit_channel).get(get_channel),
        )
        .route("/guilds/:guild_id/channels", get(guild_channels_rest))
        .route("/guilds/:guild_id/roles", get(guild_roles))
        .route("/channels/:channel_id/messages", post(create_message))
        .route("/channels/:channel_id/threads", post(create_thread))
        .route(
            "/channels/:channel_id/messages/:message_id/threads",
            post(create_thread_from_message),
        )
        .route(
            "/channels/:channel_id/messages/:message_id/reactions/:emoji/@me",
            put(no_content),
        )
        .route(
            "/applications/:application_id/commands",
            put(overwrite_commands),
        )
        .route("/interactions/:id/:token/callback", post(no_content));
    Router::new()
        .route("/oauth2/authorize", get(oauth_authorize))
        .nest(API, api)
        .fallback(unmatched)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            record_and_inject,
        ))
        .with_state(shared)
}

/// Records every call and applies the delays and faults a test configured.
async fn record_and_inject(State(shared): AppState, request: Request, next: Next) -> Response {
    let at = Instant::now();
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let route = path.strip_prefix(API).unwrap_or(&path).to_owned();
    let delay = shared.delay_for(&parts.method, &route);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut recorded = RecordedRequest {
        method: parts.method.clone(),
        path,
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: serde_json::from_slice(&bytes).ok(),
        at,
        status: 0,
        matched: true,
        response: None,
    };
    let response = match shared.take_fault(&parts.method, &route) {
        Some(FaultKind::Status(status)) => discord_error(status, None),
        Some(FaultKind::Error(status, code)) => discord_error(status, Some(("Refused", code))),
        fault => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            match fault {
                Some(FaultKind::Garble) => Json(json!({"garbled": true})).into_response(),
                _ => response,
            }
        }
    };
    recorded.status = response.status().as_u16();
    recorded.matched = response.extensions().get::<Unmatched>().is_none();
    let (parts, body) = response.into_parts();
    let answer = to_bytes(body, usize::MAX).await.unwrap_or_default();
    recorded.response = serde_json::from_slice(&answer).ok();
    shared.record_request(recorded);
    Response::from_parts(parts, Body::from(answer))
}

/// Discord's error body: `{"message": "...", "code": n}`.
pub(super) fn discord_error(status: u16, message: Option<(&str, u32)>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (text, code) = message.unwrap_or((status.canonical_reason().unwrap_or("Error"), 0));
    let body = json!({"message": format!("{}: {text}", status.as_u16()), "code": code});
    (status, Json(body)).into_response()
}

async fn unmatched() -> Response {
    let mut response = discord_error(404, Some(("Not Found", 0)));
    response.extensions_mut().insert(Unmatched);
    response
}

async fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn gateway(State(shared): AppState) -> Json<Value> {
    Json(json!({"url": shared.ws_url}))
}

async fn gateway_bot(State(shared): AppState) -> Json<Value> {
    Json(
        json!({"url": shared.ws_url, "shards": 1, "session_start_limit":
        {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}}),
    )
}

fn application_json() -> Value {
    json!({"id": APPLICATION_ID.to_string(), "name": BOT_NAME, "icon": null,
           "description": "", "bot_public": false, "bot_require_code_grant": false,
           "verify_key": "00", "owner": user_by_id(4001), "team": null, "flags": 0})
}

fn id_of(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| INVALID_FORM_BODY)
}

/// A snowflake in a JSON body, sent as a string (or, leniently, a number).
fn snowflake(value: &Value) -> Result<u64, ApiError> {
    match value {
        Value::Number(n) => n.as_u64().ok_or(INVALID_FORM_BODY),
        other => id_of(other.as_str().unwrap_or("")),
    }
}

/// A Discord error answer: HTTP status, message and Discord's JSON error code.
pub(super) struct ApiError(u16, &'static str, u32);

const INVALID_FORM_BODY: ApiError = ApiError(400, "Invalid Form Body", 50035);
const UNKNOWN_CHANNEL: ApiError = ApiError(404, "Unknown Channel", 10003);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        discord_error(self.0, Some((self.1, self.2)))
    }
}

/// POST /channels/{id}/messages: answers a full Message (without `guild_id`, as
/// Discord's REST does) and echoes it on the gateway as MESSAGE_CREATE.
async fn create_message(
    State(shared): AppState,
    Path(channel_id): Path<String>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = id_of(&channel_id)?;
    let mut message = json!({
        "id": shared.next_id().to_string(), "channel_id": channel_id.to_string(),
        "author": bot_user_json(), "content": body["content"].as_str().unwrap_or(""),
        "timestamp": now_timestamp(), "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or(json!([])), "pinned": false,
        "type": 0, "flags": 0
    });
    if let Some(reference) = body.get("message_reference").filter(|r| r.is_object()) {
        message["type"] = json!(19);
        message["message_reference"] = json!({"type": 0, "channel_id": channel_id.to_string(),
            "message_id": reference["message_id"].clone()});
    }
    if shared.cfg.echo_bot_messages {
        let mut echo = message.clone();
        if let Some(guild_id) = shared.guild_of(channel_id) {
            echo["guild_id"] = json!(guild_id);
            echo["member"] = json!({"roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
                                    "deaf": false, "mute": false, "flags": 0});
        }
        shared.dispatch_if_identified("MESSAGE_CREATE", echo);
    }
    Ok(Json(message))
}

/// POST /users/@me/channels: the DM channel with a user, the same one every time.
async fn create_dm(
    State(shared): AppState,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let recipient = snowflake(&body["recipient_id"])?;
    let mut channels = lock(&shared.channels);
    let existing = channels.iter().find_map(|(id, c)| match c {
        KnownChannel::Dm { recipient: r } if *r == recipient => Some(*id),
        _ => None,
    });
    let id = existing.unwrap_or_else(|| shared.next_id());
    channels.insert(id, KnownChannel::Dm { recipient });
    Ok(Json(
        json!({"id": id.to_string(), "type": 1, "last_message_id": null,
                   "recipients": [user_by_id(recipient)]}),
    ))
}

/// POST /channels/{id}/threads: a thread without a starter message (private by
/// default, as in API v10).
async fn create_thread(
    State(shared): AppState,
    Path(channel_id): Path<String>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let parent = id_of(&channel_id)?;
    let kind = body["type"].as_u64().unwrap_or(12);
    Ok(Json(open_thread(
        &shared,
        shared.next_id(),
        parent,
        kind,
        &body,
    )))
}

/// POST /channels/{id}/messages/{mid}/threads: a public thread whose id is the message id.
async fn create_thread_from_message(
    State(shared): AppState,
    Path((channel_id, message_id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let (parent, id) = (id_of(&channel_id)?, id_of(&message_id)?);
    Ok(Json(open_thread(&shared, id, parent, 11, &body)))
}

fn open_thread(shared: &Shared, id: u64, parent: u64, kind: u64, body: &Value) -> Value {
    let thread = json!({
        "id": id.to_string(), "type": kind, "guild_id": GUILD_ID.to_string(),
        "parent_id": parent.to_string(), "owner_id": BOT_ID.to_string(),
        "name": body["name"].as_str().unwrap_or("thread"), "last_message_id": null,
        "rate_limit_per_user": body["rate_limit_per_user"].as_u64().unwrap_or(0),
        "message_count": 0, "member_count": 1, "total_message_sent": 0, "flags": 0,
        "thread_metadata": {"archived": false, "locked": false,
            "auto_archive_duration": body["auto_archive_duration"].as_u64().unwrap_or(4320),
            "archive_timestamp": now_timestamp(), "create_timestamp": now_timestamp(),
            "invitable": body["invitable"].as_bool().unwrap_or(true)}
    });
    lock(&shared.channels).insert(id, KnownChannel::Guild(thread.clone()));
    let mut event = thread.clone();
    event["newly_created"] = json!(true);
    shared.dispatch_if_identified("THREAD_CREATE", event);
    thread
}

/// PATCH /channels/{id}: renames, archives or locks a known guild channel or thread.
async fn edit_channel(
    State(shared): AppState,
    Path(channel_id): Path<String>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let id = id_of(&channel_id)?;
    let mut channel = match lock(&shared.channels).get(&id) {
        Some(KnownChannel::Guild(channel)) => channel.clone(),
        _ => return Err(UNKNOWN_CHANNEL),
    };
    for key in ["name", "topic", "rate_limit_per_user", "nsfw"] {
        if let Some(value) = body.get(key) {
            channel[key] = value.clone();
        }
    }
    let is_thread = channel.get("thread_metadata").is_some();
    for key in ["archived", "locked", "auto_archive_duration", "invitable"] {
        if let (Some(value), true) = (body.get(key), is_thread) {
            channel["thread_metadata"][key] = value.clone();
        }
    }
    lock(&shared.channels).insert(id, KnownChannel::Guild(channel.clone()));
    let event = if is_thread {
        "THREAD_UPDATE"
    } else {
        "CHANNEL_UPDATE"
    };
    shared.dispatch_if_identified(event, channel.clone());
    Ok(Json(channel))
}

/// GET /channels/{id}: a known guild channel or thread.
async fn get_channel(
    State(shared): AppState,
    Path(channel_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id_of(&channel_id)?;
    match lock(&shared.channels).get(&id) {
        Some(KnownChannel::Guild(channel)) => Ok(Json(channel.clone())),
        _ => Err(UNKNOWN_CHANNEL),
    }
}

/// GET /guilds/{id}/channels: the guild's channels and threads.
async fn guild_channels_rest(State(shared): AppState, Path(guild_id): Path<String>) -> Json<Value> {
    let channels: Vec<Value> = lock(&shared.channels)
        .values()
        .filter_map(|c| match c {
            KnownChannel::Guild(channel) if channel["guild_id"] == guild_id.as_str() => {
                Some(channel.clone())
            }
            _ => None,
        })
        .collect();
    Json(Value::Array(channels))
}

/// GET /guilds/{id}/roles: as GUILD_CREATE has them, or — when the fake
/// plays a compatible server — without the `colors` serenity requires.
async fn guild_roles(State(shared): AppState) -> Json<Value> {
    let guild = crate::support::fixtures::guild_create_json(
        shared.cfg.bot_is_member,
        shared.cfg.everyone_permissions,
    );
    let mut roles = guild["roles"].clone();
    if !shared.cfg.parseable_guild_create {
        for role in roles.as_array_mut().into_iter().flatten() {
            if let Some(fields) = role.as_object_mut() {
                fields.remove("colors");
            }
        }
    }
    Json(roles)
}

/// PUT /applications/{id}/commands: echoes each command with the fields Discord adds.
async fn overwrite_commands(
    State(shared): AppState,
    Path(application_id): Path<String>,
    Json(commands): Json<Vec<Value>>,
) -> Json<Value> {
    let echoed = commands
        .into_iter()
        .map(|mut command| {
            command["id"] = json!(shared.next_id().to_string());
            command["application_id"] = json!(application_id);
            command["version"] = json!("1");
            for (key, default) in [
                ("type", json!(1)),
                ("options", json!([])),
                ("description", json!("")),
            ] {
                if command.get(key).is_none() {
                    command[key] = default;
                }
            }
            command
        })
        .collect();
    Json(Value::Array(echoed))
}

/// The OAuth2 user an `Authorization: Bearer` header belongs to.
fn bearer_user(shared: &Shared, headers: &axum::http::HeaderMap) -> Option<u64> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    lock(&shared.oauth).tokens.get(token).copied()
}

/// GET /users/@me: the bot, or with a Bearer token the person it belongs to.
async fn current_user(State(shared): AppState, headers: axum::http::HeaderMap) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    match (bearer, bearer_user(&shared, &headers)) {
        (false, _) => Json(bot_user_json()).into_response(),
        (true, Some(id)) => Json(user_by_id(id)).into_response(),
        (true, None) => discord_error(401, Some(("Unauthorized", 0))),
    }
}

/// GET /oauth2/authorize (discord.com's consent page, not the API): the
/// signed-in person consents at once and the browser is sent back to
/// `redirect_uri` with a one-time code and the `state` it came with.
async fn oauth_authorize(
    State(shared): AppState,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("client_id") != APPLICATION_ID.to_string()
        || get("response_type") != "code"
        || !get("scope").split(' ').any(|s| s == "identify")
        || get("redirect_uri").is_empty()
    {
        return (StatusCode::BAD_REQUEST, "invalid OAuth2 request").into_response();
    }
    let Some(user) = lock(&shared.oauth).signed_in else {
        return (StatusCode::UNAUTHORIZED, "nobody is logged in to Discord").into_response();
    };
    let code = format!("code-{}", shared.next_id());
    lock(&shared.oauth)
        .codes
        .insert(code.clone(), (user, get("redirect_uri")));
    let mut back = reqwest::Url::parse(&get("redirect_uri")).expect("redirect_uri is a URL");
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &get("state"));
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, back.to_string())],
    )
        .into_response()
}

/// POST /oauth2/token: the application (HTTP Basic, client id and secret)
/// exchanges a one-time code for the person's access token.
async fn oauth_token(
    State(shared): AppState,
    headers: axum::http::HeaderMap,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> Response {
    use base64::Engine as _;
    let client = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    if client.as_deref() != Some(&format!("{APPLICATION_ID}:{OAUTH_SECRET}")) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let granted = lock(&shared.oauth).codes.remove(&code);
    match granted {
        Some((user, redirect))
            if form.get("grant_type").map(String::as_str) == Some("authorization_code")
                && form.get("redirect_uri") == Some(&redirect) =>
        {
            let token = format!("access-{}", shared.next_id());
            lock(&shared.oauth).tokens.insert(token.clone(), user);
            Json(
                json!({"access_token": token, "token_type": "Bearer", "expires_in": 604_800,
                        "refresh_token": "refresh", "scope": "identify guilds.members.read"}),
            )
            .into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response(),
    }
}

/// GET /users/@me/guilds/{guild}/member: the Bearer token's owner's member
/// record (roles) in the fixture guild.
async fn my_member(
    State(shared): AppState,
    headers: axum::http::HeaderMap,
    Path(guild_id): Path<String>,
) -> Response {
    let Some(user) = bearer_user(&shared, &headers) else {
        return discord_error(401, Some(("Unauthorized", 0)));
    };
    if guild_id != GUILD_ID.to_string() {
        return discord_error(404, Some(("Unknown Guild", 10004)));
    }
    match PEOPLE.iter().find(|p| p.id == user) {
        Some(person) => Json(member_json(user_by_id(user), person_roles(person))).into_response(),
        None => discord_error(404, Some(("Unknown Member", 10007))),
    }
}
