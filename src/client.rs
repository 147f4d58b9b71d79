//! The client the app and the CLI talk to: reads come from the store, writes
//! go through the backend and land in the store.
//!
//! For the local backend the store *is* the backend's database, so every
//! write is durable once the backend returns.

use crate::backend::{Backend, BackendError, EnrichOutcome};
use crate::model::{Capabilities, Note, Person, sort_notes};
use crate::store::{PersonSummary, Store};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Client {
    backend: Arc<dyn Backend>,
    store: Arc<Mutex<Store>>,
    /// The store is a cache of a remote backend (not its source of truth).
    remote: bool,
    net_status: Option<crate::workspace::NetStatusRx>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.backend.kind())
            .finish()
    }
}

impl Client {
    /// A local backend whose database is `store`.
    pub fn new(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
        Client {
            backend,
            store,
            remote: false,
            net_status: None,
        }
    }

    /// A remote backend with `store` as its cache: reads fall back to the
    /// cache when the server is unreachable; successful writes update it.
    pub fn remote(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
        Client {
            backend,
            store,
            remote: true,
            net_status: None,
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

    /// Run `f` with the cache on the blocking pool, when this is a remote
    /// profile (for local ones the backend already wrote the store).
    async fn cache<F>(&self, f: F)
    where
        F: FnOnce(&mut Store) -> Result<(), crate::store::StoreError> + Send + 'static,
    {
        if !self.remote {
            return;
        }
        let store = self.store.clone();
        let result = tokio::task::spawn_blocking(move || match store.lock() {
            Ok(mut s) => f(&mut s).map_err(|e| e.to_string()),
            Err(_) => Err("cache lock poisoned".to_string()),
        })
        .await;
        if let Ok(Err(e)) | Err(e) = result.map_err(|e| e.to_string()) {
            tracing::warn!(error = %e, "cache write failed");
        }
    }

    async fn cached<T, F>(&self, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, crate::store::StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.lock().ok().and_then(|s| f(&s).ok()))
            .await
            .ok()
            .flatten()
    }

    /// Fetch everyone from the server into the cache. `progress(done, total)`.
    pub async fn sync_all(
        &self,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<usize, BackendError> {
        let people = self
            .backend
            .list_all(
                &crate::backend::ListQuery {
                    search: None,
                    include_archived: true,
                },
                progress,
            )
            .await?;
        let n = people.len();
        let entries: Vec<crate::model::PersonWithNotes> = people
            .into_iter()
            .map(|person| crate::model::PersonWithNotes {
                person,
                notes: Vec::new(),
            })
            .collect();
        self.cache(move |s| s.import(&entries)).await;
        Ok(n)
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

    /// Everyone's list summary. Remote profiles refresh the cache from the
    /// server first and fall back to the cache when that fails.
    pub async fn load_summaries(&self) -> Result<Vec<PersonSummary>, String> {
        if self.remote
            && let Err(e) = self.sync_all(&mut |_, _| {}).await
        {
            tracing::warn!(error = %e, "sync failed; showing the cache");
        }
        self.cached_summaries().await
    }

    /// Everyone's list summary, straight from SQLite (on a blocking thread).
    pub async fn cached_summaries(&self) -> Result<Vec<PersonSummary>, String> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let store = store
                .lock()
                .map_err(|_| "store lock poisoned".to_string())?;
            store.load_summaries().map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// The full record and notes (flagged first, newest first).
    pub async fn load_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        match self.fetch_detail(id).await {
            Ok((person, notes)) => {
                let (p, n) = (person.clone(), notes.clone());
                self.cache(move |s| {
                    s.upsert_person(&p)?;
                    for note in &n {
                        s.upsert_note(note)?;
                    }
                    Ok(())
                })
                .await;
                Ok((person, notes))
            }
            Err(e) if self.remote && e.is_transient() => {
                let key = id.to_string();
                let cached = self
                    .cached(move |s| Ok(s.get_person(&key)?.map(|p| (p, s.notes_for(&key)))))
                    .await
                    .flatten();
                match cached {
                    Some((person, Ok(notes))) => Ok((person, notes)),
                    _ => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn fetch_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        let person = self.backend.get_person(id).await?;
        let caps = self.backend.capabilities();
        let mut notes = if caps.notes {
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

    pub async fn save_person(
        &self,
        base: Option<&Person>,
        edited: &Person,
    ) -> Result<Person, BackendError> {
        match base {
            Some(base) => self.backend.update_person(base, edited).await,
            None => self.backend.create_person(edited).await,
        }
    }

    pub async fn set_archived(&self, id: &str, archived: bool) -> Result<Person, BackendError> {
        self.backend.set_archived(id, archived).await
    }

    pub async fn delete_person(&self, id: &str) -> Result<(), BackendError> {
        self.backend.delete_person(id).await
    }

    /// Create the note when it has no id yet, else replace it.
    pub async fn save_note(&self, person_id: &str, note: &Note) -> Result<Note, BackendError> {
        if note.id.is_empty() {
            self.backend.create_note(person_id, note).await
        } else {
            self.backend.update_note(person_id, note).await
        }
    }

    pub async fn delete_note(&self, person_id: &str, note_id: &str) -> Result<(), BackendError> {
        self.backend
            .delete_note(person_id, &note_id.to_string())
            .await
    }

    pub async fn flag_note(
        &self,
        person_id: &str,
        note_id: &str,
        flagged: bool,
    ) -> Result<Note, BackendError> {
        self.backend
            .set_note_flag(person_id, &note_id.to_string(), flagged)
            .await
    }

    pub async fn enrich(&self, person: &Person) -> Result<EnrichOutcome, BackendError> {
        self.backend.enrich(person).await
    }
}
