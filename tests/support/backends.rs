//! The three fake servers behind one trait, for tests that run the same
//! scenario against every backend: how to reach each with short timeouts
//! and millisecond backoffs, its paths, and which field "my" edits change.

use crate::fake_introzy::{self as fake_iz, FakeIntrozy};
use crate::fake_rhythm::{self as fake_rh, FakeRhythm};
use crate::fake_rogerroger::{self as fake_rr, FakeRogerRoger};
use crate::faults::Recorder;
use crate::http;
use crate::sandbox::Sandbox;
use rolo::backend::Backend;
use rolo::backend::http::HttpConfig;
use rolo::backend::introzy::IntrozyBackend;
use rolo::backend::rhythm::{RhythmAuth, RhythmBackend};
use rolo::backend::rogerroger::RogerRoger;
use rolo::model::Person;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

// ----------------------------------------------------------------- fakes ----

/// [`crate::http::unmetered`] at `base_url`, connecting within a second
/// and retrying twice: what the outbox and fault suites run with.
pub fn fast(base_url: &str, base: HttpConfig) -> HttpConfig {
    HttpConfig {
        base_url: base_url.to_string(),
        connect_timeout: Duration::from_secs(1),
        max_retries: 2,
        ..http::unmetered(base)
    }
}

/// One fake server and how its backend speaks to it.
pub trait Fake: Send + Sync + 'static {
    fn base_url(&self) -> &str;
    fn recorder(&self) -> &Recorder;
    /// A backend for this fake reached at `base_url` (the proxy or the fake).
    fn backend(&self, base_url: &str) -> Arc<dyn Backend> {
        self.backend_with(fast(base_url, HttpConfig::new(base_url)))
    }
    /// A backend with this HTTP configuration (the adapter's own defaults
    /// for what `config` leaves as `HttpConfig::new` has them).
    fn backend_with(&self, config: HttpConfig) -> Arc<dyn Backend>;
    fn count(&self) -> usize;
    fn create_path(&self) -> String;
    fn person_path(&self, id: &str) -> String;
    /// How a create is looked up (the list or search request).
    fn list_request(&self) -> (&'static str, String);
    /// Requests one look-up by email takes (a scan pages through the table).
    fn lookup_requests(&self) -> u32 {
        1
    }
    /// Creates carry an id rolo chose, so a lost reply is read back by it.
    fn creates_with_client_id(&self) -> bool {
        false
    }
    /// The person is deleted on the server by someone else, where the
    /// API cannot do it (false: delete it through the API).
    fn delete_elsewhere(&self, _id: &str) -> bool {
        false
    }
    fn notes_path(&self, id: &str) -> String {
        format!("{}/notes", self.person_path(id))
    }
    /// `p` as this backend can store it.
    fn adapt(&self, p: Person) -> Person {
        p
    }
    /// The field "my" edits change.
    fn set_mine(&self, p: &mut Person, v: &str) {
        p.job_title = v.to_string();
    }
    /// The category a new note names, where the server requires one.
    fn note_category(&self) -> String {
        String::new()
    }
    fn mine(&self, p: &Person) -> String {
        p.job_title.clone()
    }
    /// What the server stores, read from the fake's memory (no HTTP, so no
    /// faults): the field my edits change, and the family name.
    fn raw_mine(&self, id: &str) -> Option<String>;
    fn raw_family(&self, id: &str) -> Option<String>;
    /// A person's notes as the server stores them: text and flag.
    fn raw_notes_of(&self, id: &str) -> Vec<(String, bool)>;
    /// The profile's `backend =` name in a config file.
    fn config_name(&self) -> &'static str;
    /// Config lines after `backend` and `base_url` (key, tenant).
    fn config_extra(&self) -> String;
    /// The key to put in [`KEY_ENV`].
    fn api_key(&self) -> &'static str;
}

fn text_at(v: &serde_json::Value, key: &str) -> Option<String> {
    Some(v.get(key)?.as_str().unwrap_or_default().to_string())
}

/// The environment variable the multi-process tests pass keys in.
pub const KEY_ENV: &str = "ROLO_TEST_KEY";

