//! The backend contract: one set of scenarios, written once against
//! `&dyn Backend`, run for every backend.
//!
//! ## Adding a backend (a few lines)
//! 1. Put its fake server in `tests/support/fake_<name>.rs` and declare it
//!    in `tests/support/mod.rs` (`pub mod fake_<name>;`). Use
//!    `super::faults` for faults and the request log.
//! 2. Below, write a harness struct holding the fake and the backend, with
//!    an async `start()`. `impl Harness` for it (seed people, read a raw
//!    stored record back, which raw keys every write changes, ...) and, for a
//!    networked backend, `impl NetHarness` (paths for fault injection, a
//!    backend with a wrong credential, a record only the server rejects).
//! 3. Add `contract!(name, NameHarness::start());` and, if networked,
//!    `network_contract!(name_net, NameHarness::start());` at the bottom.
//!
//! Keep scenarios fast: harness configs use millisecond backoffs and a
//! generous client-side budget; a 429 scenario waits out `Retry-After: 1`.

use rolo::backend::http::HttpConfig;
use rolo::backend::introzy::{self as iz, EnrichPolling, IntrozyBackend};
use rolo::backend::local::LocalBackend;
use rolo::backend::rhythm::{self as rh, RhythmAuth, RhythmBackend};
use rolo::backend::rogerroger::{self as rr, RogerRoger};
use rolo::backend::{Backend, BackendError, ListQuery};
use rolo::model::{Note, Person, PersonField, RefKind};
use rolo::store::Store;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::fake_introzy::{self as fake_iz, FakeIntrozy};
use support::fake_rhythm::{self as fake_rh, FakeRhythm};
use support::fake_rogerroger::{self as fake_rr, FakeRogerRoger};
use support::faults::{Fault, Recorder};
use support::http::unmetered;
use support::{sample_people, sample_person};

// ------------------------------------------------------------- harnesses ----

/// How the scenarios reach one backend and the records behind it.
pub trait Harness: Send + Sync {
    fn backend(&self) -> &dyn Backend;
    /// Store `people` behind the backend's back, adding fields the model
    /// does not know. Returns their ids, in order.
    fn seed(&self, people: &[Person]) -> Vec<String>;
    /// The stored record exactly as the backend's source of truth holds it.
    fn raw(&self, id: &str) -> Option<Value>;
    fn count(&self) -> usize;
    /// People per `list_page`.
    fn page_size(&self) -> usize;
    /// Raw keys any write may legitimately change (timestamps, versions).
    fn volatile_keys(&self) -> &'static [&'static str];
    /// Raw key holding the job title.
    fn job_title_key(&self) -> &'static str;
    /// `p` as this backend can store it (fields its API lacks cleared).
    fn adapt(&self, p: Person) -> Person {
        p
    }
    /// The one-field edit the edit scenarios make; it lands in the raw
    /// record under `job_title_key()`.
    fn edit_one_field(&self, p: &mut Person, value: &str) {
        p.job_title = value.to_string();
    }
    fn edited_value(&self, p: &Person) -> String {
        p.job_title.clone()
    }
    /// Whether `list_page` reports a total (Rhythm's search does not).
    fn reports_total(&self) -> bool {
        true
    }
    /// An id no record has.
    fn missing_id(&self) -> String {
        "00000000-0000-4000-8000-000000000000".into()
    }
}

/// What networked backends add: the fake's request log and faults.
pub trait NetHarness: Harness {
    fn recorder(&self) -> &Recorder;
    /// The method `list_page` uses (Rhythm searches with POST).
    fn list_method(&self) -> &'static str {
        "GET"
    }
    /// Request paths, as the fake sees them, for targeting faults.
    fn list_path(&self) -> String;
    fn create_path(&self) -> String;
    fn person_path(&self, id: &str) -> String;
    /// The same backend, authenticating with `credential` instead.
    fn with_credential(&self, credential: &str) -> Box<dyn Backend>;
    /// A person local validation accepts but the server refuses, and the
    /// field the server names.
    fn server_rejected(&self) -> (Person, &'static str);
}

/// The embedded backend over a SQLite file in a temp dir.
pub struct LocalHarness {
    _dir: tempfile::TempDir,
    store: Arc<Mutex<Store>>,
    backend: LocalBackend,
}

impl LocalHarness {
    pub async fn start() -> LocalHarness {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("rolo.db")).expect("open store");
        let store = Arc::new(Mutex::new(store));
        LocalHarness {
            backend: LocalBackend::new(store.clone()),
            store,
            _dir: dir,
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Harness for LocalHarness {
    fn backend(&self) -> &dyn Backend {
        &self.backend
    }

    fn seed(&self, people: &[Person]) -> Vec<String> {
        let store = self.store();
        people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut p = p.clone();
                p.id = uuid::Uuid::new_v4().to_string();
                // Seeded records are old ones. (Local versions are
                // millisecond timestamps, so two writes within one
                // millisecond would share a version; see the report.)
                let then = format!("2024-01-{:02}T09:00:00.000Z", 1 + i % 28);
                p.created_at = Some(then.clone());
                p.updated_at = Some(then.clone());
                p.version = Some(then);
                p.extra.insert("legacyId".into(), json!(i));
                p.extra
                    .insert("importedFrom".into(), json!({"file": "old.vcf"}));
                let p = p.normalize();
                store.upsert_person(&p).expect("seed person");
                p.id
            })
            .collect()
    }

