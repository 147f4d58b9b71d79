//! HTTP plumbing shared by every remote adapter: auth headers, timeouts,
//! retries with jittered backoff, `429 Retry-After`, a client-side request
//! budget, and turning error replies into [`BackendError`]s that carry the
//! server's own words (but never our credentials).
//!
//! Adapters build a [`RequestSpec`] and call [`HttpClient::send`]; they get a
//! 2xx [`HttpResponse`] back or an already-mapped error. Waits (rate budget,
//! `Retry-After`, backoff) are published on a `watch` channel of
//! [`NetStatus`] so the UI can say "waiting for rate limit (12s)".
//!
//! Scheduling: every request runs in a [`Lane`] (interactive unless the
//! caller wraps its work in [`Lane::scope`]); how each lane spends the
//! budget is in [`budget`]. Identical GETs in flight at the same time are
//! sent once and share the reply, so opening a busy person twice, or sync
//! and the detail pane reading the same record, costs one request.

use super::{BackendError, Result};
use crate::model::Violation;
use async_trait::async_trait;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared, WeakShared};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
pub use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{Notify, watch};

mod budget;
use budget::Budget;
pub use budget::Lane;

tokio::task_local! {
    static LANE: Lane;
}

impl Lane {
    /// Run `work` with every request it makes in this lane.
    pub async fn scope<F: std::future::Future>(self, work: F) -> F::Output {
        LANE.scope(self, work).await
    }

    /// The lane of the running task (interactive unless scoped).
    pub fn current() -> Lane {
        LANE.try_with(|l| *l).unwrap_or_default()
    }
}

/// Content types the adapters send.
pub const JSON: &str = "application/json";
pub const LD_JSON: &str = "application/ld+json";
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";
pub const JSON_PATCH_JSON: &str = "application/json-patch+json";
pub const FORM: &str = "application/x-www-form-urlencoded";

/// Longest server message we pass on; error text ends up in one status line.
const MAX_MESSAGE_CHARS: usize = 300;

/// At most `requests` per sliding window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

impl RateLimit {
    /// RogerRoger's documented tenant budget.
    pub const fn per_minute(requests: u32) -> Self {
        RateLimit {
            requests,
            per: Duration::from_secs(60),
        }
    }
}

/// How to reach one server and how patient to be with it.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Scheme, host and optional path prefix, e.g. `https://api.example.com/v1`.
    pub base_url: String,
    pub user_agent: String,
    /// Sent as `Accept` unless a request overrides it.
    pub accept: String,
    pub connect_timeout: Duration,
    /// Whole request, including reading the body.
    pub request_timeout: Duration,
    /// Retries after the first attempt (for 429, 5xx and network errors).
    pub max_retries: u32,
    /// First backoff step; doubles per attempt, jittered, capped at `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A `Retry-After` longer than this is reported as `RateLimited` at once
    /// instead of silently blocking the caller for an hour.
    pub max_retry_after: Duration,
    /// Client-side budget; requests wait (never fail) until the window
    /// allows, in their lane (see [`budget`]).
    pub rate_limit: Option<RateLimit>,
}

impl HttpConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        HttpConfig {
            base_url: base_url.into(),
            user_agent: default_user_agent(),
            accept: JSON.to_string(),
            // The documented bounds (README, "Waits"): a hang costs one
            // timeout, never one per retry (see `Attempt::Failed`).
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            max_retries: 3,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(120),
            rate_limit: None,
        }
    }
}

pub fn default_user_agent() -> String {
    format!("rolo/{}", env!("CARGO_PKG_VERSION"))
}

/// Produces a credential header value on demand, e.g. an OAuth2
/// client-credentials token that is fetched once and refreshed on expiry.
#[async_trait]
pub trait TokenSource: Send + Sync {
    /// The full header value, e.g. `Bearer eyJ...`.
    async fn header_value(&self) -> Result<SecretString>;
    /// The server rejected the last value (401); fetch a fresh one next time.
    fn invalidate(&self) {}
}

/// How requests authenticate. `Debug` never shows a credential.
#[derive(Clone)]
pub enum Auth {
    None,
    /// A fixed header: `X-API-KEY: ...`, `Authorization: Bearer ...`, or a
    /// static Rhythm `Authorization` value.
    Header {
        name: String,
        value: SecretString,
    },
    /// A header whose value comes from a [`TokenSource`]; on 401 the source is
    /// invalidated and the request retried once.
    Token {
        name: String,
        source: Arc<dyn TokenSource>,
    },
}

