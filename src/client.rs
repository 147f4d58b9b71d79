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
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.backend.kind())
            .finish()
    }
}

impl Client {
    pub fn new(backend: Arc<dyn Backend>, store: Arc<Mutex<Store>>) -> Client {
        Client { backend, store }
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

    /// Everyone's list summary, straight from SQLite (on a blocking thread).
    pub async fn load_summaries(&self) -> Result<Vec<PersonSummary>, String> {
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
        let person = self.backend.get_person(id).await?;
        let caps = self.backend.capabilities();
        let mut notes = if caps.notes {
            self.backend.list_notes(id).await?
        } else {
            Vec::new()
        };
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
