//! The cached client of a remote profile, end to end against the fake
//! servers: a real SQLite cache file in a temp dir, `Client::remote` over a
//! real HTTP adapter, and a TCP proxy in front of the fake that the tests
//! switch off and on. Switching the proxy off refuses new connections and
//! cuts the open ones (a dropped fake could keep serving pooled keep-alive
//! connections), so "the server is down" is exact; switching it on again
//! listens on the same port, in front of the same data.
//!
//! Each scenario is written once over [`Fake`] and run for RogerRoger, and
//! for Introzy and Rhythm where the backend can do what it needs.
//! Backoffs are milliseconds; the only real wait is a `Retry-After: 1`.

use rolo::backend::Backend;
use rolo::client::Client;
use rolo::model::{Note, Person};
use rolo::outbox::{Op, OpState, is_local_id};
use rolo::store::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::backends::{Fake, introzy, rhythm, rogerroger};
use support::faults::Fault;
use support::proxy::Proxy;
use support::sample_person;

// ----------------------------------------------------------- environment ----

/// A fake with people, a proxy in front of it, and a client whose cache is
/// a SQLite file in a temp dir.
struct Env<F: Fake> {
    fake: F,
    proxy: Proxy,
    /// Straight to the fake, bypassing the proxy: "another user", and the
    /// test's own view of the server.
    direct: Arc<dyn Backend>,
    cache: PathBuf,
    client: Client,
    /// Server ids of the seeded people, in order.
    ids: Vec<String>,
    _dir: tempfile::TempDir,
}

const PEOPLE: usize = 40;

impl<F: Fake> Env<F> {
    /// Seed `PEOPLE` people (more than one page everywhere) and open an
    /// empty cache; nothing is synced yet. The request log starts empty.
    async fn new(fake: F) -> Env<F> {
        let direct = fake.backend(fake.base_url());
        let mut ids = Vec::new();
        for i in 0..PEOPLE {
            let p = fake.adapt(sample_person(i));
            ids.push(direct.create_person(&p).await.expect("seed person").id);
        }
        fake.recorder().clear_log();
        let proxy = Proxy::start(fake.base_url()).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = dir.path().join("cache").join("profile.sqlite");
        let client = Self::client_for(&fake, &proxy, &cache);
        Env {
            fake,
            proxy,
            direct,
            cache,
            client,
            ids,
            _dir: dir,
        }
    }

    fn client_for(fake: &F, proxy: &Proxy, cache: &Path) -> Client {
        let store = Store::open(cache).expect("open cache");
        Client::remote(fake.backend(&proxy.url()), Arc::new(Mutex::new(store)))
    }

    /// A full sync that must succeed.
    async fn sync(&self) {
        let report = self.client.sync(&mut |_, _| {}).await;
        assert_eq!(report.error, None, "sync: {report:?}");
        assert_eq!(report.fetched, Some(PEOPLE), "sync: {report:?}");
    }

    /// The cached copy of seeded person `i`.
    async fn cached(&self, i: usize) -> Person {
        let (p, _) = self.client.load_detail(&self.ids[i]).await.expect("detail");
        p
    }

    async fn server(&self, id: &str) -> Person {
        self.direct.get_person(id).await.expect("server record")
    }

    /// A second connection to the cache file, as a restarted rolo would see it.
    fn store(&self) -> Store {
        Store::open(&self.cache).expect("reopen cache")
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.fake.recorder().count(method, path)
    }

    async fn pending_marker(&self, id: &str) -> bool {
        let all = self.client.load_summaries().await.expect("summaries");
        all.iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id} is in the cached list"))
            .pending
    }
}

// ------------------------------------------------------------- scenarios ----

