//! An in-process RogerRoger API that answers the way its documents do
//! (`../shared/api/rogerroger-people-reference.txt`,
//! `rogerroger-people-http-examples.txt`, `rogerroger-related-resources.md`;
//! DESIGN.md §4). `tests/rogerroger.rs` checks every response shape against
//! the documents' examples.
//!
//! * People and notes exactly as the examples show them: relations are IRI
//!   strings (`owner`, `tags`, `segments`, `organizations`, note `author`
//!   and `category`), never embedded objects; emails, phones and the
//!   address are embedded with their `@context`/`@type`.
//! * Collections are `{member, totalItems, view, search}` like the
//!   examples (older servers: `hydra:`-prefixed, [`set_hydra_prefix`]);
//!   `page`/`itemsPerPage` (≤ 30, default 15); `view.next` until the last
//!   page.
//! * The resources the IRIs name: `/tags` (with the `id`/`id[]` filters),
//!   `/organizations`, `/users/{id}`, `/segments/{id}`, `/note_categories`.
//! * Writes: POST/PUT take `application/ld+json` (or JSON), PATCH only
//!   `application/merge-patch+json` (415 otherwise). `familyName` is
//!   required (422 problem+json with `violations`). A client-chosen `id`
//!   is kept (it must be a UUID; a used one is a 422 on `id`).
//!
//! Where the documents are silent this does what API Platform on Symfony
//! does: an embedded object where an IRI belongs is a 400 ("Nested
//! documents … Use IRIs instead."), an IRI to nothing a 400 ("Item not
//! found"), a method the API does not declare (DELETE anywhere) a 405,
//! unknown body keys are ignored, POST answers 201. Users, segments and note
//! categories are not described by the documents: they are given `title`
//! (segments, categories, like tags and organisations) and
//! `firstName`/`lastName`/`email` (users), an assumption.
//!
//! Rate limit: off unless [`FakeRogerRoger::set_rate_limit`] (the documented
//! 20 per sliding minute, or a scaled budget); over it, 429 with
//! `Retry-After`. Faults and the request log come from `faults.rs`.

// Handlers return early with a ready `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use crate::faults::{self, Fault, Recorder};
use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const API_KEY: &str = "rr_test_key_5f2b9c0e7d41";
const MAX_PER_PAGE: usize = 30;
const DEFAULT_PER_PAGE: usize = 15;
/// The user the API key belongs to: the author of notes that name none.
pub const KEY_USER: &str = "/users/1";

/// The keys of a person in the documents' response examples, in order.
const PERSON_KEYS: [&str; 27] = [
    "@context",
    "@id",
    "@type",
    "familyName",
    "givenName",
    "additionalName",
    "initials",
    "customerId",
    "honorificPrefix",
    "isTracked",
    "linkedinId",
    "externalSource",
    "createdAt",
    "updatedAt",
    "importedAt",
    "archivedAt",
    "owner",
    "jobTitle",
    "tags",
    "segments",
    "organizations",
    "emailAddresses",
    "phoneNumbers",
    "address",
    "avatarUrl",
    "integrationParticipants",
    "id",
];
/// Writable fields the reference lists that the examples leave out; kept
/// (and returned) when a client sends them.
const PERSON_OPTIONAL: [&str; 4] = ["dealSize", "totalDeals", "totalLostDeals", "totalWonDeals"];
/// Keys the server owns; client values for them are ignored.
const SERVER_KEYS: [&str; 7] = [
    "@context",
    "@id",
    "@type",
    "createdAt",
    "updatedAt",
    "importedAt",
    "avatarUrl",
];
/// Relations, by attribute: the collection their IRIs must name.
const PERSON_LINKS: [(&str, &str); 3] = [
    ("tags", "tags"),
    ("segments", "segments"),
    ("organizations", "organizations"),
];

#[derive(Debug, Default)]
struct Data {
    people: Vec<Value>,
    notes: HashMap<String, Vec<Value>>,
    /// Tags, organisations, users, segments and note categories, by IRI.
    resources: HashMap<String, Value>,
    /// IRIs this API key may not read (403).
    forbidden: Vec<String>,
    hydra_prefix: bool,
    last_millis: i64,
    /// Bumped by every write; keys `list_cache`.
    generation: u64,
    /// The matches of the last list query (minus `page`), so paging through
    /// 10,000 people does not re-filter them for every page.
    list_cache: Option<(String, u64, Vec<usize>)>,
}

impl Data {
    fn person_index(&self, id: &str) -> Option<usize> {
        self.people.iter().position(|p| p["id"] == id)
    }

