//! Request log and fault injection shared by the Introzy and Rhythm fake
//! servers. One axum middleware runs in front of every route: it records the
//! request, adds the configured latency, then applies the first matching
//! queued fault (or lets the handler answer).

#![allow(dead_code)]

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A misbehaviour the fake applies to one matching request.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After: <secs>` before the handler runs.
    RateLimited(u64),
    /// This status with the server's JSON error body, before the handler runs.
    Status(u16),
    /// The handler runs; its JSON reply is cut in half (valid HTTP, bad JSON).
    Truncated,
    /// The handler runs (a write is applied), then the connection closes
    /// without any reply: the "lost POST reply" case.
    DropAfterApply,
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Logged {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub content_type: Option<String>,
    pub authorization: Option<String>,
    pub body: Bytes,
}

impl Logged {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Debug)]
struct Rule {
    method: Option<Method>,
    path: Option<String>,
    fault: Fault,
    remaining: u32,
}

#[derive(Debug, Default)]
struct Inner {
    rules: Vec<Rule>,
    log: Vec<Logged>,
    latency: Duration,
}

/// Shared between the test and the server's middleware.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    inner: Arc<Mutex<Inner>>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not wedge the other tests' servers.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Apply `fault` to the next `times` requests matching `method` and exact
    /// `path` (`None` matches any).
    pub fn inject(&self, method: Option<&str>, path: Option<&str>, fault: Fault, times: u32) {
        let method = method.map(|m| Method::from_bytes(m.as_bytes()).expect("test method"));
        self.lock().rules.push(Rule {
            method,
            path: path.map(str::to_string),
            fault,
            remaining: times,
        });
    }

    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// Every request so far, oldest first.
    pub fn log(&self) -> Vec<Logged> {
        self.lock().log.clone()
    }

    pub fn request_count(&self) -> usize {
        self.lock().log.len()
    }

    /// Requests with this method whose path equals `path`.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|l| l.method.as_str() == method && l.path == path)
            .count()
    }

    /// Requests with this method whose path starts with `prefix`.
    pub fn count_prefix(&self, method: &str, prefix: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|l| l.method.as_str() == method && l.path.starts_with(prefix))
            .count()
    }

    pub fn last(&self, method: &str) -> Option<Logged> {
        self.lock()
            .log
            .iter()
            .rev()
            .find(|l| l.method.as_str() == method)
            .cloned()
    }

    pub fn clear_log(&self) {
        self.lock().log.clear();
    }

    fn take_fault(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut inner = self.lock();
        let pos = inner.rules.iter().position(|r| {
            r.remaining > 0
                && r.method.as_ref().is_none_or(|m| m == method)
                && r.path.as_deref().is_none_or(|p| p == path)
        })?;
        let rule = &mut inner.rules[pos];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            inner.rules.remove(pos);
        }
        Some(fault)
    }
}

/// The middleware body; `error_body` renders the server's error shape.
pub async fn apply(
    recorder: Recorder,
    error_body: fn(u16, &str) -> Value,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 16 << 20).await.unwrap_or_default();
    let header_str = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let path = parts.uri.path().to_string();
    let latency = {
        let mut inner = recorder.lock();
        inner.log.push(Logged {
            method: parts.method.clone(),
            path: path.clone(),
            query: parts.uri.query().map(str::to_string),
            content_type: header_str(header::CONTENT_TYPE),
            authorization: header_str(header::AUTHORIZATION),
            body: bytes.clone(),
        });
        inner.latency
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let fault = recorder.take_fault(&parts.method, &path);
    let req = Request::from_parts(parts, Body::from(bytes));
    match fault {
        None => next.run(req).await,
        Some(Fault::RateLimited(secs)) => {
            let mut resp = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(error_body(429, "Too many requests")),
            )
                .into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            resp
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(error_body(code, "injected failure"))).into_response()
        }
        Some(Fault::Truncated) => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let full = to_bytes(body, 16 << 20).await.unwrap_or_default();
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(full.slice(..full.len() / 2)))
        }
        Some(Fault::DropAfterApply) => {
            let _applied = next.run(req).await;
            // Unwinding the connection task makes hyper drop the socket with
            // no reply; `resume_unwind` skips the panic hook, so no noise.
            std::panic::resume_unwind(Box::new("fake server: dropping connection"))
        }
    }
}

/// A deterministic clock: every call is one millisecond after the last, so
/// `updatedAt` changes on every write even within one real millisecond.
#[derive(Debug, Default)]
pub struct FakeClock(std::sync::atomic::AtomicI64);

impl FakeClock {
    pub fn tick(&self) -> String {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // 2024-01-15T10:00:00Z plus n milliseconds.
        let ts = jiff::Timestamp::from_millisecond(1_705_312_800_000 + n)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        format!("{ts:.3}")
    }
}
