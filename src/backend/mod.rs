//! One async trait every CRM adapter implements, and the error type they share.
//!
//! Adapters translate between a CRM's wire format and [`crate::model`]; they
//! never cache (that is the client's job) and never touch the UI.

pub mod http;
pub mod introzy;
pub mod lazy;
pub mod local;
pub mod profile;
pub mod rhythm;
pub mod rogerroger;
pub mod secret;

pub use profile::BuildError;

use crate::model::{Capabilities, Note, NoteId, Person, PersonId, RefKind, Reference, Violation};
use async_trait::async_trait;
use std::time::Duration;

/// Everything that can go wrong talking to a backend, in terms a user and the
/// CLI's exit codes understand. Messages carry the server's own words.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum BackendError {
    #[error("not authorised: {0}")]
    Unauthorized(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid: {}", format_violations(.0))]
    Validation(Vec<Violation>),
    /// A duplicate (Introzy 409 on email); `existing` names the record when known.
    #[error("conflict: {message}")]
    Conflict {
        message: String,
        existing: Option<PersonId>,
    },
    #[error("rate limited; retry in {}s", .retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    #[error("server error {status}: {message}")]
    Server { status: u16, message: String },
    #[error("network: {0}")]
    Network(String),
    #[error("unexpected reply: {0}")]
    Malformed(String),
    /// rolo itself refuses: the backend has no such field or action.
    /// Nothing was sent; the message is rolo's, never the server's.
    #[error("rolo: {0}")]
    Unsupported(String),
    /// The local database or cache could not be read or written (a full
    /// disk, no permission).
    #[error("storage: {0}")]
    Storage(String),
    /// The local database or cache is damaged or not rolo's.
    #[error("storage: {0}")]
    StorageDamaged(String),
    /// Another program holds the local database.
    #[error("storage: {0}")]
    StorageLocked(String),
}

fn format_violations(v: &[Violation]) -> String {
    v.iter()
        .map(|v| format!("{}: {}", v.field, v.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl BackendError {
    /// Worth retrying the same idempotent request later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            BackendError::RateLimited { .. }
                | BackendError::Network(_)
                | BackendError::Server { status: 500.., .. }
        )
    }
}

pub type Result<T, E = BackendError> = std::result::Result<T, E>;

/// What to list: an optional server-side search text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub search: Option<String>,
    pub include_archived: bool,
}

/// An opaque position in a paged listing (page number, offset or key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub String);

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub people: Vec<Person>,
    pub next: Option<Cursor>,
    /// Total count when the server reports it.
    pub total: Option<u64>,
}

/// A field-level change offered to the user; nothing is applied until accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProposal {
    pub field: String,
    pub current: String,
    pub proposed: String,
}

// One per enrich request; boxing the person buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum EnrichOutcome {
    /// Proposals for the user to accept or reject.
    Proposals(Vec<FieldProposal>),
    /// The server finished a job; these fields changed.
    Changed {
        person: Person,
        changed: Vec<String>,
    },
}

#[async_trait]
pub trait Backend: Send + Sync {
    /// Short name for the status line ("local", "rogerroger", ...).
    fn kind(&self) -> &'static str;
    fn capabilities(&self) -> Capabilities;

    /// One page; `cursor` is `None` for the first.
    async fn list_page(&self, query: &ListQuery, cursor: Option<Cursor>) -> Result<Page>;
    async fn get_person(&self, id: &str) -> Result<Person>;
    async fn create_person(&self, person: &Person) -> Result<Person>;
    /// `base` is the record as last read; `edited` the user's version. Send
    /// only what changed.
    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person>;
    async fn set_archived(&self, id: &str, archived: bool) -> Result<Person>;
    async fn delete_person(&self, id: &str) -> Result<()>;

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>>;
    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note>;
    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note>;
    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()>;
    async fn set_note_flag(&self, person_id: &str, note_id: &NoteId, flagged: bool)
    -> Result<Note>;

    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome>;

    /// Merge `others` into `survivor` with the API's own merge (where
    /// `capabilities().merge`): the server fills the survivor's gaps and
    /// removes the others. The answer is the survivor as it is now.
    async fn merge_records(&self, _survivor: &str, _others: &[String]) -> Result<Person> {
        Err(BackendError::Unsupported(format!(
            "{} has no merge of its own",
            self.kind()
        )))
    }

    /// Definitions of the custom fields (labels, types, select options),
    /// where the CRM has them; otherwise none and keys are shown as they are.
    async fn custom_field_defs(&self) -> Result<Vec<crate::model::CustomFieldDef>> {
        Ok(Vec::new())
    }

    /// One page of people created at or after `after` (RFC 3339), for an
    /// incremental sync; `Ok(None)` when the API cannot filter by creation.
    async fn list_created_after(
        &self,
        _after: &str,
        _cursor: Option<Cursor>,
    ) -> Result<Option<Page>> {
        Ok(None)
    }

    // ---- reference data (see `model::reference`) ----
    //
    // Adapters whose records link to other resources (RogerRoger IRIs)
    // resolve the links themselves and return people and notes with names.
    // The client keeps what they learnt in the cache: it hands it back at
    // start (`restore_references`), saves what is new after each read
    // (`take_references`), and asks before queueing a write whether the
    // names in it exist (`check_references`). Adapters never touch the
    // store. The defaults suit backends whose records carry names.

    /// Reference data from the cache, so names resolve without requests.
    fn restore_references(&self, _refs: Vec<Reference>) {}

    /// Reference data learnt from the server since the last call.
    fn take_references(&self) -> Vec<Reference> {
        Vec::new()
    }

    /// Re-read the reference data the server can list (sync calls this
    /// before a full listing, so renamed tags and new organisations show).
    async fn refresh_references(&self) -> Result<()> {
        Ok(())
    }

    /// The names users can choose from for `kind` (note categories in the
    /// note form, tags), from what the adapter knows; no network.
    fn reference_names(&self, _kind: RefKind) -> Vec<String> {
        Vec::new()
    }

    /// Refuse, before anything is queued, names in `edited` that do not
    /// exist on the server (a tag or organisation nobody created), with a
    /// message naming them. Only names that differ from `base` are checked;
    /// no network.
    fn check_references(&self, _base: Option<&Person>, _edited: &Person) -> Result<()> {
        Ok(())
    }

    /// The same for a note (its category).
    fn check_note_references(&self, _note: &Note) -> Result<()> {
        Ok(())
    }

    /// True when the adapter could not be made because its secret could
    /// not be read (a lazily built adapter, `lazy.rs`): nothing was asked
    /// of the server, so a write reads its base from the cache and queues.
    fn secret_unreadable(&self) -> bool {
        false
    }

    /// Every page, in order. `progress(done, total)` after each page.
    async fn list_all(
        &self,
        query: &ListQuery,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<Vec<Person>> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.list_page(query, cursor).await?;
            out.extend(page.people);
            progress(out.len(), page.total);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }
}
