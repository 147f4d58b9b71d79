//! An in-process RogerRoger People API (API Platform style; see
//! ../shared/api/rogerroger-people-*.txt and DESIGN.md §4): `X-API-KEY`
//! (401 otherwise), `page`/`itemsPerPage` (≤ 30) paging with `view.next`
//! (or `hydra:`-prefixed keys, like older servers), `q` and `identifiers`
//! search, `exists[archivedAt]`, 422 problem+json violations, 404, 415 for a
//! PATCH that is not merge-patch, notes and note categories. Records are raw
//! JSON so fields rolo does not know survive. Faults (429, 5xx, truncated
//! bodies, dropped connections) and the request log come from `faults.rs`.

#![allow(dead_code)]
// Handlers return early with a ready `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use super::faults::{self, Fault, Recorder};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const API_KEY: &str = "rr_test_key_5f2b9c0e7d41";
const MAX_PER_PAGE: usize = 30;
const DEFAULT_PER_PAGE: usize = 15;

/// Writable person fields a fresh record carries as `null` (the server
/// always returns every field).
const PERSON_FIELDS: [&str; 19] = [
    "familyName",
    "givenName",
    "additionalName",
    "initials",
    "customerId",
    "honorificPrefix",
    "isTracked",
    "linkedinId",
    "externalSource",
    "archivedAt",
    "owner",
    "jobTitle",
    "address",
    "avatarUrl",
    "dealSize",
    "totalDeals",
    "totalLostDeals",
    "totalWonDeals",
    "importedAt",
];
const PERSON_LISTS: [&str; 6] = [
    "tags",
    "segments",
    "organizations",
    "emailAddresses",
    "phoneNumbers",
    "integrationParticipants",
];
/// Keys the server owns; client values for them are ignored.
const SERVER_KEYS: [&str; 8] = [
    "@context",
    "@id",
    "@type",
    "id",
    "createdAt",
    "updatedAt",
    "importedAt",
    "avatarUrl",
];

#[derive(Debug, Default)]
struct Data {
    people: Vec<Value>,
    notes: HashMap<String, Vec<Value>>,
    categories: Vec<Value>,
    hydra_prefix: bool,
    last_millis: i64,
    /// Bumped by every write; keys `list_cache`.
    generation: u64,
    /// The matches of the last list query (minus `page`), so paging through
    /// 10,000 people does not re-filter them for every page.
    list_cache: Option<(String, u64, Vec<usize>)>,
}

impl Data {
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
}

#[derive(Clone, Default)]
struct AppState {
    data: Arc<Mutex<Data>>,
}

