//! An in-process Introzy People API that answers in the shapes of
//! ../shared/api/introzy-people.txt's own examples: `Authorization: Bearer
//! <key>`, `{success, data}` envelopes, limit (1-100) / offset / hasMore
//! paging, search by name or email, 201 on create, 200 on enrich, the 409
//! duplicate body word for word, and per endpoint exactly the person keys the
//! document shows (a list row has no `latitude`; a PATCH reply is partial).
//!
//! Where the document is silent the fake does what its stack (Next.js route
//! handlers over Prisma, validated with zod) would do, and says so:
//! - unset optional columns come back as `null` (Prisma), never missing;
//! - request keys outside the documented body are dropped, not stored (zod's
//!   default `strip`);
//! - a method a route lacks answers 405 with an empty body and an unknown
//!   path the Next.js HTML 404 page (so `PATCH .../notes/{id}` is a 404:
//!   the document names only `GET/POST /api/people/{personId}/notes`);
//! - notes list like people (`{notes, total, limit, offset, hasMore}`) and a
//!   note is DESIGN.md §4's `{id, content, createdByUserId, notePeople,
//!   noteCompanies, createdAt, updatedAt}`; custom-field definitions are
//!   §4's `{key, type, isFilterable, isSortable, isRequired,
//!   settings.options[{value,label,color}], displayOrder}` (no label);
//! - the enrichment job fills custom fields (Introzy has no job-title
//!   column, so a title lands in `cf_job_title`) after a delay.

// Handlers return their error reply directly; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

use crate::faults::{self, FakeClock, Fault, Recorder};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const API_KEY: &str = "introzy_test_key_0123456789";

/// The 409 body of "Create Person", word for word.
pub const DUPLICATE: &str = "A person with this email already exists in your organization";

/// Every key of "Get Person"'s example, in its order.
pub const PERSON_KEYS: &[&str] = &[
    "id",
    "email",
    "firstName",
    "lastName",
    "phoneNumber",
    "address",
    "latitude",
    "longitude",
    "isConnector",
    "isSolutionProvider",
    "isFullUser",
    "customFields",
    "company",
    "createdAt",
    "updatedAt",
];

/// Keys only "Get Person" shows; list rows and the create reply lack them.
const GET_ONLY: &[&str] = &["latitude", "longitude", "isConnector", "isSolutionProvider"];

/// The keys "Update Person"'s reply shows.
const PATCH_REPLY_KEYS: &[&str] = &[
    "id",
    "email",
    "firstName",
    "lastName",
    "phoneNumber",
    "customFields",
];

/// What the create and update bodies may carry (the parameters table).
const WRITABLE: &[&str] = &[
    "email",
    "firstName",
    "lastName",
    "phoneNumber",
    "address",
    "companyId",
    "companyName",
    "customFields",
];

#[derive(Debug, Default)]
struct Data {
    people: Vec<Value>,
    /// `{id, name, industry, website}`; people embed a copy.
    companies: Vec<Value>,
    notes: HashMap<String, Vec<Value>>,
    custom_fields: Vec<Value>,
    enrich_delay: Duration,
    /// Merged into a person when its enrichment job finishes.
    enrichment: Value,
    next_id: u64,
}

#[derive(Clone)]
struct AppState {
    data: Arc<Mutex<Data>>,
    clock: Arc<FakeClock>,
}

impl AppState {
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct FakeIntrozy {
    pub base_url: String,
    pub recorder: Recorder,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeIntrozy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error_body(_status: u16, message: &str) -> Value {
    json!({"success": false, "error": message})
}

fn fail(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(error_body(status.as_u16(), message))).into_response()
}

fn ok(status: StatusCode, data: Value) -> Response {
    (status, axum::Json(json!({"success": true, "data": data}))).into_response()
}

fn ok_with_message(status: StatusCode, data: Value, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"success": true, "data": data, "message": message})),
    )
        .into_response()
}

/// What Next.js serves for a path no route handles.
async fn next_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!DOCTYPE html><html><head><title>404: This page could not be found.</title>\
             </head><body><h1>404</h1><h2>This page could not be found.</h2></body></html>",
        ),
    )
        .into_response()
}

