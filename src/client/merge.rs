//! Merging duplicates as a write. [`Client::merge_people`] reads the
//! records from the store and computes the survivor with
//! [`merged_person`]; a local workspace applies it at once, in one store
//! transaction; a remote profile queues one [`Op::MergePeople`] (the cache
//! shows the merged survivor and the others archived until it is sent;
//! dropping it while queued puts everything back).
//!
//! Delivery ([`send`]) is a few steps, each of which first looks at what
//! the server already holds, so an attempt whose reply was lost is carried
//! on rather than done twice:
//! 1. the survivor is edited to the merged values (onto the server's
//!    current record, the merge's fields winning);
//! 2. every note of the others (as the server has them, while they can
//!    still be read) is created on the survivor, counted by content against
//!    what the survivor holds. The originals stay with the archived records
//!    (a deleted or merged-away record takes its own along; the copies are
//!    on the survivor);
//! 3. on an API with a merge of its own (Rhythm's `PUT …/{id}/merge`), that
//!    endpoint merges the others away, unless the survivor's `merged_ids`
//!    already name them; elsewhere each other record is archived, or
//!    deleted where the user asked and the backend can;
//! 4. what the merge meant the survivor to keep but the backend did not
//!    store (a second email on a one-email API, an unknown server field it
//!    cannot write) goes into one more note, so nothing of the merged
//!    records is lost.
//!
//! Rhythm's document says its merge "signals other microservices to
//! complete the merge" without saying what they do; the fake fills the
//! survivor's empty fields from the sources and removes them. Notes are
//! moved before the merge, so the sources' notes are still readable and the
//! survivor's `notes` is no longer empty for the server to fill.
//!
//! Then the survivor and their notes are read back: that is the new base.

use super::{Client, WritePath};
use crate::backend::{Backend, BackendError};
use crate::model::merge::{MergePlan, merged_person};
use crate::model::{Capabilities, Note, Person, Violation};
use crate::outbox::{Op, holds_edit, is_bookkeeping_extra, is_local_id, rebase};
use crate::store::Outcome;
use std::collections::{BTreeMap, HashMap};

type Result<T> = std::result::Result<T, BackendError>;

fn invalid(field: &str, why: impl Into<String>) -> BackendError {
    BackendError::Validation(vec![Violation::new(field, why)])
}

/// Refuse, before anything is read or queued, a plan this backend cannot
/// carry out.
pub fn check_plan(plan: &MergePlan, caps: &Capabilities, kind: &str) -> Result<()> {
    if plan.others.is_empty() {
        return Err(invalid("others", "name at least one record to merge"));
    }
    let mut seen = vec![plan.survivor.as_str()];
    for other in &plan.others {
        if seen.contains(&other.as_str()) {
            return Err(invalid(
                "others",
                format!("{other} is named twice; each record merges once"),
            ));
        }
        seen.push(other);
    }
    if caps.merge {
        return Ok(());
    }
    if plan.delete_others && !caps.delete {
        return Err(BackendError::Unsupported(format!(
            "{kind} cannot delete people; merge without deleting to archive the others"
        )));
    }
    if !plan.delete_others && !caps.archive {
        return Err(BackendError::Unsupported(if caps.delete {
            format!("{kind} cannot archive people; ask for the others to be deleted")
        } else {
            format!("{kind} can neither archive nor delete people, so it cannot merge them")
        }));
    }
    Ok(())
}