/// (a) A warm cache serves everything while the server is down.
async fn warm_cache_serves_offline<F: Fake>(fake: F) {
    let mut env = Env::new(fake).await;
    env.sync().await;
    assert!(env.client.last_sync().await.is_some(), "last sync recorded");
    let before = env.client.load_summaries().await.unwrap();
    assert_eq!(before.len(), PEOPLE);
    assert!(before.iter().all(|s| !s.pending));
    let online = env.cached(3).await;

    env.proxy.down().await;
    let requests = env.fake.recorder().request_count();

    let started = Instant::now();
    let offline = env.client.load_summaries().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "the list never waits for the network ({:?})",
        started.elapsed()
    );
    assert_eq!(offline, before, "everyone is still listed, unchanged");

    let report = env.client.sync(&mut |_, _| {}).await;
    assert!(
        report.error.is_some(),
        "sync reports being offline: {report:?}"
    );
    assert_eq!(report.fetched, None);
    assert_eq!(
        env.client.load_summaries().await.unwrap(),
        before,
        "a failed sync keeps the cache"
    );

    let (detail, _) = env
        .client
        .load_detail(&env.ids[3])
        .await
        .expect("the detail falls back to the cache");
    assert_eq!(detail.family_name, online.family_name);
    assert_eq!(detail.version, online.version);
    assert_eq!(
        env.fake.recorder().request_count(),
        requests,
        "nothing reached the server while it was down"
    );
}

/// (b) An edit made offline is queued, shown, and sent exactly once later.
async fn offline_edit_is_sent_once<F: Fake>(fake: F) {
    let mut env = Env::new(fake).await;
    env.sync().await;
    let id = env.ids[5].clone();
    let base = env.cached(5).await;
    env.proxy.down().await;

    let mut edited = base.clone();
    env.fake.set_mine(&mut edited, "Offlineedit");
    env.client
        .save_person(Some(&base), &edited)
        .await
        .expect("an offline edit is accepted");
    let queued = env.client.queued().await.unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].state, OpState::Pending);
    assert!(matches!(queued[0].op, Op::UpdatePerson { .. }));
    assert!(env.pending_marker(&id).await, "the person shows as pending");
    let (shown, _) = env.client.load_detail(&id).await.unwrap();
    assert_eq!(env.fake.mine(&shown), "Offlineedit", "the cache shows it");

    let report = env.client.flush().await;
    assert!(report.stopped.is_some(), "offline: {report:?}");
    assert!(report.sent.is_empty());
    assert_eq!(report.remaining, 1, "the edit stays queued");
    assert_eq!(env.count("PATCH", &env.fake.person_path(&id)), 0);

    env.proxy.up().await;
    let report = env.client.flush().await;
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(report.remaining, 0, "{report:?}");
    assert!(report.conflicts.is_empty() && report.failed.is_empty());
    // Another flush has nothing left to send.
    let again = env.client.flush().await;
    assert!(again.sent.is_empty(), "{again:?}");

    assert_eq!(
        env.count("PATCH", &env.fake.person_path(&id)),
        1,
        "the server got the edit exactly once"
    );
    assert_eq!(env.fake.mine(&env.server(&id).await), "Offlineedit");
    assert!(env.client.queued().await.unwrap().is_empty());
    assert_eq!(env.store().queued_count().unwrap(), 0);
    assert!(!env.pending_marker(&id).await, "the pending marker is gone");
}

/// (c) The server applied a create but the reply was lost, and so were
/// the look-ups after it (the adapter's own and the outbox's read-back):
/// the op stays queued, marked as possibly delivered, and a later flush
/// finds the record instead of creating a second one.
async fn lost_create_reply_makes_no_duplicate<F: Fake>(fake: F) {
    let env = Env::new(fake).await;
    env.sync().await;
    let create = env.fake.create_path();
    let (list_method, list_path) = env.fake.list_request();
    let rec = env.fake.recorder();
    // The look-alike search before sending goes through; the POST is
    // applied and its reply lost; enough 503s then fail every look-up of
    // the first two flushes, retries included.
    let pages = env.fake.lookup_requests();
    rec.inject(Some(list_method), Some(&list_path), Fault::Pass, pages);
    rec.inject(Some("POST"), Some(&create), Fault::DropAfterApply, 1);
    rec.inject(Some(list_method), Some(&list_path), Fault::Status(503), 9);
    let new = env.fake.adapt(sample_person(900));
    let local = env.client.save_person(None, &new).await.expect("queued");
    assert!(is_local_id(&local.id));

    let first = env.client.flush().await;
    if env.fake.creates_with_client_id() {
        // The record is read back by the id rolo chose for it: no search,
        // so the failing look-ups never matter.
        assert!(
            first.stopped.is_none() && first.remaining == 0,
            "found by its own id at once: {first:?}"
        );
    } else {
        assert!(first.stopped.is_some(), "the lost reply stops: {first:?}");
        assert_eq!(first.remaining, 1);
        let queued = env.client.outbox().await.unwrap();
        assert_eq!(queued[0].attempts, 1);
        assert!(queued[0].maybe_sent, "marked as possibly delivered");
        assert_eq!(queued[0].state, rolo::outbox::EntryState::Pending);
        assert_eq!(env.fake.count(), PEOPLE + 1, "the server did apply it");
    }

    // Faults the adapter did not use up fail the next look-ups; then it
    // must go through.
    let mut flushes = 1;
    while env.client.queued().await.unwrap().len() == 1 && flushes < 6 {
        env.client.flush().await;
        flushes += 1;
    }
    assert!(
        env.client.queued().await.unwrap().is_empty(),
        "sent at last"
    );
    assert_eq!(env.fake.count(), PEOPLE + 1, "one record, not two");
    assert_eq!(rec.count("POST", &create), 1, "the create was not re-sent");

    let cached: Vec<_> = env
        .client
        .load_summaries()
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.family_name == new.family_name)
        .collect();
    assert_eq!(cached.len(), 1, "one cached copy: {cached:?}");
    assert!(!is_local_id(&cached[0].id), "named by the server");
    assert!(!cached[0].pending);
    assert_eq!(env.server(&cached[0].id).await.family_name, new.family_name);
}