/// What the enrichment job writes unless a test says otherwise.
pub fn default_enrichment() -> Value {
    json!({"customFields": {
        "cf_job_title": "Chief Widget Officer",
        "cf_linkedin_url": "https://www.linkedin.com/in/enriched",
        "cf_enriched_at": "2026-04-04T15:07:00.000Z"
    }})
}

impl FakeIntrozy {
    pub async fn start() -> FakeIntrozy {
        let recorder = Recorder::default();
        let state = AppState {
            data: Arc::new(Mutex::new(Data {
                enrich_delay: Duration::from_millis(150),
                enrichment: default_enrichment(),
                custom_fields: default_custom_fields(),
                ..Default::default()
            })),
            clock: Arc::new(FakeClock::default()),
        };
        let rec = recorder.clone();
        let app = Router::new()
            .route("/api/people", get(list_people).post(create_person))
            .route("/api/people/custom-fields", get(custom_fields))
            .route("/api/people/{id}", get(get_person).patch(patch_person))
            .route("/api/people/{id}/enrich", post(enrich))
            .route("/api/people/{id}/notes", get(list_notes).post(create_note))
            // No route for one note: the document has none (see the top).
            .route("/api/people/{id}/notes/{note_id}", any(next_not_found))
            .fallback(next_not_found)
            .layer(middleware::from_fn(auth))
            .layer(middleware::from_fn(move |req: Request, next: Next| {
                faults::apply(rec.clone(), error_body, req, next)
            }))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake introzy");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeIntrozy {
            base_url: format!("http://{addr}"),
            recorder,
            state,
            task,
        }
    }

    /// Store `person` as the database would: the keys given verbatim, every
    /// other documented key filled the way Prisma returns an unset column
    /// (`null`, `false`, `{}`), an id and timestamps added when missing. A
    /// `company` object with an `id` is registered as a company too.
    /// Returns the id.
    pub fn seed(&self, mut person: Value) -> String {
        let mut data = self.state.lock();
        data.next_id += 1;
        let id = format!("00000000-0000-4000-8000-{:012}", data.next_id);
        let now = self.state.clock.tick();
        let obj = person.as_object_mut().expect("seed an object");
        obj.entry("id").or_insert_with(|| json!(id));
        obj.entry("createdAt").or_insert_with(|| json!(now));
        obj.entry("updatedAt").or_insert_with(|| json!(now));
        fill_defaults(obj);
        if let Some(company) = obj.get("company").filter(|c| c["id"].is_string()) {
            let known = data.companies.iter().any(|c| c["id"] == company["id"]);
            if !known {
                data.companies.push(full_company(company));
            }
        }
        let id = obj["id"].as_str().unwrap_or_default().to_string();
        data.people.push(person);
        id
    }

    /// `n` people named Person0001.. with emails p0001@example.com...
    pub fn seed_many(&self, n: usize) {
        for i in 1..=n {
            self.seed(json!({
                "email": format!("p{i:04}@example.com"),
                "firstName": format!("Person{i:04}"),
                "lastName": format!("Family{i:04}"),
                "isFullUser": false,
            }));
        }
    }

    /// A company that `companyId` / `companyName` can refer to.
    pub fn seed_company(&self, name: &str, industry: &str, website: &str) -> String {
        let mut data = self.state.lock();
        data.next_id += 1;
        let id = format!("company-{}", data.next_id);
        data.companies
            .push(json!({"id": id, "name": name, "industry": industry, "website": website}));
        id
    }

    pub fn seed_note(&self, person_id: &str, content: &str) -> String {
        let mut data = self.state.lock();
        data.next_id += 1;
        let id = format!("note-{}", data.next_id);
        let now = self.state.clock.tick();
        let note = note_json(&id, content, &now, &now);
        data.notes
            .entry(person_id.to_string())
            .or_default()
            .push(note);
        id
    }

    /// The stored record, exactly as the server holds it.
    pub fn raw(&self, id: &str) -> Option<Value> {
        let data = self.state.lock();
        data.people.iter().find(|p| p["id"] == id).cloned()
    }

    pub fn raw_notes(&self, person_id: &str) -> Vec<Value> {
        let data = self.state.lock();
        data.notes.get(person_id).cloned().unwrap_or_default()
    }

    pub fn people_count(&self) -> usize {
        self.state.lock().people.len()
    }

    pub fn set_enrich_delay(&self, delay: Duration) {
        self.state.lock().enrich_delay = delay;
    }

    /// What the enrichment job merges into the person, as a PATCH body
    /// would (`null` = the job finds nothing).
    pub fn set_enrichment(&self, patch: Value) {
        self.state.lock().enrichment = patch;
    }

    /// Replace the custom-field definitions.
    pub fn set_custom_fields(&self, defs: Vec<Value>) {
        self.state.lock().custom_fields = defs;
    }

    pub fn inject(&self, method: Option<&str>, path: Option<&str>, fault: Fault, times: u32) {
        self.recorder.inject(method, path, fault, times);
    }
}

