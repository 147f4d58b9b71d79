//! Merging duplicates through the client, on every backend: two records of
//! one person, each with notes, custom fields and fields the model does not
//! know, merged with `Client::merge_people`; after the outbox is flushed the
//! survivor on the server (read from the fake's memory, not the cache)
//! holds all of it, the other record is archived or merged away, and
//! nothing was done twice. Then the same under a seeded fault mix on the
//! merge's requests, undo while queued, and two processes' clients
//! flushing one queued merge.

use rolo::backend::BackendError;
use rolo::backend::local::LocalBackend;
use rolo::client::Client;
use rolo::model::merge::MergePlan;
use rolo::model::{Note, Person};
use rolo::store::Store;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::{Arc, Mutex};
use support::backends::{self, Fake};
use support::fake_rhythm::FakeRhythm;
use support::fake_rogerroger::FakeRogerRoger;
use support::faults::FaultMix;

const SURVIVOR_NOTE: &str = "Survivor's own note";
const OTHER_NOTES: [&str; 2] = ["Met at the fair", "Called, no answer"];

fn remote(fake: &dyn Fake, cache: &Path) -> Client {
    let store = Store::open(cache).unwrap();
    Client::remote(fake.backend(fake.base_url()), Arc::new(Mutex::new(store)))
}

async fn synced(fake: &dyn Fake, cache: &Path) -> Client {
    let client = remote(fake, cache);
    let report = client.sync(&mut |_, _| {}).await;
    assert!(report.error.is_none(), "{report:?}");
    client
}

