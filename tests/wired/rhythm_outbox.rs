//! Rhythm's notes through the cache and the outbox. A Rhythm note is a
//! dated paragraph of the contact's one `notes` text and its id is the
//! paragraph's stamp (`notes` for undated text), so note ids are unique
//! within a contact only, and a stamp comes back once its note is deleted.
//! Each test here failed before its fix:
//!
//! * two contacts noted in the same second each keep their own note in the
//!   cache (it was keyed by note id alone: one overwrote the other);
//! * a note added in the second of a note just deleted, its reply lost, is
//!   on the server once (the read-back took the reused stamp for the
//!   deleted note's and sent the note again);
//! * two writers adding a contact's first note at once keep both (an RFC
//!   6902 `add` of the absent `notes` replaced the other's);
//! * a create whose reply is lost is found by the origin tag rolo sent,
//!   never taken for a look-alike another rolo made a moment before (the
//!   read-back took any contact with the same names and email).

use rolo::client::Client;
use rolo::model::{Note, Person};
use rolo::outbox::{Op, new_local_id};
use rolo::store::Store;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::backends::{self, Fake};
use support::fake_rhythm::{FakeRhythm, TENANT};
use support::faults::Fault;

async fn fake() -> FakeRhythm {
    backends::rhythm().await
}

/// A remote client over `fake` with its cache in `dir`, synced.
async fn client(fake: &FakeRhythm, dir: &tempfile::TempDir) -> (Client, std::path::PathBuf) {
    let cache = dir.path().join("cache.sqlite");
    let store = Store::open(&cache).unwrap();
    let client = Client::remote(fake.backend(fake.base_url()), Arc::new(Mutex::new(store)));
    let report = client.sync(&mut |_, _| {}).await;
    assert_eq!(report.error, None, "{report:?}");
    (client, cache)
}

