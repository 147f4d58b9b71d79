//! The client the app and the CLI talk to.
//!
//! * Local profiles: the store is the backend's own database; writes go
//!   straight to the backend and are durable when it returns.
//! * Remote profiles: the store is a cache. Reads are served from it first;
//!   `sync` refreshes it from the server. Every write is committed to the
//!   outbox together with its change to the cached copy, then `flush` sends
//!   it (see [`flush`]). Nothing acknowledged is lost when the
//!   network, the server or rolo itself fails.

use crate::backend::{Backend, BackendError, EnrichOutcome, ListQuery};
pub mod flush;

use crate::model::{Capabilities, Note, Person, sort_notes};
use crate::outbox::{Op, QueuedOp, new_local_id};
use crate::store::{PersonSummary, Store, StoreError};
use flush::{FlushReport, flush};
use std::sync::{Arc, Mutex};

/// A full listing at least this often, to catch edits and deletions an
/// incremental sync cannot see.
pub const FULL_SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// People on screen refreshed one by one at each incremental sync.
const FOCUS_REFRESH_MAX: usize = 12;

#[derive(Clone)]
pub struct Client {
    backend: Arc<dyn Backend>,
    store: Arc<Mutex<Store>>,
    /// The store is a cache of a remote backend (not its source of truth).
    remote: bool,
    net_status: Option<crate::workspace::NetStatusRx>,
    /// One flush at a time: two would send the same op twice.
    flushing: Arc<tokio::sync::Mutex<()>>,
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
    pub error: Option<String>,
}

fn storage(e: StoreError) -> BackendError {
    BackendError::Storage(e.to_string())
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
        }
    }

    /// A remote backend with `store` as its cache.
    pub fn remote(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
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

    /// Send queued writes, then fetch everyone into the cache.
    /// `progress(done, total)` after each page.
    pub async fn sync(&self, progress: &mut (dyn FnMut(usize, Option<u64>) + Send)) -> SyncReport {
        self.sync_with_focus(&[], progress).await
    }

    /// Like [`Client::sync`], refreshing `focus` (the people on screen)
    /// first. Where the API can list what was created since the last sync
    /// (RogerRoger), and a full sync ran within [`FULL_SYNC_EVERY`], only
    /// that is fetched: under a 20-requests-a-minute budget a full listing
    /// of 10,000 people takes a quarter of an hour.
    pub async fn sync_with_focus(
        &self,
        focus: &[String],
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> SyncReport {
        let mut report = SyncReport::default();
        if !self.remote {
            return report;
        }
        report.flushed = self.flush().await;
        // Stamp the start: whatever is created while we list is caught next time.
        let started = jiff::Timestamp::now();
        let metas = self
            .with_store(|s| Ok((s.newest_created_at()?, s.meta("last_full_sync")?)))
            .await;
        let (newest, last_full) = metas.unwrap_or_default();
        let full_due = match last_full.and_then(|t| t.parse::<jiff::Timestamp>().ok()) {
            Some(at) => started.as_second() - at.as_second() > FULL_SYNC_EVERY.as_secs() as i64,
            None => true,
        };
        let result = match newest.filter(|_| !full_due) {
            Some(since) => self.sync_since(&since, focus, progress).await,
            None => Ok(None),
        };
        let result = match result {
            Ok(Some(n)) => Ok(n),
            // No incremental listing here, or a full sync is due.
            Ok(None) => self.sync_full(started, progress).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(n) => {
                report.fetched = Some(n);
                let stamp = started.to_string();
                if let Err(e) = self
                    .with_store(move |s| s.set_meta("last_sync", &stamp))
                    .await
                {
                    report.error = Some(e.to_string());
                }
            }
            Err(e) => report.error = Some(e.to_string()),
        }
        report
    }

    async fn sync_full(
        &self,
        started: jiff::Timestamp,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<usize, BackendError> {
        let query = ListQuery {
            search: None,
            include_archived: true,
        };
        let people = self.backend.list_all(&query, progress).await?;
        let n = people.len();
        let stamp = started.to_string();
        self.with_store(move |s| {
            s.replace_from_server(&people)?;
            s.set_meta("last_full_sync", &stamp)
        })
        .await?;
        Ok(n)
    }

    /// The people on screen, then everyone created since `since` (the
    /// newest creation time already cached).
    /// `Ok(None)` when the backend cannot list by creation time.
    async fn sync_since(
        &self,
        since: &str,
        focus: &[String],
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<Option<usize>, BackendError> {
        // What the user is looking at gets the request budget first.
        for id in focus.iter().take(FOCUS_REFRESH_MAX) {
            match self.backend.get_person(id).await {
                Ok(person) => {
                    self.with_store(move |s| s.insert_or_refresh(&[person]))
                        .await?;
                }
                Err(BackendError::NotFound(_)) => {
                    let id = id.clone();
                    self.with_store(move |s| s.forget_unless_pending(&id))
                        .await?;
                }
                Err(e) => return Err(e),
            }
        }
        let mut page = match self.backend.list_created_after(since, None).await? {
            Some(page) => page,
            None => return Ok(None),
        };
        let mut fetched = 0;
        loop {
            fetched += page.people.len();
            progress(fetched, page.total);
            let people = std::mem::take(&mut page.people);
            self.with_store(move |s| s.insert_or_refresh(&people))
                .await?;
            match page.next {
                Some(next) => match self.backend.list_created_after(since, Some(next)).await? {
                    Some(p) => page = p,
                    None => break,
                },
                None => break,
            }
        }
        Ok(Some(fetched))
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

    /// The full record and notes (flagged first, newest first). Remote
    /// profiles refresh from the server, keep the cached copy while a write
    /// to it is queued, and fall back to the cache when offline.
    pub async fn load_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        if !self.remote {
            return self.fetch_detail(id).await;
        }
        let key = id.to_string();
        let cached = self
            .with_store(move |s| {
                let pending = s.load_pending_for(&key)?;
                Ok((s.get_person(&key)?, s.notes_for(&key)?, pending))
            })
            .await?;
        if let (Some(person), notes, true) = &cached {
            return Ok((person.clone(), notes.clone()));
        }
        match self.fetch_detail(id).await {
            Ok((person, notes)) => {
                let (p, n) = (person.clone(), notes.clone());
                self.with_store(move |s| {
                    s.upsert_person(&p)?;
                    s.replace_notes(&p.id, &n)
                })
                .await?;
                Ok((person, notes))
            }
            Err(e) if e.is_transient() => match cached {
                (Some(person), notes, _) => Ok((person, notes)),
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn fetch_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        let person = self.backend.get_person(id).await?;
        let mut notes = if self.backend.capabilities().notes {
            self.backend.list_notes(id).await?
        } else {
            Vec::new()
        };
        for n in &mut notes {
            n.person_id = id.to_string();
        }
        sort_notes(&mut notes);
        Ok((person, notes))
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

    /// Ask the server too (first page only): people it knows that the cache
    /// does not yet are stored, so local search finds them. Returns how many.
    pub async fn server_search(&self, text: &str) -> Result<usize, BackendError> {
        if !self.remote || !self.backend.capabilities().server_search {
            return Ok(0);
        }
        let query = ListQuery {
            search: Some(text.to_string()),
            include_archived: false,
        };
        let page = self.backend.list_page(&query, None).await?;
        let people = page.people;
        self.with_store(move |s| s.insert_missing(&people)).await
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
