//! RogerRoger (API Platform, JSON-LD/Hydra) adapter.
//!
//! Wire facts (DESIGN.md §4): `X-API-KEY` auth, 20 requests/minute per tenant,
//! collections `member`/`totalItems`/`view.next` (older servers prefix them
//! with `hydra:`), `itemsPerPage` ≤ 30, POST/PUT with `application/ld+json`,
//! PATCH with `application/merge-patch+json`, 422 problem+json violations.
//!
//! Every field the model does not know is kept verbatim in `Person::extra`.
//! Edits send a merge-patch of only the changed fields, so fields rolo never
//! touched cannot be lost; [`RogerRoger::replace_person`] (PUT) starts from
//! the server's current record and sends every field it holds.

use super::http::{
    Auth, HttpClient, HttpConfig, LD_JSON, MERGE_PATCH_JSON, RateLimit, RequestSpec,
};
use super::local::now_rfc3339;
use super::{Backend, BackendError, Cursor, EnrichOutcome, ListQuery, Page, Result};
use crate::model::{
    Address, Capabilities, Note, NoteId, Person, Phone, Violation, sort_notes, validate_person,
};
use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.rogerroger.io";
/// The server's maximum `itemsPerPage`.
pub const PAGE_SIZE: u32 = 30;
/// Stop following `next` links after this many pages; a server that never
/// ends its collection must not hang the app.
const MAX_NOTE_PAGES: u32 = 200;
/// How far before our POST a record's `createdAt` may lie and still count as
/// the one we created (server clock skew).
const CREATE_WINDOW: Duration = Duration::from_secs(600);

/// Wire keys that map onto `Person` fields; everything else goes to `extra`.
const KNOWN: [&str; 17] = [
    "id",
    "familyName",
    "givenName",
    "additionalName",
    "honorificPrefix",
    "initials",
    "jobTitle",
    "emailAddresses",
    "phoneNumbers",
    "address",
    "linkedinId",
    "tags",
    "organizations",
    "owner",
    "archivedAt",
    "createdAt",
    "updatedAt",
];

/// Server-controlled keys that a create must not send.
const READ_ONLY: [&str; 4] = ["createdAt", "updatedAt", "importedAt", "avatarUrl"];

/// A note category (`/note_categories`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteCategory {
    pub iri: String,
    pub name: String,
}

pub struct RogerRoger {
    http: HttpClient,
    categories: tokio::sync::Mutex<Option<Vec<NoteCategory>>>,
}

