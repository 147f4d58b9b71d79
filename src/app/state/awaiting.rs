//! An overlay asked for before what it needs has arrived, with the keys
//! typed for it meanwhile.

use crate::app::action::Action;

/// A key or a paste typed while an overlay was on its way.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedAhead {
    Key(crossterm::event::KeyEvent),
    Paste(String),
}

/// What an awaited overlay waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwaitStage {
    /// The person's record (and notes) to arrive.
    Detail,
    /// Enrichment proposals to review.
    Enrich,
}

/// An overlay the user asked for before what it needs had arrived (the
/// person form before the record, the review before the proposals). Keys
/// typed meanwhile are meant for it: they are kept here and delivered once
/// it opens, never run as commands of the pane underneath (fzf, helix).
#[derive(Debug, Clone, PartialEq)]
pub struct Awaiting {
    pub action: Action,
    pub person_id: String,
    pub person_name: String,
    pub stage: AwaitStage,
    pub typed: Vec<TypedAhead>,
}

impl Awaiting {
    /// What the kept keys are for, for the status line.
    pub fn target(&self) -> &'static str {
        match self.action {
            Action::EditPerson => "the form",
            Action::Enrich => "the review",
            _ => "the editor",
        }
    }
}
