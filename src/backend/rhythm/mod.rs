//! Rhythm Rolodex contacts adapter (see shared/api/rhythm-rolodex-contacts.txt).
//!
//! Wire facts this file relies on:
//! - every path is tenant-scoped: `/contacts/{tenant}/...`;
//! - auth is a static `Authorization` value (as the docs' samples show) or an
//!   OAuth2 client-credentials Bearer token ([`ClientCredentials`]);
//! - listing and searching is `POST /contacts/{tenant}/search` with a filter
//!   body, paged by `LastEvaluatedKey` -> `?exclusiveStartKey=`; a page may be
//!   short or empty while a key remains, an absent or null key ends it;
//! - PATCH takes an RFC 6902 array (`Request Body schema: application/json`,
//!   so that is the content type sent); PUT replaces the whole record;
//! - `sys_version` increments on every write; `notes` is one text field;
//! - `PUT .../{id}/merge {source_ids}` merges contacts;
//! - `GET .../socialProfile/{emailAddress}` looks a profile up.
//!
//! Mapping: fields [`Person`] knows are lifted out of the record; everything
//! else (and every `sys_*` field, the address objects and `notes`) stays in
//! [`Person::extra`] verbatim. [`person_to_wire`] rebuilds the record, so an
//! update is `json_patch::diff(wire(base), wire(edited))`: exactly the fields
//! the user changed, guarded by a `test` of `sys_version`.

use super::http::{Auth, HttpClient, HttpConfig, JSON, RequestSpec, TokenSource};
use super::introzy::encode_segment;
use super::{Backend, BackendError, Cursor, EnrichOutcome, FieldProposal, ListQuery, Page, Result};
use crate::model::{
    Address, Capabilities, EnrichKind, Note, NoteId, Person, Phone, Violation, validate_person,
};
use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The single note a contact has; its id is fixed.
pub const NOTE_ID: &str = "notes";

/// `(Person field, wire key)` for plain text fields.
const TEXT_FIELDS: &[(&str, &str)] = &[
    ("honorificPrefix", "prefix"),
    ("givenName", "first_name"),
    ("additionalName", "middle_name"),
    ("familyName", "last_name"),
    ("company", "organization_name"),
    ("jobTitle", "job_title"),
    ("linkedin", "linked_in"),
];

const EMAIL_KEYS: &[&str] = &["email_address", "email_address2", "email_address3"];

/// `(phone kind, wire key)`; kinds follow `preferred_phone_number_type`.
const PHONE_KEYS: &[(&str, &str)] = &[
    ("mobile", "mobile_phone_number"),
    ("work", "work_phone_number"),
    ("home", "home_phone_number"),
    ("work mobile", "work_mobile_phone_number"),
    ("school", "school_phone_number"),
    ("fax", "fax_phone_number"),
];

/// Where a phone without a known kind may go, in order of preference.
const GENERIC_PHONE_SLOTS: &[&str] = &["mobile", "work", "home", "work mobile", "school"];

fn text_slot<'a>(p: &'a mut Person, field: &str) -> Option<&'a mut String> {
    Some(match field {
        "honorificPrefix" => &mut p.honorific_prefix,
        "givenName" => &mut p.given_name,
        "additionalName" => &mut p.additional_name,
        "familyName" => &mut p.family_name,
        "company" => &mut p.company,
        "jobTitle" => &mut p.job_title,
        "linkedin" => &mut p.linkedin,
        _ => return None,
    })
}

fn text_of<'a>(p: &'a Person, field: &str) -> &'a str {
    match field {
        "honorificPrefix" => &p.honorific_prefix,
        "givenName" => &p.given_name,
        "additionalName" => &p.additional_name,
        "familyName" => &p.family_name,
        "company" => &p.company,
        "jobTitle" => &p.job_title,
        "linkedin" => &p.linkedin,
        _ => "",
    }
}

fn non_empty_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

// ----------------------------------------------------------------- address

/// Which address object the contact's address lives in: the preferred
/// type's, else work, else home.
fn address_key(obj: &Map<String, Value>) -> String {
    let preferred = non_empty_str(obj, "preferred_address_type")
        .map(|t| format!("{}_address", t.replace(' ', "_")));
    preferred
        .into_iter()
        .chain(["work_address".to_string(), "home_address".to_string()])
        .find(|k| obj.get(k).is_some_and(Value::is_object))
        .unwrap_or_else(|| "work_address".to_string())
}

/// Accepted spellings per [`Address`] part; the address schema is not
/// documented, so read leniently and write back under the spelling found.
const ADDRESS_PARTS: &[(&str, &[&str])] = &[
    ("street", &["line1", "address1", "street", "street_address"]),
    (
        "postalCode",
        &["postal_code", "zip", "zip_code", "postcode"],
    ),
    ("city", &["city", "locality"]),
    ("region", &["state", "region", "province"]),
    ("country", &["country", "country_code"]),
];

