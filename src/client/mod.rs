//! The client the app and the CLI talk to.
//!
//! * Local profiles: the store is the backend's own database; writes go
//!   straight to the backend and are durable when it returns.
//! * Remote profiles: the store is a cache. Reads are served from it first;
//!   `sync` refreshes it from the server. Every write is committed to the
//!   outbox together with its change to the cached copy, then `flush` sends
//!   it (see [`flush`]). Nothing acknowledged is lost when the
//!   network, the server or rolo itself fails, nothing is sent twice when
//!   several rolo processes share the cache, and what the server refuses
//!   waits, visibly, for the user ([`settle`]).

use crate::backend::http::NetStatusRx;
use crate::backend::{Backend, BackendError, EnrichOutcome};
mod deliver;
pub mod flush;
mod lease;
pub mod merge;
mod path;
mod refs;
mod settle;
mod sync;
mod undo;
mod verify;
pub use undo::Undone;
mod write;

pub use deliver::Duplicate;
pub use lease::DEFAULT_LEASE;
pub use path::WritePath;
pub use settle::Settled;

use crate::model::{Capabilities, Person};
use crate::outbox::QueuedOp;
use crate::store::{PersonSummary, Store, StoreError};
use flush::{FlushReport, flush};
use lease::Owner;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A full listing at least this often, to catch edits and deletions an
/// incremental sync cannot see.
pub const FULL_SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// How old a remote profile's cache may be before reads say so, unless
/// the profile sets `stale_after_minutes`.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// People on screen refreshed one by one at each incremental sync.
pub(crate) const FOCUS_REFRESH_MAX: usize = 12;

#[derive(Clone)]
pub struct Client {
    backend: Arc<dyn Backend>,
    store: Arc<Mutex<Store>>,
    /// Straight to the backend (local), or through the outbox (remote).
    path: WritePath,
    net_status: Option<NetStatusRx>,
    /// One flush at a time in this process (other processes are kept out
    /// by the claims in the store).
    flushing: Arc<tokio::sync::Mutex<()>>,
    /// What was read from the server lately (see [`sync`]).
    reads: Arc<sync::ReadLog>,
    /// Who claims outbox ops on behalf of this client.
    owner: Owner,
    /// How long a claim lasts unrenewed.
    lease: Duration,
    /// A cache last synced longer ago than this is called stale by the
    /// CLI's reads (the profile's `stale_after_minutes`).
    stale_after: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.backend.kind())
            .field("path", &self.path)
            .finish()
    }
}

/// A task that ends when this is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What a full sync did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    pub flushed: FlushReport,
    /// People fetched from the server (`None` when the fetch failed).
    pub fetched: Option<usize>,
    /// Why the fetch failed; kept as an error so a refused key and a
    /// server that is down exit differently.
    pub error: Option<BackendError>,
}

fn storage(e: StoreError) -> BackendError {
    // Damaged, locked and full stores stay apart: they exit differently.
    BackendError::from(e)
}

impl Client {
    /// A local backend whose database is `store`.
    pub fn new(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
        Client {
            backend,
            store,
            path: WritePath::Direct,
            net_status: None,
            flushing: Arc::default(),
            reads: Arc::default(),
            owner: Owner::new(),
            lease: DEFAULT_LEASE,
            stale_after: DEFAULT_STALE_AFTER,
        }
    }

    /// A remote backend with `store` as its cache.
    pub fn remote(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
        refs::restore(backend.as_ref(), &store);
        Client {
            path: WritePath::Outbox,
            ..Client::new(backend, store)
        }
    }

    /// Claims on outbox ops last `lease` unrenewed (tests shorten it to see
    /// a frozen process's claim expire).
    pub fn with_lease(mut self, lease: Duration) -> Client {
        self.lease = lease;
        self
    }

    /// Reads call the cache stale once its last sync is older than `after`.
    pub fn with_stale_after(mut self, after: Duration) -> Client {
        self.stale_after = after;
        self
    }

    pub fn stale_after(&self) -> Duration {
        self.stale_after
    }

    /// Read the store on this thread. For the CLI's streaming output,
    /// whose writer cannot move to the blocking pool; a command does one
    /// thing at a time, so nothing else waits for this thread.
    pub fn read_store<T>(&self, f: impl FnOnce(&Store) -> T) -> Result<T, BackendError> {
        let guard = self
            .store
            .lock()
            .map_err(|_| BackendError::Storage("store lock poisoned".into()))?;
        Ok(f(&guard))
    }

    /// Where the HTTP client reports waits (rate limit, retry backoff).
    pub fn with_net_status(mut self, rx: NetStatusRx) -> Client {
        self.net_status = Some(rx);
        self
    }

    pub fn net_status(&self) -> Option<NetStatusRx> {
        self.net_status.clone()
    }

    /// How this client's writes travel.
    pub fn write_path(&self) -> WritePath {
        self.path
    }

    /// The store is a cache of a server (writes go through the outbox).
    pub fn is_remote(&self) -> bool {
        self.path.caches()
    }

    pub fn kind(&self) -> &'static str {
        self.backend.kind()
    }

    pub fn capabilities(&self) -> Capabilities {
        self.backend.capabilities()
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Run `f` with the store on the blocking pool.
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, BackendError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| BackendError::Storage("store lock poisoned".into()))?;
            f(&mut guard).map_err(storage)
        })
        .await
        .map_err(|e| BackendError::Storage(format!("store task failed: {e}")))?
    }

    /// Everyone's list summary, from SQLite; never waits for the network.
    pub async fn load_summaries(&self) -> Result<Vec<PersonSummary>, String> {
        self.with_store(|s| s.load_summaries())
            .await
            .map_err(|e| e.to_string())
    }

    /// When the cache was last filled from the server (RFC 3339).
    pub async fn last_sync(&self) -> Option<String> {
        self.with_store(|s| s.meta("last_sync"))
            .await
            .ok()
            .flatten()
    }
    /// Send what the outbox holds (remote profiles; a no-op for local ones).
    pub async fn flush(&self) -> FlushReport {
        if !self.path.caches() {
            return FlushReport::default();
        }
        let _one_at_a_time = self.flushing.lock().await;
        flush(self).await
    }

    pub async fn queued(&self) -> Result<Vec<QueuedOp>, BackendError> {
        self.with_store(|s| s.queued()).await
    }

    /// Renew the claim on `seq` while the returned guard lives: a slow
    /// server must not let another process take over an op in flight.
    fn keep_claimed(&self, seq: i64) -> AbortOnDrop {
        let client = self.clone();
        let every = (self.lease / 3).max(Duration::from_millis(50));
        AbortOnDrop(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let owner = client.owner.id().to_string();
                let until = lease::now_ms() + client.lease.as_millis() as i64;
                let _ = client
                    .with_store(move |s| s.renew_claim(seq, &owner, until))
                    .await;
            }
        }))
    }

    /// Custom-field definitions; none when the CRM has none or is out of reach
    /// (the keys are shown as they are then).
    pub async fn custom_field_defs(&self) -> Vec<crate::model::CustomFieldDef> {
        let mut defs = self.backend.custom_field_defs().await.unwrap_or_default();
        defs.sort_by_key(|d| d.display_order);
        defs
    }

    /// Enrichment needs the server (or, locally, nothing but the record).
    pub async fn enrich(&self, person: &Person) -> Result<EnrichOutcome, BackendError> {
        self.backend.enrich(person).await
    }
}