/// Unset columns as Prisma returns them.
fn fill_defaults(obj: &mut Map<String, Value>) {
    for key in ["email", "firstName", "lastName", "phoneNumber", "address"] {
        obj.entry(key).or_insert(Value::Null);
    }
    let (lat, lon) = geocode(obj.get("address").and_then(Value::as_str));
    obj.entry("latitude").or_insert(lat);
    obj.entry("longitude").or_insert(lon);
    for key in ["isConnector", "isSolutionProvider", "isFullUser"] {
        obj.entry(key).or_insert(json!(false));
    }
    obj.entry("customFields").or_insert_with(|| json!({}));
    obj.entry("company").or_insert(Value::Null);
}

/// The server geocodes addresses; a stable stand-in keeps numbers numbers.
fn geocode(address: Option<&str>) -> (Value, Value) {
    match address.filter(|a| !a.trim().is_empty()) {
        None => (Value::Null, Value::Null),
        Some(a) => {
            let h = a
                .bytes()
                .fold(17u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
            let lat = (h % 18_000) as f64 / 100.0 - 90.0;
            let lon = ((h / 18_000) % 36_000) as f64 / 100.0 - 180.0;
            (json!(lat), json!(lon))
        }
    }
}

fn full_company(c: &Value) -> Value {
    json!({
        "id": c["id"],
        "name": c.get("name").cloned().unwrap_or(Value::Null),
        "industry": c.get("industry").cloned().unwrap_or(Value::Null),
        "website": c.get("website").cloned().unwrap_or(Value::Null),
    })
}

/// `company` with only `keys` (each endpoint's example shows different ones).
fn company_view(company: &Value, keys: &[&str]) -> Value {
    match company.as_object() {
        None => Value::Null,
        Some(c) => Value::Object(
            c.iter()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    }
}

/// A person as "List People" shows one.
fn list_view(p: &Value) -> Value {
    let mut out: Map<String, Value> = p
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !GET_ONLY.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.insert(
        "company".into(),
        company_view(&p["company"], &["id", "name", "industry"]),
    );
    Value::Object(out)
}

/// A person as "Create Person"'s reply shows one.
fn created_view(p: &Value) -> Value {
    let mut out = list_view(p);
    out["company"] = company_view(&p["company"], &["id", "name"]);
    out
}

/// A person as "Update Person"'s reply shows one (partial, as documented).
fn patched_view(p: &Value) -> Value {
    Value::Object(
        PATCH_REPLY_KEYS
            .iter()
            .map(|k| (k.to_string(), p[*k].clone()))
            .collect(),
    )
}

fn default_custom_fields() -> Vec<Value> {
    let def = |key: &str, kind: &str, order: i64, options: Value| {
        json!({"key": key, "type": kind, "isFilterable": true, "isSortable": false,
               "isRequired": false, "settings": {"options": options}, "displayOrder": order})
    };
    vec![
        def(
            "cf_lead_source",
            "select",
            2,
            json!([
                {"value": "conference", "label": "Conference", "color": "#ff0000"},
                {"value": "web", "label": "Website", "color": "#00ff00"}
            ]),
        ),
        def("cf_department", "text", 1, json!([])),
        def("cf_job_title", "text", 3, json!([])),
        def("cf_linkedin_url", "url", 4, json!([])),
        def("cf_enriched_at", "date", 5, json!([])),
        def("cf_seats", "number", 6, json!([])),
    ]
}

fn note_json(id: &str, content: &str, created: &str, updated: &str) -> Value {
    let mentions: Vec<Value> = mention_ids(content)
        .into_iter()
        .map(|pid| json!({"personId": pid}))
        .collect();
    json!({
        "id": id,
        "content": content,
        "createdByUserId": "user-1",
        "notePeople": mentions,
        "noteCompanies": [],
        "createdAt": created,
        "updatedAt": updated,
    })
}

/// The uuids of `[@Name](person:<uuid>)` mentions, as the server indexes them.
fn mention_ids(content: &str) -> Vec<String> {
    content
        .split("](person:")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(id, _)| id.to_string()))
        .collect()
}

