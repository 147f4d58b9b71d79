//! Introzy People API adapter (`/api/people`, see ../shared/api/introzy-people.txt).
//!
//! Wire facts this adapter relies on ([`wire`] has the shapes):
//! - every reply is an envelope `{success, data}`; failures are
//!   `{success:false, error}` (mapped to [`BackendError`] by `http.rs`);
//! - lists page with `limit` (1-100) / `offset` until `hasMore` is false;
//!   `search` matches name or email;
//! - a person has one `email`, one `phoneNumber`, one free-text `address`
//!   (rolo edits that line as it is and never rebuilds it from parts), a
//!   read-only `company{id,name,...}` (written as `companyName`) and
//!   `customFields` that PATCH merges key by key;
//! - create answers 201, a duplicate email 409 `{success:false, error}`:
//!   the adapter names the existing person, found by the documented search;
//! - the PATCH reply is partial (no `updatedAt`), so a write re-reads;
//! - enrichment is an async job (POST answers 200), after which the person
//!   changes on the server; the adapter polls until it does;
//! - there is no delete or archive endpoint.
//!
//! Notes (decided from the document, not ../shared/DESIGN.md §4's "CRUD"): the
//! document names only `GET/POST /api/people/{personId}/notes`, and a PATCH
//! of one note answers 404 in the field. So notes are listed and added;
//! editing or deleting one is refused here, without a request
//! ([`capabilities`] says `note_edit: false`, `note_delete: false`). A
//! note's `content` may hold mentions `[@John Doe](person:<uuid>)`; rolo
//! shows them as `@John Doe` ([`mentions`]).
//!
//! Refusals rolo makes itself (a field Introzy has no place for, a note
//! edit) are [`BackendError::Unsupported`]; only the server's own answers
//! become `Validation`, `Conflict` and friends.

pub mod mentions;
pub mod wire;

use super::http::{Auth, HttpClient, HttpConfig, JSON, RequestSpec};
use super::{Backend, BackendError, Cursor, EnrichOutcome, ListQuery, Page, Result};
use crate::model::{
    Capabilities, CustomFieldDef, EnrichKind, Note, NoteId, Person, PersonField, Violation,
    email_looks_valid, phone_looks_valid, validate_person,
};
use async_trait::async_trait;
pub use mentions::{Mention, mentions, render_mentions};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
pub use wire::custom_fields_from_wire;
use wire::{
    CreateBody, EnrichJob, Envelope, NotesPage, PatchBody, PeoplePage, WireNote, WirePerson,
};

/// Largest page the API serves.
pub const PAGE_LIMIT: usize = 100;

/// Stop paging a search after this many pages (a server that never says
/// `hasMore: false` must not hang a lookup).
const MAX_LOOKUP_PAGES: usize = 50;

/// What an Introzy person holds: one email, one phone, one address line, a
/// company and custom fields; first name and email are required. Notes can
/// be listed and added, not edited or deleted.
pub fn capabilities() -> Capabilities {
    use crate::model::PersonField as F;
    Capabilities {
        notes: true,
        multiple_notes: true,
        flag_notes: false,
        note_titles: false,
        note_categories: false,
        enrich: Some(EnrichKind::AsyncJob),
        server_search: true,
        delete: false,
        archive: false,
        merge: false,
        custom_fields: true,
        note_edit: false,
        note_delete: false,
        fields: &[
            F::GivenName,
            F::FamilyName,
            F::Emails,
            F::Phones,
            F::Company,
            F::AddressLine,
            F::CustomFields,
        ],
        required: &[F::GivenName, F::Emails],
    }
}

/// Wire person -> [`Person`].
pub fn person_from_wire(v: &Value) -> Result<Person> {
    Ok(WirePerson::from_value(v.clone())?.into_person())
}

/// "prefix", "middle name", "LinkedIn": a label as it reads mid-sentence.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        // A name with capitals inside ("LinkedIn") keeps them.
        Some(first) if !chars.clone().any(char::is_uppercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => label.to_string(),
    }
}

