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
