//! A queued edit in conflict with the server's newer record.

use crate::model::Person;
use crate::outbox::FieldConflict;

/// A queued edit the server changed underneath: field by field, mine or theirs.
#[derive(Debug, Clone)]
pub struct ConflictReview {
    pub seq: i64,
    pub name: String,
    pub theirs: Person,
    /// Both sides' non-overlapping changes, already merged.
    pub partial: Person,
    pub fields: Vec<FieldConflict>,
    /// Per field: keep mine (`true`) or take theirs.
    pub keep_mine: Vec<bool>,
    pub selected: usize,
}