async fn auth(headers: HeaderMap, req: Request, next: Next) -> Response {
    let expected = format!("Bearer {API_KEY}");
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(v) if v == expected => next.run(req).await,
        Some(_) => fail(StatusCode::UNAUTHORIZED, "Invalid API key"),
        None => fail(StatusCode::UNAUTHORIZED, "Authorization header required"),
    }
}

/// The body's documented keys; anything else is dropped (zod `strip`).
fn json_body(body: &str) -> Result<Map<String, Value>, Response> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map
            .into_iter()
            .filter(|(k, _)| WRITABLE.contains(&k.as_str()))
            .collect()),
        _ => Err(fail(StatusCode::BAD_REQUEST, "Invalid JSON body")),
    }
}

fn str_field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn matches_search(person: &Value, q: &str) -> bool {
    let q = q.to_lowercase();
    let s = |k: &str| person[k].as_str().unwrap_or_default().to_lowercase();
    let full = format!("{} {}", s("firstName"), s("lastName"));
    full.contains(&q) || s("email").contains(&q)
}

fn page_params(q: &HashMap<String, String>) -> Result<(usize, usize), Response> {
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                "limit must be between 1 and 100",
            ));
        }
    };
    let Ok(offset) = q.get("offset").map_or(Ok(0), |o| o.parse::<usize>()) else {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "offset must be a non-negative integer",
        ));
    };
    Ok((limit, offset))
}