    fn person_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.people.iter_mut().find(|p| p["id"] == id)
    }

    /// Wall-clock time, strictly increasing so every write changes `updatedAt`.
    fn now(&mut self) -> String {
        self.generation += 1;
        let now = jiff::Timestamp::now().as_millisecond();
        self.last_millis = now.max(self.last_millis + 1);
        let ts = jiff::Timestamp::from_millisecond(self.last_millis)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        format!("{ts:.3}")
    }

    fn exists(&self, iri: &str) -> bool {
        self.resources.contains_key(iri)
    }

    /// A new resource in `collection` (`tags`, ...) with these fields.
    fn add_resource(&mut self, collection: &str, ty: &str, fields: Value) -> String {
        let prefix = format!("/{collection}/");
        let n = self
            .resources
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .count();
        let id = (n + 1).to_string();
        let iri = format!("{prefix}{id}");
        let now = self.now();
        let mut r = json!({
            "@context": format!("/contexts/{ty}"), "@id": iri, "@type": ty, "id": id,
        });
        if let (Some(r), Some(f)) = (r.as_object_mut(), fields.as_object()) {
            for (k, v) in f {
                r.insert(k.clone(), v.clone());
            }
            if matches!(collection, "tags" | "organizations") {
                r.insert("createdAt".into(), json!(now));
                r.insert("updatedAt".into(), json!(now));
            }
        }
        self.resources.insert(iri.clone(), r);
        iri
    }
}

/// The server's own budget: a sliding window of accepted requests.
#[derive(Debug, Default)]
struct Limit {
    budget: Option<(usize, Duration)>,
    accepted: VecDeque<Instant>,
    refused: usize,
}

/// One request as the server answered it, for measuring the rate.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub status: u16,
}

#[derive(Clone, Default)]
struct AppState {
    data: Arc<Mutex<Data>>,
    limit: Arc<Mutex<Limit>>,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
}

impl AppState {
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn limit(&self) -> MutexGuard<'_, Limit> {
        self.limit.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct FakeRogerRoger {
    pub base_url: String,
    pub recorder: Recorder,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRogerRoger {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// RFC 7807 problem body, as API Platform renders errors.
fn error_body(status: u16, detail: &str) -> Value {
    json!({
        "@context": "/contexts/Error",
        "@type": "hydra:Error",
        "type": format!("/errors/{status}"),
        "title": "An error occurred",
        "detail": detail,
        "status": status,
    })
}

fn problem(status: StatusCode, detail: &str) -> Response {
    reply(
        status,
        error_body(status.as_u16(), detail),
        "application/problem+json",
    )
}

fn violations(list: &[(&str, &str)]) -> Response {
    let detail = list
        .iter()
        .map(|(f, m)| format!("{f}: {m}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut body = error_body(422, &detail);
    body["violations"] = list
        .iter()
        .map(|(f, m)| json!({"propertyPath": f, "message": m, "code": "c1051bb4"}))
        .collect();
    reply(
        StatusCode::UNPROCESSABLE_ENTITY,
        body,
        "application/problem+json",
    )
}

fn reply(status: StatusCode, body: Value, content_type: &'static str) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    resp
}

fn ld(status: StatusCode, body: Value) -> Response {
    reply(status, body, "application/ld+json; charset=utf-8")
}

fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "Not Found")
}

/// A method the API does not declare on a route it has.
async fn not_allowed(req: Request) -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!(
            "No route found for \"{} {}\": Method Not Allowed",
            req.method(),
            req.uri().path()
        ),
    )
}

async fn auth(req: Request, next: Next) -> Response {
    match req.headers().get("x-api-key").and_then(|v| v.to_str().ok()) {
        Some(API_KEY) => next.run(req).await,
        // Real servers echo what they got; the client must scrub it.
        Some(other) => problem(
            StatusCode::UNAUTHORIZED,
            &format!("Invalid API key \"{other}\"."),
        ),
        None => problem(StatusCode::UNAUTHORIZED, "API key not found."),
    }
}

/// The tenant's budget (when set), and the log of what was answered.
async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let at = Instant::now();
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    let refused = {
        let mut limit = state.limit();
        match limit.budget {
            Some((n, per)) => {
                while limit
                    .accepted
                    .front()
                    .is_some_and(|&t| at.duration_since(t) >= per)
                {
                    limit.accepted.pop_front();
                }
                if limit.accepted.len() >= n {
                    limit.refused += 1;
                    let oldest = limit.accepted.front().copied().unwrap_or(at);
                    let wait = (oldest + per).saturating_duration_since(at);
                    Some(wait.as_secs_f64().ceil().max(1.0) as u64)
                } else {
                    limit.accepted.push_back(at);
                    None
                }
            }
            None => None,
        }
    };
    let resp = match refused {
        Some(secs) => {
            let mut resp = problem(
                StatusCode::TOO_MANY_REQUESTS,
                "Rate limit exceeded: 20 requests per minute per tenant.",
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            resp
        }
        None => next.run(req).await,
    };
    state
        .arrivals
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Arrival {
            at,
            method,
            path,
            status: resp.status().as_u16(),
        });
    resp
}

