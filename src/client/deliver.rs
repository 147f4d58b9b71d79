//! Sending one claimed op, and deciding what happened to it.
//!
//! Every outcome is one of four:
//! * **delivered**: the server answered with the record; it replaces the
//!   cached copy and the op leaves the outbox;
//! * **refused**: the server said no (4xx with its words: a 300-character
//!   name, an unknown tag, a deleted or locked record); the op stays, marked,
//!   and the person's later writes wait behind it for the user;
//! * **ambiguous**: no usable answer after the request may have gone out (a
//!   timeout, a cut connection, a truncated body, a 5xx); the record is read
//!   back ([`super::verify`]) and the op marked delivered or sent again;
//! * **not sent**: the server did not act (429, 401, no connection made);
//!   the op waits for the next flush.

use super::Client;
use super::verify::{self, Vouch};
use crate::backend::BackendError;
use crate::outbox::{Merge, Op, OpState, content_eq, merge};
use crate::store::{Claim, Outcome};

/// What became of one claimed op.
#[derive(Debug)]
pub(super) enum Step {
    Sent {
        described: String,
        /// `(local id, server id)` of a record created offline.
        created: Option<(String, String)>,
    },
    Refused {
        seq: i64,
        why: String,
    },
    /// Parked for the user: changed on the server, both sides on one field.
    Conflict,
    /// A create the server already had: taken out of the outbox.
    Duplicate(Duplicate),
    /// Not through this time; `stop` when nothing else should be tried now
    /// (rate limited, not authorised, the cache unwritable).
    Retry {
        why: String,
        stop: bool,
    },
    /// Another process took the op over (our claim had expired).
    Lost,
}

/// A create refused as a duplicate of a record the server has.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub local_id: String,
    pub existing_id: String,
    pub message: String,
    /// Later writes of that person, moved to the existing record and held
    /// for the user (retry sends them there, drop discards them).
    pub held: Vec<i64>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    NotSent,
    Ambiguous,
    Refused,
}

fn kind(e: &BackendError) -> Kind {
    match e {
        // The server did not act: a 429 or 401 is decided before the
        // request is processed; a storage error is ours.
        BackendError::RateLimited { .. }
        | BackendError::Unauthorized(_)
        | BackendError::Storage(_) => Kind::NotSent,
        // The request may have been applied: a connection cut after
        // sending, a timeout, a body cut short, a gateway's 502.
        BackendError::Network(_) | BackendError::Malformed(_) => Kind::Ambiguous,
        BackendError::Server { status, .. } if *status >= 500 => Kind::Ambiguous,
        _ => Kind::Refused,
    }
}

fn stops(e: &BackendError) -> bool {
    matches!(
        e,
        BackendError::RateLimited { .. } | BackendError::Unauthorized(_) | BackendError::Storage(_)
    )
}

/// What to do after a refusal was looked at.
enum Next {
    Done(Step),
    /// The op was rewritten (a clean merge); send it again.
    SendAgain,
}

/// Attempts a create refused as a duplicate of an unnamed record gets
/// before it waits for the user.
const DUPLICATE_TRIES: u32 = 3;

/// Most rounds one op gets in one flush (an ambiguous reply found not
/// applied, a clean merge onto a newer record).
const ROUNDS: usize = 3;

