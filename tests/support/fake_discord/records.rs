//! Reading what the fake saw, and waiting for it: REST calls, client frames,
//! gateway connections.
//!
//! Indices let a test wait only for what happens after a point
//! (`let from = fake.request_count(); ...; fake.wait_for_request(from, ..)`).
//! Timeouts panic with what was recorded, so a failing test says what did happen.

use std::time::Duration;

use axum::http::Method;
use serde_json::Value;

use super::state::lock;
use super::{ClientFrame, FakeDiscord, RecordedRequest, OP_HEARTBEAT, OP_IDENTIFY};

impl FakeDiscord {
    pub fn rest_requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// Calls the fake does not model (answered by the 404 fallback).
    pub fn unexpected_requests(&self) -> Vec<RecordedRequest> {
        self.rest_requests()
            .into_iter()
            .filter(|r| !r.matched)
            .collect()
    }

    /// Recorded calls of `method` on routes matching `pattern`.
    pub fn requests_to(&self, method: &Method, pattern: &str) -> Vec<RecordedRequest> {
        self.rest_requests()
            .into_iter()
            .filter(|r| r.is(method, pattern))
            .collect()
    }

    pub fn client_frames(&self) -> Vec<ClientFrame> {
        lock(&self.shared.frames).clone()
    }

    pub fn frame_count(&self) -> usize {
        lock(&self.shared.frames).len()
    }

    /// The `d` of every IDENTIFY the client sent.
    pub fn identify_payloads(&self) -> Vec<Value> {
        self.frames_with_op(OP_IDENTIFY)
            .into_iter()
            .map(|f| f.d)
            .collect()
    }

    pub fn heartbeat_count(&self) -> usize {
        self.frames_with_op(OP_HEARTBEAT).len()
    }

    fn frames_with_op(&self, op: u64) -> Vec<ClientFrame> {
        self.client_frames()
            .into_iter()
            .filter(|f| f.op == Some(op))
            .collect()
    }

    /// The request path of every gateway connection, e.g. `/?v=10`.
    pub fn gateway_connections(&self) -> Vec<String> {
        lock(&self.shared.connections).clone()
    }

    /// Panics unless the client asked this fake for the gateway URL and connected
    /// to it. serenity silently falls back to the real Discord when `GET /gateway`
    /// fails, so every test that builds a client should check this.
    pub fn assert_reached(&self) {
        let asked = self.requests_to(&Method::GET, "/gateway");
        assert!(
            asked.iter().any(|r| r.status == 200),
            "the client never asked the fake for the gateway URL"
        );
        assert!(
            !self.gateway_connections().is_empty(),
            "the client never connected to the fake gateway"
        );
    }

    /// Waits for the first IDENTIFY and returns its `d`. By then READY and
    /// GUILD_CREATE are queued ahead of anything the test dispatches.
    pub async fn wait_identified(&self, timeout: Duration) -> Value {
        self.wait_for_frame(0, timeout, |f| f.op == Some(OP_IDENTIFY))
            .await
            .d
    }

    /// Waits for a client frame at index `from` or later matching `pred`.
    pub async fn wait_for_frame(
        &self,
        from: usize,
        timeout: Duration,
        pred: impl Fn(&ClientFrame) -> bool,
    ) -> ClientFrame {
        let found = self.wait_until(timeout, || {
            lock(&self.shared.frames)
                .iter()
                .skip(from)
                .find(|f| pred(f))
                .cloned()
        });
        found.await.unwrap_or_else(|| {
            let seen: Vec<_> = self.client_frames().iter().map(|f| (f.op, f.close_code)).collect();
            panic!("no matching gateway frame from #{from} within {timeout:?}; saw (op, close): {seen:?}")
        })
    }

    /// Asserts the client closed the gateway normally (code 1000) at frame
    /// `from` or later, and made no request the fake does not know.
    pub async fn assert_closed_cleanly(&self, from: usize, timeout: Duration) {
        let close = self
            .wait_for_frame(from, timeout, |f| f.close_code.is_some())
            .await;
        assert_eq!(close.close_code, Some(1000));
        assert!(
            self.unexpected_requests().is_empty(),
            "{}",
            self.describe_requests()
        );
    }

    /// Waits for a REST call at index `from` or later matching `pred`.
    pub async fn wait_for_request(
        &self,
        from: usize,
        timeout: Duration,
        pred: impl Fn(&RecordedRequest) -> bool,
    ) -> RecordedRequest {
        let found = self.wait_until(timeout, || {
            lock(&self.shared.requests)
                .iter()
                .skip(from)
                .find(|r| pred(r))
                .cloned()
        });
        found.await.unwrap_or_else(|| {
            panic!(
                "no matching REST call from #{from} within {timeout:?}; saw:\n{}",
                self.describe_requests()
            )
        })
    }

    /// Waits out `window` and panics if a REST call at index `from` or later
    /// matches `pred`. For "no reply" assertions: prefer a positive barrier (an
    /// event that does cause a call) where the test has one.
    pub async fn assert_no_request(
        &self,
        from: usize,
        window: Duration,
        pred: impl Fn(&RecordedRequest) -> bool,
    ) {
        let found = self.wait_until(window, || {
            lock(&self.shared.requests)
                .iter()
                .skip(from)
                .find(|r| pred(r))
                .cloned()
        });
        if let Some(request) = found.await {
            panic!(
                "unexpected {} {} with body {:?}",
                request.method, request.path, request.body
            );
        }
    }

    /// One line per recorded call: method, path, status.
    pub fn describe_requests(&self) -> String {
        let lines: Vec<String> = self
            .rest_requests()
            .iter()
            .map(|r| format!("  {} {} -> {}", r.method, r.path, r.status))
            .collect();
        lines.join("\n")
    }

    /// Re-checks `check` each time the fake records something, until it yields or time runs out.
    async fn wait_until<T>(&self, timeout: Duration, check: impl Fn() -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            // Register before checking, so a record between check and await is not missed.
            notified.as_mut().enable();
            if let Some(found) = check() {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return check();
            }
        }
    }
}
