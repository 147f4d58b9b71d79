//! A remote adapter built on first use. Building one reads its secret (an
//! environment variable, or a command such as `pass` that may prompt or
//! fail), and reads from the cache need neither the secret nor the
//! network: `rolo list`, `show`, `query` and `note list` never call the
//! backend, so they never build it and never run the secret command.
//! The first call that sends (a sync, a flush, `--refresh`) builds it; a
//! build that fails answers that call with [`BackendError::Unauthorized`]
//! naming the profile (nothing was sent, so the outbox keeps the write)
//! and the next call tries again, so a key fixed meanwhile is picked up.

use super::http::{NetStatus, NetStatusRx};
use super::{Backend, BackendError, Cursor, EnrichOutcome, ListQuery, Page, Result};
use crate::model::{Capabilities, CustomFieldDef, Note, NoteId, Person, RefKind, Reference};
use async_trait::async_trait;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// What a build gives: the adapter, with where it reports its waits; or why not.
pub type Built = std::result::Result<(Arc<dyn Backend>, NetStatusRx), String>;

/// Makes the adapter; called until it succeeds.
type Build = Box<dyn Fn() -> Built + Send + Sync>;

/// An adapter of `kind` that `build` makes when it is first needed.
pub struct LazyBackend {
    kind: &'static str,
    capabilities: Capabilities,
    profile: String,
    build: Build,
    state: Mutex<State>,
    status: Arc<watch::Sender<NetStatus>>,
}

#[derive(Default)]
struct State {
    built: Option<Arc<dyn Backend>>,
    /// The last build failed (the secret could not be read).
    failed: bool,
    /// Reference data from the cache, handed over once the adapter exists.
    references: Vec<Reference>,
}

impl LazyBackend {
    /// `kind` and `capabilities` are the adapter's own (its `pub fn
    /// capabilities()`), known without building it.
    pub fn new(
        kind: &'static str,
        capabilities: Capabilities,
        profile: &str,
        build: impl Fn() -> Built + Send + Sync + 'static,
    ) -> LazyBackend {
        LazyBackend {
            kind,
            capabilities,
            profile: profile.to_string(),
            build: Box::new(build),
            state: Mutex::default(),
            status: Arc::new(watch::channel(NetStatus::Idle).0),
        }
    }

    /// Where the adapter reports its waits (rate limits, retries), from
    /// before it is built: its own channel is forwarded here once it is.
    pub fn status(&self) -> NetStatusRx {
        self.status.subscribe()
    }

    /// Has the adapter been built (its secret read)?
    pub fn is_built(&self) -> bool {
        self.lock().built.is_some()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while building leaves nothing half-done worth refusing.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The adapter, built now if it was not. The lock is held while
    /// building so two tasks never run the secret command twice.
    fn backend(&self) -> Result<Arc<dyn Backend>> {
        let mut state = self.lock();
        if let Some(built) = &state.built {
            return Ok(built.clone());
        }
        let (backend, status) = (self.build)().map_err(|message| {
            state.failed = true;
            BackendError::Unauthorized(format!("profile '{}': {message}", self.profile))
        })?;
        state.failed = false;
        let references = std::mem::take(&mut state.references);
        if !references.is_empty() {
            backend.restore_references(references);
        }
        forward(status, self.status.clone());
        state.built = Some(backend.clone());
        Ok(backend)
    }
}

/// Copy the adapter's status to the channel handed out before it existed,
/// for as long as the adapter lives (outside a runtime there is no one to
/// show it to).
fn forward(mut from: NetStatusRx, to: Arc<watch::Sender<NetStatus>>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        while from.changed().await.is_ok() {
            let status = *from.borrow_and_update();
            to.send_replace(status);
        }
    });
}

