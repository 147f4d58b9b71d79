//! The client the app and the CLI talk to.
//!
//! * Local profiles: the store is the backend's own database; writes go
//!   straight to the backend and are durable when it returns.
//! * Remote profiles: the store is a cache. Reads are served from it first;
//!   `sync` refreshes it from the server. Every write is committed to the
//!   outbox together with its change to the cached copy, then `flush` sends
//!   it (see [`flush`]). Nothing acknowledged is lost when the
//!   network, the server or rolo itself fails.

use crate::backend::{Backend, BackendError, EnrichOutcome};
pub mod flush;
mod refs;
mod sync;

use crate::model::{Capabilities, Note, Person};
use crate::outbox::{Op, QueuedOp, new_local_id};
use crate::store::{PersonSummary, Store, StoreError};
use flush::{FlushReport, flush};
use std::sync::{Arc, Mutex};

/// A full listing at least this often, to catch edits and deletions an
/// incremental sync cannot see.
pub const FULL_SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// People on screen refreshed one by one at each incremental sync.
pub(crate) const FOCUS_REFRESH_MAX: usize = 12;

#[derive(Clone)]
pub struct Client {
    backend: Arc<dyn Backend>,
    store: Arc<Mutex<Store>>,
    /// The store is a cache of a remote backend (not its source of truth).
    remote: bool,
    net_status: Option<crate::workspace::NetStatusRx>,
    /// One flush at a time: two would send the same op twice.
    flushing: Arc<tokio::sync::Mutex<()>>,
    /// What was read from the server lately (see [`sync`]).
    reads: Arc<sync::ReadLog>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.backend.kind())
            .field("remote", &self.remote)
            .finish()
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
            remote: false,
            net_status: None,
            flushing: Arc::default(),
            reads: Arc::default(),
        }
    }

    /// A remote backend with `store` as its cache.
    pub fn remote(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
        refs::restore(backend.as_ref(), &store);
        Client {
            remote: true,
            ..Client::new(backend, store)
        }
    }

    /// Where the HTTP client reports waits (rate limit, retry backoff).
    pub fn with_net_status(mut self, rx: crate::workspace::NetStatusRx) -> Client {
        self.net_status = Some(rx);
        self
    }

    pub fn net_status(&self) -> Option<crate::workspace::NetStatusRx> {
        self.net_status.clone()
    }

    pub fn is_remote(&self) -> bool {
        self.remote
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
        if !self.remote {
            return FlushReport::default();
        }
        let _one_at_a_time = self.flushing.lock().await;
        flush(self).await
    }

    pub async fn queued(&self) -> Result<Vec<QueuedOp>, BackendError> {
        self.with_store(|s| s.queued()).await
    }
    /// Queue a write and return the cached copy as it now stands.
    async fn enqueue(&self, op: Op) -> Result<(), BackendError> {
        self.with_store(move |s| s.enqueue(&op).map(|_| ())).await
    }

    pub async fn save_person(
        &self,
        base: Option<&Person>,
        edited: &Person,
    ) -> Result<Person, BackendError> {
        if !self.remote {
            return match base {
                Some(base) => self.backend.update_person(base, edited).await,
                None => self.backend.create_person(edited).await,
            };
        }
        let violations = crate::model::validate_person(edited, &self.capabilities());
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        // A tag or organisation the server does not have: refused now.
        self.backend.check_references(base, edited)?;
        let mut person = edited.clone().normalize();
        let op = match base {
            Some(base) => Op::UpdatePerson {
                base: base.clone(),
                edited: person.clone(),
            },
            None => {
                person.id = new_local_id();
                Op::CreatePerson {
                    person: person.clone(),
                }
            }
        };
        self.enqueue(op).await?;
        Ok(person)
    }

    pub async fn set_archived(&self, id: &str, archived: bool) -> Result<Person, BackendError> {
        if !self.remote {
            return self.backend.set_archived(id, archived).await;
        }
        self.enqueue(Op::ArchivePerson {
            id: id.to_string(),
            archived,
        })
        .await?;
        let key = id.to_string();
        self.with_store(move |s| s.get_person(&key))
            .await?
            .ok_or_else(|| BackendError::NotFound(format!("person {id}")))
    }

    pub async fn delete_person(&self, id: &str) -> Result<(), BackendError> {
        if !self.remote {
            return self.backend.delete_person(id).await;
        }
        self.enqueue(Op::DeletePerson { id: id.to_string() }).await
    }

    /// Create the note when it has no id yet, else replace it.
    pub async fn save_note(&self, person_id: &str, note: &Note) -> Result<Note, BackendError> {
        // A missing or unknown category: refused now, never queued.
        self.backend.check_note_references(note)?;
        if !self.remote {
            return if note.id.is_empty() {
                self.backend.create_note(person_id, note).await
            } else {
                self.backend.update_note(person_id, note).await
            };
        }
        let mut note = note.clone();
        note.person_id = person_id.to_string();
        let now = jiff::Timestamp::now().to_string();
        note.updated_at = Some(now.clone());
        let op = if note.id.is_empty() {
            note.id = new_local_id();
            note.created_at = Some(now);
            Op::CreateNote {
                person_id: person_id.to_string(),
                note: note.clone(),
            }
        } else {
            Op::UpdateNote {
                person_id: person_id.to_string(),
                note: note.clone(),
            }
        };
        self.enqueue(op).await?;
        Ok(note)
    }

    pub async fn delete_note(&self, person_id: &str, note_id: &str) -> Result<(), BackendError> {
        if !self.remote {
            return self
                .backend
                .delete_note(person_id, &note_id.to_string())
                .await;
        }
        self.enqueue(Op::DeleteNote {
            person_id: person_id.to_string(),
            note_id: note_id.to_string(),
        })
        .await
    }

    pub async fn flag_note(
        &self,
        person_id: &str,
        note_id: &str,
        flagged: bool,
    ) -> Result<Note, BackendError> {
        if !self.remote {
            return self
                .backend
                .set_note_flag(person_id, &note_id.to_string(), flagged)
                .await;
        }
        self.enqueue(Op::FlagNote {
            person_id: person_id.to_string(),
            note_id: note_id.to_string(),
            flagged,
        })
        .await?;
        let key = note_id.to_string();
        self.with_store(move |s| s.get_note(&key))
            .await?
            .ok_or_else(|| BackendError::NotFound(format!("note {note_id}")))
    }

    /// Resolve a conflicted edit: `resolved` is sent on top of `theirs`.
    pub async fn resolve_conflict(
        &self,
        seq: i64,
        theirs: &Person,
        resolved: &Person,
    ) -> Result<(), BackendError> {
        let op = Op::UpdatePerson {
            base: theirs.clone(),
            edited: resolved.clone(),
        };
        self.with_store(move |s| s.replace_op(seq, &op)).await
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
