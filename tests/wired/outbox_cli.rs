//! A refused change and what waits behind it, through the real binary
//! against the RogerRoger fake: the command that queued each says so (and
//! exits non-zero), `rolo sync` keeps failing while the refusal stands,
//! `rolo outbox list` shows both with the server's words, and dropping the
//! refusal lets the later change through.

use crate::sandbox;
use serde_json::Value;
use std::process::Output;
use support::backends;
use support::fake_rogerroger::FakeRogerRoger;
use support::sandbox::Sandbox;

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

async fn start() -> (FakeRogerRoger, Sandbox, Vec<String>) {
    let fake = FakeRogerRoger::start().await;
    let ids = fake.seed_many(3);
    let home = backends::with_profile(sandbox(), &fake, "rr", 6000);
    let out = home.run_async(&["sync"]).await;
    assert!(out.status.success(), "{}", err(&out));
    (fake, home, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_holds_up_the_persons_later_changes_visibly_until_dropped() {
    let (fake, home, ids) = start().await;
    let id = &ids[0];
    let long = format!("familyName={}", "X".repeat(300));
    let out = home.run_async(&["edit", id, "--set", &long]).await;
    assert_eq!(out.status.code(), Some(4), "{}", err(&out));
    assert!(err(&out).contains("refused"), "{}", err(&out));
    assert!(
        err(&out).contains("255 characters"),
        "the server's words: {}",
        err(&out)
    );
    assert!(err(&out).contains("rolo outbox"), "{}", err(&out));

    // The next edit of that person must not pretend to have been sent.
    let out = home.run_async(&["edit", id, "--set", "jobTitle=CEO"]).await;
    assert_eq!(out.status.code(), Some(4), "{}", err(&out));
    assert!(err(&out).contains("waits behind #"), "{}", err(&out));
    assert_eq!(fake.raw(id).unwrap()["jobTitle"], Value::Null, "not sent");

    // Another person is not held up.
    let out = home
        .run_async(&["edit", &ids[1], "--set", "jobTitle=Free"])
        .await;
    assert!(out.status.success(), "{}", err(&out));
    assert_eq!(fake.raw(&ids[1]).unwrap()["jobTitle"], "Free");

    let out = home.run_async(&["sync"]).await;
    assert_eq!(
        out.status.code(),
        Some(4),
        "sync is not a success: {}",
        err(&out)
    );
    assert!(err(&out).contains("refused"), "{}", err(&out));

    let out = home
        .run_async(&["outbox", "list", "--format", "json"])
        .await;
    assert!(out.status.success(), "{}", err(&out));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["state"], "refused");
    assert_eq!(list[0]["personId"], id.as_str());
    assert_eq!(list[0]["changes"], serde_json::json!(["familyName"]));
    assert!(
        list[0]["error"].as_str().unwrap().contains("255"),
        "{list:?}"
    );
    assert!(
        list[0]["queuedAt"]
            .as_str()
            .is_some_and(|t| t.starts_with("20"))
    );
    assert_eq!(list[1]["state"], "blocked");
    assert_eq!(list[1]["behind"], list[0]["seq"]);
    let table = home.run_async(&["outbox", "list"]).await;
    let table = String::from_utf8_lossy(&table.stdout).to_string();
    assert!(table.contains("blocked by #"), "{table}");

    let seq = list[0]["seq"].as_i64().unwrap().to_string();
    let out = home.run_async(&["outbox", "drop", &seq]).await;
    assert!(out.status.success(), "{}", err(&out));
    let out = home.run_async(&["sync"]).await;
    assert!(out.status.success(), "{}", err(&out));
    let raw = fake.raw(id).unwrap();
    assert_eq!(raw["jobTitle"], "CEO", "the held-up edit went through");
    assert_eq!(raw["familyName"], "Family00000", "the refused one did not");
    let out = home
        .run_async(&["outbox", "list", "--format", "json"])
        .await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tag_is_refused_when_asked_and_the_note_goes_through() {
    let (fake, home, ids) = start().await;
    let id = &ids[2];
    // A tag name the server does not have is refused before anything is
    // queued (issue #7), so nothing waits behind it.
    let out = home
        .run_async(&["edit", id, "--set", "tags=no-such-tag"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", err(&out));
    assert!(err(&out).contains("no tag named"), "{}", err(&out));
    let out = home
        .run_async(&["outbox", "list", "--format", "json"])
        .await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let out = home
        .run_async(&[
            "note",
            "add",
            id,
            "--text",
            "Called, no answer",
            "--category",
            "Call",
        ])
        .await;
    assert!(out.status.success(), "{}", err(&out));
    assert_eq!(fake.raw_notes(id).len(), 1, "the note reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retrying_a_refused_change_unchanged_is_refused_again() {
    let (_fake, home, ids) = start().await;
    let id = &ids[1];
    let long = "x".repeat(300);
    let out = home
        .run_async(&["edit", id, "--set", &format!("familyName={long}")])
        .await;
    assert_eq!(out.status.code(), Some(4), "{}", err(&out));
    let out = home
        .run_async(&["outbox", "list", "--format", "json"])
        .await;
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let seq = list[0]["seq"].as_i64().unwrap().to_string();
    let out = home.run_async(&["outbox", "retry", &seq]).await;
    assert_eq!(out.status.code(), Some(4), "{}", err(&out));
    let out = home.run_async(&["outbox", "drop", &seq]).await;
    assert!(out.status.success(), "{}", err(&out));
    let out = home.run_async(&["sync"]).await;
    assert!(out.status.success(), "{}", err(&out));
}
