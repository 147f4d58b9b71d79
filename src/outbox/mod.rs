//! The durable outbox's vocabulary: queued writes, where each stands, and
//! (in [`merge`]) the three-way field merge used when the server changed a
//! record under a queued edit. Pure: storing ops is the store's job,
//! sending them the client's.

mod merge;

use crate::model::merge::MergePlan;
use crate::model::{Note, Person};
pub use merge::{
    FieldConflict, Merge, changed_fields, content_eq, holds_edit, is_bookkeeping_extra, merge,
    rebase, resolve,
};
use serde::{Deserialize, Serialize};

/// Ids of records created offline start with this until the server names them.
pub const LOCAL_ID_PREFIX: &str = "local-";

pub fn new_local_id() -> String {
    format!("{LOCAL_ID_PREFIX}{}", uuid::Uuid::new_v4().simple())
}

pub fn is_local_id(id: &str) -> bool {
    id.starts_with(LOCAL_ID_PREFIX)
}

/// One write waiting to reach the server.
// Stored as JSON and handled one at a time: size in memory is irrelevant.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `person.id` is a local id until the server answers.
    CreatePerson {
        person: Person,
    },
    /// `base` is the record the edit started from (its version is checked).
    UpdatePerson {
        base: Person,
        edited: Person,
    },
    ArchivePerson {
        id: String,
        archived: bool,
    },
    DeletePerson {
        id: String,
    },
    /// `note.id` is a local id until the server answers.
    CreateNote {
        person_id: String,
        note: Note,
    },
    UpdateNote {
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
    /// `plan.others` merged into `plan.survivor` (see `model::merge`): the
    /// survivor edited to `merged`, the notes moved, the others archived
    /// or deleted (on APIs with a merge endpoint, that endpoint). Carries
    /// what delivery and its read-back need, and what undo puts back.
    MergePeople {
        plan: MergePlan,
        /// The survivor as the merge started from it (its version is checked).
        base: Person,
        /// The survivor after the merge, as the cache shows it.
        merged: Person,
        /// The others as they were, in plan order.
        others: Vec<Person>,
        /// The survivor's own notes when the merge was queued: with
        /// `moved`, what the survivor must hold once it is done.
        #[serde(default)]
        kept: Vec<Note>,
        /// Each other's notes as the cache had them, in plan order: to be
        /// created on the survivor (what the server holds wins, where it
        /// can still be read).
        #[serde(default)]
        moved: Vec<Vec<Note>>,
    },
    /// Holds `id`'s later writes (and a sync's refresh) while its merge into
    /// `into` is queued. Never sent: it leaves with the merge.
    MergedInto {
        id: String,
        into: String,
    },
}

impl Op {
    /// The person this write concerns (for the pending marker).
    pub fn person_id(&self) -> &str {
        match self {
            Op::CreatePerson { person } => &person.id,
            Op::UpdatePerson { edited, .. } => &edited.id,
            Op::ArchivePerson { id, .. } | Op::DeletePerson { id } => id,
            Op::CreateNote { person_id, .. }
            | Op::UpdateNote { person_id, .. }
            | Op::DeleteNote { person_id, .. }
            | Op::FlagNote { person_id, .. } => person_id,
            Op::MergePeople { plan, .. } => &plan.survivor,
            Op::MergedInto { id, .. } => id,
        }
    }

    /// Every person this write concerns: the person, and for a merge the
    /// records merged away.
    pub fn people(&self) -> Vec<&str> {
        let mut out = vec![self.person_id()];
        if let Op::MergePeople { plan, .. } = self {
            out.extend(plan.others.iter().map(String::as_str));
        }
        out
    }

    /// A short description for status lines and `rolo sync`.
    pub fn describe(&self) -> String {
        match self {
            Op::CreatePerson { person } => format!("create {}", person.full_name()),
            Op::UpdatePerson { edited, .. } => format!("edit {}", edited.full_name()),
            Op::ArchivePerson { archived: true, .. } => "archive".into(),
            Op::ArchivePerson {
                archived: false, ..
            } => "unarchive".into(),
            Op::DeletePerson { .. } => "delete person".into(),
            Op::CreateNote { .. } => "add note".into(),
            Op::UpdateNote { .. } => "edit note".into(),
            Op::DeleteNote { .. } => "delete note".into(),
            Op::FlagNote { flagged: true, .. } => "flag note".into(),
            Op::FlagNote { flagged: false, .. } => "unflag note".into(),
            Op::MergePeople { merged, others, .. } => {
                format!("merge: {} into {}", others.len(), merged.full_name())
            }
            Op::MergedInto { .. } => "merged away".into(),
        }
    }