/// A person created offline, then edited and given a note while still
/// offline: the later writes follow the create to the server's id.
async fn offline_create_then_edit<F: Fake>(fake: F) {
    let mut env = Env::new(fake).await;
    env.sync().await;
    env.proxy.down().await;
    let new = env.fake.adapt(sample_person(920));
    let created = env.client.save_person(None, &new).await.unwrap();
    let mut edited = created.clone();
    env.fake.set_mine(&mut edited, "Lateredit");
    env.client
        .save_person(Some(&created), &edited)
        .await
        .unwrap();
    let with_notes = env.client.capabilities().notes;
    if with_notes {
        let note = Note {
            text: "Created offline".into(),
            category: env.fake.note_category(),
            ..Default::default()
        };
        env.client.save_note(&created.id, &note).await.unwrap();
    }
    assert!(env.pending_marker(&created.id).await);

    env.proxy.up().await;
    let report = env.client.flush().await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.remaining, 0, "{report:?}");
    assert_eq!(env.fake.count(), PEOPLE + 1);
    assert_eq!(env.count("POST", &env.fake.create_path()), 1);
    let summaries = env.client.load_summaries().await.unwrap();
    let mine: Vec<_> = summaries
        .iter()
        .filter(|s| s.family_name == env.fake.mine(&edited) || s.family_name == new.family_name)
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    let id = mine[0].id.clone();
    assert!(!is_local_id(&id) && !mine[0].pending, "{mine:?}");
    assert_eq!(env.fake.mine(&env.server(&id).await), "Lateredit");
    if with_notes {
        let notes = env.direct.list_notes(&id).await.unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].text, "Created offline");
    }
}