impl Auth {
    pub fn api_key(name: impl Into<String>, key: SecretString) -> Self {
        Auth::Header {
            name: name.into(),
            value: key,
        }
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: &SecretString) -> Self {
        Auth::Header {
            name: "Authorization".into(),
            value: SecretString::from(format!("Bearer {}", token.expose_secret())),
        }
    }

    fn header_name(&self) -> Option<&str> {
        match self {
            Auth::None => None,
            Auth::Header { name, .. } | Auth::Token { name, .. } => Some(name),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Header { name, .. } => write!(f, "Auth::Header({name}: [redacted])"),
            Auth::Token { name, .. } => write!(f, "Auth::Token({name}: [redacted])"),
        }
    }
}

/// Why the client is not sending right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// Our own budget (`HttpConfig::rate_limit`) is spent for this window.
    RateBudget,
    /// The server answered 429 (or 503) with `Retry-After`.
    ServerRateLimit,
    /// Backing off before retrying a failed request.
    Retry { attempt: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetStatus {
    #[default]
    Idle,
    Waiting {
        reason: WaitReason,
        until: Instant,
    },
}

/// Where an HTTP client reports its waits (rate limit, retry backoff), for
/// the status line.
pub type NetStatusRx = watch::Receiver<NetStatus>;

impl NetStatus {
    /// One line for the status bar, e.g. "waiting for rate limit (12s)".
    pub fn describe(&self, now: Instant) -> Option<String> {
        let NetStatus::Waiting { reason, until } = self else {
            return None;
        };
        let secs = until.saturating_duration_since(now).as_secs_f64().ceil() as u64;
        Some(match reason {
            WaitReason::RateBudget | WaitReason::ServerRateLimit => {
                format!("waiting for rate limit ({secs}s)")
            }
            WaitReason::Retry { attempt } => format!("retrying (attempt {attempt}) in {secs}s"),
        })
    }
}

/// One request, described independently of reqwest so it can be re-sent.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: Method,
    /// Joined to `base_url`; may carry its own `?query`. An absolute URL is
    /// accepted only on the base URL's origin (credentials stay home).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub content_type: &'static str,
    pub accept: Option<String>,
    /// Safe to send twice. GET/PUT/DELETE are; POST and PATCH are not by
    /// default (a lost PATCH reply is harmless for merge-patch, but the
    /// adapter decides that, not the plumbing).
    pub idempotent: bool,
    /// Statuses the caller wants back as `Ok` instead of a mapped error
    /// (e.g. an adapter reading a 409 body for the existing record's id).
    pub pass_through: Vec<u16>,
    /// An `application/x-www-form-urlencoded` body instead of JSON (OAuth2
    /// token requests). Values are secrets so `Debug` never shows them.
    pub form: Option<Vec<(String, SecretString)>>,
}

impl RequestSpec {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
        RequestSpec {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            content_type: JSON,
            accept: None,
            idempotent,
            pass_through: Vec::new(),
            form: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::POST, path).json(body)
    }

    pub fn put(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::PUT, path).json(body)
    }

    pub fn patch(path: impl Into<String>, body: Value, content_type: &'static str) -> Self {
        Self::new(Method::PATCH, path)
            .json(body)
            .content_type(content_type)
    }

    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = content_type;
        self
    }

    pub fn accept(mut self, accept: impl Into<String>) -> Self {
        self.accept = Some(accept.into());
        self
    }

    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Send `pairs` form-encoded (replaces any JSON body).
    pub fn form(mut self, pairs: Vec<(String, SecretString)>) -> Self {
        self.body = None;
        self.form = Some(pairs);
        self.content_type = FORM;
        self
    }

    pub fn pass_through(mut self, status: u16) -> Self {
        self.pass_through.push(status);
        self
    }
}

