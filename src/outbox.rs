//! The durable outbox's vocabulary: queued writes, and the three-way field
//! merge used when the server changed a record under a queued edit.
//! Pure: storing ops is the store's job, sending them the client's.

use crate::model::{Note, Person};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
        }
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
    /// The server refused it for good (validation); kept so nothing is lost.
    Failed,
}

impl OpState {
    pub fn as_str(self) -> &'static str {
        match self {
            OpState::Pending => "pending",
            OpState::Conflict => "conflict",
            OpState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> OpState {
        match s {
            "conflict" => OpState::Conflict,
            "failed" => OpState::Failed,
            _ => OpState::Pending,
        }
    }
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

/// Fields that say nothing about content: never compared or merged.
const BOOKKEEPING: &[&str] = &[
    "id",
    "displayName",
    "version",
    "createdAt",
    "updatedAt",
    "tagColors",
];

fn fields(p: &Person) -> Map<String, Value> {
    match serde_json::to_value(p) {
        Ok(Value::Object(mut m)) => {
            for k in BOOKKEEPING {
                m.remove(*k);
            }
            m
        }
        _ => Map::new(),
    }
}

/// Same content, ignoring ids, versions and timestamps.
pub fn content_eq(a: &Person, b: &Person) -> bool {
    fields(a) == fields(b)
}

/// One field as the three parties see it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    pub base: Value,
    pub mine: Value,
    pub theirs: Value,
}

/// The result of merging my edit onto their newer record.
#[derive(Debug, Clone, PartialEq)]
pub enum Merge {
    /// No field was changed by both: `merged` carries both sets of changes.
    Clean(Person),
    /// Fields both changed differently; everything else is merged already
    /// into `partial`.
    Conflicts {
        partial: Person,
        fields: Vec<FieldConflict>,
    },
}

/// Three-way merge at field level: a field changed only by me takes mine,
/// only by them takes theirs, by both to the same value is fine, by both
/// differently is a conflict.
pub fn merge(base: &Person, mine: &Person, theirs: &Person) -> Merge {
    let (b, m, t) = (fields(base), fields(mine), fields(theirs));
    let mut keys: Vec<&String> = b.keys().chain(m.keys()).chain(t.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut merged = t.clone();
    let mut conflicts = Vec::new();
    for k in keys {
        let (bv, mv, tv) = (b.get(k), m.get(k), t.get(k));
        let i_changed = mv != bv;
        let they_changed = tv != bv;
        if i_changed && (!they_changed || mv == tv) {
            match mv {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        } else if i_changed && they_changed {
            conflicts.push(FieldConflict {
                field: k.clone(),
                base: bv.cloned().unwrap_or(Value::Null),
                mine: mv.cloned().unwrap_or(Value::Null),
                theirs: tv.cloned().unwrap_or(Value::Null),
            });
        }
    }
    let partial = with_fields(theirs, merged);
    if conflicts.is_empty() {
        Merge::Clean(partial)
    } else {
        Merge::Conflicts {
            partial,
            fields: conflicts,
        }
    }
}

/// `theirs` with its content fields replaced by `fields` (ids, version and
/// timestamps stay theirs).
fn with_fields(theirs: &Person, fields: Map<String, Value>) -> Person {
    let mut value = match serde_json::to_value(theirs) {
        Ok(Value::Object(m)) => m,
        _ => return theirs.clone(),
    };
    value.retain(|k, _| BOOKKEEPING.contains(&k.as_str()));
    value.extend(fields);
    serde_json::from_value::<Person>(Value::Object(value))
        .map(Person::normalize)
        .unwrap_or_else(|_| theirs.clone())
}

/// Apply the user's choice for each conflicting field (`true` = mine).
pub fn resolve(partial: &Person, conflicts: &[FieldConflict], keep_mine: &[bool]) -> Person {
    let mut m = fields(partial);
    for (c, &mine) in conflicts.iter().zip(keep_mine) {
        let v = if mine { &c.mine } else { &c.theirs };
        if v.is_null() {
            m.remove(&c.field);
        } else {
            m.insert(c.field.clone(), v.clone());
        }
    }
    with_fields(partial, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(job: &str, company: &str, version: &str) -> Person {
        Person {
            id: "1".into(),
            family_name: "Doe".into(),
            job_title: job.into(),
            company: company.into(),
            version: Some(version.into()),
            ..Default::default()
        }
        .normalize()
    }

    #[test]
    fn changes_to_different_fields_merge_on_their_own() {
        let base = p("Engineer", "Acme", "v1");
        let mine = p("CTO", "Acme", "v1");
        let theirs = p("Engineer", "Globex", "v2");
        let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
            panic!("expected a clean merge")
        };
        assert_eq!(merged.job_title, "CTO");
        assert_eq!(merged.company, "Globex");
        assert_eq!(merged.version.as_deref(), Some("v2"), "based on theirs now");
    }

    #[test]
    fn the_same_field_changed_twice_is_a_conflict() {
        let base = p("Engineer", "Acme", "v1");
        let mine = p("CTO", "Acme", "v1");
        let theirs = p("VP", "Globex", "v2");
        let Merge::Conflicts { partial, fields } = merge(&base, &mine, &theirs) else {
            panic!("expected a conflict")
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "jobTitle");
        assert_eq!(
            (fields[0].mine.as_str(), fields[0].theirs.as_str()),
            (Some("CTO"), Some("VP"))
        );
        assert_eq!(partial.company, "Globex");
        assert_eq!(resolve(&partial, &fields, &[true]).job_title, "CTO");
        assert_eq!(resolve(&partial, &fields, &[false]).job_title, "VP");
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = p("Engineer", "Acme", "v1");
        let both = p("CTO", "Acme", "v1");
        assert!(matches!(
            merge(&base, &both, &p("CTO", "Acme", "v2")),
            Merge::Clean(_)
        ));
    }

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
        let json = serde_json::to_string(&op).unwrap();
        assert!(json.contains("\"op\":\"create_note\""));
        assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), op);
    }
}