impl FakeRogerRoger {
    pub async fn start() -> FakeRogerRoger {
        let recorder = Recorder::default();
        let state = AppState::default();
        {
            let mut data = state.lock();
            data.add_resource(
                "users",
                "User",
                json!({"firstName": "Api", "lastName": "User", "email": "api@rogerroger.test"}),
            );
            data.add_resource(
                "note_categories",
                "NoteCategory",
                json!({"title": "General"}),
            );
            data.add_resource("note_categories", "NoteCategory", json!({"title": "Call"}));
        }
        let rec = recorder.clone();
        let app = Router::new()
            .route("/people", get(list_people).post(create_person))
            .route(
                "/people/{id}",
                get(get_person)
                    .put(put_person)
                    .patch(patch_person)
                    .delete(not_allowed),
            )
            .route("/people/{id}/notes", get(list_notes).post(create_note))
            .route(
                "/people/{id}/notes/{note_id}",
                get(get_note)
                    .put(put_note)
                    .patch(patch_note)
                    .delete(not_allowed),
            )
            .route("/tags", get(list_tags).post(create_tag))
            .route("/tags/{id}", get(get_resource).patch(patch_resource))
            .route(
                "/organizations",
                get(list_organizations).post(create_organization),
            )
            .route(
                "/organizations/{id}",
                get(get_resource).patch(patch_resource),
            )
            .route("/users/{id}", get(get_resource))
            .route("/segments/{id}", get(get_resource))
            .route("/note_categories", get(list_categories))
            .route("/note_categories/{id}", get(get_resource))
            .layer(middleware::from_fn(auth))
            .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
            .layer(middleware::from_fn(move |req: Request, next: Next| {
                faults::apply(rec.clone(), error_body, req, next)
            }))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake rogerroger");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeRogerRoger {
            base_url: format!("http://{addr}"),
            recorder,
            state,
            task,
        }
    }

    /// Store a person written the way a client would POST it (links as
    /// IRIs to resources that exist); returns its id. Panics on a body the
    /// server would refuse: a test must not seed what the API cannot hold.
    pub fn seed(&self, person: Value) -> String {
        let mut data = self.state.lock();
        let now = data.now();
        let record = match build_person(&data, None, &person, &now) {
            Ok(r) => r,
            Err(resp) => panic!("the fake refuses this seed ({}): {person}", resp.status()),
        };
        let id = record["id"].as_str().unwrap_or_default().to_string();
        data.people.push(record);
        id
    }

    /// `n` plain people named `Person{i} Family{i}`.
    pub fn seed_many(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                self.seed(json!({
                    "givenName": format!("Person{i}"),
                    "familyName": format!("Family{i:05}"),
                    "emailAddresses": [{"email": format!("person{i}@example.test")}],
                    "customerId": format!("C-{i}"),
                    "dealSize": i,
                }))
            })
            .collect()
    }

    /// A note by the key's user in the first category ("General").
    pub fn seed_note(&self, person_id: &str, description: &str, flagged: bool) -> String {
        let mut data = self.state.lock();
        let now = data.now();
        let body = json!({"description": description, "flagged": flagged,
                          "category": "/note_categories/1"});
        let note = build_note(&data, person_id, None, &body, &now).expect("a valid seed note");
        let id = note["id"].as_str().unwrap_or_default().to_string();
        data.notes
            .entry(person_id.to_string())
            .or_default()
            .push(note);
        id
    }

    /// A tag with its colours; returns its IRI.
    pub fn seed_tag(&self, title: &str, background: &str, text: &str) -> String {
        self.state.lock().add_resource(
            "tags",
            "Tag",
            json!({"title": title, "backgroundColor": background, "textColor": text,
                   "description": null}),
        )
    }

    /// An organisation; returns its IRI.
    pub fn seed_organization(&self, title: &str) -> String {
        self.state
            .lock()
            .add_resource("organizations", "Organization", organization_fields(title))
    }

    /// A user; returns its IRI.
    pub fn seed_user(&self, first: &str, last: &str) -> String {
        let email = format!("{}@rogerroger.test", first.to_lowercase());
        self.state.lock().add_resource(
            "users",
            "User",
            json!({"firstName": first, "lastName": last, "email": email}),
        )
    }

    pub fn seed_segment(&self, title: &str) -> String {
        self.state
            .lock()
            .add_resource("segments", "Segment", json!({"title": title}))
    }

    pub fn seed_category(&self, title: &str) -> String {
        self.state
            .lock()
            .add_resource("note_categories", "NoteCategory", json!({"title": title}))
    }

    /// Rename a tag or organisation, as another user would.
    pub fn retitle(&self, iri: &str, title: &str) {
        if let Some(r) = self.state.lock().resources.get_mut(iri) {
            r["title"] = json!(title);
        }
    }

    /// This API key may not read `iri` (403), like a user of another team.
    pub fn forbid(&self, iri: &str) {
        self.state.lock().forbidden.push(iri.to_string());
    }

    /// The stored record, exactly as the server holds it.
    pub fn raw(&self, id: &str) -> Option<Value> {
        self.state.lock().person_mut(id).map(|p| p.clone())
    }

    /// The person goes away as if removed in RogerRoger's own web app (its
    /// API has no DELETE); their notes go with them.
    pub fn remove_elsewhere(&self, id: &str) {
        let mut state = self.state.lock();
        state.people.retain(|p| p["id"] != id);
        state.notes.remove(id);
    }

    pub fn raw_notes(&self, person_id: &str) -> Vec<Value> {
        self.state
            .lock()
            .notes
            .get(person_id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn people_count(&self) -> usize {
        self.state.lock().people.len()
    }

    /// Answer collections with `hydra:member`/`hydra:view`, like older servers.
    pub fn set_hydra_prefix(&self, on: bool) {
        self.state.lock().hydra_prefix = on;
    }

    pub fn set_latency(&self, latency: Duration) {
        self.recorder.set_latency(latency);
    }

    pub fn inject(&self, method: Option<&str>, path: Option<&str>, fault: Fault, times: u32) {
        self.recorder.inject(method, path, fault, times);
    }

    /// Enforce `requests` per sliding window of `per` (the documented
    /// tenant budget is 20 per minute): over it, 429 with `Retry-After`.
    pub fn set_rate_limit(&self, requests: usize, per: Duration) {
        let mut limit = self.state.limit();
        limit.budget = Some((requests, per));
        limit.accepted.clear();
    }

    /// Requests refused with 429 by the budget (injected faults not counted).
    pub fn rate_limited(&self) -> usize {
        self.state.limit().refused
    }

    /// Every request that passed the fault layer, with its answer.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.state
            .arrivals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn organization_fields(title: &str) -> Value {
    json!({
        "title": title, "description": null, "website": null, "customerId": null,
        "externalSource": null, "chamberOfCommerceNumber": null, "linkedinId": null,
        "emailAddresses": [], "phoneNumbers": [],
        "address": {"city": null, "postalCode": null, "street": null, "country": null},
        "owner": null, "people": [], "tags": [], "segments": [], "archivedAt": null,
        "avatarUrl": null,
    })
}

// ------------------------------------------------------------- writes ----

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// POST/PUT take JSON-LD or JSON; PATCH only merge-patch (as API Platform 3+).
fn check_content_type(headers: &HeaderMap, patch: bool) -> Option<Response> {
    let ct = content_type(headers);
    let ok = if patch {
        ct == "application/merge-patch+json"
    } else {
        ct == "application/ld+json" || ct == "application/json"
    };
    let supported = if patch {
        "\"application/merge-patch+json\""
    } else {
        "\"application/ld+json\", \"application/json\""
    };
    (!ok).then(|| {
        problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!(
                "The content-type \"{ct}\" is not supported. Supported MIME types are {supported}."
            ),
        )
    })
}

fn parse_body(headers: &HeaderMap, body: &str, patch: bool) -> Result<Value, Response> {
    if let Some(resp) = check_content_type(headers, patch) {
        return Err(resp);
    }
    match serde_json::from_str::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(problem(StatusCode::BAD_REQUEST, "Syntax error")),
    }
}

