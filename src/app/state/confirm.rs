//! A yes/no question and what a "yes" does.

use super::Draft;

/// What a "yes" in a confirmation does.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    DeletePerson {
        id: String,
        name: String,
    },
    ArchivePerson {
        id: String,
        archive: bool,
    },
    DeleteNote {
        person_id: String,
        note_id: String,
    },
    DiscardForm,
    DiscardEditor,
    /// Restore an unsaved note; "no" keeps it on disk for later.
    RestoreDraft(Draft),
    /// Delete an unsaved note for good (asked from the restore question).
    DiscardDraft(Draft),
    /// Open an existing person (after a duplicate was refused).
    OpenPerson {
        id: String,
    },
    /// Drop a queued change (from the queued-changes view).
    DropChange {
        seq: i64,
    },
}

/// A question; its text may run over several lines (`\n`). Enter answers
/// No (see `[confirm]` in the keymap): only `y` does what it asks.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub question: String,
    pub on_yes: Pending,
}