/// Flush until the outbox is empty; panics if it never empties. (Another
/// process may hold the claim meanwhile: wait a little between rounds.)
async fn flush_all(client: &Client) {
    for _ in 0..100 {
        client.flush().await;
        if client.queued().await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("left in the outbox: {:?}", client.queued().await.unwrap());
}

/// The survivor's record and notes as one text, to look for values in.
fn holds(raw: &Value, notes: &[String], what: &str) -> bool {
    raw.to_string().contains(what) || notes.iter().any(|n| n.contains(what))
}

fn seed_rr(fake: &FakeRogerRoger) -> (String, String) {
    let a = fake.seed(json!({
        "givenName": "Ann", "familyName": "Smith",
        "emailAddresses": [{"email": "ann@acme.example"}],
        "customerId": "C-1",
    }));
    let b = fake.seed(json!({
        "givenName": "Ann", "familyName": "Smith",
        "emailAddresses": [{"email": "ann@home.example"}],
        "jobTitle": "CTO",
        "dealSize": 4242,
    }));
    fake.seed_note(&a, SURVIVOR_NOTE, false);
    fake.seed_note(&b, OTHER_NOTES[0], true);
    fake.seed_note(&b, OTHER_NOTES[1], false);
    (a, b)
}

fn seed_rh(fake: &FakeRhythm) -> (String, String) {
    let a = fake.seed(json!({
        "first_name": "Ann", "last_name": "Smith",
        "email_address": "ann@acme.example",
        "notes": format!("[2024-01-01 09:00:00 UTC] {SURVIVOR_NOTE}"),
        "status": "active",
    }));
    let b = fake.seed(json!({
        "first_name": "Ann", "last_name": "Smith",
        "email_address": "ann@home.example",
        "job_title": "CTO",
        "nickname": "Annie-from-the-fair",
        "notes": format!(
            "[2024-01-02 09:00:00 UTC] {}\n\n[2024-01-03 09:00:00 UTC] {}",
            OTHER_NOTES[0], OTHER_NOTES[1]
        ),
        "status": "active",
    }));
    (a, b)
}

fn check_survivor(raw: &Value, notes: &[String], values: &[&str]) {
    for v in values {
        assert!(
            holds(raw, notes, v),
            "the survivor lost {v:?}: {raw:#}\nnotes: {notes:#?}"
        );
    }
    for text in std::iter::once(SURVIVOR_NOTE).chain(OTHER_NOTES) {
        let n = notes.iter().filter(|n| n.contains(text)).count();
        assert_eq!(n, 1, "{text:?} on the survivor {n} times: {notes:#?}");
    }
}

#[tokio::test]
async fn rogerroger_survivor_holds_notes_and_unknown_fields_and_the_other_is_archived() {
    let fake = backends::rogerroger().await;
    let (a, b) = seed_rr(&fake);
    let dir = tempfile::tempdir().unwrap();
    let client = synced(&fake, &dir.path().join("c.sqlite")).await;
    let merged = client
        .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
        .await
        .unwrap();
    assert_eq!(merged.emails.len(), 2);
    // Until it is sent the cache shows the merge and the other set aside.
    let cached = client.read_store(|s| s.get_person(&b)).unwrap().unwrap();
    assert!(cached.unwrap().archived);
    flush_all(&client).await;
    let raw = fake.raw(&a).unwrap();
    let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
    check_survivor(
        &raw,
        &notes,
        &["ann@acme.example", "ann@home.example", "CTO", "4242", "C-1"],
    );
    assert_eq!(raw["jobTitle"], "CTO", "a gap filled from the other");
    assert!(
        fake.raw_notes_of(&a)
            .iter()
            .any(|(t, flagged)| t == OTHER_NOTES[0] && *flagged),
        "the flag moved with the note"
    );
    assert!(fake.raw(&b).unwrap()["archivedAt"].is_string(), "archived");
    // The cache agrees with the server now.
    let cached_notes = client.read_store(|s| s.notes_for(&a)).unwrap().unwrap();
    assert_eq!(cached_notes.len(), 3, "{cached_notes:?}");
    assert!(cached_notes.iter().all(|n| !n.id.starts_with("local-")));
}

#[tokio::test]
async fn rhythm_merges_with_its_endpoint_and_the_survivor_holds_everything() {
    let fake = backends::rhythm().await;
    let (a, b) = seed_rh(&fake);
    let dir = tempfile::tempdir().unwrap();
    let client = synced(&fake, &dir.path().join("c.sqlite")).await;
    client
        .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
        .await
        .unwrap();
    flush_all(&client).await;
    let raw = fake.raw(&a).unwrap();
    let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
    check_survivor(
        &raw,
        &notes,
        &[
            "ann@acme.example",
            "ann@home.example",
            "CTO",
            "Annie-from-the-fair",
        ],
    );
    assert_eq!(raw["merged_ids"], json!([b]), "merged with the endpoint");
    assert!(fake.raw(&b).is_none(), "the endpoint removed the other");
    let merges = fake
        .recorder()
        .log()
        .iter()
        .filter(|r| r.path.ends_with("/merge"))
        .count();
    assert_eq!(merges, 1);
    assert!(
        client
            .read_store(|s| s.get_person(&b))
            .unwrap()
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn introzy_which_can_neither_archive_nor_delete_refuses_up_front() {
    let fake = backends::introzy().await;
    let a =
        fake.seed(json!({"email": "ann@acme.example", "firstName": "Ann", "lastName": "Smith"}));
    let b =
        fake.seed(json!({"email": "ann@home.example", "firstName": "Ann", "lastName": "Smith"}));
    let dir = tempfile::tempdir().unwrap();
    let client = synced(&fake, &dir.path().join("c.sqlite")).await;
    let before = fake.recorder().request_count();
    let e = client
        .merge_people(&MergePlan::new(a, vec![b]))
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Unsupported(_)), "{e:?}");
    assert!(e.to_string().contains("neither archive nor delete"), "{e}");
    assert!(client.queued().await.unwrap().is_empty());
    assert_eq!(fake.recorder().request_count(), before, "nothing sent");
}

#[tokio::test]
async fn local_merge_is_done_at_once_and_keeps_custom_and_unknown_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(
        Store::open(&dir.path().join("w.sqlite")).unwrap(),
    ));
    let client = Client::new(Arc::new(LocalBackend::new(store.clone())), store.clone());
    let mut ann = Person {
        id: "a".into(),
        given_name: "Ann".into(),
        family_name: "Smith".into(),
        emails: vec!["ann@acme.example".into()],
        version: Some("v1".into()),
        ..Default::default()
    };
    ann.custom_fields.insert("tier".into(), json!("gold"));
    let mut other = ann.clone();
    other.id = "b".into();
    other.emails = vec!["ann@home.example".into()];
    other.custom_fields = [("source".to_string(), json!("fair"))].into();
    other.extra.insert("legacy_id".into(), json!("L-7"));
    {
        let s = store.lock().unwrap();
        s.upsert_person(&ann.clone().normalize()).unwrap();
        s.upsert_person(&other.clone().normalize()).unwrap();
        for (i, t) in OTHER_NOTES.iter().enumerate() {
            s.upsert_note(&Note {
                id: format!("n{i}"),
                person_id: "b".into(),
                text: t.to_string(),
                created_at: Some("2024-01-01T00:00:00Z".into()),
                ..Default::default()
            })
            .unwrap();
        }
    }
    let mut plan = MergePlan::new("a".into(), vec!["b".into()]);
    plan.delete_others = true;
    let merged = client.merge_people(&plan).await.unwrap();
    let s = store.lock().unwrap();
    let stored = s.get_person("a").unwrap().unwrap();
    assert_eq!(stored, merged);
    assert_eq!(stored.emails, ["ann@acme.example", "ann@home.example"]);
    assert_eq!(stored.custom_fields["tier"], "gold");
    assert_eq!(stored.custom_fields["source"], "fair");
    assert_eq!(stored.extra["legacy_id"], "L-7");
    assert_eq!(s.notes_for("a").unwrap().len(), 2);
    assert!(s.get_person("b").unwrap().is_none(), "deleted, as asked");
    assert_eq!(s.queued_count().unwrap(), 0, "nothing queued locally");
}