fn bad_request(detail: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, detail)
}

/// One relation value: an IRI of `collection` that exists.
fn link(data: &Data, attr: &str, collection: &str, v: &Value) -> Result<Value, Response> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::String(iri) => {
            let prefix = format!("/{collection}/");
            if iri.starts_with(&prefix) && data.exists(iri) {
                Ok(json!(iri))
            } else if iri.starts_with('/') {
                Err(bad_request(&format!("Item not found for \"{iri}\".")))
            } else {
                Err(bad_request(&format!("Invalid IRI \"{iri}\".")))
            }
        }
        Value::Object(_) => Err(bad_request(&format!(
            "Nested documents for attribute \"{attr}\" are not allowed. Use IRIs instead."
        ))),
        _ => Err(bad_request(&format!(
            "The type of the \"{attr}\" attribute must be \"string\"."
        ))),
    }
}

fn links(data: &Data, attr: &str, collection: &str, v: &Value) -> Result<Value, Response> {
    match v {
        Value::Null => Ok(json!([])),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Null => Err(bad_request(&format!(
                    "The type of the \"{attr}\" attribute must be \"array\"."
                ))),
                other => link(data, attr, collection, other),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => Err(bad_request(&format!(
            "The type of the \"{attr}\" attribute must be \"array\"."
        ))),
    }
}

/// Embedded objects get their JSON-LD keys back; `fields` are the ones they
/// hold.
fn embedded(
    attr: &str,
    ty: &str,
    v: &Value,
    fields: &[&str],
    defaults: &[(&str, Value)],
) -> Result<Value, Response> {
    let Some(obj) = v.as_object() else {
        return Err(bad_request(&format!(
            "The type of the \"{attr}\" attribute must be \"array\"."
        )));
    };
    let mut out = Map::new();
    out.insert("@context".into(), json!(format!("/contexts/{ty}")));
    out.insert("@type".into(), json!(ty));
    for f in fields {
        let value = obj.get(*f).cloned().unwrap_or_else(|| {
            defaults
                .iter()
                .find(|(k, _)| k == f)
                .map(|(_, d)| d.clone())
                .unwrap_or(Value::Null)
        });
        out.insert((*f).into(), value);
    }
    Ok(Value::Object(out))
}