/// (d) The server changed the record under a queued edit: the same field is
/// a conflict that waits for the user; a different field merges.
async fn server_changes_conflict_or_merge<F: Fake>(fake: F) {
    let env = Env::new(fake).await;
    env.sync().await;

    // Same field.
    let id = env.ids[7].clone();
    let base = env.cached(7).await;
    let current = env.server(&id).await;
    let mut theirs = current.clone();
    env.fake.set_mine(&mut theirs, "Serverside");
    env.direct.update_person(&current, &theirs).await.unwrap();
    let mut mine = base.clone();
    env.fake.set_mine(&mut mine, "Clientside");
    env.client.save_person(Some(&base), &mine).await.unwrap();
    let seq = env.client.queued().await.unwrap()[0].seq;

    let report = env.client.flush().await;
    assert_eq!(report.conflicts, vec![seq], "{report:?}");
    assert!(report.sent.is_empty(), "{report:?}");
    assert_eq!(
        env.fake.mine(&env.server(&id).await),
        "Serverside",
        "the server is not overwritten"
    );
    let queued = env.client.queued().await.unwrap();
    assert_eq!(queued.len(), 1, "the edit stays queued");
    assert_eq!(queued[0].state, OpState::Conflict);
    let stored = queued[0].theirs.as_ref().expect("their record is stored");
    assert_eq!(env.fake.mine(stored), "Serverside");
    assert!(env.pending_marker(&id).await);

    // A different field.
    let id = env.ids[8].clone();
    let base = env.cached(8).await;
    let current = env.server(&id).await;
    let mut theirs = current.clone();
    theirs.given_name = "Renamed".into();
    env.direct.update_person(&current, &theirs).await.unwrap();
    let mut mine = base.clone();
    env.fake.set_mine(&mut mine, "Mergededit");
    env.client.save_person(Some(&base), &mine).await.unwrap();

    let report = env.client.flush().await;
    // Only the earlier conflict, still waiting for the user, is reported.
    assert_eq!(report.conflicts, vec![seq], "{report:?}");
    assert_eq!(report.sent.len(), 1, "{report:?}");
    let server = env.server(&id).await;
    assert_eq!(env.fake.mine(&server), "Mergededit", "my change is there");
    assert_eq!(server.given_name, "Renamed", "their change is kept");
    let queued = env.client.queued().await.unwrap();
    assert_eq!(queued.len(), 1, "only the conflict is left: {queued:?}");
    assert_eq!(queued[0].seq, seq);
    assert!(!env.pending_marker(&id).await);
    let cached = env.store().get_person(&id).unwrap().unwrap();
    assert_eq!(
        (env.fake.mine(&cached), cached.given_name.as_str()),
        ("Mergededit".to_string(), "Renamed"),
        "the cache holds the merged record"
    );
}

/// (e) A 429 with `Retry-After: 1` is waited out, then sent once more.
async fn rate_limit_is_waited_out<F: Fake>(fake: F) {
    let env = Env::new(fake).await;
    env.sync().await;
    let id = env.ids[2].clone();
    let base = env.cached(2).await;
    let path = env.fake.person_path(&id);
    env.fake
        .recorder()
        .inject(Some("PATCH"), Some(&path), Fault::RateLimited(1), 1);
    let mut edited = base.clone();
    env.fake.set_mine(&mut edited, "Patient");
    env.client.save_person(Some(&base), &edited).await.unwrap();
    env.fake.recorder().clear_log();

    let started = Instant::now();
    let report = env.client.flush().await;
    let waited = started.elapsed();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(report.remaining, 0);
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was honoured ({waited:?})"
    );
    assert!(
        waited < Duration::from_secs(4),
        "no long stall ({waited:?})"
    );
    assert_eq!(
        env.count("PATCH", &path),
        2,
        "one refused, one accepted: {:?}",
        env.fake.recorder().log()
    );
    let total = env.fake.recorder().request_count();
    assert!(total <= 4, "not hammered: {total} requests");
    assert_eq!(env.fake.mine(&env.server(&id).await), "Patient");
}

/// (f) A note added (and flagged, where the backend can) offline reaches
/// the server once; the cache swaps the local id for the server's.
async fn offline_note_is_created_once<F: Fake>(fake: F) {
    let mut env = Env::new(fake).await;
    env.sync().await;
    let id = env.ids[4].clone();
    let can_flag = env.client.capabilities().flag_notes;
    env.cached(4).await;
    env.proxy.down().await;

    let note = Note {
        text: "Met at the offline meetup".into(),
        category: env.fake.note_category(),
        ..Default::default()
    };
    let saved = env.client.save_note(&id, &note).await.expect("queued");
    assert!(is_local_id(&saved.id), "{}", saved.id);
    if can_flag {
        let flagged = env.client.flag_note(&id, &saved.id, true).await.unwrap();
        assert!(flagged.flagged, "the cached note shows the flag");
    }
    let ops = env.client.queued().await.unwrap();
    assert_eq!(ops.len(), if can_flag { 2 } else { 1 }, "{ops:?}");
    let (_, notes) = env.client.load_detail(&id).await.unwrap();
    assert!(notes.iter().any(|n| n.id == saved.id), "{notes:?}");
    assert!(env.pending_marker(&id).await);

    let report = env.client.flush().await;
    assert!(
        report.stopped.is_some() && report.sent.is_empty(),
        "{report:?}"
    );

    env.proxy.up().await;
    let report = env.client.flush().await;
    assert_eq!(report.remaining, 0, "{report:?}");
    assert_eq!(report.sent.len(), ops.len(), "{report:?}");

    let on_server: Vec<Note> = env
        .direct
        .list_notes(&id)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.text.contains("offline meetup"))
        .collect();
    assert_eq!(on_server.len(), 1, "exactly one note: {on_server:?}");
    assert_eq!(on_server[0].flagged, can_flag);
    assert_eq!(
        env.count("POST", &env.fake.notes_path(&id)),
        1,
        "created once"
    );

    let store = env.store();
    assert!(
        store.get_note(&saved.id).unwrap().is_none(),
        "local id gone"
    );
    let cached = store.notes_for(&id).unwrap();
    let mine: Vec<_> = cached
        .iter()
        .filter(|n| n.text.contains("offline meetup"))
        .collect();
    assert_eq!(mine.len(), 1, "{cached:?}");
    assert_eq!(mine[0].id, on_server[0].id, "the cache uses the server id");
    assert_eq!(mine[0].flagged, can_flag);
    assert_eq!(store.queued_count().unwrap(), 0);
}

