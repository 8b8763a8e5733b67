//! The `[http]` listener of a running bot (issue 15): health, readiness
//! that follows the gateway and the store, and metrics that count what the
//! bot did, through the real serenity client against the fake Discord.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{start_bot, ASK};
use crate::support::fixtures::{ALICE, GENERAL};

/// A plain HTTP/1.1 GET: the status code and the body.
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// A port nobody listens on right now.
fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// Polls `path` until its status is `want` (bounded).
async fn until_status(addr: SocketAddr, path: &str, want: u16) -> String {
    let mut last = (0, String::new());
    for _ in 0..300 {
        last = get(addr, path).await;
        if last.0 == want {
            return last.1;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} never answered {want}; last {}: {}", last.0, last.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_follow_what_the_bot_does() {
    let addr = free_port();
    let bot = start_bot(|c| c.http = Some(addr)).await;
    assert_eq!(get(addr, "/healthz").await, (200, "ok\n".into()));
    let ready = until_status(addr, "/readyz", 200).await;
    assert_eq!(
        ready,
        "ready\ngateway: connected\nstore: writable\ntemplates: loaded\n"
    );

    bot.say(40_001, GENERAL, &ALICE, ASK);
    bot.reply_to(40_001).await;
    let (status, metrics) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    for line in [
        "shopkeep_messages_seen_total{channel_kind=\"channel\"} 1\n",
        "shopkeep_verdicts_total{verdict=\"solicitation\"} 1\n",
        "shopkeep_replies_total{category=\"dining-tables\",mode=\"live\",template=\"solicitation\"} 1\n",
        "shopkeep_detector_score_count 1\n",
        "shopkeep_gateway_connected 1\n",
        "shopkeep_tickets_open 0\n",
    ] {
        assert!(metrics.contains(line), "{line} missing:\n{metrics}");
    }

    // A store that does not take writes (another writer holds it) makes
    // the bot not ready, and ready again once it is released.
    use sqlx::Connection;
    let path = bot.dir.path().join("shopkeep.db");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.starts_with("not ready\ngateway: connected\nstore: NOT writable"),
        "{body}"
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    until_status(addr, "/readyz", 200).await;

    let done = bot.finish().await;
    assert_eq!(done.posts_replying_to(40_001).len(), 1);
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "the listener stops with the bot");
}

/// The value `name` is set to by a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// What a browser does for "Log in with Discord": the staff page sends it
/// to Discord, Discord (the fake, someone signed in) sends it back with a
/// code, and the page answers. Returns that last answer's status, body and
/// session cookie.
async fn discord_login(web: &reqwest::Client, addr: SocketAddr) -> (u16, String, Option<String>) {
    let start = web
        .get(format!("http://{addr}/login/discord"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        start.status(),
        303,
        "the login starts with a redirect to Discord"
    );
    let state = set_cookie(&start, "shopkeep_discord_state").expect("a state cookie");
    let to_discord = start.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to_discord.contains("scope=identify+guilds.members.read"),
        "{to_discord}"
    );
    let consent = web.get(&to_discord).send().await.unwrap();
    assert_eq!(
        consent.status(),
        302,
        "the fake Discord consents and sends the browser back"
    );
    let back = consent.headers()["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(&format!("http://{addr}/login/discord/done?code=")),
        "{back}"
    );
    let done = web
        .get(&back)
        .header("cookie", format!("shopkeep_discord_state={state}"))
        .send()
        .await
        .unwrap();
    let status = done.status().as_u16();
    let session = set_cookie(&done, "shopkeep_session").filter(|s| !s.is_empty());
    (status, done.text().await.unwrap(), session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_log_in_to_the_page_with_discord_and_anyone_else_is_refused() {
    use crate::support::fixtures::{APPLICATION_ID, OAUTH_SECRET, STAFFER};
    use shopkeep::config::{DiscordLoginSettings, SecretSource};

    let addr = free_port();
    let secrets = tempfile::tempdir().unwrap();
    let secret_file = secrets.path().join("oauth-secret");
    std::fs::write(&secret_file, format!("{OAUTH_SECRET}\n")).unwrap();
    let bot = start_bot(|c| {
        c.http = Some(addr);
        c.discord_login = Some(DiscordLoginSettings {
            client_id: APPLICATION_ID.to_string(),
            client_secret: SecretSource::File(secret_file.clone()),
            redirect_url: format!("http://{addr}/login/discord/done"),
            authorize_url: format!("{}/oauth2/authorize", c.discord.api_base.as_ref().unwrap()),
            editors: vec![],
        });
    })
    .await;
    until_status(addr, "/readyz", 200).await;
    let web = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // The login page offers Discord.
    let (_, page) = get(addr, "/login").await;
    assert!(page.contains("href=\"/login/discord\""), "{page}");

    // Someone with the staff role gets in and sees the overview. Until the
    // bot has its server in the cache, staff cannot be checked: "try again".
    bot.fake.sign_in_as(Some(STAFFER.id));
    let (mut status, mut body, mut session) = discord_login(&web, addr).await;
    for _ in 0..200 {
        if status != 503 {
            break;
        }
        assert!(
            body.contains("has not connected to its server yet"),
            "{body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        (status, body, session) = discord_login(&web, addr).await;
    }
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Logged in as sam_staff (Discord)"), "{body}");
    let staff_session = session.expect("a session cookie for staff");
    let overview = web
        .get(format!("http://{addr}/"))
        .header("cookie", format!("shopkeep_session={staff_session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(overview.status(), 200);
    let overview = overview.text().await.unwrap();
    assert!(overview.contains("sam_staff (Discord)"), "{overview}");

    // The member lookup used the person's token, never the bot's.
    let lookups = bot
        .fake
        .requests_to(&axum::http::Method::GET, "/users/@me/guilds/*/member");
    assert_eq!(
        lookups.len(),
        1,
        "looked up once, when the server was known"
    );
    assert!(lookups[0]
        .header("authorization")
        .is_some_and(|a| a.starts_with("Bearer access-")));

    // A member without the staff role is refused, with why, and no session.
    bot.fake.sign_in_as(Some(ALICE.id));
    let (status, body, session) = discord_login(&web, addr).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains(
            "You are logged in to Discord as alice, but only members with the staff role"
        ),
        "{body}"
    );
    assert_eq!(session, None);

    // An answer that did not start in this browser (state mismatch) is refused.
    let forged = web
        .get(format!("http://{addr}/login/discord/done?code=x&state=abc"))
        .header("cookie", "shopkeep_discord_state=def")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(set_cookie(&forged, "shopkeep_session").is_none());

    // `forget` ends the staff member's page sessions.
    let store =
        shopkeep::store::Store::open(&bot.dir.path().join("shopkeep.db").display().to_string())
            .await
            .unwrap();
    let forgotten = store.forget_user(&STAFFER.id.to_string()).await.unwrap();
    assert_eq!(forgotten.sessions, 1);
    store.close().await;
    let after = web
        .get(format!("http://{addr}/"))
        .header("cookie", format!("shopkeep_session={staff_session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        303,
        "the session is gone: back to the login"
    );
    bot.finish().await;
}