fn address_part<'a>(a: &'a mut Address, part: &str) -> &'a mut String {
    match part {
        "street" => &mut a.street,
        "postalCode" => &mut a.postal_code,
        "city" => &mut a.city,
        "region" => &mut a.region,
        _ => &mut a.country,
    }
}

fn address_from(obj: &Map<String, Value>) -> Address {
    let mut address = Address::default();
    let Some(Value::Object(a)) = obj.get(&address_key(obj)) else {
        return address;
    };
    for (part, keys) in ADDRESS_PARTS {
        if let Some(v) = keys.iter().find_map(|k| non_empty_str(a, k)) {
            *address_part(&mut address, part) = v.to_string();
        }
    }
    address
}

/// Write `address` into the record's address object, keeping its other keys.
fn overlay_address(obj: &mut Map<String, Value>, address: &Address) {
    let key = address_key(obj);
    let mut target = match obj.get(&key) {
        Some(Value::Object(a)) => a.clone(),
        _ => Map::new(),
    };
    let mut address = address.clone();
    for (part, keys) in ADDRESS_PARTS {
        let wire_key = keys
            .iter()
            .find(|k| target.contains_key(**k))
            .unwrap_or(&keys[0]);
        let value = std::mem::take(address_part(&mut address, part));
        if value.is_empty() {
            target.remove(*wire_key);
        } else {
            target.insert((*wire_key).to_string(), json!(value));
        }
    }
    obj.insert(key, Value::Object(target));
}

// ------------------------------------------------------------------ mapping

/// Wire contact -> [`Person`]. Keys are lifted out of `extra` only when they
/// hold a non-empty string, so `"first_name": null` survives a round trip.
pub fn person_from_wire(v: &Value) -> Result<Person> {
    let obj = v
        .as_object()
        .ok_or_else(|| BackendError::Malformed("a contact is not a JSON object".into()))?;
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(BackendError::Malformed("a contact has no id".into())),
    };
    let mut person = Person {
        id,
        ..Default::default()
    };
    let mut lifted: HashSet<&str> = HashSet::from(["id"]);
    for (field, key) in TEXT_FIELDS {
        if let (Some(s), Some(slot)) = (non_empty_str(obj, key), text_slot(&mut person, field)) {
            *slot = s.to_string();
            lifted.insert(key);
        }
    }
    for key in EMAIL_KEYS {
        if let Some(s) = non_empty_str(obj, key) {
            person.emails.push(s.to_string());
            lifted.insert(key);
        }
    }
    for (kind, key) in PHONE_KEYS {
        if let Some(s) = non_empty_str(obj, key) {
            person.phones.push(Phone {
                number: s.to_string(),
                kind: (*kind).to_string(),
            });
            lifted.insert(key);
        }
    }
    person.archived = non_empty_str(obj, "status") == Some("inactive");
    person.address = address_from(obj);
    person.created_at = non_empty_str(obj, "sys_created_at").map(str::to_string);
    person.updated_at = non_empty_str(obj, "sys_last_modified_at").map(str::to_string);
    person.version = obj.get("sys_version").and_then(|v| match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    });
    person.extra = obj
        .iter()
        .filter(|(k, _)| !lifted.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(person.normalize())
}

/// Fields Rhythm has no place for; editing them must fail loudly.
fn unstorable(p: &Person) -> Vec<Violation> {
    let mut out = Vec::new();
    if !p.tags.is_empty() {
        out.push(Violation::new("tags", "Rhythm contacts have no tags"));
    }
    if !p.owner.is_empty() {
        out.push(Violation::new("owner", "Rhythm contacts have no owner"));
    }
    if !p.custom_fields.is_empty() {
        out.push(Violation::new(
            "customFields",
            "Rhythm custom fields are not editable in rolo",
        ));
    }
    if p.emails.len() > EMAIL_KEYS.len() {
        out.push(Violation::new(
            "emails",
            "Rhythm stores at most three email addresses",
        ));
    }
    out
}