/// (g) rolo is killed between marking an op as attempted and completing
/// it, with the request delivered (A, and an edit) or not (B). After a
/// restart on the same cache file, each exists exactly once on the server.
async fn crash_after_mark_attempt<F: Fake>(fake: F) {
    let mut env = Env::new(fake).await;
    env.sync().await;
    let create = env.fake.create_path();

    let landed = env.fake.adapt(sample_person(950));
    let lost = env.fake.adapt(sample_person(951));
    let base = env.cached(9).await;
    let mut edited = base.clone();
    env.fake.set_mine(&mut edited, "Crashedit");
    {
        // What the dying rolo had done: queued three writes and marked
        // each attempted; the first create and the edit reached the server.
        let mut store = env.store();
        let mut a = landed.clone();
        a.id = rolo::outbox::new_local_id();
        let mut b = lost.clone();
        b.id = rolo::outbox::new_local_id();
        for op in [
            Op::CreatePerson { person: a },
            Op::CreatePerson { person: b },
            Op::UpdatePerson {
                base: base.clone(),
                edited: edited.clone(),
            },
        ] {
            let seq = store.enqueue(&op).unwrap();
            store.mark_attempt(seq).unwrap();
        }
        // Dropped here without `complete`: the crash.
    }
    env.direct.create_person(&landed).await.unwrap();
    let after_edit = env.direct.update_person(&base, &edited).await.unwrap();
    env.fake.recorder().clear_log();
    assert_eq!(env.fake.count(), PEOPLE + 1);

    // The restart: a new client and store over the same file.
    env.client = Env::client_for(&env.fake, &env.proxy, &env.cache);
    let queued = env.client.queued().await.unwrap();
    assert_eq!(queued.len(), 3);
    assert!(queued.iter().all(|q| q.attempts == 1), "{queued:?}");
    let report = env.client.flush().await;
    assert_eq!(report.remaining, 0, "{report:?}");
    assert!(report.conflicts.is_empty() && report.failed.is_empty());

    assert_eq!(env.fake.count(), PEOPLE + 2, "one of each, no duplicate");
    assert_eq!(
        env.count("POST", &create),
        1,
        "only the lost create is sent"
    );
    let id = &env.ids[9];
    let server = env.server(id).await;
    assert_eq!(env.fake.mine(&server), "Crashedit");
    assert_eq!(
        server.version, after_edit.version,
        "the edit already there is not written again"
    );
    let summaries = env.client.load_summaries().await.unwrap();
    for p in [&landed, &lost] {
        let copies: Vec<_> = summaries
            .iter()
            .filter(|s| s.family_name == p.family_name)
            .collect();
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert!(!is_local_id(&copies[0].id) && !copies[0].pending);
    }
    env.proxy.down().await;
}