pub(super) async fn process(client: &Client, mut claim: Claim) -> Step {
    let seq = claim.seq;
    if let Some(local) = claim.op.local_refs().first() {
        let why = format!(
            "{} refers to {local}, which was never created on the server (its create was \
             dropped or refused); nothing was sent",
            claim.op.describe()
        );
        return refuse(client, seq, why).await;
    }
    let mut last = None;
    // A conflict was merged and sent again in this flush already.
    let mut merged = false;
    for _ in 0..ROUNDS {
        if claim.maybe_sent {
            match verify::find_out(client, &claim).await {
                Ok(Some(outcome)) => return finish(client, &claim, outcome).await,
                Ok(None) => claim.maybe_sent = false,
                Err(e) if kind(&e) == Kind::Refused => {
                    match refusal(client, &mut claim, e, merged).await {
                        Next::Done(step) => return step,
                        Next::SendAgain => {
                            merged = true;
                            continue;
                        }
                    }
                }
                Err(e) => return retry(client, &claim, true, e).await,
            }
        }
        match verify::preimage(client, &claim).await {
            Ok(Some(ids)) => {
                let stored = ids.clone();
                if let Err(e) = client
                    .with_store(move |s| s.set_preimage(seq, &stored))
                    .await
                {
                    return retry(client, &claim, false, e).await;
                }
                claim.preimage = Some(ids);
            }
            Ok(None) => {}
            Err(e) => return retry(client, &claim, false, e).await,
        }
        let owner = client.owner.id().to_string();
        match client
            .with_store(move |s| s.mark_sending(seq, &owner))
            .await
        {
            Ok(true) => {
                claim.maybe_sent = true;
                claim.attempts += 1;
            }
            Ok(false) => return Step::Lost,
            Err(e) => return retry(client, &claim, false, e).await,
        }
        let e = match send(client, &claim).await {
            Ok(outcome) => match verify::vouch(client, &claim, &outcome).await {
                Ok(Vouch::Ours) => return finish(client, &claim, outcome).await,
                // The adapter's own look-up after a lost reply may answer
                // with a look-alike: find this op's record, if it made one.
                Ok(vouch) => match verify::find_out(client, &claim).await {
                    Ok(Some(found)) => return finish(client, &claim, found).await,
                    Ok(None) if vouch == Vouch::NotOurs => {
                        claim.maybe_sent = false;
                        last = Some(BackendError::Network(
                            "the server answered with another record; sending again".into(),
                        ));
                        continue;
                    }
                    // Nothing closer: the server rewrote a value we sent.
                    Ok(None) => return finish(client, &claim, outcome).await,
                    Err(e) => return retry(client, &claim, true, e).await,
                },
                Err(e) => return retry(client, &claim, true, e).await,
            },
            Err(e) => e,
        };
        match kind(&e) {
            Kind::NotSent => return retry(client, &claim, false, e).await,
            Kind::Ambiguous => {
                tracing::info!(seq, error = %e, "outbox: unclear reply; reading back");
                match verify::find_out(client, &claim).await {
                    Ok(Some(outcome)) => return finish(client, &claim, outcome).await,
                    Ok(None) => {
                        claim.maybe_sent = false;
                        last = Some(e);
                    }
                    Err(_) => return retry(client, &claim, true, e).await,
                }
            }
            Kind::Refused => match refusal(client, &mut claim, e, merged).await {
                Next::Done(step) => return step,
                Next::SendAgain => merged = true,
            },
        }
    }
    let e = last.unwrap_or_else(|| {
        BackendError::Network("the record kept changing on the server; trying again later".into())
    });
    let maybe_sent = claim.maybe_sent;
    retry(client, &claim, maybe_sent, e).await
}