    fn raw(&self, id: &str) -> Option<Value> {
        let p = self.store().get_person(id).expect("read person")?;
        Some(serde_json::to_value(p).expect("person to json"))
    }

    fn count(&self) -> usize {
        self.store().count_people().expect("count")
    }

    fn page_size(&self) -> usize {
        500
    }

    fn volatile_keys(&self) -> &'static [&'static str] {
        &["updatedAt", "version"]
    }

    fn job_title_key(&self) -> &'static str {
        "jobTitle"
    }
}

/// RogerRoger against its fake server, with a tag, an organisation and a
/// user for seeded people to link to (by IRI, as the API has them).
pub struct RogerRogerHarness {
    fake: FakeRogerRoger,
    backend: RogerRoger,
    links: Value,
}

impl RogerRogerHarness {
    pub async fn start() -> RogerRogerHarness {
        let fake = FakeRogerRoger::start().await;
        let backend = rr_backend(&fake, fake_rr::API_KEY);
        let links = json!({
            "tags": [fake.seed_tag("VIP", "#c0392b", "#ffffff")],
            "organizations": [fake.seed_organization("Acme BV")],
            "segments": [fake.seed_segment("Enterprise")],
            "owner": fake.seed_user("Lucía", "Ortega"),
        });
        RogerRogerHarness {
            fake,
            backend,
            links,
        }
    }
}

fn rr_backend(fake: &FakeRogerRoger, key: &str) -> RogerRoger {
    let config = unmetered(RogerRoger::default_config(&fake.base_url));
    RogerRoger::new(config, SecretString::from(key)).expect("rogerroger backend")
}

impl Harness for RogerRogerHarness {
    fn backend(&self) -> &dyn Backend {
        &self.backend
    }

    fn seed(&self, people: &[Person]) -> Vec<String> {
        people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut wire = rr::person_to_wire(p).expect("sample to wire");
                // Fields rolo does not model, in the shapes the API uses.
                let extra = json!({
                    "customerId": format!("C-{i}"),
                    "isTracked": i % 2 == 0,
                    "dealSize": i * 100,
                    "integrationParticipants": ["https://example.com/crm"],
                });
                let links = self.links.as_object().into_iter().flatten();
                for (k, v) in extra.as_object().into_iter().flatten().chain(links) {
                    wire.insert(k.clone(), v.clone());
                }
                self.fake.seed(Value::Object(wire))
            })
            .collect()
    }

    fn raw(&self, id: &str) -> Option<Value> {
        self.fake.raw(id)
    }

    fn count(&self) -> usize {
        self.fake.people_count()
    }

    fn page_size(&self) -> usize {
        rr::PAGE_SIZE as usize
    }

    fn volatile_keys(&self) -> &'static [&'static str] {
        &["updatedAt"]
    }

    fn job_title_key(&self) -> &'static str {
        "jobTitle"
    }
}

impl NetHarness for RogerRogerHarness {
    fn recorder(&self) -> &Recorder {
        &self.fake.recorder
    }

    fn list_path(&self) -> String {
        "/people".into()
    }

    fn create_path(&self) -> String {
        "/people".into()
    }

    fn person_path(&self, id: &str) -> String {
        format!("/people/{id}")
    }

    fn with_credential(&self, credential: &str) -> Box<dyn Backend> {
        Box::new(rr_backend(&self.fake, credential))
    }

    fn server_rejected(&self) -> (Person, &'static str) {
        // The server caps familyName at 255 characters; rolo does not.
        let mut p = sample_person(7001);
        p.family_name = "X".repeat(300);
        (p, "familyName")
    }
}

/// Introzy against its fake server.
pub struct IntrozyHarness {
    fake: FakeIntrozy,
    backend: IntrozyBackend,
}

impl IntrozyHarness {
    pub async fn start() -> IntrozyHarness {
        let fake = FakeIntrozy::start().await;
        fake.set_enrich_delay(Duration::from_millis(50));
        let backend = iz_backend(&fake, fake_iz::API_KEY);
        IntrozyHarness { fake, backend }
    }
}

fn iz_backend(fake: &FakeIntrozy, key: &str) -> IntrozyBackend {
    let config = unmetered(HttpConfig::new(&fake.base_url));
    IntrozyBackend::new(config, &SecretString::from(key))
        .expect("introzy backend")
        .with_enrich_polling(EnrichPolling {
            interval: Duration::from_millis(20),
            max_wait: Duration::from_secs(3),
        })
}

