//! `rolo duplicates` on the local workspace and on a remote profile's
//! cache (the fake stopped): groups best first with scores, reasons, ids
//! and names, text and JSON; exit 1 when none (as `rolo query`); hostile
//! text never printed raw; pairs marked "not a duplicate" stay away.

use crate::sandbox;
use rolo::model::{Person, PersonWithNotes, Phone};
use serde_json::Value;
use support::backends::{self, with_profile};
use support::output::{json, ok, stderr, stdout};
use support::sandbox::Sandbox;

fn person(id: &str, given: &str, family: &str, emails: &[&str], company: &str) -> Person {
    Person {
        id: id.into(),
        given_name: given.into(),
        family_name: family.into(),
        emails: emails.iter().map(|e| e.to_string()).collect(),
        company: company.into(),
        ..Default::default()
    }
}

/// Zoë three times (a Gmail address written two ways, an initial at the
/// same company), Ann twice by phone (national and international), one
/// with a hostile name, and two strangers.
fn local_db(sb: &Sandbox) -> String {
    let path = sb.path("people.sqlite");
    let mut store = rolo::store::Store::open(&path).unwrap();
    let mut ann = person("ann1", "Ann", "Lee", &[], "");
    ann.phones = vec![Phone {
        number: "(415) 555-0132".into(),
        kind: "mobile".into(),
    }];
    let mut ann2 = person("ann2", "An\x1b[31mn", "Le\u{202e}e", &[], "");
    ann2.phones = vec![Phone {
        number: "+1 415 555 0132".into(),
        kind: String::new(),
    }];
    let people = [
        person(
            "z1",
            "Zoë",
            "Évaluateur",
            &["zoe.evaluateur@gmail.com"],
            "Acme B.V.",
        ),
        person(
            "z2",
            "",
            "Evaluateur, Zoe",
            &["ZoeEvaluateur+crm@gmail.com"],
            "",
        ),
        person("z3", "Z.", "Evaluateur", &[], "ACME"),
        ann,
        ann2,
        person("s1", "Bob", "Stranger", &["bob@example.com"], "Globex"),
        person("s2", "Bea", "Stranger", &["bea@example.com"], "Globex"),
    ];
    let people: Vec<PersonWithNotes> = people
        .into_iter()
        .map(|person| PersonWithNotes {
            person,
            notes: vec![],
        })
        .collect();
    store.import(&people).unwrap();
    path.display().to_string()
}

#[test]
fn duplicates_lists_groups_best_first_in_text_and_json() {
    let sb = sandbox();
    let db = local_db(&sb);
    let run = |args: &[&str]| {
        let mut full = vec!["--db", db.as_str(), "duplicates"];
        full.extend_from_slice(args);
        sb.run(&full)
    };
    let out = ok(run(&["--format", "json", "--region", "US"]));
    let groups = json(&out);
    let groups = groups.as_array().unwrap();
    assert_eq!(groups.len(), 2, "{groups:#?}");
    let ids = |g: &Value| -> Vec<String> {
        let mut ids: Vec<String> = g["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // Best first: the same email (90) before the same phone (80).
    assert_eq!(ids(&groups[0]), ["z1", "z2", "z3"]);
    assert_eq!(groups[0]["score"], 90);
    assert_eq!(
        groups[0]["reasons"],
        serde_json::json!(["same_email", "similar_name_same_company"])
    );
    assert_eq!(ids(&groups[1]), ["ann1", "ann2"]);
    assert_eq!(groups[1]["score"], 80);
    assert_eq!(groups[1]["reasons"], serde_json::json!(["same_phone"]));
    let raw = stdout(&out);
    assert!(
        !raw.contains('\x1b') && !raw.contains('\u{202e}'),
        "{raw:?}"
    );
    assert!(raw.contains("An\\u001b[31mn"), "escaped, not lost: {raw}");
    let z1 = groups[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "z1")
        .unwrap();
    assert_eq!(z1["name"], "Zoë Évaluateur");
    assert_eq!(z1["company"], "Acme B.V.");
    // Each pair says why it is there.
    let pairs = groups[0]["pairs"].as_array().unwrap();
    assert!(pairs.iter().any(|p| p["a"] == "z1"
        && p["b"] == "z2"
        && p["reasons"] == serde_json::json!(["same_email"])));

    // Text: a line per group, a line per member; no escape reaches stdout.
    let out = ok(run(&[]));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "rolo: 2 groups of possible duplicates, best first"
    );
    assert_eq!(
        lines[1],
        "group 1  score 90  same email; similar name, same company"
    );
    assert!(lines[2..5].iter().all(|l| l.starts_with("  z")), "{text}");
    assert_eq!(lines[5], "group 2  score 80  same phone");
    assert!(
        !text.contains('\x1b') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("  z1\tZoë Évaluateur\tzoe.evaluateur@gmail.com\tAcme B.V."));

    // The strangers at one company are no group; a bad region is usage.
    assert!(!text.contains("Stranger"), "{text}");
    let out = run(&["--region", "Netherlands"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("two-letter"), "{}", stderr(&out));
}

#[test]
fn a_pair_marked_not_a_duplicate_stays_away_and_none_left_is_exit_1() {
    let sb = sandbox();
    let db = local_db(&sb);
    let run = |args: &[&str]| {
        let mut full = vec!["--db", db.as_str(), "duplicates"];
        full.extend_from_slice(args);
        sb.run(&full)
    };
    let store = rolo::store::Store::open(std::path::Path::new(&db)).unwrap();
    store
        .mark_not_duplicates(&["ann1".into(), "ann2".into()])
        .unwrap();
    store
        .mark_not_duplicates(&["z1".into(), "z2".into(), "z3".into()])
        .unwrap();
    drop(store);
    let out = run(&["--region", "US"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "rolo: no duplicates found\n");
    assert_eq!(stderr(&out), "");
    let out = run(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out), serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_reads_a_remote_profiles_cache_offline() {
    let fake = backends::rogerroger().await;
    fake.seed_many(2);
    let sb = with_profile(sandbox(), &fake, "crm", 6000);
    let run = |args: Vec<&'static str>| {
        let mut c = sb.cmd(&args);
        tokio::task::spawn_blocking(move || c.output().unwrap())
    };
    ok(run(vec!["sync"]).await.unwrap());
    let out = run(vec!["duplicates"]).await.unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for (given, email) in [("Mia", "mia.berg@acme.nl"), ("Mia", "MIA.BERG@ACME.NL")] {
        let out = run(vec![
            "add",
            "--given-name",
            given,
            "--family-name",
            "Berg",
            "--email",
            email,
        ])
        .await
        .unwrap();
        ok(out);
    }
    ok(run(vec!["sync"]).await.unwrap());
    // The server is gone: the answer is the cache's.
    drop(fake);
    let out = ok(run(vec!["duplicates", "--format", "json"]).await.unwrap());
    let groups = json(&out);
    assert_eq!(groups.as_array().unwrap().len(), 1, "{groups:#}");
    assert_eq!(
        groups[0]["reasons"],
        serde_json::json!(["same_email", "same_name_same_domain"])
    );
    let names: Vec<&str> = groups[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Mia Berg", "Mia Berg"]);
}