/// One op to the server; what to store when it went through.
async fn send(client: &Client, claim: &Claim) -> Result<Outcome, BackendError> {
    let backend = client.backend();
    Ok(match &claim.op {
        Op::CreatePerson { person } => {
            let mut fresh = person.clone();
            // The id rolo chose, for APIs that keep one (RogerRoger's
            // people POST has an `id`); the others ignore it.
            fresh.id = claim.client_id.clone().unwrap_or_default();
            Outcome::Person {
                local_id: Some(person.id.clone()),
                person: backend.create_person(&fresh).await?,
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
            let mut fresh = note.clone();
            fresh.id = claim.client_id.clone().unwrap_or_default();
            let mut created = backend.create_note(person_id, &fresh).await?;
            created.person_id = person_id.clone();
            Outcome::Note {
                local_id: Some(note.id.clone()),
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
        Op::MergePeople { .. } => super::merge::send(client, &claim.op).await?,
        // Never claimed: it leaves the outbox with its merge.
        Op::MergedInto { .. } => Outcome::Nothing,
    })
}

/// Delivered: store the server's answer.
async fn finish(client: &Client, claim: &Claim, mut outcome: Outcome) -> Step {
    learn_client_ids(client, claim, &outcome).await;
    if let Outcome::Note { note, .. } = &mut outcome
        && note.person_id.is_empty()
    {
        note.person_id = claim.op.person_id().to_string();
    }
    let created = match &outcome {
        Outcome::Person {
            local_id: Some(local),
            person,
        } if *local != person.id => Some((local.clone(), person.id.clone())),
        Outcome::Note {
            local_id: Some(local),
            note,
        } if *local != note.id => Some((local.clone(), note.id.clone())),
        _ => None,
    };
    let seq = claim.seq;
    match client.with_store(move |s| s.complete(seq, &outcome)).await {
        Ok(()) => Step::Sent {
            described: claim.op.describe(),
            created,
        },
        // Delivered but not recorded: the op stays marked as possibly
        // sent, so the next flush reads it back instead of sending again.
        Err(e) => Step::Retry {
            why: e.to_string(),
            stop: true,
        },
    }
}

/// Remember whether the server kept the id rolo chose for a create, so
/// later read-backs know whether a look-up by that id is conclusive.
async fn learn_client_ids(client: &Client, claim: &Claim, outcome: &Outcome) {
    let Some(chosen) = claim.client_id.clone() else {
        return;
    };
    let (kind, got) = match outcome {
        Outcome::Person { person, .. } => ("person", person.id.clone()),
        Outcome::Note { note, .. } => ("note", note.id.clone()),
        Outcome::Merged { .. } | Outcome::Nothing => return,
    };
    let kept = got == chosen;
    let _ = client
        .with_store(move |s| s.set_honours_client_ids(kind, kept))
        .await;
}

async fn retry(client: &Client, claim: &Claim, maybe_sent: bool, e: BackendError) -> Step {
    let why = e.to_string();
    let (seq, owner, stored) = (claim.seq, client.owner.id().to_string(), why.clone());
    let _ = client
        .with_store(move |s| s.release(seq, &owner, maybe_sent, Some(&stored)))
        .await;
    Step::Retry {
        why,
        stop: stops(&e),
    }
}

async fn refuse(client: &Client, seq: i64, why: String) -> Step {
    let stored = why.clone();
    match client.with_store(move |s| s.refuse(seq, &stored)).await {
        Ok(()) => Step::Refused { seq, why },
        Err(e) => Step::Retry {
            why: e.to_string(),
            stop: true,
        },
    }
}

/// The server said no. A version conflict on an edit is merged where it
/// can be; a duplicate create leaves the outbox; everything else waits for
/// the user with the server's words.
async fn refusal(client: &Client, claim: &mut Claim, e: BackendError, merged: bool) -> Next {
    let seq = claim.seq;
    match (&claim.op, e) {
        // A version conflict names the person itself (or nobody); merged
        // once, it goes out again. Another person named is a duplicate
        // (an email someone else has), and a conflict right after a merge
        // is the server's refusal: both wait for the user.
        (Op::UpdatePerson { edited, .. }, BackendError::Conflict { existing, .. })
            if !merged && existing.as_ref().is_none_or(|x| *x == edited.id) =>
        {
            settle_conflict(client, claim).await
        }
        (
            Op::CreatePerson { person },
            BackendError::Conflict {
                existing: Some(existing),
                message,
            },
        ) => {
            let local = person.id.clone();
            let why = format!(
                "{} already exists on the server ({message}); this change now waits for the \
                 existing record: retry sends it there, drop discards it",
                person.full_name()
            );
            let (l, x) = (local.clone(), existing.clone());
            match client
                .with_store(move |s| s.settle_duplicate(seq, &l, &x, &why))
                .await
            {
                Ok(held) => Next::Done(Step::Duplicate(Duplicate {
                    local_id: local,
                    existing_id: existing,
                    message,
                    held,
                })),
                Err(e) => Next::Done(Step::Retry {
                    why: e.to_string(),
                    stop: true,
                }),
            }
        }
        // A 409 whose record the adapter could not name (its look-up
        // failed): nothing was created, so sending again is safe and may
        // name it next time; after a few tries it waits for the user.
        (Op::CreatePerson { .. }, e @ BackendError::Conflict { existing: None, .. })
            if claim.attempts < DUPLICATE_TRIES =>
        {
            Next::Done(retry(client, claim, false, e).await)
        }
        (op, BackendError::NotFound(words)) => {
            let gone = match op {
                Op::UpdateNote { .. } | Op::FlagNote { .. } => "the note",
                Op::MergePeople { .. } => "a record of the merge",
                _ => "the person",
            };
            let why = format!(
                "{gone} was deleted on the server ({words}); drop this change to let it go"
            );
            Next::Done(refuse(client, seq, why).await)
        }
        (_, e) => Next::Done(refuse(client, seq, format!("refused by the server: {e}")).await),
    }
}

/// The server changed the person under a queued edit. Merge what can be
/// merged and send again; park the rest for the user.
async fn settle_conflict(client: &Client, claim: &mut Claim) -> Next {
    let Op::UpdatePerson { base, edited } = &claim.op else {
        return Next::Done(Step::Conflict);
    };
    let seq = claim.seq;
    let theirs = match client.backend().get_person(&edited.id).await {
        Ok(t) => t,
        Err(e @ BackendError::NotFound(_)) => {
            let why = format!(
                "the person was deleted on the server ({e}); drop this change to let it go"
            );
            return Next::Done(refuse(client, seq, why).await);
        }
        // The edit was refused before it was applied: nothing was sent.
        Err(e) => return Next::Done(retry(client, claim, false, e).await),
    };
    match merge(base, edited, &theirs) {
        // Already there (an earlier attempt landed before rolo died).
        Merge::Clean(merged) if content_eq(&merged, &theirs) => {
            let outcome = Outcome::Person {
                local_id: None,
                person: theirs,
            };
            Next::Done(finish(client, claim, outcome).await)
        }
        Merge::Clean(merged) => {
            let op = Op::UpdatePerson {
                base: theirs,
                edited: merged,
            };
            let stored = op.clone();
            match client.with_store(move |s| s.replace_op(seq, &stored)).await {
                Ok(()) => {
                    claim.op = op;
                    claim.maybe_sent = false;
                    Next::SendAgain
                }
                Err(e) => Next::Done(retry(client, claim, false, e).await),
            }
        }
        Merge::Conflicts { .. } => {
            let why = "changed on the server since you loaded it";
            match client
                .with_store(move |s| {
                    s.set_op_state(seq, OpState::Conflict, Some(why), Some(&theirs))
                })
                .await
            {
                Ok(()) => Next::Done(Step::Conflict),
                Err(e) => Next::Done(Step::Retry {
                    why: e.to_string(),
                    stop: true,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_error_has_one_kind() {
        let cases = [
            (
                BackendError::RateLimited {
                    retry_after: Duration::ZERO,
                },
                Kind::NotSent,
            ),
            (BackendError::Unauthorized("no".into()), Kind::NotSent),
            (
                BackendError::Network("reply cut off".into()),
                Kind::Ambiguous,
            ),
            (BackendError::Malformed("truncated".into()), Kind::Ambiguous),
            (
                BackendError::Server {
                    status: 502,
                    message: "bad gateway".into(),
                },
                Kind::Ambiguous,
            ),
            (
                BackendError::Server {
                    status: 415,
                    message: "content type".into(),
                },
                Kind::Refused,
            ),
            (BackendError::Validation(vec![]), Kind::Refused),
            (BackendError::NotFound("gone".into()), Kind::Refused),
            (BackendError::Unsupported("no".into()), Kind::Refused),
        ];
        for (e, k) in cases {
            assert_eq!(kind(&e), k, "{e:?}");
        }
    }
}