/// A reply that was read completely.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Decode the body; a truncated or non-JSON body is `Malformed`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            BackendError::Malformed(format!(
                "could not read the server's JSON reply (HTTP {}): {e}",
                self.status
            ))
        })
    }

    pub fn json_value(&self) -> Result<Value> {
        self.json()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A cheap-to-clone HTTP client for one server.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

type SharedReply = Shared<BoxFuture<'static, Result<HttpResponse>>>;

/// A GET being sent, which identical GETs join instead of sending their own.
struct InFlight {
    reply: WeakShared<BoxFuture<'static, Result<HttpResponse>>>,
    /// Set when an interactive caller joined: the request moves up a lane.
    interactive: Arc<AtomicBool>,
}

struct Inner {
    client: reqwest::Client,
    base: reqwest::Url,
    config: HttpConfig,
    auth: Auth,
    budget: Mutex<Budget>,
    /// Woken whenever the budget changes (a slot taken, a waiter gone, a
    /// request promoted), so waiters re-check instead of sleeping it out.
    budget_changed: Notify,
    in_flight: Mutex<HashMap<String, InFlight>>,
    status: watch::Sender<NetStatus>,
    attempts: AtomicU64,
}

impl Inner {
    fn budget(&self) -> MutexGuard<'_, Budget> {
        // A poisoned lock only means another task panicked mid-update; the
        // bookkeeping is still usable.
        self.budget.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn in_flight(&self) -> MutexGuard<'_, HashMap<String, InFlight>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Drops a waiter's registration however its wait ends (a cancelled task
/// included), so a gone interactive request never holds back sync.
struct WaitGuard<'a> {
    inner: &'a Inner,
    waiter: u64,
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        self.inner.budget().stop_waiting(self.waiter);
        self.inner.budget_changed.notify_waiters();
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("base_url", &self.inner.config.base_url)
            .field("auth", &self.inner.auth)
            .finish_non_exhaustive()
    }
}

/// What one attempt produced, before deciding whether to retry.
enum Attempt {
    Reply(HttpResponse),
    /// No reply. `sent` is false when the connection was never made, so even
    /// a POST is safe to repeat.
    Failed {
        message: String,
        sent: bool,
        /// The connect or whole-request timeout ran out. Not retried: the
        /// server had its full time, and retrying would multiply the bound.
        timed_out: bool,
    },
}

impl HttpClient {
    pub fn new(config: HttpConfig, auth: Auth) -> Result<Self> {
        let base = parse_base_url(&config.base_url)?;
        if let Some(name) = auth.header_name() {
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                BackendError::Unauthorized(format!("'{name}' is not a valid header name"))
            })?;
        }
        if let Auth::Header { value, .. } = &auth {
            HeaderValue::from_str(value.expose_secret()).map_err(|_| {
                BackendError::Unauthorized(
                    "the credential contains characters a header cannot carry".into(),
                )
            })?;
        }
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| BackendError::Network(format!("could not set up HTTP: {e}")))?;
        let (status, _) = watch::channel(NetStatus::Idle);
        Ok(HttpClient {
            inner: Arc::new(Inner {
                client,
                base,
                config,
                auth,
                budget: Mutex::new(Budget::default()),
                budget_changed: Notify::new(),
                in_flight: Mutex::new(HashMap::new()),
                status,
                attempts: AtomicU64::new(0),
            }),
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// Waits in progress, for the status line.
    pub fn status(&self) -> NetStatusRx {
        self.inner.status.subscribe()
    }

    /// Attempts made so far (each retry counts), for tests and benchmarks.
    pub fn attempts(&self) -> u64 {
        self.inner.attempts.load(Ordering::Relaxed)
    }

    /// Resolve `path` against the base URL. Absolute URLs must stay on the
    /// base's origin so a hostile `next` link cannot collect our API key.
    pub fn url_for(&self, path: &str) -> Result<reqwest::Url> {
        let base = &self.inner.base;
        if path.starts_with("http://") || path.starts_with("https://") {
            let url = reqwest::Url::parse(path)
                .map_err(|e| BackendError::Malformed(format!("bad link from server: {e}")))?;
            if url.origin() != base.origin() {
                return Err(BackendError::Malformed(format!(
                    "server linked to another host ({}); not following",
                    url.host_str().unwrap_or("?")
                )));
            }
            return Ok(url);
        }
        let prefix = base.path().trim_end_matches('/');
        let joined = format!("{prefix}/{}", path.trim_start_matches('/'));
        let mut url = base.clone();
        match joined.split_once('?') {
            Some((p, q)) => {
                url.set_path(p);
                url.set_query(Some(q));
            }
            None => {
                url.set_path(&joined);
                url.set_query(None);
            }
        }
        Ok(url)
    }

    /// Send with retries; `Ok` only for 2xx (or a `pass_through` status).
    /// A GET identical to one in flight waits for that one's reply.
    pub async fn send(&self, spec: RequestSpec) -> Result<HttpResponse> {
        let url = self.url_for(&spec.path)?;
        let interactive = Lane::current() == Lane::Interactive;
        let Some(key) = shared_key(&spec, &url) else {
            let lane = Arc::new(AtomicBool::new(interactive));
            return self.send_now(spec, url, lane).await;
        };
        self.send_shared(key, spec, url, interactive).await
    }

    async fn send_shared(
        &self,
        key: String,
        spec: RequestSpec,
        url: reqwest::Url,
        interactive: bool,
    ) -> Result<HttpResponse> {
        let reply: SharedReply = {
            let mut in_flight = self.inner.in_flight();
            let joined = in_flight.get(&key).and_then(|f| {
                let reply = f.reply.upgrade()?;
                Some((reply, f.interactive.clone()))
            });
            match joined {
                Some((reply, lane)) => {
                    tracing::debug!("http: joining a GET already in flight");
                    if interactive && !lane.swap(true, Ordering::SeqCst) {
                        self.inner.budget_changed.notify_waiters();
                    }
                    reply
                }
                None => {
                    let lane = Arc::new(AtomicBool::new(interactive));
                    let this = self.clone();
                    let (k, mine) = (key.clone(), lane.clone());
                    let reply = async move {
                        let result = this.send_now(spec, url, mine.clone()).await;
                        let mut in_flight = this.inner.in_flight();
                        if in_flight
                            .get(&k)
                            .is_some_and(|f| Arc::ptr_eq(&f.interactive, &mine))
                        {
                            in_flight.remove(&k);
                        }
                        result
                    }
                    .boxed()
                    .shared();
                    if let Some(weak) = reply.downgrade() {
                        in_flight.insert(
                            key,
                            InFlight {
                                reply: weak,
                                interactive: lane,
                            },
                        );
                    }
                    reply
                }
            }
        };
        reply.await
    }

    async fn send_now(
        &self,
        spec: RequestSpec,
        url: reqwest::Url,
        interactive: Arc<AtomicBool>,
    ) -> Result<HttpResponse> {
        let cfg = &self.inner.config;
        let mut retries = 0u32;
        let mut reauthed = false;
        loop {
            let slot = self.wait_for_budget(&interactive).await?;
            let attempt = self.attempt(&spec, &url).await;
            self.inner.budget().answered(slot, Instant::now());
            let (attempt, secret) = attempt?;
            let can_retry = retries < cfg.max_retries;
            let reply = match attempt {
                Attempt::Reply(reply) => reply,
                Attempt::Failed {
                    message,
                    sent,
                    timed_out,
                } => {
                    let message = scrub(&message, secret.as_ref());
                    if can_retry && !timed_out && (spec.idempotent || !sent) {
                        retries += 1;
                        self.backoff(retries, None).await;
                        continue;
                    }
                    return Err(BackendError::Network(message));
                }
            };
            if reply.is_success() || spec.pass_through.contains(&reply.status) {
                return Ok(reply);
            }
            let retry_after = reply
                .header(RETRY_AFTER.as_str())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            match reply.status {
                // A 429 means the server did not act on the request, so even a
                // POST may be repeated.
                429 => {
                    let wait = retry_after.unwrap_or_else(|| backoff_delay(retries + 1, cfg));
                    // The server's word holds for every request, not just this one.
                    self.pause_all(wait);
                    if can_retry && wait <= cfg.max_retry_after {
                        retries += 1;
                        self.sleep(WaitReason::ServerRateLimit, wait).await;
                        continue;
                    }
                    return Err(BackendError::RateLimited { retry_after: wait });
                }
                500..=599 if spec.idempotent && can_retry => {
                    if retry_after.is_some_and(|w| w > cfg.max_retry_after) {
                        return Err(self.map_reply(&reply, secret.as_ref(), &spec));
                    }
                    retries += 1;
                    self.backoff(retries, retry_after).await;
                    continue;
                }
                401 if !reauthed => {
                    if let Auth::Token { source, .. } = &self.inner.auth {
                        source.invalidate();
                        reauthed = true;
                        continue;
                    }
                    return Err(self.map_reply(&reply, secret.as_ref(), &spec));
                }
                _ => return Err(self.map_reply(&reply, secret.as_ref(), &spec)),
            }
        }
    }

    /// Map an error reply, scrubbed of the credential and of any form
    /// values we sent (an OAuth2 client secret must not come back in text).
    fn map_reply(
        &self,
        reply: &HttpResponse,
        secret: Option<&SecretString>,
        spec: &RequestSpec,
    ) -> BackendError {
        let mut err = scrub_error(map_error(reply.status, &reply.body), secret);
        for (_, value) in spec.form.iter().flatten() {
            err = scrub_error(err, Some(value));
        }
        err
    }

    /// One attempt. Also returns the credential used, so error text can be
    /// scrubbed of it.
    async fn attempt(
        &self,
        spec: &RequestSpec,
        url: &reqwest::Url,
    ) -> Result<(Attempt, Option<SecretString>)> {
        let cfg = &self.inner.config;
        let accept = spec.accept.as_deref().unwrap_or(&cfg.accept);
        let mut rb = self
            .inner
            .client
            .request(spec.method.clone(), url.clone())
            .header(ACCEPT, accept);
        if !spec.query.is_empty() {
            rb = rb.query(&spec.query);
        }
        if let Some(form) = &spec.form {
            let encoded = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter().map(|(k, v)| (k, v.expose_secret())))
                .finish();
            rb = rb.header(CONTENT_TYPE, FORM).body(encoded);
        }
        if let Some(body) = &spec.body {
            let bytes = serde_json::to_vec(body)
                .map_err(|e| BackendError::Malformed(format!("could not encode request: {e}")))?;
            rb = rb.header(CONTENT_TYPE, spec.content_type).body(bytes);
        }
        let secret = self.credential().await?;
        if let (Some(name), Some(value)) = (self.inner.auth.header_name(), &secret) {
            rb = rb.header(name, sensitive_header(value)?);
        }
        self.inner.attempts.fetch_add(1, Ordering::Relaxed);
        let resp = match rb.send().await {
            Ok(resp) => resp,
            Err(e) => {
                let sent = !e.is_connect();
                return Ok((
                    Attempt::Failed {
                        message: describe_reqwest(&e, cfg),
                        sent,
                        timed_out: e.is_timeout(),
                    },
                    secret,
                ));
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        match resp.bytes().await {
            Ok(body) => Ok((
                Attempt::Reply(HttpResponse {
                    status,
                    headers,
                    body: body.to_vec(),
                }),
                secret,
            )),
            Err(e) => Ok((
                Attempt::Failed {
                    message: describe_reqwest(&e, cfg),
                    sent: true,
                    timed_out: e.is_timeout(),
                },
                secret,
            )),
        }
    }

    async fn credential(&self) -> Result<Option<SecretString>> {
        match &self.inner.auth {
            Auth::None => Ok(None),
            Auth::Header { value, .. } => Ok(Some(value.clone())),
            Auth::Token { source, .. } => Ok(Some(source.header_value().await?)),
        }
    }

    /// Take a slot in the budget for a request in the lane `interactive`
    /// says (it may change while we wait), waiting as long as needed, except
    /// that a server pause longer than `max_retry_after` is reported as
    /// `RateLimited` at once instead of blocking the caller. Interactive
    /// waits are reported on the status channel; background pacing is not
    /// news.
    async fn wait_for_budget(&self, interactive: &AtomicBool) -> Result<budget::SlotId> {
        let inner = &*self.inner;
        let limit = inner.config.rate_limit;
        let lane_now = || {
            if interactive.load(Ordering::SeqCst) {
                Lane::Interactive
            } else {
                Lane::Background
            }
        };
        let mut guard: Option<WaitGuard<'_>> = None;
        loop {
            let changed = inner.budget_changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let lane = lane_now();
            let now = Instant::now();
            let decision = {
                let mut budget = inner.budget();
                let waiter = guard.as_ref().map(|g| g.waiter);
                if let Some(w) = waiter {
                    budget.set_waiting(w, lane == Lane::Interactive);
                }
                let paused = budget.paused_until.filter(|&p| p > now);
                budget
                    .reserve(now, limit, lane, waiter)
                    .map_err(|until| (until, paused.is_some()))
            };
            let (until, server_said) = match decision {
                Ok(slot) => {
                    drop(guard);
                    inner.budget_changed.notify_waiters();
                    return Ok(slot);
                }
                Err(wait) => wait,
            };
            if let Some(until) = until.filter(|_| server_said) {
                let retry_after = until.saturating_duration_since(now);
                if retry_after > inner.config.max_retry_after {
                    return Err(BackendError::RateLimited { retry_after });
                }
            }
            if guard.is_none() {
                let waiter = inner.budget().start_waiting(lane == Lane::Interactive);
                guard = Some(WaitGuard { inner, waiter });
                // Background requests must see this one waiting: re-check.
                inner.budget_changed.notify_waiters();
                continue;
            }
            let waiting = until.map(|until| NetStatus::Waiting {
                reason: if server_said {
                    WaitReason::ServerRateLimit
                } else {
                    WaitReason::RateBudget
                },
                until,
            });
            let report = waiting.filter(|_| lane == Lane::Interactive || server_said);
            if let Some(w) = report {
                tracing::debug!(?w, "http: waiting for the budget");
                inner.status.send_replace(w);
            }
            match until {
                Some(until) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(until.into()) => {}
                        _ = &mut changed => {}
                    }
                }
                None => changed.await,
            }
            if let Some(w) = report {
                inner.status.send_if_modified(|s| {
                    let ours = *s == w;
                    if ours {
                        *s = NetStatus::Idle;
                    }
                    ours
                });
            }
        }
    }

    /// After a 429, make every task sharing this client hold off too.
    fn pause_all(&self, wait: Duration) {
        self.inner.budget().pause(Instant::now() + wait);
        self.inner.budget_changed.notify_waiters();
    }

    async fn backoff(&self, attempt: u32, server_hint: Option<Duration>) {
        let wait = server_hint.unwrap_or_else(|| backoff_delay(attempt, &self.inner.config));
        self.sleep(WaitReason::Retry { attempt }, wait).await;
    }

    async fn sleep(&self, reason: WaitReason, wait: Duration) {
        if wait.is_zero() {
            return;
        }
        let until = Instant::now() + wait;
        tracing::debug!(?reason, ?wait, "http: waiting");
        let waiting = NetStatus::Waiting { reason, until };
        self.inner.status.send_replace(waiting);
        tokio::time::sleep(wait).await;
        // Another task may have started a longer wait meanwhile; only clear
        // the status if it is still ours.
        self.inner.status.send_if_modified(|s| {
            let ours = *s == waiting;
            if ours {
                *s = NetStatus::Idle;
            }
            ours
        });
    }
}

