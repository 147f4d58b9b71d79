//! The outbox: writes waiting for the server, each committed together with
//! the change it makes to the cached copy.
//!
//! Several rolo processes share one cache file (`rolo sync` from cron, a
//! `rolo note add` from a mail client, the TUI), so sending is claimed: a
//! process takes the oldest op it may send in a `BEGIN IMMEDIATE`
//! transaction and writes its name and an expiry on it. Nobody else sends
//! that op (or any later op of the same person, so one person's writes keep
//! their order) until the claim is released or has expired; a killed
//! process's claim frees itself at expiry, or at once when the owner's pid
//! is gone on this host.

use super::{Result, Store, get_person_in, upsert_note_in, upsert_person_in};
use crate::model::{Note, Person};
use crate::outbox::{EntryState, Op, OpState, OutboxEntry, QueuedOp, is_local_id, rebase};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};

/// What a sent op came back with, to store in the cache.
// One per sent op; boxing the person buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Person {
        local_id: Option<String>,
        person: Person,
    },
    Note {
        local_id: Option<String>,
        note: Note,
    },
    /// A merge went through: the survivor and their notes as the server
    /// has them now, and each other record as it stands (`None`: gone,
    /// deleted or merged away by the server).
    Merged {
        person: Person,
        notes: Vec<Note>,
        others: Vec<(String, Option<Person>)>,
    },
    Nothing,
}

/// An op this process has claimed, with what sending it needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub seq: i64,
    pub op: Op,
    pub attempts: u32,
    /// An earlier attempt may have reached the server.
    pub maybe_sent: bool,
    pub first_attempt_at: Option<String>,
    /// Server ids of records equal to what this create sends that existed
    /// before it was (last) sent: none of them can be the one it made.
    pub preimage: Option<Vec<String>>,
    /// The id this create offers the server (where the API accepts one).
    pub client_id: Option<String>,
}

/// Who may take a claim, and when.
pub struct ClaimRequest<'a> {
    pub owner: &'a str,
    pub now_ms: i64,
    pub lease_ms: i64,
    /// People not to send for now (their last op failed in this flush).
    pub skip: &'a [String],
    /// Whether the process that wrote a claim is gone (its claim is void).
    pub owner_gone: &'a dyn Fn(&str) -> bool,
}

/// What dropping an op took with it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dropped {
    /// Later ops that could only have followed the dropped create.
    pub also_dropped: Vec<i64>,
    /// The person whose cached copy should be read back from the server.
    pub refresh: Option<String>,
}

fn now_iso() -> String {
    jiff::Timestamp::now().to_string()
}

impl Store {
    /// Queue `op` and apply it to the cached copy, in one transaction.
    pub fn enqueue(&mut self, op: &Op) -> Result<i64> {
        self.enqueue_op(op).map(|(seq, _)| seq)
    }

    /// [`Store::enqueue`], returning the op as queued: ids of records
    /// created offline that the server has named since are replaced by the
    /// server's first, so no temporary id is ever sent.
    pub fn enqueue_op(&mut self, op: &Op) -> Result<(i64, Op)> {
        let tx = self.write_tx()?;
        let mut op = op.clone();
        for local in op
            .local_refs()
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
        {
            if let Some(server) = mapped_in(&tx, &local)? {
                op.rename_id(&local, &server);
            }
        }
        apply_to_cache(&tx, &op)?;
        let client_id = op
            .creates()
            .map(|_| uuid::Uuid::new_v4().hyphenated().to_string());
        tx.execute(
            "INSERT INTO outbox(person_id, op, created_at, client_id) VALUES (?1, ?2, ?3, ?4)",
            params![
                op.person_id(),
                serde_json::to_string(&op)?,
                now_iso(),
                client_id
            ],
        )?;
        let seq = tx.last_insert_rowid();
        if let Op::MergePeople { plan, .. } = &op {
            for other in &plan.others {
                let marker = Op::MergedInto {
                    id: other.clone(),
                    into: plan.survivor.clone(),
                };
                tx.execute(
                    "INSERT INTO outbox(person_id, op, created_at) VALUES (?1, ?2, ?3)",
                    params![other, serde_json::to_string(&marker)?, now_iso()],
                )?;
            }
        }
        tx.commit()?;
        Ok((seq, op))
    }

    /// A local workspace's merge, at once and in one transaction: the
    /// survivor becomes `merged` unless it changed since `base_version`
    /// (then `false`, nothing done), the others' notes move to it, and the
    /// others are archived (or deleted with `delete`).
    pub fn merge_now(
        &mut self,
        merged: &Person,
        base_version: Option<&str>,
        others: &[String],
        delete: bool,
    ) -> Result<bool> {
        let tx = self.write_tx()?;
        let current = get_person_in(&tx, &merged.id)?;
        if current.as_ref().map(|c| c.version.as_deref()) != Some(base_version) {
            return Ok(false);
        }
        upsert_person_in(&tx, merged)?;
        for other in others {
            // Note ids are unique per person only: one the survivor has
            // already moves under a new name rather than being lost.
            tx.execute(
                "UPDATE notes SET person_id = ?1 WHERE person_id = ?2
                   AND id NOT IN (SELECT id FROM notes WHERE person_id = ?1)",
                [&merged.id, other],
            )?;
            tx.execute(
                "UPDATE notes SET person_id = ?1, id = id || '-' || ?2 WHERE person_id = ?2",
                [&merged.id, other],
            )?;
            if delete {
                tx.execute("DELETE FROM people WHERE id = ?1", [other])?;
            } else if let Some(mut p) = get_person_in(&tx, other)? {
                p.archived = true;
                p.updated_at = merged.updated_at.clone();
                p.version = Some(uuid::Uuid::new_v4().simple().to_string());
                upsert_person_in(&tx, &p)?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    /// Every queued op, oldest first.
    pub fn queued(&self) -> Result<Vec<QueuedOp>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, op, state, attempts, last_error, theirs FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, op, state, attempts, last_error, theirs) = row?;
            out.push(QueuedOp {
                seq,
                op: serde_json::from_str(&op)?,
                state: OpState::parse(&state),
                attempts,
                last_error,
                theirs: match theirs {
                    Some(t) => Some(serde_json::from_str::<Person>(&t)?.normalize()),
                    None => None,
                },
            });
        }
        Ok(out)
    }

