//! An in-process Introzy People API (see ../shared/api/introzy-people.txt):
//! `Authorization: Bearer <key>`, `{success, data}` envelopes, limit (1-100) /
//! offset / hasMore paging, search, 400/404/409 errors as
//! `{success:false, error}`, notes under `/api/people/{id}/notes`, custom-field
//! definitions and an enrichment job that changes the person after a delay.
//! Records are raw JSON so fields rolo does not know survive.

#![allow(dead_code)]
// Handlers return their error reply directly; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

use super::faults::{self, FakeClock, Fault, Recorder};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const API_KEY: &str = "introzy_test_key_0123456789";

#[derive(Debug, Default)]
struct Data {
    people: Vec<Value>,
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

impl FakeIntrozy {
    pub async fn start() -> FakeIntrozy {
        let recorder = Recorder::default();
        let state = AppState {
            data: Arc::new(Mutex::new(Data {
                enrich_delay: Duration::from_millis(150),
                enrichment: json!({
                    "jobTitle": "Chief Widget Officer",
                    "linkedinUrl": "https://www.linkedin.com/in/enriched",
                    "customFields": {"cf_seniority": "senior"}
                }),
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
            .route(
                "/api/people/{id}/notes/{note_id}",
                get(get_note)
                    .patch(update_note)
                    .put(update_note)
                    .delete(delete_note),
            )
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

    /// Store `person` verbatim (an `id`, timestamps and `customFields` are
    /// added when missing); returns the id.
    pub fn seed(&self, mut person: Value) -> String {
        let mut data = self.state.lock();
        data.next_id += 1;
        let id = format!("00000000-0000-4000-8000-{:012}", data.next_id);
        let obj = person.as_object_mut().expect("seed an object");
        obj.entry("id").or_insert_with(|| json!(id));
        let now = self.state.clock.tick();
        obj.entry("createdAt").or_insert_with(|| json!(now));
        obj.entry("updatedAt").or_insert_with(|| json!(now));
        obj.entry("customFields").or_insert_with(|| json!({}));
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

    /// What the enrichment job merges into the person (`null` = nothing).
    pub fn set_enrichment(&self, patch: Value) {
        self.state.lock().enrichment = patch;
    }

    pub fn inject(&self, method: Option<&str>, path: Option<&str>, fault: Fault, times: u32) {
        self.recorder.inject(method, path, fault, times);
    }
}

fn default_custom_fields() -> Vec<Value> {
    vec![
        json!({"key": "cf_lead_source", "label": "Lead source", "type": "select",
               "isFilterable": true, "isSortable": false, "isRequired": false,
               "settings": {"options": [
                   {"value": "conference", "label": "Conference", "color": "#ff0000"},
                   {"value": "web", "label": "Website", "color": "#00ff00"}]},
               "displayOrder": 2}),
        json!({"key": "cf_department", "label": "Department", "type": "text",
               "isFilterable": true, "isSortable": true, "isRequired": false,
               "settings": {}, "displayOrder": 1}),
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

fn json_body(body: &str) -> Result<Map<String, Value>, Response> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
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

async fn list_people(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => return fail(StatusCode::BAD_REQUEST, "limit must be between 1 and 100"),
    };
    let Ok(offset) = q.get("offset").map_or(Ok(0), |o| o.parse::<usize>()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "offset must be a non-negative integer",
        );
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
        .cloned()
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
    if creating || email.is_some() {
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
    if str_field(body, "lastName").is_some_and(|l| l.chars().count() > 100) {
        return Err("lastName must be at most 100 characters".into());
    }
    if str_field(body, "phoneNumber").is_some_and(|p| p.chars().count() > 50) {
        return Err("phoneNumber must be at most 50 characters".into());
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
        return fail(
            StatusCode::CONFLICT,
            "A person with this email already exists in your organization",
        );
    }
    data.next_id += 1;
    let id = format!("00000000-0000-4000-8000-{:012}", data.next_id);
    let now = state.clock.tick();
    let mut person = Map::new();
    person.insert("id".into(), json!(id));
    for key in ["email", "firstName", "lastName", "phoneNumber", "address"] {
        if let Some(v) = body.get(key) {
            person.insert(key.into(), v.clone());
        }
    }
    person.insert("isFullUser".into(), json!(false));
    person.insert(
        "customFields".into(),
        body.get("customFields").cloned().unwrap_or(json!({})),
    );
    if let Some(name) = str_field(&body, "companyName") {
        person.insert("company".into(), company(name));
    }
    person.insert("createdAt".into(), json!(now));
    person.insert("updatedAt".into(), json!(now));
    let person = Value::Object(person);
    data.people.push(person.clone());
    (
        StatusCode::CREATED,
        axum::Json(json!({"success": true, "data": person,
                          "message": "Person created successfully"})),
    )
        .into_response()
}

fn company(name: &str) -> Value {
    json!({"id": format!("company-{}", name.to_lowercase().replace(' ', "-")), "name": name})
}

/// Only provided fields change; `customFields` merge key by key.
fn apply_person_patch(person: &mut Value, body: &Map<String, Value>) {
    let Some(obj) = person.as_object_mut() else {
        return;
    };
    for (key, value) in body {
        match key.as_str() {
            "id" | "createdAt" | "updatedAt" => {}
            "customFields" => {
                let fields = obj.entry("customFields").or_insert_with(|| json!({}));
                if let (Some(dst), Some(src)) = (fields.as_object_mut(), value.as_object()) {
                    for (k, v) in src {
                        dst.insert(k.clone(), v.clone());
                    }
                }
            }
            "companyName" => {
                let name = value.as_str().unwrap_or_default();
                obj.insert("company".into(), company(name));
            }
            _ => {
                obj.insert(key.clone(), value.clone());
            }
        }
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
    if let Some(email) = str_field(&body, "email")
        && email_taken(&data, email, Some(&id))
    {
        return fail(
            StatusCode::CONFLICT,
            "A person with this email already exists in your organization",
        );
    }
    let now = state.clock.tick();
    let Some(person) = data.people.iter_mut().find(|p| p["id"] == id) else {
        return fail(StatusCode::NOT_FOUND, "Person not found");
    };
    apply_person_patch(person, &body);
    person["updatedAt"] = json!(now);
    let person = person.clone();
    (
        StatusCode::OK,
        axum::Json(json!({"success": true, "data": person,
                          "message": "Person updated successfully"})),
    )
        .into_response()
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
            apply_person_patch(person, patch);
            person["updatedAt"] = json!(now);
        }
    });
    (
        StatusCode::OK,
        axum::Json(json!({"success": true,
            "data": {"jobId": format!("job_{id}"), "personId": id,
                     "personName": name.trim(), "personEmail": email},
            "message": format!("Enrichment job created for {}", name.trim())})),
    )
        .into_response()
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
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => return fail(StatusCode::BAD_REQUEST, "limit must be between 1 and 100"),
    };
    let offset = q
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
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

fn note_content(body: &str) -> Result<String, Response> {
    let body = json_body(body)?;
    match str_field(&body, "content") {
        Some(c) if !c.trim().is_empty() => Ok(c.to_string()),
        _ => Err(fail(StatusCode::BAD_REQUEST, "content is required")),
    }
}

async fn create_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let content = match note_content(&body) {
        Ok(c) => c,
        Err(r) => return r,
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

async fn get_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
) -> Response {
    let data = state.lock();
    match data
        .notes
        .get(&id)
        .and_then(|n| n.iter().find(|n| n["id"] == note_id))
    {
        Some(n) => ok(StatusCode::OK, n.clone()),
        None => fail(StatusCode::NOT_FOUND, "Note not found"),
    }
}

async fn update_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
    body: String,
) -> Response {
    let content = match note_content(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = state.clock.tick();
    let mut data = state.lock();
    let Some(note) = data
        .notes
        .get_mut(&id)
        .and_then(|n| n.iter_mut().find(|n| n["id"] == note_id))
    else {
        return fail(StatusCode::NOT_FOUND, "Note not found");
    };
    let created = note["createdAt"].as_str().unwrap_or_default().to_string();
    *note = note_json(&note_id, &content, &created, &now);
    ok(StatusCode::OK, note.clone())
}

async fn delete_note(
    State(state): State<AppState>,
    Path((id, note_id)): Path<(String, String)>,
) -> Response {
    let mut data = state.lock();
    let Some(notes) = data.notes.get_mut(&id) else {
        return fail(StatusCode::NOT_FOUND, "Note not found");
    };
    let before = notes.len();
    notes.retain(|n| n["id"] != note_id);
    if notes.len() == before {
        return fail(StatusCode::NOT_FOUND, "Note not found");
    }
    (
        StatusCode::OK,
        axum::Json(json!({"success": true, "message": "Note deleted"})),
    )
        .into_response()
}