impl Harness for IntrozyHarness {
    fn backend(&self) -> &dyn Backend {
        &self.backend
    }

    fn seed(&self, people: &[Person]) -> Vec<String> {
        people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // The documented wire shape plus fields rolo does not model.
                self.fake.seed(json!({
                    "email": p.primary_email().unwrap_or_default(),
                    "firstName": p.given_name,
                    "lastName": p.family_name,
                    "phoneNumber": p.primary_phone().unwrap_or_default(),
                    "address": p.address.one_line(),
                    "latitude": 52.37,
                    "isConnector": i % 2 == 0,
                    "isFullUser": false,
                    "customFields": {"cf_department": "Sales", "cf_lead_source": "web"},
                    "company": {"id": format!("company-{i}"), "name": "Acme BV",
                                "industry": "Software", "website": "https://acme.test"},
                }))
            })
            .collect()
    }

    fn raw(&self, id: &str) -> Option<Value> {
        self.fake.raw(id)
    }

    fn count(&self) -> usize {
        self.fake.people_count()
    }

    fn page_size(&self) -> usize {
        iz::PAGE_LIMIT
    }

    fn volatile_keys(&self) -> &'static [&'static str] {
        &["updatedAt"]
    }

    /// Introzy has no job title; the edit scenarios change the last name.
    fn job_title_key(&self) -> &'static str {
        "lastName"
    }

    /// One email, one untyped phone, the address as one string, no title.
    fn adapt(&self, mut p: Person) -> Person {
        p.job_title.clear();
        for phone in &mut p.phones {
            phone.kind.clear();
        }
        p.address = rolo::model::Address {
            street: p.address.one_line(),
            ..Default::default()
        };
        p
    }

    fn edit_one_field(&self, p: &mut Person, value: &str) {
        p.family_name = value.to_string();
    }

    fn edited_value(&self, p: &Person) -> String {
        p.family_name.clone()
    }
}

impl NetHarness for IntrozyHarness {
    fn recorder(&self) -> &Recorder {
        &self.fake.recorder
    }

    fn list_path(&self) -> String {
        "/api/people".into()
    }

    fn create_path(&self) -> String {
        "/api/people".into()
    }

    fn person_path(&self, id: &str) -> String {
        format!("/api/people/{id}")
    }

    fn with_credential(&self, credential: &str) -> Box<dyn Backend> {
        Box::new(iz_backend(&self.fake, credential))
    }

    fn server_rejected(&self) -> (Person, &'static str) {
        // Only the server knows the select options of its custom fields; its
        // `{success:false, error}` names no field, so the request is blamed.
        let mut p = self.adapt(sample_person(7001));
        p.custom_fields
            .insert("cf_lead_source".into(), json!("billboard"));
        (p, "request")
    }
}

/// Rhythm Rolodex against its fake server (static `Authorization` key; the
/// OAuth2 path has its own tests in tests/rhythm.rs).
pub struct RhythmHarness {
    fake: FakeRhythm,
    backend: RhythmBackend,
}

impl RhythmHarness {
    pub async fn start() -> RhythmHarness {
        let fake = FakeRhythm::start().await;
        // Regular pages so page counts are predictable here; short and empty
        // pages are covered in tests/rhythm.rs.
        fake.set_scan_sizes(vec![25]);
        let backend = rh_backend(&fake, fake_rh::STATIC_KEY);
        RhythmHarness { fake, backend }
    }
}

fn rh_backend(fake: &FakeRhythm, key: &str) -> RhythmBackend {
    let config = unmetered(HttpConfig::new(&fake.base_url));
    RhythmBackend::new(
        config,
        fake_rh::TENANT,
        RhythmAuth::Static(SecretString::from(key)),
    )
    .expect("rhythm backend")
}

impl Harness for RhythmHarness {
    fn backend(&self) -> &dyn Backend {
        &self.backend
    }

    fn seed(&self, people: &[Person]) -> Vec<String> {
        people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut wire = rh::person_to_wire(p).expect("sample to wire");
                let extra = json!({
                    "status": "active",
                    "middle_name": null,
                    "custom_field_values": [{"id": "cf1", "value": i}],
                    "do_not_call": i % 2 == 0,
                    "communication_preferences": [{"type": "newsletter"}],
                    "portal_delegates": [],
                    "sys_external_id": format!("legacy-{i}"),
                });
                for (k, v) in extra.as_object().into_iter().flatten() {
                    wire.insert(k.clone(), v.clone());
                }
                self.fake.seed(Value::Object(wire))
            })
            .collect()
    }

    fn raw(&self, id: &str) -> Option<Value> {
        self.fake.raw(id)
    }

    fn count(&self) -> usize {
        self.fake.contacts_count()
    }

    fn page_size(&self) -> usize {
        25
    }

    fn volatile_keys(&self) -> &'static [&'static str] {
        &[
            "sys_version",
            "sys_last_modified_at",
            "sys_last_modified_by_id",
        ]
    }

    fn job_title_key(&self) -> &'static str {
        "job_title"
    }

    fn reports_total(&self) -> bool {
        false
    }

    fn missing_id(&self) -> String {
        "c-missing".into()
    }
}