    pub fn queued_count(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    /// The queued-changes view: every op with its person, when it was
    /// queued and where it stands. `now_ms` tells live claims from stale.
    pub fn entries(&self, now_ms: i64) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.seq, o.person_id, o.op, o.state, o.attempts, o.last_error, o.created_at,
                    o.maybe_sent, o.claim_owner IS NOT NULL AND o.claim_until > ?1,
                    p.display_name
             FROM outbox o LEFT JOIN people p ON p.id = o.person_id
             ORDER BY o.seq",
        )?;
        let rows = stmt.query_map([now_ms], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        // The first op of each person that needs the user blocks the rest.
        let mut stuck: HashMap<String, i64> = HashMap::new();
        let mut merging: HashMap<(String, String), i64> = HashMap::new();
        let mut out = Vec::new();
        for row in rows {
            let (seq, person_id, op, state, attempts, error, queued_at, maybe_sent, claimed, name) =
                row?;
            let op: Op = serde_json::from_str(&op)?;
            if let Op::MergePeople { plan, .. } = &op {
                for other in &plan.others {
                    merging.insert((other.clone(), plan.survivor.clone()), seq);
                }
            }
            // A record merged away waits with its merge: held up for the
            // user only when the merge is.
            let marker = match &op {
                Op::MergedInto { id, into } if stuck.contains_key(into) => {
                    merging.get(&(id.clone(), into.clone())).copied()
                }
                _ => None,
            };
            let state = match (
                stuck.get(&person_id).or(marker.as_ref()),
                OpState::parse(&state),
            ) {
                (Some(&behind), _) => EntryState::Blocked { behind },
                (None, OpState::Refused) => EntryState::Refused,
                (None, OpState::Conflict) => EntryState::Conflict,
                (None, OpState::Pending) if claimed => EntryState::Sending,
                (None, OpState::Pending) => EntryState::Pending,
            };
            if matches!(state, EntryState::Refused | EntryState::Conflict) {
                stuck.insert(person_id.clone(), seq);
            }
            let person_name = name.unwrap_or_else(|| match &op {
                Op::CreatePerson { person } => person.full_name(),
                Op::UpdatePerson { edited, .. } => edited.full_name(),
                Op::MergePeople { merged, .. } => merged.full_name(),
                _ => person_id.clone(),
            });
            out.push(OutboxEntry {
                seq,
                person_id,
                person_name,
                op,
                queued_at,
                state,
                attempts,
                error,
                maybe_sent,
            });
        }
        Ok(out)
    }

