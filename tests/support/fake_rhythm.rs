//! An in-process Rhythm Rolodex contacts API (see
//! ../shared/api/rhythm-rolodex-contacts.txt): tenant paths
//! `/contacts/{tenant}/...`, auth by a static `Authorization` value or an
//! OAuth2 client-credentials Bearer token from `/oauth/token`, search paging
//! with `LastEvaluatedKey` -> `exclusiveStartKey` (DynamoDB style: a fixed
//! number of records is *scanned* per page, so filtered pages are short or
//! empty while a key remains), RFC 6902 PATCH (415 for other content types),
//! PUT, DELETE, merge and social-profile lookup. Records are raw JSON, and
//! every reply has the keys and value types of the document's samples
//! (tests/rhythm.rs checks them against the document).
//!
//! Status codes as documented: create answers 200; 403 is a locked contact
//! (`sys_locked`: "cannot be changed via the API") on any write; 409 means
//! the contact "refers to/depends on a non-existent object" (an unknown
//! `organization_id`), or on delete that another contact depends on it
//! (`spouse_id`). Where the document is silent the fake does what API
//! Gateway in front of DynamoDB does: error bodies are `{"message": ...}`,
//! items are sparse (a key is absent until set), a failed JSON Patch `test`
//! is the documented 400 for an invalid patch.

// Handlers return their error reply directly; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

use crate::faults::{self, FakeClock, Fault, Recorder};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const TENANT: &str = "acme";
pub const STATIC_KEY: &str = "rhythm-static-key-0123456789";
pub const CLIENT_ID: &str = "rolo-client";
pub const CLIENT_SECRET: &str = "s3cr3t-client-secret";
pub const AUDIENCE: &str = "https://rolodex.api.rhythmsoftware.com";

#[derive(Debug)]
struct Data {
    /// Keyed by id; a BTreeMap gives the stable scan order a key needs.
    contacts: BTreeMap<String, Value>,
    social: HashMap<String, Value>,
    tokens: HashMap<String, Instant>,
    token_lifetime: Duration,
    /// Records scanned per search page, cycled; 0 gives an empty page that
    /// still carries a key.
    scan_sizes: Vec<usize>,
    page_no: usize,
    /// Send `"LastEvaluatedKey": null` on the last page instead of omitting it.
    null_last_key: bool,
    /// Organisation ids a contact may refer to, with their names.
    organizations: HashMap<String, String>,
    next_id: u64,
}

#[derive(Clone)]
struct AppState {
    data: Arc<Mutex<Data>>,
    clock: Arc<FakeClock>,
    token_requests: Arc<AtomicUsize>,
}

impl AppState {
    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct FakeRhythm {
    pub base_url: String,
    pub recorder: Recorder,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRhythm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error_body(_status: u16, message: &str) -> Value {
    json!({"message": message})
}

fn fail(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(error_body(status.as_u16(), message))).into_response()
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

impl FakeRhythm {
    pub async fn start() -> FakeRhythm {
        let recorder = Recorder::default();
        let state = AppState {
            data: Arc::new(Mutex::new(Data {
                contacts: BTreeMap::new(),
                social: HashMap::new(),
                tokens: HashMap::new(),
                token_lifetime: Duration::from_secs(86_400),
                scan_sizes: vec![40, 7, 0, 25],
                page_no: 0,
                null_last_key: false,
                organizations: HashMap::new(),
                next_id: 0,
            })),
            clock: Arc::new(FakeClock::default()),
            token_requests: Arc::new(AtomicUsize::new(0)),
        };
        let rec = recorder.clone();
        let contacts = Router::new()
            .route("/contacts/{tenant}", post(create))
            .route("/contacts/{tenant}/search", post(search))
            .route(
                "/contacts/{tenant}/{id}",
                get(get_contact).put(replace).patch(patch).delete(delete),
            )
            .route("/contacts/{tenant}/{id}/merge", put(merge))
            .route(
                "/contacts/{tenant}/socialProfile/{email}",
                get(social_profile),
            )
            .layer(middleware::from_fn_with_state(state.clone(), auth));
        let app = Router::new()
            .route("/oauth/token", post(token))
            .merge(contacts)
            .layer(middleware::from_fn(move |req: Request, next: Next| {
                faults::apply(rec.clone(), error_body, req, next)
            }))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake rhythm");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeRhythm {
            base_url: format!("http://{addr}"),
            recorder,
            state,
            task,
        }
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url)
    }