impl NetHarness for RhythmHarness {
    fn recorder(&self) -> &Recorder {
        &self.fake.recorder
    }

    fn list_method(&self) -> &'static str {
        "POST"
    }

    fn list_path(&self) -> String {
        format!("/contacts/{}/search", fake_rh::TENANT)
    }

    fn create_path(&self) -> String {
        format!("/contacts/{}", fake_rh::TENANT)
    }

    fn person_path(&self, id: &str) -> String {
        format!("/contacts/{}/{id}", fake_rh::TENANT)
    }

    fn with_credential(&self, credential: &str) -> Box<dyn Backend> {
        Box::new(rh_backend(&self.fake, credential))
    }

    fn server_rejected(&self) -> (Person, &'static str) {
        // The server caps names at 100 characters; its `{message}` names no
        // field, so the request is blamed.
        let mut p = sample_person(7001);
        p.family_name = "X".repeat(150);
        (p, "request")
    }
}

// ------------------------------------------------------------- scenarios ----

mod scenarios {
    use super::*;

    fn all() -> ListQuery {
        ListQuery::default()
    }

    async fn list_all(b: &dyn Backend, q: &ListQuery) -> (Vec<Person>, usize) {
        let mut pages = 0;
        let people = b
            .list_all(q, &mut |_, _| pages += 1)
            .await
            .expect("list_all");
        (people, pages)
    }

    pub async fn lists_every_page(h: &dyn Harness) {
        let ids = h.seed(&sample_people(75));
        let (people, pages) = list_all(h.backend(), &all()).await;
        assert_eq!(people.len(), 75);
        let mut got: Vec<_> = people.iter().map(|p| p.id.clone()).collect();
        got.sort();
        got.dedup();
        let mut want = ids;
        want.sort();
        assert_eq!(got, want, "every seeded person exactly once");
        assert_eq!(pages, 75usize.div_ceil(h.page_size()), "pages");
        let first = h
            .backend()
            .list_page(&all(), None)
            .await
            .expect("first page");
        assert_eq!(first.total, h.reports_total().then_some(75));
    }