fn one_of(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Refuse, without a request, what Introzy has no place for. With a `base`
/// only fields the edit changed count (an unchanged value is not an edit).
pub fn refuse_unstored(base: Option<&Person>, p: &Person) -> Result<()> {
    let caps = capabilities();
    let changed = |f: PersonField| match base {
        Some(b) => f.get(b) != f.get(p),
        None => f.is_set(p),
    };
    // `street` holds the one address line; its siblings have no column.
    let parts = [
        PersonField::PostalCode,
        PersonField::City,
        PersonField::Region,
        PersonField::Country,
    ];
    let mut lacking = Vec::new();
    let mut address_parts = Vec::new();
    for f in PersonField::all() {
        if caps.stores(f) || f == PersonField::Street || !changed(f) {
            continue;
        }
        if parts.contains(&f) {
            address_parts.push(in_sentence(f.label()));
        } else {
            lacking.push(in_sentence(f.label()));
        }
    }
    let mut reasons = Vec::new();
    if !lacking.is_empty() {
        reasons.push(format!("Introzy has no {} field", one_of(&lacking)));
    }
    if !address_parts.is_empty() {
        reasons.push(format!(
            "Introzy keeps the address as one line (edit the address); it has no separate {} field",
            one_of(&address_parts)
        ));
    }
    let grew = |n: usize, was: Option<usize>| n > 1 && was.is_none_or(|w| n > w.max(1));
    if grew(p.emails.len(), base.map(|b| b.emails.len())) {
        reasons.push("Introzy keeps one email address per person".into());
    }
    if grew(p.phones.len(), base.map(|b| b.phones.len())) {
        reasons.push("Introzy keeps one phone number per person".into());
    }
    if p.archived && base.is_none_or(|b| !b.archived) {
        reasons.push("Introzy cannot archive people".into());
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(BackendError::Unsupported(reasons.join("; ")))
    }
}

/// Introzy's own limits (the create parameters table) and shapes.
fn shape_rules(p: &Person) -> Vec<Violation> {
    let mut out = Vec::new();
    let too_long = |s: &str, max: usize| s.chars().count() > max;
    if too_long(&p.given_name, 100) {
        out.push(Violation::new("givenName", "at most 100 characters"));
    }
    if too_long(&p.family_name, 100) {
        out.push(Violation::new("familyName", "at most 100 characters"));
    }
    if let Some(e) = p.primary_email()
        && !email_looks_valid(e)
    {
        out.push(Violation::new(
            "emails[0]",
            format!("'{e}' is not an email address"),
        ));
    }
    if let Some(phone) = p.primary_phone() {
        if too_long(phone, 50) {
            out.push(Violation::new("phones[0]", "at most 50 characters"));
        } else if !phone_looks_valid(phone) {
            out.push(Violation::new(
                "phones[0]",
                format!("'{phone}' is not a phone number"),
            ));
        }
    }
    if too_long(&p.address.street, 500) {
        out.push(Violation::new("address", "at most 500 characters"));
    }
    out
}

/// What a create needs: Introzy's required `email` and `firstName`, in its
/// own words, plus its limits. (Unstorable fields: [`refuse_unstored`].)
pub fn validate_for_create(p: &Person) -> Vec<Violation> {
    // Required fields are checked below, in Introzy's words; shapes by
    // `shape_rules`.
    let shapes_only = Capabilities {
        required: &[],
        ..capabilities()
    };
    let mut out: Vec<Violation> = validate_person(p, &shapes_only)
        .into_iter()
        .filter(|v| !v.field.starts_with("emails") && !v.field.starts_with("phones"))
        .collect();
    if p.primary_email().is_none() {
        out.push(Violation::new(
            "emails",
            "Introzy requires an email address to create a person",
        ));
    }
    if p.given_name.trim().is_empty() {
        out.push(Violation::new(
            "givenName",
            "Introzy requires a first name to create a person",
        ));
    }
    out.extend(shape_rules(p));
    out
}

fn custom_map(fields: &BTreeMap<String, Value>) -> Map<String, Value> {
    fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The POST body for a new person.
pub fn create_body(p: &Person) -> CreateBody {
    CreateBody {
        email: p.primary_email().unwrap_or_default().to_string(),
        first_name: p.given_name.clone(),
        last_name: p.family_name.clone(),
        phone_number: p.primary_phone().unwrap_or_default().to_string(),
        address: p.address.street.clone(),
        company_name: p.company.clone(),
        custom_fields: custom_map(&p.custom_fields),
    }
}

/// The PATCH body: only fields that differ between `base` and `edited`;
/// `customFields` only with changed keys (the server merges; a removed key
/// is sent as `null`). Fields rolo keeps verbatim (`extra`) are never sent:
/// none of them is writable.
pub fn patch_body(base: &Person, edited: &Person) -> PatchBody {
    let changed = |old: &str, new: &str| (old != new).then(|| new.to_string());
    PatchBody {
        email: changed(
            base.primary_email().unwrap_or_default(),
            edited.primary_email().unwrap_or_default(),
        ),
        first_name: changed(&base.given_name, &edited.given_name),
        last_name: changed(&base.family_name, &edited.family_name),
        phone_number: changed(
            base.primary_phone().unwrap_or_default(),
            edited.primary_phone().unwrap_or_default(),
        ),
        address: changed(&base.address.street, &edited.address.street),
        company_name: changed(&base.company, &edited.company),
        custom_fields: changed_custom_fields(&base.custom_fields, &edited.custom_fields),
    }
}

fn changed_custom_fields(
    base: &BTreeMap<String, Value>,
    edited: &BTreeMap<String, Value>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in edited {
        if base.get(k) != Some(v) {
            out.insert(k.clone(), v.clone());
        }
    }
    for k in base.keys().filter(|k| !edited.contains_key(*k)) {
        out.insert(k.clone(), Value::Null);
    }
    out
}

/// Names of the fields that differ, in the normalised JSON's terms
/// (`familyName`, `customFields.cf_x`, `extra.latitude`); bookkeeping
/// (`updatedAt`, `version`, `displayName`) is left out.
pub fn changed_fields(before: &Person, after: &Person) -> Vec<String> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let skip = [
        "updatedAt",
        "version",
        "displayName",
        "readOnly",
        "extra",
        "customFields",
    ];
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out: Vec<String> = keys
        .into_iter()
        .filter(|k| !skip.contains(&k.as_str()) && a.get(*k) != b.get(*k))
        .cloned()
        .collect();
    let nested =
        |name: &str, x: &Map<String, Value>, y: &Map<String, Value>, out: &mut Vec<String>| {
            let mut ks: Vec<&String> = x.keys().chain(y.keys()).collect();
            ks.sort();
            ks.dedup();
            out.extend(
                ks.into_iter()
                    .filter(|k| x.get(*k) != y.get(*k))
                    .map(|k| format!("{name}.{k}")),
            );
        };
    nested(
        "customFields",
        &custom_map(&before.custom_fields),
        &custom_map(&after.custom_fields),
        &mut out,
    );
    nested("extra", &before.extra, &after.extra, &mut out);
    out
}

/// Wire note -> [`Note`] with mentions rendered.
pub fn note_from_wire(v: &Value, person_id: &str) -> Result<Note> {
    let n: WireNote = serde_json::from_value(v.clone())
        .map_err(|e| BackendError::Malformed(format!("an Introzy note: {e}")))?;
    Ok(Note {
        id: n.id,
        person_id: person_id.to_string(),
        text: render_mentions(n.content.as_deref().unwrap_or_default()),
        author: n.created_by_user_id.unwrap_or_default(),
        created_at: n.created_at,
        updated_at: n.updated_at,
        ..Default::default()
    })
}

// ------------------------------------------------------------------ adapter

/// How long [`IntrozyBackend::enrich`] waits for the job to change the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrichPolling {
    pub interval: Duration,
    pub max_wait: Duration,
}