    /// Claim the oldest op this process may send: the first op of its
    /// person, pending, not claimed by a live owner, and not in `skip`.
    pub fn claim_next(&mut self, req: &ClaimRequest<'_>) -> Result<Option<Claim>> {
        // IMMEDIATE: the write lock is taken before reading, so two
        // processes cannot both see the op as free.
        let tx = self.write_tx()?;
        let heads: Vec<(i64, String, Option<String>, i64)> = tx
            .prepare_cached(
                "SELECT o.seq, o.person_id, o.claim_owner, o.claim_until FROM outbox o
                 WHERE o.state = 'pending'
                   AND o.seq = (SELECT min(i.seq) FROM outbox i WHERE i.person_id = o.person_id)
                   AND json_extract(o.op, '$.op') IS NOT 'merged_into'
                 ORDER BY o.seq",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let free = heads.into_iter().find(|(_, person, owner, until)| {
            let claim_free = match owner {
                None => true,
                Some(o) if o == req.owner => true,
                Some(o) => *until <= req.now_ms || (req.owner_gone)(o),
            };
            claim_free && !req.skip.contains(person)
        });
        let Some((seq, ..)) = free else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE outbox SET claim_owner = ?2, claim_until = ?3 WHERE seq = ?1",
            params![seq, req.owner, req.now_ms + req.lease_ms],
        )?;
        let claim = tx.query_row(
            "SELECT op, attempts, maybe_sent, first_attempt_at, preimage, client_id
             FROM outbox WHERE seq = ?1",
            [seq],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )?;
        tx.commit()?;
        let (op, attempts, maybe_sent, first_attempt_at, preimage, client_id) = claim;
        Ok(Some(Claim {
            seq,
            op: serde_json::from_str(&op)?,
            attempts,
            maybe_sent,
            first_attempt_at,
            preimage: preimage.map(|p| serde_json::from_str(&p)).transpose()?,
            client_id,
        }))
    }

    /// Extend a claim while a slow op runs; `false` if it is no longer ours.
    pub fn renew_claim(&self, seq: i64, owner: &str, until_ms: i64) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE outbox SET claim_until = ?3 WHERE seq = ?1 AND claim_owner = ?2",
            params![seq, owner, until_ms],
        )? == 1)
    }

    /// Record, just before the request goes out, that it may reach the
    /// server: after a crash or an unclear reply the next attempt reads the
    /// record back first. `false` (send nothing) if the claim was lost.
    pub fn mark_sending(&self, seq: i64, owner: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, maybe_sent = 1,
                    first_attempt_at = coalesce(first_attempt_at, ?3)
             WHERE seq = ?1 AND claim_owner = ?2",
            params![seq, owner, now_iso()],
        )? == 1)
    }

    /// Record that `seq` is about to be sent, without a claim (what rolo
    /// before claims did; kept for tests that stage a crash).
    pub fn mark_attempt(&self, seq: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, maybe_sent = 1,
                    first_attempt_at = coalesce(first_attempt_at, ?2)
             WHERE seq = ?1",
            params![seq, now_iso()],
        )?;
        Ok(())
    }

    /// The records like this create that the server had before sending it.
    pub fn set_preimage(&self, seq: i64, ids: &[String]) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET preimage = ?2 WHERE seq = ?1",
            params![seq, serde_json::to_string(ids)?],
        )?;
        Ok(())
    }

    /// Give the claim back, the op still pending. `maybe_sent` says whether
    /// the server may have it; `why` is kept for the queued-changes view.
    pub fn release(
        &self,
        seq: i64,
        owner: &str,
        maybe_sent: bool,
        why: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET claim_owner = NULL, claim_until = 0, maybe_sent = ?3,
                    last_error = ?4
             WHERE seq = ?1 AND claim_owner = ?2",
            params![seq, owner, maybe_sent, why],
        )?;
        Ok(())
    }

    /// The server refused `seq` (its words in `why`): kept for the user, and
    /// the person's later writes wait behind it.
    pub fn refuse(&self, seq: i64, why: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'refused', last_error = ?2, maybe_sent = 0,
                    claim_owner = NULL, claim_until = 0
             WHERE seq = ?1",
            params![seq, why],
        )?;
        Ok(())
    }

    /// `seq` could not be sent as it is: keep it, with why.
    pub fn set_op_state(
        &self,
        seq: i64,
        state: OpState,
        error: Option<&str>,
        theirs: Option<&Person>,
    ) -> Result<()> {
        let theirs = theirs.map(serde_json::to_string).transpose()?;
        self.conn.execute(
            "UPDATE outbox SET state = ?2, last_error = ?3, theirs = ?4,
                    claim_owner = NULL, claim_until = 0
             WHERE seq = ?1",
            params![seq, state.as_str(), error, theirs],
        )?;
        Ok(())
    }

    /// `seq` went through: drop it, store what the server answered, move
    /// later ops of the same person onto it, and show them in the cache.
    pub fn complete(&mut self, seq: i64, outcome: &Outcome) -> Result<()> {
        let tx = self.write_tx()?;
        let person_id: Option<String> = tx
            .query_row("SELECT person_id FROM outbox WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()?;
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        let mut owner = person_id;
        match outcome {
            Outcome::Person { local_id, person } => {
                if let Some(local) = local_id.as_deref().filter(|l| *l != person.id) {
                    rename_person_in(&tx, local, &person.id)?;
                }
                upsert_person_in(&tx, person)?;
                rebase_later_in(&tx, person)?;
                owner = Some(person.id.clone());
            }
            Outcome::Note { local_id, note } => {
                if let Some(local) = local_id.as_deref().filter(|l| *l != note.id) {
                    tx.execute(
                        "DELETE FROM notes WHERE person_id = ?1 AND id = ?2",
                        [&note.person_id, local],
                    )?;
                    remember_id_in(&tx, local, &note.id, &note.person_id)?;
                    rename_in_ops(&tx, local, &note.id)?;
                }
                upsert_note_in(&tx, note)?;
                owner = Some(note.person_id.clone())
                    .filter(|p| !p.is_empty())
                    .or(owner);
            }
            Outcome::Merged {
                person,
                notes,
                others,
            } => {
                upsert_person_in(&tx, person)?;
                tx.execute("DELETE FROM notes WHERE person_id = ?1", [&person.id])?;
                for n in notes {
                    let mut n = n.clone();
                    n.person_id = person.id.clone();
                    upsert_note_in(&tx, &n)?;
                }
                for (id, now) in others {
                    drop_markers_in(&tx, id, &person.id)?;
                    match now {
                        Some(p) => upsert_person_in(&tx, p)?,
                        None => {
                            tx.execute("DELETE FROM people WHERE id = ?1", [id])?;
                            tx.execute("DELETE FROM notes WHERE person_id = ?1", [id])?;
                        }
                    }
                    reapply_in(&tx, id)?;
                }
                rebase_later_in(&tx, person)?;
                owner = Some(person.id.clone());
            }
            Outcome::Nothing => {}
        }
        if let Some(person) = owner {
            reapply_in(&tx, &person)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Replace a queued op (a resolved conflict, an edited refusal), back
    /// to pending, and update the cached copy to match.
    pub fn replace_op(&mut self, seq: i64, op: &Op) -> Result<()> {
        let tx = self.write_tx()?;
        apply_to_cache(&tx, op)?;
        tx.execute(
            "UPDATE outbox SET op = ?2, state = 'pending', last_error = NULL, theirs = NULL,
                    maybe_sent = CASE WHEN ?3 THEN maybe_sent ELSE 0 END
             WHERE seq = ?1",
            // A create keeps `maybe_sent`: an earlier attempt may have made
            // the record, and the read-back must still find it.
            params![seq, serde_json::to_string(op)?, op.creates().is_some()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Send a refused (or conflicted) op again as it is. `false` if there
    /// is no such op.
    pub fn retry_op(&self, seq: i64) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE outbox SET state = 'pending', last_error = NULL, theirs = NULL
             WHERE seq = ?1",
            [seq],
        )? == 1)
    }

    /// The user gave up on `seq`. A dropped create takes the record it
    /// would have made out of the cache, with the ops that could only
    /// follow it; otherwise the cached copy is put back as far as the store
    /// knows (the client then reads the server's version).
    pub fn drop_op(&mut self, seq: i64) -> Result<Option<Dropped>> {
        let tx = self.write_tx()?;
        let row: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT op, person_id, theirs FROM outbox WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((op, person_id, theirs)) = row else {
            return Ok(None);
        };
        let op: Op = serde_json::from_str(&op)?;
        if let Op::MergedInto { id, into } = &op {
            // Only the merge it belongs to can be undone, and with it this.
            let merge = merge_of_in(&tx, id, into)?;
            drop(tx);
            return match merge {
                Some(m) => self.drop_op(m),
                None => {
                    self.discard_op(seq)?;
                    Ok(Some(Dropped::default()))
                }
            };
        }
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        let mut dropped = Dropped::default();
        match &op {
            Op::CreatePerson { person } => {
                dropped.also_dropped = ops_where_in(&tx, |o| o.person_id() == person.id)?;
                tx.execute("DELETE FROM outbox WHERE person_id = ?1", [&person.id])?;
                tx.execute("DELETE FROM people WHERE id = ?1", [&person.id])?;
                tx.execute("DELETE FROM notes WHERE person_id = ?1", [&person.id])?;
            }
            Op::CreateNote { note, .. } => {
                dropped.also_dropped = ops_where_in(&tx, |o| o.note_id() == Some(&note.id))?;
                for s in &dropped.also_dropped {
                    tx.execute("DELETE FROM outbox WHERE seq = ?1", [s])?;
                }
                tx.execute(
                    "DELETE FROM notes WHERE person_id = ?1 AND id = ?2",
                    [&person_id, &note.id],
                )?;
            }
            Op::UpdatePerson { base, .. } => {
                // Until the server is asked: theirs where a conflict
                // stored it, else the record the edit started from.
                let restored = match theirs {
                    Some(t) => serde_json::from_str::<Person>(&t)?,
                    None => base.clone(),
                };
                upsert_person_in(&tx, &restored)?;
                dropped.refresh = Some(person_id.clone());
            }
            Op::ArchivePerson { id, archived } => {
                if let Some(mut p) = get_person_in(&tx, id)? {
                    p.archived = !archived;
                    upsert_person_in(&tx, &p)?;
                }
                dropped.refresh = Some(person_id.clone());
            }
            Op::FlagNote {
                person_id,
                note_id,
                flagged,
            } => {
                set_flag_in(&tx, person_id, note_id, !flagged)?;
                dropped.refresh = Some(person_id.clone());
            }
            Op::MergePeople {
                plan,
                base,
                others,
                moved,
                ..
            } => {
                // Undo while queued: the survivor as it was, without the
                // moved copies, the others back as they were.
                upsert_person_in(&tx, base)?;
                for (n, note) in moved.iter().flatten().enumerate() {
                    tx.execute(
                        "DELETE FROM notes WHERE person_id = ?1 AND id = ?2",
                        [&plan.survivor, &moved_note_id(n, note)],
                    )?;
                }
                for other in others {
                    drop_markers_in(&tx, &other.id, &plan.survivor)?;
                    upsert_person_in(&tx, other)?;
                    reapply_in(&tx, &other.id)?;
                }
                dropped.refresh = Some(person_id.clone());
            }
            Op::MergedInto { .. } => {}
            Op::DeletePerson { .. } | Op::UpdateNote { .. } | Op::DeleteNote { .. } => {
                dropped.refresh = Some(person_id.clone());
            }
        }
        if !is_local_id(&person_id) {
            reapply_in(&tx, &person_id)?;
        }
        tx.commit()?;
        Ok(Some(dropped))
    }

    /// Give up on an op without touching the cache.
    pub fn discard_op(&self, seq: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        Ok(())
    }

    /// The server already has the record this create would make (a 409
    /// duplicate naming `existing`): the create leaves the outbox and its
    /// local copy the cache. The person's later writes move to `existing`
    /// but wait, refused with `why`, until the user retries or drops each:
    /// nothing typed is lost, nothing lands on someone else's record
    /// unasked.
    pub fn settle_duplicate(
        &mut self,
        seq: i64,
        local_id: &str,
        existing: &str,
        why: &str,
    ) -> Result<Vec<i64>> {
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        tx.execute("DELETE FROM people WHERE id = ?1", [local_id])?;
        tx.execute(
            "UPDATE notes SET person_id = ?2 WHERE person_id = ?1",
            params![local_id, existing],
        )?;
        let moved = ops_where_in(&tx, |o| o.person_id() == local_id)?;
        rename_in_ops(&tx, local_id, existing)?;
        for s in &moved {
            tx.execute(
                "UPDATE outbox SET state = 'refused', last_error = ?2 WHERE seq = ?1",
                params![s, why],
            )?;
        }
        tx.commit()?;
        Ok(moved)
    }

    /// Of `ids`, the server ids that records rolo created have (so a
    /// read-back for another create does not take them for its own).
    /// `scope`: the person, for notes; `""` for people.
    pub fn ids_created_by_us(&self, ids: &[String], scope: &str) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM id_map WHERE server_id = ?1 AND scope = ?2)",
        )?;
        let mut out = HashSet::new();
        for id in ids {
            if stmt.query_row(params![id, scope], |r| r.get::<_, bool>(0))? {
                out.insert(id.clone());
            }
        }
        Ok(out)
    }

    /// Of `ids`, those the cache holds: people for `scope` `""`, else that
    /// person's notes (note ids are unique within a person only).
    pub fn ids_in_cache(&self, ids: &[String], scope: &str) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(if scope.is_empty() {
            "SELECT EXISTS(SELECT 1 FROM people WHERE id = ?1 AND ?2 = '')"
        } else {
            "SELECT EXISTS(SELECT 1 FROM notes WHERE id = ?1 AND person_id = ?2)"
        })?;
        let mut out = HashSet::new();
        for id in ids {
            if stmt.query_row([id.as_str(), scope], |r| r.get::<_, bool>(0))? {
                out.insert(id.clone());
            }
        }
        Ok(out)
    }

    /// The server id a record created offline got, if it has one.
    pub fn server_id_for(&self, local_id: &str) -> Result<Option<String>> {
        mapped_in(&self.conn, local_id)
    }

    /// Store the server's copy of a person after a dropped op, then show the
    /// writes still queued for them on top.
    pub fn restore_person(&mut self, person: &Person, notes: &[Note]) -> Result<()> {
        let tx = self.write_tx()?;
        upsert_person_in(&tx, person)?;
        tx.execute("DELETE FROM notes WHERE person_id = ?1", [&person.id])?;
        for n in notes {
            let mut n = n.clone();
            n.person_id = person.id.clone();
            upsert_note_in(&tx, &n)?;
        }
        reapply_in(&tx, &person.id)?;
        tx.commit()?;
        Ok(())
    }

    /// Is a write to this person waiting in the outbox?
    pub fn load_pending_for(&self, person_id: &str) -> Result<bool> {
        has_pending_in(&self.conn, person_id)
    }

    /// The value of a `client_ids` style meta flag: `Some(true)` when the
    /// server was seen to keep the ids rolo chose, `Some(false)` when not.
    pub fn honours_client_ids(&self, kind: &str) -> Result<Option<bool>> {
        Ok(self
            .meta(&format!("client_ids:{kind}"))?
            .map(|v| v == "yes"))
    }

    pub fn set_honours_client_ids(&self, kind: &str, yes: bool) -> Result<()> {
        self.set_meta(
            &format!("client_ids:{kind}"),
            if yes { "yes" } else { "no" },
        )
    }
}