    pub async fn searches(h: &dyn Harness) {
        h.seed(&sample_people(20));
        let mut special = sample_person(500);
        special.family_name = "Quarkwell".into();
        special.emails = vec!["zed@quark.test".into()];
        let id = h.seed(&[special])[0].clone();
        let q = ListQuery {
            search: Some("quarkwell".into()),
            ..Default::default()
        };
        let (found, _) = list_all(h.backend(), &q).await;
        let ids: Vec<_> = found.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, [id.as_str()]);
    }

    pub async fn creates_and_reads(h: &dyn Harness) {
        let before = h.count();
        let new = h.adapt(sample_person(901));
        let created = h.backend().create_person(&new).await.expect("create");
        assert!(!created.id.is_empty());
        assert_eq!(h.count(), before + 1);
        assert!(h.raw(&created.id).is_some());
        let read = h.backend().get_person(&created.id).await.expect("read");
        assert_eq!(read.family_name, new.family_name);
        assert_eq!(read.given_name, new.given_name);
        assert_eq!(read.emails, new.emails);
        assert_eq!(read.phones, new.phones);
        assert_eq!(read.job_title, new.job_title);
        assert_eq!(read.address.city, new.address.city);
        assert_eq!(read.full_name(), new.full_name());
    }

    /// Edit one field: the stored record changes in that field (and the
    /// volatile ones) only — nothing rolo does not model is lost.
    pub async fn edits_keep_every_other_field(h: &dyn Harness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let before = h.raw(&id).expect("raw before");
        let base = h.backend().get_person(&id).await.expect("read");
        let mut edited = base.clone();
        h.edit_one_field(&mut edited, "Chief Tester");
        let saved = h
            .backend()
            .update_person(&base, &edited)
            .await
            .expect("update");
        assert_eq!(h.edited_value(&saved), "Chief Tester");
        assert_ne!(
            saved.version, None,
            "a version token to check conflicts with"
        );
        let after = h.raw(&id).expect("raw after");
        assert_eq!(after[h.job_title_key()], "Chief Tester");
        let strip = |mut v: Value| {
            let obj = v.as_object_mut().expect("raw record is an object");
            for k in h.volatile_keys() {
                obj.remove(*k);
            }
            obj.remove(h.job_title_key());
            v
        };
        assert_eq!(strip(after), strip(before));
    }

    /// Company, tags and owner read as names, on every backend: one whose
    /// records link by id (RogerRoger IRIs) resolves them.
    pub async fn links_show_as_names(h: &dyn Harness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let (listed, _) = list_all(h.backend(), &all()).await;
        let read = h.backend().get_person(&id).await.expect("read");
        for p in [&read, listed.iter().find(|p| p.id == id).expect("listed")] {
            let looks_like_a_link = |s: &str| {
                let s = s.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == ':');
                s.starts_with('/') && s[1..].contains('/')
            };
            assert!(!looks_like_a_link(&p.company), "company: {}", p.company);
            assert!(!looks_like_a_link(&p.owner), "owner: {}", p.owner);
            for t in &p.tags {
                assert!(!looks_like_a_link(t), "tag: {t}");
            }
        }
    }

    pub async fn stale_edit_is_a_conflict(h: &dyn Harness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let base = h.backend().get_person(&id).await.expect("read");
        let mut first = base.clone();
        h.edit_one_field(&mut first, "First");
        h.backend()
            .update_person(&base, &first)
            .await
            .expect("first edit");
        let mut second = base.clone();
        h.edit_one_field(&mut second, "Second");
        let err = h.backend().update_person(&base, &second).await.unwrap_err();
        assert!(matches!(err, BackendError::Conflict { .. }), "{err:?}");
        assert_eq!(h.raw(&id).expect("raw")[h.job_title_key()], "First");
    }

    pub async fn archives_and_deletes(h: &dyn Harness) {
        let caps = h.backend().capabilities();
        let ids = h.seed(&sample_people(3));
        if caps.archive {
            let p = h
                .backend()
                .set_archived(&ids[0], true)
                .await
                .expect("archive");
            assert!(p.archived);
            let (visible, _) = list_all(h.backend(), &all()).await;
            assert_eq!(visible.len(), 2);
            let with = ListQuery {
                include_archived: true,
                ..Default::default()
            };
            assert_eq!(list_all(h.backend(), &with).await.0.len(), 3);
            let p = h
                .backend()
                .set_archived(&ids[0], false)
                .await
                .expect("unarchive");
            assert!(!p.archived);
        }
        if caps.delete {
            h.backend().delete_person(&ids[1]).await.expect("delete");
            let err = h.backend().get_person(&ids[1]).await.unwrap_err();
            assert!(matches!(err, BackendError::NotFound(_)), "{err:?}");
            assert_eq!(h.count(), 2);
        }
    }

    pub async fn notes(h: &dyn Harness) {
        let caps = h.backend().capabilities();
        let id = h.seed(&sample_people(1))[0].clone();
        let b = h.backend();
        if !caps.notes {
            let err = b.list_notes(&id).await.unwrap_err();
            assert!(matches!(err, BackendError::Unsupported(_)), "{err:?}");
            return;
        }
        // Backends with server-side categories need one (RogerRoger); the
        // server's own list, as the note form offers it.
        b.refresh_references().await.expect("reference data");
        let category = if caps.note_categories {
            b.reference_names(RefKind::NoteCategory)
                .into_iter()
                .next()
                .unwrap_or_default()
        } else {
            String::new()
        };
        let note = Note {
            title: if caps.note_titles {
                "Kick-off".into()
            } else {
                String::new()
            },
            text: "First call went well".into(),
            category: category.clone(),
            ..Default::default()
        };
        let created = b.create_note(&id, &note).await.expect("create note");
        assert_eq!(created.text, note.text);
        let listed = b.list_notes(&id).await.expect("list notes");
        assert!(listed.iter().any(|n| n.text == note.text), "{listed:?}");

        let mut changed = created.clone();
        changed.text = "Second call: signed".into();
        if caps.note_edit {
            let updated = b.update_note(&id, &changed).await.expect("edit note");
            assert_eq!(updated.text, changed.text);
            let listed = b.list_notes(&id).await.expect("list notes");
            assert!(listed.iter().any(|n| n.text == changed.text));
            assert!(!listed.iter().any(|n| n.text == note.text));
        }
        if caps.multiple_notes {
            let other = Note {
                text: "Follow up in May".into(),
                category: category.clone(),
                ..Default::default()
            };
            b.create_note(&id, &other).await.expect("second note");
            assert_eq!(b.list_notes(&id).await.expect("list").len(), 2);
        }
        if caps.flag_notes {
            let flagged = b.set_note_flag(&id, &created.id, true).await.expect("flag");
            assert!(flagged.flagged);
            let listed = b.list_notes(&id).await.expect("list notes");
            assert_eq!(listed[0].id, created.id, "flagged note first");
            assert!(listed[0].flagged);
        }
        if caps.note_delete {
            let before = b.list_notes(&id).await.expect("list notes");
            b.delete_note(&id, &created.id).await.expect("delete note");
            let listed = b.list_notes(&id).await.expect("list notes");
            assert_eq!(listed.len(), before.len() - 1);
            assert!(!listed.iter().any(|n| n.id == created.id));
            // The others keep their ids.
            for n in &listed {
                assert!(
                    before.iter().any(|o| o.id == n.id && o.text == n.text),
                    "{n:?}"
                );
            }
        }
    }

    /// A note change the backend lacks is refused in rolo's words
    /// ([`BackendError::Unsupported`]), never sent to fail on the server.
    pub async fn refuses_note_changes_it_lacks(h: &dyn Harness) {
        let caps = h.backend().capabilities();
        let id = h.seed(&sample_people(1))[0].clone();
        let b = h.backend();
        if !caps.notes {
            return;
        }
        b.refresh_references().await.expect("reference data");
        let category = match caps.note_categories {
            true => b
                .reference_names(RefKind::NoteCategory)
                .into_iter()
                .next()
                .unwrap_or_default(),
            false => String::new(),
        };
        let note = Note {
            text: "Stays as written".into(),
            category,
            ..Default::default()
        };
        let created = b.create_note(&id, &note).await.expect("create note");
        if !caps.note_edit {
            let mut changed = created.clone();
            changed.text = "Rewritten".into();
            let err = b.update_note(&id, &changed).await.unwrap_err();
            assert!(matches!(err, BackendError::Unsupported(_)), "{err:?}");
        }
        if !caps.note_delete {
            let err = b.delete_note(&id, &created.id).await.unwrap_err();
            assert!(matches!(err, BackendError::Unsupported(_)), "{err:?}");
        }
        let listed = b.list_notes(&id).await.expect("list notes");
        assert!(listed.iter().any(|n| n.text == note.text), "{listed:?}");
    }

    /// Each write's reply is the next write's base: a second edit of the
    /// same person, from what the first returned, is no conflict and keeps
    /// the first.
    pub async fn two_edits_in_a_row(h: &dyn Harness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let base = h.backend().get_person(&id).await.expect("read");
        let mut first = base.clone();
        h.edit_one_field(&mut first, "First Edit");
        let saved = h
            .backend()
            .update_person(&base, &first)
            .await
            .expect("first edit");
        let mut second = saved.clone();
        second.given_name = "Second".into();
        let saved = h
            .backend()
            .update_person(&saved, &second)
            .await
            .expect("second edit from the first's reply");
        assert_eq!(h.edited_value(&saved), "First Edit");
        assert_eq!(saved.given_name, "Second");
        let read = h.backend().get_person(&id).await.expect("read back");
        assert_eq!(h.edited_value(&read), "First Edit");
        assert_eq!(read.given_name, "Second");
        assert_eq!(
            read.version, saved.version,
            "the reply carried the new version"
        );
    }

    /// A field the backend does not store is refused when asked, in rolo's
    /// words ([`BackendError::Unsupported`]), and nothing changes.
    pub async fn refuses_fields_it_does_not_store(h: &dyn Harness) {
        let caps = h.backend().capabilities();
        let id = h.seed(&sample_people(1))[0].clone();
        let base = h.backend().get_person(&id).await.expect("read");
        let before = h.raw(&id).expect("raw");
        for field in PersonField::all() {
            // One address is either one line or parts; the other form is
            // the same value seen differently, not a field of its own.
            let other_form = match field {
                PersonField::AddressLine => caps.stores(PersonField::Street),
                PersonField::Street => caps.stores(PersonField::AddressLine),
                _ => false,
            };
            if caps.stores(field) || other_form {
                continue;
            }
            let mut edited = base.clone();
            let value = match field.kind() {
                rolo::model::field::FieldKind::Custom => "seats=40",
                rolo::model::field::FieldKind::PhoneList => "+31 6 1234 5678",
                _ => "Not stored here",
            };
            field.set(&mut edited, value);
            if field.get(&edited) == field.get(&base) {
                continue;
            }
            let err = h.backend().update_person(&base, &edited).await.unwrap_err();
            assert!(
                matches!(err, BackendError::Unsupported(_)),
                "{field:?}: {err:?}"
            );
        }
        assert_eq!(h.raw(&id).expect("raw"), before, "nothing was written");
    }

    /// The address is edited the way the backend stores it: one line kept
    /// as typed, or its parts.
    pub async fn address_as_the_backend_stores_it(h: &dyn Harness) {
        let caps = h.backend().capabilities();
        let id = h.seed(&sample_people(1))[0].clone();
        let base = h.backend().get_person(&id).await.expect("read");
        let mut edited = base.clone();
        let line = "Calle de Alcalá 269, 08006 Barcelona, ES";
        if caps.stores(PersonField::AddressLine) {
            PersonField::AddressLine.set(&mut edited, line);
        } else {
            PersonField::Street.set(&mut edited, "Calle de Alcalá 269");
            PersonField::City.set(&mut edited, "Barcelona");
        }
        h.backend()
            .update_person(&base, &edited)
            .await
            .expect("address edit");
        let read = h.backend().get_person(&id).await.expect("read back");
        if caps.stores(PersonField::AddressLine) {
            assert_eq!(PersonField::AddressLine.get(&read), line);
            assert_eq!(read.address.city, "", "never split into parts");
        } else {
            assert_eq!(read.address.street, "Calle de Alcalá 269");
            assert_eq!(read.address.city, "Barcelona");
        }
    }

    pub async fn enrich_or_unsupported(h: &dyn Harness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let person = h.backend().get_person(&id).await.expect("read");
        let result = h.backend().enrich(&person).await;
        match h.backend().capabilities().enrich {
            None => assert!(
                matches!(result, Err(BackendError::Unsupported(_))),
                "{result:?}"
            ),
            Some(_) => {
                result.expect("enrich");
            }
        }
    }

    pub async fn maps_not_found_and_validation(h: &dyn Harness) {
        let err = h.backend().get_person(&h.missing_id()).await.unwrap_err();
        assert!(matches!(err, BackendError::NotFound(_)), "{err:?}");
        // Each field the backend requires, missing, is refused before
        // anything is sent; a backend that does not require a family name
        // takes a person without one.
        let caps = h.backend().capabilities();
        for &field in caps.required {
            let mut missing = h.adapt(sample_person(3));
            field.set(&mut missing, "");
            let before = h.count();
            let err = h.backend().create_person(&missing).await.unwrap_err();
            match err {
                BackendError::Validation(v) => assert!(
                    v.iter()
                        .any(|v| PersonField::from_name(&v.field) == Some(field)),
                    "{field:?}: {v:?}"
                ),
                other => panic!("expected Validation for {field:?}, got {other:?}"),
            }
            assert_eq!(h.count(), before);
        }
        if !caps.requires(PersonField::FamilyName) {
            let mut no_family = h.adapt(sample_person(4));
            no_family.family_name.clear();
            let before = h.count();
            let created = h.backend().create_person(&no_family).await.unwrap();
            assert_eq!(created.family_name, "");
            assert_eq!(h.count(), before + 1);
        }
    }

    // ---- networked backends only ----

    pub async fn server_validation_names_fields(h: &dyn NetHarness) {
        let (person, field) = h.server_rejected();
        let err = h.backend().create_person(&person).await.unwrap_err();
        match err {
            BackendError::Validation(v) => {
                assert!(v.iter().any(|v| v.field == field), "{v:?}");
                assert!(v.iter().all(|v| !v.message.is_empty()));
            }
            other => panic!("expected Validation, got {other:?}"),
        }
    }

    pub async fn wrong_credential_is_unauthorized(h: &dyn NetHarness) {
        let key = "wrong-key-7d3c1a9b55";
        let b = h.with_credential(key);
        let err = b.list_page(&all(), None).await.unwrap_err();
        assert!(matches!(err, BackendError::Unauthorized(_)), "{err:?}");
        assert!(!err.to_string().contains(key), "secret leaked: {err}");
        assert!(!format!("{err:?}").contains(key));
    }

    pub async fn waits_out_429(h: &dyn NetHarness) {
        h.seed(&sample_people(3));
        let rec = h.recorder();
        rec.inject(
            Some(h.list_method()),
            Some(&h.list_path()),
            Fault::RateLimited(1),
            1,
        );
        let listed = || rec.count(h.list_method(), &h.list_path());
        let before = listed();
        let started = Instant::now();
        let page = h
            .backend()
            .list_page(&all(), None)
            .await
            .expect("list after 429");
        assert_eq!(page.people.len(), 3);
        assert!(
            started.elapsed() >= Duration::from_millis(950),
            "waited {:?}",
            started.elapsed()
        );
        // (Reading what the records link to may add other requests.)
        assert_eq!(listed() - before, 2, "one 429, one retry");
    }

    pub async fn retries_5xx_on_get(h: &dyn NetHarness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let rec = h.recorder();
        rec.inject(
            Some("GET"),
            Some(&h.person_path(&id)),
            Fault::Status(503),
            2,
        );
        let path = h.person_path(&id);
        let before = rec.count("GET", &path);
        let p = h.backend().get_person(&id).await.expect("read after 503s");
        assert_eq!(p.id, id);
        assert_eq!(rec.count("GET", &path) - before, 3);
    }

    pub async fn gives_up_after_max_retries(h: &dyn NetHarness) {
        let id = h.seed(&sample_people(1))[0].clone();
        let rec = h.recorder();
        rec.inject(
            Some("GET"),
            Some(&h.person_path(&id)),
            Fault::Status(500),
            50,
        );
        let err = h.backend().get_person(&id).await.unwrap_err();
        assert!(
            matches!(err, BackendError::Server { status: 500, .. }),
            "{err:?}"
        );
    }

    pub async fn does_not_retry_failed_post(h: &dyn NetHarness) {
        let rec = h.recorder();
        rec.inject(Some("POST"), Some(&h.create_path()), Fault::Status(500), 1);
        let before = h.count();
        let posts = rec.count("POST", &h.create_path());
        let err = h
            .backend()
            .create_person(&h.adapt(sample_person(42)))
            .await
            .unwrap_err();
        assert!(
            matches!(err, BackendError::Server { status: 500, .. }),
            "{err:?}"
        );
        assert_eq!(rec.count("POST", &h.create_path()) - posts, 1);
        assert_eq!(h.count(), before);
    }

    pub async fn lost_post_reply_creates_one_record(h: &dyn NetHarness) {
        h.seed(&sample_people(5));
        let rec = h.recorder();
        rec.inject(
            Some("POST"),
            Some(&h.create_path()),
            Fault::DropAfterApply,
            1,
        );
        let before = h.count();
        let requests = rec.request_count();
        let new = h.adapt(sample_person(777));
        let created = h
            .backend()
            .create_person(&new)
            .await
            .expect("create despite lost reply");
        assert_eq!(created.emails, new.emails);
        assert_eq!(h.count(), before + 1, "exactly one record");
        assert_eq!(rec.count("POST", &h.create_path()), 1, "no second POST");
        // The reply really was lost: the adapter had to look the record up.
        assert!(rec.request_count() - requests >= 2, "no lookup happened");
    }

    /// What the backend lacks is refused at once, with the reason, and
    /// never reaches the server to be refused there.
    pub async fn refuses_what_it_lacks_without_asking(h: &dyn NetHarness) {
        let caps = h.backend().capabilities();
        let id = h.seed(&sample_people(1))[0].clone();
        let before = h.recorder().request_count();
        let b = h.backend();
        let mut refused = Vec::new();
        if !caps.delete {
            refused.push(("delete", b.delete_person(&id).await.err()));
        }
        if !caps.archive {
            refused.push(("archive", b.set_archived(&id, true).await.err()));
        }
        if !caps.note_delete {
            let note = "00000000-0000-4000-8000-000000000001".to_string();
            refused.push(("note delete", b.delete_note(&id, &note).await.err()));
        }
        for (what, err) in refused {
            match err {
                Some(BackendError::Unsupported(reason)) => {
                    assert!(!reason.is_empty(), "{what}: a reason")
                }
                other => panic!("{what}: expected Unsupported, got {other:?}"),
            }
        }
        assert_eq!(h.recorder().request_count(), before, "nothing was sent");
        assert!(h.raw(&id).is_some(), "the person is still there");
    }

    pub async fn truncated_reply_is_malformed(h: &dyn NetHarness) {
        let id = h.seed(&sample_people(1))[0].clone();
        h.recorder()
            .inject(Some("GET"), Some(&h.person_path(&id)), Fault::Truncated, 1);
        let err = h.backend().get_person(&id).await.unwrap_err();
        assert!(matches!(err, BackendError::Malformed(_)), "{err:?}");
    }
}

