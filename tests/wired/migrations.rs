//! Databases made by an earlier release open in this one with nothing lost.
//!
//! The fixtures in `tests/fixtures/` were written by the release before
//! versioned migrations (schema without `user_version`): a local workspace
//! with two people, tags, a custom field and a note, and a RogerRoger cache
//! holding one create queued offline.

use rolo::store::{SCHEMA_VERSION, Store};
use std::path::{Path, PathBuf};

fn copy_fixture(name: &str, dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let to = dir.join(name);
    std::fs::copy(&from, &to).expect("copy fixture");
    to
}

fn user_version(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_local_workspace_from_the_previous_release_migrates_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("v0-local.sqlite", dir.path());
    assert_eq!(user_version(&path), 0, "fixture predates migrations");

    let store = Store::open(&path).expect("old database opens");
    assert_eq!(store.count_people().unwrap(), 2);
    let summaries = store.load_summaries().unwrap();
    let muller = summaries
        .iter()
        .find(|s| s.family_name == "Müller")
        .expect("Müller kept");
    let person = store.get_person(&muller.id).unwrap().expect("full record");
    assert_eq!(person.given_name, "Jürgen");
    assert_eq!(person.emails, ["j@mueller.de"]);
    assert_eq!(person.phones[0].number, "+49 30 1234567");
    assert_eq!(person.company, "Acme GmbH");
    assert_eq!(person.job_title, "CTO");
    assert_eq!(person.tags, ["vip", "customer"]);
    assert_eq!(person.custom_fields["tier"], "gold");
    let notes = store.notes_for(&muller.id).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].title, "Call");
    assert_eq!(notes[0].text, "Wants 40 seats; call back in März");
    drop(store);

    assert_eq!(user_version(&path), SCHEMA_VERSION);
    // Opening again is a no-op: same content, same version.
    let again = Store::open(&path).unwrap();
    assert_eq!(again.count_people().unwrap(), 2);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}

#[test]
fn a_cache_with_a_queued_write_from_the_previous_release_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("v0-rogerroger-cache.sqlite", dir.path());
    let store = Store::open(&path).expect("old cache opens");
    let queued = store.queued().unwrap();
    assert_eq!(queued.len(), 1, "the offline create is still queued");
    let rolo::outbox::Op::CreatePerson { person } = &queued[0].op else {
        panic!("expected the queued create, got {:?}", queued[0].op)
    };
    assert_eq!(person.family_name, "Offline");
    assert_eq!(person.emails, ["olga@example.com"]);
    assert_eq!(store.count_people().unwrap(), 1, "its cached copy too");
    drop(store);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}

#[test]
fn a_database_from_a_newer_rolo_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("v0-local.sqlite", dir.path());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
            .unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    assert!(err.to_string().contains("newer rolo"), "{err}");
    assert_eq!(user_version(&path), SCHEMA_VERSION + 5);
}
