//! Finding out. An attempt whose reply never came (a timeout, a cut
//! connection, a truncated body, a 5xx after the request was sent) may or
//! may not have changed the server. Before it is sent again the record is
//! read back and compared with what the op sent.
//!
//! A create is the hard case: the server named the record, and the name
//! never arrived. Where the API keeps an id the client chose, the record is
//! looked up by that id. Otherwise only a record this op itself may have
//! made counts: one that did not exist before the op was sent (the ids of
//! look-alikes that did are stored with the op as its *preimage*), that no
//! other op of ours has claimed, and that is equal on every field the op
//! sent. A second "Called, no answer" or a second John Smith with another
//! phone is somebody's real write, never a duplicate to drop.

use super::Client;
use crate::backend::{BackendError, ListQuery};
use crate::model::{Capabilities, Note, Person, PersonField};
use crate::outbox::{Op, holds_edit};
use crate::store::{Claim, Outcome};

type Result<T> = std::result::Result<T, BackendError>;

/// Whether the op in `claim` is already on the server: `Some` with what
/// the server holds if so, `None` if it certainly is not.
pub(super) async fn find_out(client: &Client, claim: &Claim) -> Result<Option<Outcome>> {
    let backend = client.backend();
    Ok(match &claim.op {
        Op::CreatePerson { person } => {
            find_created_person(client, claim, person)
                .await?
                .map(|found| Outcome::Person {
                    local_id: Some(person.id.clone()),
                    person: found,
                })
        }
        Op::UpdatePerson { base, edited } => {
            let server = backend.get_person(&edited.id).await?;
            holds_edit(base, edited, &server).then_some(Outcome::Person {
                local_id: None,
                person: server,
            })
        }
        Op::ArchivePerson { id, archived } => {
            let server = backend.get_person(id).await?;
            (server.archived == *archived).then_some(Outcome::Person {
                local_id: None,
                person: server,
            })
        }
        Op::DeletePerson { id } => match backend.get_person(id).await {
            Err(BackendError::NotFound(_)) => Some(Outcome::Nothing),
            Ok(_) => None,
            Err(e) => return Err(e),
        },
        Op::CreateNote { person_id, note } => find_created_note(client, claim, person_id, note)
            .await?
            .map(|found| Outcome::Note {
                local_id: Some(note.id.clone()),
                note: found,
            }),
        Op::UpdateNote { person_id, note } => {
            let caps = client.capabilities();
            server_note(client, person_id, &note.id)
                .await?
                .filter(|n| same_note(&caps, note, n))
                .map(|n| Outcome::Note {
                    local_id: None,
                    note: n,
                })
        }
        Op::DeleteNote { person_id, note_id } => server_note(client, person_id, note_id)
            .await?
            .is_none()
            .then_some(Outcome::Nothing),
        Op::FlagNote {
            person_id,
            note_id,
            flagged,
        } => server_note(client, person_id, note_id)
            .await?
            .filter(|n| n.flagged == *flagged)
            .map(|n| Outcome::Note {
                local_id: None,
                note: n,
            }),
        // Sending a merge looks at each step's result on the server before
        // taking it, so carrying it on after an unclear reply is the
        // read-back (see `super::merge`).
        Op::MergePeople { .. } | Op::MergedInto { .. } => None,
    })
}

/// For a create about to be sent: the server ids of records that already
/// look like it, so the read-back after an unclear reply can tell them from
/// the one this op made. `None` when nothing is needed (not a create, or
/// the API is known to keep the id the client chose).
pub(super) async fn preimage(client: &Client, claim: &Claim) -> Result<Option<Vec<String>>> {
    let kind = match &claim.op {
        Op::CreatePerson { .. } => "person",
        Op::CreateNote { .. } => "note",
        _ => return Ok(None),
    };
    if claim.client_id.is_some() && honours_client_ids(client, kind).await? == Some(true) {
        return Ok(None);
    }
    let caps = client.capabilities();
    let ids = match &claim.op {
        Op::CreatePerson { person } => person_candidates(client, person)
            .await?
            .into_iter()
            .filter(|c| same_person(&caps, person, c))
            .map(|c| c.id)
            .collect(),
        Op::CreateNote { person_id, note } => client
            .backend()
            .list_notes(person_id)
            .await?
            .into_iter()
            .filter(|n| same_note(&caps, note, n))
            .map(|n| n.id)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Some(ids))
}