/// Profile `name` of a config file for this fake: its backend, its URL,
/// the key read from [`KEY_ENV`] and a client budget of `per_minute`.
pub fn profile_toml(fake: &dyn Fake, name: &str, per_minute: u32) -> String {
    format!(
        "[profiles.{name}]\nbackend = \"{}\"\nbase_url = \"{}\"\n{}rate_limit_per_minute = {per_minute}\n",
        fake.config_name(),
        fake.base_url(),
        fake.config_extra()
    )
}

/// `sandbox` with a config naming profile `name` for this fake, and every
/// command run with `--profile name` and the fake's key.
pub fn with_profile(sandbox: Sandbox, fake: &dyn Fake, name: &str, per_minute: u32) -> Sandbox {
    let sandbox = sandbox
        .with_args(&["--profile", name])
        .with_env(KEY_ENV, fake.api_key());
    sandbox.write_config(&profile_toml(fake, name, per_minute));
    sandbox
}

impl Fake for FakeRogerRoger {
    fn delete_elsewhere(&self, id: &str) -> bool {
        self.remove_elsewhere(id);
        true
    }
    fn creates_with_client_id(&self) -> bool {
        true
    }
    fn note_category(&self) -> String {
        "General".into()
    }
    fn base_url(&self) -> &str {
        &self.base_url
    }
    fn recorder(&self) -> &Recorder {
        &self.recorder
    }
    fn backend(&self, base_url: &str) -> Arc<dyn Backend> {
        self.backend_with(fast(base_url, RogerRoger::default_config(base_url)))
    }
    fn backend_with(&self, config: HttpConfig) -> Arc<dyn Backend> {
        Arc::new(RogerRoger::new(config, SecretString::from(fake_rr::API_KEY)).expect("rr"))
    }
    fn count(&self) -> usize {
        self.people_count()
    }
    fn create_path(&self) -> String {
        "/people".into()
    }
    fn person_path(&self, id: &str) -> String {
        format!("/people/{id}")
    }
    fn list_request(&self) -> (&'static str, String) {
        ("GET", "/people".into())
    }
    fn raw_mine(&self, id: &str) -> Option<String> {
        text_at(&self.raw(id)?, "jobTitle")
    }
    fn raw_family(&self, id: &str) -> Option<String> {
        text_at(&self.raw(id)?, "familyName")
    }
    fn raw_notes_of(&self, id: &str) -> Vec<(String, bool)> {
        self.raw_notes(id)
            .iter()
            .map(|n| {
                let text = text_at(n, "description").unwrap_or_default();
                (text, n["flagged"].as_bool().unwrap_or(false))
            })
            .collect()
    }
    fn config_name(&self) -> &'static str {
        "rogerroger"
    }
    fn api_key(&self) -> &'static str {
        fake_rr::API_KEY
    }
    fn config_extra(&self) -> String {
        format!("api_key_env = \"{KEY_ENV}\"\n")
    }
}

impl Fake for FakeIntrozy {
    fn base_url(&self) -> &str {
        &self.base_url
    }
    fn recorder(&self) -> &Recorder {
        &self.recorder
    }
    fn backend_with(&self, config: HttpConfig) -> Arc<dyn Backend> {
        Arc::new(IntrozyBackend::new(config, &SecretString::from(fake_iz::API_KEY)).expect("iz"))
    }
    fn count(&self) -> usize {
        self.people_count()
    }
    fn create_path(&self) -> String {
        "/api/people".into()
    }
    fn person_path(&self, id: &str) -> String {
        format!("/api/people/{id}")
    }
    fn list_request(&self) -> (&'static str, String) {
        ("GET", "/api/people".into())
    }
    /// One email, one untyped phone, the address as one line, no job title.
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
    /// Introzy has no job title: edits change the family name.
    fn set_mine(&self, p: &mut Person, v: &str) {
        p.family_name = v.to_string();
    }
    fn mine(&self, p: &Person) -> String {
        p.family_name.clone()
    }
    fn raw_mine(&self, id: &str) -> Option<String> {
        text_at(&self.raw(id)?, "lastName")
    }
    fn raw_family(&self, id: &str) -> Option<String> {
        text_at(&self.raw(id)?, "lastName")
    }
    fn raw_notes_of(&self, id: &str) -> Vec<(String, bool)> {
        self.raw_notes(id)
            .iter()
            .map(|n| (text_at(n, "content").unwrap_or_default(), false))
            .collect()
    }
    fn config_name(&self) -> &'static str {
        "introzy"
    }
    fn api_key(&self) -> &'static str {
        fake_iz::API_KEY
    }
    fn config_extra(&self) -> String {
        format!("api_key_env = \"{KEY_ENV}\"\n")
    }
}