async fn list_people(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (limit, offset) = match page_params(&q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let data = state.lock();
    let matching: Vec<&Value> = data
        .people
        .iter()
        .filter(|p| q.get("search").is_none_or(|s| matches_search(p, s)))
        .filter(|p| {
            q.get("companyId")
                .is_none_or(|c| p["company"]["id"].as_str() == Some(c))
        })
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(list_view)
        .collect();
    ok(
        StatusCode::OK,
        json!({"people": page, "total": total, "limit": limit, "offset": offset,
               "hasMore": offset + limit < total}),
    )
}

async fn get_person(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.lock().people.iter().find(|p| p["id"] == id) {
        Some(p) => ok(StatusCode::OK, p.clone()),
        None => fail(StatusCode::NOT_FOUND, "Person not found"),
    }
}

fn validate_person_fields(body: &Map<String, Value>, creating: bool) -> Result<(), String> {
    let email = str_field(body, "email");
    if creating || body.contains_key("email") {
        match email {
            Some(e) if e.contains('@') && e.contains('.') => {}
            _ => return Err("Valid email address is required".into()),
        }
    }
    let first = str_field(body, "firstName");
    if creating || body.contains_key("firstName") {
        match first {
            Some(f) if (1..=100).contains(&f.chars().count()) => {}
            _ => return Err("firstName must be 1-100 characters".into()),
        }
    }
    let too_long =
        |key: &str, max: usize| str_field(body, key).is_some_and(|v| v.chars().count() > max);
    if too_long("lastName", 100) {
        return Err("lastName must be at most 100 characters".into());
    }
    if too_long("phoneNumber", 50) {
        return Err("phoneNumber must be at most 50 characters".into());
    }
    if too_long("address", 500) {
        return Err("address must be at most 500 characters".into());
    }
    if body.get("customFields").is_some_and(|c| !c.is_object()) {
        return Err("customFields must be an object".into());
    }
    Ok(())
}

/// A select-type custom field only takes one of its options.
fn invalid_custom_field(defs: &[Value], body: &Map<String, Value>) -> Option<String> {
    let fields = body.get("customFields")?.as_object()?;
    fields.iter().find_map(|(key, value)| {
        let def = defs.iter().find(|d| d["key"] == *key)?;
        let options = def.pointer("/settings/options")?.as_array()?;
        let ok = value.is_null() || options.iter().any(|o| o["value"] == *value);
        (def["type"] == "select" && !ok).then(|| format!("Invalid value for custom field {key}"))
    })
}

fn email_taken(data: &Data, email: &str, except: Option<&str>) -> bool {
    data.people.iter().any(|p| {
        p["email"]
            .as_str()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
            && except.is_none_or(|id| p["id"] != id)
    })
}

/// `companyId` must exist; `companyName` finds or creates a company.
fn resolve_company(data: &mut Data, body: &Map<String, Value>) -> Result<Option<Value>, String> {
    if let Some(id) = str_field(body, "companyId") {
        return match data.companies.iter().find(|c| c["id"] == id) {
            Some(c) => Ok(Some(c.clone())),
            None => Err("Company not found".into()),
        };
    }
    let Some(name) = str_field(body, "companyName").filter(|n| !n.trim().is_empty()) else {
        return Ok(None);
    };
    if let Some(c) = data.companies.iter().find(|c| c["name"] == name) {
        return Ok(Some(c.clone()));
    }
    data.next_id += 1;
    let company = json!({"id": format!("company-{}", data.next_id), "name": name,
                         "industry": null, "website": null});
    data.companies.push(company.clone());
    Ok(Some(company))
}

async fn create_person(State(state): State<AppState>, body: String) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(msg) = validate_person_fields(&body, true) {
        return fail(StatusCode::BAD_REQUEST, &msg);
    }
    let mut data = state.lock();
    if let Some(msg) = invalid_custom_field(&data.custom_fields, &body) {
        return fail(StatusCode::BAD_REQUEST, &msg);
    }
    if email_taken(&data, str_field(&body, "email").unwrap_or_default(), None) {
        return fail(StatusCode::CONFLICT, DUPLICATE);
    }
    let company = match resolve_company(&mut data, &body) {
        Ok(c) => c,
        Err(msg) => return fail(StatusCode::BAD_REQUEST, &msg),
    };
    data.next_id += 1;
    let id = format!("00000000-0000-4000-8000-{:012}", data.next_id);
    let now = state.clock.tick();
    let mut person = Map::new();
    person.insert("id".into(), json!(id));
    for key in ["email", "firstName", "lastName", "phoneNumber", "address"] {
        person.insert(key.into(), body.get(key).cloned().unwrap_or(Value::Null));
    }
    person.insert(
        "customFields".into(),
        body.get("customFields").cloned().unwrap_or(json!({})),
    );
    person.insert("company".into(), company.unwrap_or(Value::Null));
    person.insert("createdAt".into(), json!(now));
    person.insert("updatedAt".into(), json!(now));
    fill_defaults(&mut person);
    let person = Value::Object(person);
    data.people.push(person.clone());
    ok_with_message(
        StatusCode::CREATED,
        created_view(&person),
        "Person created successfully",
    )
}