/// An action the backend lacks is refused when the user asks, with
/// `Unsupported`, and nothing is queued to be refused later.
async fn lacking_actions_are_refused_before_queueing<F: Fake>(fake: F) {
    use rolo::backend::BackendError::Unsupported;
    use rolo::model::PersonField;
    let env = Env::new(fake).await;
    env.sync().await;
    let caps = env.client.capabilities();
    let id = env.ids[1].clone();
    let base = env.cached(1).await;
    env.fake.recorder().clear_log();
    let mut refused = 0;
    if !caps.archive {
        let e = env.client.set_archived(&id, true).await.unwrap_err();
        assert!(matches!(e, Unsupported(_)), "{e:?}");
        refused += 1;
    }
    if !caps.delete {
        let e = env.client.delete_person(&id).await.unwrap_err();
        assert!(matches!(e, Unsupported(_)), "{e:?}");
        refused += 1;
    }
    if !caps.flag_notes {
        let e = env.client.flag_note(&id, "n1", true).await.unwrap_err();
        assert!(matches!(e, Unsupported(_)), "{e:?}");
        refused += 1;
    }
    if !caps.note_edit {
        let note = Note {
            id: "n1".into(),
            text: "changed".into(),
            ..Default::default()
        };
        let e = env.client.save_note(&id, &note).await.unwrap_err();
        assert!(matches!(e, Unsupported(_)), "{e:?}");
        refused += 1;
    }
    if !caps.note_delete {
        let e = env.client.delete_note(&id, "n1").await.unwrap_err();
        assert!(matches!(e, Unsupported(_)), "{e:?}");
        refused += 1;
    }
    // A field this backend does not store.
    let field = [
        PersonField::JobTitle,
        PersonField::Tags,
        PersonField::CustomFields,
    ]
    .into_iter()
    .find(|f| !caps.stores(*f))
    .expect("every backend lacks one of these");
    let mut edited = base.clone();
    field.set(&mut edited, "tier=gold");
    let e = env
        .client
        .save_person(Some(&base), &edited)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Unsupported(m) if m.contains(field.key())),
        "{field:?}: {e:?}"
    );
    assert!(refused >= 1, "every backend lacks an action");
    assert!(
        env.client.queued().await.unwrap().is_empty(),
        "nothing queued"
    );
    assert_eq!(env.fake.recorder().request_count(), 0, "nothing sent");
}

/// A reply cut short before an edit was sent (the adapter's read of the
/// current record) is not a refusal: the edit goes out and lands once.
async fn truncated_read_before_an_edit_is_retried<F: Fake>(fake: F) {
    let env = Env::new(fake).await;
    env.sync().await;
    let id = env.ids[6].clone();
    let base = env.cached(6).await;
    let path = env.fake.person_path(&id);
    env.fake
        .recorder()
        .inject(Some("GET"), Some(&path), Fault::Truncated, 1);
    let mut edited = base.clone();
    env.fake.set_mine(&mut edited, "Afterthecut");
    env.client.save_person(Some(&base), &edited).await.unwrap();
    let report = env.client.flush().await;
    assert!(report.failed.is_empty(), "not refused: {report:?}");
    assert_eq!(report.remaining, 0, "{report:?}");
    assert_eq!(env.fake.mine(&env.server(&id).await), "Afterthecut");
    assert_eq!(env.count("PATCH", &path), 1, "sent once");
}

/// An edit waits while the person is deleted on the server: it becomes a
/// refusal that names the deletion, and dropping it takes the person out
/// of the cache.
async fn an_edit_of_a_deleted_person_is_refused_naming_it<F: Fake>(fake: F) {
    use rolo::outbox::EntryState;
    let env = Env::new(fake).await;
    env.sync().await;
    let id = env.ids[3].clone();
    let base = env.cached(3).await;
    let mut edited = base.clone();
    env.fake.set_mine(&mut edited, "Toolate");
    env.client.save_person(Some(&base), &edited).await.unwrap();
    if !env.fake.delete_elsewhere(&id) {
        env.direct.delete_person(&id).await.unwrap();
    }

    let report = env.client.flush().await;
    let (seq, why) = report.failed.first().expect("refused").clone();
    assert!(why.contains("deleted on the server"), "{why}");
    let entries = env.client.outbox().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Refused);
    assert!(
        env.store()
            .load_summaries()
            .unwrap()
            .iter()
            .any(|s| s.id == id && s.blocked)
    );

    let settled = env.client.drop_op(seq).await.unwrap();
    assert!(settled.forgotten, "{settled:?}");
    assert!(
        env.store().get_person(&id).unwrap().is_none(),
        "left the cache"
    );
    assert!(env.client.queued().await.unwrap().is_empty());
}