impl Client {
    /// Merge `plan.others` into `plan.survivor`. Returns the survivor as the
    /// store now shows it (a remote profile's merge is queued).
    pub async fn merge_people(&self, plan: &MergePlan) -> Result<Person> {
        let caps = self.capabilities();
        check_plan(plan, &caps, self.kind())?;
        let remote = self.path == WritePath::Outbox;
        let ids: Vec<String> = std::iter::once(plan.survivor.clone())
            .chain(plan.others.iter().cloned())
            .collect();
        let (records, notes, held) = self
            .with_store(move |s| {
                let mut records = Vec::new();
                let mut notes = Vec::new();
                let mut held = Vec::new();
                for id in &ids {
                    records.push(s.get_person(id)?);
                    notes.push(s.notes_for(id)?);
                    held.push(s.load_pending_for(id)?);
                }
                Ok((records, notes, held))
            })
            .await?;
        let mut people = Vec::new();
        for (n, record) in records.into_iter().enumerate() {
            let id = if n == 0 {
                &plan.survivor
            } else {
                &plan.others[n - 1]
            };
            let Some(p) = record else {
                return Err(BackendError::NotFound(format!("person {id}")));
            };
            if let Some(why) = &p.read_only {
                return Err(BackendError::Unsupported(format!(
                    "{} is locked on the server ({why}); it cannot be merged",
                    p.full_name()
                )));
            }
            if remote && is_local_id(id) {
                return Err(BackendError::Unsupported(format!(
                    "{} is not on the server yet; run rolo sync, then merge",
                    p.full_name()
                )));
            }
            if n > 0 && held[n] {
                return Err(BackendError::Unsupported(format!(
                    "{} has changes waiting to be sent; let them go out (rolo sync) first",
                    p.full_name()
                )));
            }
            people.push(p);
        }
        let merged = merged_person(&people, plan);
        let violations = crate::model::validate_person(&merged, &caps);
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let mut notes = notes.into_iter();
        let kept = notes.next().unwrap_or_default();
        let moved: Vec<Vec<Note>> = notes.collect();
        if moved.iter().any(|n| !n.is_empty()) && !caps.notes {
            return Err(BackendError::Unsupported(format!(
                "{} cannot keep notes",
                self.kind()
            )));
        }
        let base = people.remove(0);
        if !remote {
            return self.merge_now(plan, &base, merged).await;
        }
        let op = Op::MergePeople {
            plan: plan.clone(),
            base,
            merged: merged.clone(),
            others: people,
            kept,
            moved,
        };
        self.with_store(move |s| s.enqueue_op(&op)).await?;
        Ok(merged)
    }

    /// A local workspace: all of it now, in one transaction.
    async fn merge_now(
        &self,
        plan: &MergePlan,
        base: &Person,
        mut merged: Person,
    ) -> Result<Person> {
        merged.updated_at = Some(crate::backend::local::now_rfc3339());
        merged.version = Some(uuid::Uuid::new_v4().simple().to_string());
        let (others, delete, version) = (
            plan.others.clone(),
            plan.delete_others,
            base.version.clone(),
        );
        let stored = merged.clone();
        let done = self
            .with_store(move |s| s.merge_now(&stored, version.as_deref(), &others, delete))
            .await?;
        if done {
            Ok(merged)
        } else {
            Err(BackendError::Conflict {
                message: format!("{} changed since it was loaded", base.full_name()),
                existing: Some(base.id.clone()),
            })
        }
    }
}

/// Carry out a queued merge on the server, step by step, each step looking
/// first at what is already done (see the module's comment).
pub(super) async fn send(client: &Client, op: &Op) -> Result<Outcome> {
    let Op::MergePeople {
        plan,
        base,
        merged,
        others,
        kept,
        moved,
    } = op
    else {
        return Err(BackendError::Unsupported("not a merge".into()));
    };
    let backend = client.backend().as_ref();
    let caps = client.capabilities();
    let id = &plan.survivor;
    edit_survivor(backend, base, merged).await?;
    if caps.notes {
        // The others' notes as the server has them while they can still be
        // read (a merge endpoint removes them); the cache's otherwise.
        let mut owed = Vec::new();
        for (other, cached) in plan.others.iter().zip(moved) {
            match backend.list_notes(other).await {
                Ok(notes) => owed.extend(notes),
                Err(BackendError::NotFound(_)) => owed.extend(cached.iter().cloned()),
                Err(e) => return Err(e),
            }
        }
        move_notes(backend, &caps, id, kept, &owed).await?;
    }
    if caps.merge {
        let now = backend.get_person(id).await?;
        let done = merged_ids(&now);
        let left: Vec<String> = plan
            .others
            .iter()
            .filter(|o| !done.contains(o))
            .cloned()
            .collect();
        if !left.is_empty() {
            backend.merge_records(id, &left).await?;
        }
    } else {
        for other in &plan.others {
            set_aside(backend, &caps, other, plan.delete_others).await?;
        }
    }
    let now = backend.get_person(id).await?;
    if caps.notes
        && let Some(note) = leftovers(client.kind(), base, merged, others, &now)
    {
        move_notes(backend, &caps, id, &[], &[note]).await?;
    }
    let notes = if caps.notes {
        backend.list_notes(id).await?
    } else {
        Vec::new()
    };
    let mut after = Vec::new();
    for other in &plan.others {
        after.push(match backend.get_person(other).await {
            Ok(p) => (other.clone(), Some(p)),
            Err(BackendError::NotFound(_)) => (other.clone(), None),
            Err(e) => return Err(e),
        });
    }
    Ok(Outcome::Merged {
        person: now,
        notes,
        others: after,
    })
}