/// Assign phones to wire keys: by kind first, then generic slots in order.
fn phone_slots(phones: &[Phone]) -> std::result::Result<Vec<(&'static str, String)>, Violation> {
    let mut taken: Vec<(&'static str, String)> = Vec::new();
    let mut pending = Vec::new();
    for phone in phones {
        let kind = phone.kind.trim().to_lowercase();
        match PHONE_KEYS.iter().find(|(k, _)| *k == kind) {
            Some((_, key)) if !taken.iter().any(|(t, _)| t == key) => {
                taken.push((key, phone.number.clone()))
            }
            _ => pending.push(phone),
        }
    }
    for phone in pending {
        let free = GENERIC_PHONE_SLOTS
            .iter()
            .filter_map(|kind| PHONE_KEYS.iter().find(|(k, _)| k == kind))
            .map(|(_, key)| *key)
            .find(|key| !taken.iter().any(|(t, _)| t == key));
        match free {
            Some(key) => taken.push((key, phone.number.clone())),
            None => {
                return Err(Violation::new(
                    "phones",
                    format!("no free phone slot for '{}' in Rhythm", phone.number),
                ));
            }
        }
    }
    Ok(taken)
}

/// Set or clear one lifted key: a value is written, an empty value removes
/// the key unless the record kept it verbatim (null or "").
fn put_text(obj: &mut Map<String, Value>, extra: &Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        obj.insert(key.to_string(), json!(value));
    } else if !extra.contains_key(key) {
        obj.remove(key);
    }
}

/// [`Person`] -> the full wire record (every field the server sent plus the
/// user's edits). `id` is included when known; [`create_body`] drops it.
pub fn person_to_wire(p: &Person) -> std::result::Result<Map<String, Value>, Vec<Violation>> {
    let mut violations = unstorable(p);
    let mut obj = p.extra.clone();
    if !p.id.is_empty() {
        obj.insert("id".into(), json!(p.id));
    }
    for (field, key) in TEXT_FIELDS {
        put_text(&mut obj, &p.extra, key, text_of(p, field));
    }
    for (i, key) in EMAIL_KEYS.iter().enumerate() {
        let email = p.emails.get(i).map(String::as_str).unwrap_or_default();
        put_text(&mut obj, &p.extra, key, email);
    }
    match phone_slots(&p.phones) {
        Ok(slots) => {
            for (_, key) in PHONE_KEYS {
                let number = slots
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, n)| n.as_str())
                    .unwrap_or_default();
                put_text(&mut obj, &p.extra, key, number);
            }
        }
        Err(v) => violations.push(v),
    }
    let status = p.extra.get("status").and_then(Value::as_str);
    match (p.archived, status) {
        (true, Some("inactive")) | (false, None) => {}
        (true, _) => {
            obj.insert("status".into(), json!("inactive"));
        }
        (false, Some("inactive")) => {
            obj.insert("status".into(), json!("active"));
        }
        (false, Some(_)) => {}
    }
    // Only touch the address object when the user changed the address, so an
    // unknown address shape is never rewritten.
    if p.address != address_from(&p.extra) {
        overlay_address(&mut obj, &p.address);
    }
    if violations.is_empty() {
        Ok(obj)
    } else {
        Err(violations)
    }
}

/// What a Rhythm contact holds: one notes text, no tags, up to three
/// emails; no field is required by the API.
pub fn capabilities() -> Capabilities {
    use crate::model::PersonField as F;
    Capabilities {
        notes: true,
        multiple_notes: false,
        flag_notes: false,
        note_titles: false,
        note_categories: false,
        enrich: Some(EnrichKind::Lookup),
        server_search: true,
        delete: true,
        archive: true,
        merge: true,
        custom_fields: false,
        note_edit: true,
        note_delete: true,
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
            F::Region,
            F::Country,
            F::Linkedin,
        ],
        required: &[],
    }
}

/// The rules every backend shares (email and phone shapes).
fn validate(p: &Person) -> Vec<Violation> {
    validate_person(p, &capabilities())
}

/// The POST body: the wire record without `id` or server-managed fields.
pub fn create_body(p: &Person) -> std::result::Result<Value, Vec<Violation>> {
    let mut v = validate(p);
    let mut obj = match person_to_wire(p) {
        Ok(o) => o,
        Err(e) => {
            v.extend(e);
            return Err(v);
        }
    };
    if !v.is_empty() {
        return Err(v);
    }
    obj.retain(|k, _| k != "id" && !k.starts_with("sys_"));
    Ok(Value::Object(obj))
}

/// The PATCH body: `test` of the version the edit started from, then the
/// RFC 6902 diff of the two wire records. Empty when nothing changed.
pub fn patch_ops(
    base: &Person,
    edited: &Person,
) -> std::result::Result<Vec<Value>, Vec<Violation>> {
    let mut v = validate(edited);
    let new = person_to_wire(edited);
    let old = person_to_wire(base);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) if v.is_empty() => (o, n),
        (_, n) => {
            if let Err(e) = n {
                v.extend(e);
            }
            // The base came from the server; it can only fail if the model
            // was edited into it, so blame the edit.
            if v.is_empty() {
                v.push(Violation::new(
                    "record",
                    "the loaded record cannot be written back",
                ));
            }
            return Err(v);
        }
    };
    let diff = json_patch::diff(&Value::Object(old), &Value::Object(new));
    let ops: Vec<Value> = match serde_json::to_value(&diff) {
        Ok(Value::Array(ops)) => ops,
        _ => Vec::new(),
    };
    Ok(with_version_test(ops, base))
}

