//! The CLI's reads come from the store: `list`, `show`, `note list` and
//! `query` on the local workspace and on each remote fake, answered from
//! the cache with the fake stopped; `--refresh` asks the server and fails
//! when it cannot; a stale cache says so; a write made offline is queued
//! (exit 0) and read back at once, from the cache and its address index.

use crate::sandbox;
use rolo::model::{Person, PersonWithNotes};
use std::process::Output;
use support::backends::{self, Fake, profile_toml, with_profile};
use support::output::{json, ok, stderr, stdout};
use support::sandbox::Sandbox;

fn person(id: &str, given: &str, family: &str, emails: &[&str], company: &str) -> PersonWithNotes {
    PersonWithNotes {
        person: Person {
            id: id.into(),
            given_name: given.into(),
            family_name: family.into(),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            company: company.into(),
            ..Default::default()
        },
        notes: vec![],
    }
}

/// A local database of a few people, one archived.
fn local_db(sb: &Sandbox) -> String {
    let path = sb.path("people.sqlite");
    let mut store = rolo::store::Store::open(&path).unwrap();
    let mut archived = person("p4", "Old", "Archived", &["old@acme.es"], "Acme");
    archived.person.archived = true;
    store
        .import(&[
            person(
                "p1",
                "José",
                "Núñez",
                &["jose@acme.es", "jn@home.es"],
                "Acmé",
            ),
            person("p2", "Anna", "Smith", &["anna@example.com"], "Globex"),
            person("p3", "Ann", "Baker", &["ann.baker@example.com"], "Tab\tCo"),
            archived,
        ])
        .unwrap();
    path.display().to_string()
}

#[test]
fn query_answers_mutt_and_aerc_from_the_local_workspace() {
    let sb = sandbox();
    let db = local_db(&sb);
    let run = |args: &[&str]| {
        let mut full = vec!["--db", db.as_str()];
        full.extend_from_slice(args);
        sb.run(&full)
    };
    // mutt: a first line, then email TAB name TAB company; accents folded.
    let out = ok(run(&["query", "jose"]));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "rolo: 2 addresses matching 'jose'");
    assert_eq!(
        &lines[1..],
        [
            "jose@acme.es\tJosé Núñez\tAcmé",
            "jn@home.es\tJosé Núñez\tAcmé"
        ],
        "the address matching twice first"
    );
    // By company, by the start of a word, case ignored; a tab in a field
    // never splits the line.
    let out = ok(run(&["query", "TAB"]));
    assert_eq!(
        stdout(&out).lines().nth(1),
        Some("ann.baker@example.com\tAnn Baker\tTab Co")
    );
    // Fuzzy when no word starts with it.
    let out = ok(run(&["query", "asmth"]));
    assert_eq!(
        stdout(&out).lines().nth(1).unwrap().split('\t').next(),
        Some("anna@example.com")
    );
    // aerc: no header, email TAB name.
    let out = ok(run(&["query", "--format", "aerc", "ann"]));
    let mut lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "ann.baker@example.com\tAnn Baker",
            "anna@example.com\tAnna Smith"
        ]
    );
    // Nothing: exit 1 and the first line says so (mutt shows it).
    let out = run(&["query", "zzzz"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "rolo: no address matches 'zzzz'\n");
    assert_eq!(stderr(&out), "");
    let out = run(&["query", "--format", "aerc", "zzzz"]);
    assert_eq!(stdout(&out), "");
    // Archived people only when asked.
    assert_eq!(run(&["query", "old"]).status.code(), Some(1));
    assert_eq!(
        stdout(&ok(run(&["query", "--archived", "old"])))
            .lines()
            .count(),
        2
    );
}

#[test]
fn list_streams_everyone_in_order_and_archived_when_asked() {
    let sb = sandbox();
    let db = local_db(&sb);
    let run = |args: &[&str]| {
        let mut full = vec!["--db", db.as_str()];
        full.extend_from_slice(args);
        ok(sb.run(&full))
    };
    let ids = |o: &Output| -> Vec<String> {
        json(o)
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&run(&["list", "--format", "json"])), ["p3", "p1", "p2"]);
    assert_eq!(
        ids(&run(&["list", "--format", "json", "--archived"])),
        ["p4", "p3", "p1", "p2"]
    );
    assert_eq!(
        ids(&run(&["list", "--format", "json", "--limit", "1"])),
        ["p3"]
    );
    assert_eq!(
        ids(&run(&["list", "--format", "json", "--query", "smith"])),
        ["p2"]
    );
    let csv = stdout(&run(&["list", "--format", "csv"]));
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(
        csv.starts_with("id,givenName,familyName,displayName,"),
        "{csv}"
    );
    // The local workspace has no cache to call stale.
    assert_eq!(stderr(&run(&["list"])), "");
}