    /// How many times `/oauth/token` was called.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::SeqCst)
    }

    /// Lifetime of newly issued tokens (`expires_in`).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state.lock().token_lifetime = lifetime;
    }

    /// Invalidate every issued token (as a server-side revocation would).
    pub fn revoke_tokens(&self) {
        self.state.lock().tokens.clear();
    }

    pub fn set_scan_sizes(&self, sizes: Vec<usize>) {
        self.state.lock().scan_sizes = sizes;
    }

    pub fn set_null_last_key(&self, null: bool) {
        self.state.lock().null_last_key = null;
    }

    /// Store `contact` verbatim, adding an id and `sys_*` fields when missing.
    pub fn seed(&self, mut contact: Value) -> String {
        let now = self.state.clock.tick();
        let mut data = self.state.lock();
        data.next_id += 1;
        let id = format!("c-{:06}", data.next_id);
        let number = data.next_id;
        let obj = contact.as_object_mut().expect("seed an object");
        obj.entry("id").or_insert_with(|| json!(id));
        obj.entry("number").or_insert_with(|| json!(number));
        obj.entry("sys_version").or_insert_with(|| json!(1));
        obj.entry("sys_created_at").or_insert_with(|| json!(now));
        obj.entry("sys_last_modified_at")
            .or_insert_with(|| json!(now));
        obj.entry("sys_created_by_id")
            .or_insert_with(|| json!("seed"));
        obj.entry("sys_last_modified_by_id")
            .or_insert_with(|| json!("seed"));
        let id = obj["id"].as_str().unwrap_or_default().to_string();
        data.contacts.insert(id.clone(), contact);
        id
    }

    pub fn seed_many(&self, n: usize) {
        for i in 1..=n {
            self.seed(json!({
                "first_name": format!("Person{i:04}"),
                "last_name": format!("Family{i:04}"),
                "email_address": format!("p{i:04}@example.com"),
                "status": "active",
            }));
        }
    }

    /// An organisation `organization_id` may refer to.
    pub fn seed_organization(&self, id: &str, name: &str) {
        self.state
            .lock()
            .organizations
            .insert(id.to_string(), name.to_string());
    }

    /// Lock or unlock a contact, as an administrator would in Rhythm.
    pub fn set_locked(&self, id: &str, locked: bool) {
        if let Some(c) = self.state.lock().contacts.get_mut(id) {
            c["sys_locked"] = json!(locked);
        }
    }

    /// Change a contact behind rolo's back, as another user would (the
    /// version moves on).
    pub fn edit_elsewhere(&self, id: &str, changes: Value) {
        let now = self.state.clock.tick();
        let mut data = self.state.lock();
        if let (Some(Value::Object(c)), Some(changes)) =
            (data.contacts.get_mut(id), changes.as_object())
        {
            for (k, v) in changes {
                c.insert(k.clone(), v.clone());
            }
            let version = c["sys_version"].as_u64().unwrap_or(0) + 1;
            stamp(c, &now, version);
            c.insert("sys_last_modified_by_id".into(), json!("someone-else"));
        }
    }

    pub fn seed_social(&self, email: &str, profile: Value) {
        self.state
            .lock()
            .social
            .insert(email.to_lowercase(), profile);
    }

    pub fn raw(&self, id: &str) -> Option<Value> {
        self.state.lock().contacts.get(id).cloned()
    }

    pub fn contacts_count(&self) -> usize {
        self.state.lock().contacts.len()
    }

    pub fn inject(&self, method: Option<&str>, path: Option<&str>, fault: Fault, times: u32) {
        self.recorder.inject(method, path, fault, times);
    }
}

async fn token(State(state): State<AppState>, body: String) -> Response {
    state.token_requests.fetch_add(1, Ordering::SeqCst);
    let form: HashMap<String, String> = url_form(&body);
    let get = |k: &str| form.get(k).map(String::as_str);
    if get("grant_type") != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "unsupported_grant_type"})),
        )
            .into_response();
    }
    if get("client_id") != Some(CLIENT_ID) || get("client_secret") != Some(CLIENT_SECRET) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client",
                              "error_description": "Unauthorized"})),
        )
            .into_response();
    }
    if get("audience").is_some_and(|a| a != AUDIENCE) {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({"error": "access_denied",
                              "error_description": "Service not enabled within domain"})),
        )
            .into_response();
    }
    let n = state.token_requests.load(Ordering::SeqCst);
    let access = format!("tok-{n}-{}", uuid::Uuid::new_v4());
    let lifetime = {
        let mut data = state.lock();
        let lifetime = data.token_lifetime;
        data.tokens
            .insert(access.clone(), Instant::now() + lifetime);
        lifetime
    };
    ok(json!({"access_token": access, "token_type": "Bearer",
              "expires_in": lifetime.as_secs()}))
}