/// Only provided fields change; `customFields` merge key by key.
fn apply_person_patch(person: &mut Value, body: &Map<String, Value>, company: Option<Value>) {
    let Some(obj) = person.as_object_mut() else {
        return;
    };
    for (key, value) in body {
        match key.as_str() {
            "customFields" => {
                let fields = obj.entry("customFields").or_insert_with(|| json!({}));
                if let (Some(dst), Some(src)) = (fields.as_object_mut(), value.as_object()) {
                    for (k, v) in src {
                        dst.insert(k.clone(), v.clone());
                    }
                }
            }
            "companyId" | "companyName" => {}
            "address" => {
                let (lat, lon) = geocode(value.as_str());
                obj.insert("latitude".into(), lat);
                obj.insert("longitude".into(), lon);
                obj.insert(key.clone(), value.clone());
            }
            _ => {
                obj.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(c) = company {
        obj.insert("company".into(), c);
    }
}

async fn patch_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(msg) = validate_person_fields(&body, false) {
        return fail(StatusCode::BAD_REQUEST, &msg);
    }
    let mut data = state.lock();
    if let Some(msg) = invalid_custom_field(&data.custom_fields, &body) {
        return fail(StatusCode::BAD_REQUEST, &msg);
    }
    let Some(current) = data.people.iter().find(|p| p["id"] == id) else {
        return fail(StatusCode::NOT_FOUND, "Person not found");
    };
    if let Some(email) = str_field(&body, "email") {
        // "Email cannot be changed for people with active user accounts."
        if current["isFullUser"] == true && current["email"] != email {
            return fail(
                StatusCode::BAD_REQUEST,
                "Email cannot be changed for people with active user accounts",
            );
        }
        if email_taken(&data, email, Some(&id)) {
            return fail(StatusCode::CONFLICT, DUPLICATE);
        }
    }
    let company = match resolve_company(&mut data, &body) {
        Ok(c) => c,
        Err(msg) => return fail(StatusCode::BAD_REQUEST, &msg),
    };
    let now = state.clock.tick();
    let Some(person) = data.people.iter_mut().find(|p| p["id"] == id) else {
        return fail(StatusCode::NOT_FOUND, "Person not found");
    };
    apply_person_patch(person, &body, company);
    person["updatedAt"] = json!(now);
    let reply = patched_view(person);
    ok_with_message(StatusCode::OK, reply, "Person updated successfully")
}

async fn enrich(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let (name, email, delay, enrichment) = {
        let data = state.lock();
        let Some(person) = data.people.iter().find(|p| p["id"] == id) else {
            return fail(StatusCode::NOT_FOUND, "Person not found");
        };
        let email = person["email"].as_str().unwrap_or_default().to_string();
        if email.is_empty() {
            return fail(
                StatusCode::BAD_REQUEST,
                "Person email is required for enrichment",
            );
        }
        let name = format!(
            "{} {}",
            person["firstName"].as_str().unwrap_or_default(),
            person["lastName"].as_str().unwrap_or_default()
        );
        (name, email, data.enrich_delay, data.enrichment.clone())
    };
    let job_state = state.clone();
    let job_id = id.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let Some(patch) = enrichment.as_object() else {
            return;
        };
        let now = job_state.clock.tick();
        let mut data = job_state.lock();
        if let Some(person) = data.people.iter_mut().find(|p| p["id"] == job_id) {
            apply_person_patch(person, patch, None);
            person["updatedAt"] = json!(now);
        }
    });
    let name = name.trim().to_string();
    ok_with_message(
        StatusCode::OK,
        json!({"jobId": format!("job_{id}"), "personId": id,
               "personName": name, "personEmail": email}),
        &format!("Enrichment job created for {name}"),
    )
}

async fn custom_fields(State(state): State<AppState>) -> Response {
    ok(
        StatusCode::OK,
        Value::Array(state.lock().custom_fields.clone()),
    )
}

fn person_exists(data: &Data, id: &str) -> bool {
    data.people.iter().any(|p| p["id"] == id)
}

async fn list_notes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (limit, offset) = match page_params(&q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let data = state.lock();
    if !person_exists(&data, &id) {
        return fail(StatusCode::NOT_FOUND, "Person not found");
    }
    let all = data.notes.get(&id).cloned().unwrap_or_default();
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
    ok(
        StatusCode::OK,
        json!({"notes": page, "total": total, "limit": limit, "offset": offset,
               "hasMore": offset + limit < total}),
    )
}

async fn create_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let content = match serde_json::from_str::<Value>(&body) {
        Ok(v) => match v.get("content").and_then(Value::as_str) {
            Some(c) if !c.trim().is_empty() => c.to_string(),
            _ => return fail(StatusCode::BAD_REQUEST, "content is required"),
        },
        Err(_) => return fail(StatusCode::BAD_REQUEST, "Invalid JSON body"),
    };
    let mut data = state.lock();
    if !person_exists(&data, &id) {
        return fail(StatusCode::NOT_FOUND, "Person not found");
    }
    data.next_id += 1;
    let note_id = format!("note-{}", data.next_id);
    let now = state.clock.tick();
    let note = note_json(&note_id, &content, &now, &now);
    data.notes.entry(id).or_default().push(note.clone());
    ok(StatusCode::CREATED, note)
}
