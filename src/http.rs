//! The `[http]` listener of a running bot: `/metrics` (Prometheus text
//! format), `/healthz` (the process answers) and `/readyz` (the gateway is
//! connected, the store takes writes, templates are serving), and the
//! staff web page (`web`, behind a login).
//!
//! Owns the routes and what each check reads. Off unless `[http]` is
//! configured; binds where `[http] bind` says (127.0.0.1:9464 by default),
//! and a bind that fails stops start-up with the address in the error.
//! Nothing here can send anything to Discord.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;
use crate::reply::LiveTemplates;
use crate::store::{Store, TicketFilter};

/// What the routes read.
#[derive(Clone)]
pub struct HttpState {
    pub metrics: Arc<Metrics>,
    pub store: Store,
    /// The hot-reloading templates, when the bot runs with them (their
    /// refused edits are counted); `None` for fixed templates.
    pub templates: Option<LiveTemplates>,
    /// The staff web page, served on the same listener.
    pub web: Option<crate::web::WebState>,
}

/// How long a readiness check may take before it counts as failed.
const CHECK_WITHIN: Duration = Duration::from_secs(2);

/// The routes.
pub fn router(state: HttpState) -> Router {
    let web = state.web.clone();
    let ops = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .with_state(state);
    match web {
        Some(web) => ops.merge(crate::web::routes(web)),
        None => ops,
    }
}

/// Bind `addr` and serve until `stop`; returns the address bound (useful
/// with port 0) once listening.
pub async fn serve(
    addr: SocketAddr,
    state: HttpState,
    stop: CancellationToken,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on [http] bind {addr}"))?;
    let bound = listener.local_addr().unwrap_or(addr);
    let app = router(state);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the [http] listener stopped");
        }
    });
    tracing::info!(%bound, "serving /metrics, /healthz and /readyz");
    Ok((bound, task))
}

async fn metrics(State(s): State<HttpState>) -> Response {
    if let Some(t) = &s.templates {
        s.metrics.set_reloads_refused(t.status().refusals);
    }
    let since = Utc::now() - chrono::Duration::days(7);
    let tickets = async {
        let open = s
            .store
            .tickets(&TicketFilter {
                status: Some("open".into()),
                since: None,
            })
            .await?;
        let recent = s
            .store
            .tickets(&TicketFilter {
                status: None,
                since: Some(since),
            })
            .await?;
        anyhow::Ok((open, recent))
    };
    match tokio::time::timeout(CHECK_WITHIN, tickets).await {
        Ok(Ok((open, recent))) => {
            let unclaimed = open.iter().filter(|t| t.claimed_by.is_none()).count();
            let waits: Vec<f64> = recent
                .iter()
                .filter_map(|t| {
                    let first = t.first_staff_reply_at?;
                    Some((first - t.opened_at).num_milliseconds() as f64 / 1000.0)
                })
                .collect();
            s.metrics.set_tickets(open.len(), unclaimed, &waits);
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %format!("{e:#}"), "metrics: cannot read tickets; their figures are stale")
        }
        Err(_) => {
            tracing::warn!("metrics: the store did not answer in time; ticket figures are stale")
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

async fn readyz(State(s): State<HttpState>) -> Response {
    let mut lines = Vec::new();
    let mut ready = true;
    if s.metrics.gateway_connected() {
        lines.push("gateway: connected".to_string());
    } else {
        ready = false;
        lines.push("gateway: NOT connected".to_string());
    }
    match tokio::time::timeout(CHECK_WITHIN, s.store.check_writable()).await {
        Ok(Ok(())) => lines.push("store: writable".into()),
        Ok(Err(e)) => {
            ready = false;
            lines.push(format!("store: NOT writable: {e:#}"));
        }
        Err(_) => {
            ready = false;
            lines.push(format!(
                "store: NOT writable: no answer within {CHECK_WITHIN:?}"
            ));
        }
    }
    match &s.templates {
        Some(t) => {
            let status = t.status();
            let refused = if status.refused.is_some() {
                " (the last edit was refused; the last good version serves)"
            } else {
                ""
            };
            lines.push(format!(
                "templates: loaded, generation {}{refused}",
                status.generation
            ));
        }
        None => lines.push("templates: loaded".into()),
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let head = if ready { "ready" } else { "not ready" };
    (status, format!("{head}\n{}\n", lines.join("\n"))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

    #[tokio::test]
    async fn readiness_follows_the_gateway_and_health_is_always_ok() {
        let metrics = Arc::new(Metrics::new());
        let state = HttpState {
            metrics: Arc::clone(&metrics),
            store: Store::open(":memory:").await.unwrap(),
            templates: None,
            web: None,
        };
        let stop = CancellationToken::new();
        let (addr, task) = serve("127.0.0.1:0".parse().unwrap(), state, stop.clone())
            .await
            .unwrap();
        assert_eq!(get(addr, "/healthz").await, (200, "ok\n".into()));
        let (status, body) = get(addr, "/readyz").await;
        assert_eq!(status, 503, "{body}");
        assert!(
            body.starts_with("not ready\ngateway: NOT connected\nstore: writable\n"),
            "{body}"
        );
        metrics.set_gateway_connected(true);
        let (status, body) = get(addr, "/readyz").await;
        assert_eq!(
            (status, body.as_str()),
            (
                200,
                "ready\ngateway: connected\nstore: writable\ntemplates: loaded\n"
            )
        );
        let (status, body) = get(addr, "/metrics").await;
        assert_eq!(status, 200);
        assert!(body.contains("shopkeep_tickets_open 0\n"), "{body}");
        assert_eq!(get(addr, "/nothing").await.0, 404);
        stop.cancel();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn an_address_in_use_is_an_error_naming_it() {
        let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = taken.local_addr().unwrap();
        let state = HttpState {
            metrics: Arc::new(Metrics::new()),
            store: Store::open(":memory:").await.unwrap(),
            templates: None,
            web: None,
        };
        let err = serve(addr, state, CancellationToken::new())
            .await
            .map(|(a, _)| a)
            .expect_err("the port is taken");
        assert!(
            format!("{err:#}").starts_with(&format!("cannot listen on [http] bind {addr}")),
            "{err:#}"
        );
    }
}