/// Step 1: the survivor holds the merged values. Sent onto the server's
/// current record (a lost reply of an earlier attempt, or an edit made
/// elsewhere meanwhile, moved its version on); the merge's own changes win.
async fn edit_survivor(backend: &dyn Backend, base: &Person, merged: &Person) -> Result<()> {
    let server = backend.get_person(&merged.id).await?;
    if holds_edit(base, merged, &server) {
        return Ok(());
    }
    let (onto, edited) = rebase(base, merged, &server);
    match backend.update_person(&onto, &edited).await {
        Ok(_) => Ok(()),
        // Changed again between the read and the write: nothing was
        // applied; the next round reads it again.
        Err(BackendError::Conflict { existing, .. })
            if existing.as_ref().is_none_or(|x| *x == merged.id) =>
        {
            Err(BackendError::Network(
                "the survivor changed on the server while merging; trying again".into(),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Step 2 without a merge endpoint: archive (or delete) one other record.
async fn set_aside(
    backend: &dyn Backend,
    caps: &Capabilities,
    id: &str,
    delete: bool,
) -> Result<()> {
    if delete && caps.delete {
        return match backend.delete_person(id).await {
            Ok(()) | Err(BackendError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        };
    }
    match backend.get_person(id).await {
        Ok(p) if p.archived => Ok(()),
        Ok(_) => backend.set_archived(id, true).await.map(|_| ()),
        // Gone already: nothing left to archive.
        Err(BackendError::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The ids the server says it merged into this record (Rhythm's `merged_ids`).
fn merged_ids(p: &Person) -> Vec<String> {
    p.extra
        .get("merged_ids")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A note's content as the backend keeps it (titles only where it has them).
fn note_key(caps: &Capabilities, n: &Note) -> (String, String) {
    let title = if caps.note_titles { n.title.trim() } else { "" };
    (title.to_string(), n.text.trim().to_string())
}

/// Every note owed to the survivor is there, counted by content: the
/// survivor's notes beyond its own (`kept`) count as copies already made (by
/// an earlier attempt, or by the server), so none is created twice and two
/// "Called, no answer" stay two.
async fn move_notes(
    backend: &dyn Backend,
    caps: &Capabilities,
    survivor: &str,
    kept: &[Note],
    owed: &[Note],
) -> Result<()> {
    let key = |n: &Note| note_key(caps, n);
    let mut have: HashMap<(String, String), usize> = HashMap::new();
    for n in backend.list_notes(survivor).await? {
        *have.entry(key(&n)).or_default() += 1;
    }
    for n in kept {
        if let Some(c) = have.get_mut(&key(n)) {
            *c = c.saturating_sub(1);
        }
    }
    for note in owed {
        let key = key(note);
        if let Some(count) = have.get_mut(&key).filter(|c| **c > 0) {
            *count -= 1;
            continue;
        }
        let mut copy = note.clone();
        copy.id.clear();
        copy.person_id = survivor.to_string();
        if !caps.note_categories {
            copy.category.clear();
        }
        let created = backend.create_note(survivor, &copy).await?;
        if note.flagged && caps.flag_notes && !created.flagged {
            backend.set_note_flag(survivor, &created.id, true).await?;
        }
    }
    Ok(())
}

/// What the merge meant the survivor to hold that the server did not keep
/// (entries of a list beyond what the API stores, custom and unknown server
/// fields of the others it cannot write), as one note; `None` when the
/// survivor holds it all. The same server record gives the same note, so
/// it is created once.
pub fn leftovers(
    kind: &str,
    base: &Person,
    merged: &Person,
    others: &[Person],
    server: &Person,
) -> Option<Note> {
    let mut lines = Vec::new();
    let lower = |s: &str| s.trim().to_lowercase();
    for email in &merged.emails {
        if !server.emails.iter().any(|e| lower(e) == lower(email)) {
            lines.push(format!("email: {email}"));
        }
    }
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    for phone in &merged.phones {
        let d = digits(&phone.number);
        if !server.phones.iter().any(|p| {
            let s = digits(&p.number);
            s.ends_with(&d) || d.ends_with(&s)
        }) {
            lines.push(format!("phone: {}", phone.number));
        }
    }
    for tag in &merged.tags {
        if !server.tags.iter().any(|t| lower(t) == lower(tag)) {
            lines.push(format!("tag: {tag}"));
        }
    }
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut fields: BTreeMap<&String, &serde_json::Value> = BTreeMap::new();
    for (k, v) in &merged.custom_fields {
        if !server.custom_fields.contains_key(k) {
            fields.insert(k, v);
        }
    }
    for other in others {
        for (k, v) in &other.extra {
            let blank = v.is_null() || v.as_str().is_some_and(|s| s.is_empty());
            if blank
                || is_bookkeeping_extra(k)
                || base.extra.contains_key(k)
                || server.extra.get(k) == Some(v)
                || k == "merged_ids"
                || k == "id"
            {
                continue;
            }
            fields.entry(k).or_insert(v);
        }
    }
    lines.extend(fields.into_iter().map(|(k, v)| format!("{k}: {}", text(v))));
    if lines.is_empty() {
        return None;
    }
    let names: Vec<String> = others.iter().map(|o| o.full_name()).collect();
    Some(Note {
        text: format!(
            "Merged from {}; {kind} did not store these on this record:\n{}",
            names.join(", "),
            lines.join("\n")
        ),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn caps() -> Capabilities {
        Capabilities::all_local()
    }

    #[test]
    fn a_plan_naming_a_record_twice_or_none_is_refused() {
        let mut plan = MergePlan::new("a".into(), vec![]);
        assert!(matches!(
            check_plan(&plan, &caps(), "local"),
            Err(BackendError::Validation(_))
        ));
        plan.others = vec!["b".into(), "b".into()];
        assert!(check_plan(&plan, &caps(), "local").is_err());
        plan.others = vec!["a".into()];
        assert!(check_plan(&plan, &caps(), "local").is_err());
        plan.others = vec!["b".into()];
        assert!(check_plan(&plan, &caps(), "local").is_ok());
    }

    #[test]
    fn a_backend_that_can_neither_archive_nor_delete_is_refused_up_front() {
        let mut c = caps();
        c.archive = false;
        c.delete = false;
        c.merge = false;
        let plan = MergePlan::new("a".into(), vec!["b".into()]);
        let e = check_plan(&plan, &c, "x").unwrap_err();
        assert!(e.to_string().contains("neither archive nor delete"), "{e}");
        c.delete = true;
        let mut del = plan.clone();
        del.delete_others = true;
        assert!(check_plan(&del, &c, "x").is_ok());
    }

    #[test]
    fn what_the_server_did_not_keep_becomes_one_note() {
        let base = Person {
            id: "a".into(),
            emails: vec!["ann@acme.com".into()],
            ..Default::default()
        };
        let other = Person {
            id: "b".into(),
            emails: vec!["ann@home.nl".into()],
            extra: [
                ("legacy_id".to_string(), json!("L-7")),
                ("sys_version".to_string(), json!(3)),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let plan = MergePlan::new("a".into(), vec!["b".into()]);
        let merged = merged_person(&[base.clone(), other.clone()], &plan);
        let server = base.clone();
        let note = leftovers(
            "introzy",
            &base,
            &merged,
            std::slice::from_ref(&other),
            &server,
        )
        .unwrap();
        assert!(note.text.contains("email: ann@home.nl"), "{}", note.text);
        assert!(note.text.contains("legacy_id: L-7"));
        assert!(!note.text.contains("sys_version"));
        assert_eq!(leftovers("local", &base, &merged, &[other], &merged), None);
    }
}