impl AppState {
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
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

impl FakeRogerRoger {
    pub async fn start() -> FakeRogerRoger {
        let recorder = Recorder::default();
        let state = AppState::default();
        state.lock().categories = vec![
            json!({"@id": "/note_categories/1", "@type": "NoteCategory", "id": 1, "name": "General"}),
            json!({"@id": "/note_categories/2", "@type": "NoteCategory", "id": 2, "name": "Call"}),
        ];
        let rec = recorder.clone();
        let app = Router::new()
            .route("/people", get(list_people).post(create_person))
            .route(
                "/people/{id}",
                get(get_person)
                    .put(put_person)
                    .patch(patch_person)
                    .delete(delete_person),
            )
            .route("/people/{id}/notes", get(list_notes).post(create_note))
            .route(
                "/people/{id}/notes/{note_id}",
                get(get_note)
                    .put(put_note)
                    .patch(patch_note)
                    .delete(delete_note),
            )
            .route("/note_categories", get(list_categories))
            .layer(middleware::from_fn(auth))
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

    /// Store a raw record (server keys are filled in); returns its id.
    pub fn seed(&self, person: Value) -> String {
        let mut data = self.state.lock();
        let now = data.now();
        let id = person
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut record = new_record(&id, &now);
        overlay(&mut record, &person);
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

    pub fn seed_note(&self, person_id: &str, description: &str, flagged: bool) -> String {
        let mut data = self.state.lock();
        let now = data.now();
        let id = uuid::Uuid::new_v4().to_string();
        let note = json!({
            "@id": format!("/people/{person_id}/notes/{id}"), "@type": "PersonNote", "id": id,
            "createdAt": now, "description": description, "title": null, "flagged": flagged,
            "isPrivate": false, "author": "/users/1", "category": "/note_categories/1",
        });
        data.notes
            .entry(person_id.to_string())
            .or_default()
            .push(note);
        id
    }

    /// The stored record, exactly as the server holds it.
    pub fn raw(&self, id: &str) -> Option<Value> {
        self.state.lock().person_mut(id).map(|p| p.clone())
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
}

fn new_record(id: &str, now: &str) -> Value {
    let mut m = Map::new();
    m.insert("@context".into(), json!("/contexts/Person"));
    m.insert("@id".into(), json!(format!("/people/{id}")));
    m.insert("@type".into(), json!("Person"));
    m.insert("id".into(), json!(id));
    for f in PERSON_FIELDS {
        m.insert(f.into(), Value::Null);
    }
    for f in PERSON_LISTS {
        m.insert(f.into(), json!([]));
    }
    m.insert("createdAt".into(), json!(now));
    m.insert("updatedAt".into(), json!(now));
    Value::Object(m)
}

/// Copy the client's writable keys onto `record`.
fn overlay(record: &mut Value, body: &Value) {
    let Some(body) = body.as_object() else { return };
    for (k, v) in body {
        if !SERVER_KEYS.contains(&k.as_str()) {
            record[k] = v.clone();
        }
    }
}

fn validate_person(record: &Value) -> Option<Response> {
    match record.get("familyName") {
        Some(Value::String(s)) if s.chars().count() > 255 => Some(violations(&[(
            "familyName",
            "This value is too long. It should have 255 characters or less.",
        )])),
        Some(Value::String(s)) if !s.trim().is_empty() => None,
        _ => Some(violations(&[(
            "familyName",
            "This value should not be blank.",
        )])),
    }
}

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

fn parse_body(body: &str) -> Result<Value, Response> {
    match serde_json::from_str::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(problem(StatusCode::BAD_REQUEST, "Syntax error")),
    }
}

fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "Not Found")
}

// ---------------------------------------------------------- collections ----

fn paging(q: &HashMap<String, String>) -> Result<(usize, usize), Response> {
    let page = match q.get("page") {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(p) if p >= 1 => p,
            _ => {
                return Err(problem(
                    StatusCode::BAD_REQUEST,
                    "Page should not be less than 1",
                ));
            }
        },
    };
    let per = q
        .get("itemsPerPage")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    Ok((page, per))
}

