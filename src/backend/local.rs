//! The embedded backend: a SQLite file is the source of truth. Store calls
//! run on tokio's blocking pool so the app loop never waits on disk.

use super::{Backend, BackendError, Cursor, EnrichOutcome, ListQuery, Page, Result};
use crate::enrich::offline_proposals;
use crate::model::{Capabilities, Note, NoteId, Person, validate_person};
use crate::store::{Store, StoreError};
use async_trait::async_trait;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Page size of [`LocalBackend::list_page`]; local reads are cheap.
const PAGE: usize = 500;

/// A `[profiles.NAME]` table with `backend = "local"` (the default).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// The SQLite file (default: `<data dir>/<profile>.sqlite`).
    pub database: Option<PathBuf>,
}

impl Options {
    /// The profile's SQLite file, or `default` when it names none.
    pub fn database_or(&self, default: &Path) -> PathBuf {
        self.database
            .clone()
            .unwrap_or_else(|| default.to_path_buf())
    }
}

#[derive(Clone, Debug)]
pub struct LocalBackend {
    store: Arc<Mutex<Store>>,
}

impl From<StoreError> for BackendError {
    fn from(e: StoreError) -> Self {
        use crate::store::StoreProblem;
        let message = e.to_string();
        match e.problem() {
            StoreProblem::Damaged => BackendError::StorageDamaged(message),
            StoreProblem::Locked => BackendError::StorageLocked(message),
            StoreProblem::Io => BackendError::Storage(message),
        }
    }
}

pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Millisecond)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// A fresh version token per write: timestamps can repeat within a
/// millisecond, and a repeated token would hide a conflict.
fn new_version() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl LocalBackend {
    /// The backend over the SQLite file a local profile names
    /// ([`Options::database_or`]), opened: the store is its source of truth.
    pub fn new(store: Arc<Mutex<Store>>) -> Self {
        LocalBackend { store }
    }

    pub fn store(&self) -> Arc<Mutex<Store>> {
        self.store.clone()
    }

    /// Run `f` with the store on the blocking pool.
    async fn with_store<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| BackendError::Storage("store lock poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| BackendError::Storage(format!("store task failed: {e}")))?
    }
}

fn not_found(what: &str, id: &str) -> BackendError {
    BackendError::NotFound(format!("{what} {id}"))
}

#[async_trait]
impl Backend for LocalBackend {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::all_local()
    }

    async fn list_page(&self, query: &ListQuery, cursor: Option<Cursor>) -> Result<Page> {
        let offset: usize = match cursor {
            Some(Cursor(c)) => c
                .parse()
                .map_err(|_| BackendError::Malformed(format!("bad cursor {c}")))?,
            None => 0,
        };
        let query = query.clone();
        self.with_store(move |store| {
            let mut ids: Vec<_> = store
                .load_summaries()?
                .into_iter()
                .filter(|s| query.include_archived || !s.archived)
                .filter(|s| match &query.search {
                    Some(q) => {
                        let q = q.to_lowercase();
                        [&s.display_name, &s.emails, &s.company, &s.phones, &s.tags]
                            .iter()
                            .any(|f| f.to_lowercase().contains(&q))
                    }
                    None => true,
                })
                .map(|s| (s.family_name, s.given_name, s.id))
                .collect();
            ids.sort();
            let total = ids.len();
            let mut people = Vec::new();
            for (_, _, id) in ids.iter().skip(offset).take(PAGE) {
                if let Some(p) = store.get_person(id)? {
                    people.push(p);
                }
            }
            let next = (offset + PAGE < total).then(|| Cursor((offset + PAGE).to_string()));
            Ok(Page {
                people,
                next,
                total: Some(total as u64),
            })
        })
        .await
    }

    async fn get_person(&self, id: &str) -> Result<Person> {
        let id = id.to_string();
        self.with_store(move |store| {
            store
                .get_person(&id)?
                .ok_or_else(|| not_found("person", &id))
        })
        .await
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        let violations = validate_person(person, &Capabilities::all_local());
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let mut person = person.clone();
        if person.id.is_empty() {
            person.id = new_id();
        }
        let now = now_rfc3339();
        person.created_at = Some(now.clone());
        person.updated_at = Some(now);
        person.version = Some(new_version());
        let person = person.normalize();
        self.with_store(move |store| {
            store.upsert_person(&person)?;
            Ok(person)
        })
        .await
    }

    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        let violations = validate_person(edited, &Capabilities::all_local());
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let base_version = base.version.clone();
        let mut edited = edited.clone();
        self.with_store(move |store| {
            let current = store
                .get_person(&edited.id)?
                .ok_or_else(|| not_found("person", &edited.id))?;
            if current.version != base_version {
                return Err(BackendError::Conflict {
                    message: "the person changed since it was loaded".into(),
                    existing: Some(current.id),
                });
            }
            let now = now_rfc3339();
            edited.created_at = current.created_at;
            edited.updated_at = Some(now);
            edited.version = Some(new_version());
            let edited = edited.normalize();
            store.upsert_person(&edited)?;
            Ok(edited)
        })
        .await
    }

    async fn set_archived(&self, id: &str, archived: bool) -> Result<Person> {
        let current = self.get_person(id).await?;
        let mut edited = current.clone();
        edited.archived = archived;
        self.update_person(&current, &edited).await
    }

    async fn delete_person(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.with_store(move |store| {
            if store.delete_person(&id)? {
                Ok(())
            } else {
                Err(not_found("person", &id))
            }
        })
        .await
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        let id = person_id.to_string();
        self.with_store(move |store| Ok(store.notes_for(&id)?))
            .await
    }

    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        if note.text.trim().is_empty() && note.title.trim().is_empty() {
            return Err(BackendError::Validation(vec![
                crate::model::Violation::new("text", "a note needs a title or some text"),
            ]));
        }
        let mut note = note.clone();
        note.person_id = person_id.to_string();
        if note.id.is_empty() {
            note.id = new_id();
        }
        let now = now_rfc3339();
        note.created_at.get_or_insert(now.clone());
        note.updated_at = Some(now);
        self.with_store(move |store| {
            if store.get_person(&note.person_id)?.is_none() {
                return Err(not_found("person", &note.person_id));
            }
            store.upsert_note(&note)?;
            Ok(note)
        })
        .await
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let mut note = note.clone();
        note.person_id = person_id.to_string();
        note.updated_at = Some(now_rfc3339());
        self.with_store(move |store| {
            let current = store
                .get_note(&note.person_id, &note.id)?
                .ok_or_else(|| not_found("note", &note.id))?;
            note.created_at = current.created_at;
            store.upsert_note(&note)?;
            Ok(note)
        })
        .await
    }

    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()> {
        let (person, id) = (person_id.to_string(), note_id.clone());
        self.with_store(move |store| {
            if store.delete_note(&person, &id)? {
                Ok(())
            } else {
                Err(not_found("note", &id))
            }
        })
        .await
    }

    async fn set_note_flag(
        &self,
        person_id: &str,
        note_id: &NoteId,
        flagged: bool,
    ) -> Result<Note> {
        let (person, id) = (person_id.to_string(), note_id.clone());
        let current = self
            .with_store(move |store| {
                store
                    .get_note(&person, &id)?
                    .ok_or_else(|| not_found("note", &id))
            })
            .await?;
        let mut note = current;
        note.flagged = flagged;
        self.update_note(person_id, &note).await
    }

    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome> {
        Ok(EnrichOutcome::Proposals(offline_proposals(person)))
    }
}