/// A person record from `body` over `current` (PUT, PATCH) or nothing
/// (POST): the writable keys of the body, links checked, embedded objects
/// in the documented shape, every documented key present.
fn build_person(
    data: &Data,
    current: Option<&Value>,
    body: &Value,
    now: &str,
) -> Result<Value, Response> {
    let body = body.as_object().cloned().unwrap_or_default();
    let id = match current {
        Some(c) => c["id"].as_str().unwrap_or_default().to_string(),
        None => match body.get("id") {
            None | Some(Value::Null) => uuid::Uuid::new_v4().to_string(),
            Some(Value::String(s)) if uuid::Uuid::try_parse(s).is_ok() && s.len() == 36 => {
                if data.person_index(s).is_some() {
                    return Err(violations(&[("id", "This value is already used.")]));
                }
                s.clone()
            }
            Some(_) => return Err(bad_request("Invalid identifier value or configuration.")),
        },
    };
    let mut r = Map::new();
    for key in PERSON_KEYS {
        r.insert(key.into(), Value::Null);
    }
    for key in [
        "tags",
        "segments",
        "organizations",
        "emailAddresses",
        "phoneNumbers",
    ] {
        r.insert(key.into(), json!([]));
    }
    r.insert("integrationParticipants".into(), json!([]));
    r.insert("@context".into(), json!("/contexts/Person"));
    r.insert("@id".into(), json!(format!("/people/{id}")));
    r.insert("@type".into(), json!("Person"));
    r.insert("id".into(), json!(id));
    let created = current
        .and_then(|c| c.get("createdAt").cloned())
        .unwrap_or_else(|| json!(now));
    r.insert("createdAt".into(), created);
    r.insert("updatedAt".into(), json!(now));
    let mut address = json!({"city": null, "postalCode": null, "street": null, "country": null});
    for (k, v) in &body {
        let k = k.as_str();
        if SERVER_KEYS.contains(&k) || k == "id" {
            continue;
        }
        match k {
            "owner" => {
                r.insert(k.into(), link(data, k, "users", v)?);
            }
            _ if PERSON_LINKS.iter().any(|(a, _)| *a == k) => {
                let collection = PERSON_LINKS.iter().find(|(a, _)| *a == k).map(|(_, c)| *c);
                r.insert(k.into(), links(data, k, collection.unwrap_or(k), v)?);
            }
            "emailAddresses" | "phoneNumbers" => {
                let items = match v {
                    Value::Null => Vec::new(),
                    Value::Array(a) => a.clone(),
                    _ => {
                        return Err(bad_request(&format!(
                            "The type of the \"{k}\" attribute must be \"array\"."
                        )));
                    }
                };
                let shaped = items
                    .iter()
                    .map(|i| {
                        if k == "emailAddresses" {
                            embedded(k, "EmailAddress", i, &["email"], &[])
                        } else {
                            embedded(
                                k,
                                "PhoneNumber",
                                i,
                                &["phoneNumber", "phoneType"],
                                &[("phoneType", json!("mobile"))],
                            )
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                r.insert(k.into(), Value::Array(shaped));
            }
            "address" => match v {
                Value::Null => {}
                Value::Object(a) => {
                    for f in ["city", "postalCode", "street", "country"] {
                        if let Some(x) = a.get(f) {
                            address[f] = x.clone();
                        }
                    }
                }
                _ => {
                    return Err(bad_request(
                        "The type of the \"address\" attribute must be \"array\".",
                    ));
                }
            },
            "integrationParticipants" => {
                r.insert(k.into(), if v.is_null() { json!([]) } else { v.clone() });
            }
            // API Platform ignores attributes the resource does not have.
            _ if PERSON_KEYS.contains(&k) || PERSON_OPTIONAL.contains(&k) => {
                r.insert(k.into(), v.clone());
            }
            _ => {}
        }
    }
    let address_id = current
        .and_then(|c| c["address"]["@id"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("/addresses/{}", uuid::Uuid::new_v4()));
    let mut full = json!({"@context": "/contexts/Address", "@id": address_id, "@type": "Address"});
    for (k, v) in address.as_object().into_iter().flatten() {
        full[k] = v.clone();
    }
    r.insert("address".into(), full);
    match r.get("familyName") {
        Some(Value::String(s)) if s.chars().count() > 255 => Err(violations(&[(
            "familyName",
            "This value is too long. It should have 255 characters or less.",
        )])),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Value::Object(r)),
        _ => Err(violations(&[(
            "familyName",
            "This value should not be blank.",
        )])),
    }
}

/// The writable part of a merge-patch body applied to `current` (RFC 7396),
/// as a full body for [`build_person`] / [`build_note`].
fn merged(current: &Value, body: &Value) -> Value {
    let mut base = current.clone();
    let writable: Map<String, Value> = body
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !SERVER_KEYS.contains(&k.as_str()) && k.as_str() != "id")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    json_patch::merge(&mut base, &Value::Object(writable));
    base
}

// ---------------------------------------------------------- collections ----

type Params = Vec<(String, String)>;

fn params(raw: Option<String>) -> Params {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(q: &'a Params, key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// `key` and `key[]` values.
fn param_all(q: &Params, key: &str) -> Vec<String> {
    let many = format!("{key}[]");
    q.iter()
        .filter(|(k, _)| *k == key || *k == many)
        .map(|(_, v)| v.clone())
        .collect()
}

fn paging(q: &Params) -> Result<(usize, usize), Response> {
    let page = match param(q, "page") {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(p) if p >= 1 => p,
            _ => return Err(bad_request("Page should not be less than 1")),
        },
    };
    let per = param(q, "itemsPerPage")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    Ok((page, per))
}

/// A Hydra collection in the shape of the documents' examples.
fn collection(
    data: &Data,
    path: &str,
    q: &Params,
    items: Vec<&Value>,
    filters: &[&str],
) -> Result<Value, Response> {
    let (page, per) = paging(q)?;
    let total = items.len();
    let last = total.div_ceil(per).max(1);
    // Clone only the page: the benchmark lists 10,000 people.
    let members: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per)
        .take(per)
        .cloned()
        .collect();
    let mut rest: Params = q.iter().filter(|(k, _)| k != "page").cloned().collect();
    rest.sort();
    let link = |p: usize| {
        let qs = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(rest.iter())
            .append_pair("page", &p.to_string())
            .finish();
        format!("{path}?{qs}")
    };
    let h = |k: &str| {
        if data.hydra_prefix {
            format!("hydra:{k}")
        } else {
            k.to_string()
        }
    };
    let mut view = Map::new();
    view.insert("@id".into(), json!(link(page)));
    if data.hydra_prefix {
        view.insert("@type".into(), json!("hydra:PartialCollectionView"));
    } else {
        view.insert("type".into(), json!("PartialCollectionView"));
    }
    view.insert(h("first"), json!(link(1)));
    view.insert(h("last"), json!(link(last)));
    if page > 1 {
        view.insert(h("previous"), json!(link(page - 1)));
    }
    if page < last {
        view.insert(h("next"), json!(link(page + 1)));
    }
    let mapping: Vec<Value> = filters
        .iter()
        .map(|f| json!({"@type": "IriTemplateMapping", "variable": f, "property": f, "required": false}))
        .collect();
    let search = json!({
        "@type": "hydra:IriTemplate",
        "template": format!("{path}{{?{}}}", filters.join(",")),
        "variableRepresentation": "BasicRepresentation",
        "mapping": mapping,
    });
    let mut out = Map::new();
    if data.hydra_prefix {
        // Older API Platform: the collection is a typed JSON-LD node too.
        out.insert("@context".into(), json!("/contexts/Collection"));
        out.insert("@id".into(), json!(path));
        out.insert("@type".into(), json!("hydra:Collection"));
    }
    out.insert(h("member"), Value::Array(members));
    out.insert(h("totalItems"), json!(total));
    out.insert(h("view"), Value::Object(view));
    out.insert(h("search"), search);
    Ok(Value::Object(out))
}

fn strings_of(p: &Value, list: &str, key: &str) -> Vec<String> {
    p[list]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e[key].as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default()
}

fn timestamp(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

/// API Platform's DateFilter: `after` and `before` include the bound,
/// `strictly_*` exclude it.
fn date_matches(value: &Value, q: &Params, key: &str) -> bool {
    let Some(at) = value.as_str().and_then(timestamp) else {
        return q.iter().all(|(k, _)| !k.starts_with(&format!("{key}[")));
    };
    let bound = |op: &str| param(q, &format!("{key}[{op}]")).and_then(timestamp);
    bound("after").is_none_or(|b| at >= b)
        && bound("strictly_after").is_none_or(|b| at > b)
        && bound("before").is_none_or(|b| at <= b)
        && bound("strictly_before").is_none_or(|b| at < b)
}

fn matches(p: &Value, q: &Params) -> bool {
    let s = |k: &str| p[k].as_str().unwrap_or("").to_lowercase();
    let emails = || strings_of(p, "emailAddresses", "email");
    if let Some(text) = param(q, "q") {
        let text = text.to_lowercase();
        let hay = [s("givenName"), s("familyName"), s("jobTitle")];
        if !hay.iter().chain(emails().iter()).any(|h| h.contains(&text)) {
            return false;
        }
    }
    let wanted = param_all(q, "emailAddresses.email");
    if !wanted.is_empty() && !wanted.iter().any(|e| emails().contains(&e.to_lowercase())) {
        return false;
    }
    let ids = param_all(q, "identifiers");
    if !ids.is_empty() {
        let phones = strings_of(p, "phoneNumbers", "phoneNumber");
        let hit = ids.iter().any(|id| {
            let id = id.to_lowercase();
            emails().contains(&id) || phones.contains(&id) || s("linkedinId") == id
        });
        if !hit {
            return false;
        }
    }
    let tags = param_all(q, "tags.id");
    if !tags.is_empty() {
        let has = p["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|iri| {
                tags.iter()
                    .any(|t| iri.rsplit('/').next() == Some(t.as_str()))
            });
        if !has {
            return false;
        }
    }
    if !date_matches(&p["createdAt"], q, "createdAt") {
        return false;
    }
    match param(q, "exists[archivedAt]") {
        Some("false") => p["archivedAt"].is_null(),
        Some("true") => !p["archivedAt"].is_null(),
        _ => true,
    }
}

// ----------------------------------------------------------------- people ----

const PEOPLE_FILTERS: [&str; 12] = [
    "page",
    "itemsPerPage",
    "q",
    "emailAddresses.email",
    "tags.id",
    "exists[archivedAt]",
    "order[familyName]",
    "order[createdAt]",
    "createdAt[after]",
    "createdAt[before]",
    "identifiers",
    "view",
];

async fn list_people(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let q = params(raw);
    if let Err(resp) = paging(&q) {
        return resp;
    }
    let mut data = state.lock();
    let mut key: Params = q.iter().filter(|(k, _)| k != "page").cloned().collect();
    key.sort();
    let key = format!("{key:?}");
    let hits = match &data.list_cache {
        Some((k, generation, hits)) if *k == key && *generation == data.generation => hits.clone(),
        _ => {
            let mut hits: Vec<usize> = (0..data.people.len())
                .filter(|&i| matches(&data.people[i], &q))
                .collect();
            let by =
                |i: &usize, field: &str| data.people[*i][field].as_str().unwrap_or("").to_string();
            if let Some(dir) = param(&q, "order[familyName]") {
                hits.sort_by_key(|i| by(i, "familyName"));
                if dir.eq_ignore_ascii_case("desc") {
                    hits.reverse();
                }
            } else if let Some(dir) = param(&q, "order[createdAt]") {
                // Stable: people created in the same millisecond keep their order.
                hits.sort_by_key(|i| by(i, "createdAt"));
                if dir.eq_ignore_ascii_case("desc") {
                    hits.reverse();
                }
            }
            data.list_cache = Some((key, data.generation, hits.clone()));
            hits
        }
    };
    let items: Vec<&Value> = hits.iter().map(|&i| &data.people[i]).collect();
    match collection(&data, "/people", &q, items, &PEOPLE_FILTERS) {
        Ok(body) => ld(StatusCode::OK, body),
        Err(resp) => resp,
    }
}

async fn create_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body = match parse_body(&headers, &body, false) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let now = data.now();
    match build_person(&data, None, &body, &now) {
        Ok(record) => {
            data.people.push(record.clone());
            ld(StatusCode::CREATED, record)
        }
        Err(resp) => resp,
    }
}

async fn get_person(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.lock().person_mut(&id) {
        Some(p) => ld(StatusCode::OK, p.clone()),
        None => not_found(),
    }
}

async fn write_person(
    state: AppState,
    id: String,
    headers: HeaderMap,
    body: String,
    patch: bool,
) -> Response {
    let body = match parse_body(&headers, &body, patch) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let Some(current) = data.person_mut(&id).map(|p| p.clone()) else {
        return not_found();
    };
    let now = data.now();
    // PUT replaces: fields the client left out go back to null.
    let full = if patch { merged(&current, &body) } else { body };
    match build_person(&data, Some(&current), &full, &now) {
        Ok(record) => {
            if let Some(p) = data.person_mut(&id) {
                *p = record.clone();
            }
            ld(StatusCode::OK, record)
        }
        Err(resp) => resp,
    }
}

async fn put_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    write_person(state, id, headers, body, false).await
}