impl Default for EnrichPolling {
    fn default() -> Self {
        EnrichPolling {
            interval: Duration::from_secs(2),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The Introzy adapter. Cheap to clone.
#[derive(Debug, Clone)]
pub struct IntrozyBackend {
    http: HttpClient,
    polling: EnrichPolling,
    page_limit: usize,
}

impl IntrozyBackend {
    /// `config.base_url` is the API origin, e.g. `https://beta-api.introzy.com`.
    pub fn new(config: HttpConfig, api_key: &SecretString) -> Result<Self> {
        Ok(IntrozyBackend {
            http: HttpClient::new(config, Auth::bearer(api_key))?,
            polling: EnrichPolling::default(),
            page_limit: PAGE_LIMIT,
        })
    }

    pub fn with_enrich_polling(mut self, polling: EnrichPolling) -> Self {
        self.polling = polling;
        self
    }

    /// Page size for listings, clamped to the documented 1-100.
    pub fn with_page_limit(mut self, limit: usize) -> Self {
        self.page_limit = limit.clamp(1, PAGE_LIMIT);
        self
    }

    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Custom-field definitions (labels, types, select options), sorted by
    /// `displayOrder`, for the detail pane, the form and validation.
    pub async fn custom_field_definitions(&self) -> Result<Vec<CustomFieldDef>> {
        let data = self
            .call(RequestSpec::get("/api/people/custom-fields"))
            .await?;
        Ok(custom_fields_from_wire(&data))
    }

    /// Send and unwrap the `{success, data}` envelope.
    async fn call(&self, spec: RequestSpec) -> Result<Value> {
        let reply = self.http.send(spec).await?;
        let envelope: Envelope = reply.json()?;
        envelope.into_data()
    }

    async fn fetch_person(&self, id: &str) -> Result<WirePerson> {
        WirePerson::from_value(self.call(RequestSpec::get(person_path(id))).await?)
    }

    async fn people_page(&self, spec: RequestSpec) -> Result<PeoplePage> {
        let data = self.call(spec).await?;
        serde_json::from_value(data)
            .map_err(|e| BackendError::Malformed(format!("the people list: {e}")))
    }

    /// People whose email is exactly `email`, case-insensitively, through
    /// every page of the documented search (which also matches names).
    async fn find_by_email(&self, email: &str) -> Result<Vec<WirePerson>> {
        let mut found = Vec::new();
        let mut offset = 0usize;
        for _ in 0..MAX_LOOKUP_PAGES {
            let page = self
                .people_page(
                    RequestSpec::get("/api/people")
                        .query("search", email)
                        .query("limit", PAGE_LIMIT.to_string())
                        .query("offset", offset.to_string()),
                )
                .await?;
            let served = page.people.len();
            found.extend(parse_rows(page.people).into_iter().filter(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            }));
            if !found.is_empty() || !page.has_more.unwrap_or(false) || served == 0 {
                break;
            }
            offset += served;
        }
        Ok(found)
    }

    /// After a 409 on create: the person who holds the email, so the UI can
    /// offer to open them (`None` only when the lookup itself fails).
    async fn duplicate(&self, email: &str, message: String) -> BackendError {
        let existing = match self.find_by_email(email).await {
            Ok(found) => found.into_iter().next().map(|p| p.id),
            Err(e) => {
                tracing::warn!("introzy: could not look up the duplicate's owner: {e}");
                None
            }
        };
        BackendError::Conflict { message, existing }
    }

    /// The POST's reply was lost: did it land? A record with our email and
    /// our names is ours; one with other names existed before (a 409 we
    /// never saw).
    async fn recover_lost_create(&self, person: &Person) -> Result<Option<Person>> {
        let Some(email) = person.primary_email() else {
            return Ok(None);
        };
        let Some(rec) = self.find_by_email(email).await?.into_iter().next() else {
            return Ok(None);
        };
        let ours = rec.first_name.as_deref().unwrap_or_default() == person.given_name
            && rec.last_name.as_deref().unwrap_or_default() == person.family_name;
        if ours {
            return Ok(Some(rec.into_person()));
        }
        Err(BackendError::Conflict {
            message: "A person with this email already exists in your organization".into(),
            existing: Some(rec.id),
        })
    }

    async fn post_person(&self, body: &CreateBody) -> Result<Value> {
        let body = serde_json::to_value(body)
            .map_err(|e| BackendError::Malformed(format!("could not encode the person: {e}")))?;
        self.call(RequestSpec::post("/api/people", body)).await
    }

    /// Poll until `updatedAt` moves past `before`'s, or the wait runs out.
    async fn wait_for_change(&self, id: &str, before: &WirePerson) -> Result<WirePerson> {
        let deadline = tokio::time::Instant::now() + self.polling.max_wait;
        let mut latest = before.clone();
        loop {
            if tokio::time::Instant::now() >= deadline {
                return Ok(latest);
            }
            tokio::time::sleep(self.polling.interval).await;
            match self.fetch_person(id).await {
                Ok(now) => {
                    if now.updated_at != before.updated_at {
                        return Ok(now);
                    }
                    latest = now;
                }
                // A blip while polling is not the job failing.
                Err(e) if e.is_transient() || matches!(e, BackendError::Malformed(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Parse a list, skipping (and logging) rows that are not a person rather
/// than failing the whole listing over one bad row.
fn parse_rows(rows: Vec<Value>) -> Vec<WirePerson> {
    rows.into_iter()
        .filter_map(|v| match WirePerson::from_value(v) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!("introzy: skipping a person: {e}");
                None
            }
        })
        .collect()
}

fn person_path(id: &str) -> String {
    format!("/api/people/{}", encode_segment(id))
}

fn notes_path(person_id: &str) -> String {
    format!("/api/people/{}/notes", encode_segment(person_id))
}

/// A note's title and text as Introzy's single `content` (nothing is lost
/// when a form sends a title Introzy has no field for).
fn note_content(note: &Note) -> String {
    [note.title.trim(), note.text.as_str()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn empty_note() -> BackendError {
    BackendError::Validation(vec![Violation::new("text", "a note needs some text")])
}

fn unsupported(what: &str) -> BackendError {
    BackendError::Unsupported(format!("Introzy {what}"))
}

#[async_trait]
impl Backend for IntrozyBackend {
    async fn custom_field_defs(&self) -> Result<Vec<CustomFieldDef>> {
        self.custom_field_definitions().await
    }

    fn kind(&self) -> &'static str {
        "introzy"
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn list_page(&self, query: &ListQuery, cursor: Option<Cursor>) -> Result<Page> {
        let offset: usize = match &cursor {
            Some(Cursor(c)) => c
                .parse()
                .map_err(|_| BackendError::Malformed(format!("bad cursor {c}")))?,
            None => 0,
        };
        let mut spec = RequestSpec::get("/api/people")
            .query("limit", self.page_limit.to_string())
            .query("offset", offset.to_string());
        if let Some(q) = query.search.as_deref().filter(|q| !q.trim().is_empty()) {
            spec = spec.query("search", q.trim());
        }
        let page = self.people_page(spec).await?;
        let served = page.people.len();
        // Advance by what was served (a server may cap `limit` lower); an
        // empty page that claims more would otherwise loop forever.
        let next = (page.has_more.unwrap_or(false) && served > 0)
            .then(|| Cursor((offset + served).to_string()));
        Ok(Page {
            people: parse_rows(page.people)
                .into_iter()
                .map(WirePerson::into_person)
                .collect(),
            next,
            total: page.total,
        })
    }

    async fn get_person(&self, id: &str) -> Result<Person> {
        Ok(self.fetch_person(id).await?.into_person())
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        refuse_unstored(None, person)?;
        let violations = validate_for_create(person);
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let body = create_body(person);
        let email = body.email.clone();
        let result = match self.post_person(&body).await {
            // The request may have been applied: look before sending again.
            Err(BackendError::Network(msg)) => match self.recover_lost_create(person).await {
                Ok(Some(created)) => return Ok(created),
                Ok(None) => self.post_person(&body).await,
                Err(BackendError::Network(_)) => Err(BackendError::Network(msg)),
                Err(e) => Err(e),
            },
            other => other,
        };
        match result {
            Ok(data) => person_from_wire(&data),
            Err(BackendError::Conflict { message, .. }) => {
                Err(self.duplicate(&email, message).await)
            }
            Err(e) => Err(e),
        }
    }

    /// PATCH with only the changed fields. Concurrent edits to other fields
    /// survive because they are not sent.
    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        refuse_unstored(Some(base), edited)?;
        let violations = shape_rules(edited);
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let body = patch_body(base, edited);
        if body.is_empty() {
            return Ok(base.clone());
        }
        // Introzy has no conditional PATCH: compare `updatedAt` first so an
        // edit made elsewhere since loading is reported, not overwritten.
        let current = self.fetch_person(&base.id).await?;
        if base.version.is_some() && current.updated_at != base.version {
            return Err(BackendError::Conflict {
                message:
                    "the person changed on the server since it was loaded; reload and edit again"
                        .into(),
                existing: Some(base.id.clone()),
            });
        }
        let body = serde_json::to_value(&body)
            .map_err(|e| BackendError::Malformed(format!("could not encode the edit: {e}")))?;
        // Setting fields to absolute values is safe to repeat.
        let spec = RequestSpec::patch(person_path(&base.id), body, JSON).idempotent(true);
        match self.call(spec).await {
            Ok(_) => {}
            // On an update, 409 means the new email belongs to someone else:
            // a refusal of this edit, not a change made elsewhere.
            Err(BackendError::Conflict { message, .. }) => {
                return Err(BackendError::Validation(vec![Violation::new(
                    "emails", message,
                )]));
            }
            Err(e) => return Err(e),
        }
        // The documented reply is partial (no `updatedAt`): read it back.
        self.get_person(&base.id).await
    }

    async fn set_archived(&self, _id: &str, _archived: bool) -> Result<Person> {
        Err(unsupported(
            "cannot archive people (its API has no archive)",
        ))
    }

    async fn delete_person(&self, _id: &str) -> Result<()> {
        Err(unsupported("cannot delete people (its API has no delete)"))
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let data = self
                .call(
                    RequestSpec::get(notes_path(person_id))
                        .query("limit", PAGE_LIMIT.to_string())
                        .query("offset", offset.to_string()),
                )
                .await?;
            let page: NotesPage = serde_json::from_value(data)
                .map_err(|e| BackendError::Malformed(format!("the notes list: {e}")))?;
            let served = page.notes.len();
            for v in &page.notes {
                match note_from_wire(v, person_id) {
                    Ok(n) => out.push(n),
                    Err(e) => tracing::warn!("introzy: skipping a note: {e}"),
                }
            }
            if !page.has_more.unwrap_or(false) || served == 0 {
                return Ok(out);
            }
            offset += served;
        }
    }

    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let content = note_content(note);
        if content.trim().is_empty() {
            return Err(empty_note());
        }
        let data = self
            .call(RequestSpec::post(
                notes_path(person_id),
                json!({"content": content}),
            ))
            .await?;
        note_from_wire(&data, person_id)
    }

    async fn update_note(&self, _person_id: &str, _note: &Note) -> Result<Note> {
        Err(unsupported(
            "notes cannot be edited once saved (its API only lists and adds notes)",
        ))
    }

    async fn delete_note(&self, _person_id: &str, _note_id: &NoteId) -> Result<()> {
        Err(unsupported(
            "notes cannot be deleted (its API only lists and adds notes)",
        ))
    }

    async fn set_note_flag(
        &self,
        _person_id: &str,
        _note_id: &NoteId,
        _flagged: bool,
    ) -> Result<Note> {
        Err(unsupported("notes cannot be flagged"))
    }

    /// Start the server's job, then poll the person until `updatedAt` moves
    /// (bounded by [`EnrichPolling`]). If the job has not finished in time the
    /// outcome lists no changes; the next refresh picks the result up.
    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome> {
        let before = self.fetch_person(&person.id).await?;
        let path = format!("{}/enrich", person_path(&person.id));
        match self.call(RequestSpec::post(path, json!({}))).await {
            Ok(data) => {
                let job: Option<EnrichJob> = serde_json::from_value(data).ok();
                tracing::debug!(
                    "introzy: enrichment job {:?} started",
                    job.and_then(|j| j.job_id)
                );
            }
            Err(BackendError::Validation(v)) => {
                return Err(BackendError::Validation(
                    v.into_iter()
                        .map(|v| {
                            let field = if v.message.to_lowercase().contains("email") {
                                "emails".to_string()
                            } else {
                                v.field
                            };
                            Violation::new(field, v.message)
                        })
                        .collect(),
                ));
            }
            Err(e) => return Err(e),
        }
        let after = self.wait_for_change(&person.id, &before).await?;
        let (old, new) = (before.into_person(), after.into_person());
        Ok(EnrichOutcome::Changed {
            changed: changed_fields(&old, &new),
            person: new,
        })
    }
}

/// Percent-encode one path segment (ids come from servers and users).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({
            "id": "550e8400-e29b-41d4-a716-446655440000",
            "email": "john@acme.com",
            "firstName": "John",
            "lastName": "Doe",
            "phoneNumber": "+1 555-123-4567",
            "address": "123 Main St, San Francisco, CA 94102",
            "latitude": 37.7749,
            "isFullUser": false,
            "customFields": {"cf_department": "Engineering"},
            "company": {"id": "company-uuid", "name": "Acme Inc", "industry": "Technology"},
            "createdAt": "2024-01-15T10:00:00.000Z",
            "updatedAt": "2024-01-15T10:30:00.000Z"
        })
    }

    #[test]
    fn maps_documented_fields_and_keeps_unknown_ones() {
        let p = person_from_wire(&sample()).unwrap();
        assert_eq!(p.given_name, "John");
        assert_eq!(p.family_name, "Doe");
        assert_eq!(p.emails, ["john@acme.com"]);
        assert_eq!(p.phones[0].number, "+1 555-123-4567");
        assert_eq!(p.address.street, "123 Main St, San Francisco, CA 94102");
        assert_eq!(p.address.city, "");
        assert_eq!(p.company, "Acme Inc");
        assert_eq!(p.custom_fields["cf_department"], "Engineering");
        assert_eq!(p.version.as_deref(), Some("2024-01-15T10:30:00.000Z"));
        assert_eq!(p.extra["latitude"], 37.7749);
        assert_eq!(p.extra["company"]["industry"], "Technology");
        assert!(!p.extra.contains_key("firstName"));
        assert_eq!(p.display_name, "John Doe");
    }

    #[test]
    fn patch_sends_only_changed_fields_and_custom_keys() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.given_name = "Jane".into();
        edited
            .custom_fields
            .insert("cf_lead_source".into(), json!("web"));
        edited.custom_fields.remove("cf_department");
        // A changed server field is never written back.
        edited.extra.insert("latitude".into(), json!(0));
        assert_eq!(
            serde_json::to_value(patch_body(&base, &edited)).unwrap(),
            json!({"firstName": "Jane",
                   "customFields": {"cf_lead_source": "web", "cf_department": null}})
        );
    }