/// How far to trust the record a create came back with.
#[derive(Debug, PartialEq)]
pub(super) enum Vouch {
    Ours,
    /// Existed before the op was sent, or another op of ours made it: an
    /// adapter's own look-up after a lost reply found a look-alike.
    NotOurs,
    /// Not equal to what was sent on some field (a look-alike, or a server
    /// that rewrites a value): worth a read-back.
    Unsure,
}

/// Whether `outcome` of a create can be the record this op made. Other ops
/// are not creates and vouch for themselves.
pub(super) async fn vouch(client: &Client, claim: &Claim, outcome: &Outcome) -> Result<Vouch> {
    let caps = client.capabilities();
    let (id, scope, equal) = match (&claim.op, outcome) {
        (Op::CreatePerson { person }, Outcome::Person { person: got, .. }) => (
            got.id.clone(),
            String::new(),
            same_person(&caps, person, got),
        ),
        (Op::CreateNote { person_id, note }, Outcome::Note { note: got, .. }) => (
            got.id.clone(),
            person_id.clone(),
            same_note(&caps, note, got),
        ),
        _ => return Ok(Vouch::Ours),
    };
    if claim.client_id.as_deref() == Some(id.as_str()) {
        return Ok(Vouch::Ours);
    }
    let before = claim.preimage.clone().unwrap_or_default();
    let theirs = made_by_other_ops(client, vec![id.clone()], &scope).await?;
    Ok(if before.contains(&id) || theirs.contains(&id) {
        Vouch::NotOurs
    } else if equal {
        Vouch::Ours
    } else {
        Vouch::Unsure
    })
}

async fn honours_client_ids(client: &Client, kind: &'static str) -> Result<Option<bool>> {
    client.with_store(move |s| s.honours_client_ids(kind)).await
}

