//! What `update` asks the outside world to do, and what comes back.

use super::state::{Draft, LastChange};
use crate::backend::{BackendError, EnrichOutcome};
use crate::client::SyncReport;
use crate::client::flush::FlushReport;
use crate::model::{Note, Person};
use crate::outbox::QueuedOp;
use crate::store::PersonSummary;

/// Work for the event loop to spawn; nothing in `app` awaits.
// Short-lived, one per user action: boxing the people inside buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadPeople,
    LoadDetail {
        request: u64,
        id: String,
    },
    /// `base` is `None` for a new person.
    SavePerson {
        base: Option<Person>,
        edited: Person,
    },
    ArchivePerson {
        id: String,
        archive: bool,
    },
    DeletePerson {
        id: String,
    },
    /// Merge duplicates as the review pane planned it.
    MergePeople(crate::model::merge::MergePlan),
    SaveNote {
        person_id: String,
        note: Note,
    },
    DeleteNote {
        person_id: String,
        note_id: String,
    },
    FlagNote {
        person_id: String,
        note_id: String,
        flagged: bool,
    },
    Enrich {
        person: Person,
    },
    Copy {
        text: String,
        what: &'static str,
    },
    /// Take back the last change to a person (`u`).
    Undo(LastChange),
    SaveDraft(Draft),
    ClearDraft,
    /// Set the unsaved note aside, offered again next time.
    KeepDraft,
    /// Send queued writes and refresh the cache from the server, the
    /// people in `focus` (on screen) first.
    Sync {
        focus: Vec<String>,
    },
    /// Send queued writes only.
    Flush,
    /// Fetch custom-field definitions (labels, select options).
    LoadFieldDefs,
    /// Ask the server for `text` once typing pauses; the latest request wins.
    ServerSearch {
        request: u64,
        text: String,
    },
    /// Match a query on the matcher thread; the newest job wins.
    Match(crate::search::engine::MatchJob),
    /// Read the outbox's conflicted edits, to show the first.
    LoadConflicts,
    /// Read the outbox for the queued-changes view.
    LoadOutbox,
    /// Send a refused or conflicted change again.
    RetryChange {
        seq: i64,
    },
    /// Drop a queued change; the server's version comes back.
    DropChange {
        seq: i64,
    },
    /// Replace a queued change with the user's fix, then send it.
    ReplaceChange {
        seq: i64,
        op: crate::outbox::Op,
    },
    /// The user settled a conflict: send `resolved` on top of `theirs`.
    ResolveConflict {
        seq: i64,
        theirs: Person,
        resolved: Person,
    },
    /// Look for groups of possible duplicates in the store.
    FindDuplicates,
    /// Read one group's records and their notes.
    LoadDuplicateGroup {
        ids: Vec<String>,
    },
    /// Remember that these people are not one person.
    MarkNotDuplicates {
        ids: Vec<String>,
    },
    Quit,
}

/// Results of effects, delivered to `update_msg`.
#[derive(Debug, Clone)]
pub enum Msg {
    PeopleLoaded(Result<Vec<PersonSummary>, String>),
    /// The cached copy of a record, while the server is asked for a fresh
    /// one (remote profiles): enough to open the form or editor at once.
    DetailCached {
        request: u64,
        id: String,
        person: Person,
        notes: Vec<Note>,
    },
    DetailLoaded {
        request: u64,
        id: String,
        result: Result<(Person, Vec<Note>), BackendError>,
    },
    PersonSaved(Result<Person, BackendError>),
    PersonDeleted {
        id: String,
        result: Result<(), BackendError>,
    },
    /// A merge done (local) or queued (remote): the survivor as the
    /// store shows it, and how many were merged into it.
    Merged {
        merged: usize,
        result: Result<Person, BackendError>,
    },
    NoteSaved(Result<Note, BackendError>),
    NoteDeleted {
        note_id: String,
        result: Result<(), BackendError>,
    },
    EnrichReady {
        person_id: String,
        result: Result<EnrichOutcome, BackendError>,
    },
    Copied {
        what: &'static str,
        text: String,
        result: Result<super::clipboard::Copied, String>,
    },
    DraftFound(Draft),
    /// The last change taken back (or why not).
    Undone {
        change: Box<LastChange>,
        result: Result<(Person, crate::client::Undone), BackendError>,
    },
    Status(String),
    /// The network layer is waiting ("waiting for rate limit (12s)"), or not.
    Net(Option<String>),
    SyncStarted {
        last_sync: Option<String>,
    },
    SyncProgress {
        done: usize,
        total: Option<u64>,
    },
    SyncDone(SyncReport),
    Flushed(FlushReport),
    ConflictsLoaded(Vec<QueuedOp>),
    OutboxLoaded(Result<Vec<crate::outbox::OutboxEntry>, String>),
    ChangeDropped {
        seq: i64,
        result: Result<crate::client::Settled, BackendError>,
    },
    /// A queued change was replaced with the user's fix (or not).
    ChangeReplaced {
        seq: i64,
        result: Result<(), BackendError>,
    },
    ServerSearchDone {
        request: u64,
        result: Result<usize, BackendError>,
    },
    FieldDefs(Vec<crate::model::CustomFieldDef>),
    /// Ranked matches for a query (or those found so far).
    Matched(crate::search::engine::Snapshot),
    /// The note categories the server offers (RogerRoger), by name.
    NoteCategories(Vec<String>),
    /// The clock, for "synced 4 min ago".
    Tick(jiff::Timestamp),
    /// The status message numbered so has been up its lifetime.
    StatusExpired(u64),
    /// Groups of possible duplicates, best first.
    DuplicatesFound(Result<Vec<crate::model::dedupe::Group>, String>),
    /// The records of the group with these member ids.
    DuplicateGroupLoaded {
        ids: Vec<String>,
        result: Result<Vec<super::state::Record>, String>,
    },
}
