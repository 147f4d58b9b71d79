//! Rhythm Rolodex contacts adapter (see ../shared/api/rhythm-rolodex-contacts.txt).
//!
//! Wire facts this adapter relies on ([`wire`] has the shapes):
//! - every path is tenant-scoped: `/contacts/{tenant}/...`;
//! - auth is a static `Authorization` value (as the docs' samples show) or an
//!   OAuth2 client-credentials Bearer token ([`oauth`]);
//! - listing and searching is `POST /contacts/{tenant}/search` with a filter
//!   body, paged by `LastEvaluatedKey` -> `?exclusiveStartKey=`; a page may be
//!   short or empty while a key remains, an absent or null key ends it
//!   ([`search`]);
//! - create answers 200 with the contact and refuses a client-chosen `id`;
//!   PATCH takes an RFC 6902 array (`Request Body schema: application/json`,
//!   so that is the content type sent) and answers the whole contact; PUT
//!   replaces the whole record;
//! - 409 means "refers to/depends on a non-existent object" (not a version
//!   clash), 403 is what a locked contact (`sys_locked`) gets;
//! - `sys_version` increments on every write; `notes` is one text field
//!   ([`notes`] keeps a dated paragraph per note in it);
//! - `PUT .../{id}/merge {source_ids}` merges contacts;
//! - `GET .../socialProfile/{emailAddress}` looks a profile up (enrichment
//!   proposals, nothing applied until accepted).
//!
//! Every write returns the whole new record, with its new `sys_version`
//! (re-read if a reply lacks it), so the next write starts from it. Edits
//! are patches of the changed fields only ([`mapping`]). A locked contact is
//! read-only ([`Person::read_only`]); writes to it are refused here without
//! a request. Refusals rolo makes itself are [`BackendError::Unsupported`].

pub mod mapping;
pub mod notes;
pub mod oauth;
mod profile;
pub mod search;
pub mod wire;
pub use profile::{OAuth, Options};

use super::http::{Auth, HttpClient, HttpConfig, HttpResponse, JSON, RequestSpec};
use super::introzy::encode_segment;
use super::{Backend, BackendError, Cursor, EnrichOutcome, FieldProposal, ListQuery, Page, Result};
use crate::model::{Capabilities, Note, NoteId, Person, Violation};
use async_trait::async_trait;
pub use mapping::{
    LOCKED, capabilities, contact_from_person, create_body, patch_ops, person_from_wire,
    person_to_wire,
};
use mapping::{changed_elsewhere, ops_applied, person_from_contact, refuse_unstored};
pub use notes::NOTE_ID;
pub use oauth::{ClientCredentials, OAuthSettings, RhythmAuth};
use search::{SearchCursor, search_bodies};
use serde_json::{Value, json};
use std::collections::HashSet;
use wire::{Contact, SearchReply, SocialProfile, text};

/// How often a note write is retried when the notes text changed between
/// reading and writing it (someone else added a note meanwhile).
const NOTE_WRITE_ATTEMPTS: usize = 3;

/// What rolo writes as a create's `origin_service` ("if this contact was
/// created by another service, the service is here").
const ORIGIN: &str = "rolo";

/// The id rolo tags a create with: the one the outbox chose for the op
/// (Rhythm names contacts itself, so the person's `id` is free to carry it).
fn origin_record_id(person: &Person) -> Option<&str> {
    Some(person.id.as_str()).filter(|id| !id.trim().is_empty())
}

/// Mark a create body as rolo's, with the op's id in
/// `origin_service_record_id` (both documented create fields), so the
/// read-back after a lost reply has an exact key.
fn tag_origin(body: &mut Value, person: &Person) {
    if let (Some(id), Some(obj)) = (origin_record_id(person), body.as_object_mut()) {
        obj.insert("origin_service".into(), json!(ORIGIN));
        obj.insert("origin_service_record_id".into(), json!(id));
    }
}

/// The Rhythm Rolodex adapter. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RhythmBackend {
    http: HttpClient,
    tenant: String,
}

fn unsupported(what: &str) -> BackendError {
    BackendError::Unsupported(format!("Rhythm {what}"))
}

fn locked() -> BackendError {
    BackendError::Unsupported(LOCKED.to_string())
}