fn notes_text(fake: &FakeRhythm, id: &str) -> String {
    fake.raw(id).unwrap()["notes"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_contacts_noted_in_the_same_second_keep_their_own_notes() {
    let fake = fake().await;
    let stamp = "[2026-04-04 15:07:31 UTC]";
    let ames = fake.seed(json!({"first_name": "Ann", "last_name": "Ames",
        "notes": format!("Met at the expo.\n\n{stamp} Called Ames")}));
    let baker = fake.seed(json!({"first_name": "Bo", "last_name": "Baker",
        "notes": format!("Met online.\n\n{stamp} Called Baker")}));
    let dir = tempfile::tempdir().unwrap();
    let (client, cache) = client(&fake, &dir).await;
    for id in [&ames, &baker] {
        client.load_detail(id).await.unwrap();
    }
    let store = Store::open(&cache).unwrap();
    for (id, name, met) in [(&ames, "Ames", "expo"), (&baker, "Baker", "online")] {
        let mut texts: Vec<String> = store
            .notes_for(id)
            .unwrap()
            .into_iter()
            .map(|n| n.text)
            .collect();
        texts.sort();
        assert_eq!(
            texts,
            [
                format!("Called {name}"),
                format!("Met {}.", met.replace("expo", "at the expo"))
            ],
            "{name}'s own notes, both"
        );
    }
    // Read again from the cache (fresh, no request): still each their own.
    let (_, notes) = client.load_detail(&ames).await.unwrap();
    assert!(notes.iter().all(|n| n.person_id == ames), "{notes:?}");
    assert_eq!(notes.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_in_the_second_of_a_deleted_one_lands_once_when_its_reply_is_lost() {
    let fake = fake().await;
    let id = fake.seed(json!({"first_name": "Ann", "last_name": "Ames"}));
    let dir = tempfile::tempdir().unwrap();
    let (client, cache) = client(&fake, &dir).await;
    // Added, deleted, and another added, all within one second (as a quick
    // user or a script does): the second note gets the first one's stamp.
    let first = new_local_id();
    {
        let mut store = Store::open(&cache).unwrap();
        let note = |local: &str, text: &str, at: &str| Op::CreateNote {
            person_id: id.clone(),
            note: Note {
                id: local.to_string(),
                person_id: id.clone(),
                text: text.into(),
                created_at: Some(at.into()),
                ..Default::default()
            },
        };
        store
            .enqueue(&note(&first, "Wrong contact", "2026-04-04T15:07:31.100Z"))
            .unwrap();
        store
            .enqueue(&Op::DeleteNote {
                person_id: id.clone(),
                note_id: first.clone(),
            })
            .unwrap();
        store
            .enqueue(&note(
                &new_local_id(),
                "Called, no answer",
                "2026-04-04T15:07:31.900Z",
            ))
            .unwrap();
    }
    // The third write (the second note) is applied, its reply lost.
    let path = format!("/contacts/{TENANT}/{id}");
    fake.inject(Some("PATCH"), Some(&path), Fault::Pass, 2);
    fake.inject(Some("PATCH"), Some(&path), Fault::DropAfterApply, 1);
    for _ in 0..3 {
        client.flush().await;
    }
    assert_eq!(
        notes_text(&fake, &id),
        "[2026-04-04 15:07:31 UTC] Called, no answer",
        "the note once, at the freed stamp"
    );
    assert_eq!(fake.recorder.count("PATCH", &path), 3, "nothing sent again");
    assert_eq!(client.queued().await.unwrap().len(), 0);
    let cached = Store::open(&cache).unwrap().notes_for(&id).unwrap();
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert_eq!(cached[0].id, "2026-04-04T15:07:31Z");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_adding_the_first_note_at_once_keep_both() {
    let fake = fake().await;
    let id = fake.seed(json!({"first_name": "Ann", "last_name": "Ames"}));
    // Each request waits, so both writers read the contact (no notes yet)
    // before either writes.
    fake.recorder.set_latency(Duration::from_millis(150));
    let (a, b) = (fake.backend(fake.base_url()), fake.backend(fake.base_url()));
    let note = |text: &str, at: &str| Note {
        text: text.into(),
        created_at: Some(at.into()),
        ..Default::default()
    };
    let (na, nb) = (
        note("From the TUI", "2026-04-04T15:07:31Z"),
        note("From the mail client", "2026-04-04T15:07:31Z"),
    );
    let (ra, rb) = tokio::join!(a.create_note(&id, &na), b.create_note(&id, &nb));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_ne!(ra.id, rb.id, "two notes, two ids");
    let mut texts: Vec<String> = a
        .list_notes(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        ["From the TUI", "From the mail client"],
        "{:?}",
        notes_text(&fake, &id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_reply_finds_its_own_contact_not_another_rolos_look_alike() {
    let fake = fake().await;
    // Another rolo (its own cache, so ours cannot know) just made the same
    // person: same names, same email.
    let theirs = fake.seed(json!({"first_name": "Nia", "last_name": "Ames",
        "email_address": "nia@ames.co", "origin_service": "rolo",
        "origin_service_record_id": "0b7e2d4c-0000-4000-8000-000000000001"}));
    let path = format!("/contacts/{TENANT}");
    fake.inject(Some("POST"), Some(&path), Fault::DropAfterApply, 1);
    let ours = "5f1c9a3e-0000-4000-8000-000000000002";
    let created = fake
        .backend(fake.base_url())
        .create_person(&Person {
            // The id the outbox chose for the op.
            id: ours.into(),
            given_name: "Nia".into(),
            family_name: "Ames".into(),
            emails: vec!["nia@ames.co".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_ne!(created.id, theirs, "the other rolo's contact is not ours");
    assert_eq!(fake.contacts_count(), 2, "one made, none sent again");
    assert_eq!(fake.recorder.count("POST", &path), 1);
    let raw = fake.raw(&created.id).unwrap();
    assert_eq!(
        (&raw["origin_service"], &raw["origin_service_record_id"]),
        (&json!("rolo"), &json!(ours)),
        "the create carries the op's id"
    );
}
