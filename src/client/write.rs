//! The write paths. Local profiles write straight to the backend; remote
//! ones queue the write in the outbox together with its change to the
//! cached copy and return at once. Either way, an action the backend lacks
//! is refused here, when the user asks, with [`BackendError::Unsupported`]:
//! never queued to be refused by the server later.

use super::{Client, WritePath};
use crate::backend::BackendError;
use crate::model::{Capabilities, Note, Person, PersonField, validate_person};
use crate::outbox::{Op, new_local_id};

type Result<T> = std::result::Result<T, BackendError>;

const ADDRESS_PARTS: &[PersonField] = &[
    PersonField::Street,
    PersonField::PostalCode,
    PersonField::City,
    PersonField::Region,
    PersonField::Country,
];

/// The first field `base -> edited` changes that this backend cannot store.
/// The address counts as stored when the backend keeps it one way or the
/// other (as parts, or as one line).
pub fn unstored_change(caps: &Capabilities, base: &Person, edited: &Person) -> Option<PersonField> {
    PersonField::all().find(|&f| {
        let stored = match f {
            // Changes with the parts; they are checked one by one.
            PersonField::AddressLine => true,
            part if ADDRESS_PARTS.contains(&part) => {
                caps.stores(part) || caps.stores(PersonField::AddressLine)
            }
            other => caps.stores(other),
        };
        !stored && f.get(base) != f.get(edited)
    })
}

fn unsupported(kind: &str, what: &str) -> BackendError {
    BackendError::Unsupported(format!("{kind} cannot {what}"))
}

impl Client {
    /// Queue a write; the cached copy now shows it. Returns the op as
    /// queued (with server ids for records that have one by now).
    async fn enqueue(&self, op: Op) -> Result<Op> {
        self.with_store(move |s| s.enqueue_op(&op).map(|(_, op)| op))
            .await
    }

    /// The server id a record created offline has by now, if any.
    pub async fn server_id(&self, local_id: &str) -> Option<String> {
        let key = local_id.to_string();
        self.with_store(move |s| s.server_id_for(&key))
            .await
            .ok()
            .flatten()
    }

    fn check_fields(&self, base: Option<&Person>, edited: &Person) -> Result<()> {
        let empty = Person::default();
        let base = base.unwrap_or(&empty);
        match unstored_change(&self.capabilities(), base, edited) {
            Some(field) => Err(BackendError::Unsupported(format!(
                "{} does not store {} ({})",
                self.kind(),
                field.label().to_lowercase(),
                field.key()
            ))),
            None => Ok(()),
        }
    }

    /// What a queued person write must pass: fields this backend stores,
    /// and its rules for a person.
    pub(super) fn check_edit(&self, base: Option<&Person>, edited: &Person) -> Result<()> {
        self.check_fields(base, edited)?;
        let violations = validate_person(edited, &self.capabilities());
        if violations.is_empty() {
            Ok(())
        } else {
            Err(BackendError::Validation(violations))
        }
    }

    pub async fn save_person(&self, base: Option<&Person>, edited: &Person) -> Result<Person> {
        self.check_fields(base, edited)?;
        // A tag or organisation the server does not have: refused now.
        self.backend.check_references(base, edited)?;
        if self.path == WritePath::Direct {
            return match base {
                Some(base) => self.backend.update_person(base, edited).await,
                None => self.backend.create_person(edited).await,
            };
        }
        let violations = validate_person(edited, &self.capabilities());
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let mut person = edited.clone().normalize();
        let op = match base {
            Some(base) => Op::UpdatePerson {
                base: base.clone(),
                edited: person.clone(),
            },
            None => {
                person.id = new_local_id();
                Op::CreatePerson {
                    person: person.clone(),
                }
            }
        };
        person.id = self.enqueue(op).await?.person_id().to_string();
        Ok(person)
    }

    pub async fn set_archived(&self, id: &str, archived: bool) -> Result<Person> {
        if !self.capabilities().archive {
            return Err(unsupported(self.kind(), "archive people"));
        }
        if self.path == WritePath::Direct {
            return self.backend.set_archived(id, archived).await;
        }
        let queued = self
            .enqueue(Op::ArchivePerson {
                id: id.to_string(),
                archived,
            })
            .await?;
        let key = queued.person_id().to_string();
        self.with_store(move |s| s.get_person(&key))
            .await?
            .ok_or_else(|| BackendError::NotFound(format!("person {id}")))
    }