/// Rhythm's 409 ("refers to/depends on a non-existent object") refuses this
/// write for good; it is not an edit made elsewhere, so it must not read as
/// a [`BackendError::Conflict`].
fn refusal(e: BackendError) -> BackendError {
    match e {
        BackendError::Conflict {
            message,
            existing: None,
        } => BackendError::Validation(vec![Violation::new("request", message)]),
        other => other,
    }
}

fn conflict(id: &str, paths: &[String]) -> BackendError {
    let fields: Vec<&str> = paths
        .iter()
        .map(|p| p.trim_start_matches('/').split('/').next().unwrap_or(p))
        .collect();
    BackendError::Conflict {
        message: format!(
            "the contact changed on the server since it was loaded ({}); reload and edit again",
            fields.join(", ")
        ),
        existing: Some(id.to_string()),
    }
}

fn malformed(e: serde_json::Error) -> BackendError {
    BackendError::Malformed(format!("a Rhythm contact: {e}"))
}

fn note_text(note: &Note) -> Result<String> {
    let text = [note.title.trim(), note.text.trim_end()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if text.trim().is_empty() {
        return Err(BackendError::Validation(vec![Violation::new(
            "text",
            "a note needs some text",
        )]));
    }
    Ok(text)
}

impl RhythmBackend {
    pub fn new(config: HttpConfig, tenant: &str, auth: RhythmAuth) -> Result<Self> {
        if tenant.trim().is_empty() {
            return Err(BackendError::Validation(vec![Violation::new(
                "tenant",
                "a Rhythm tenant id is required",
            )]));
        }
        let auth = match auth {
            RhythmAuth::Static(value) => Auth::api_key("Authorization", value),
            RhythmAuth::ClientCredentials(settings) => Auth::Token {
                name: "Authorization".into(),
                source: std::sync::Arc::new(ClientCredentials::new(settings, &config)?),
            },
        };
        Ok(RhythmBackend {
            http: HttpClient::new(config, auth)?,
            tenant: tenant.to_string(),
        })
    }

    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    fn base(&self) -> String {
        format!("/contacts/{}", encode_segment(&self.tenant))
    }

    fn contact_path(&self, id: &str) -> String {
        format!("{}/{}", self.base(), encode_segment(id))
    }

    async fn fetch(&self, id: &str) -> Result<Value> {
        let reply = self
            .http
            .send(RequestSpec::get(self.contact_path(id)))
            .await?;
        reply.json()
    }

    /// The record a write left: its reply when that is a whole contact
    /// (with `sys_version`), else a fresh read.
    async fn written(&self, reply: &HttpResponse, id: &str) -> Result<Person> {
        let whole = reply
            .json::<Value>()
            .ok()
            .filter(|v| v.get("id").is_some() && v.get("sys_version").is_some());
        match whole {
            Some(v) => person_from_wire(&v),
            None => self.get_person(id).await,
        }
    }

    /// A write failed with a status that may mean "locked": read the record
    /// and say so if it is.
    async fn explain_refusal(&self, id: &str, e: BackendError) -> BackendError {
        match self.fetch(id).await.map(Contact::from_value) {
            Ok(Ok(c)) if c.is_locked() => locked(),
            _ => refusal(e),
        }
    }

    /// PUT the whole record: every field the server sent, with the edits.
    pub async fn replace_person(&self, edited: &Person) -> Result<Person> {
        if edited.read_only.is_some() {
            return Err(locked());
        }
        refuse_unstored(None, edited)?;
        let violations = crate::model::validate_person(edited, &capabilities());
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let body = person_to_wire(edited)?;
        let spec = RequestSpec::put(self.contact_path(&edited.id), Value::Object(body));
        match self.http.send(spec).await {
            Ok(reply) => self.written(&reply, &edited.id).await,
            Err(e @ (BackendError::Unauthorized(_) | BackendError::Conflict { .. })) => {
                Err(self.explain_refusal(&edited.id, e).await)
            }
            Err(e) => Err(e),
        }
    }

    /// Merge `sources` into `target` (the server fills the target's gaps and
    /// removes the sources). A lost reply is checked against `merged_ids`.
    pub async fn merge_people(&self, target: &str, sources: &[String]) -> Result<Person> {
        if sources.is_empty() || sources.iter().any(|s| s == target) {
            return Err(BackendError::Validation(vec![Violation::new(
                "source_ids",
                "pick at least one other contact to merge",
            )]));
        }
        let path = format!("{}/merge", self.contact_path(target));
        let spec =
            RequestSpec::put(path, json!({"source_ids": sources, "options": {}})).idempotent(false);
        match self.http.send(spec).await {
            Ok(reply) => self.written(&reply, target).await,
            Err(BackendError::Network(msg)) => {
                let current = self.fetch(target).await?;
                let merged: Vec<&str> = current
                    .get("merged_ids")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if sources.iter().all(|s| merged.contains(&s.as_str())) {
                    person_from_wire(&current)
                } else {
                    Err(BackendError::Network(msg))
                }
            }
            Err(e @ (BackendError::Unauthorized(_) | BackendError::Conflict { .. })) => {
                Err(self.explain_refusal(target, e).await)
            }
            Err(e) => Err(e),
        }
    }

    /// One page of a search, as the server sent its contacts.
    async fn search_raw(&self, body: &Value, key: Option<&str>) -> Result<SearchReply> {
        let mut spec = RequestSpec::post(format!("{}/search", self.base()), body.clone())
            // A search changes nothing; repeating it is safe.
            .idempotent(true);
        if let Some(k) = key {
            spec = spec.query("exclusiveStartKey", k);
        }
        self.http.send(spec).await?.json()
    }

    async fn search_page(
        &self,
        body: &Value,
        key: Option<&str>,
    ) -> Result<(Vec<Person>, Option<String>)> {
        let reply = self.search_raw(body, key).await?;
        let next = reply.next_key();
        let people = reply
            .items
            .into_iter()
            .filter_map(|v| match person_from_wire(&v) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::warn!("rhythm: skipping a contact: {e}");
                    None
                }
            })
            .collect();
        Ok((people, next))
    }

    /// PATCH `ops` (from `base`); tell a change made elsewhere from a
    /// refusal, and on a lost reply, check whether the patch landed.
    async fn send_patch(&self, base: &Person, ops: Vec<Value>) -> Result<Person> {
        let id = base.id.as_str();
        let was = Value::Object(person_to_wire(base)?);
        // RFC 6902 cannot test that a field is still empty, so before an
        // `add` look: filling a field someone else just filled would
        // overwrite theirs.
        let adds: Vec<Value> = ops
            .iter()
            .filter(|op| op.get("op").and_then(Value::as_str) == Some("add"))
            .cloned()
            .collect();
        if !adds.is_empty() {
            let current = self.fetch(id).await?;
            if Contact::from_value(current.clone()).is_ok_and(|c| c.is_locked()) {
                return Err(locked());
            }
            let clash = changed_elsewhere(&current, &was, &adds);
            if !clash.is_empty() {
                return Err(conflict(id, &clash));
            }
        }
        let spec = RequestSpec::patch(self.contact_path(id), Value::Array(ops.clone()), JSON);
        match self.http.send(spec).await {
            Ok(reply) => self.written(&reply, id).await,
            // A failed `test`, a lock, a missing organisation: read the
            // record to tell which.
            Err(
                e @ (BackendError::Validation(_)
                | BackendError::Conflict { .. }
                | BackendError::Unauthorized(_)),
            ) => {
                let Ok(current) = self.fetch(id).await else {
                    return Err(refusal(e));
                };
                let contact = Contact::from_value(current.clone()).map_err(malformed)?;
                if contact.is_locked() {
                    return Err(locked());
                }
                let clash = changed_elsewhere(&current, &was, &ops);
                if !clash.is_empty() {
                    return Err(conflict(id, &clash));
                }
                if ops_applied(&current, &ops) {
                    // Someone wrote exactly this edit already.
                    return person_from_contact(contact);
                }
                Err(refusal(e))
            }
            Err(BackendError::Network(msg)) => {
                let current = self.fetch(id).await?;
                if ops_applied(&current, &ops) {
                    person_from_wire(&current)
                } else {
                    Err(BackendError::Network(msg))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Rewrite the contact's notes text with `change` (which gets the
    /// current text and returns the new one plus anything the caller wants
    /// back). The write tests the text it started from, so a note someone
    /// else added meanwhile is never lost: the change is made again on the
    /// newer text.
    async fn edit_notes<T>(
        &self,
        person_id: &str,
        change: impl Fn(&str) -> Result<(String, T)>,
    ) -> Result<(Person, String, T)> {
        let mut last = None;
        for _ in 0..NOTE_WRITE_ATTEMPTS {
            let contact = Contact::from_value(self.fetch(person_id).await?).map_err(malformed)?;
            if contact.is_locked() {
                return Err(locked());
            }
            let old_slot = contact.notes.clone();
            let old = text(&old_slot).to_string();
            let (new, extra) = change(&old)?;
            if new == old {
                return Ok((person_from_contact(contact)?, new, extra));
            }
            let mut ops = Vec::new();
            match (&old_slot, &contact.sys_version) {
                (Some(before), _) => {
                    ops.push(json!({"op": "test", "path": "/notes", "value": before}));
                }
                // RFC 6902 cannot test that `notes` is still absent, and an
                // `add` of it replaces one another writer just added: test
                // the record's version instead ("increments on every
                // write"), so the first note of two writers at once is
                // refused, re-read and added after the other. A `test`
                // reads `sys_version`, it never writes it.
                (None, Some(Some(version))) => {
                    ops.push(json!({"op": "test", "path": "/sys_version", "value": version}));
                }
                (None, _) => {}
            }
            ops.push(match (&old_slot, new.is_empty()) {
                (Some(_), true) => json!({"op": "remove", "path": "/notes"}),
                (Some(_), false) => json!({"op": "replace", "path": "/notes", "value": new}),
                (None, _) => json!({"op": "add", "path": "/notes", "value": new}),
            });
            let spec = RequestSpec::patch(
                self.contact_path(person_id),
                Value::Array(ops.clone()),
                JSON,
            );
            match self.http.send(spec).await {
                Ok(reply) => return Ok((self.written(&reply, person_id).await?, new, extra)),
                // The text changed since it was read: read it again.
                Err(e @ BackendError::Validation(_)) => last = Some(e),
                Err(BackendError::Network(msg)) => {
                    let current = self.fetch(person_id).await?;
                    if ops_applied(&current, &ops) {
                        return Ok((person_from_wire(&current)?, new, extra));
                    }
                    return Err(BackendError::Network(msg));
                }
                Err(e @ (BackendError::Unauthorized(_) | BackendError::Conflict { .. })) => {
                    return Err(self.explain_refusal(person_id, e).await);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| unsupported("refused the notes write")))
    }

    /// After a lost POST reply: the contact this create made, if the
    /// search returns it. A create rolo tagged (see [`tag_origin`]) is
    /// found by its tag alone, so a look-alike (someone's other John Smith,
    /// or one another rolo just made) is never taken for it; an untagged
    /// create falls back to the same email, or without one the same names.
    async fn find_created(&self, person: &Person) -> Result<Option<Person>> {
        let filter = match person.primary_email() {
            Some(e) => json!({"email_address": e}),
            None => json!({"first_name": person.given_name, "last_name": person.family_name}),
        };
        let mut key = None;
        loop {
            let reply = self.search_raw(&filter, key.as_deref()).await?;
            let next = reply.next_key();
            for item in &reply.items {
                let hit = match origin_record_id(person) {
                    Some(ours) => {
                        item.get("origin_service").and_then(Value::as_str) == Some(ORIGIN)
                            && item.get("origin_service_record_id").and_then(Value::as_str)
                                == Some(ours)
                    }
                    None => person_from_wire(item).is_ok_and(|p| {
                        p.given_name == person.given_name
                            && p.family_name == person.family_name
                            && p.primary_email() == person.primary_email()
                    }),
                };
                if hit {
                    return person_from_wire(item).map(Some);
                }
            }
            match next {
                Some(k) => key = Some(k),
                None => return Ok(None),
            }
        }
    }
}

/// The note with `id` in the notes text `text`.
fn note_in(person_id: &str, text: &str, id: &str, modified: Option<&str>) -> Result<Note> {
    notes::to_notes(person_id, text, modified)
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(|| BackendError::Malformed("the note was not saved".into()))
}

fn no_note(id: &str) -> BackendError {
    BackendError::NotFound(format!("note {id}"))
}

#[async_trait]
impl Backend for RhythmBackend {
    fn kind(&self) -> &'static str {
        "rhythm"
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn list_page(&self, query: &ListQuery, cursor: Option<Cursor>) -> Result<Page> {
        let bodies = search_bodies(query.search.as_deref());
        let pos = match &cursor {
            Some(c) => SearchCursor::decode(c)?,
            None => SearchCursor::start(),
        };
        let body = bodies
            .get(pos.phase)
            .ok_or_else(|| BackendError::Malformed("cursor past the last search phase".into()))?;
        let (mut people, key) = self.search_page(body, pos.key.as_deref()).await?;
        if !query.include_archived {
            people.retain(|p| !p.archived);
        }
        let next = match key {
            Some(k) => Some(SearchCursor {
                phase: pos.phase,
                key: Some(k),
            }),
            None if pos.phase + 1 < bodies.len() => Some(SearchCursor {
                phase: pos.phase + 1,
                key: None,
            }),
            None => None,
        };
        Ok(Page {
            people,
            next: next.map(|c| c.encode()),
            total: None,
        })
    }

    /// Every page of every search phase, each contact once.
    async fn list_all(
        &self,
        query: &ListQuery,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<Vec<Person>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut cursor = None;
        loop {
            let page = self.list_page(query, cursor).await?;
            out.extend(
                page.people
                    .into_iter()
                    .filter(|p| seen.insert(p.id.clone())),
            );
            progress(out.len(), None);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }

    async fn get_person(&self, id: &str) -> Result<Person> {
        person_from_wire(&self.fetch(id).await?)
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        let mut body = create_body(person)?;
        tag_origin(&mut body, person);
        let spec = RequestSpec::post(self.base(), body);
        match self.http.send(spec.clone()).await {
            Ok(reply) => person_from_wire(&reply.json()?),
            // The reply was lost; the contact may exist. Look before resending.
            Err(BackendError::Network(msg)) => match self.find_created(person).await {
                Ok(Some(found)) => Ok(found),
                Ok(None) => person_from_wire(&self.http.send(spec).await.map_err(refusal)?.json()?),
                Err(_) => Err(BackendError::Network(msg)),
            },
            Err(e) => Err(refusal(e)),
        }
    }

    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        if base.read_only.is_some() || edited.read_only.is_some() {
            return Err(locked());
        }
        let ops = patch_ops(base, edited)?;
        if ops.is_empty() {
            return Ok(base.clone());
        }
        self.send_patch(base, ops).await
    }

    async fn set_archived(&self, id: &str, archived: bool) -> Result<Person> {
        let current = self.get_person(id).await?;
        if current.read_only.is_some() {
            return Err(locked());
        }
        if current.archived == archived {
            return Ok(current);
        }
        let mut edited = current.clone();
        edited.archived = archived;
        self.update_person(&current, &edited).await
    }

    /// Looks first: a locked contact is refused without a DELETE.
    async fn delete_person(&self, id: &str) -> Result<()> {
        if Contact::from_value(self.fetch(id).await?).is_ok_and(|c| c.is_locked()) {
            return Err(locked());
        }
        match self
            .http
            .send(RequestSpec::delete(self.contact_path(id)))
            .await
        {
            Ok(_) => Ok(()),
            Err(e @ (BackendError::Unauthorized(_) | BackendError::Conflict { .. })) => {
                Err(self.explain_refusal(id, e).await)
            }
            Err(e) => Err(e),
        }
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        let contact = Contact::from_value(self.fetch(person_id).await?).map_err(malformed)?;
        Ok(notes::to_notes(
            person_id,
            text(&contact.notes),
            Some(text(&contact.sys_last_modified_at)).filter(|s| !s.is_empty()),
        ))
    }

    /// A new dated paragraph after the notes already there.
    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let body = note_text(note)?;
        let at = note
            .created_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .unwrap_or_else(jiff::Timestamp::now);
        let (person, text, id) = self
            .edit_notes(person_id, |old| Ok(notes::append(old, &body, at)))
            .await?;
        note_in(person_id, &text, &id, person.updated_at.as_deref())
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let body = note_text(note)?;
        let (person, text, ()) = self
            .edit_notes(person_id, |old| {
                notes::replace(old, &note.id, &body)
                    .map(|t| (t, ()))
                    .ok_or_else(|| no_note(&note.id))
            })
            .await?;
        note_in(person_id, &text, &note.id, person.updated_at.as_deref())
    }

    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()> {
        self.edit_notes(person_id, |old| {
            notes::remove(old, note_id)
                .map(|t| (t, ()))
                .ok_or_else(|| no_note(note_id))
        })
        .await?;
        Ok(())
    }

    async fn set_note_flag(
        &self,
        _person_id: &str,
        _note_id: &NoteId,
        _flagged: bool,
    ) -> Result<Note> {
        Err(unsupported("notes cannot be flagged"))
    }

    async fn merge_records(&self, survivor: &str, others: &[String]) -> Result<Person> {
        RhythmBackend::merge_people(self, survivor, others).await
    }

    /// Social-profile lookup by the primary email; proposals only.
    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome> {
        if person.read_only.is_some() {
            return Err(locked());
        }
        let Some(email) = person.primary_email() else {
            return Err(BackendError::Validation(vec![Violation::new(
                "emails",
                "a social profile lookup needs an email address",
            )]));
        };
        let path = format!("{}/socialProfile/{}", self.base(), encode_segment(email));
        match self.http.send(RequestSpec::get(path)).await {
            Ok(reply) => {
                let profile: SocialProfile = reply.json()?;
                Ok(EnrichOutcome::Proposals(social_proposals(person, &profile)))
            }
            // "No profile" is an answer, not a failure.
            Err(BackendError::NotFound(_)) => Ok(EnrichOutcome::Proposals(Vec::new())),
            Err(e) => Err(e),
        }
    }
}

/// Proposals from a social profile; a proposal is made only where the
/// profile differs from the contact, and nothing is applied here. Links
/// the model does not hold are proposed for the contact's own fields
/// (`extra.twitter`), which [`mapping`] writes when accepted.
pub fn social_proposals(person: &Person, profile: &SocialProfile) -> Vec<FieldProposal> {
    let mut out = Vec::new();
    let mut propose = |field: &str, current: &str, proposed: Option<&str>| {
        let proposed = proposed.unwrap_or_default().trim();
        if !proposed.is_empty() && proposed != current {
            out.push(FieldProposal {
                field: field.to_string(),
                current: current.to_string(),
                proposed: proposed.to_string(),
            });
        }
    };
    let full = profile.full_name.as_deref().unwrap_or_default().trim();
    if let Some((first, last)) = full.split_once(' ') {
        propose("givenName", &person.given_name, Some(first));
        propose("familyName", &person.family_name, Some(last));
    }
    propose("company", &person.company, profile.organization.as_deref());
    propose("jobTitle", &person.job_title, profile.title.as_deref());
    propose("linkedin", &person.linkedin, profile.linkedin.as_deref());
    for (wire, from) in [
        ("twitter", &profile.twitter),
        ("facebook", &profile.facebook),
        ("image_url", &profile.avatar),
    ] {
        let current = person
            .extra
            .get(wire)
            .and_then(Value::as_str)
            .unwrap_or_default();
        propose(&format!("extra.{wire}"), current, from.as_deref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn social_profile_proposes_only_differences() {
        let p = person_from_wire(&json!({
            "id": "c-1", "first_name": "Ada", "last_name": "Lovelace",
            "organization_name": "Analytical Engines", "twitter": "https://twitter.com/ada"
        }))
        .unwrap();
        let profile: SocialProfile = serde_json::from_value(json!({
            "fullName": "Ada Lovelace", "organization": "Analytical Engines",
            "title": "Countess", "twitter": "https://twitter.com/ada",
            "facebook": "https://facebook.com/ada", "gender": "female", "details": {}
        }))
        .unwrap();
        let props = social_proposals(&p, &profile);
        let fields: Vec<_> = props.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["jobTitle", "extra.facebook"]);
    }

    #[test]
    fn a_409_is_a_refusal_not_a_conflict() {
        let e = refusal(BackendError::Conflict {
            message: "The contact could not be saved because it refers to/depends on a non-existent object.".into(),
            existing: None,
        });
        assert!(matches!(e, BackendError::Validation(v) if v[0].message.contains("non-existent")));
    }
}