fn parse_base_url(base: &str) -> Result<reqwest::Url> {
    let url = reqwest::Url::parse(base)
        .map_err(|e| BackendError::Malformed(format!("bad base URL '{base}': {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(BackendError::Malformed(format!(
            "base URL '{base}' must be http(s)://host[/path]"
        )));
    }
    Ok(url)
}

fn sensitive_header(value: &SecretString) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value.expose_secret()).map_err(|_| {
        BackendError::Unauthorized(
            "the credential contains characters a header cannot carry".into(),
        )
    })?;
    // Keeps the value out of reqwest/hyper debug output.
    v.set_sensitive(true);
    Ok(v)
}

/// reqwest's own text plus the kind, without the URL's query (which can hold
/// search text the user typed).
fn describe_reqwest(e: &reqwest::Error, cfg: &HttpConfig) -> String {
    let host = e
        .url()
        .map(|u| u.host_str().unwrap_or("?").to_string())
        .unwrap_or_default();
    // A hang says what rolo waited for and how long.
    if e.is_timeout() && e.is_connect() {
        return cap(&format!(
            "could not connect to {host} within {}s",
            cfg.connect_timeout.as_secs_f64()
        ));
    }
    if e.is_timeout() {
        return cap(&format!(
            "no answer from {host} after {}s",
            cfg.request_timeout.as_secs_f64()
        ));
    }
    let kind = if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "reply cut off"
    } else {
        "request failed"
    };
    let mut source = String::new();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = cur {
        source = s.to_string();
        cur = s.source();
    }
    let text = match (host.is_empty(), source.is_empty()) {
        (true, true) => kind.to_string(),
        (true, false) => format!("{kind}: {source}"),
        (false, true) => format!("{kind} ({host})"),
        (false, false) => format!("{kind} ({host}): {source}"),
    };
    cap(&text)
}

