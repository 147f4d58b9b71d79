//! Sending the outbox: oldest first, one person's writes in order, stopping
//! at the first sign of being offline so nothing is sent out of order.
//!
//! Each op is marked as attempted before it is sent. An op already attempted
//! may have reached the server before rolo died, so creates look for the
//! record first instead of posting a duplicate, and an edit whose content is
//! already on the server counts as done.

use crate::backend::{BackendError, ListQuery};
use crate::client::Client;
use crate::model::{Note, Person};
use crate::outbox::{Merge, Op, OpState, QueuedOp, merge};
use crate::store::Outcome;
use std::collections::HashSet;

/// What one flush did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlushReport {
    /// Descriptions of the ops that reached the server.
    pub sent: Vec<String>,
    /// Edits the server changed underneath (now or earlier); they wait for
    /// the user.
    pub conflicts: Vec<i64>,
    /// Ops the server refused for good, with its words; kept, not dropped.
    pub failed: Vec<(i64, String)>,
    /// Ops still queued after this flush.
    pub remaining: usize,
    /// Records created offline that the server has now named: (local, server).
    pub created: Vec<(String, String)>,
    /// Why sending stopped early (offline, rate limited, server down).
    pub stopped: Option<String>,
}

pub(crate) async fn flush(client: &Client) -> FlushReport {
    let mut report = FlushReport::default();
    let queued = match client.queued().await {
        Ok(q) => q,
        Err(e) => {
            report.stopped = Some(e.to_string());
            return report;
        }
    };
    // A person whose earlier write is stuck keeps their later ones queued.
    let mut blocked: HashSet<String> = HashSet::new();
    // Ids the server gave records created earlier in this flush: the store
    // renames them in the queued ops, and this copy of the queue needs it too.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for mut q in queued {
        for (from, to) in &renamed {
            q.op.rename_id(from, to);
        }
        let person = q.op.person_id().to_string();
        if q.state == OpState::Conflict {
            // Still waiting for the user: report it every time, send nothing.
            report.conflicts.push(q.seq);
        }
        if q.state != OpState::Pending || blocked.contains(&person) {
            blocked.insert(person);
            continue;
        }
        let seq = q.seq;
        if client
            .with_store(move |s| s.mark_attempt(seq))
            .await
            .is_err()
        {
            break;
        }
        match send(client, &q).await {
            Ok(outcome) => {
                renamed.extend(server_named(&outcome));
                let described = q.op.describe();
                if let Outcome::Person {
                    local_id: Some(local),
                    person,
                } = &outcome
                {
                    report.created.push((local.clone(), person.id.clone()));
                }
                match client.with_store(move |s| s.complete(seq, &outcome)).await {
                    Ok(()) => report.sent.push(described),
                    Err(e) => {
                        report.stopped = Some(e.to_string());
                        break;
                    }
                }
            }
            Err(e) if e.is_transient() => {
                let msg = e.to_string();
                let _ = client
                    .with_store(move |s| s.set_op_state(seq, OpState::Pending, Some(&msg), None))
                    .await;
                report.stopped = Some(e.to_string());
                break;
            }
            Err(BackendError::Conflict { .. }) if matches!(q.op, Op::UpdatePerson { .. }) => {
                match settle_conflict(client, &q).await {
                    Ok(true) => report.sent.push(q.op.describe()),
                    Ok(false) => {
                        report.conflicts.push(seq);
                        blocked.insert(person);
                    }
                    Err(e) => {
                        report.stopped = Some(e.to_string());
                        break;
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                let stored = msg.clone();
                let _ = client
                    .with_store(move |s| s.set_op_state(seq, OpState::Failed, Some(&stored), None))
                    .await;
                report.failed.push((seq, msg));
                blocked.insert(person);
            }
        }
    }
    report.remaining = client.queued().await.map(|q| q.len()).unwrap_or(0);
    report
}

/// `(local id, server id)` when `outcome` names a record created offline.
fn server_named(outcome: &Outcome) -> Option<(String, String)> {
    match outcome {
        Outcome::Person {
            local_id: Some(local),
            person,
        } if *local != person.id => Some((local.clone(), person.id.clone())),
        Outcome::Note {
            local_id: Some(local),
            note,
        } if *local != note.id => Some((local.clone(), note.id.clone())),
        _ => None,
    }
}

/// One op to the server; what to store when it went through.
async fn send(client: &Client, q: &QueuedOp) -> Result<Outcome, BackendError> {
    let backend = client.backend();
    let retried = q.attempts > 0;
    Ok(match &q.op {
        Op::CreatePerson { person } => {
            let local_id = Some(person.id.clone());
            let existing = if retried {
                find_created(client, person).await?
            } else {
                None
            };
            let created = match existing {
                Some(found) => found,
                None => {
                    let mut fresh = person.clone();
                    fresh.id.clear();
                    backend.create_person(&fresh).await?
                }
            };
            Outcome::Person {
                local_id,
                person: created,
            }
        }
        Op::UpdatePerson { base, edited } => Outcome::Person {
            local_id: None,
            person: backend.update_person(base, edited).await?,
        },
        Op::ArchivePerson { id, archived } => Outcome::Person {
            local_id: None,
            person: backend.set_archived(id, *archived).await?,
        },
        Op::DeletePerson { id } => match backend.delete_person(id).await {
            Ok(()) | Err(BackendError::NotFound(_)) => Outcome::Nothing,
            Err(e) => return Err(e),
        },
        Op::CreateNote { person_id, note } => {
            let local_id = Some(note.id.clone());
            let existing = if retried {
                find_note(client, person_id, note).await?
            } else {
                None
            };
            let mut created = match existing {
                Some(found) => found,
                None => {
                    let mut fresh = note.clone();
                    fresh.id.clear();
                    backend.create_note(person_id, &fresh).await?
                }
            };
            created.person_id = person_id.clone();
            Outcome::Note {
                local_id,
                note: created,
            }
        }
        Op::UpdateNote { person_id, note } => {
            let mut saved = backend.update_note(person_id, note).await?;
            saved.person_id = person_id.clone();
            Outcome::Note {
                local_id: None,
                note: saved,
            }
        }
        Op::DeleteNote { person_id, note_id } => {
            match backend.delete_note(person_id, note_id).await {
                Ok(()) | Err(BackendError::NotFound(_)) => Outcome::Nothing,
                Err(e) => return Err(e),
            }
        }
        Op::FlagNote {
            person_id,
            note_id,
            flagged,
        } => {
            let mut saved = backend.set_note_flag(person_id, note_id, *flagged).await?;
            saved.person_id = person_id.clone();
            Outcome::Note {
                local_id: None,
                note: saved,
            }
        }
    })
}

/// A create that may already have reached the server: find it by email
/// (or name) before posting again.
async fn find_created(client: &Client, person: &Person) -> Result<Option<Person>, BackendError> {
    let search = person
        .primary_email()
        .map(str::to_string)
        .unwrap_or_else(|| person.family_name.clone());
    let query = ListQuery {
        search: Some(search),
        include_archived: true,
    };
    let candidates = client.backend().list_all(&query, &mut |_, _| {}).await?;
    Ok(candidates.into_iter().find(|c| {
        c.family_name == person.family_name
            && c.given_name == person.given_name
            && (person.emails.is_empty() || c.emails.first() == person.emails.first())
    }))
}

async fn find_note(
    client: &Client,
    person_id: &str,
    note: &Note,
) -> Result<Option<Note>, BackendError> {
    let notes = client.backend().list_notes(person_id).await?;
    Ok(notes
        .into_iter()
        .find(|n| n.text.trim() == note.text.trim() && n.title == note.title))
}

/// The server changed the person under a queued edit. Merge what can be
/// merged and resend; park the rest for the user. `Ok(true)`: sent.
async fn settle_conflict(client: &Client, q: &QueuedOp) -> Result<bool, BackendError> {
    let Op::UpdatePerson { base, edited } = &q.op else {
        return Ok(false);
    };
    let seq = q.seq;
    let theirs = client.backend().get_person(&edited.id).await?;
    match merge(base, edited, &theirs) {
        // Already there (an earlier attempt landed before rolo died).
        Merge::Clean(merged) if same_content(&merged, &theirs) => {
            let outcome = Outcome::Person {
                local_id: None,
                person: theirs,
            };
            client
                .with_store(move |s| s.complete(seq, &outcome))
                .await?;
            Ok(true)
        }
        Merge::Clean(merged) => {
            let saved = client.backend().update_person(&theirs, &merged).await;
            match saved {
                Ok(person) => {
                    let outcome = Outcome::Person {
                        local_id: None,
                        person,
                    };
                    client
                        .with_store(move |s| s.complete(seq, &outcome))
                        .await?;
                    Ok(true)
                }
                Err(e) if e.is_transient() => {
                    // Keep the merged edit, based on theirs, for next time.
                    let op = Op::UpdatePerson {
                        base: theirs,
                        edited: merged,
                    };
                    client.with_store(move |s| s.replace_op(seq, &op)).await?;
                    Err(e)
                }
                Err(_) => park(client, seq, &theirs).await,
            }
        }
        Merge::Conflicts { .. } => park(client, seq, &theirs).await,
    }
}

async fn park(client: &Client, seq: i64, theirs: &Person) -> Result<bool, BackendError> {
    let theirs = theirs.clone();
    client
        .with_store(move |s| {
            s.set_op_state(
                seq,
                OpState::Conflict,
                Some("changed on the server since you loaded it"),
                Some(&theirs),
            )
        })
        .await?;
    Ok(false)
}

fn same_content(a: &Person, b: &Person) -> bool {
    crate::outbox::content_eq(a, b)
}
