//! Enrichment under review: each field, its old and new value, the user's
//! decision.

use crate::backend::FieldProposal;
use crate::model::Person;

/// One field under review: what would change (or did), named as users
/// read it.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub proposal: FieldProposal,
    /// "Job title", "Twitter", a custom field's label: never a raw key.
    pub label: String,
    /// A second line when the label alone would mislead ("custom field:
    /// Introzy keeps the job title here").
    pub note: Option<String>,
    /// `Some(true)` accept (or keep), `Some(false)` reject (or undo),
    /// `None` undecided.
    pub decision: Option<bool>,
    /// For a change already made on the server: whether rolo can write the
    /// old value back.
    pub undoable: bool,
}

/// Enrichment under review: proposals nothing has applied yet, or (for a
/// server job such as Introzy's) what the job changed, each change kept or
/// undone by the user.
#[derive(Debug, Clone)]
pub struct Review {
    /// The record the review applies to (after the job, for a job).
    pub person: Person,
    /// The record before the job, when the server already made the changes.
    pub before: Option<Person>,
    pub items: Vec<ReviewItem>,
    pub selected: usize,
}

impl Review {
    /// The server already applied these changes (keep or undo them).
    pub fn applied(&self) -> bool {
        self.before.is_some()
    }
}