/// Two edits of one person queued in a row: when the first lands, the
/// second is moved onto the server's answer (its new version), so it is
/// not a conflict with rolo's own write, and it sends only what it changed.
async fn the_next_edit_is_rebased_on_the_servers_answer<F: Fake>(fake: F) {
    let mut env = Env::new(fake).await;
    env.sync().await;
    let id = env.ids[2].clone();
    let base = env.cached(2).await;
    env.proxy.down().await;
    let mut first = base.clone();
    env.fake.set_mine(&mut first, "Firstedit");
    env.client.save_person(Some(&base), &first).await.unwrap();
    let cached = env.store().get_person(&id).unwrap().unwrap();
    let mut second = cached.clone();
    second.given_name = "Secondedit".into();
    env.client
        .save_person(Some(&cached), &second)
        .await
        .unwrap();
    env.proxy.up().await;
    env.fake.recorder().clear_log();

    let report = env.client.flush().await;
    assert_eq!(report.sent.len(), 2, "{report:?}");
    assert!(
        report.conflicts.is_empty(),
        "no conflict with itself: {report:?}"
    );
    let path = env.fake.person_path(&id);
    assert_eq!(env.count("PATCH", &path), 2, "one PATCH each, no retry");
    // An adapter may read before its write (a version check) and after it
    // (Introzy's documented update reply has no `updatedAt`).
    assert!(
        env.count("GET", &path) <= 2 * 2,
        "at most the adapter's own reads per edit, no conflict round: {:?}",
        env.fake
            .recorder()
            .log()
            .iter()
            .map(|l| format!("{} {}", l.method, l.path))
            .collect::<Vec<_>>()
    );
    let last = env.fake.recorder().last("PATCH").unwrap();
    let body = String::from_utf8_lossy(&last.body).to_string();
    assert!(body.contains("Secondedit"), "{body}");
    assert!(
        !body.contains("Firstedit"),
        "only what the second edit changed: {body}"
    );
    if let Some(ops) = last.json().as_array() {
        // RFC 6902: nothing but the version test touches bookkeeping.
        for op in ops.iter().filter(|o| o["op"] != "test") {
            let path = op["path"].as_str().unwrap_or_default();
            assert!(!path.starts_with("/sys_"), "{body}");
        }
    }
    let server = env.server(&id).await;
    assert_eq!(env.fake.mine(&server), "Firstedit");
    assert_eq!(server.given_name, "Secondedit");
}

/// Introzy refuses a create whose email exists (409). The create leaves
/// the outbox and its ghost the cache; the flush names the existing person.
async fn a_duplicate_create_names_the_existing_person<F: Fake>(fake: F) {
    let env = Env::new(fake).await;
    env.sync().await;
    let taken = env.cached(4).await;
    let ghost = Person {
        given_name: "Dupe".into(),
        family_name: "Tester".into(),
        emails: taken.emails.clone(),
        ..Default::default()
    };
    let local = env.client.save_person(None, &ghost).await.unwrap();
    let report = env.client.flush().await;
    let dup = report.duplicates.first().expect("a duplicate").clone();
    assert_eq!(dup.local_id, local.id);
    assert_eq!(dup.existing_id, env.ids[4]);
    assert!(env.client.queued().await.unwrap().is_empty(), "taken out");
    assert!(
        env.store().get_person(&local.id).unwrap().is_none(),
        "no ghost"
    );
    assert_eq!(env.fake.count(), PEOPLE);
}

/// Introzy refuses an edit that gives a person someone else's email (409
/// naming the other person): a refusal with the server's words, not a
/// version conflict merged and sent again for ever.
async fn an_edit_to_a_taken_email_is_refused<F: Fake>(fake: F) {
    use rolo::outbox::EntryState;
    let env = Env::new(fake).await;
    env.sync().await;
    let other = env.cached(5).await;
    let base = env.cached(6).await;
    let mut edited = base.clone();
    edited.emails = other.emails.clone();
    env.client.save_person(Some(&base), &edited).await.unwrap();
    let report = env.client.flush().await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].1.contains("already exists"), "{report:?}");
    let entries = env.client.outbox().await.unwrap();
    assert_eq!(entries[0].state, EntryState::Refused);
    assert_eq!(
        env.server(&env.ids[6]).await.emails,
        base.emails,
        "not changed"
    );
}

// ----------------------------------------------------------------- tests ----

macro_rules! scenarios {
    ($backend:ident, $start:expr, [$($scenario:ident),* $(,)?]) => {
        mod $backend {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario($start.await).await;
                }
            )*
        }
    };
}