impl Fake for FakeRhythm {
    fn base_url(&self) -> &str {
        &self.base_url
    }
    fn recorder(&self) -> &Recorder {
        &self.recorder
    }
    fn backend_with(&self, config: HttpConfig) -> Arc<dyn Backend> {
        let auth = RhythmAuth::Static(SecretString::from(fake_rh::STATIC_KEY));
        Arc::new(RhythmBackend::new(config, fake_rh::TENANT, auth).expect("rhythm"))
    }
    fn count(&self) -> usize {
        self.contacts_count()
    }
    fn create_path(&self) -> String {
        format!("/contacts/{}", fake_rh::TENANT)
    }
    fn person_path(&self, id: &str) -> String {
        format!("/contacts/{}/{id}", fake_rh::TENANT)
    }
    fn list_request(&self) -> (&'static str, String) {
        ("POST", format!("/contacts/{}/search", fake_rh::TENANT))
    }
    /// 41 contacts scanned 25 at a time.
    fn lookup_requests(&self) -> u32 {
        2
    }
    fn raw_mine(&self, id: &str) -> Option<String> {
        text_at(&self.raw(id)?, "job_title")
    }
    fn raw_family(&self, id: &str) -> Option<String> {
        text_at(&self.raw(id)?, "last_name")
    }
    /// The contact's one `notes` text, read the way rolo writes it: each
    /// note a paragraph opening with `[YYYY-MM-DD HH:MM:SS UTC] `; text
    /// before the first stamp is one undated note. Parsed here on its own
    /// (not with rolo's parser), so a parser bug cannot hide a lost note.
    fn raw_notes_of(&self, id: &str) -> Vec<(String, bool)> {
        let text = self
            .raw(id)
            .and_then(|c| text_at(&c, "notes"))
            .unwrap_or_default();
        rhythm_paragraph_notes(&text)
            .into_iter()
            .map(|t| (t, false))
            .collect()
    }
    fn config_name(&self) -> &'static str {
        "rhythm"
    }
    fn api_key(&self) -> &'static str {
        fake_rh::STATIC_KEY
    }
    fn config_extra(&self) -> String {
        format!(
            "api_key_env = \"{KEY_ENV}\"\ntenant = \"{}\"\n",
            fake_rh::TENANT
        )
    }
}

pub async fn rogerroger() -> FakeRogerRoger {
    FakeRogerRoger::start().await
}

pub async fn introzy() -> FakeIntrozy {
    FakeIntrozy::start().await
}

pub async fn rhythm() -> FakeRhythm {
    let fake = FakeRhythm::start().await;
    fake.set_scan_sizes(vec![25]);
    fake
}

/// The notes in a Rhythm `notes` text as rolo writes them: a paragraph
/// (after a blank line, or at the start) opening with a
/// `[YYYY-MM-DD HH:MM:SS UTC] ` stamp starts a note; anything before the
/// first one is one undated note.
pub fn rhythm_paragraph_notes(text: &str) -> Vec<String> {
    fn stamped(line: &str) -> Option<&str> {
        let b = line.as_bytes();
        let shape = b.len() >= 25
            && b[0] == b'['
            && line.get(20..25) == Some(" UTC]")
            && b[1..20].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b' ',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            });
        shape.then(|| line[25..].strip_prefix(' ').unwrap_or(&line[25..]))
    }
    let mut notes: Vec<Vec<&str>> = Vec::new();
    let mut preface: Vec<&str> = Vec::new();
    let mut after_blank = true;
    for line in text.split('\n') {
        match stamped(line).filter(|_| after_blank) {
            Some(rest) => notes.push(vec![rest]),
            None => match notes.last_mut() {
                Some(note) => note.push(line),
                None => preface.push(line),
            },
        }
        after_blank = line.trim().is_empty();
    }
    let preface = preface.join("\n").trim().to_string();
    (!preface.is_empty())
        .then_some(preface)
        .into_iter()
        .chain(
            notes
                .into_iter()
                .map(|n| n.join("\n").trim_end().to_string()),
        )
        .collect()
}
