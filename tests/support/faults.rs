//! Request log and fault injection shared by the fake servers. One axum
//! middleware runs in front of every route: it records the request, adds
//! the configured latency, then applies the first matching queued fault,
//! else a fault drawn from the seeded [`FaultMix`] if one is set, else lets
//! the handler answer.

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
    /// Let this request through untouched: aims later rules for the same
    /// request past it ("fail the second look-up, not the first").
    Pass,
    /// The handler runs (a write is applied), then this status with the
    /// server's error body replaces its reply: a gateway that gave up on a
    /// backend that finished anyway.
    StatusAfterApply(u16),
    /// The handler runs; its headers (with the full `Content-Length`) and
    /// half its body go out, then the connection is cut.
    CutMidBody,
    /// The handler runs; its reply is held back this long (past the
    /// client's timeout), then sent.
    HangAfterApply(Duration),
}

impl Fault {
    /// A short name for counting what a mix injected.
    pub fn label(&self) -> &'static str {
        match self {
            Fault::RateLimited(_) => "429",
            Fault::Status(500) => "500 before apply",
            Fault::Status(502) => "502 before apply",
            Fault::Status(503) => "503 before apply",
            Fault::Status(_) => "status before apply",
            Fault::Truncated => "truncated after apply",
            Fault::DropAfterApply => "closed after apply",
            Fault::Pass => "pass",
            Fault::StatusAfterApply(_) => "5xx after apply",
            Fault::CutMidBody => "cut mid-body",
            Fault::HangAfterApply(_) => "hang after apply",
        }
    }
}

/// A seeded random mix of faults: each request, with probability `rate`,
/// gets one fault drawn by weight. The same seed gives the same sequence
/// of draws (which request gets which depends on the order they arrive).
#[derive(Debug, Clone)]
pub struct FaultMix {
    rng: fastrand::Rng,
    rate: f64,
    kinds: Vec<(Fault, u32)>,
    writes_only: bool,
}

impl FaultMix {
    /// What the issue measured with, and then some: 500/502/503 before the
    /// handler, a 5xx after it, a truncated body, a connection closed after
    /// the write was applied, a body cut mid-way.
    pub fn standard(seed: u64, rate: f64) -> FaultMix {
        FaultMix {
            rng: fastrand::Rng::with_seed(seed),
            rate,
            kinds: vec![
                (Fault::Status(500), 2),
                (Fault::Status(502), 2),
                (Fault::Status(503), 2),
                (Fault::StatusAfterApply(502), 2),
                (Fault::Truncated, 3),
                (Fault::DropAfterApply, 3),
                (Fault::CutMidBody, 2),
            ],
            writes_only: false,
        }
    }

    /// Also hold some replies back for `hang` (choose it past the client's
    /// request timeout).
    pub fn with_hangs(mut self, hang: Duration, weight: u32) -> FaultMix {
        self.kinds.push((Fault::HangAfterApply(hang), weight));
        self
    }

    /// Fault only POST, PUT, PATCH and DELETE.
    pub fn writes_only(mut self) -> FaultMix {
        self.writes_only = true;
        self
    }

    fn draw(&mut self, method: &Method) -> Option<Fault> {
        if self.writes_only && (method == Method::GET || method == Method::HEAD) {
            return None;
        }
        if self.rng.f64() >= self.rate {
            return None;
        }
        let total: u32 = self.kinds.iter().map(|(_, w)| w).sum();
        let mut pick = self.rng.u32(0..total.max(1));
        for (fault, weight) in &self.kinds {
            if pick < *weight {
                return Some(fault.clone());
            }
            pick -= weight;
        }
        None
    }
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
    mix: Option<FaultMix>,
    /// What the mix injected, by [`Fault::label`].
    injected: std::collections::BTreeMap<&'static str, usize>,
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

    /// Draw faults from `mix` for requests no queued rule matches (`None`
    /// turns it off).
    pub fn set_mix(&self, mix: Option<FaultMix>) {
        self.lock().mix = mix;
    }

    /// How many faults of each kind the mix injected so far.
    pub fn injected(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.lock().injected.clone()
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
        });
        let Some(pos) = pos else {
            let fault = inner.mix.as_mut()?.draw(method)?;
            *inner.injected.entry(fault.label()).or_default() += 1;
            return Some(fault);
        };
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
        None | Some(Fault::Pass) => next.run(req).await,
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
        Some(Fault::StatusAfterApply(code)) => {
            let _applied = next.run(req).await;
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
            (
                status,
                axum::Json(error_body(code, "injected failure after apply")),
            )
                .into_response()
        }
        Some(Fault::CutMidBody) => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let full = to_bytes(body, 16 << 20).await.unwrap_or_default();
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            let half = full.slice(..full.len() / 2);
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::other("fake server: cut mid-body")),
            ];
            Response::from_parts(parts, Body::from_stream(futures::stream::iter(chunks)))
        }
        Some(Fault::HangAfterApply(hang)) => {
            let resp = next.run(req).await;
            tokio::time::sleep(hang).await;
            resp
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