    #[test]
    fn the_address_line_is_sent_as_it_is_and_parts_are_refused() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        PersonField::AddressLine.set(&mut edited, "Calle de Alcalá 269, 08006 Barcelona, ES");
        assert_eq!(
            serde_json::to_value(patch_body(&base, &edited)).unwrap(),
            json!({"address": "Calle de Alcalá 269, 08006 Barcelona, ES"})
        );
        let mut parts = edited.clone();
        PersonField::City.set(&mut parts, "Utrecht");
        let err = refuse_unstored(Some(&edited), &parts).unwrap_err();
        assert_eq!(
            err,
            BackendError::Unsupported(
                "Introzy keeps the address as one line (edit the address); it has no separate city field"
                    .into()
            )
        );
    }

    #[test]
    fn unstorable_fields_are_refused_as_unsupported_in_words() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.honorific_prefix = "Dr.".into();
        edited.job_title = "CTO".into();
        edited.linkedin = "https://www.linkedin.com/in/j".into();
        let Err(BackendError::Unsupported(msg)) = refuse_unstored(Some(&base), &edited) else {
            panic!("not refused")
        };
        assert_eq!(msg, "Introzy has no prefix, job title or LinkedIn field");
        let mut two = base.clone();
        two.emails.push("j@d.co".into());
        assert!(matches!(
            refuse_unstored(Some(&base), &two),
            Err(BackendError::Unsupported(m)) if m.contains("one email")
        ));
        // Unchanged values are no edit.
        assert!(refuse_unstored(Some(&base), &base).is_ok());
    }

    #[test]
    fn create_requires_email_and_first_name() {
        let v = validate_for_create(&Person {
            family_name: "Doe".into(),
            ..Default::default()
        });
        let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["emails", "givenName"]);
        assert!(v[0].message.contains("requires an email"));
    }

    #[test]
    fn changed_fields_names_model_custom_and_extra_keys() {
        let before = person_from_wire(&sample()).unwrap();
        let mut after = before.clone();
        after.version = Some("later".into());
        after
            .custom_fields
            .insert("cf_job_title".into(), json!("CTO"));
        after.extra.insert("latitude".into(), json!(1.5));
        assert_eq!(
            changed_fields(&before, &after),
            ["customFields.cf_job_title", "extra.latitude"]
        );
    }

    #[test]
    fn notes_render_mentions() {
        let n = note_from_wire(
            &json!({"id": "n1", "content": "Ask [@Ann](person:u-2)", "createdByUserId": "user-1",
                    "notePeople": [{"personId": "u-2"}], "noteCompanies": [],
                    "createdAt": "2024-01-15T10:00:00.000Z", "updatedAt": "2024-01-15T10:00:00.000Z"}),
            "p",
        )
        .unwrap();
        assert_eq!(n.text, "Ask @Ann");
        assert_eq!(n.author, "user-1");
    }
}
