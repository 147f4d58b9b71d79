//! RogerRoger (API Platform, JSON-LD/Hydra) adapter.
//!
//! Wire facts (../shared/DESIGN.md §4, `../shared/api/rogerroger-*`): `X-API-KEY`
//! auth, 20 requests/minute per tenant, collections `member`/`totalItems`/
//! `view.next` (older servers prefix them with `hydra:`), `itemsPerPage` ≤
//! 30, POST/PUT with `application/ld+json`, PATCH with
//! `application/merge-patch+json`, 422 problem+json violations. The API has
//! no DELETE, neither for people nor for notes: both are refused here,
//! before anything is sent.
//!
//! * [`wire`]: one serde struct per resource, unknown fields kept.
//! * [`refs`]: what the IRIs in people and notes (`/tags/{id}`,
//!   `/organizations/{id}`, `/users/{id}`, `/segments/{id}`,
//!   `/note_categories/{id}`) name. Records come out of this adapter with
//!   names; a link it does not know yet is dereferenced (tags in batches
//!   of 30 with the documented `id[]` filter, the others one GET each) and
//!   remembered. Names going back in (a tag typed in the form, an
//!   organisation, a note category) become IRIs; a name the server does not
//!   have is refused with the names it does have.
//!
//! Every field the model does not know is kept verbatim in `Person::extra`.
//! Edits send a merge-patch of only the changed fields, so fields rolo never
//! touched cannot be lost; [`RogerRoger::replace_person`] (PUT) starts from
//! the server's current record and sends every field it holds.
//!
//! Creates with a client-chosen id: the documented POST bodies (people and
//! notes) carry an `id`. When the `Person::id` / `Note::id` handed to
//! `create_*` is a hyphenated UUID, it is sent as that id, so a create whose
//! reply was lost is found again by that id (`GET /people/{id}`) and a
//! repeated POST cannot make a second record (the server refuses a used
//! id). Any other id (empty, `local-…`) lets the server choose.

mod refs;
pub mod wire;

use super::http::{
    Auth, HttpClient, HttpConfig, LD_JSON, MERGE_PATCH_JSON, RateLimit, RequestSpec,
};
use super::local::now_rfc3339;
use super::{Backend, BackendError, Cursor, EnrichOutcome, ListQuery, Page, Result};
use crate::model::{
    Address, Capabilities, Note, NoteId, Person, Phone, RefKind, Reference, Violation, sort_notes,
    validate_person,
};
use async_trait::async_trait;
use refs::{Directory, NameProblem, kind_of, tail};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::time::Duration;
use wire::{Collection, Link, NoteWire, PersonWire, READ_ONLY, Resource, resource_id, strip_ld};

pub const DEFAULT_BASE_URL: &str = "https://api.rogerroger.io";
/// The server's maximum `itemsPerPage`.
pub const PAGE_SIZE: u32 = 30;
/// Stop following `next` links after this many pages; a server that never
/// ends its collection must not hang the app.
const MAX_PAGES: u32 = 200;
/// Organisations are listed whole at a refresh only up to this many pages
/// (600 organisations, a minute and a half of budget); beyond that they are
/// dereferenced one by one as people link to them.
const MAX_ORG_PAGES: u32 = 20;
/// How far before our POST a record's `createdAt` may lie and still count as
/// the one we created (server clock skew).
const CREATE_WINDOW: Duration = Duration::from_secs(600);

pub struct RogerRoger {
    http: HttpClient,
    refs: Directory,
}

impl std::fmt::Debug for RogerRoger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RogerRoger")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

/// A hyphenated UUID the client chose for a new record, if `id` is one.
fn client_chosen(id: &str) -> Option<&str> {
    (id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()).then_some(id)
}