fn with_version_test(ops: Vec<Value>, base: &Person) -> Vec<Value> {
    if ops.is_empty() {
        return ops;
    }
    match base.extra.get("sys_version") {
        Some(version) => {
            std::iter::once(json!({"op": "test", "path": "/sys_version", "value": version}))
                .chain(ops)
                .collect()
        }
        None => ops,
    }
}

/// Did `current` already receive `ops`? (A PATCH whose reply was lost.)
fn ops_applied(current: &Value, ops: &[Value]) -> bool {
    ops.iter().all(|op| {
        let path = str_at(op, "path");
        match str_at(op, "op") {
            "test" => true,
            "remove" => current.pointer(path).is_none(),
            _ => current.pointer(path) == op.get("value"),
        }
    })
}

// ------------------------------------------------------------------ search

/// The filter bodies one free-text search runs, in order. Rhythm filters by
/// field, so a single word is tried as last name, first name and
/// organization; results are de-duplicated by [`RhythmBackend::list_all`].
pub fn search_bodies(search: Option<&str>) -> Vec<Value> {
    let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) else {
        return vec![json!({})];
    };
    if q.contains('@') {
        return vec![json!({"email_address": q})];
    }
    let words: Vec<&str> = q.split_whitespace().collect();
    match words.as_slice() {
        [one] => vec![
            json!({"last_name": one}),
            json!({"first_name": one}),
            json!({"organization_name": one}),
        ],
        [first, rest @ ..] => vec![
            json!({"first_name": first, "last_name": rest.join(" ")}),
            json!({"organization_name": q}),
        ],
        [] => vec![json!({})],
    }
}

/// Position in a (possibly multi-phase) search: phase index and the server's
/// key within it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SearchCursor {
    phase: usize,
    key: Option<String>,
}

impl SearchCursor {
    fn encode(&self) -> Cursor {
        Cursor(json!({"phase": self.phase, "key": self.key}).to_string())
    }

    fn decode(c: &Cursor) -> Result<Self> {
        let v: Value = serde_json::from_str(&c.0)
            .map_err(|_| BackendError::Malformed(format!("bad cursor {}", c.0)))?;
        let phase = v
            .get("phase")
            .and_then(Value::as_u64)
            .ok_or_else(|| BackendError::Malformed(format!("bad cursor {}", c.0)))?;
        Ok(SearchCursor {
            phase: usize::try_from(phase).unwrap_or(usize::MAX),
            key: v.get("key").and_then(Value::as_str).map(str::to_string),
        })
    }
}

/// `LastEvaluatedKey` as the string to send back; absent or null = done. A
/// DynamoDB-style object key is passed back as its JSON text.
fn last_key(body: &Value) -> Option<String> {
    match body.get("LastEvaluatedKey") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    }
}

// ------------------------------------------------------------------ enrich

/// Proposals from a social profile; a proposal is made only where the
/// profile differs from the contact, and nothing is applied here.
pub fn social_proposals(person: &Person, profile: &Value) -> Vec<FieldProposal> {
    let mut out = Vec::new();
    let mut propose = |field: &str, current: &str, proposed: &str| {
        let proposed = proposed.trim();
        if !proposed.is_empty() && proposed != current {
            out.push(FieldProposal {
                field: field.to_string(),
                current: current.to_string(),
                proposed: proposed.to_string(),
            });
        }
    };
    let full = str_at(profile, "fullName").trim();
    if let Some((first, last)) = full.split_once(' ') {
        propose("givenName", &person.given_name, first);
        propose("familyName", &person.family_name, last);
    }
    propose("company", &person.company, str_at(profile, "organization"));
    propose("jobTitle", &person.job_title, str_at(profile, "title"));
    propose("linkedin", &person.linkedin, str_at(profile, "linkedin"));
    for (wire, from) in [
        ("twitter", "twitter"),
        ("facebook", "facebook"),
        ("image_url", "avatar"),
    ] {
        let current = person
            .extra
            .get(wire)
            .and_then(Value::as_str)
            .unwrap_or_default();
        propose(&format!("extra.{wire}"), current, str_at(profile, from));
    }
    out
}

// ------------------------------------------------------------------ OAuth2

/// OAuth2 client-credentials settings.
#[derive(Clone)]
pub struct OAuthSettings {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub audience: Option<String>,
    /// Fetch a new token this long before expiry (capped at half the
    /// token's lifetime, so short-lived tokens are still reused).
    pub refresh_margin: Duration,
}

impl std::fmt::Debug for OAuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSettings")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("audience", &self.audience)
            .finish()
    }
}

struct CachedToken {
    header: SecretString,
    refresh_at: Instant,
}

