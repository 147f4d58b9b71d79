//! Taking back the last change to a person. Still queued (a remote
//! profile, not yet sent): the op is dropped, so nothing reaches the server
//! and the cache gets the version before it back. Already sent, or a local
//! profile: the inverse edit goes through the usual write path, so the
//! server (or the store) gets the previous values as a change of its own.

use super::Client;
use crate::backend::BackendError;
use crate::model::Person;
use crate::outbox::{EntryState, Op};

type Result<T> = std::result::Result<T, BackendError>;

/// How a change was taken back, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undone {
    /// The queued change was dropped before it was sent.
    Dropped,
    /// The previous values were written back.
    Reverted,
}

impl Undone {
    pub fn describe(self) -> &'static str {
        match self {
            Undone::Dropped => "the queued change was dropped, nothing was sent",
            Undone::Reverted => "the previous version was written back",
        }
    }
}

impl Client {
    /// Take back the change that turned `before` into `after`.
    pub async fn undo_person_change(
        &self,
        before: &Person,
        after: &Person,
    ) -> Result<(Person, Undone)> {
        if self.path.caches() {
            let id = after.id.clone();
            // Only the newest op of this person, and only one no process is
            // sending right now: an op in flight may already be applied.
            let newest = self
                .outbox()
                .await?
                .into_iter()
                .rev()
                .find(|e| e.op.person_id() == id);
            if let Some(entry) = newest.filter(|e| {
                e.state != EntryState::Sending
                    && matches!(e.op, Op::UpdatePerson { .. } | Op::ArchivePerson { .. })
            }) {
                self.drop_op(entry.seq).await?;
                let key = id.clone();
                let person = self
                    .with_store(move |s| s.get_person(&key))
                    .await?
                    .ok_or_else(|| BackendError::NotFound(format!("person {id}")))?;
                return Ok((person, Undone::Dropped));
            }
        }
        if before.archived != after.archived {
            let person = self.set_archived(&after.id, before.archived).await?;
            return Ok((person, Undone::Reverted));
        }
        // The previous values on top of the current record (its id and
        // version), so the write is a plain edit, not a conflict.
        let mut reverted = before.clone();
        reverted.id.clone_from(&after.id);
        reverted.version.clone_from(&after.version);
        reverted.updated_at.clone_from(&after.updated_at);
        let person = self.save_person(Some(after), &reverted).await?;
        Ok((person, Undone::Reverted))
    }
}