#[tokio::test]
async fn a_queued_merge_can_be_undone_and_nothing_is_sent() {
    let fake = backends::rogerroger().await;
    let (a, b) = seed_rr(&fake);
    let dir = tempfile::tempdir().unwrap();
    let client = synced(&fake, &dir.path().join("c.sqlite")).await;
    let before = client
        .read_store(|s| s.get_person(&a))
        .unwrap()
        .unwrap()
        .unwrap();
    client
        .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
        .await
        .unwrap();
    let queued = client.queued().await.unwrap();
    assert_eq!(queued.len(), 2, "the merge and the other's marker");
    let seq = queued[0].seq;
    client.drop_op(seq).await.unwrap();
    assert!(client.queued().await.unwrap().is_empty());
    let after = client
        .read_store(|s| s.get_person(&a))
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(after.emails, before.emails);
    assert!(
        !client
            .read_store(|s| s.get_person(&b))
            .unwrap()
            .unwrap()
            .unwrap()
            .archived
    );
    let writes = fake
        .recorder()
        .log()
        .iter()
        .filter(|r| r.method.as_str() != "GET")
        .count();
    assert_eq!(writes, 0, "an undone merge sends nothing");
    assert!(fake.raw(&b).unwrap()["archivedAt"].is_null());
}

#[tokio::test]
async fn the_merge_under_a_seeded_fault_mix_is_done_once() {
    for seed in 1..=6u64 {
        let fake = backends::rhythm().await;
        let (a, b) = seed_rh(&fake);
        let dir = tempfile::tempdir().unwrap();
        let client = synced(&fake, &dir.path().join("c.sqlite")).await;
        client
            .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
            .await
            .unwrap();
        fake.recorder()
            .set_mix(Some(FaultMix::standard(seed, 0.35)));
        flush_all(&client).await;
        fake.recorder().set_mix(None);
        assert!(
            !fake.recorder().injected().is_empty(),
            "seed {seed} hit no fault"
        );
        let raw = fake.raw(&a).unwrap();
        let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
        check_survivor(&raw, &notes, &["ann@home.example", "Annie-from-the-fair"]);
        assert!(fake.raw(&b).is_none(), "seed {seed}");

        let fake = backends::rogerroger().await;
        let (a, b) = seed_rr(&fake);
        let client = synced(&fake, &dir.path().join(format!("rr{seed}.sqlite"))).await;
        client
            .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
            .await
            .unwrap();
        fake.recorder()
            .set_mix(Some(FaultMix::standard(seed, 0.35)));
        flush_all(&client).await;
        fake.recorder().set_mix(None);
        let raw = fake.raw(&a).unwrap();
        let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
        check_survivor(&raw, &notes, &["ann@home.example", "4242"]);
        assert!(
            fake.raw(&b).unwrap()["archivedAt"].is_string(),
            "seed {seed}"
        );
    }
}