/// The cached copy as it will be once `op` reaches the server.
pub(super) fn apply_to_cache(conn: &Connection, op: &Op) -> Result<()> {
    match op {
        Op::CreatePerson { person } | Op::UpdatePerson { edited: person, .. } => {
            upsert_person_in(conn, person)
        }
        Op::ArchivePerson { id, archived } => {
            if let Some(mut p) = get_person_in(conn, id)? {
                p.archived = *archived;
                upsert_person_in(conn, &p)?;
            }
            Ok(())
        }
        Op::DeletePerson { id } => {
            conn.execute("DELETE FROM people WHERE id = ?1", [id])?;
            conn.execute("DELETE FROM notes WHERE person_id = ?1", [id])?;
            Ok(())
        }
        Op::CreateNote { person_id, note } | Op::UpdateNote { person_id, note } => {
            let mut note = note.clone();
            note.person_id = person_id.clone();
            upsert_note_in(conn, &note)
        }
        Op::DeleteNote { person_id, note_id } => {
            conn.execute(
                "DELETE FROM notes WHERE person_id = ?1 AND id = ?2",
                [person_id, note_id],
            )?;
            Ok(())
        }
        Op::FlagNote {
            person_id,
            note_id,
            flagged,
        } => set_flag_in(conn, person_id, note_id, *flagged),
        Op::MergePeople {
            merged,
            others,
            moved,
            ..
        } => {
            upsert_person_in(conn, merged)?;
            for (n, note) in moved.iter().flatten().enumerate() {
                let mut copy = note.clone();
                copy.id = moved_note_id(n, note);
                copy.person_id = merged.id.clone();
                upsert_note_in(conn, &copy)?;
            }
            // Shown archived until the server has the merge (deleted ones
            // too: undo must be able to bring them back).
            for other in others {
                if let Some(mut p) = get_person_in(conn, &other.id)? {
                    p.archived = true;
                    upsert_person_in(conn, &p)?;
                }
            }
            Ok(())
        }
        Op::MergedInto { .. } => Ok(()),
    }
}