// ------------------------------------------------------- instantiations ----

/// Every backend: `contract!(module_name, HarnessType::start());`
macro_rules! contract {
    ($name:ident, $start:expr) => {
        mod $name {
            use super::*;

            macro_rules! case {
                ($scenario:ident) => {
                    #[tokio::test]
                    async fn $scenario() {
                        let h = $start.await;
                        scenarios::$scenario(&h).await;
                    }
                };
            }

            case!(lists_every_page);
            case!(searches);
            case!(creates_and_reads);
            case!(edits_keep_every_other_field);
            case!(stale_edit_is_a_conflict);
            case!(links_show_as_names);
            case!(archives_and_deletes);
            case!(notes);
            case!(enrich_or_unsupported);
            case!(maps_not_found_and_validation);
            case!(two_edits_in_a_row);
            case!(address_as_the_backend_stores_it);
            case!(refuses_fields_it_does_not_store);
            case!(refuses_note_changes_it_lacks);
        }
    };
}

/// Networked backends: `network_contract!(module_name, HarnessType::start());`
macro_rules! network_contract {
    ($name:ident, $start:expr) => {
        mod $name {
            use super::*;

            macro_rules! case {
                ($scenario:ident) => {
                    #[tokio::test]
                    async fn $scenario() {
                        let h = $start.await;
                        scenarios::$scenario(&h).await;
                    }
                };
            }

            case!(server_validation_names_fields);
            case!(wrong_credential_is_unauthorized);
            case!(waits_out_429);
            case!(retries_5xx_on_get);
            case!(gives_up_after_max_retries);
            case!(does_not_retry_failed_post);
            case!(lost_post_reply_creates_one_record);
            case!(truncated_reply_is_malformed);
            case!(refuses_what_it_lacks_without_asking);
        }
    };
}

contract!(local, LocalHarness::start());
contract!(rogerroger, RogerRogerHarness::start());
network_contract!(rogerroger_net, RogerRogerHarness::start());
contract!(introzy, IntrozyHarness::start());
network_contract!(introzy_net, IntrozyHarness::start());
contract!(rhythm, RhythmHarness::start());
network_contract!(rhythm_net, RhythmHarness::start());