impl std::fmt::Debug for RogerRoger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RogerRoger")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl RogerRoger {
    /// The documented defaults: JSON-LD replies and the 20/minute budget.
    pub fn default_config(base_url: impl Into<String>) -> HttpConfig {
        HttpConfig {
            accept: "application/ld+json, application/problem+json;q=0.9, application/json;q=0.8"
                .into(),
            rate_limit: Some(RateLimit::per_minute(20)),
            ..HttpConfig::new(base_url)
        }
    }

    pub fn new(config: HttpConfig, api_key: SecretString) -> Result<Self> {
        let http = HttpClient::new(config, Auth::api_key("X-API-KEY", api_key))?;
        Ok(RogerRoger {
            http,
            categories: tokio::sync::Mutex::new(None),
        })
    }

    /// `GET /people`, one page, with the filters API Platform offers.
    async fn list_filtered(
        &self,
        query: &ListQuery,
        cursor: Option<Cursor>,
        created_after: Option<&str>,
    ) -> Result<Page> {
        let page: u32 = match cursor {
            None => 1,
            Some(Cursor(c)) => c
                .parse()
                .map_err(|_| BackendError::Malformed(format!("bad page cursor '{c}'")))?,
        };
        let mut spec = RequestSpec::get("/people")
            .query("page", page.to_string())
            .query("itemsPerPage", PAGE_SIZE.to_string());
        if let Some(q) = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            spec = spec.query("q", q);
        }
        if !query.include_archived {
            spec = spec.query("exists[archivedAt]", "false");
        }
        if let Some(after) = created_after {
            spec = spec.query("createdAt[after]", after);
        }
        let coll = Collection::parse(self.http.send(spec).await?.json_value()?)?;
        // An empty page ends the listing even if the server still links on.
        let next = if coll.members.is_empty() {
            None
        } else {
            coll.next_page(page).map(|p| Cursor(p.to_string()))
        };
        let people = coll
            .members
            .into_iter()
            .map(person_from_wire)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            people,
            next,
            total: coll.total,
        })
    }

    /// The HTTP client, for its status channel and request counter.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    async fn get_raw(&self, id: &str) -> Result<Map<String, Value>> {
        let reply = self.http.send(RequestSpec::get(person_path(id)?)).await?;
        into_object(reply.json_value()?, "person")
    }

    /// Note categories, fetched once.
    pub async fn note_categories(&self) -> Result<Vec<NoteCategory>> {
        let mut cached = self.categories.lock().await;
        if let Some(c) = cached.as_ref() {
            return Ok(c.clone());
        }
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let spec = RequestSpec::get("/note_categories")
                .query("page", page.to_string())
                .query("itemsPerPage", PAGE_SIZE.to_string());
            let coll = Collection::parse(self.http.send(spec).await?.json_value()?)?;
            out.extend(coll.members.iter().filter_map(category_from_wire));
            if coll.next.is_none() || coll.members.is_empty() || page >= MAX_NOTE_PAGES {
                break;
            }
            page += 1;
        }
        *cached = Some(out.clone());
        Ok(out)
    }

    /// Full replace (PUT): the server's current record with the user's
    /// changes applied, so every field the server sent is sent back.
    pub async fn replace_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        check_person(edited)?;
        let raw = self.get_raw(&edited.id).await?;
        check_version(base, &raw)?;
        let patch = merge_patch(base, edited, &raw)?;
        let mut full = Value::Object(raw);
        json_patch::merge(&mut full, &Value::Object(patch));
        let reply = self
            .http
            .send(RequestSpec::put(person_path(&edited.id)?, full).content_type(LD_JSON))
            .await?;
        person_from_wire(reply.json_value()?)
    }

    /// After a POST whose reply was lost: find the record it may have made.
    async fn find_created(
        &self,
        person: &Person,
        started: jiff::Timestamp,
    ) -> Result<Option<Person>> {
        let identifier = person
            .emails
            .first()
            .or(person.phones.first().map(|p| &p.number))
            .or(Some(&person.linkedin).filter(|l| !l.is_empty()));
        let spec = match identifier {
            Some(id) => RequestSpec::get("/people").query("identifiers", id.clone()),
            None => RequestSpec::get("/people").query("q", person.family_name.clone()),
        }
        .query("itemsPerPage", PAGE_SIZE.to_string());
        let coll = Collection::parse(self.http.send(spec).await?.json_value()?)?;
        let earliest = started
            .checked_sub(CREATE_WINDOW)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let best = coll
            .members
            .into_iter()
            .filter_map(|m| person_from_wire(m).ok())
            .filter(|p| same_names(p, person))
            .filter(|p| created_at(p).is_none_or(|t| t >= earliest))
            .max_by_key(created_at);
        Ok(best)
    }

    async fn patch_person(&self, id: &str, patch: Map<String, Value>) -> Result<Person> {
        let spec = RequestSpec::patch(person_path(id)?, Value::Object(patch), MERGE_PATCH_JSON);
        person_from_wire(self.http.send(spec).await?.json_value()?)
    }

    async fn default_category(&self) -> Result<String> {
        self.note_categories()
            .await?
            .into_iter()
            .next()
            .map(|c| c.iri)
            .ok_or_else(|| {
                BackendError::Validation(vec![Violation::new(
                    "category",
                    "RogerRoger needs a note category and this account has none",
                )])
            })
    }

    async fn find_created_note(&self, person_id: &str, note: &Note) -> Result<Option<Note>> {
        let notes = self.list_notes(person_id).await?;
        Ok(notes
            .into_iter()
            .filter(|n| n.text == note.text && n.title == note.title)
            .max_by(|a, b| a.created_at.cmp(&b.created_at)))
    }
}

#[async_trait]
impl Backend for RogerRoger {
    fn kind(&self) -> &'static str {
        "rogerroger"
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn list_page(&self, query: &ListQuery, cursor: Option<Cursor>) -> Result<Page> {
        self.list_filtered(query, cursor, None).await
    }

    async fn list_created_after(
        &self,
        after: &str,
        cursor: Option<Cursor>,
    ) -> Result<Option<Page>> {
        let query = ListQuery {
            search: None,
            include_archived: true,
        };
        self.list_filtered(&query, cursor, Some(after))
            .await
            .map(Some)
    }