async fn patch_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    write_person(state, id, headers, body, true).await
}

// ------------------------------------------------------------------ notes ----

const NOTE_FILTERS: [&str; 8] = [
    "page",
    "itemsPerPage",
    "q",
    "category.id",
    "author.id",
    "flagged",
    "order[flagged]",
    "order[createdAt]",
];

/// A note from `body` over `current` (or a new one): the documented keys,
/// `description` and an existing `category` required, `author` the key's
/// user unless the body names one.
fn build_note(
    data: &Data,
    person_id: &str,
    current: Option<&Value>,
    body: &Value,
    now: &str,
) -> Result<Value, Response> {
    let id = match current {
        Some(c) => c["id"].as_str().unwrap_or_default().to_string(),
        None => match body.get("id") {
            None | Some(Value::Null) => uuid::Uuid::new_v4().to_string(),
            Some(Value::String(s)) if uuid::Uuid::try_parse(s).is_ok() && s.len() == 36 => {
                let used = data.notes.values().flatten().any(|n| n["id"] == s.as_str());
                if used {
                    return Err(violations(&[("id", "This value is already used.")]));
                }
                s.clone()
            }
            Some(_) => return Err(bad_request("Invalid identifier value or configuration.")),
        },
    };
    let field = |k: &str| body.get(k).cloned().unwrap_or(Value::Null);
    let created = match (current, body.get("createdAt")) {
        (_, Some(Value::String(s))) => json!(s),
        (Some(c), _) => c["createdAt"].clone(),
        (None, _) => json!(now),
    };
    let author = match body.get("author") {
        None | Some(Value::Null) => json!(KEY_USER),
        Some(v) => link(data, "author", "users", v)?,
    };
    let category = link(data, "category", "note_categories", &field("category"))?;
    let mut bad = Vec::new();
    if field("description")
        .as_str()
        .is_none_or(|d| d.trim().is_empty())
    {
        bad.push(("description", "This value should not be blank."));
    }
    if category.is_null() {
        bad.push(("category", "This value should not be null."));
    }
    if !bad.is_empty() {
        return Err(violations(&bad));
    }
    let flag = |k: &str| json!(field(k).as_bool().unwrap_or(false));
    Ok(json!({
        "@context": "/contexts/PersonNote",
        "@id": format!("/people/{person_id}/notes/{id}"),
        "@type": "PersonNote",
        "id": id,
        "createdAt": created,
        "description": field("description"),
        "title": field("title"),
        "flagged": flag("flagged"),
        "isPrivate": flag("isPrivate"),
        "author": author,
        "category": category,
    }))
}