/// A [`TokenSource`] that fetches a client-credentials token, caches it and
/// refreshes it before it expires (or after the server rejected it).
/// Concurrent callers share one fetch.
pub struct ClientCredentials {
    settings: OAuthSettings,
    http: HttpClient,
    cached: std::sync::Mutex<Option<CachedToken>>,
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// `http` supplies timeouts and the User-Agent; its base URL is replaced
    /// by the token URL.
    pub fn new(settings: OAuthSettings, http: &HttpConfig) -> Result<Self> {
        let config = HttpConfig {
            base_url: settings.token_url.clone(),
            rate_limit: None,
            ..http.clone()
        };
        Ok(ClientCredentials {
            http: HttpClient::new(config, Auth::None)?,
            settings,
            cached: std::sync::Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    fn fresh(&self) -> Option<SecretString> {
        let guard = self.cached.lock().ok()?;
        guard
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .map(|t| t.header.clone())
    }

    async fn fetch(&self) -> Result<CachedToken> {
        let s = &self.settings;
        let mut form = vec![
            (
                "grant_type".to_string(),
                SecretString::from("client_credentials"),
            ),
            (
                "client_id".to_string(),
                SecretString::from(s.client_id.clone()),
            ),
            ("client_secret".to_string(), s.client_secret.clone()),
        ];
        if let Some(aud) = &s.audience {
            form.push(("audience".to_string(), SecretString::from(aud.clone())));
        }
        // Asking twice for a token is harmless.
        let spec = RequestSpec::new(super::http::Method::POST, s.token_url.clone())
            .form(form)
            .idempotent(true);
        let reply = self.http.send(spec).await.map_err(|e| match e {
            BackendError::Unauthorized(m) => {
                BackendError::Unauthorized(format!("the token endpoint refused the client: {m}"))
            }
            BackendError::Validation(v) => BackendError::Unauthorized(format!(
                "the token request was refused: {}",
                v.iter()
                    .map(|v| v.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            other => other,
        })?;
        let body: Value = reply.json()?;
        parse_token(&body, s.refresh_margin)
    }
}

/// `{access_token, token_type, expires_in}` -> header value and refresh time.
fn parse_token(body: &Value, margin: Duration) -> Result<CachedToken> {
    let token = str_at(body, "access_token");
    if token.is_empty() {
        return Err(BackendError::Unauthorized(
            "the token endpoint sent no access_token".into(),
        ));
    }
    let kind = match str_at(body, "token_type") {
        "" => "Bearer",
        t if t.eq_ignore_ascii_case("bearer") => "Bearer",
        t => t,
    };
    // Without expires_in assume an hour; the 401 path covers a wrong guess.
    let lifetime = Duration::from_secs(
        body.get("expires_in")
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(3600),
    );
    let margin = margin.min(lifetime / 2);
    Ok(CachedToken {
        header: SecretString::from(format!("{kind} {token}")),
        refresh_at: Instant::now() + lifetime - margin,
    })
}

#[async_trait]
impl TokenSource for ClientCredentials {
    async fn header_value(&self) -> Result<SecretString> {
        if let Some(h) = self.fresh() {
            return Ok(h);
        }
        let _single_flight = self.fetching.lock().await;
        // Another caller may have fetched while we waited.
        if let Some(h) = self.fresh() {
            return Ok(h);
        }
        let token = self.fetch().await?;
        let header = token.header.clone();
        if let Ok(mut guard) = self.cached.lock() {
            *guard = Some(token);
        }
        Ok(header)
    }

    fn invalidate(&self) {
        if let Ok(mut guard) = self.cached.lock() {
            *guard = None;
        }
    }
}

/// How the adapter authenticates.
#[derive(Clone, Debug)]
pub enum RhythmAuth {
    /// Sent as the `Authorization` header verbatim, as the docs' samples do.
    Static(SecretString),
    ClientCredentials(OAuthSettings),
}

// ------------------------------------------------------------------ adapter

/// The Rhythm Rolodex adapter. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RhythmBackend {
    http: HttpClient,
    tenant: String,
}

fn unsupported(what: &str) -> BackendError {
    BackendError::Unsupported(format!("Rhythm {what}"))
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

    /// PUT the whole record: every field the server sent, with the edits.
    pub async fn replace_person(&self, edited: &Person) -> Result<Person> {
        let mut v = validate(edited);
        let body = match person_to_wire(edited) {
            Ok(b) if v.is_empty() => b,
            Ok(_) => return Err(BackendError::Validation(v)),
            Err(e) => {
                v.extend(e);
                return Err(BackendError::Validation(v));
            }
        };
        let spec = RequestSpec::put(self.contact_path(&edited.id), Value::Object(body));
        let reply = self.http.send(spec).await?;
        person_from_wire(&reply.json()?)
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
            Ok(reply) => person_from_wire(&reply.json()?),
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
            Err(e) => Err(e),
        }
    }

    async fn search_page(
        &self,
        body: &Value,
        key: Option<&str>,
    ) -> Result<(Vec<Person>, Option<String>)> {
        let mut spec = RequestSpec::post(format!("{}/search", self.base()), body.clone())
            // A search changes nothing; repeating it is safe.
            .idempotent(true);
        if let Some(k) = key {
            spec = spec.query("exclusiveStartKey", k);
        }
        let reply: Value = self.http.send(spec).await?.json()?;
        let items = reply
            .get("Items")
            .and_then(Value::as_array)
            .ok_or_else(|| BackendError::Malformed("the search reply has no Items".into()))?;
        let people = items
            .iter()
            .filter_map(|v| match person_from_wire(v) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::warn!("rhythm: skipping a contact: {e}");
                    None
                }
            })
            .collect();
        Ok((people, last_key(&reply)))
    }

    /// PATCH `ops`; on a refusal, tell a version conflict from a bad edit,
    /// and on a lost reply, check whether the patch landed.
    async fn send_patch(&self, base: &Person, ops: Vec<Value>) -> Result<Person> {
        let spec = RequestSpec::patch(self.contact_path(&base.id), Value::Array(ops.clone()), JSON);
        match self.http.send(spec).await {
            Ok(reply) => person_from_wire(&reply.json()?),
            Err(e @ (BackendError::Validation(_) | BackendError::Conflict { .. })) => {
                let current = person_from_wire(&self.fetch(&base.id).await?)?;
                if current.version != base.version {
                    return Err(BackendError::Conflict {
                        message: format!(
                            "the contact changed on the server (version {} -> {}); reload and edit again",
                            base.version.as_deref().unwrap_or("?"),
                            current.version.as_deref().unwrap_or("?")
                        ),
                        existing: Some(current.id),
                    });
                }
                Err(e)
            }
            Err(BackendError::Network(msg)) => {
                let current = self.fetch(&base.id).await?;
                if ops_applied(&current, &ops) {
                    person_from_wire(&current)
                } else {
                    Err(BackendError::Network(msg))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Set (or clear, for `None`) the contact's one note.
    async fn write_note_field(&self, current: &Value, text: Option<&str>) -> Result<Person> {
        let base = person_from_wire(current)?;
        let mut ops = match (text, current.get("notes")) {
            (Some(t), Some(_)) => vec![json!({"op": "replace", "path": "/notes", "value": t})],
            (Some(t), None) => vec![json!({"op": "add", "path": "/notes", "value": t})],
            (None, Some(_)) => vec![json!({"op": "remove", "path": "/notes"})],
            (None, None) => return Ok(base),
        };
        ops = with_version_test(ops, &base);
        self.send_patch(&base, ops).await
    }
}

fn note_of(person_id: &str, contact: &Value) -> Option<Note> {
    let text = str_at(contact, "notes");
    (!text.trim().is_empty()).then(|| Note {
        id: NOTE_ID.to_string(),
        person_id: person_id.to_string(),
        text: text.to_string(),
        updated_at: contact
            .get("sys_last_modified_at")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Default::default()
    })
}

fn note_text(note: &Note) -> Result<String> {
    let text = [note.title.trim(), note.text.as_str()]
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

fn note_from_person(person_id: &str, p: &Person) -> Result<Note> {
    let raw = serde_json::to_value(&p.extra).unwrap_or(Value::Null);
    note_of(person_id, &raw).ok_or_else(|| BackendError::Malformed("the note was not saved".into()))
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
            None => SearchCursor {
                phase: 0,
                key: None,
            },
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
        let body = create_body(person).map_err(BackendError::Validation)?;
        let spec = RequestSpec::post(self.base(), body);
        match self.http.send(spec.clone()).await {
            Ok(reply) => person_from_wire(&reply.json()?),
            // The reply was lost; the contact may exist. Look before resending.
            Err(BackendError::Network(msg)) => match self.find_created(person).await {
                Ok(Some(found)) => Ok(found),
                Ok(None) => person_from_wire(&self.http.send(spec).await?.json()?),
                Err(_) => Err(BackendError::Network(msg)),
            },
            Err(e) => Err(e),
        }
    }

    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        let ops = patch_ops(base, edited).map_err(BackendError::Validation)?;
        if ops.is_empty() {
            return Ok(base.clone());
        }
        self.send_patch(base, ops).await
    }

    async fn set_archived(&self, id: &str, archived: bool) -> Result<Person> {
        let current = self.get_person(id).await?;
        let mut edited = current.clone();
        edited.archived = archived;
        self.update_person(&current, &edited).await
    }

    async fn delete_person(&self, id: &str) -> Result<()> {
        self.http
            .send(RequestSpec::delete(self.contact_path(id)))
            .await?;
        Ok(())
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        let contact = self.fetch(person_id).await?;
        Ok(note_of(person_id, &contact).into_iter().collect())
    }

    /// Rhythm has one note per contact: creating fills an empty one.
    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let text = note_text(note)?;
        let contact = self.fetch(person_id).await?;
        if note_of(person_id, &contact).is_some() {
            return Err(unsupported(
                "keeps one note per contact; edit the existing note instead",
            ));
        }
        let saved = self.write_note_field(&contact, Some(&text)).await?;
        note_from_person(person_id, &saved)
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        let text = note_text(note)?;
        let contact = self.fetch(person_id).await?;
        let saved = self.write_note_field(&contact, Some(&text)).await?;
        note_from_person(person_id, &saved)
    }

    async fn delete_note(&self, person_id: &str, note_id: &NoteId) -> Result<()> {
        let contact = self.fetch(person_id).await?;
        if note_id != NOTE_ID || note_of(person_id, &contact).is_none() {
            return Err(BackendError::NotFound(format!("note {note_id}")));
        }
        self.write_note_field(&contact, None).await?;
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

    /// Social-profile lookup by the primary email; proposals only.
    async fn enrich(&self, person: &Person) -> Result<EnrichOutcome> {
        let Some(email) = person.primary_email() else {
            return Err(BackendError::Validation(vec![Violation::new(
                "emails",
                "a social profile lookup needs an email address",
            )]));
        };
        let path = format!("{}/socialProfile/{}", self.base(), encode_segment(email));
        match self.http.send(RequestSpec::get(path)).await {
            Ok(reply) => Ok(EnrichOutcome::Proposals(social_proposals(
                person,
                &reply.json()?,
            ))),
            // "No profile" is an answer, not a failure.
            Err(BackendError::NotFound(_)) => Ok(EnrichOutcome::Proposals(Vec::new())),
            Err(e) => Err(e),
        }
    }
}

impl RhythmBackend {
    /// After a lost POST reply: a contact with the same email (or, without
    /// one, the same names) that the search returns is taken as ours.
    async fn find_created(&self, person: &Person) -> Result<Option<Person>> {
        let filter = match person.primary_email() {
            Some(e) => json!({"email_address": e}),
            None => json!({"first_name": person.given_name, "last_name": person.family_name}),
        };
        let mut key = None;
        loop {
            let (people, next) = self.search_page(&filter, key.as_deref()).await?;
            let hit = people.into_iter().find(|p| {
                p.given_name == person.given_name
                    && p.family_name == person.family_name
                    && p.primary_email() == person.primary_email()
            });
            if hit.is_some() {
                return Ok(hit);
            }
            match next {
                Some(k) => key = Some(k),
                None => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn sample() -> Value {
        json!({
            "id": "c-1",
            "number": 17,
            "first_name": "Ada",
            "middle_name": "",
            "last_name": "Lovelace",
            "email_address": "ada@example.com",
            "mobile_phone_number": "+44 20 7946 0000",
            "organization_name": "Analytical Engines",
            "status": "active",
            "preferred_address_type": "home",
            "home_address": {"line1": "12 St James's Sq", "city": "London", "country": "UK", "geo": [1, 2]},
            "custom_field_values": [{"id": "cf1", "value": "x"}],
            "notes": "Met at the RS",
            "sys_version": 4,
            "sys_created_at": "2024-01-01T00:00:00Z",
            "sys_last_modified_at": "2024-02-01T00:00:00Z",
        })
    }

    #[test]
    fn maps_known_fields_and_keeps_the_rest() {
        let p = person_from_wire(&sample()).unwrap();
        assert_eq!(p.given_name, "Ada");
        assert_eq!(p.emails, ["ada@example.com"]);
        assert_eq!(p.phones[0].kind, "mobile");
        assert_eq!(p.company, "Analytical Engines");
        assert_eq!(p.address.street, "12 St James's Sq");
        assert_eq!(p.address.city, "London");
        assert_eq!(p.version.as_deref(), Some("4"));
        assert_eq!(p.extra["middle_name"], "");
        assert_eq!(p.extra["notes"], "Met at the RS");
        assert!(!p.extra.contains_key("first_name"));
    }

    #[test]
    fn unchanged_person_round_trips_to_the_same_record() {
        let raw = sample();
        let p = person_from_wire(&raw).unwrap();
        assert_eq!(Value::Object(person_to_wire(&p).unwrap()), raw);
        assert!(patch_ops(&p, &p).unwrap().is_empty());
    }

    #[test]
    fn one_field_edit_is_a_version_test_and_one_replace() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.job_title = "Analyst".into();
        edited.given_name = "Augusta Ada".into();
        let ops = patch_ops(&base, &edited).unwrap();
        assert_eq!(
            Value::Array(ops),
            json!([
                {"op": "test", "path": "/sys_version", "value": 4},
                {"op": "replace", "path": "/first_name", "value": "Augusta Ada"},
                {"op": "add", "path": "/job_title", "value": "Analyst"},
            ])
        );
    }

    #[test]
    fn address_edit_keeps_unknown_address_keys() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.address.city = "Marylebone".into();
        let wire = person_to_wire(&edited).unwrap();
        assert_eq!(wire["home_address"]["city"], "Marylebone");
        assert_eq!(wire["home_address"]["geo"], json!([1, 2]));
    }

    #[test]
    fn archive_maps_to_status_and_clearing_removes_a_key() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.archived = true;
        edited.phones.clear();
        let ops = patch_ops(&base, &edited).unwrap();
        assert!(ops.contains(&json!({"op": "replace", "path": "/status", "value": "inactive"})));
        assert!(ops.contains(&json!({"op": "remove", "path": "/mobile_phone_number"})));
    }

    #[test]
    fn phones_without_kind_take_free_slots() {
        let phones = vec![
            Phone {
                number: "1".into(),
                kind: "work".into(),
            },
            Phone {
                number: "2".into(),
                kind: String::new(),
            },
            Phone {
                number: "3".into(),
                kind: "pager".into(),
            },
        ];
        let slots = phone_slots(&phones).unwrap();
        assert_eq!(
            slots,
            [
                ("work_phone_number", "1".to_string()),
                ("mobile_phone_number", "2".to_string()),
                ("home_phone_number", "3".to_string())
            ]
        );
    }

    #[test]
    fn create_body_has_no_id_or_sys_fields() {
        let p = Person {
            given_name: "Grace".into(),
            family_name: "Hopper".into(),
            ..Default::default()
        };
        assert_eq!(
            create_body(&p).unwrap(),
            json!({"first_name": "Grace", "last_name": "Hopper"})
        );
        assert!(create_body(&Person::default()).is_err());
    }

    #[test]
    fn search_phases() {
        assert_eq!(search_bodies(None), [json!({})]);
        assert_eq!(
            search_bodies(Some("a@b.c")),
            [json!({"email_address": "a@b.c"})]
        );
        assert_eq!(search_bodies(Some("Ada")).len(), 3);
        assert_eq!(
            search_bodies(Some("Ada King Lovelace"))[0],
            json!({"first_name": "Ada", "last_name": "King Lovelace"})
        );
    }

    #[test]
    fn last_key_absent_null_empty_or_object() {
        assert_eq!(last_key(&json!({})), None);
        assert_eq!(last_key(&json!({"LastEvaluatedKey": null})), None);
        assert_eq!(last_key(&json!({"LastEvaluatedKey": ""})), None);
        assert_eq!(
            last_key(&json!({"LastEvaluatedKey": "k"})).as_deref(),
            Some("k")
        );
        assert_eq!(
            last_key(&json!({"LastEvaluatedKey": {"id": "c-1"}})).as_deref(),
            Some(r#"{"id":"c-1"}"#)
        );
    }

    #[test]
    fn social_profile_proposes_only_differences() {
        let p = person_from_wire(&sample()).unwrap();
        let props = social_proposals(
            &p,
            &json!({"fullName": "Ada Lovelace", "organization": "Analytical Engines",
                    "title": "Countess", "twitter": "https://twitter.com/ada"}),
        );
        let fields: Vec<_> = props.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["jobTitle", "extra.twitter"]);
    }

    #[test]
    fn token_refreshes_before_expiry_and_secrets_stay_hidden() {
        let t = parse_token(
            &json!({"access_token": "abc", "token_type": "bearer", "expires_in": 100}),
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(t.header.expose_secret(), "Bearer abc");
        // Margin capped at half the lifetime: refresh after ~50 s, not ~40 s.
        let left = t.refresh_at.saturating_duration_since(Instant::now());
        assert!(left > Duration::from_secs(45) && left <= Duration::from_secs(50));
        assert!(parse_token(&json!({}), Duration::ZERO).is_err());
        let s = OAuthSettings {
            token_url: "https://auth.example.com/oauth/token".into(),
            client_id: "id".into(),
            client_secret: SecretString::from("very-secret"),
            audience: None,
            refresh_margin: Duration::from_secs(60),
        };
        assert!(!format!("{s:?}").contains("very-secret"));
    }

    #[test]
    fn lost_patch_detection() {
        let current = json!({"a": 1, "b": "x"});
        assert!(ops_applied(
            &current,
            &[
                json!({"op": "replace", "path": "/a", "value": 1}),
                json!({"op": "remove", "path": "/c"})
            ]
        ));
        assert!(!ops_applied(
            &current,
            &[json!({"op": "replace", "path": "/a", "value": 2})]
        ));
    }
}