    pub async fn delete_person(&self, id: &str) -> Result<()> {
        if !self.capabilities().delete {
            return Err(unsupported(self.kind(), "delete people"));
        }
        if self.path == WritePath::Direct {
            return self.backend.delete_person(id).await;
        }
        self.enqueue(Op::DeletePerson { id: id.to_string() })
            .await
            .map(|_| ())
    }

    /// Create the note when it has no id yet, else replace it.
    pub async fn save_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let caps = self.capabilities();
        if !caps.notes {
            return Err(unsupported(self.kind(), "keep notes"));
        }
        if !note.id.is_empty() && !caps.note_edit {
            return Err(unsupported(self.kind(), "change a note once it is saved"));
        }
        // A missing or unknown category: refused now, never queued.
        self.backend.check_note_references(note)?;
        if self.path == WritePath::Direct {
            return if note.id.is_empty() {
                self.backend.create_note(person_id, note).await
            } else {
                self.backend.update_note(person_id, note).await
            };
        }
        if note.id.is_empty() && !caps.multiple_notes {
            let key = person_id.to_string();
            let existing = self.with_store(move |s| s.notes_for(&key)).await?;
            if !existing.is_empty() {
                return Err(BackendError::Unsupported(format!(
                    "{} keeps one note per person; edit the existing note instead",
                    self.kind()
                )));
            }
        }
        let mut note = note.clone();
        note.person_id = person_id.to_string();
        let now = jiff::Timestamp::now().to_string();
        note.updated_at = Some(now.clone());
        let op = if note.id.is_empty() {
            note.id = new_local_id();
            note.created_at = Some(now);
            Op::CreateNote {
                person_id: person_id.to_string(),
                note: note.clone(),
            }
        } else {
            Op::UpdateNote {
                person_id: person_id.to_string(),
                note: note.clone(),
            }
        };
        note.person_id = self.enqueue(op).await?.person_id().to_string();
        Ok(note)
    }

    pub async fn delete_note(&self, person_id: &str, note_id: &str) -> Result<()> {
        if !self.capabilities().note_delete {
            return Err(unsupported(self.kind(), "delete notes"));
        }
        if self.path == WritePath::Direct {
            return self
                .backend
                .delete_note(person_id, &note_id.to_string())
                .await;
        }
        self.enqueue(Op::DeleteNote {
            person_id: person_id.to_string(),
            note_id: note_id.to_string(),
        })
        .await
        .map(|_| ())
    }

    pub async fn flag_note(&self, person_id: &str, note_id: &str, flagged: bool) -> Result<Note> {
        if !self.capabilities().flag_notes {
            return Err(unsupported(self.kind(), "flag notes"));
        }
        if self.path == WritePath::Direct {
            return self
                .backend
                .set_note_flag(person_id, &note_id.to_string(), flagged)
                .await;
        }
        let queued = self
            .enqueue(Op::FlagNote {
                person_id: person_id.to_string(),
                note_id: note_id.to_string(),
                flagged,
            })
            .await?;
        // The note may have been renamed to its server id on the way in.
        let key = queued.note_id().unwrap_or(note_id).to_string();
        let person = queued.person_id().to_string();
        let mut note = self
            .with_store(move |s| s.get_note(&person, &key))
            .await?
            .ok_or_else(|| BackendError::NotFound(format!("note {note_id}")))?;
        note.person_id = queued.person_id().to_string();
        Ok(note)
    }

    /// Resolve a conflicted edit: `resolved` is sent on top of `theirs`.
    pub async fn resolve_conflict(
        &self,
        seq: i64,
        theirs: &Person,
        resolved: &Person,
    ) -> Result<()> {
        let op = Op::UpdatePerson {
            base: theirs.clone(),
            edited: resolved.clone(),
        };
        self.with_store(move |s| s.replace_op(seq, &op)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_to_a_field_the_backend_lacks_is_named() {
        let caps = crate::backend::introzy::capabilities();
        let base = Person {
            family_name: "Doe".into(),
            ..Default::default()
        };
        let mut edited = base.clone();
        edited.address.city = "Utrecht".into();
        assert_eq!(
            unstored_change(&caps, &base, &edited),
            None,
            "kept as one line"
        );
        edited.job_title = "CTO".into();
        assert_eq!(
            unstored_change(&caps, &base, &edited),
            Some(PersonField::JobTitle)
        );
        let rr = crate::backend::rogerroger::capabilities();
        let mut region = base.clone();
        region.address.region = "Utrecht".into();
        assert_eq!(
            unstored_change(&rr, &base, &region),
            Some(PersonField::Region)
        );
    }
}