async fn find_created_person(
    client: &Client,
    claim: &Claim,
    person: &Person,
) -> Result<Option<Person>> {
    let honoured = honours_client_ids(client, "person").await?;
    if let Some(id) = claim
        .client_id
        .as_deref()
        .filter(|_| honoured != Some(false))
    {
        match client.backend().get_person(id).await {
            Ok(found) => return Ok(Some(found)),
            Err(BackendError::NotFound(_)) if honoured == Some(true) => return Ok(None),
            Err(BackendError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let caps = client.capabilities();
    let candidates: Vec<Person> = person_candidates(client, person)
        .await?
        .into_iter()
        .filter(|c| same_person(&caps, person, c))
        .collect();
    let ids: Vec<String> = candidates.iter().map(|c| c.id.clone()).collect();
    let taken = taken_ids(client, claim, ids, "").await?;
    Ok(candidates
        .into_iter()
        .filter(|c| !taken.contains(&c.id))
        .min_by(|a, b| a.created_at.cmp(&b.created_at)))
}

async fn find_created_note(
    client: &Client,
    claim: &Claim,
    person_id: &str,
    note: &Note,
) -> Result<Option<Note>> {
    let notes = client.backend().list_notes(person_id).await?;
    if let Some(id) = claim.client_id.as_deref()
        && let Some(found) = notes.iter().find(|n| n.id == id)
    {
        return Ok(Some(found.clone()));
    }
    let caps = client.capabilities();
    let candidates: Vec<Note> = notes
        .into_iter()
        .filter(|n| same_note(&caps, note, n))
        .collect();
    let ids: Vec<String> = candidates.iter().map(|n| n.id.clone()).collect();
    let taken = taken_ids(client, claim, ids, person_id).await?;
    Ok(candidates
        .into_iter()
        .filter(|n| !taken.contains(&n.id))
        .min_by(|a, b| a.created_at.cmp(&b.created_at)))
}

/// Of `ids`, those that cannot be this op's record: they existed before it
/// was sent (its preimage), or another op of ours created them. Without a
/// preimage (an op queued by an older rolo) records already in the cache
/// count as existing before. `scope`: the person, for notes.
async fn taken_ids(
    client: &Client,
    claim: &Claim,
    ids: Vec<String>,
    scope: &str,
) -> Result<std::collections::HashSet<String>> {
    let mut taken = made_by_other_ops(client, ids.clone(), scope).await?;
    let preimage = claim.preimage.clone();
    let scope = scope.to_string();
    let before = client
        .with_store(move |s| match preimage {
            Some(before) => Ok(before.into_iter().collect()),
            None => s.ids_in_cache(&ids, &scope),
        })
        .await?;
    taken.extend(before);
    Ok(taken)
}

/// Of `ids`, those another create of ours made. Only people can be: a
/// person's writes go out one at a time, in order (claims take the oldest
/// op of each person), so no other op of ours can add a note to this
/// person between this op's preimage and its read-back. And a note id may
/// come back after a deletion (Rhythm's is the paragraph's stamp): a note
/// of ours deleted since would make this op's own paragraph look taken, and
/// the note be sent again.
async fn made_by_other_ops(
    client: &Client,
    ids: Vec<String>,
    scope: &str,
) -> Result<std::collections::HashSet<String>> {
    if !scope.is_empty() {
        return Ok(Default::default());
    }
    client
        .with_store(move |s| s.ids_created_by_us(&ids, ""))
        .await
}

/// People the server's search returns for what identifies `person` best:
/// the primary email, else the family name, else the given name.
async fn person_candidates(client: &Client, person: &Person) -> Result<Vec<Person>> {
    let text = person
        .primary_email()
        .map(str::to_string)
        .or_else(|| Some(person.family_name.clone()).filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| person.given_name.clone());
    let query = ListQuery {
        search: Some(text),
        include_archived: true,
    };
    client.backend().list_all(&query, &mut |_, _| {}).await
}

async fn server_note(client: &Client, person_id: &str, note_id: &str) -> Result<Option<Note>> {
    match client.backend().list_notes(person_id).await {
        Ok(notes) => Ok(notes.into_iter().find(|n| n.id == note_id)),
        // The person is gone, and their notes with them.
        Err(BackendError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A field's value as servers may echo it back: emails in any case, phone
/// numbers by their digits (kinds are dropped by some APIs), tags as a set,
/// whitespace collapsed.
fn comparable(field: PersonField, p: &Person) -> String {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match field {
        PersonField::Emails => p
            .emails
            .iter()
            .map(|e| e.trim().to_lowercase())
            .collect::<Vec<_>>()
            .join(","),
        PersonField::Phones => p
            .phones
            .iter()
            .map(|ph| {
                ph.number
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(","),
        PersonField::Tags => {
            let mut tags: Vec<String> = p.tags.iter().map(|t| t.trim().to_lowercase()).collect();
            tags.sort();
            tags.join(",")
        }
        other => squash(&other.get(p)),
    }
}

/// `found` holds every field `sent` set that this backend stores.
fn same_person(caps: &Capabilities, sent: &Person, found: &Person) -> bool {
    caps.fields
        .iter()
        .filter(|f| f.is_set(sent))
        .all(|&f| match f {
            PersonField::CustomFields => sent
                .custom_fields
                .iter()
                .all(|(k, v)| found.custom_fields.get(k) == Some(v)),
            _ => comparable(f, sent) == comparable(f, found),
        })
}

/// `found` is the note `sent` describes, as this backend stores notes.
fn same_note(caps: &Capabilities, sent: &Note, found: &Note) -> bool {
    let text = if caps.note_titles {
        sent.text.trim().to_string()
    } else {
        // Backends without titles keep the title as the text's first lines.
        [sent.title.trim(), sent.text.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    found.text.trim() == text
        && (!caps.note_titles || sent.title.trim() == found.title.trim())
        && (!caps.flag_notes || sent.flagged == found.flagged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Phone;

    #[test]
    fn look_alikes_differ_on_a_field_the_op_sent() {
        let caps = crate::backend::rogerroger::capabilities();
        let sent = Person {
            given_name: "John".into(),
            family_name: "Smith".into(),
            emails: vec!["John@Example.com".into()],
            phones: vec![Phone {
                number: "+31 6 1234 5678".into(),
                kind: "mobile".into(),
            }],
            ..Default::default()
        };
        let mut echoed = sent.clone();
        echoed.emails = vec!["john@example.com".into()];
        echoed.phones[0] = Phone {
            number: "+31612345678".into(),
            kind: String::new(),
        };
        echoed.job_title = "Set by the server".into();
        assert!(same_person(&caps, &sent, &echoed), "the same record echoed");
        let mut other = sent.clone();
        other.phones[0].number = "+31 6 9999 0000".into();
        assert!(!same_person(&caps, &sent, &other), "another John Smith");
    }

    #[test]
    fn notes_compare_as_the_backend_stores_them() {
        let with_titles = crate::backend::rogerroger::capabilities();
        let without = crate::backend::introzy::capabilities();
        let sent = Note {
            title: "Call".into(),
            text: "Called, no answer".into(),
            ..Default::default()
        };
        let stored = Note {
            text: "Call\n\nCalled, no answer".into(),
            ..Default::default()
        };
        assert!(same_note(&without, &sent, &stored));
        assert!(!same_note(&with_titles, &sent, &stored));
        let mut titled = sent.clone();
        titled.id = "n1".into();
        assert!(same_note(&with_titles, &sent, &titled));
    }
}
