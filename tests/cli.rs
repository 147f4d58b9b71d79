//! The scriptable CLI, run as the real binary: the demo workspace and a
//! RogerRoger profile against the fake server, with the same JSON shape,
//! exit codes by error kind, and secrets kept out of every output.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use support::fake_rogerroger::{API_KEY, FakeRogerRoger};

/// A private HOME with XDG directories, and the binary run inside it.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn config(&self, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path("config/rolo/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rolo"));
        let home = self.dir.path();
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"));
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

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
    let sb = Sandbox::new();
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
    let sb = Sandbox::new();
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
    let sb = Sandbox::new();
    let code = |o: &Output| o.status.code().unwrap();
    assert_eq!(code(&sb.run(&["show", "no-such-id"])), 3);
    assert_eq!(
        code(&sb.run(&["add", "--given-name", "X"])),
        2,
        "missing required flag"
    );
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
    let sb = Sandbox::new();
    rr_config(&sb, &fake.base_url);
    let run = |args: Vec<&'static str>, key: &'static str| {
        let mut c = sb.cmd(&args);
        c.env("ROLO_TEST_RR_KEY", key);
        c
    };
    let out = tokio::task::spawn_blocking({
        let mut c = run(vec!["--profile", "rr", "list", "--format", "json"], API_KEY);
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
        let mut c = run(vec!["--profile", "rr", "list"], "wrong-secret-value");
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
    let sb = Sandbox::new();
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
    let sb = Sandbox::new();
    rr_config(&sb, "http://127.0.0.1:9");
    let out = sb.run(&["--profile", "rr", "list"]);
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
    let sb = Sandbox::new();
    rr_config(&sb, &fake.base_url);
    let out = run_async(&sb, &["--profile", "rr", "sync"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("fetched 2 people"),
        "{}",
        stdout(&out)
    );

    // The server is out of reach: both edits are queued, exit 5 says so.
    rr_config(&sb, "http://127.0.0.1:9");
    for (id, value) in [(&ids[0], "Mine"), (&ids[1], "Quiet")] {
        let set = format!("jobTitle={value}");
        let out = run_async(&sb, &["--profile", "rr", "edit", id, "--set", &set]).await;
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(stderr(&out).contains("queued"), "{}", stderr(&out));
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
    let sb = Sandbox::new();
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
