//! Introzy People API adapter (`/api/people`, see shared/api/introzy-people.txt).
//!
//! Wire facts this file relies on:
//! - every reply is an envelope `{success, data}`; failures are
//!   `{success:false, error}` (mapped to [`BackendError`] by `http.rs`);
//! - lists page with `limit` (1-100) / `offset` until `hasMore` is false;
//! - a person has one `email`, one `phoneNumber`, one free-text `address`,
//!   a read-only `company{id,name,...}` (written as `companyName`) and
//!   `customFields` that PATCH merges key by key;
//! - enrichment is an async job: POST, then the person changes later;
//! - there is no delete or archive endpoint.
//!
//! Notes: a note's `content` may hold mentions `[@John Doe](person:<uuid>)`.
//! [`Note::text`] carries the *rendered* form (`@John Doe`) because that is
//! what users read and edit; the raw content is remembered per note id, and a
//! write re-links every `@Name` that was a mention in the stored content (see
//! [`relink_mentions`]). Text without mentions passes through unchanged, and
//! raw `[@Name](person:id)` typed by a user is sent verbatim.

use super::http::{Auth, HttpClient, HttpConfig, JSON, RequestSpec};
use super::{Backend, BackendError, Cursor, EnrichOutcome, ListQuery, Page, Result};
use crate::model::{
    Address, Capabilities, EnrichKind, Note, NoteId, Person, Phone, Violation, email_looks_valid,
    phone_looks_valid, validate_person,
};
use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Largest page the API serves.
pub const PAGE_LIMIT: usize = 100;

/// Top-level wire keys mapped onto [`Person`] fields; everything else lands
/// in [`Person::extra`] verbatim. `company` is kept in `extra` as well (its
/// id, industry and website matter to the server) and mirrored into
/// [`Person::company`] as its name.
const MAPPED: &[&str] = &[
    "id",
    "email",
    "firstName",
    "lastName",
    "phoneNumber",
    "address",
    "customFields",
    "createdAt",
    "updatedAt",
];

/// Keys the server owns; never sent back in a PATCH even if they differ.
const READ_ONLY: &[&str] = &["id", "company", "createdAt", "updatedAt", "isFullUser"];

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn opt_string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Wire person -> [`Person`]. Only a missing id is fatal: a record the UI
/// cannot address is useless, anything else degrades to empty fields.
pub fn person_from_wire(v: &Value) -> Result<Person> {
    let obj = v
        .as_object()
        .ok_or_else(|| BackendError::Malformed("a person is not a JSON object".into()))?;
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(BackendError::Malformed("a person has no id".into())),
    };
    let email = str_at(v, "email");
    let phone = str_at(v, "phoneNumber");
    let address = str_at(v, "address");
    let custom_fields: BTreeMap<String, Value> = obj
        .get("customFields")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let extra: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| !MAPPED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let updated_at = opt_string(v, "updatedAt");
    Ok(Person {
        id,
        given_name: str_at(v, "firstName").to_string(),
        family_name: str_at(v, "lastName").to_string(),
        emails: non_empty(email).map(str::to_string).into_iter().collect(),
        phones: non_empty(phone)
            .map(|n| Phone {
                number: n.to_string(),
                kind: String::new(),
            })
            .into_iter()
            .collect(),
        company: v
            .get("company")
            .map(|c| str_at(c, "name").to_string())
            .unwrap_or_default(),
        address: Address {
            street: address.to_string(),
            ..Default::default()
        },
        custom_fields,
        created_at: opt_string(v, "createdAt"),
        version: updated_at.clone(),
        updated_at,
        extra,
        ..Default::default()
    }
    .normalize())
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The address as the one string Introzy stores.
fn address_string(a: &Address) -> String {
    a.one_line()
}