/// `application/x-www-form-urlencoded` without pulling in another crate.
fn url_form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn auth(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let allowed = value == STATIC_KEY
        || value.strip_prefix("Bearer ").is_some_and(|t| {
            state
                .lock()
                .tokens
                .get(t)
                .is_some_and(|exp| *exp > Instant::now())
        });
    if !allowed {
        return fail(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let tenant_ok = req
        .uri()
        .path()
        .strip_prefix("/contacts/")
        .and_then(|rest| rest.split('/').next())
        == Some(TENANT);
    if !tenant_ok {
        return fail(StatusCode::FORBIDDEN, "Forbidden");
    }
    next.run(req).await
}

fn json_object(body: &str) -> Result<Map<String, Value>, Response> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(fail(
            StatusCode::BAD_REQUEST,
            "The contact you supplied was invalid.",
        )),
    }
}

fn validate_contact(c: &Map<String, Value>) -> Result<(), Response> {
    let has = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
    };
    if !has("first_name") && !has("last_name") {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "The contact you supplied was invalid: first_name or last_name is required",
        ));
    }
    for key in ["first_name", "last_name"] {
        if c.get(key)
            .and_then(Value::as_str)
            .is_some_and(|s| s.chars().count() > 100)
        {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                &format!(
                    "The contact you supplied was invalid: {key} is longer than 100 characters"
                ),
            ));
        }
    }
    if let Some(e) = c.get("email_address").and_then(Value::as_str)
        && !e.is_empty()
        && !e.contains('@')
    {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "The contact you supplied was invalid: email_address is not an email address",
        ));
    }
    Ok(())
}

const LOCKED: &str = "Forbidden";
const MISSING_REFERENCE: &str =
    "The contact could not be saved because it refers to/depends on a non-existent object.";

/// A contact must refer to an organisation that exists; its name is filled
/// from it ("if an organization ID is present, this information is
/// automatically populated").
fn resolve_organization(data: &Data, c: &mut Map<String, Value>) -> Result<(), Response> {
    let Some(org) = c.get("organization_id").and_then(Value::as_str) else {
        return Ok(());
    };
    match data.organizations.get(org) {
        Some(name) => {
            c.insert("organization_name".into(), json!(name));
            Ok(())
        }
        None => Err(fail(StatusCode::CONFLICT, MISSING_REFERENCE)),
    }
}

fn is_locked(c: &Value) -> bool {
    c["sys_locked"] == true
}

/// Server-managed fields: set on every write, whatever the client sent.
fn stamp(c: &mut Map<String, Value>, now: &str, version: u64) {
    c.insert("sys_version".into(), json!(version));
    c.insert("sys_last_modified_at".into(), json!(now));
    c.insert("sys_last_modified_by_id".into(), json!("api-client"));
}

fn version_of(c: &Value) -> u64 {
    c["sys_version"].as_u64().unwrap_or(0)
}