#[async_trait]
impl Backend for LazyBackend {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities.clone()
    }

    async fn list_page(&self, query: &ListQuery, cursor: Option<Cursor>) -> Result<Page> {
        self.backend()?.list_page(query, cursor).await
    }

    async fn get_person(&self, id: &str) -> Result<Person> {
        self.backend()?.get_person(id).await
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        self.backend()?.create_person(person).await
    }

    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        self.backend()?.update_person(base, edited).await
    }

    async fn set_archived(&self, id: &str, archived: bool) -> Result<Person> {
        self.backend()?.set_archived(id, archived).await
    }

    async fn delete_person(&self, id: &str) -> Result<()> {
        self.backend()?.delete_person(id).await
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        self.backend()?.list_notes(person_id).await
    }

    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        self.backend()?.create_note(person_id, note).await
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        self.backend()?.update_note(person_id, note).await
    }

    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()> {
        self.backend()?.delete_note(person_id, note_id).await
    }

    async fn set_note_flag(
        &self,
        person_id: &str,
        note_id: &NoteId,
        flagged: bool,
    ) -> Result<Note> {
        self.backend()?
            .set_note_flag(person_id, note_id, flagged)
            .await
    }

    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome> {
        self.backend()?.enrich(person).await
    }

    async fn custom_field_defs(&self) -> Result<Vec<CustomFieldDef>> {
        self.backend()?.custom_field_defs().await
    }

    async fn list_created_after(
        &self,
        after: &str,
        cursor: Option<Cursor>,
    ) -> Result<Option<Page>> {
        self.backend()?.list_created_after(after, cursor).await
    }

    fn secret_unreadable(&self) -> bool {
        self.lock().failed
    }

    fn restore_references(&self, refs: Vec<Reference>) {
        let mut state = self.lock();
        match &state.built {
            Some(built) => built.restore_references(refs),
            None => state.references = refs,
        }
    }

    fn take_references(&self) -> Vec<Reference> {
        // Not built: nothing was learnt from the server.
        let built = self.lock().built.clone();
        built.map(|b| b.take_references()).unwrap_or_default()
    }

    async fn refresh_references(&self) -> Result<()> {
        self.backend()?.refresh_references().await
    }

    fn reference_names(&self, kind: RefKind) -> Vec<String> {
        // Asked by the note form, where a write follows: build (the names
        // live in the adapter); without a secret there is nothing to offer.
        self.backend()
            .map(|built| built.reference_names(kind))
            .unwrap_or_default()
    }

    fn check_references(&self, base: Option<&Person>, edited: &Person) -> Result<()> {
        // Checking needs the adapter's reference data; a write is about to
        // be queued, so reading the secret now is expected. If it cannot be
        // read the check is left to the server, which refuses unknown names
        // when the write is sent.
        match self.backend() {
            Ok(built) => built.check_references(base, edited),
            Err(_) => Ok(()),
        }
    }

    fn check_note_references(&self, note: &Note) -> Result<()> {
        match self.backend() {
            Ok(built) => built.check_note_references(note),
            Err(_) => Ok(()),
        }
    }

    async fn list_all(
        &self,
        query: &ListQuery,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<Vec<Person>> {
        self.backend()?.list_all(query, progress).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn nothing_builds_until_a_call_sends_and_a_failed_build_is_tried_again() {
        let builds = Arc::new(AtomicUsize::new(0));
        let counted = builds.clone();
        let lazy = LazyBackend::new(
            "rogerroger",
            super::super::rogerroger::capabilities(),
            "crm",
            move || {
                counted.fetch_add(1, Ordering::SeqCst);
                Err("environment variable K is not set".into())
            },
        );
        assert_eq!(lazy.kind(), "rogerroger");
        let _ = lazy.capabilities();
        lazy.restore_references(Vec::new());
        assert!(lazy.take_references().is_empty());
        assert!(!lazy.secret_unreadable());
        assert_eq!(
            builds.load(Ordering::SeqCst),
            0,
            "no call needed the adapter"
        );
        for tries in 1..=2 {
            let err = lazy.get_person("p1").await.unwrap_err();
            assert_eq!(
                err,
                BackendError::Unauthorized(
                    "profile 'crm': environment variable K is not set".into()
                )
            );
            assert_eq!(builds.load(Ordering::SeqCst), tries);
        }
        assert!(lazy.secret_unreadable());
        assert!(!lazy.is_built());
    }
}