    async fn get_person(&self, id: &str) -> Result<Person> {
        person_from_wire(Value::Object(self.get_raw(id).await?))
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        check_person(person)?;
        let body = Value::Object(person_to_wire(person)?);
        let spec = RequestSpec::post("/people", body).content_type(LD_JSON);
        let started = jiff::Timestamp::now();
        match self.http.send(spec.clone()).await {
            Ok(reply) => person_from_wire(reply.json_value()?),
            // The request may have been applied with the reply lost; look
            // before sending it again so we never create a duplicate.
            Err(BackendError::Network(reason)) => {
                tracing::warn!("rogerroger: POST /people reply lost ({reason}); looking it up");
                if let Some(found) = self.find_created(person, started).await? {
                    return Ok(found);
                }
                person_from_wire(self.http.send(spec).await?.json_value()?)
            }
            Err(e) => Err(e),
        }
    }

    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        check_person(edited)?;
        let raw = self.get_raw(&edited.id).await?;
        check_version(base, &raw)?;
        let patch = merge_patch(base, edited, &raw)?;
        if patch.is_empty() {
            return person_from_wire(Value::Object(raw));
        }
        self.patch_person(&edited.id, patch).await
    }

    async fn set_archived(&self, id: &str, archived: bool) -> Result<Person> {
        let value = if archived {
            Value::String(now_rfc3339())
        } else {
            Value::Null
        };
        let mut patch = Map::new();
        patch.insert("archivedAt".into(), value);
        self.patch_person(id, patch).await
    }

    async fn delete_person(&self, id: &str) -> Result<()> {
        self.http
            .send(RequestSpec::delete(person_path(id)?))
            .await?;
        Ok(())
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        let path = format!("{}/notes", person_path(person_id)?);
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let spec = RequestSpec::get(path.clone())
                .query("page", page.to_string())
                .query("itemsPerPage", PAGE_SIZE.to_string());
            let coll = Collection::parse(self.http.send(spec).await?.json_value()?)?;
            let empty = coll.members.is_empty();
            for m in &coll.members {
                out.push(note_from_wire(m, person_id)?);
            }
            match coll.next_page(page) {
                Some(p) if !empty && p <= MAX_NOTE_PAGES => page = p,
                _ => break,
            }
        }
        sort_notes(&mut out);
        Ok(out)
    }

    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        check_note(note)?;
        let category = if note.category.is_empty() {
            self.default_category().await?
        } else {
            note.category.clone()
        };
        let body = json!({
            "description": note.text,
            "title": non_empty(&note.title),
            "flagged": note.flagged,
            "category": category,
        });
        let path = format!("{}/notes", person_path(person_id)?);
        let spec = RequestSpec::post(path, body).content_type(LD_JSON);
        match self.http.send(spec.clone()).await {
            Ok(reply) => note_from_wire(&reply.json_value()?, person_id),
            Err(BackendError::Network(reason)) => {
                tracing::warn!("rogerroger: POST note reply lost ({reason}); looking it up");
                if let Some(found) = self.find_created_note(person_id, note).await? {
                    return Ok(found);
                }
                note_from_wire(&self.http.send(spec).await?.json_value()?, person_id)
            }
            Err(e) => Err(e),
        }
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        check_note(note)?;
        let mut body = json!({
            "description": note.text,
            "title": non_empty(&note.title),
            "flagged": note.flagged,
        });
        if !note.category.is_empty() {
            body["category"] = Value::String(note.category.clone());
        }
        let spec = RequestSpec::patch(note_path(person_id, &note.id)?, body, MERGE_PATCH_JSON);
        note_from_wire(&self.http.send(spec).await?.json_value()?, person_id)
    }

    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()> {
        self.http
            .send(RequestSpec::delete(note_path(person_id, note_id)?))
            .await?;
        Ok(())
    }

    async fn set_note_flag(
        &self,
        person_id: &str,
        note_id: &NoteId,
        flagged: bool,
    ) -> Result<Note> {
        let spec = RequestSpec::patch(
            note_path(person_id, note_id)?,
            json!({ "flagged": flagged }),
            MERGE_PATCH_JSON,
        );
        note_from_wire(&self.http.send(spec).await?.json_value()?, person_id)
    }

    async fn enrich(&self, _person: &Person) -> Result<EnrichOutcome> {
        Err(BackendError::Unsupported(
            "RogerRoger has no enrichment API".into(),
        ))
    }
}

// ---------------------------------------------------------------- paths ----

/// An id goes into a URL path; refuse anything that could change the path.
fn check_id(id: &str) -> Result<&str> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(BackendError::NotFound(format!(
            "'{id}' is not a RogerRoger id"
        )));
    }
    Ok(id)
}

fn person_path(id: &str) -> Result<String> {
    Ok(format!("/people/{}", check_id(id)?))
}

fn note_path(person_id: &str, note_id: &str) -> Result<String> {
    Ok(format!(
        "/people/{}/notes/{}",
        check_id(person_id)?,
        check_id(note_id)?
    ))
}

// ----------------------------------------------------------- validation ----

/// What the people and notes documents offer: notes can be changed (PUT,
/// PATCH) but not deleted (no DELETE on notes); addresses have no region.
pub fn capabilities() -> Capabilities {
    use crate::model::PersonField as F;
    Capabilities {
        notes: true,
        multiple_notes: true,
        flag_notes: true,
        note_titles: true,
        note_categories: true,
        enrich: None,
        server_search: true,
        delete: true,
        archive: true,
        merge: false,
        custom_fields: false,
        note_edit: true,
        note_delete: false,
        fields: &[
            F::HonorificPrefix,
            F::GivenName,
            F::AdditionalName,
            F::FamilyName,
            F::Emails,
            F::Phones,
            F::Company,
            F::JobTitle,
            F::Street,
            F::PostalCode,
            F::City,
            F::Country,
            F::Linkedin,
            F::Tags,
        ],
        required: &[F::FamilyName],
    }
}