async fn create(State(state): State<AppState>, body: String) -> Response {
    let mut c = match json_object(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if c.contains_key("id") {
        return fail(
            StatusCode::BAD_REQUEST,
            "The contact you supplied was invalid: an ID must not be specified",
        );
    }
    if let Err(r) = validate_contact(&c) {
        return r;
    }
    let now = state.clock.tick();
    let mut data = state.lock();
    if let Err(r) = resolve_organization(&data, &mut c) {
        return r;
    }
    data.next_id += 1;
    let id = format!("c-{:06}", data.next_id);
    let mut record = Map::new();
    record.insert("id".into(), json!(id));
    record.insert("number".into(), json!(data.next_id));
    record.append(&mut c);
    record.insert("sys_created_at".into(), json!(now));
    record.insert("sys_created_by_id".into(), json!("api-client"));
    stamp(&mut record, &now, 1);
    let record = Value::Object(record);
    data.contacts.insert(id, record.clone());
    ok(record)
}

async fn get_contact(
    State(state): State<AppState>,
    Path((_tenant, id)): Path<(String, String)>,
) -> Response {
    match state.lock().contacts.get(&id) {
        Some(c) => ok(c.clone()),
        None => fail(StatusCode::NOT_FOUND, "The contact could not be found."),
    }
}

async fn replace(
    State(state): State<AppState>,
    Path((_tenant, id)): Path<(String, String)>,
    body: String,
) -> Response {
    let mut c = match json_object(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if c.get("id").and_then(Value::as_str) != Some(id.as_str()) {
        return fail(
            StatusCode::BAD_REQUEST,
            "The contact you supplied was invalid: id does not match the path",
        );
    }
    if let Err(r) = validate_contact(&c) {
        return r;
    }
    let now = state.clock.tick();
    let mut data = state.lock();
    let Some(current) = data.contacts.get(&id) else {
        return fail(StatusCode::NOT_FOUND, "The contact could not be found.");
    };
    if is_locked(current) {
        return fail(StatusCode::FORBIDDEN, LOCKED);
    }
    let version = version_of(current) + 1;
    if let Err(r) = resolve_organization(&data, &mut c) {
        return r;
    }
    stamp(&mut c, &now, version);
    let record = Value::Object(c);
    data.contacts.insert(id, record.clone());
    ok(record)
}

fn patch_content_type_ok(headers: &HeaderMap) -> bool {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mime = ct.split(';').next().unwrap_or_default().trim();
    mime == "application/json" || mime == "application/json-patch+json"
}

async fn patch(
    State(state): State<AppState>,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !patch_content_type_ok(&headers) {
        return fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: send an RFC 6902 JSON Patch array",
        );
    }
    let invalid = "The JSON patch directive you supplied was not valid.";
    let Ok(ops) = serde_json::from_str::<json_patch::Patch>(&body) else {
        return fail(StatusCode::BAD_REQUEST, invalid);
    };
    let touches_managed = ops.iter().any(|op| {
        let path = op.path().to_string();
        !matches!(op, json_patch::PatchOperation::Test(_))
            && (path == "/id" || path.starts_with("/sys_"))
    });
    if touches_managed {
        return fail(StatusCode::BAD_REQUEST, invalid);
    }
    let now = state.clock.tick();
    let mut data = state.lock();
    let Some(current) = data.contacts.get(&id) else {
        return fail(StatusCode::NOT_FOUND, "The contact could not be found.");
    };
    if is_locked(current) {
        return fail(StatusCode::FORBIDDEN, LOCKED);
    }
    let mut doc = current.clone();
    if json_patch::patch(&mut doc, &ops).is_err() {
        return fail(StatusCode::BAD_REQUEST, invalid);
    }
    let version = version_of(current) + 1;
    if let Some(obj) = doc.as_object_mut() {
        if let Err(r) = validate_contact(obj) {
            return r;
        }
        if let Err(r) = resolve_organization(&data, obj) {
            return r;
        }
        stamp(obj, &now, version);
    }
    data.contacts.insert(id, doc.clone());
    ok(doc)
}

async fn delete(
    State(state): State<AppState>,
    Path((_tenant, id)): Path<(String, String)>,
) -> Response {
    let mut data = state.lock();
    let Some(current) = data.contacts.get(&id) else {
        return fail(StatusCode::NOT_FOUND, "The contact could not be found.");
    };
    if is_locked(current) {
        return fail(StatusCode::FORBIDDEN, LOCKED);
    }
    if data
        .contacts
        .values()
        .any(|c| c["spouse_id"] == id.as_str())
    {
        return fail(
            StatusCode::CONFLICT,
            "The contact could not be deleted because other objects refers to/depends on this one.",
        );
    }
    data.contacts.remove(&id);
    ok(json!("The contact was deleted successfully."))
}

fn filter_matches(contact: &Value, filter: &Map<String, Value>) -> bool {
    filter.iter().all(|(key, want)| match (key.as_str(), want) {
        ("ids", Value::Array(ids)) => ids.iter().any(|i| *i == contact["id"]),
        ("status", Value::Array(s)) => s.is_empty() || s.iter().any(|v| *v == contact["status"]),
        (_, Value::String(w)) => contact[key.as_str()]
            .as_str()
            .is_some_and(|have| have.to_lowercase().starts_with(&w.to_lowercase())),
        _ => true,
    })
}

async fn search(
    State(state): State<AppState>,
    Path(_tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let filter = if body.trim().is_empty() {
        Map::new()
    } else {
        match json_object(&body) {
            Ok(f) => f,
            Err(r) => return r,
        }
    };
    let mut data = state.lock();
    let start = match q.get("exclusiveStartKey") {
        None => None,
        Some(k) => match serde_json::from_str::<Value>(k) {
            Ok(v) if v["tenant"] == TENANT && v["id"].is_string() => {
                v["id"].as_str().map(str::to_string)
            }
            _ => return fail(StatusCode::BAD_REQUEST, "The request was not valid."),
        },
    };
    let sizes = data.scan_sizes.clone();
    let scan = sizes
        .get(data.page_no % sizes.len().max(1))
        .copied()
        .unwrap_or(25);
    data.page_no += 1;
    let mut remaining = data.contacts.iter().filter(|(id, _)| match &start {
        Some(s) => id.as_str() > s.as_str(),
        None => true,
    });
    let scanned: Vec<(&String, &Value)> = remaining.by_ref().take(scan).collect();
    let more = remaining.next().is_some();
    let items: Vec<Value> = scanned
        .iter()
        .filter(|(_, c)| filter_matches(c, &filter))
        .map(|(_, c)| (*c).clone())
        .collect();
    let last_key = match scanned.last() {
        Some((id, _)) if more => Some(json!({"tenant": TENANT, "id": id}).to_string()),
        // An empty scan (size 0) keeps the caller's position.
        None if more => start
            .map(|s| json!({"tenant": TENANT, "id": s}).to_string())
            .or(Some(json!({"tenant": TENANT, "id": ""}).to_string())),
        _ => None,
    };
    let mut out = Map::new();
    out.insert("Items".into(), Value::Array(items));
    match last_key {
        Some(k) => {
            out.insert("LastEvaluatedKey".into(), json!(k));
        }
        None if data.null_last_key => {
            out.insert("LastEvaluatedKey".into(), Value::Null);
        }
        None => {}
    }
    ok(Value::Object(out))
}

/// Fill the target's empty fields from the sources, then delete them.
async fn merge(
    State(state): State<AppState>,
    Path((_tenant, id)): Path<(String, String)>,
    body: String,
) -> Response {
    let req = match json_object(&body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let sources: Vec<String> = req
        .get("source_ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if sources.is_empty() || sources.contains(&id) {
        return fail(
            StatusCode::BAD_REQUEST,
            "The contact supplied was not valid: source_ids must be non-empty and exclude the target",
        );
    }
    let now = state.clock.tick();
    let mut data = state.lock();
    let Some(mut target) = data.contacts.get(&id).cloned() else {
        return fail(StatusCode::NOT_FOUND, "The contact could not be found.");
    };
    if is_locked(&target) {
        return fail(StatusCode::FORBIDDEN, LOCKED);
    }
    if sources.iter().any(|s| !data.contacts.contains_key(s)) {
        return fail(StatusCode::NOT_FOUND, "The contact could not be found.");
    }
    let version = version_of(&target) + 1;
    let Some(t) = target.as_object_mut() else {
        return fail(StatusCode::INTERNAL_SERVER_ERROR, "General server error.");
    };
    for src in &sources {
        let Some(Value::Object(s)) = data.contacts.remove(src) else {
            continue;
        };
        for (k, v) in s {
            if k == "id" || k.starts_with("sys_") {
                continue;
            }
            let empty = t.get(&k).is_none_or(|cur| cur.is_null() || cur == "");
            if empty {
                t.insert(k, v);
            }
        }
    }
    let merged = t.entry("merged_ids").or_insert_with(|| json!([]));
    if let Some(list) = merged.as_array_mut() {
        list.extend(sources.iter().map(|s| json!(s)));
    }
    stamp(t, &now, version);
    data.contacts.insert(id, target.clone());
    ok(target)
}

async fn social_profile(
    State(state): State<AppState>,
    Path((_tenant, email)): Path<(String, String)>,
) -> Response {
    match state.lock().social.get(&email.to_lowercase()) {
        Some(p) => ok(p.clone()),
        None => fail(StatusCode::NOT_FOUND, "The social profile was not found"),
    }
}