/// Fields of [`Person`] Introzy has nowhere to store. Editing them must fail
/// loudly rather than vanish.
fn unstorable(p: &Person) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut check = |set: bool, field: &str, what: &str| {
        if set {
            out.push(Violation::new(
                field,
                format!("Introzy has no {what} field"),
            ));
        }
    };
    check(!p.honorific_prefix.is_empty(), "honorificPrefix", "prefix");
    check(
        !p.additional_name.is_empty(),
        "additionalName",
        "middle name",
    );
    check(!p.job_title.is_empty(), "jobTitle", "job title");
    check(!p.linkedin.is_empty(), "linkedin", "LinkedIn");
    check(!p.tags.is_empty(), "tags", "tags");
    check(!p.owner.is_empty(), "owner", "owner");
    check(p.archived, "archived", "archive");
    check(p.emails.len() > 1, "emails", "second email");
    check(p.phones.len() > 1, "phones", "second phone");
    out
}

/// Introzy's own limits (see the create parameters table).
fn length_rules(p: &Person) -> Vec<Violation> {
    let mut out = Vec::new();
    let too_long = |s: &str, max: usize| s.chars().count() > max;
    if too_long(&p.given_name, 100) {
        out.push(Violation::new("givenName", "at most 100 characters"));
    }
    if too_long(&p.family_name, 100) {
        out.push(Violation::new("familyName", "at most 100 characters"));
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
    if too_long(&address_string(&p.address), 500) {
        out.push(Violation::new("address", "at most 500 characters"));
    }
    out
}

/// What an Introzy person holds: one email, one phone, one address string,
/// a company and custom fields. Notes can be added and deleted; the notes
/// API has no update.
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
        note_delete: true,
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

/// Everything a create needs: the shared rules (shapes) plus Introzy's
/// required `email` and `firstName`.
pub fn validate_for_create(p: &Person) -> Vec<Violation> {
    // Required fields are checked below, in Introzy's own words.
    let shapes_only = Capabilities {
        required: &[],
        ..capabilities()
    };
    let mut out: Vec<Violation> = validate_person(p, &shapes_only)
        .into_iter()
        // Email and phone shapes are checked below with Introzy's limits.
        .filter(|v| !v.field.starts_with("emails") && !v.field.starts_with("phones"))
        .collect();
    match p.primary_email() {
        None => out.push(Violation::new(
            "emails",
            "Introzy requires an email address to create a person",
        )),
        Some(e) if !email_looks_valid(e) => out.push(Violation::new(
            "emails[0]",
            format!("'{e}' is not an email address"),
        )),
        Some(_) => {}
    }
    if p.given_name.trim().is_empty() {
        out.push(Violation::new(
            "givenName",
            "Introzy requires a first name to create a person",
        ));
    }
    out.extend(length_rules(p));
    out.extend(unstorable(p));
    out
}

/// The POST body for a new person.
pub fn create_body(p: &Person) -> Value {
    let mut body = Map::new();
    let mut put = |k: &str, v: &str| {
        if !v.is_empty() {
            body.insert(k.to_string(), json!(v));
        }
    };
    put("email", p.primary_email().unwrap_or_default());
    put("firstName", &p.given_name);
    put("lastName", &p.family_name);
    put("phoneNumber", p.primary_phone().unwrap_or_default());
    put("address", &address_string(&p.address));
    put("companyName", &p.company);
    if !p.custom_fields.is_empty() {
        body.insert("customFields".into(), json!(p.custom_fields));
    }
    Value::Object(body)
}

/// The PATCH body: only fields that differ between `base` and `edited`;
/// `customFields` only with changed keys (the server merges; a removed key is
/// sent as `null`). Fails when the edit touches something Introzy cannot
/// store.
pub fn patch_body(
    base: &Person,
    edited: &Person,
) -> std::result::Result<Map<String, Value>, Vec<Violation>> {
    let mut violations: Vec<Violation> = unstorable(edited)
        .into_iter()
        .filter(|v| unstorable(base).iter().all(|b| b.field != v.field))
        .collect();
    violations.extend(length_rules(edited));
    if let Some(e) = edited.primary_email()
        && !email_looks_valid(e)
    {
        violations.push(Violation::new(
            "emails[0]",
            format!("'{e}' is not an email address"),
        ));
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut body = Map::new();
    let mut text = |key: &str, old: &str, new: &str| {
        if old != new {
            body.insert(key.to_string(), json!(new));
        }
    };
    text("firstName", &base.given_name, &edited.given_name);
    text("lastName", &base.family_name, &edited.family_name);
    text(
        "email",
        base.primary_email().unwrap_or_default(),
        edited.primary_email().unwrap_or_default(),
    );
    text(
        "phoneNumber",
        base.primary_phone().unwrap_or_default(),
        edited.primary_phone().unwrap_or_default(),
    );
    text(
        "address",
        &address_string(&base.address),
        &address_string(&edited.address),
    );
    text("companyName", &base.company, &edited.company);
    let custom = changed_custom_fields(&base.custom_fields, &edited.custom_fields);
    if !custom.is_empty() {
        body.insert("customFields".into(), Value::Object(custom));
    }
    for (key, value) in &edited.extra {
        if !READ_ONLY.contains(&key.as_str()) && base.extra.get(key) != Some(value) {
            body.insert(key.clone(), value.clone());
        }
    }
    Ok(body)
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
/// (`jobTitle`, `customFields.cf_x`, `extra.linkedinUrl`); bookkeeping
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
    let cf = |p: &Person| -> Map<String, Value> {
        p.custom_fields
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    nested("customFields", &cf(before), &cf(after), &mut out);
    nested("extra", &before.extra, &after.extra, &mut out);
    out
}

// ---------------------------------------------------------------- mentions

/// One `[@Name](person:<uuid>)` found in note content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub name: String,
    pub person_id: String,
    /// Byte range of the whole link in the content.
    pub span: std::ops::Range<usize>,
}

/// Every well-formed mention in `content`, in order. Anything that only
/// looks similar is left alone.
pub fn mentions(content: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = content[from..].find("[@") {
        let start = from + rel;
        match parse_mention(content, start) {
            Some(m) => {
                from = m.span.end;
                out.push(m);
            }
            None => from = start + 2,
        }
    }
    out
}

fn parse_mention(content: &str, start: usize) -> Option<Mention> {
    let rest = &content[start + 2..];
    let close = rest.find("](person:")?;
    let name = &rest[..close];
    if name.is_empty() || name.contains(['[', ']', '\n']) {
        return None;
    }
    let after = &rest[close + "](person:".len()..];
    let end = after.find(')')?;
    let id = &after[..end];
    if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '(') {
        return None;
    }
    let total = 2 + close + "](person:".len() + end + 1;
    Some(Mention {
        name: name.to_string(),
        person_id: id.to_string(),
        span: start..start + total,
    })
}

/// What users see: each mention becomes `@Name`.
pub fn render_mentions(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut last = 0;
    for m in mentions(content) {
        out.push_str(&content[last..m.span.start]);
        out.push('@');
        out.push_str(&m.name);
        last = m.span.end;
    }
    out.push_str(&content[last..]);
    out
}

/// Turn edited, rendered text back into content: the mentions of `raw` (the
/// stored content) are re-linked, in order, at the first `@Name` after the
/// previous one. A mention whose `@Name` the user deleted is dropped; links
/// the user typed are kept as they are.
pub fn relink_mentions(raw: &str, text: &str) -> String {
    let mut out = text.to_string();
    let mut pos = 0;
    for m in mentions(raw) {
        let needle = format!("@{}", m.name);
        let Some(found) = find_plain(&out, &needle, pos) else {
            continue;
        };
        let link = format!("[@{}](person:{})", m.name, m.person_id);
        out.replace_range(found..found + needle.len(), &link);
        pos = found + link.len();
    }
    out
}

/// The first `needle` at or after `from` that is not already inside a link.
fn find_plain(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(rel) = hay.get(at..)?.find(needle) {
        let i = at + rel;
        if !hay[..i].ends_with('[') {
            return Some(i);
        }
        at = i + needle.len();
    }
    None
}

/// Wire note -> [`Note`] with rendered text; returns the raw content too.
pub fn note_from_wire(v: &Value, person_id: &str) -> Result<(Note, String)> {
    let id = match v.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(BackendError::Malformed("a note has no id".into())),
    };
    let raw = str_at(v, "content").to_string();
    let note = Note {
        id,
        person_id: person_id.to_string(),
        text: render_mentions(&raw),
        author: str_at(v, "createdByUserId").to_string(),
        created_at: opt_string(v, "createdAt"),
        updated_at: opt_string(v, "updatedAt"),
        ..Default::default()
    };
    Ok((note, raw))
}