    /// The note this write concerns, if it concerns one.
    pub fn note_id(&self) -> Option<&str> {
        match self {
            Op::CreateNote { note, .. } | Op::UpdateNote { note, .. } => Some(&note.id),
            Op::DeleteNote { note_id, .. } | Op::FlagNote { note_id, .. } => Some(note_id),
            _ => None,
        }
    }

    /// The local id of the record this op creates, if it creates one.
    pub fn creates(&self) -> Option<&str> {
        match self {
            Op::CreatePerson { person } => Some(&person.id),
            Op::CreateNote { note, .. } => Some(&note.id),
            _ => None,
        }
    }

    /// Local ids this op sends to the server (its own create target aside):
    /// a sent op must have none.
    pub fn local_refs(&self) -> Vec<&str> {
        let own = self.creates();
        let mut ids = self.people();
        ids.extend(self.note_id());
        ids.retain(|id| is_local_id(id) && Some(*id) != own);
        ids.dedup();
        ids
    }

    /// What kind of write it is, without the person's name (the
    /// queued-changes view shows that in its own column).
    pub fn action(&self) -> &'static str {
        match self {
            Op::CreatePerson { .. } => "create person",
            Op::UpdatePerson { .. } => "edit",
            Op::ArchivePerson { archived: true, .. } => "archive",
            Op::ArchivePerson {
                archived: false, ..
            } => "unarchive",
            Op::DeletePerson { .. } => "delete person",
            Op::CreateNote { .. } => "add note",
            Op::UpdateNote { .. } => "edit note",
            Op::DeleteNote { .. } => "delete note",
            Op::FlagNote { flagged: true, .. } => "flag note",
            Op::FlagNote { flagged: false, .. } => "unflag note",
            Op::MergePeople { .. } => "merge",
            Op::MergedInto { .. } => "merged away",
        }
    }

    /// What the op changes, for the queued-changes view: the fields of an
    /// edit, the start of a note's text.
    pub fn changes(&self) -> Vec<String> {
        let preview = |text: &str| {
            let line = text.lines().next().unwrap_or("").trim();
            let short: String = line.chars().take(40).collect();
            if short.chars().count() < line.chars().count() {
                format!("\u{201c}{short}…\u{201d}")
            } else {
                format!("\u{201c}{short}\u{201d}")
            }
        };
        match self {
            Op::CreatePerson { person } => crate::model::PersonField::all()
                .filter(|f| f.is_set(person))
                .map(|f| f.key().to_string())
                .collect(),
            Op::UpdatePerson { base, edited } => changed_fields(base, edited)
                .into_iter()
                .map(|f| f.strip_prefix("extra.").map(str::to_string).unwrap_or(f))
                .collect(),
            Op::ArchivePerson { archived, .. } => vec![format!("archived={archived}")],
            Op::CreateNote { note, .. } | Op::UpdateNote { note, .. } => {
                vec![preview(if note.text.is_empty() {
                    &note.title
                } else {
                    &note.text
                })]
            }
            Op::FlagNote { flagged, .. } => vec![format!("flagged={flagged}")],
            Op::MergePeople {
                merged,
                others,
                moved,
                ..
            } => {
                let mut out = vec![format!("{} into {}", others.len(), merged.full_name())];
                let notes = moved.iter().map(Vec::len).sum::<usize>();
                match notes {
                    0 => {}
                    1 => out.push("1 note moved".into()),
                    n => out.push(format!("{n} notes moved")),
                }
                out
            }
            Op::DeletePerson { .. } | Op::DeleteNote { .. } | Op::MergedInto { .. } => Vec::new(),
        }
    }

    /// Replace a local id by the server's, once a create went through.
    pub fn rename_id(&mut self, from: &str, to: &str) {
        let fix = |id: &mut String| {
            if id == from {
                *id = to.to_string();
            }
        };
        match self {
            Op::CreatePerson { person } => fix(&mut person.id),
            Op::UpdatePerson { base, edited } => {
                fix(&mut base.id);
                fix(&mut edited.id);
            }
            Op::ArchivePerson { id, .. } | Op::DeletePerson { id } => fix(id),
            Op::CreateNote { person_id, note } | Op::UpdateNote { person_id, note } => {
                fix(person_id);
                fix(&mut note.person_id);
                fix(&mut note.id);
            }
            Op::DeleteNote { person_id, note_id }
            | Op::FlagNote {
                person_id, note_id, ..
            } => {
                fix(person_id);
                fix(note_id);
            }
            Op::MergePeople {
                plan,
                base,
                merged,
                others,
                kept,
                moved,
            } => {
                fix(&mut plan.survivor);
                plan.others.iter_mut().for_each(fix);
                fix(&mut base.id);
                fix(&mut merged.id);
                others.iter_mut().for_each(|o| fix(&mut o.id));
                kept.iter_mut()
                    .chain(moved.iter_mut().flatten())
                    .for_each(|n| fix(&mut n.person_id));
            }
            Op::MergedInto { id, into } => {
                fix(id);
                fix(into);
            }
        }
    }
}