fn collection(
    data: &Data,
    path: &str,
    q: &HashMap<String, String>,
    items: Vec<&Value>,
    page: usize,
    per: usize,
) -> Value {
    let total = items.len();
    let last = total.div_ceil(per).max(1);
    // Clone only the page: the benchmark lists 10,000 people.
    let members: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per)
        .take(per)
        .cloned()
        .collect();
    let mut params: Vec<(String, String)> = q
        .iter()
        .filter(|(k, _)| k.as_str() != "page")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    params.sort();
    let link = |p: usize| {
        let mut all = params.clone();
        all.push(("page".into(), p.to_string()));
        let qs = all
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
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
    view.insert("@type".into(), json!(h("PartialCollectionView")));
    view.insert(h("first"), json!(link(1)));
    view.insert(h("last"), json!(link(last)));
    if page > 1 {
        view.insert(h("previous"), json!(link(page - 1)));
    }
    if page < last {
        view.insert(h("next"), json!(link(page + 1)));
    }
    let mut out = Map::new();
    out.insert("@context".into(), json!("/contexts/Person"));
    out.insert("@id".into(), json!(path));
    out.insert("@type".into(), json!(h("Collection")));
    out.insert(h("member"), Value::Array(members));
    out.insert(h("totalItems"), json!(total));
    out.insert(h("view"), Value::Object(view));
    Value::Object(out)
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

fn matches(p: &Value, q: &HashMap<String, String>) -> bool {
    let s = |k: &str| p[k].as_str().unwrap_or("").to_lowercase();
    let emails = || strings_of(p, "emailAddresses", "email");
    if let Some(text) = q.get("q") {
        let text = text.to_lowercase();
        let hay = [s("givenName"), s("familyName"), s("jobTitle")];
        if !hay.iter().chain(emails().iter()).any(|h| h.contains(&text)) {
            return false;
        }
    }
    if let Some(e) = q.get("emailAddresses.email")
        && !emails().contains(&e.to_lowercase())
    {
        return false;
    }
    if let Some(id) = q.get("identifiers") {
        let id = id.to_lowercase();
        let phones = strings_of(p, "phoneNumbers", "phoneNumber");
        if !(emails().contains(&id) || phones.contains(&id) || s("linkedinId") == id) {
            return false;
        }
    }
    // API Platform date filter: ISO timestamps compare as text here.
    if let Some(after) = q.get("createdAt[after]")
        && p["createdAt"].as_str().unwrap_or("") < after.as_str()
    {
        return false;
    }
    match q.get("exists[archivedAt]").map(String::as_str) {
        Some("false") => p["archivedAt"].is_null(),
        Some("true") => !p["archivedAt"].is_null(),
        _ => true,
    }
}

// ----------------------------------------------------------------- people ----

async fn list_people(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, per) = match paging(&q) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let mut key: Vec<_> = q.iter().filter(|(k, _)| k.as_str() != "page").collect();
    key.sort();
    let key = format!("{key:?}");
    let cached = match &data.list_cache {
        Some((k, generation, hits)) if *k == key && *generation == data.generation => hits.clone(),
        _ => {
            let hits: Vec<usize> = (0..data.people.len())
                .filter(|&i| matches(&data.people[i], &q))
                .collect();
            data.list_cache = Some((key, data.generation, hits.clone()));
            hits
        }
    };
    let items: Vec<&Value> = cached.iter().map(|&i| &data.people[i]).collect();
    ld(
        StatusCode::OK,
        collection(&data, "/people", &q, items, page, per),
    )
}

async fn create_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(resp) = check_content_type(&headers, false) {
        return resp;
    }
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let now = data.now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut record = new_record(&id, &now);
    overlay(&mut record, &body);
    if let Some(resp) = validate_person(&record) {
        return resp;
    }
    data.people.push(record.clone());
    ld(StatusCode::CREATED, record)
}

async fn get_person(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.lock().person_mut(&id) {
        Some(p) => ld(StatusCode::OK, p.clone()),
        None => not_found(),
    }
}

async fn put_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(resp) = check_content_type(&headers, false) {
        return resp;
    }
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let now = data.now();
    let Some(current) = data.person_mut(&id).map(|p| p.clone()) else {
        return not_found();
    };
    // Full replace: fields the client left out go back to null.
    let mut record = new_record(&id, &now);
    record["createdAt"] = current["createdAt"].clone();
    overlay(&mut record, &body);
    if let Some(resp) = validate_person(&record) {
        return resp;
    }
    if let Some(p) = data.person_mut(&id) {
        *p = record.clone();
    }
    ld(StatusCode::OK, record)
}

async fn patch_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(resp) = check_content_type(&headers, true) {
        return resp;
    }
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let now = data.now();
    let Some(mut record) = data.person_mut(&id).map(|p| p.clone()) else {
        return not_found();
    };
    let writable: Map<String, Value> = body
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !SERVER_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    json_patch::merge(&mut record, &Value::Object(writable));
    if let Some(resp) = validate_person(&record) {
        return resp;
    }
    record["updatedAt"] = json!(now);
    if let Some(p) = data.person_mut(&id) {
        *p = record.clone();
    }
    ld(StatusCode::OK, record)
}