/// The id the `n`th note moved by a queued merge has in the cache until the
/// server names its copy: the same every time the op is applied again
/// (note ids are unique per person only, hence the position).
pub fn moved_note_id(n: usize, note: &Note) -> String {
    format!("{}merged-{n}-{}", crate::outbox::LOCAL_ID_PREFIX, note.id)
}

fn drop_markers_in(conn: &Connection, id: &str, into: &str) -> Result<()> {
    for seq in ops_where_in(
        conn,
        |o| matches!(o, Op::MergedInto { id: i, into: t } if i == id && t == into),
    )? {
        conn.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
    }
    Ok(())
}

/// The queued merge of `id` into `into`.
fn merge_of_in(conn: &Connection, id: &str, into: &str) -> Result<Option<i64>> {
    Ok(ops_where_in(conn, |o| {
        matches!(o, Op::MergePeople { plan, .. }
            if plan.survivor == into && plan.others.iter().any(|x| x == id))
    })?
    .into_iter()
    .next())
}

fn set_flag_in(conn: &Connection, person_id: &str, note_id: &str, flagged: bool) -> Result<()> {
    conn.execute(
        "UPDATE notes SET flagged = ?3, data = json_set(data, '$.flagged', json(?4))
         WHERE person_id = ?1 AND id = ?2",
        params![
            person_id,
            note_id,
            flagged,
            if flagged { "true" } else { "false" }
        ],
    )?;
    Ok(())
}