fn check_person(person: &Person) -> Result<()> {
    let violations = validate_person(person, &capabilities());
    if violations.is_empty() {
        Ok(())
    } else {
        Err(BackendError::Validation(violations))
    }
}

fn check_note(note: &Note) -> Result<()> {
    if note.text.trim().is_empty() {
        return Err(BackendError::Validation(vec![Violation::new(
            "description",
            "RogerRoger notes need some text",
        )]));
    }
    Ok(())
}

/// Refuse to write over a change made since `base` was read.
fn check_version(base: &Person, raw: &Map<String, Value>) -> Result<()> {
    let current = raw.get("updatedAt").and_then(Value::as_str);
    match (base.version.as_deref(), current) {
        (Some(ours), Some(theirs)) if ours != theirs => Err(BackendError::Conflict {
            message: format!("the person was changed on the server at {theirs}"),
            existing: Some(base.id.clone()),
        }),
        _ => Ok(()),
    }
}

// ----------------------------------------------------------- collections ----

/// A Hydra collection, new (`member`) or old (`hydra:member`) style.
#[derive(Debug)]
struct Collection {
    members: Vec<Value>,
    total: Option<u64>,
    next: Option<String>,
}

fn either<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key)
        .or_else(|| obj.get(&format!("hydra:{key}")))
        .filter(|v| !v.is_null())
}

impl Collection {
    fn parse(value: Value) -> Result<Collection> {
        let Value::Object(mut obj) = value else {
            return Err(BackendError::Malformed(
                "a collection must be an object".into(),
            ));
        };
        let members = match obj.remove("member").or_else(|| obj.remove("hydra:member")) {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(BackendError::Malformed(
                    "collection without a member list".into(),
                ));
            }
        };
        let total = either(&obj, "totalItems").and_then(Value::as_u64);
        let next = either(&obj, "view")
            .and_then(Value::as_object)
            .and_then(|view| either(view, "next"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Collection {
            members,
            total,
            next,
        })
    }

    /// The page the `next` link names, or `current + 1` if it names none.
    fn next_page(&self, current: u32) -> Option<u32> {
        let link = self.next.as_deref()?;
        let named = link
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("")
            .split('&')
            .find_map(|kv| kv.strip_prefix("page="))
            .and_then(|p| p.parse::<u32>().ok());
        // A link back to the same or an earlier page would loop forever.
        match named {
            Some(p) if p > current => Some(p),
            Some(_) => None,
            None => current.checked_add(1),
        }
    }
}

// ------------------------------------------------------------ wire → model ----

fn into_object(value: Value, what: &str) -> Result<Map<String, Value>> {
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(BackendError::Malformed(format!(
            "a {what} must be a JSON object"
        ))),
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn iri_tail(iri: &str) -> &str {
    iri.rsplit('/').next().unwrap_or(iri)
}

/// `id`, or the last segment of `@id`.
fn wire_id(obj: &Map<String, Value>) -> String {
    let id = text(obj.get("id"));
    if !id.is_empty() {
        return id;
    }
    iri_tail(&text(obj.get("@id"))).to_string()
}

/// An IRI string, or an embedded object shown by its first present label.
fn label(v: &Value, keys: &[&str]) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => keys
            .iter()
            .map(|k| text(o.get(*k)))
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| text(o.get("@id"))),
        _ => String::new(),
    }
}