fn sorted_notes(data: &Data, person_id: &str) -> Vec<Value> {
    let mut notes = data.notes.get(person_id).cloned().unwrap_or_default();
    notes.sort_by(|a, b| {
        let f = |n: &Value| n["flagged"].as_bool().unwrap_or(false);
        let c = |n: &Value| n["createdAt"].as_str().unwrap_or("").to_string();
        f(b).cmp(&f(a)).then_with(|| c(b).cmp(&c(a)))
    });
    notes
}

async fn list_notes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = params(raw);
    let data = state.lock();
    if data.person_index(&id).is_none() {
        return not_found();
    }
    let notes = sorted_notes(&data, &id);
    let path = format!("/people/{id}/notes");
    match collection(&data, &path, &q, notes.iter().collect(), &NOTE_FILTERS) {
        Ok(body) => ld(StatusCode::OK, body),
        Err(resp) => resp,
    }
}

async fn create_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body = match parse_body(&headers, &body, false) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    if data.person_index(&id).is_none() {
        return not_found();
    }
    let now = data.now();
    match build_note(&data, &id, None, &body, &now) {
        Ok(note) => {
            data.notes.entry(id).or_default().push(note.clone());
            ld(StatusCode::CREATED, note)
        }
        Err(resp) => resp,
    }
}