/// `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
/// A date in the past means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Saturate absurd values instead of failing; the caller caps them.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff with "equal jitter": somewhere in the upper half of
/// `base * 2^(attempt-1)`, capped at `backoff_max`, so retries from several
/// clients spread out but never collapse to zero.
pub fn backoff_delay(attempt: u32, cfg: &HttpConfig) -> Duration {
    let exp = attempt.saturating_sub(1).min(20);
    let full = cfg
        .backoff_base
        .saturating_mul(1u32 << exp)
        .min(cfg.backoff_max);
    let half = full / 2;
    let jitter_ms = fastrand::u64(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

/// Turn an error reply into a [`BackendError`] with the server's own words.
pub fn map_error(status: u16, body: &[u8]) -> BackendError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    if matches!(status, 400 | 422)
        && let Some(v) = json.as_ref().and_then(violations)
        && !v.is_empty()
    {
        return BackendError::Validation(v);
    }
    let message = json
        .as_ref()
        .and_then(message_from_json)
        .or_else(|| message_from_text(body))
        .unwrap_or_else(|| reason(status).to_string());
    let message = cap(&message);
    match status {
        401 | 403 => BackendError::Unauthorized(message),
        404 | 410 => BackendError::NotFound(message),
        409 => BackendError::Conflict {
            message,
            existing: None,
        },
        400 | 422 => BackendError::Validation(vec![Violation::new("request", message)]),
        415 => BackendError::Server {
            status,
            message: format!("the server refused the request's content type: {message}"),
        },
        429 => BackendError::RateLimited {
            retry_after: Duration::ZERO,
        },
        _ => BackendError::Server { status, message },
    }
}

/// API Platform / problem+json `violations[{propertyPath, message}]`.
fn violations(json: &Value) -> Option<Vec<Violation>> {
    let list = json
        .get("violations")
        .or_else(|| json.get("hydra:violations"))?
        .as_array()?;
    Some(
        list.iter()
            .map(|v| {
                let field = v
                    .get("propertyPath")
                    .or_else(|| v.get("field"))
                    .and_then(Value::as_str)
                    .unwrap_or("request");
                let msg = v
                    .get("message")
                    .or_else(|| v.get("title"))
                    .and_then(Value::as_str)
                    .unwrap_or("invalid");
                Violation::new(cap(field), cap(msg))
            })
            .collect(),
    )
}

/// The most specific human-readable message a JSON error body carries.
fn message_from_json(json: &Value) -> Option<String> {
    const KEYS: [&str; 7] = [
        "detail",
        "hydra:description",
        "description",
        "message",
        "error",
        "title",
        "hydra:title",
    ];
    for key in KEYS {
        match json.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_string()),
            // Introzy-style `{success:false, error:{message}}`.
            Some(obj @ Value::Object(_)) => {
                if let Some(m) = message_from_json(obj) {
                    return Some(m);
                }
            }
            _ => {}
        }
    }
    None
}