scenarios!(
    rogerroger_cached,
    rogerroger(),
    [
        warm_cache_serves_offline,
        offline_edit_is_sent_once,
        lost_create_reply_makes_no_duplicate,
        offline_create_then_edit,
        server_changes_conflict_or_merge,
        rate_limit_is_waited_out,
        offline_note_is_created_once,
        crash_after_mark_attempt,
        lacking_actions_are_refused_before_queueing,
        truncated_read_before_an_edit_is_retried,
        an_edit_of_a_deleted_person_is_refused_naming_it,
        the_next_edit_is_rebased_on_the_servers_answer,
    ]
);

scenarios!(
    introzy_cached,
    introzy(),
    [
        warm_cache_serves_offline,
        offline_edit_is_sent_once,
        lost_create_reply_makes_no_duplicate,
        offline_create_then_edit,
        server_changes_conflict_or_merge,
        offline_note_is_created_once,
        crash_after_mark_attempt,
        lacking_actions_are_refused_before_queueing,
        truncated_read_before_an_edit_is_retried,
        the_next_edit_is_rebased_on_the_servers_answer,
        a_duplicate_create_names_the_existing_person,
        an_edit_to_a_taken_email_is_refused,
    ]
);

// Rhythm keeps one note field per contact (no separate notes to create).
scenarios!(
    rhythm_cached,
    rhythm(),
    [
        warm_cache_serves_offline,
        offline_edit_is_sent_once,
        lost_create_reply_makes_no_duplicate,
        offline_create_then_edit,
        server_changes_conflict_or_merge,
        rate_limit_is_waited_out,
        crash_after_mark_attempt,
        lacking_actions_are_refused_before_queueing,
        an_edit_of_a_deleted_person_is_refused_naming_it,
        the_next_edit_is_rebased_on_the_servers_answer,
    ]
);

/// After a full sync, the next one asks only for people created since, and
/// refreshes the people on screen first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_fetches_only_what_is_new_and_what_is_on_screen() {
    let fake = support::fake_rogerroger::FakeRogerRoger::start().await;
    let ids = fake.seed_many(65);
    let dir = tempfile::tempdir().unwrap();
    let store = rolo::store::Store::open(&dir.path().join("cache.sqlite")).unwrap();
    let mut config = rolo::backend::rogerroger::RogerRoger::default_config(fake.base_url.clone());
    config.rate_limit = None;
    let backend = rolo::backend::rogerroger::RogerRoger::new(
        config,
        secrecy::SecretString::from(support::fake_rogerroger::API_KEY.to_string()),
    )
    .unwrap();
    let client = rolo::client::Client::remote(
        std::sync::Arc::new(backend),
        std::sync::Arc::new(std::sync::Mutex::new(store)),
    );
    let first = client.sync(&mut |_, _| {}).await;
    assert_eq!(first.fetched, Some(65));
    assert_eq!(
        fake.recorder.count("GET", "/people"),
        3,
        "65 people in pages of 30"
    );

    // Someone edits a person on screen and adds one.
    let http = reqwest::Client::new();
    http.patch(format!("{}/people/{}", fake.base_url, ids[3]))
        .header("X-API-KEY", support::fake_rogerroger::API_KEY)
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"jobTitle":"Edited elsewhere"}"#)
        .send()
        .await
        .unwrap();
    let new_id = fake.seed(serde_json::json!({"familyName": "Newcomer", "givenName": "Nia"}));
    fake.recorder.clear_log();

    let second = client
        .sync_with_focus(&[ids[3].clone()], &mut |_, _| {})
        .await;
    assert_eq!(second.error, None);
    // The filter is inclusive: the newest known person comes again, with the new one.
    assert_eq!(second.fetched, Some(2), "only the new people were listed");
    let log = fake.recorder.count("GET", "/people");
    assert_eq!(log, 1, "one page of new people, not a full listing");
    assert_eq!(
        fake.recorder.count("GET", &format!("/people/{}", ids[3])),
        1
    );
    let people = client.load_summaries().await.unwrap();
    assert_eq!(people.len(), 66);
    assert!(people.iter().any(|p| p.id == new_id));
    let (edited, _) = client.load_detail(&ids[3]).await.unwrap();
    assert_eq!(edited.job_title, "Edited elsewhere");
}