async fn delete_person(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let mut data = state.lock();
    let before = data.people.len();
    data.people.retain(|p| p["id"] != id.as_str());
    if data.people.len() == before {
        return not_found();
    }
    data.notes.remove(&id);
    data.generation += 1;
    StatusCode::NO_CONTENT.into_response()
}

// ------------------------------------------------------------------ notes ----

fn sorted_notes(data: &Data, person_id: &str) -> Vec<Value> {
    let mut notes = data.notes.get(person_id).cloned().unwrap_or_default();
    notes.sort_by(|a, b| {
        let f = |n: &Value| n["flagged"].as_bool().unwrap_or(false);
        let c = |n: &Value| n["createdAt"].as_str().unwrap_or("").to_string();
        f(b).cmp(&f(a)).then_with(|| c(b).cmp(&c(a)))
    });
    notes
}

fn validate_note(note: &Value, categories: &[Value]) -> Option<Response> {
    let mut bad = Vec::new();
    if note["description"]
        .as_str()
        .is_none_or(|d| d.trim().is_empty())
    {
        bad.push(("description", "This value should not be blank."));
    }
    match note["category"].as_str() {
        Some(c) if categories.iter().any(|k| k["@id"] == c) => {}
        Some(_) => bad.push(("category", "This value is not valid.")),
        None => bad.push(("category", "This value should not be null.")),
    }
    (!bad.is_empty()).then(|| violations(&bad))
}

async fn list_notes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, per) = match paging(&q) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    if data.person_mut(&id).is_none() {
        return not_found();
    }
    let notes = sorted_notes(&data, &id);
    let path = format!("/people/{id}/notes");
    ld(
        StatusCode::OK,
        collection(&data, &path, &q, notes.iter().collect(), page, per),
    )
}

async fn create_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(resp) = check_content_type(&headers, false) {
        return resp;
    }
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    if data.person_mut(&id).is_none() {
        return not_found();
    }
    let now = data.now();
    let note_id = uuid::Uuid::new_v4().to_string();
    let mut note = json!({
        "@context": "/contexts/PersonNote", "@id": format!("/people/{id}/notes/{note_id}"),
        "@type": "PersonNote", "id": note_id, "createdAt": now, "description": null,
        "title": null, "flagged": false, "isPrivate": false, "author": "/users/1", "category": null,
    });
    overlay(&mut note, &body);
    if let Some(resp) = validate_note(&note, &data.categories) {
        return resp;
    }
    data.notes.entry(id).or_default().push(note.clone());
    ld(StatusCode::CREATED, note)
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
    if let Some(resp) = check_content_type(&headers, patch) {
        return resp;
    }
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut data = state.lock();
    let categories = data.categories.clone();
    let Some(current) = find_note(&mut data, &id, &note_id).map(|n| n.clone()) else {
        return not_found();
    };
    let mut note = current;
    if patch {
        let writable: Map<String, Value> = body
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| !SERVER_KEYS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        json_patch::merge(&mut note, &Value::Object(writable));
    } else {
        overlay(&mut note, &body);
    }
    if let Some(resp) = validate_note(&note, &categories) {
        return resp;
    }
    if let Some(n) = find_note(&mut data, &id, &note_id) {
        *n = note.clone();
    }
    ld(StatusCode::OK, note)
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

async fn delete_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
) -> Response {
    let mut data = state.lock();
    let Some(notes) = data.notes.get_mut(&id) else {
        return not_found();
    };
    let before = notes.len();
    notes.retain(|n| n["id"] != note_id.as_str());
    if notes.len() == before {
        return not_found();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn list_categories(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, per) = match paging(&q) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let data = state.lock();
    let items = data.categories.iter().collect();
    ld(
        StatusCode::OK,
        collection(&data, "/note_categories", &q, items, page, per),
    )
}