pub(super) fn has_pending_in(conn: &Connection, person_id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM outbox WHERE person_id = ?1)",
        [person_id],
        |r| r.get(0),
    )?)
}

fn mapped_in(conn: &Connection, local_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT server_id FROM id_map WHERE local_id = ?1",
            [local_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// `scope`: the person a note belongs to, `""` for a person.
fn remember_id_in(conn: &Connection, local_id: &str, server_id: &str, scope: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO id_map(local_id, server_id, scope) VALUES (?1, ?2, ?3)
         ON CONFLICT(local_id) DO UPDATE SET server_id = excluded.server_id,
                                             scope = excluded.scope",
        params![local_id, server_id, scope],
    )?;
    Ok(())
}

/// Queued ops (seq, op) of one person, oldest first.
fn ops_of_in(conn: &Connection, person_id: &str) -> Result<Vec<(i64, Op)>> {
    let rows: Vec<(i64, String)> = conn
        .prepare_cached("SELECT seq, op FROM outbox WHERE person_id = ?1 ORDER BY seq")?
        .query_map([person_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(seq, json)| Ok((seq, serde_json::from_str(&json)?)))
        .collect()
}

fn ops_where_in(conn: &Connection, keep: impl Fn(&Op) -> bool) -> Result<Vec<i64>> {
    let rows: Vec<(i64, String)> = conn
        .prepare_cached("SELECT seq, op FROM outbox ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (seq, json) in rows {
        if keep(&serde_json::from_str(&json)?) {
            out.push(seq);
        }
    }
    Ok(out)
}

/// Later edits of `server.id`, moved onto the record the server answered
/// with (see [`rebase`]): their next request carries the new version and
/// only the fields the user changed.
fn rebase_later_in(conn: &Connection, server: &Person) -> Result<()> {
    for (seq, op) in ops_of_in(conn, &server.id)? {
        if let Op::UpdatePerson { base, edited } = op {
            let (base, edited) = rebase(&base, &edited, server);
            conn.execute(
                "UPDATE outbox SET op = ?2 WHERE seq = ?1",
                params![
                    seq,
                    serde_json::to_string(&Op::UpdatePerson { base, edited })?
                ],
            )?;
        }
    }
    Ok(())
}

/// Show the person's queued writes on top of what the cache holds now.
fn reapply_in(conn: &Connection, person_id: &str) -> Result<()> {
    for (_, op) in ops_of_in(conn, person_id)? {
        apply_to_cache(conn, &op)?;
    }
    Ok(())
}

/// A person created offline got its server id: move everything over.
fn rename_person_in(conn: &Connection, from: &str, to: &str) -> Result<()> {
    conn.execute("DELETE FROM people WHERE id = ?1", [from])?;
    conn.execute(
        "UPDATE notes SET person_id = ?2 WHERE person_id = ?1",
        params![from, to],
    )?;
    conn.execute(
        "UPDATE outbox SET person_id = ?2 WHERE person_id = ?1",
        params![from, to],
    )?;
    remember_id_in(conn, from, to, "")?;
    rename_in_ops(conn, from, to)
}

fn rename_in_ops(conn: &Connection, from: &str, to: &str) -> Result<()> {
    let rows: Vec<(i64, String)> = conn
        .prepare("SELECT seq, op FROM outbox")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (seq, json) in rows {
        if !json.contains(from) {
            continue;
        }
        let mut op: Op = serde_json::from_str(&json)?;
        op.rename_id(from, to);
        conn.execute(
            "UPDATE outbox SET op = ?2, person_id = ?3 WHERE seq = ?1",
            params![seq, serde_json::to_string(&op)?, op.person_id()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::new_local_id;

    fn person(id: &str, family: &str) -> Person {
        Person {
            id: id.into(),
            family_name: family.into(),
            version: Some("v1".into()),
            ..Default::default()
        }
        .normalize()
    }

    fn never_gone(_: &str) -> bool {
        false
    }

    fn claim(store: &mut Store, owner: &str, now_ms: i64) -> Option<Claim> {
        store
            .claim_next(&ClaimRequest {
                owner,
                now_ms,
                lease_ms: 1000,
                skip: &[],
                owner_gone: &never_gone,
            })
            .unwrap()
    }

    fn edit(store: &mut Store, p: &Person, job: &str) -> i64 {
        let mut e = p.clone();
        e.job_title = job.into();
        store
            .enqueue(&Op::UpdatePerson {
                base: p.clone(),
                edited: e,
            })
            .unwrap()
    }

    #[test]
    fn one_claim_per_op_and_one_person_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut a = Store::open(&path).unwrap();
        let mut b = Store::open(&path).unwrap();
        let ann = person("p1", "Ann");
        a.upsert_person(&ann).unwrap();
        a.upsert_person(&person("p2", "Bob")).unwrap();
        let first = edit(&mut a, &ann, "CTO");
        edit(&mut a, &ann, "CEO");
        let bob = edit(&mut a, &person("p2", "Bob"), "VP");

        let got = claim(&mut a, "A", 0).unwrap();
        assert_eq!(got.seq, first);
        // B may not take Ann's second edit while her first is out: it gets Bob's.
        assert_eq!(claim(&mut b, "B", 10).unwrap().seq, bob);
        assert_eq!(claim(&mut b, "B2", 10), None, "nothing else is free");
        // A's claim expires: someone else may take it over.
        assert_eq!(claim(&mut b, "B2", 5000).unwrap().seq, first);
        assert!(!a.mark_sending(first, "A").unwrap(), "A lost it");
        assert!(b.mark_sending(first, "B2").unwrap());
    }

    #[test]
    fn a_gone_owner_frees_its_claim_at_once() {
        let mut s = Store::open_in_memory().unwrap();
        let ann = person("p1", "Ann");
        s.upsert_person(&ann).unwrap();
        let seq = edit(&mut s, &ann, "CTO");
        assert!(claim(&mut s, "dead", 0).is_some());
        let gone = |o: &str| o == "dead";
        let got = s
            .claim_next(&ClaimRequest {
                owner: "alive",
                now_ms: 1,
                lease_ms: 1000,
                skip: &[],
                owner_gone: &gone,
            })
            .unwrap();
        assert_eq!(got.map(|c| c.seq), Some(seq));
    }

    #[test]
    fn a_refused_op_blocks_later_ops_of_that_person_visibly() {
        let mut s = Store::open_in_memory().unwrap();
        let ann = person("p1", "Ann");
        s.upsert_person(&ann).unwrap();
        let first = edit(&mut s, &ann, "x".repeat(300).as_str());
        let second = edit(&mut s, &ann, "CEO");
        s.refuse(first, "jobTitle: too long").unwrap();
        assert_eq!(claim(&mut s, "A", 0), None, "the later edit waits");
        let entries = s.entries(0).unwrap();
        assert_eq!(entries[0].state, EntryState::Refused);
        assert_eq!(entries[0].error.as_deref(), Some("jobTitle: too long"));
        assert_eq!(
            entries[1].state,
            EntryState::Blocked { behind: first },
            "{entries:?}"
        );
        assert_eq!(entries[1].person_name, "Ann");
        assert!(s.load_summaries().unwrap()[0].blocked);
        s.retry_op(first).unwrap();
        assert_eq!(claim(&mut s, "A", 0).map(|c| c.seq), Some(first));
        let _ = second;
    }

    #[test]
    fn a_write_queued_after_a_create_landed_uses_the_server_id() {
        let mut s = Store::open_in_memory().unwrap();
        let local = new_local_id();
        s.upsert_person(&person("p1", "Ann")).unwrap();
        let note = Note {
            id: local.clone(),
            person_id: "p1".into(),
            text: "hi".into(),
            ..Default::default()
        };
        let seq = s
            .enqueue(&Op::CreateNote {
                person_id: "p1".into(),
                note: note.clone(),
            })
            .unwrap();
        let mut saved = note.clone();
        saved.id = "srv-n1".into();
        s.complete(
            seq,
            &Outcome::Note {
                local_id: Some(local.clone()),
                note: saved,
            },
        )
        .unwrap();
        // The TUI still shows the note under its local id and flags it.
        s.enqueue(&Op::FlagNote {
            person_id: "p1".into(),
            note_id: local.clone(),
            flagged: true,
        })
        .unwrap();
        let queued = s.queued().unwrap();
        assert_eq!(queued[0].op.note_id(), Some("srv-n1"));
        assert!(s.get_note("p1", "srv-n1").unwrap().unwrap().flagged);
    }

    #[test]
    fn a_landed_edit_rebases_the_next_and_the_cache_keeps_showing_it() {
        let mut s = Store::open_in_memory().unwrap();
        let ann = person("p1", "Ann");
        s.upsert_person(&ann).unwrap();
        let first = edit(&mut s, &ann, "CTO");
        let mut after_first = ann.clone();
        after_first.job_title = "CTO".into();
        let mut e2 = after_first.clone();
        e2.company = "Acme".into();
        s.enqueue(&Op::UpdatePerson {
            base: after_first,
            edited: e2,
        })
        .unwrap();
        let mut server = ann.clone();
        server.job_title = "CTO".into();
        server.version = Some("v2".into());
        s.complete(
            first,
            &Outcome::Person {
                local_id: None,
                person: server,
            },
        )
        .unwrap();
        let queued = s.queued().unwrap();
        let Op::UpdatePerson { base, edited } = &queued[0].op else {
            panic!()
        };
        assert_eq!(base.version.as_deref(), Some("v2"));
        assert_eq!(edited.version.as_deref(), Some("v2"));
        let cached = s.get_person("p1").unwrap().unwrap();
        assert_eq!(
            (cached.job_title.as_str(), cached.company.as_str()),
            ("CTO", "Acme")
        );
    }

    #[test]
    fn dropping_a_create_takes_its_record_and_followers_along() {
        let mut s = Store::open_in_memory().unwrap();
        let local = new_local_id();
        let p = person(&local, "Offline");
        let create = s.enqueue(&Op::CreatePerson { person: p.clone() }).unwrap();
        let note = s
            .enqueue(&Op::CreateNote {
                person_id: local.clone(),
                note: Note {
                    id: new_local_id(),
                    text: "x".into(),
                    ..Default::default()
                },
            })
            .unwrap();
        let dropped = s.drop_op(create).unwrap().unwrap();
        assert_eq!(dropped.also_dropped, [note]);
        assert_eq!(s.queued_count().unwrap(), 0);
        assert!(s.get_person(&local).unwrap().is_none());
        assert!(s.notes_for(&local).unwrap().is_empty());
    }

    fn merge_op(s: &Store) -> Op {
        let ann = s.get_person("p1").unwrap().unwrap();
        let bob = s.get_person("p2").unwrap().unwrap();
        let mut merged = ann.clone();
        merged.job_title = "CTO".into();
        Op::MergePeople {
            plan: crate::model::merge::MergePlan::new("p1".into(), vec!["p2".into()]),
            base: ann,
            merged,
            others: vec![bob],
            kept: Vec::new(),
            moved: vec![s.notes_for("p2").unwrap()],
        }
    }

    fn merge_fixture() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.upsert_person(&person("p1", "Ann")).unwrap();
        s.upsert_person(&person("p2", "Ann")).unwrap();
        s.upsert_note(&Note {
            id: "n1".into(),
            person_id: "p2".into(),
            text: "met at the fair".into(),
            created_at: Some("2024-01-01T00:00:00Z".into()),
            ..Default::default()
        })
        .unwrap();
        s
    }

    #[test]
    fn a_queued_merge_shows_in_the_cache_holds_the_others_and_undoes_cleanly() {
        let mut s = merge_fixture();
        let op = merge_op(&s);
        let seq = s.enqueue(&op).unwrap();
        let survivor = s.get_person("p1").unwrap().unwrap();
        assert_eq!(survivor.job_title, "CTO");
        assert!(s.get_person("p2").unwrap().unwrap().archived);
        let notes = s.notes_for("p1").unwrap();
        assert_eq!(notes.len(), 1, "the other's note shows on the survivor");
        assert_eq!(notes[0].text, "met at the fair");
        // Both are marked pending; the other's marker is never sent and
        // shows as waiting for the merge.
        let summaries = s.load_summaries().unwrap();
        assert!(summaries.iter().all(|p| p.pending), "{summaries:?}");
        let entries = s.entries(0).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].op.describe(), "merge: 1 into Ann");
        assert_eq!(entries[1].state, EntryState::Pending);
        assert_eq!(entries[1].op.action(), "merged away");
        s.refuse(seq, "locked").unwrap();
        let entries = s.entries(0).unwrap();
        assert_eq!(entries[1].state, EntryState::Blocked { behind: seq });
        s.retry_op(seq).unwrap();
        let got = claim(&mut s, "A", 0).unwrap();
        assert_eq!(got.seq, seq);
        assert_eq!(claim(&mut s, "B", 0), None, "the marker is not sendable");
        // A sync cannot overwrite either while the merge is queued.
        let mut fresh = person("p2", "Ann");
        fresh.version = Some("v9".into());
        s.replace_from_server(&[person("p1", "Ann"), fresh])
            .unwrap();
        assert!(s.get_person("p2").unwrap().unwrap().archived);
        // Undo: everything as it was, the marker gone too.
        s.drop_op(seq).unwrap().unwrap();
        assert_eq!(s.queued_count().unwrap(), 0);
        assert_eq!(s.get_person("p1").unwrap().unwrap().job_title, "");
        assert!(!s.get_person("p2").unwrap().unwrap().archived);
        assert!(s.notes_for("p1").unwrap().is_empty());
        assert_eq!(s.notes_for("p2").unwrap().len(), 1);
    }

    #[test]
    fn dropping_the_marker_undoes_its_merge_and_a_landed_merge_takes_it_along() {
        let mut s = merge_fixture();
        let op = merge_op(&s);
        s.enqueue(&op).unwrap();
        let marker = s.queued().unwrap()[1].seq;
        s.drop_op(marker).unwrap();
        assert_eq!(s.queued_count().unwrap(), 0);
        assert!(!s.get_person("p2").unwrap().unwrap().archived);

        let seq = s.enqueue(&op).unwrap();
        let mut server = person("p1", "Ann");
        server.job_title = "CTO".into();
        server.version = Some("v2".into());
        let note = Note {
            id: "srv-7".into(),
            person_id: "p1".into(),
            text: "met at the fair".into(),
            ..Default::default()
        };
        s.complete(
            seq,
            &Outcome::Merged {
                person: server,
                notes: vec![note],
                others: vec![("p2".into(), None)],
            },
        )
        .unwrap();
        assert_eq!(s.queued_count().unwrap(), 0, "the marker left with it");
        assert!(s.get_person("p2").unwrap().is_none());
        let notes = s.notes_for("p1").unwrap();
        assert_eq!(
            notes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            ["srv-7"]
        );
    }

    #[test]
    fn a_local_merge_moves_notes_and_archives_or_deletes_in_one_go() {
        let mut s = merge_fixture();
        s.upsert_note(&Note {
            id: "n1".into(),
            person_id: "p1".into(),
            text: "the survivor's own, same id".into(),
            created_at: Some("2024-01-02T00:00:00Z".into()),
            ..Default::default()
        })
        .unwrap();
        let mut merged = s.get_person("p1").unwrap().unwrap();
        merged.job_title = "CTO".into();
        assert!(
            !s.merge_now(&merged, Some("stale"), &["p2".into()], false)
                .unwrap()
        );
        assert!(
            s.merge_now(&merged, Some("v1"), &["p2".into()], false)
                .unwrap()
        );
        assert_eq!(
            s.notes_for("p1").unwrap().len(),
            2,
            "no note lost to an id clash"
        );
        assert!(s.notes_for("p2").unwrap().is_empty());
        assert!(s.get_person("p2").unwrap().unwrap().archived);
        s.upsert_person(&person("p3", "Ann")).unwrap();
        let now = s.get_person("p1").unwrap().unwrap();
        assert!(
            s.merge_now(&now, now.version.as_deref(), &["p3".into()], true)
                .unwrap()
        );
        assert!(s.get_person("p3").unwrap().is_none());
    }
}