/// Seed three people, sync, read one from the server, stop the fake; then
/// every read answers from the cache.
async fn reads_come_from_the_cache_with_the_server_stopped<F: Fake>(fake: F, seed: fn(&F)) {
    seed(&fake);
    let sb = with_profile(sandbox(), &fake, "crm", 6000);
    let stale_config = profile_toml(&fake, "crm", 6000) + "stale_after_minutes = 0\n";
    let run = |args: &'static [&'static str]| sb.run_async(args);
    let out = ok(run(&["list"]).await);
    assert!(stderr(&out).contains("never synced"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    ok(run(&["sync"]).await);
    let listed = json(&ok(run(&["list", "--format", "json"]).await));
    let people = listed.as_array().unwrap().clone();
    assert_eq!(people.len(), 3, "{listed}");
    let id = people[0]["id"].as_str().unwrap().to_string();
    let email = people[0]["emails"][0].as_str().unwrap().to_string();
    let args = |a: &[&str]| -> Vec<String> { a.iter().map(|s| s.to_string()).collect() };
    let run_owned = |a: Vec<String>| {
        let mut c = sb.cmd(&a.iter().map(String::as_str).collect::<Vec<_>>());
        tokio::task::spawn_blocking(move || c.output().unwrap())
    };
    ok(run_owned(args(&["show", &id, "--refresh"])).await.unwrap());
    // The server is gone from here on: every read below is the cache's.
    drop(fake);

    // Offline: the same people, exit 0, nothing on stderr.
    let out = ok(run(&["list", "--format", "json"]).await);
    assert_eq!(json(&out), listed);
    assert_eq!(stderr(&out), "");
    let csv = stdout(&ok(run(&["list", "--format", "csv"]).await));
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let shown = json(&ok(run_owned(args(&["show", &id, "--format", "json"]))
        .await
        .unwrap()));
    assert_eq!(shown["id"], id.as_str());
    ok(run_owned(args(&["note", "list", &id])).await.unwrap());
    let out = ok(run_owned(args(&["query", "--format", "aerc", &email]))
        .await
        .unwrap());
    assert_eq!(
        stdout(&out).lines().next().unwrap().split('\t').next(),
        Some(email.as_str())
    );
    // A person the cache lacks is not looked up on the network.
    let out = run(&["show", "no-such-person"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("--refresh"), "{}", stderr(&out));
    // --refresh needs the server: exit 5, and it says what to do.
    let out = run(&["list", "--refresh"]).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not refresh"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
    // A write made offline is queued, exits 0, and reads see it at once.
    let out = run_owned(args(&["edit", &id, "--set", "familyName=Zwölfer"]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("queued: will be sent by rolo sync or the next start"),
        "{}",
        stderr(&out)
    );
    let out = ok(run(&["query", "zwolfer"]).await);
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    // Older than the profile allows: said on stderr (list) or on mutt's line.
    sb.write_config(&stale_config);
    let out = ok(run(&["list"]).await);
    assert!(
        stderr(&out).contains("the cache was last synced"),
        "{}",
        stderr(&out)
    );
    let out = ok(run(&["query", "zwolfer"]).await);
    assert!(stdout(&out).lines().next().unwrap().contains("last synced"));
    assert_eq!(stderr(&out), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rogerroger_reads_come_from_the_cache_offline() {
    reads_come_from_the_cache_with_the_server_stopped(backends::rogerroger().await, |f| {
        f.seed_many(3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introzy_reads_come_from_the_cache_offline() {
    reads_come_from_the_cache_with_the_server_stopped(backends::introzy().await, |f| {
        f.seed_many(3)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rhythm_reads_come_from_the_cache_offline() {
    reads_come_from_the_cache_with_the_server_stopped(backends::rhythm().await, |f| f.seed_many(3))
        .await;
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line() {
    let sb = sandbox();
    for (shell, says) in [
        ("bash", "complete -F _rolo"),
        ("zsh", "#compdef rolo"),
        ("fish", "complete -c rolo"),
    ] {
        let out = ok(sb.run(&["completions", shell]));
        let script = stdout(&out);
        assert!(script.contains(says), "{shell}: {script}");
        // Commands and their flags, global ones included.
        for word in ["query", "list", "refresh", "profile"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let page = stdout(&ok(sb.run(&["man"])));
    assert!(page.contains(".TH rolo 1"), "{page}");
    assert!(page.contains("query"), "{page}");
    // No workspace was opened for them: no database appeared.
    assert!(!sb.demo_db().exists());
    let dir = sb.path("man");
    ok(sb.run(&["man", "--dir", dir.to_str().unwrap()]));
    assert!(dir.join("rolo.1").exists());
    assert!(dir.join("rolo-query.1").exists());
    assert_eq!(sb.run(&["completions", "tcsh"]).status.code(), Some(2));
}

/// Reads never need the secret: with the profile's key command failing
/// (and leaving a marker when run), cached `list`, `show`, `note list` and
/// `query` answer and never run it; so with the key variable unset. A
/// write is queued (exit 0) and says why it was not sent; `rolo sync`
/// fails as authentication (6), naming the profile; with the key back,
/// the queued edit reaches the server.
async fn reads_never_need_the_secret<F: Fake>(fake: F, seed: fn(&F)) {
    seed(&fake);
    let sb = with_profile(sandbox(), &fake, "crm", 6000);
    let good = profile_toml(&fake, "crm", 6000);
    let key_line = format!("api_key_env = \"{}\"\n", backends::KEY_ENV);
    assert!(good.contains(&key_line), "{good}");
    let marker = sb.path("secret-command-ran");
    let failing = good.replace(
        &key_line,
        &format!("api_key_cmd = \"touch '{}'; exit 1\"\n", marker.display()),
    );
    let unset = good.replace(&key_line, "api_key_env = \"ROLO_TEST_NO_SUCH_KEY\"\n");
    let run = |args: Vec<String>| {
        let mut c = sb.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>());
        tokio::task::spawn_blocking(move || c.output().unwrap())
    };
    let args = |a: &[&str]| -> Vec<String> { a.iter().map(|s| s.to_string()).collect() };
    ok(run(args(&["sync"])).await.unwrap());
    let listed = json(&ok(run(args(&["list", "--format", "json"])).await.unwrap()));
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let email = listed[0]["emails"][0].as_str().unwrap().to_string();

    for config in [&failing, &unset] {
        sb.write_config(config);
        for read in [
            args(&["list", "--format", "json"]),
            args(&["show", &id]),
            args(&["note", "list", &id]),
            args(&["query", &email]),
        ] {
            let out = run(read.clone()).await.unwrap();
            assert!(out.status.success(), "{read:?}: {}", stderr(&out));
            // (The seeded people have no notes.)
            assert!(read[0] == "note" || !stdout(&out).is_empty(), "{read:?}");
        }
        assert_eq!(
            json(&ok(run(args(&["list", "--format", "json"])).await.unwrap())),
            listed
        );
        assert!(!marker.exists(), "a cached read ran the secret command");
    }

    // A write: queued, exit 0, and it says the key could not be read.
    sb.write_config(&failing);
    let out = run(args(&["edit", &id, "--set", "familyName=Keyless"]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("queued: will be sent by rolo sync or the next start"),
        "{err}"
    );
    assert!(
        err.contains("profile 'crm'") && err.contains("the secret command exited with"),
        "{err}"
    );
    assert!(marker.exists(), "a write reads the secret to send");
    // The flush: exit 6 (authentication), the profile and the cause named.
    let out = run(args(&["sync"])).await.unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("profile 'crm'"), "{err}");
    assert!(err.contains("the secret command exited with"), "{err}");
    sb.write_config(&unset);
    let out = run(args(&["sync"])).await.unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("environment variable ROLO_TEST_NO_SUCH_KEY is not set"),
        "{}",
        stderr(&out)
    );
    let queued = json(&ok(run(args(&["outbox", "list", "--format", "json"]))
        .await
        .unwrap()));
    assert_eq!(queued.as_array().unwrap().len(), 1, "{queued}");
    // The key back: the edit is sent, nothing lost.
    sb.write_config(&good);
    ok(run(args(&["sync"])).await.unwrap());
    let shown = json(&ok(run(args(&[
        "show",
        &id,
        "--refresh",
        "--format",
        "json",
    ]))
    .await
    .unwrap()));
    assert_eq!(shown["familyName"], "Keyless", "{shown}");
    let queued = json(&ok(run(args(&["outbox", "list", "--format", "json"]))
        .await
        .unwrap()));
    assert_eq!(queued, serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rogerroger_reads_never_need_the_secret() {
    reads_never_need_the_secret(backends::rogerroger().await, |f| {
        f.seed_many(2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introzy_reads_never_need_the_secret() {
    reads_never_need_the_secret(backends::introzy().await, |f| {
        f.seed_many(2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rhythm_reads_never_need_the_secret() {
    reads_never_need_the_secret(backends::rhythm().await, |f| {
        f.seed_many(2);
    })
    .await;
}