fn decode<T: DeserializeOwned>(value: Value, what: &str) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| BackendError::Malformed(format!("an unreadable {what}: {e}")))
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
            refs: Directory::default(),
        })
    }

    /// The HTTP client, for its status channel and request counter.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// `GET /people`, one page, with the filters API Platform offers. Pages
    /// are ordered by creation so a person created meanwhile joins the end
    /// instead of shifting everyone by one page.
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
            .query("itemsPerPage", PAGE_SIZE.to_string())
            .query("order[createdAt]", "asc");
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
        let coll: Collection<PersonWire> = self.http.send(spec).await?.json()?;
        // An empty page ends the listing even if the server still links on.
        let next = if coll.member.is_empty() {
            None
        } else {
            coll.next_page(page)
                .filter(|&p| p <= MAX_PAGES)
                .map(|p| Cursor(p.to_string()))
        };
        let links: Vec<String> = coll.member.iter().flat_map(person_links).collect();
        self.resolve(links).await;
        let people = coll
            .member
            .into_iter()
            .map(|w| self.person_from(w))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            people,
            next,
            total: coll.total_items,
        })
    }

    /// The server's record as it is, raw (for a PUT) and read.
    async fn get_current(&self, id: &str) -> Result<(Map<String, Value>, PersonWire)> {
        let reply = self.http.send(RequestSpec::get(person_path(id)?)).await?;
        let raw = match reply.json_value()? {
            Value::Object(m) => m,
            _ => {
                return Err(BackendError::Malformed(
                    "a person must be a JSON object".into(),
                ));
            }
        };
        let wire: PersonWire = decode(Value::Object(raw.clone()), "person")?;
        self.resolve(person_links(&wire)).await;
        Ok((raw, wire))
    }

    /// Every member of a collection, page by page.
    async fn list_collection<T: DeserializeOwned>(
        &self,
        path: &str,
        max_pages: u32,
    ) -> Result<(Vec<T>, Option<u64>)> {
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let spec = RequestSpec::get(path)
                .query("page", page.to_string())
                .query("itemsPerPage", PAGE_SIZE.to_string());
            let coll: Collection<T> = self.http.send(spec).await?.json()?;
            let empty = coll.member.is_empty();
            let next = coll.next_page(page);
            let total = coll.total_items;
            out.extend(coll.member);
            match next {
                Some(p) if !empty && p <= max_pages => page = p,
                _ => return Ok((out, total)),
            }
        }
    }

    /// Remember a resource read from the server under `iri`.
    fn learn(&self, kind: RefKind, iri: &str, r: &Resource) {
        let mut reference = Reference::new(kind, iri, r.display_name());
        if kind == RefKind::Tag {
            reference.color = r.background_color.clone().filter(|c| !c.is_empty());
            reference.text_color = r.text_color.clone().filter(|c| !c.is_empty());
        }
        self.refs.learn(reference);
    }

    /// Dereference the links not known yet: tags in batches (`GET
    /// /tags?id[]=…`), everything else one GET per IRI. A link the server
    /// will not show (404, 403) is remembered without a name. Names are a
    /// courtesy: when the server is out of reach the links stay unnamed
    /// (shown as "tag 9cfe12ab") and are tried again on the next read.
    async fn resolve(&self, iris: Vec<String>) {
        let mut unknown: Vec<(RefKind, String)> = iris
            .into_iter()
            .filter_map(|iri| Some((safe_kind(&iri)?, iri)))
            .filter(|(_, iri)| !self.refs.knows(iri))
            .collect();
        unknown.sort();
        unknown.dedup();
        let (tags, others): (Vec<_>, Vec<_>) =
            unknown.into_iter().partition(|(k, _)| *k == RefKind::Tag);
        for chunk in tags.chunks(PAGE_SIZE as usize) {
            let mut spec = RequestSpec::get("/tags").query("itemsPerPage", PAGE_SIZE.to_string());
            for (_, iri) in chunk {
                spec = spec.query("id[]", tail(iri));
            }
            let coll: Collection<Resource> = match self.http.send(spec).await.and_then(|r| r.json())
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("rogerroger: could not read tags ({e}); showing them unnamed");
                    return;
                }
            };
            for (_, iri) in chunk {
                let found = coll.member.iter().find(|r| {
                    r.iri.as_deref().map(tail) == Some(tail(iri))
                        || r.id.as_deref() == Some(tail(iri))
                });
                match found {
                    Some(r) => self.learn(RefKind::Tag, iri, r),
                    None => self
                        .refs
                        .learn(Reference::new(RefKind::Tag, iri.clone(), "")),
                }
            }
        }
        for (kind, iri) in others {
            let read = self
                .http
                .send(RequestSpec::get(iri.clone()))
                .await
                .and_then(|r| r.json::<Resource>());
            match read {
                Ok(r) => self.learn(kind, &iri, &r),
                Err(BackendError::NotFound(_) | BackendError::Unauthorized(_)) => {
                    self.refs.learn(Reference::new(kind, iri, ""));
                }
                Err(e) => {
                    tracing::warn!("rogerroger: could not read {iri} ({e}); showing it unnamed");
                    return;
                }
            }
        }
    }

    /// Note categories, read from the server if none are known yet.
    pub async fn note_categories(&self) -> Result<Vec<Reference>> {
        if self.refs.names(RefKind::NoteCategory).is_empty() {
            self.refresh_categories().await?;
        }
        let mut out: Vec<Reference> = self
            .refs
            .names(RefKind::NoteCategory)
            .into_iter()
            .filter_map(|name| {
                let iri = self.refs.iri_for(RefKind::NoteCategory, &name, &[]).ok()?;
                self.refs.get(&iri)
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn refresh_categories(&self) -> Result<()> {
        let (cats, _) = self
            .list_collection::<Resource>("/note_categories", MAX_PAGES)
            .await?;
        for c in &cats {
            if let Some(iri) = resource_iri(c, "/note_categories/") {
                self.learn(RefKind::NoteCategory, &iri, c);
            }
        }
        Ok(())
    }

    fn person_from(&self, wire: PersonWire) -> Result<Person> {
        person_from(wire, &self.refs)
    }

    fn note_from(&self, wire: NoteWire, person_id: &str) -> Result<Note> {
        note_from(wire, person_id, &self.refs)
    }

    /// Full replace (PUT): the server's current record with the user's
    /// changes applied, so every field the server sent is sent back.
    pub async fn replace_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        check_person(edited)?;
        let (raw, current) = self.get_current(&edited.id).await?;
        check_version(base, &current)?;
        let patch = merge_patch(base, edited, &current, &self.refs)?;
        let mut full = Value::Object(raw);
        json_patch::merge(&mut full, &Value::Object(patch));
        let reply = self
            .http
            .send(RequestSpec::put(person_path(&edited.id)?, full).content_type(LD_JSON))
            .await?;
        self.person_from(decode(reply.json_value()?, "person")?)
    }

    /// After a POST whose reply was lost and that carried no id of ours:
    /// find the record it may have made.
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
        let coll: Collection<PersonWire> = self.http.send(spec).await?.json()?;
        let earliest = started
            .checked_sub(CREATE_WINDOW)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let best = coll
            .member
            .into_iter()
            .filter_map(|m| self.person_from(m).ok())
            .filter(|p| same_names(p, person))
            .filter(|p| created_at(p.created_at.as_deref()).is_none_or(|t| t >= earliest))
            .max_by_key(|p| created_at(p.created_at.as_deref()));
        Ok(best)
    }

    async fn patch_person(&self, id: &str, patch: Map<String, Value>) -> Result<Person> {
        let spec = RequestSpec::patch(person_path(id)?, Value::Object(patch), MERGE_PATCH_JSON);
        self.person_from(decode(self.http.send(spec).await?.json_value()?, "person")?)
    }

    /// The IRI of the category a note names; categories are read from the
    /// server first if none are known.
    async fn category_iri(&self, name: &str) -> Result<String> {
        if self.refs.names(RefKind::NoteCategory).is_empty() {
            self.refresh_categories().await?;
        }
        if name.trim().is_empty() {
            return Err(missing_category(&self.refs));
        }
        self.refs
            .iri_for(RefKind::NoteCategory, name, &[])
            .map_err(|p| BackendError::Validation(vec![Violation::new("category", p.to_string())]))
    }

    async fn find_created_note(
        &self,
        person_id: &str,
        note: &Note,
        started: jiff::Timestamp,
    ) -> Result<Option<Note>> {
        let earliest = started
            .checked_sub(CREATE_WINDOW)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let notes = self.list_notes(person_id).await?;
        Ok(notes
            .into_iter()
            .filter(|n| n.text == note.text && n.title == note.title)
            .filter(|n| created_at(n.created_at.as_deref()).is_none_or(|t| t >= earliest))
            .max_by(|a, b| a.created_at.cmp(&b.created_at)))
    }

    async fn get_note(&self, person_id: &str, note_id: &str) -> Result<Note> {
        let reply = self
            .http
            .send(RequestSpec::get(note_path(person_id, note_id)?))
            .await?;
        let wire: NoteWire = decode(reply.json_value()?, "note")?;
        self.resolve(note_links(&wire)).await;
        self.note_from(wire, person_id)
    }

    async fn note_reply(&self, reply: Value, person_id: &str) -> Result<Note> {
        let wire: NoteWire = decode(reply, "note")?;
        self.resolve(note_links(&wire)).await;
        self.note_from(wire, person_id)
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
        let (_, wire) = self.get_current(id).await?;
        self.person_from(wire)
    }

    async fn create_person(&self, person: &Person) -> Result<Person> {
        check_person(person)?;
        let body = Value::Object(create_body(person, &self.refs)?);
        let spec = RequestSpec::post("/people", body).content_type(LD_JSON);
        let started = jiff::Timestamp::now();
        let ours = client_chosen(&person.id);
        match self.http.send(spec.clone()).await {
            Ok(reply) => self.person_from(decode(reply.json_value()?, "person")?),
            // Our id is taken: an earlier attempt of this very create landed.
            Err(BackendError::Validation(v))
                if ours.is_some() && v.iter().any(|v| v.field == "id") =>
            {
                self.get_person(&person.id).await
            }
            // The request may have been applied with the reply lost; look
            // before sending it again so we never create a duplicate.
            Err(BackendError::Network(reason)) => {
                tracing::warn!("rogerroger: POST /people reply lost ({reason}); looking it up");
                if let Some(id) = ours {
                    return match self.get_person(id).await {
                        Ok(found) => Ok(found),
                        Err(BackendError::NotFound(_)) => self.person_from(decode(
                            self.http.send(spec).await?.json_value()?,
                            "person",
                        )?),
                        Err(e) => Err(e),
                    };
                }
                if let Some(found) = self.find_created(person, started).await? {
                    return Ok(found);
                }
                self.person_from(decode(self.http.send(spec).await?.json_value()?, "person")?)
            }
            Err(e) => Err(e),
        }
    }

    async fn update_person(&self, base: &Person, edited: &Person) -> Result<Person> {
        check_person(edited)?;
        let (_, current) = self.get_current(&edited.id).await?;
        check_version(base, &current)?;
        let patch = merge_patch(base, edited, &current, &self.refs)?;
        if patch.is_empty() {
            return self.person_from(current);
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

    async fn delete_person(&self, _id: &str) -> Result<()> {
        Err(BackendError::Unsupported(
            "RogerRoger's API cannot delete people; archive them instead".into(),
        ))
    }

    async fn list_notes(&self, person_id: &str) -> Result<Vec<Note>> {
        let path = format!("{}/notes", person_path(person_id)?);
        let (wires, _) = self.list_collection::<NoteWire>(&path, MAX_PAGES).await?;
        let links: Vec<String> = wires.iter().flat_map(note_links).collect();
        self.resolve(links).await;
        let mut out = wires
            .into_iter()
            .map(|w| self.note_from(w, person_id))
            .collect::<Result<Vec<_>>>()?;
        sort_notes(&mut out);
        Ok(out)
    }

    async fn create_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        check_note(note)?;
        let category = self.category_iri(&note.category).await?;
        let ours = client_chosen(&note.id);
        let mut body = json!({
            "description": note.text,
            "title": non_empty(&note.title),
            "flagged": note.flagged,
            "category": category,
        });
        if let Some(id) = ours {
            body["id"] = json!(id);
        }
        let path = format!("{}/notes", person_path(person_id)?);
        let spec = RequestSpec::post(path, body).content_type(LD_JSON);
        let started = jiff::Timestamp::now();
        match self.http.send(spec.clone()).await {
            Ok(reply) => self.note_reply(reply.json_value()?, person_id).await,
            Err(BackendError::Validation(v))
                if ours.is_some() && v.iter().any(|v| v.field == "id") =>
            {
                self.get_note(person_id, &note.id).await
            }
            Err(BackendError::Network(reason)) => {
                tracing::warn!("rogerroger: POST note reply lost ({reason}); looking it up");
                let found = match ours {
                    Some(id) => match self.get_note(person_id, id).await {
                        Ok(n) => Some(n),
                        Err(BackendError::NotFound(_)) => None,
                        Err(e) => return Err(e),
                    },
                    None => self.find_created_note(person_id, note, started).await?,
                };
                match found {
                    Some(n) => Ok(n),
                    None => {
                        self.note_reply(self.http.send(spec).await?.json_value()?, person_id)
                            .await
                    }
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn update_note(&self, person_id: &str, note: &Note) -> Result<Note> {
        check_note(note)?;
        let category = self.category_iri(&note.category).await?;
        let body = json!({
            "description": note.text,
            "title": non_empty(&note.title),
            "flagged": note.flagged,
            "category": category,
        });
        let spec = RequestSpec::patch(note_path(person_id, &note.id)?, body, MERGE_PATCH_JSON);
        self.note_reply(self.http.send(spec).await?.json_value()?, person_id)
            .await
    }

    async fn delete_note(&self, _person_id: &str, _note_id: &NoteId) -> Result<()> {
        Err(BackendError::Unsupported(
            "RogerRoger's API cannot delete notes".into(),
        ))
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
        self.note_reply(self.http.send(spec).await?.json_value()?, person_id)
            .await
    }

    async fn enrich(&self, _person: &Person) -> Result<EnrichOutcome> {
        Err(BackendError::Unsupported(
            "RogerRoger has no enrichment API".into(),
        ))
    }

    fn restore_references(&self, refs: Vec<Reference>) {
        self.refs.restore(refs);
    }

    fn take_references(&self) -> Vec<Reference> {
        self.refs.take_fresh()
    }

    /// Tags and note categories are listed whole (a page or two); so are
    /// organisations while they fit in [`MAX_ORG_PAGES`]. Users and
    /// segments have no documented collection: they are read one by one as
    /// records link to them.
    async fn refresh_references(&self) -> Result<()> {
        let (tags, _) = self.list_collection::<Resource>("/tags", MAX_PAGES).await?;
        for t in &tags {
            if let Some(iri) = resource_iri(t, "/tags/") {
                self.learn(RefKind::Tag, &iri, t);
            }
        }
        self.refresh_categories().await?;
        let (orgs, _) = self
            .list_collection::<Resource>("/organizations", MAX_ORG_PAGES)
            .await?;
        for o in &orgs {
            if let Some(iri) = resource_iri(o, "/organizations/") {
                self.learn(RefKind::Organization, &iri, o);
            }
        }
        Ok(())
    }

    fn reference_names(&self, kind: RefKind) -> Vec<String> {
        self.refs.names(kind)
    }

    fn check_references(&self, base: Option<&Person>, edited: &Person) -> Result<()> {
        let mut problems: Vec<NameProblem> = Vec::new();
        let old_tags = base.map(|b| b.tags.as_slice()).unwrap_or_default();
        for tag in edited.tags.iter().filter(|t| !old_tags.contains(t)) {
            if let Err(p) = self.refs.iri_for(RefKind::Tag, tag, &[]) {
                problems.push(p);
            }
        }
        let old_company = base.map(|b| b.company.as_str()).unwrap_or_default();
        if edited.company != old_company {
            let old = self.refs.org_names(old_company, &[]);
            for org in self.refs.org_names(&edited.company, &[]) {
                if old.contains(&org) {
                    continue;
                }
                if let Err(p) = self.refs.iri_for(RefKind::Organization, &org, &[]) {
                    problems.push(p);
                }
            }
        }
        let old_owner = base.map(|b| b.owner.as_str()).unwrap_or_default();
        if edited.owner != old_owner
            && !edited.owner.trim().is_empty()
            && let Err(p) = self.refs.iri_for(RefKind::User, &edited.owner, &[])
        {
            problems.push(p);
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(BackendError::Unsupported(
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ))
    }

    fn check_note_references(&self, note: &Note) -> Result<()> {
        if note.category.trim().is_empty() {
            return Err(missing_category(&self.refs));
        }
        self.refs
            .iri_for(RefKind::NoteCategory, &note.category, &[])
            .map(|_| ())
            .map_err(|p| BackendError::Unsupported(p.to_string()))
    }
}

fn missing_category(refs: &Directory) -> BackendError {
    let names = refs.names(RefKind::NoteCategory);
    let message = if names.is_empty() {
        "RogerRoger needs a note category, and this account has none".to_string()
    } else {
        format!(
            "RogerRoger needs a note category: choose one of {}",
            names.join(", ")
        )
    };
    BackendError::Validation(vec![Violation::new("category", message)])
}

// ---------------------------------------------------------------- paths ----

/// An id goes into a URL path; refuse anything that could change the path.
fn check_id(id: &str) -> Result<&str> {
    let safe = !id.is_empty()
        && id.chars().any(|c| c != '.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !safe {
        return Err(BackendError::NotFound(format!(
            "'{id}' is not a RogerRoger id"
        )));
    }
    Ok(id)
}

/// The kind of a link the server sent, if it is one rolo may dereference:
/// a known collection and an id that cannot change the path.
fn safe_kind(iri: &str) -> Option<RefKind> {
    let kind = kind_of(iri)?;
    check_id(tail(iri)).ok()?;
    Some(kind)
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

/// The IRI of a listed resource: its `@id`, else `prefix` + its `id`.
fn resource_iri(r: &Resource, prefix: &str) -> Option<String> {
    r.iri
        .clone()
        .filter(|i| !i.is_empty())
        .or_else(|| r.id.as_ref().map(|id| format!("{prefix}{id}")))
}

// ----------------------------------------------------------- validation ----

/// What the people and notes documents offer: notes can be changed (PUT,
/// PATCH) but not deleted, people neither (no DELETE anywhere; archive with
/// `archivedAt`); addresses have no region.
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
        delete: false,
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
            F::Owner,
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
fn check_version(base: &Person, current: &PersonWire) -> Result<()> {
    match (base.version.as_deref(), current.updated_at.as_deref()) {
        (Some(ours), Some(theirs)) if ours != theirs => Err(BackendError::Conflict {
            message: format!("the person was changed on the server at {theirs}"),
            existing: Some(base.id.clone()),
        }),
        _ => Ok(()),
    }
}

// ------------------------------------------------------------ wire → model ----

fn iris(links: &[Link]) -> Vec<String> {
    links
        .iter()
        .filter_map(Link::iri)
        .map(str::to_string)
        .collect()
}

/// Every link in a person record.
fn person_links(p: &PersonWire) -> Vec<String> {
    let mut all = iris(&p.tags);
    all.extend(iris(&p.organizations));
    all.extend(p.owner.iter().filter_map(Link::iri).map(str::to_string));
    all
}

fn note_links(n: &NoteWire) -> Vec<String> {
    [n.author.as_ref(), n.category.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(Link::iri)
        .map(str::to_string)
        .collect()
}

/// An embedded resource names itself: remember it, no request needed.
fn learn_embedded(links: &[&Link], fallback: RefKind, refs: &Directory) {
    for link in links {
        if let Link::Embedded(r) = link
            && let Some(iri) = link.iri()
        {
            let kind = kind_of(iri).unwrap_or(fallback);
            let mut reference = Reference::new(kind, iri, r.display_name());
            if kind == RefKind::Tag {
                reference.color = r.background_color.clone();
                reference.text_color = r.text_color.clone();
            }
            refs.learn(reference);
        }
    }
}

fn opt(s: Option<String>) -> String {
    s.unwrap_or_default()
}

fn person_from(wire: PersonWire, refs: &Directory) -> Result<Person> {
    learn_embedded(&wire.tags.iter().collect::<Vec<_>>(), RefKind::Tag, refs);
    learn_embedded(
        &wire.organizations.iter().collect::<Vec<_>>(),
        RefKind::Organization,
        refs,
    );
    learn_embedded(&wire.owner.iter().collect::<Vec<_>>(), RefKind::User, refs);
    let id = resource_id(wire.id.as_deref(), &wire.extra);
    if id.is_empty() {
        return Err(BackendError::Malformed("a person without an id".into()));
    }
    let emails = wire
        .email_addresses
        .iter()
        .filter_map(|e| e.email.clone())
        .filter(|e| !e.is_empty())
        .collect();
    let phones = wire
        .phone_numbers
        .iter()
        .map(|p| Phone {
            number: p.phone_number.clone().unwrap_or_default(),
            kind: p.phone_type.clone().unwrap_or_default(),
        })
        .filter(|p| !p.number.is_empty())
        .collect();
    let address = wire
        .address
        .as_ref()
        .map(|a| Address {
            street: opt(a.street.clone()),
            postal_code: opt(a.postal_code.clone()),
            city: opt(a.city.clone()),
            region: String::new(),
            country: opt(a.country.clone()),
        })
        .unwrap_or_default();
    let tag_iris = iris(&wire.tags);
    let tags: Vec<String> = tag_iris.iter().map(|i| refs.label(i)).collect();
    let mut tag_colors = std::collections::BTreeMap::new();
    let mut tag_text_colors = std::collections::BTreeMap::new();
    for (iri, name) in tag_iris.iter().zip(&tags) {
        if let Some(r) = refs.get(iri) {
            if let Some(c) = r.color.filter(|c| !c.is_empty()) {
                tag_colors.insert(name.clone(), c);
            }
            if let Some(c) = r.text_color.filter(|c| !c.is_empty()) {
                tag_text_colors.insert(name.clone(), c);
            }
        }
    }
    let company = iris(&wire.organizations)
        .iter()
        .map(|i| refs.label(i))
        .collect::<Vec<_>>()
        .join(", ");
    let owner = wire
        .owner
        .as_ref()
        .and_then(Link::iri)
        .map(|i| refs.label(i))
        .unwrap_or_default();
    let person = Person {
        id,
        honorific_prefix: opt(wire.honorific_prefix),
        given_name: opt(wire.given_name),
        additional_name: opt(wire.additional_name),
        family_name: opt(wire.family_name),
        emails,
        phones,
        company,
        job_title: opt(wire.job_title),
        address,
        linkedin: opt(wire.linkedin_id),
        initials: opt(wire.initials),
        tags,
        tag_colors,
        tag_text_colors,
        owner,
        archived: wire.archived_at.is_some_and(|a| !a.is_empty()),
        created_at: wire.created_at,
        version: wire.updated_at.clone(),
        updated_at: wire.updated_at,
        extra: wire.extra,
        ..Default::default()
    };
    Ok(person.normalize())
}

/// A person from a raw record, with links named only where the record
/// embeds them (no directory, no requests): for tests and tools.
pub fn person_from_wire(value: Value) -> Result<Person> {
    person_from(decode(value, "person")?, &Directory::default())
}

fn note_from(wire: NoteWire, person_id: &str, refs: &Directory) -> Result<Note> {
    let links: Vec<&Link> = wire.author.iter().chain(wire.category.iter()).collect();
    learn_embedded(&links, RefKind::User, refs);
    let id = resource_id(wire.id.as_deref(), &wire.extra);
    if id.is_empty() {
        return Err(BackendError::Malformed("a note without an id".into()));
    }
    let label = |l: &Option<Link>| {
        l.as_ref()
            .and_then(Link::iri)
            .map(|i| refs.label(i))
            .unwrap_or_default()
    };
    Ok(Note {
        id,
        person_id: person_id.to_string(),
        title: opt(wire.title),
        text: opt(wire.description),
        category: label(&wire.category),
        flagged: wire.flagged.unwrap_or(false),
        author: label(&wire.author),
        created_at: wire.created_at,
        updated_at: wire.updated_at,
    })
}

fn created_at(at: Option<&str>) -> Option<jiff::Timestamp> {
    at.and_then(|t| t.parse().ok())
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

fn emails_to_wire(emails: &[String], current: &[wire::EmailAddress]) -> Value {
    Value::Array(
        emails
            .iter()
            .map(|e| {
                // Keep the server's own object (and any fields on it) for an
                // address that stays.
                let mut obj = current
                    .iter()
                    .find(|o| o.email.as_deref() == Some(e.as_str()))
                    .map(|o| strip_ld(&o.extra))
                    .unwrap_or_default();
                obj.insert("email".into(), json!(e));
                Value::Object(obj)
            })
            .collect(),
    )
}

fn phones_to_wire(phones: &[Phone], current: &[wire::PhoneNumber]) -> Value {
    Value::Array(
        phones
            .iter()
            .map(|p| {
                let mut obj = current
                    .iter()
                    .find(|o| o.phone_number.as_deref() == Some(p.number.as_str()))
                    .map(|o| strip_ld(&o.extra))
                    .unwrap_or_default();
                obj.insert("phoneNumber".into(), json!(p.number));
                obj.insert("phoneType".into(), non_empty(&p.kind));
                Value::Object(obj)
            })
            .collect(),
    )
}

fn address_to_wire(a: &Address) -> Value {
    json!({
        "street": non_empty(&a.street),
        "postalCode": non_empty(&a.postal_code),
        "city": non_empty(&a.city),
        "country": non_empty(&a.country),
    })
}

/// Names the user gave for links of `kind` as IRIs (see
/// [`Directory::iri_for`]); a name the server does not know is a
/// validation error on `field` naming it.
fn names_to_iris(
    refs: &Directory,
    kind: RefKind,
    names: &[String],
    current: &[String],
    field: &str,
) -> Result<Value> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for name in names {
        match refs.iri_for(kind, name, current) {
            Ok(iri) => out.push(Value::String(iri)),
            Err(p) => bad.push(Violation::new(field, p.to_string())),
        }
    }
    if bad.is_empty() {
        Ok(Value::Array(out))
    } else {
        Err(BackendError::Validation(bad))
    }
}

fn owner_iri(refs: &Directory, owner: &str, current: &[String]) -> Result<Value> {
    if owner.trim().is_empty() {
        return Ok(Value::Null);
    }
    match names_to_iris(refs, RefKind::User, &[owner.to_string()], current, "owner")? {
        Value::Array(mut a) => Ok(a.pop().unwrap_or(Value::Null)),
        other => Ok(other),
    }
}

/// The body of a create: every model field plus the unknown fields the
/// caller carried along (minus server-controlled ones), links as IRIs.
fn create_body(p: &Person, refs: &Directory) -> Result<Map<String, Value>> {
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
    m.insert("emailAddresses".into(), emails_to_wire(&p.emails, &[]));
    m.insert("phoneNumbers".into(), phones_to_wire(&p.phones, &[]));
    if !p.address.is_empty() {
        m.insert("address".into(), address_to_wire(&p.address));
    }
    if !p.tags.is_empty() {
        let tags = names_to_iris(refs, RefKind::Tag, &p.tags, &[], "tags")?;
        m.insert("tags".into(), tags);
    }
    let orgs = refs.org_names(&p.company, &[]);
    if !orgs.is_empty() {
        let v = names_to_iris(refs, RefKind::Organization, &orgs, &[], "organizations")?;
        m.insert("organizations".into(), v);
    }
    if !p.owner.is_empty() {
        m.insert("owner".into(), owner_iri(refs, &p.owner, &[])?);
    }
    if p.archived {
        m.insert("archivedAt".into(), Value::String(now_rfc3339()));
    }
    if let Some(id) = client_chosen(&p.id) {
        m.insert("id".into(), json!(id));
    }
    Ok(m)
}

/// The body of a create when links are given as IRIs (seeding test
/// servers, tools): no names to look up.
pub fn person_to_wire(p: &Person) -> Result<Map<String, Value>> {
    create_body(p, &Directory::default())
}

/// A merge-patch (RFC 7396) holding only what changed from `base` to
/// `edited`. `current` is the server's record: its links keep their IRIs
/// under the names shown, and its email and phone objects are kept.
fn merge_patch(
    base: &Person,
    edited: &Person,
    current: &PersonWire,
    refs: &Directory,
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
            emails_to_wire(&edited.emails, &current.email_addresses),
        );
    }
    if base.phones != edited.phones {
        m.insert(
            "phoneNumbers".into(),
            phones_to_wire(&edited.phones, &current.phone_numbers),
        );
    }
    if let Some(address) = address_patch(&base.address, &edited.address)? {
        m.insert("address".into(), address);
    }
    if base.tags != edited.tags {
        let tags = names_to_iris(
            refs,
            RefKind::Tag,
            &edited.tags,
            &iris(&current.tags),
            "tags",
        )?;
        m.insert("tags".into(), tags);
    }
    if base.company != edited.company {
        let now = iris(&current.organizations);
        let names = refs.org_names(&edited.company, &now);
        let orgs = names_to_iris(refs, RefKind::Organization, &names, &now, "organizations")?;
        m.insert("organizations".into(), orgs);
    }
    if base.owner != edited.owner {
        let now: Vec<String> = current
            .owner
            .iter()
            .filter_map(Link::iri)
            .map(str::to_string)
            .collect();
        m.insert("owner".into(), owner_iri(refs, &edited.owner, &now)?);
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
        return Err(BackendError::Unsupported(
            "RogerRoger has no custom fields".into(),
        ));
    }
    extra_patch(&base.extra, &edited.extra, &mut m);
    Ok(m)
}

/// Only the address parts that changed; merge-patch merges nested objects.
fn address_patch(base: &Address, edited: &Address) -> Result<Option<Value>> {
    if base.region != edited.region && !edited.region.is_empty() {
        return Err(BackendError::Unsupported(
            "RogerRoger addresses have no region".into(),
        ));
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
mod tests;
