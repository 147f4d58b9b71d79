//! The queued-changes view's state, and a queued change opened to be fixed.

use crate::model::Person;
use crate::outbox::OutboxEntry;

/// A queued change opened in the form or the note editor to be fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedEdit {
    pub seq: i64,
    /// The change creates its record (else it changes one).
    pub creates: bool,
    /// For a person edit: the record the edit started from.
    pub base: Option<Person>,
}

/// The queued-changes view: every op in the outbox and where it stands.
#[derive(Debug, Clone, Default)]
pub struct OutboxView {
    pub entries: Vec<OutboxEntry>,
    pub selected: usize,
    /// The first answer from the store has come.
    pub loaded: bool,
}

impl OutboxView {
    pub fn selected_entry(&self) -> Option<&OutboxEntry> {
        self.entries.get(self.selected)
    }
}