// ----------------------------------------------------------- custom fields

pub use crate::model::{CustomFieldDef, FieldOption};

fn label_from_key(key: &str) -> String {
    let words = key.strip_prefix("cf_").unwrap_or(key).replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => key.to_string(),
    }
}

fn custom_field_from_wire(v: &Value) -> Option<CustomFieldDef> {
    let key = v.get("key")?.as_str()?.to_string();
    let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let options = v
        .pointer("/settings/options")
        .and_then(Value::as_array)
        .map(|opts| {
            opts.iter()
                .filter_map(|o| {
                    let value = match o.get("value")? {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some(FieldOption {
                        label: opt_string(o, "label").unwrap_or_else(|| value.clone()),
                        value,
                        color: opt_string(o, "color"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let label = opt_string(v, "label")
        .or_else(|| opt_string(v, "name"))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| label_from_key(&key));
    Some(CustomFieldDef {
        label,
        kind: str_at(v, "type").to_string(),
        filterable: flag("isFilterable"),
        sortable: flag("isSortable"),
        required: flag("isRequired"),
        options,
        display_order: v.get("displayOrder").and_then(Value::as_i64).unwrap_or(0),
        key,
    })
}

/// `data` may be the array itself or an object wrapping it.
pub fn custom_fields_from_wire(data: &Value) -> Vec<CustomFieldDef> {
    let list = match data {
        Value::Array(a) => Some(a),
        Value::Object(o) => ["customFields", "fields", "items"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_array)),
        _ => None,
    };
    let mut defs: Vec<CustomFieldDef> = list
        .map(|l| l.iter().filter_map(custom_field_from_wire).collect())
        .unwrap_or_default();
    defs.sort_by(|a, b| {
        a.display_order
            .cmp(&b.display_order)
            .then(a.key.cmp(&b.key))
    });
    defs
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
    /// Raw note content by note id, so a write can restore mentions that
    /// [`Note::text`] shows rendered.
    raw_notes: Arc<Mutex<HashMap<NoteId, String>>>,
}

impl IntrozyBackend {
    /// `config.base_url` is the API origin, e.g. `https://beta-api.introzy.com`.
    pub fn new(config: HttpConfig, api_key: &SecretString) -> Result<Self> {
        Ok(IntrozyBackend {
            http: HttpClient::new(config, Auth::bearer(api_key))?,
            polling: EnrichPolling::default(),
            page_limit: PAGE_LIMIT,
            raw_notes: Arc::default(),
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
    /// `displayOrder`, for the detail pane and the form.
    pub async fn custom_field_definitions(&self) -> Result<Vec<CustomFieldDef>> {
        let data = self
            .call(RequestSpec::get("/api/people/custom-fields"))
            .await?;
        Ok(custom_fields_from_wire(&data))
    }

    /// Send and unwrap the `{success, data}` envelope.
    async fn call(&self, spec: RequestSpec) -> Result<Value> {
        let reply = self.http.send(spec).await?;
        let body: Value = reply.json()?;
        unwrap_envelope(body)
    }

    async fn fetch_person(&self, id: &str) -> Result<Value> {
        self.call(RequestSpec::get(person_path(id))).await
    }

    /// People whose email is exactly `email` (the server's search is fuzzy).
    async fn find_by_email(&self, email: &str) -> Result<Vec<Value>> {
        let data = self
            .call(
                RequestSpec::get("/api/people")
                    .query("search", email)
                    .query("limit", PAGE_LIMIT.to_string()),
            )
            .await?;
        Ok(people_array(&data)?
            .iter()
            .filter(|p| str_at(p, "email").eq_ignore_ascii_case(email))
            .cloned()
            .collect())
    }

    /// After a 409, name the record that holds the email so the UI can offer
    /// to open it.
    async fn duplicate(&self, email: &str, message: String) -> BackendError {
        let existing = match self.find_by_email(email).await {
            Ok(found) => found.first().map(|p| str_at(p, "id").to_string()),
            Err(_) => None,
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
        let found = self.find_by_email(email).await?;
        let Some(rec) = found.first() else {
            return Ok(None);
        };
        let ours = str_at(rec, "firstName") == person.given_name
            && str_at(rec, "lastName") == person.family_name;
        if ours {
            return person_from_wire(rec).map(Some);
        }
        Err(BackendError::Conflict {
            message: "A person with this email already exists in your organization".into(),
            existing: Some(str_at(rec, "id").to_string()),
        })
    }

    async fn post_person(&self, body: &Value) -> Result<Value> {
        self.call(RequestSpec::post("/api/people", body.clone()))
            .await
    }

    fn remember_raw(&self, id: &str, raw: &str) {
        if let Ok(mut cache) = self.raw_notes.lock() {
            cache.insert(id.to_string(), raw.to_string());
        }
    }

    fn cached_raw(&self, id: &str) -> Option<String> {
        self.raw_notes.lock().ok()?.get(id).cloned()
    }

    async fn raw_note(&self, person_id: &str, note_id: &str) -> Result<String> {
        if let Some(raw) = self.cached_raw(note_id) {
            return Ok(raw);
        }
        let data = self
            .call(RequestSpec::get(note_path(person_id, note_id)))
            .await?;
        let (_, raw) = note_from_wire(&data, person_id)?;
        self.remember_raw(note_id, &raw);
        Ok(raw)
    }

    fn parse_note(&self, data: &Value, person_id: &str) -> Result<Note> {
        let (note, raw) = note_from_wire(data, person_id)?;
        self.remember_raw(&note.id, &raw);
        Ok(note)
    }

    /// Poll until `updatedAt` moves past `before`'s, or the wait runs out.
    async fn wait_for_change(&self, id: &str, before: &Value) -> Result<Value> {
        let deadline = tokio::time::Instant::now() + self.polling.max_wait;
        let mut latest = before.clone();
        loop {
            if tokio::time::Instant::now() >= deadline {
                return Ok(latest);
            }
            tokio::time::sleep(self.polling.interval).await;
            match self.fetch_person(id).await {
                Ok(now) => {
                    if now.get("updatedAt") != before.get("updatedAt") {
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

fn unwrap_envelope(body: Value) -> Result<Value> {
    if body.get("success") == Some(&Value::Bool(false)) {
        let message = body
            .get("error")
            .map(|e| match e {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| "the server reported a failure".into());
        return Err(BackendError::Server {
            status: 200,
            message,
        });
    }
    match body {
        Value::Object(mut map) if map.contains_key("data") => {
            Ok(map.remove("data").unwrap_or(Value::Null))
        }
        other => Ok(other),
    }
}

/// `data.people` (or `data` itself when it is the array).
fn people_array(data: &Value) -> Result<&Vec<Value>> {
    data.get("people")
        .and_then(Value::as_array)
        .or_else(|| data.as_array())
        .ok_or_else(|| BackendError::Malformed("the reply has no people list".into()))
}

/// Parse a list, skipping (and logging) records without an id rather than
/// failing the whole listing over one bad row.
fn parse_people(list: &[Value]) -> Vec<Person> {
    list.iter()
        .filter_map(|v| match person_from_wire(v) {
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

fn note_path(person_id: &str, note_id: &str) -> String {
    format!("{}/{}", notes_path(person_id), encode_segment(note_id))
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
    BackendError::Unsupported(format!("Introzy's API has no way to {what}"))
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
        let data = self.call(spec).await?;
        let list = people_array(&data)?;
        let people = parse_people(list);
        let has_more = data
            .get("hasMore")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        // Advance by what was served (a server may cap `limit` lower); an
        // empty page that claims more would otherwise loop forever.
        let next =
            (has_more && !list.is_empty()).then(|| Cursor((offset + list.len()).to_string()));
        Ok(Page {
            people,
            next,
            total: data.get("total").and_then(Value::as_u64),
        })
    }

    async fn get_person(&self, id: &str) -> Result<Person> {
        person_from_wire(&self.fetch_person(id).await?)
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        let violations = validate_for_create(person);
        if !violations.is_empty() {
            return Err(BackendError::Validation(violations));
        }
        let body = create_body(person);
        let email = person.primary_email().unwrap_or_default().to_string();
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
        let body = patch_body(base, edited).map_err(BackendError::Validation)?;
        if body.is_empty() {
            return Ok(base.clone());
        }
        let email = edited.primary_email().unwrap_or_default().to_string();
        // Introzy has no conditional PATCH: compare `updatedAt` first so an
        // edit made elsewhere since loading is reported, not overwritten.
        let current = self.fetch_person(&base.id).await?;
        if base.version.is_some()
            && current.get("updatedAt").and_then(Value::as_str) != base.version.as_deref()
        {
            return Err(BackendError::Conflict {
                message:
                    "the person changed on the server since it was loaded; reload and edit again"
                        .into(),
                existing: Some(base.id.clone()),
            });
        }
        // Setting fields to absolute values is safe to repeat.
        let spec =
            RequestSpec::patch(person_path(&base.id), Value::Object(body), JSON).idempotent(true);
        let data = match self.call(spec).await {
            Ok(d) => d,
            Err(BackendError::Conflict { message, .. }) => {
                return Err(self.duplicate(&email, message).await);
            }
            Err(e) => return Err(e),
        };
        // The documented PATCH reply may be partial; re-read then.
        if data.get("updatedAt").is_none() || data.get("createdAt").is_none() {
            return self.get_person(&base.id).await;
        }
        person_from_wire(&data)
    }

    async fn set_archived(&self, _id: &str, _archived: bool) -> Result<Person> {
        Err(unsupported("archive people"))
    }

    async fn delete_person(&self, _id: &str) -> Result<()> {
        Err(unsupported("delete people"))
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
            let list = data
                .get("notes")
                .and_then(Value::as_array)
                .or_else(|| data.as_array())
                .ok_or_else(|| BackendError::Malformed("the reply has no notes list".into()))?;
            for v in list {
                match self.parse_note(v, person_id) {
                    Ok(n) => out.push(n),
                    Err(e) => tracing::warn!("introzy: skipping a note: {e}"),
                }
            }
            let more = data
                .get("hasMore")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if !more || list.is_empty() {
                return Ok(out);
            }
            offset += list.len();
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
        self.parse_note(&data, person_id)
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let text = note_content(note);
        if text.trim().is_empty() {
            return Err(empty_note());
        }
        let raw = self.raw_note(person_id, &note.id).await?;
        let content = relink_mentions(&raw, &text);
        let spec = RequestSpec::patch(
            note_path(person_id, &note.id),
            json!({"content": content}),
            JSON,
        )
        .idempotent(true);
        let data = self.call(spec).await?;
        self.parse_note(&data, person_id)
    }

    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()> {
        self.call(RequestSpec::delete(note_path(person_id, note_id)))
            .await?;
        if let Ok(mut cache) = self.raw_notes.lock() {
            cache.remove(note_id);
        }
        Ok(())
    }

    async fn set_note_flag(
        &self,
        _person_id: &str,
        _note_id: &NoteId,
        _flagged: bool,
    ) -> Result<Note> {
        Err(unsupported("flag notes"))
    }

    /// Start the server's job, then poll the person until `updatedAt` moves
    /// (bounded by [`EnrichPolling`]). If the job has not finished in time the
    /// outcome lists no changes; the next refresh picks the result up.
    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome> {
        let before = self.fetch_person(&person.id).await?;
        let path = format!("{}/enrich", person_path(&person.id));
        match self.call(RequestSpec::post(path, json!({}))).await {
            Ok(_) => {}
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
        let (old, new) = (person_from_wire(&before)?, person_from_wire(&after)?);
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
mod wire_tests {
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
        assert_eq!(p.company, "Acme Inc");
        assert_eq!(p.custom_fields["cf_department"], "Engineering");
        assert_eq!(p.version.as_deref(), Some("2024-01-15T10:30:00.000Z"));
        assert_eq!(p.extra["latitude"], 37.7749);
        assert_eq!(p.extra["company"]["industry"], "Technology");
        assert!(!p.extra.contains_key("firstName"));
        assert_eq!(p.display_name, "John Doe");
    }

    #[test]
    fn person_without_id_is_malformed() {
        let err = person_from_wire(&json!({"firstName": "x"})).unwrap_err();
        assert!(matches!(err, BackendError::Malformed(_)));
    }

    #[test]
    fn patch_sends_only_changed_fields_and_custom_keys() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.given_name = "Jane".into();
        edited
            .custom_fields
            .insert("cf_lead_source".into(), json!("web"));
        let body = patch_body(&base, &edited).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"firstName": "Jane", "customFields": {"cf_lead_source": "web"}})
        );
    }

    #[test]
    fn patch_refuses_fields_introzy_cannot_store() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.job_title = "CTO".into();
        let v = patch_body(&base, &edited).unwrap_err();
        assert_eq!(v[0].field, "jobTitle");
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
    fn mentions_render_and_relink() {
        let raw = "Met [@John Doe](person:u-1) and [@Ann](person:u-2) today";
        assert_eq!(render_mentions(raw), "Met @John Doe and @Ann today");
        let edited = "Met @John Doe and @Ann today, follow up Monday";
        assert_eq!(
            relink_mentions(raw, edited),
            "Met [@John Doe](person:u-1) and [@Ann](person:u-2) today, follow up Monday"
        );
        // A deleted mention is dropped, the others keep their links.
        assert_eq!(
            relink_mentions(raw, "Only @Ann now"),
            "Only [@Ann](person:u-2) now"
        );
    }

    #[test]
    fn malformed_mentions_are_left_alone() {
        for s in ["[@](person:x)", "[@a](person:)", "[@a](person:x", "[@a]"] {
            assert_eq!(render_mentions(s), s);
        }
    }

    #[test]
    fn custom_field_defs_sort_and_label() {
        let defs = custom_fields_from_wire(&json!([
            {"key": "cf_lead_source", "type": "select", "displayOrder": 2,
             "settings": {"options": [{"value": "web", "label": "Website", "color": "#0f0"}]}},
            {"key": "cf_department", "type": "text", "displayOrder": 1, "isRequired": true}
        ]));
        assert_eq!(defs[0].key, "cf_department");
        assert!(defs[0].required);
        assert_eq!(defs[1].label, "Lead source");
        assert_eq!(defs[1].display(&json!("web")), "Website");
        assert_eq!(defs[1].display(&json!("other")), "other");
    }

    #[test]
    fn changed_fields_names_model_custom_and_extra_keys() {
        let before = person_from_wire(&sample()).unwrap();
        let mut after = before.clone();
        after.version = Some("later".into());
        after
            .custom_fields
            .insert("cf_seniority".into(), json!("senior"));
        after.extra.insert("linkedinUrl".into(), json!("x"));
        assert_eq!(
            changed_fields(&before, &after),
            ["customFields.cf_seniority", "extra.linkedinUrl"]
        );
    }
}