fn find_note<'a>(data: &'a mut Data, id: &str, note_id: &str) -> Option<&'a mut Value> {
    data.notes
        .get_mut(id)?
        .iter_mut()
        .find(|n| n["id"] == note_id)
}

async fn get_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
) -> Response {
    match find_note(&mut state.lock(), &id, &note_id) {
        Some(n) => ld(StatusCode::OK, n.clone()),
        None => not_found(),
    }
}

async fn write_note(
    state: AppState,
    id: String,
    note_id: String,
    headers: HeaderMap,
    body: String,
    patch: bool,
) -> Response {
    let body = match parse_body(&headers, &body, patch) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let Some(current) = find_note(&mut data, &id, &note_id).map(|n| n.clone()) else {
        return not_found();
    };
    let now = data.now();
    let full = if patch { merged(&current, &body) } else { body };
    match build_note(&data, &id, Some(&current), &full, &now) {
        Ok(note) => {
            if let Some(n) = find_note(&mut data, &id, &note_id) {
                *n = note.clone();
            }
            ld(StatusCode::OK, note)
        }
        Err(resp) => resp,
    }
}

async fn put_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    write_note(state, id, note_id, headers, body, false).await
}

async fn patch_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    write_note(state, id, note_id, headers, body, true).await
}

// ---------------------------------------------- tags, organisations, ... ----

fn of_collection<'a>(data: &'a Data, collection: &str) -> Vec<&'a Value> {
    let prefix = format!("/{collection}/");
    let mut items: Vec<&Value> = data
        .resources
        .iter()
        .filter(|(iri, _)| iri.starts_with(&prefix))
        .map(|(_, v)| v)
        .collect();
    items.sort_by_key(|v| v["id"].as_str().and_then(|i| i.parse::<u64>().ok()));
    items
}

fn list_resources(state: &AppState, raw: Option<String>, collection_name: &str) -> Response {
    let q = params(raw);
    let data = state.lock();
    let ids = param_all(&q, "id");
    let items: Vec<&Value> = of_collection(&data, collection_name)
        .into_iter()
        .filter(|r| ids.is_empty() || ids.iter().any(|i| r["id"] == i.as_str()))
        .collect();
    let path = format!("/{collection_name}");
    match collection(
        &data,
        &path,
        &q,
        items,
        &["page", "itemsPerPage", "id", "id[]"],
    ) {
        Ok(body) => ld(StatusCode::OK, body),
        Err(resp) => resp,
    }
}

async fn list_tags(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    list_resources(&state, raw, "tags")
}

async fn list_organizations(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    list_resources(&state, raw, "organizations")
}

async fn list_categories(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    list_resources(&state, raw, "note_categories")
}

async fn get_resource(State(state): State<AppState>, req: Request) -> Response {
    let iri = req.uri().path().to_string();
    let data = state.lock();
    if data.forbidden.contains(&iri) {
        return problem(StatusCode::FORBIDDEN, "Access Denied.");
    }
    match data.resources.get(&iri) {
        Some(r) => ld(StatusCode::OK, r.clone()),
        None => not_found(),
    }
}

async fn create_tag(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let body = match parse_body(&headers, &body, false) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let title = body["title"].as_str().unwrap_or("").trim().to_string();
    if title.is_empty() {
        return violations(&[("title", "This value should not be blank.")]);
    }
    let mut data = state.lock();
    let fields = json!({"title": title, "backgroundColor": body["backgroundColor"],
                        "textColor": body["textColor"], "description": body["description"]});
    let iri = data.add_resource("tags", "Tag", fields);
    ld(StatusCode::CREATED, data.resources[&iri].clone())
}

async fn create_organization(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body = match parse_body(&headers, &body, false) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let title = body["title"].as_str().unwrap_or("").trim().to_string();
    if title.is_empty() {
        return violations(&[("title", "This value should not be blank.")]);
    }
    let mut data = state.lock();
    let iri = data.add_resource("organizations", "Organization", organization_fields(&title));
    ld(StatusCode::CREATED, data.resources[&iri].clone())
}

async fn patch_resource(State(state): State<AppState>, req: Request) -> Response {
    let iri = req.uri().path().to_string();
    let headers = req.headers().clone();
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body = match parse_body(&headers, &String::from_utf8_lossy(&bytes), true) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let now = data.now();
    let Some(current) = data.resources.get(&iri).cloned() else {
        return not_found();
    };
    let mut updated = merged(&current, &body);
    updated["updatedAt"] = json!(now);
    data.resources.insert(iri, updated.clone());
    ld(StatusCode::OK, updated)
}