/// A short plain-text body is worth showing; an HTML error page is not.
fn message_from_text(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() || text.starts_with('<') || text.starts_with('{') {
        return None;
    }
    text.lines().next().map(|l| l.trim().to_string())
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

/// Cap to [`MAX_MESSAGE_CHARS`] characters and drop control characters, so a
/// hostile reply cannot flood or repaint the status line.
fn cap(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    if s.chars().count() > MAX_MESSAGE_CHARS {
        out.push('…');
    }
    out
}

/// Remove the credential (and a bare token after "Bearer ") from text a
/// server or library produced; a server may echo the key it rejected.
fn scrub(text: &str, secret: Option<&SecretString>) -> String {
    let Some(secret) = secret else {
        return text.to_string();
    };
    let full = secret.expose_secret();
    let mut out = text.to_string();
    let token = full
        .split_once(' ')
        .map(|(_, t)| t.trim())
        .filter(|t| t.len() >= 4);
    for needle in [Some(full), token].into_iter().flatten() {
        if needle.len() >= 4 {
            out = out.replace(needle, "[redacted]");
        }
    }
    out
}

fn scrub_error(err: BackendError, secret: Option<&SecretString>) -> BackendError {
    let s = |m: String| scrub(&m, secret);
    match err {
        BackendError::Unauthorized(m) => BackendError::Unauthorized(s(m)),
        BackendError::NotFound(m) => BackendError::NotFound(s(m)),
        BackendError::Validation(v) => BackendError::Validation(
            v.into_iter()
                .map(|v| Violation::new(s(v.field), s(v.message)))
                .collect(),
        ),
        BackendError::Conflict { message, existing } => BackendError::Conflict {
            message: s(message),
            existing,
        },
        BackendError::Server { status, message } => BackendError::Server {
            status,
            message: s(message),
        },
        BackendError::Network(m) => BackendError::Network(s(m)),
        BackendError::Malformed(m) => BackendError::Malformed(s(m)),
        other => other,
    }
}

/// The key under which identical GETs share one request: method, URL with
/// query, and what we accept. Anything else (writes, bodies) is never shared.
fn shared_key(spec: &RequestSpec, url: &reqwest::Url) -> Option<String> {
    if spec.method != Method::GET || spec.body.is_some() || spec.form.is_some() {
        return None;
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(spec.query.iter())
        .finish();
    Some(format!(
        "{url}?{query}#{}",
        spec.accept.as_deref().unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        // Obsolete RFC 850 form is still an HTTP date.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn problem_json_violations_become_validation() {
        let body = br#"{"type":"/validation_errors/x","title":"An error occurred",
            "detail":"familyName: This value should not be blank.",
            "violations":[{"propertyPath":"familyName","message":"This value should not be blank."}]}"#;
        assert_eq!(
            map_error(422, body),
            BackendError::Validation(vec![Violation::new(
                "familyName",
                "This value should not be blank."
            )])
        );
    }

    #[test]
    fn message_precedence_detail_then_hydra_then_message_then_error() {
        let msg = |body: &str| match map_error(404, body.as_bytes()) {
            BackendError::NotFound(m) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(msg(r#"{"detail":"d","hydra:description":"h"}"#), "d");
        assert_eq!(msg(r#"{"hydra:description":"h","message":"m"}"#), "h");
        assert_eq!(msg(r#"{"description":"x","message":"m"}"#), "x");
        assert_eq!(msg(r#"{"message":"m","error":"e"}"#), "m");
        assert_eq!(
            msg(r#"{"success":false,"error":"Person not found"}"#),
            "Person not found"
        );
        assert_eq!(
            msg(r#"{"error":{"code":"x","message":"nested"}}"#),
            "nested"
        );
        assert_eq!(msg("<html><body>404</body></html>"), "Not Found");
        assert_eq!(msg("no such person\nstack trace"), "no such person");
    }

    #[test]
    fn statuses_map_to_error_kinds() {
        assert!(matches!(
            map_error(401, b"{}"),
            BackendError::Unauthorized(_)
        ));
        assert!(matches!(map_error(403, b""), BackendError::Unauthorized(_)));
        assert!(matches!(map_error(409, br#"{"error":"dup"}"#),
            BackendError::Conflict { message, .. } if message == "dup"));
        assert!(matches!(
            map_error(400, br#"{"detail":"bad filter"}"#),
            BackendError::Validation(v) if v[0].message == "bad filter"
        ));
        assert!(matches!(
            map_error(415, br#"{"detail":"The content-type \"application/json\" is not supported."}"#),
            BackendError::Server { status: 415, message } if message.contains("content type") && message.contains("not supported")
        ));
        assert!(matches!(
            map_error(429, b""),
            BackendError::RateLimited { .. }
        ));
        assert!(matches!(map_error(503, b"{truncated"),
            BackendError::Server { status: 503, message } if message == "Service Unavailable"));
    }

    #[test]
    fn messages_are_capped_and_stripped_of_controls() {
        let long = format!(r#"{{"detail":"{}\u001b[31m"}}"#, "x".repeat(5000));
        let BackendError::Server { message, .. } = map_error(500, long.as_bytes()) else {
            panic!()
        };
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS + 1);
        assert!(!message.contains('\u{1b}'));
    }

    #[test]
    fn secrets_are_scrubbed_from_messages_and_debug() {
        let secret = SecretString::from("Bearer sk_live_123456");
        let err = scrub_error(
            map_error(401, br#"{"message":"token sk_live_123456 revoked"}"#),
            Some(&secret),
        );
        let text = err.to_string();
        assert!(!text.contains("sk_live_123456"), "{text}");
        assert!(text.contains("[redacted]"));
        let auth = Auth::api_key("X-API-KEY", SecretString::from("hunter2-key"));
        assert!(!format!("{auth:?}").contains("hunter2"));
        let client = HttpClient::new(HttpConfig::new("http://127.0.0.1:1"), auth).unwrap();
        assert!(!format!("{client:?}").contains("hunter2"));
    }

    #[test]
    fn form_secrets_are_scrubbed_from_error_replies() {
        let client = HttpClient::new(HttpConfig::new("http://127.0.0.1:1"), Auth::None).unwrap();
        let spec = RequestSpec::new(Method::POST, "/oauth/token").form(vec![(
            "client_secret".into(),
            SecretString::from("s3cr3t-client-secret"),
        )]);
        let reply = HttpResponse {
            status: 401,
            headers: HeaderMap::new(),
            body: br#"{"error":"invalid_client s3cr3t-client-secret"}"#.to_vec(),
        };
        let err = client.map_reply(&reply, None, &spec).to_string();
        assert!(!err.contains("s3cr3t"), "{err}");
        assert!(!format!("{spec:?}").contains("s3cr3t"));
    }

    #[test]
    fn backoff_stays_within_bounds() {
        let cfg = HttpConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(1000),
            ..HttpConfig::new("http://x")
        };
        for _ in 0..200 {
            let d1 = backoff_delay(1, &cfg);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = backoff_delay(3, &cfg);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            let d30 = backoff_delay(30, &cfg);
            assert!(d30 >= Duration::from_millis(500) && d30 <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn paths_join_base_and_links_stay_on_origin() {
        let c =
            HttpClient::new(HttpConfig::new("https://api.example.com/v1/"), Auth::None).unwrap();
        assert_eq!(
            c.url_for("/people?page=2").unwrap().as_str(),
            "https://api.example.com/v1/people?page=2"
        );
        assert_eq!(
            c.url_for("people/7").unwrap().as_str(),
            "https://api.example.com/v1/people/7"
        );
        assert!(
            c.url_for("https://api.example.com/v1/people?page=3")
                .is_ok()
        );
        assert!(matches!(
            c.url_for("https://evil.example.net/people"),
            Err(BackendError::Malformed(_))
        ));
    }

    #[test]
    fn status_line_text() {
        let now = Instant::now();
        let s = NetStatus::Waiting {
            reason: WaitReason::RateBudget,
            until: now + Duration::from_millis(11_200),
        };
        assert_eq!(
            s.describe(now).as_deref(),
            Some("waiting for rate limit (12s)")
        );
        assert_eq!(NetStatus::Idle.describe(now), None);
    }
}