/// The IRI of an IRI string or embedded object.
fn iri_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("@id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn array<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

const TAG_LABELS: [&str; 2] = ["title", "name"];
const ORG_LABELS: [&str; 2] = ["name", "title"];
const USER_LABELS: [&str; 4] = ["fullName", "name", "email", "username"];

pub fn person_from_wire(value: Value) -> Result<Person> {
    let obj = into_object(value, "person")?;
    let id = wire_id(&obj);
    if id.is_empty() {
        return Err(BackendError::Malformed("a person without an id".into()));
    }
    let emails = array(&obj, "emailAddresses")
        .iter()
        .map(|e| match e {
            Value::Object(o) => text(o.get("email")),
            other => text(Some(other)),
        })
        .filter(|e| !e.is_empty())
        .collect();
    let phones = array(&obj, "phoneNumbers")
        .iter()
        .filter_map(Value::as_object)
        .map(|p| Phone {
            number: text(p.get("phoneNumber")),
            kind: text(p.get("phoneType")),
        })
        .filter(|p| !p.number.is_empty())
        .collect();
    let address = obj
        .get("address")
        .and_then(Value::as_object)
        .map(|a| Address {
            street: text(a.get("street")),
            postal_code: text(a.get("postalCode")),
            city: text(a.get("city")),
            region: String::new(),
            country: text(a.get("country")),
        })
        .unwrap_or_default();
    let tags = array(&obj, "tags")
        .iter()
        .map(|t| label(t, &TAG_LABELS))
        .filter(|t| !t.is_empty())
        .collect();
    // Embedded tags carry their colours; the UI shows them.
    let tag_colors = array(&obj, "tags")
        .iter()
        .filter_map(|t| {
            let color = text(t.get("backgroundColor"));
            (!color.is_empty()).then(|| (label(t, &TAG_LABELS), color))
        })
        .collect();
    let company = array(&obj, "organizations")
        .iter()
        .map(|o| label(o, &ORG_LABELS))
        .filter(|o| !o.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let updated_at = obj
        .get("updatedAt")
        .and_then(Value::as_str)
        .map(str::to_string);
    let person = Person {
        id,
        honorific_prefix: text(obj.get("honorificPrefix")),
        given_name: text(obj.get("givenName")),
        additional_name: text(obj.get("additionalName")),
        family_name: text(obj.get("familyName")),
        emails,
        phones,
        company,
        job_title: text(obj.get("jobTitle")),
        address,
        linkedin: text(obj.get("linkedinId")),
        initials: text(obj.get("initials")),
        tags,
        tag_colors,
        owner: obj
            .get("owner")
            .map(|o| label(o, &USER_LABELS))
            .unwrap_or_default(),
        archived: obj.get("archivedAt").is_some_and(|v| !v.is_null()),
        created_at: obj
            .get("createdAt")
            .and_then(Value::as_str)
            .map(str::to_string),
        version: updated_at.clone(),
        updated_at,
        extra: obj
            .into_iter()
            .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
            .collect(),
        ..Default::default()
    };
    Ok(person.normalize())
}

fn category_from_wire(v: &Value) -> Option<NoteCategory> {
    let o = v.as_object()?;
    let iri = text(o.get("@id"));
    let iri = if iri.is_empty() {
        format!("/note_categories/{}", text(o.get("id")))
    } else {
        iri
    };
    Some(NoteCategory {
        name: label(v, &["name", "title", "label"]),
        iri,
    })
}

fn note_from_wire(v: &Value, person_id: &str) -> Result<Note> {
    let o = v
        .as_object()
        .ok_or_else(|| BackendError::Malformed("a note must be a JSON object".into()))?;
    let id = wire_id(o);
    if id.is_empty() {
        return Err(BackendError::Malformed("a note without an id".into()));
    }
    Ok(Note {
        id,
        person_id: person_id.to_string(),
        title: text(o.get("title")),
        text: text(o.get("description")),
        category: o.get("category").and_then(iri_of).unwrap_or_default(),
        flagged: o.get("flagged").and_then(Value::as_bool).unwrap_or(false),
        author: o
            .get("author")
            .map(|a| label(a, &USER_LABELS))
            .unwrap_or_default(),
        created_at: o
            .get("createdAt")
            .and_then(Value::as_str)
            .map(str::to_string),
        updated_at: o
            .get("updatedAt")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

fn created_at(p: &Person) -> Option<jiff::Timestamp> {
    p.created_at.as_deref().and_then(|t| t.parse().ok())
}

fn same_names(a: &Person, b: &Person) -> bool {
    a.family_name == b.family_name
        && a.given_name == b.given_name
        && a.additional_name == b.additional_name
}

// ------------------------------------------------------------ model → wire ----

/// `null` for an empty string, as the API's nullable fields expect.
fn non_empty(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.to_string())
    }
}

fn emails_to_wire(emails: &[String], raw: Option<&Map<String, Value>>) -> Value {
    let old = raw.map(|r| array(r, "emailAddresses")).unwrap_or(&[]);
    Value::Array(
        emails
            .iter()
            .map(|e| {
                // Keep the server's own object (and any fields on it) for an
                // address that stays.
                old.iter()
                    .find(|o| o.get("email").and_then(Value::as_str) == Some(e.as_str()))
                    .map(strip_ld)
                    .unwrap_or_else(|| json!({ "email": e }))
            })
            .collect(),
    )
}

fn phones_to_wire(phones: &[Phone], raw: Option<&Map<String, Value>>) -> Value {
    let old = raw.map(|r| array(r, "phoneNumbers")).unwrap_or(&[]);
    Value::Array(
        phones
            .iter()
            .map(|p| {
                let mut obj = old
                    .iter()
                    .find(|o| o.get("phoneNumber").and_then(Value::as_str) == Some(&p.number))
                    .map(strip_ld)
                    .unwrap_or_else(|| json!({ "phoneNumber": p.number }));
                obj["phoneType"] = non_empty(&p.kind);
                obj
            })
            .collect(),
    )
}

/// Drop JSON-LD bookkeeping (`@context`, `@type`) from an embedded object.
fn strip_ld(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| *k != "@context" && *k != "@type")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn address_to_wire(a: &Address) -> Value {
    json!({
        "street": non_empty(&a.street),
        "postalCode": non_empty(&a.postal_code),
        "city": non_empty(&a.city),
        "country": non_empty(&a.country),
    })
}

/// Map the labels shown to the user back to IRIs, using the labels the
/// server's record carries. A label the record does not know is accepted
/// only if it already is an IRI under `prefix`.
fn labels_to_iris(
    labels: &[String],
    raw_items: &[Value],
    label_keys: &[&str],
    prefix: &str,
    field: &str,
) -> Result<Value> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for l in labels {
        let known = raw_items
            .iter()
            .find(|item| label(item, label_keys) == *l || iri_of(item).as_deref() == Some(l))
            .and_then(iri_of);
        match known {
            Some(iri) => out.push(Value::String(iri)),
            None if l.starts_with(prefix) => out.push(Value::String(l.clone())),
            None => bad.push(Violation::new(
                field,
                format!("'{l}' is not one of this person's {field}; give its IRI ({prefix}<id>)"),
            )),
        }
    }
    if bad.is_empty() {
        Ok(Value::Array(out))
    } else {
        Err(BackendError::Validation(bad))
    }
}

fn split_company(company: &str) -> Vec<String> {
    company
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The body of a create: every model field plus the unknown fields the
/// caller carried along (minus server-controlled ones).
pub fn person_to_wire(p: &Person) -> Result<Map<String, Value>> {
    let mut m: Map<String, Value> = p
        .extra
        .iter()
        .filter(|(k, _)| !k.starts_with('@') && !READ_ONLY.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let s = |v: &str| non_empty(v);
    m.insert("familyName".into(), s(&p.family_name));
    m.insert("givenName".into(), s(&p.given_name));
    m.insert("additionalName".into(), s(&p.additional_name));
    m.insert("honorificPrefix".into(), s(&p.honorific_prefix));
    m.insert("initials".into(), s(&p.initials));
    m.insert("jobTitle".into(), s(&p.job_title));
    m.insert("linkedinId".into(), s(&p.linkedin));
    m.insert("emailAddresses".into(), emails_to_wire(&p.emails, None));
    m.insert("phoneNumbers".into(), phones_to_wire(&p.phones, None));
    if !p.address.is_empty() {
        m.insert("address".into(), address_to_wire(&p.address));
    }
    if !p.tags.is_empty() {
        m.insert(
            "tags".into(),
            labels_to_iris(&p.tags, &[], &TAG_LABELS, "/tags/", "tags")?,
        );
    }
    let orgs = split_company(&p.company);
    if !orgs.is_empty() {
        let v = labels_to_iris(&orgs, &[], &ORG_LABELS, "/organizations/", "organizations")?;
        m.insert("organizations".into(), v);
    }
    if !p.owner.is_empty() {
        m.insert("owner".into(), owner_to_wire(&p.owner, None)?);
    }
    if p.archived {
        m.insert("archivedAt".into(), Value::String(now_rfc3339()));
    }
    Ok(m)
}

fn owner_to_wire(owner: &str, raw: Option<&Map<String, Value>>) -> Result<Value> {
    if owner.is_empty() {
        return Ok(Value::Null);
    }
    let current = raw.and_then(|r| r.get("owner"));
    if let Some(cur) = current
        && label(cur, &USER_LABELS) == owner
        && let Some(iri) = iri_of(cur)
    {
        return Ok(Value::String(iri));
    }
    if owner.starts_with("/users/") {
        return Ok(Value::String(owner.to_string()));
    }
    Err(BackendError::Validation(vec![Violation::new(
        "owner",
        format!("'{owner}' is not a RogerRoger user; give its IRI (/users/<id>)"),
    )]))
}

/// A merge-patch (RFC 7396) holding only what changed from `base` to
/// `edited`. `raw` is the server's current record, used to map shown labels
/// (tags, organizations, owner) back to IRIs and to keep embedded objects.
pub fn merge_patch(
    base: &Person,
    edited: &Person,
    raw: &Map<String, Value>,
) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    let mut put_str = |key: &str, old: &str, new: &str| {
        if old != new {
            m.insert(key.to_string(), non_empty(new));
        }
    };
    put_str("familyName", &base.family_name, &edited.family_name);
    put_str("givenName", &base.given_name, &edited.given_name);
    put_str(
        "additionalName",
        &base.additional_name,
        &edited.additional_name,
    );
    put_str(
        "honorificPrefix",
        &base.honorific_prefix,
        &edited.honorific_prefix,
    );
    put_str("initials", &base.initials, &edited.initials);
    put_str("jobTitle", &base.job_title, &edited.job_title);
    put_str("linkedinId", &base.linkedin, &edited.linkedin);
    if base.emails != edited.emails {
        m.insert(
            "emailAddresses".into(),
            emails_to_wire(&edited.emails, Some(raw)),
        );
    }
    if base.phones != edited.phones {
        m.insert(
            "phoneNumbers".into(),
            phones_to_wire(&edited.phones, Some(raw)),
        );
    }
    if let Some(address) = address_patch(&base.address, &edited.address)? {
        m.insert("address".into(), address);
    }
    if base.tags != edited.tags {
        let tags = labels_to_iris(
            &edited.tags,
            array(raw, "tags"),
            &TAG_LABELS,
            "/tags/",
            "tags",
        )?;
        m.insert("tags".into(), tags);
    }
    if base.company != edited.company {
        let orgs = labels_to_iris(
            &split_company(&edited.company),
            array(raw, "organizations"),
            &ORG_LABELS,
            "/organizations/",
            "organizations",
        )?;
        m.insert("organizations".into(), orgs);
    }
    if base.owner != edited.owner {
        m.insert("owner".into(), owner_to_wire(&edited.owner, Some(raw))?);
    }
    if base.archived != edited.archived {
        let at = if edited.archived {
            Value::String(now_rfc3339())
        } else {
            Value::Null
        };
        m.insert("archivedAt".into(), at);
    }
    if base.custom_fields != edited.custom_fields {
        return Err(BackendError::Validation(vec![Violation::new(
            "customFields",
            "RogerRoger has no custom fields",
        )]));
    }
    extra_patch(&base.extra, &edited.extra, &mut m);
    Ok(m)
}

/// Only the address parts that changed; merge-patch merges nested objects.
fn address_patch(base: &Address, edited: &Address) -> Result<Option<Value>> {
    if base.region != edited.region && !edited.region.is_empty() {
        return Err(BackendError::Validation(vec![Violation::new(
            "address.region",
            "RogerRoger addresses have no region",
        )]));
    }
    let mut a = Map::new();
    let parts = [
        ("street", &base.street, &edited.street),
        ("postalCode", &base.postal_code, &edited.postal_code),
        ("city", &base.city, &edited.city),
        ("country", &base.country, &edited.country),
    ];
    for (key, old, new) in parts {
        if old != new {
            a.insert(key.into(), non_empty(new));
        }
    }
    Ok((!a.is_empty()).then_some(Value::Object(a)))
}

/// Unknown fields the caller changed or removed (JSON-LD and read-only keys
/// are the server's, never ours to write).
fn extra_patch(base: &Map<String, Value>, edited: &Map<String, Value>, m: &mut Map<String, Value>) {
    let writable = |k: &str| !k.starts_with('@') && !READ_ONLY.contains(&k);
    for (k, v) in edited {
        if writable(k) && base.get(k) != Some(v) {
            m.insert(k.clone(), v.clone());
        }
    }
    for k in base.keys() {
        if writable(k) && !edited.contains_key(k) {
            m.insert(k.clone(), Value::Null);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire() -> Value {
        json!({
            "@context": "/contexts/Person", "@id": "/people/42", "@type": "Person",
            "id": "42", "familyName": "Doe", "givenName": "Jane", "additionalName": null,
            "honorificPrefix": "Dr", "initials": "JD", "customerId": "C-7", "isTracked": true,
            "linkedinId": "janedoe", "createdAt": "2024-01-01T10:00:00+00:00",
            "updatedAt": "2024-02-01T10:00:00+00:00", "archivedAt": null,
            "owner": {"@id": "/users/3", "fullName": "Owen Owner"},
            "jobTitle": "CTO",
            "tags": [{"@id": "/tags/1", "title": "VIP", "backgroundColor": "#f00", "textColor": "#fff"}, "/tags/2"],
            "segments": ["/segments/9"],
            "organizations": [{"@id": "/organizations/5", "name": "Acme"}],
            "emailAddresses": [{"@context": "x", "@type": "EmailAddress", "email": "jane@acme.test"}],
            "phoneNumbers": [{"phoneNumber": "+31 20 1234567", "phoneType": "mobile"}],
            "address": {"@id": "/addresses/1", "street": "Main 1", "postalCode": "1000 AA", "city": "Amsterdam", "country": "NL"},
            "dealSize": 5000, "integrationParticipants": ["https://example.com/"]
        })
    }

    #[test]
    fn wire_maps_to_person_and_keeps_unknown_fields() {
        let p = person_from_wire(wire()).unwrap();
        assert_eq!(p.id, "42");
        assert_eq!(p.full_name(), "Dr Jane Doe");
        assert_eq!(p.emails, ["jane@acme.test"]);
        assert_eq!(p.phones[0].kind, "mobile");
        assert_eq!(p.address.city, "Amsterdam");
        assert_eq!(p.tags, ["VIP", "/tags/2"]);
        assert_eq!(p.company, "Acme");
        assert_eq!(p.owner, "Owen Owner");
        assert_eq!(p.version.as_deref(), Some("2024-02-01T10:00:00+00:00"));
        assert!(!p.archived);
        for key in [
            "@id",
            "customerId",
            "isTracked",
            "segments",
            "dealSize",
            "integrationParticipants",
        ] {
            assert!(p.extra.contains_key(key), "{key} missing from extra");
        }
        assert!(!p.extra.contains_key("familyName"));
    }

    #[test]
    fn patch_holds_only_changed_fields() {
        let raw = wire();
        let base = person_from_wire(raw.clone()).unwrap();
        let mut edited = base.clone();
        edited.job_title = "CEO".into();
        edited.address.city = "Utrecht".into();
        edited.tags = vec!["/tags/2".into(), "VIP".into()];
        let patch = merge_patch(&base, &edited, raw.as_object().unwrap()).unwrap();
        assert_eq!(
            Value::Object(patch),
            json!({"jobTitle": "CEO", "address": {"city": "Utrecht"}, "tags": ["/tags/2", "/tags/1"]})
        );
        let same = merge_patch(&base, &base, raw.as_object().unwrap()).unwrap();
        assert!(same.is_empty());
    }

    #[test]
    fn unknown_labels_are_refused_not_dropped() {
        let raw = wire();
        let base = person_from_wire(raw.clone()).unwrap();
        let mut edited = base.clone();
        edited.tags.push("Brand new".into());
        let err = merge_patch(&base, &edited, raw.as_object().unwrap()).unwrap_err();
        assert!(matches!(err, BackendError::Validation(v) if v[0].field == "tags"));
        edited = base.clone();
        edited.address.region = "Noord-Holland".into();
        assert!(merge_patch(&base, &edited, raw.as_object().unwrap()).is_err());
    }

    #[test]
    fn emails_keep_server_objects_and_removals_become_null() {
        let raw = wire();
        let base = person_from_wire(raw.clone()).unwrap();
        let mut edited = base.clone();
        edited.emails.push("j@home.test".into());
        edited.extra.remove("dealSize");
        let patch = merge_patch(&base, &edited, raw.as_object().unwrap()).unwrap();
        assert_eq!(
            patch["emailAddresses"],
            json!([{"email": "jane@acme.test"}, {"email": "j@home.test"}])
        );
        assert_eq!(patch["dealSize"], Value::Null);
    }

    #[test]
    fn collections_new_and_hydra_style() {
        let new = Collection::parse(json!({
            "member": [{"id": "1"}], "totalItems": 40,
            "view": {"@id": "/people?page=1", "next": "/people?itemsPerPage=30&page=2"}
        }))
        .unwrap();
        assert_eq!((new.total, new.next_page(1)), (Some(40), Some(2)));
        let old = Collection::parse(json!({
            "hydra:member": [], "hydra:totalItems": 0,
            "hydra:view": {"@id": "/people?page=3"}
        }))
        .unwrap();
        assert_eq!((old.total, old.next_page(3)), (Some(0), None));
        let looping =
            Collection::parse(json!({"member": [], "view": {"next": "/people?page=1"}})).unwrap();
        assert_eq!(looping.next_page(1), None);
        assert!(Collection::parse(json!({"items": []})).is_err());
        assert!(Collection::parse(json!([1])).is_err());
    }

    #[test]
    fn create_body_sends_model_and_writable_extra_fields() {
        let mut p = person_from_wire(wire()).unwrap();
        p.tags = vec!["/tags/1".into()];
        p.company = "/organizations/5".into();
        p.owner = "/users/3".into();
        let body = person_to_wire(&p).unwrap();
        assert_eq!(body["familyName"], "Doe");
        assert_eq!(body["customerId"], "C-7");
        assert_eq!(body["tags"], json!(["/tags/1"]));
        assert!(!body.contains_key("@id") && !body.contains_key("createdAt"));
        assert_eq!(body["additionalName"], Value::Null);
    }

    #[test]
    fn ids_cannot_escape_the_path() {
        assert!(person_path("../admin").is_err());
        assert!(person_path("a/b").is_err());
        assert!(person_path("").is_err());
        assert_eq!(person_path("0193-ab_c").unwrap(), "/people/0193-ab_c");
    }

    #[test]
    fn notes_read_description_and_flag() {
        let n = note_from_wire(
            &json!({"@id": "/people/1/notes/7", "description": "Called", "title": null,
                    "flagged": true, "category": {"@id": "/note_categories/2", "name": "Call"},
                    "author": "/users/1", "createdAt": "2024-01-01T00:00:00+00:00"}),
            "1",
        )
        .unwrap();
        assert_eq!(
            (n.id.as_str(), n.text.as_str(), n.flagged),
            ("7", "Called", true)
        );
        assert_eq!(n.category, "/note_categories/2");
        assert!(note_from_wire(&json!("x"), "1").is_err());
    }
}