/// Where an op stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpState {
    /// Waiting to be sent (again).
    Pending,
    /// The server changed the record; the user must choose.
    Conflict,
    /// The server refused it (validation, a locked or deleted record, an
    /// unknown tag); kept, with the server's words, until the user retries,
    /// edits or drops it. Later writes of the same person wait behind it.
    Refused,
}

impl OpState {
    pub fn as_str(self) -> &'static str {
        match self {
            OpState::Pending => "pending",
            OpState::Conflict => "conflict",
            OpState::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> OpState {
        match s {
            "conflict" => OpState::Conflict,
            // Rolo before the outbox view called refusals "failed".
            "refused" | "failed" => OpState::Refused,
            _ => OpState::Pending,
        }
    }
}

/// Where an op stands, as the queued-changes view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum EntryState {
    /// Waiting to be sent.
    Pending,
    /// Another rolo process (or this one) is sending it now.
    Sending,
    /// Changed on the server meanwhile; the user chooses per field.
    Conflict,
    /// Refused by the server; the user retries, edits or drops it.
    Refused,
    /// Waits behind an earlier write of the same person that is refused
    /// or in conflict.
    Blocked { behind: i64 },
}

impl EntryState {
    /// Whether the user must act before this op can go out.
    pub fn needs_user(self) -> bool {
        !matches!(self, EntryState::Pending | EntryState::Sending)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Sending => "sending",
            EntryState::Conflict => "conflict",
            EntryState::Refused => "refused",
            EntryState::Blocked { .. } => "blocked",
        }
    }
}

/// One row of the queued-changes view and `rolo outbox list`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub person_id: String,
    /// The person's name as the cache has it (or the op carries it).
    pub person_name: String,
    pub op: Op,
    /// When it was queued (RFC 3339).
    pub queued_at: String,
    pub state: EntryState,
    pub attempts: u32,
    /// The server's words for a refusal or a conflict, or why the last
    /// attempt did not get through.
    pub error: Option<String>,
    /// An earlier attempt may have reached the server; the next one reads
    /// the record back first.
    pub maybe_sent: bool,
}

/// An op as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedOp {
    pub seq: i64,
    pub op: Op,
    pub state: OpState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The server's record when `state` is `Conflict`.
    pub theirs: Option<Person>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_rename_local_ids_and_round_trip_as_json() {
        let mut op = Op::CreateNote {
            person_id: "local-1".into(),
            note: Note {
                id: "local-2".into(),
                ..Default::default()
            },
        };
        op.rename_id("local-1", "srv-9");
        assert_eq!(op.person_id(), "srv-9");
        assert!(
            op.local_refs().is_empty(),
            "its own new id is not a reference"
        );
        assert_eq!(op.creates(), Some("local-2"));
        let flag = Op::FlagNote {
            person_id: "srv-9".into(),
            note_id: "local-2".into(),
            flagged: true,
        };
        assert_eq!(flag.local_refs(), ["local-2"], "this must never be sent");
        let json = serde_json::to_string(&op).unwrap();
        assert!(json.contains("\"op\":\"create_note\""));
        assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), op);
    }

    #[test]
    fn old_failed_state_reads_as_refused() {
        assert_eq!(OpState::parse("failed"), OpState::Refused);
        assert_eq!(OpState::parse(OpState::Refused.as_str()), OpState::Refused);
    }
}