#[tokio::test]
async fn two_clients_on_one_cache_send_one_queued_merge_once() {
    let fake = backends::rogerroger().await;
    let (a, b) = seed_rr(&fake);
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c.sqlite");
    let first = synced(&fake, &cache).await;
    first
        .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
        .await
        .unwrap();
    // Another process: its own store connection and its own claims.
    let second = remote(&fake, &cache);
    fake.set_latency(std::time::Duration::from_millis(30));
    tokio::join!(flush_all(&first), flush_all(&second));
    let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
    check_survivor(&fake.raw(&a).unwrap(), &notes, &["ann@home.example"]);
    let archives = fake
        .recorder()
        .log()
        .iter()
        .filter(|r| r.method.as_str() == "PATCH" && r.path.ends_with(&b))
        .count();
    assert_eq!(archives, 1, "archived once");
}

// ------------------------------------------------------------ rolo merge ----

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolo_merge_sends_the_merge_and_prints_the_survivor() {
    let fake = backends::rogerroger().await;
    let (a, b) = seed_rr(&fake);
    let home = backends::with_profile(crate::sandbox(), &fake, "rr", 6000);
    let out = home.run_async(&["sync"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = home
        .run_async(&["merge", &a, &b, "--pick", "emails=1"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["id"], a.as_str());
    assert_eq!(printed["jobTitle"], "CTO");
    let raw = fake.raw(&a).unwrap();
    let emails = raw["emailAddresses"].to_string();
    assert!(emails.contains("ann@home.example"), "{raw:#}");
    assert!(
        !emails.contains("ann@acme.example"),
        "picked the other's: {raw:#}"
    );
    let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(fake.raw(&b).unwrap()["archivedAt"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolo_merge_refuses_clearly_with_the_exit_code_of_each_mistake() {
    let fake = backends::rogerroger().await;
    let (a, b) = seed_rr(&fake);
    let home = backends::with_profile(crate::sandbox(), &fake, "rr", 6000);
    assert!(home.run_async(&["sync"]).await.status.success());
    let cases: [(&[&str], i32, &str); 5] = [
        (&["merge", &a, &a], 2, "named twice"),
        (&["merge", &a, &b, &b], 2, "named twice"),
        (
            &["merge", &a, "00000000-0000-4000-8000-000000000000"],
            3,
            "not found",
        ),
        (&["merge", &a, &b, "--delete"], 2, "cannot delete people"),
        (
            &["merge", &a, &b, "--pick", "jobTitle=5"],
            2,
            "--pick jobTitle=5",
        ),
    ];
    for (args, code, words) in cases {
        let out = home.run_async(args).await;
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(words), "{args:?}: {}", stderr(&out));
    }
    assert!(
        fake.raw(&b).unwrap()["archivedAt"].is_null(),
        "nothing was merged"
    );
    assert_eq!(fake.raw_notes_of(&a).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolo_merge_of_a_locked_rhythm_contact_is_refused() {
    let fake = backends::rhythm().await;
    let (a, b) = seed_rh(&fake);
    fake.set_locked(&b, true);
    let home = backends::with_profile(crate::sandbox(), &fake, "rh", 6000);
    assert!(home.run_async(&["sync"]).await.status.success());
    let out = home.run_async(&["merge", &a, &b]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
    assert!(fake.raw(&b).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_rolo_sync_processes_send_one_queued_merge_once() {
    let fake = backends::rogerroger().await;
    let (a, b) = seed_rr(&fake);
    let home = backends::with_profile(crate::sandbox(), &fake, "rr", 100_000);
    assert!(home.run_async(&["sync"]).await.status.success());
    // Queued in the profile's cache, not sent: the server is slow to
    // answer, so both processes find it waiting.
    let client = remote(&fake, &home.cache_db("rr"));
    client
        .merge_people(&MergePlan::new(a.clone(), vec![b.clone()]))
        .await
        .unwrap();
    drop(client);
    fake.set_latency(std::time::Duration::from_millis(40));
    let (one, two) = tokio::join!(home.run_async(&["sync"]), home.run_async(&["sync"]));
    for out in [&one, &two] {
        assert!(out.status.success(), "{}", stderr(out));
    }
    let notes: Vec<String> = fake.raw_notes_of(&a).into_iter().map(|n| n.0).collect();
    check_survivor(
        &fake.raw(&a).unwrap(),
        &notes,
        &["ann@home.example", "4242"],
    );
    let archives = fake
        .recorder()
        .log()
        .iter()
        .filter(|r| r.method.as_str() == "PATCH" && r.path.ends_with(&b))
        .count();
    assert_eq!(archives, 1, "archived once");
    let left = Store::open(&home.cache_db("rr"))
        .unwrap()
        .queued_count()
        .unwrap();
    assert_eq!(left, 0);
}
