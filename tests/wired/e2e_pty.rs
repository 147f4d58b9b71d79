//! End-to-end: the real `rolo` binary in a pseudo-terminal
//! ([`support::pty`]) with its own HOME and XDG directories
//! ([`support::sandbox`]) on the demo workspace: search, open, add a note,
//! quit, and the terminal restored; signals keep the draft; bad files fail
//! with clear messages.
//!
//! Every wait polls with a deadline; nothing sleeps for a fixed time.

use crate::sandbox;
use rolo::app::people::PeopleView;
use rolo::model::PersonWithNotes;
use rolo::store::Store;
use std::time::Duration;
use support::pty::{Session, TIMEOUT, eventually};
use support::sandbox::Sandbox;

/// `rolo` without a terminal (for start-up errors), stdin closed.
fn run_plain(home: &Sandbox) -> std::process::Output {
    home.cmd(&[])
        .env("TERM", "xterm-256color")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run rolo")
}

/// The status line counts the people once the list has loaded ("240 people").
fn people_loaded(screen: &str) -> bool {
    screen.match_indices(" people").any(|(at, _)| {
        let digits: String = screen[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<u64>().is_ok_and(|n| n > 0)
    })
}

/// A demo person and a part of their name that puts them first in the
/// list, found with the app's own search so the pick cannot drift.
struct Target {
    id: String,
    name: String,
    query: String,
}

fn demo_target() -> Target {
    let people: Vec<PersonWithNotes> =
        serde_json::from_str(rolo::workspace::DEMO_PEOPLE).expect("demo people parse");
    assert!(
        people.len() >= 10,
        "assets/demo/people.json holds {} people; the demo needs more",
        people.len()
    );
    let mut store = Store::open_in_memory().unwrap();
    store.import(&people).unwrap();
    let mut view = PeopleView::default();
    view.set_people(store.load_summaries().unwrap());
    // Prefer someone from the middle of the list, so the search matters.
    let mut candidates: Vec<_> = view.all.to_vec();
    let mid = candidates.len() / 2;
    candidates.rotate_left(mid);
    for p in candidates {
        let family: String = p.family_name.chars().collect();
        let given_part: String = p.given_name.chars().take(3).collect();
        if family.chars().count() < 4 || given_part.is_empty() || p.archived {
            continue;
        }
        let query = format!("{given_part} {family}");
        if !query.chars().all(|c| c.is_alphanumeric() || c == ' ') {
            continue;
        }
        view.set_query(&query);
        let top = view.visible_person(0).map(|p| p.id.clone());
        view.set_query("");
        if top.as_deref() == Some(p.id.as_str()) {
            return Target {
                id: p.id.to_string(),
                name: p.display_name.to_string(),
                query,
            };
        }
    }
    panic!("no demo person is found first by a part of their name");
}

/// Start, find the target, open them and start a note with `text` typed.
fn start_note(home: &Sandbox, cols: u16, rows: u16, target: &Target, text: &str) -> Session {
    let mut s = Session::start(home, cols, rows);
    s.wait_until("the demo workspace with its people loaded", |screen| {
        screen.contains("demo workspace") && people_loaded(screen)
    });
    s.assert_raw_mode();
    s.send("/");
    s.send(&target.query);
    s.wait_until("the search to find the target", |screen| {
        screen.contains(&target.query) && screen.contains(&target.name)
    });
    s.send("\r");
    s.send("l");
    // The detail pane is titled with the person once their record has
    // loaded, and the footer shows the detail keys once it has the focus.
    let title = format!("┌ {} ", target.name);
    s.wait_until("the detail pane of the target", |screen| {
        screen.contains(&title) && screen.contains("h back")
    });
    s.send("n");
    s.wait_for("New note");
    s.send(text);
    s.wait_for(text);
    s
}

fn search_open_note_quit(cols: u16, rows: u16) {
    let home = sandbox();
    let target = demo_target();
    let text = format!("Met at the {cols}x{rows} meetup");
    let mut s = start_note(&home, cols, rows, &target, &text);
    s.send("\x13"); // Ctrl-S
    s.wait_for("note saved");
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "rolo exited with {status:?}");
    s.assert_terminal_restored();

    let store = Store::open(&home.demo_db()).expect("demo db opens");
    let notes = store.notes_for(&target.id).unwrap();
    assert!(
        notes.iter().any(|n| n.text == text),
        "the note is stored for {} ({}): {notes:?}",
        target.name,
        target.id
    );
    assert!(
        !home.draft_file().exists(),
        "a saved note leaves no draft behind"
    );
}

#[test]
fn search_open_add_note_and_quit_100x30() {
    search_open_note_quit(100, 30);
}

#[test]
fn search_open_add_note_and_quit_80x24() {
    search_open_note_quit(80, 24);
}

fn signal_keeps_the_draft(sig: libc::c_int, cols: u16, rows: u16) {
    let home = sandbox();
    let target = demo_target();
    let text = format!("Unsent thoughts {sig}");
    let s = start_note(&home, cols, rows, &target, &text);
    s.signal(sig);
    let mut s = s;
    let status = s.wait_exit();
    assert_eq!(
        status.signal(),
        None,
        "rolo handles signal {sig} itself and exits ({status:?})"
    );
    s.assert_terminal_restored();

    let draft: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.draft_file()).expect("the drafts file exists"))
            .expect("the drafts file is JSON");
    assert_eq!(draft["text"], text.as_str());
    assert_eq!(draft["person_id"], target.id.as_str());
    drop(s);

    // The next start offers the draft back.
    let mut s = Session::start(&home, cols, rows);
    s.wait_for("unsaved note");
    s.send("y");
    s.wait_until("the restored note text in the editor", |screen| {
        screen.contains("Edit note") || screen.contains("New note")
    });
    s.wait_for(&text);
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_draft() {
    signal_keeps_the_draft(libc::SIGTERM, 100, 30);
}

#[test]
fn sighup_restores_the_terminal_and_keeps_the_draft() {
    signal_keeps_the_draft(libc::SIGHUP, 80, 24);
}

fn assert_no_panic(out: &std::process::Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "no panic text: {text}"
        );
    }
}

#[test]
fn corrupt_database_fails_with_a_clear_message() {
    let home = sandbox();
    let db = home.demo_db();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&db, &garbage).unwrap();

    let out = run_plain(&home);
    assert!(!out.status.success(), "rolo refuses a corrupt database");
    assert_no_panic(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("move it aside"), "stderr: {stderr}");
    assert!(
        stderr.contains(&*db.to_string_lossy()),
        "names the file: {stderr}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        garbage,
        "the damaged file is left as it was"
    );
}

#[test]
fn unknown_action_in_config_names_file_line_and_key() {
    let home = sandbox();
    let config = home.config_file();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "# my config\n[keys.normal]\n\"j\" = \"move_down\"\n\"x\" = \"fly_to_the_moon\"\n",
    )
    .unwrap();

    let out = run_plain(&home);
    assert!(!out.status.success(), "rolo refuses the config");
    assert_no_panic(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let file_line = format!("{}:4", config.display());
    assert!(stderr.contains(&file_line), "names {file_line}: {stderr}");
    assert!(stderr.contains("\"x\""), "names the key: {stderr}");
    assert!(
        stderr.contains("fly_to_the_moon"),
        "names the action: {stderr}"
    );
    assert!(
        !home.demo_db().exists(),
        "nothing is created before the config is valid"
    );
}

/// Issue #8, point 7: on a slow server, `j l n` and then a note typed at
/// once. The list has moved to Bob while his record is still on its way,
/// and the pane still shows Ada's note "Lunch". Every key after `n` is note
/// text: the `d` of "dad" must not ask to delete Ada's note, and the Enter
/// after it must not say yes to that.
#[test]
fn a_note_typed_while_a_slow_server_loads_the_person_is_note_text() {
    use support::fake_introzy::{API_KEY, FakeIntrozy};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeIntrozy::start());
    let ada = fake.seed(serde_json::json!({
        "firstName": "Ada", "lastName": "Aalders", "email": "ada@example.test"
    }));
    let bob = fake.seed(serde_json::json!({
        "firstName": "Bob", "lastName": "Brouwer", "email": "bob@example.test"
    }));
    fake.seed_note(&ada, "Lunch");
    let home = sandbox();
    let config = home.config_file();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "[profiles.iz]\nbackend = \"introzy\"\nbase_url = \"{}\"\napi_key_env = \"ROLO_TEST_IZ_KEY\"\n",
            fake.base_url
        ),
    )
    .unwrap();
    let mut s = Session::start_with(
        &home,
        100,
        30,
        &["--profile", "iz"],
        &[("ROLO_TEST_IZ_KEY", API_KEY)],
    );
    s.wait_until("Ada's note in the detail pane", |screen| {
        screen.contains("Brouwer") && screen.contains("┌ Ada Aalders ") && screen.contains("Lunch")
    });
    // From now on every answer takes a second and a half.
    fake.recorder.set_latency(Duration::from_millis(1500));
    s.send("jln");
    s.send("Dinner with dad\rand Bob");
    s.wait_for("and Bob");
    let screen = s.screen_text();
    assert!(screen.contains("New note"), "the editor opened:\n{screen}");
    assert!(!screen.contains("Delete"), "no delete question:\n{screen}");
    s.send("\x13"); // Ctrl-S
    s.wait_for("note saved");
    eventually("Bob's note on the server", TIMEOUT, || {
        fake.raw_notes(&bob)
            .iter()
            .any(|n| n["content"] == "Dinner with dad\nand Bob")
    });
    assert_eq!(fake.raw_notes(&ada).len(), 1, "Ada's note is still there");
    assert_eq!(fake.raw_notes(&ada)[0]["content"], "Lunch");
    s.send("q");
    // Leaving the detail pane first may take a key on a one-pane layout.
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    drop(rt);
}

/// A paste arrives as the terminal sends it: bracketed, its line breaks as
/// CR. The note keeps them, and no line of it runs the editor's commands.
#[test]
fn a_pasted_note_keeps_its_line_breaks() {
    let home = sandbox();
    let target = demo_target();
    let mut s = start_note(&home, 100, 30, &target, "Pasted:");
    s.send("\x1b[200~ line one\rline two\r\x1b[201~");
    s.wait_for("line two");
    s.send("\x13"); // Ctrl-S
    s.wait_for("note saved");
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "rolo exited with {status:?}");
    s.assert_terminal_restored();
    let store = Store::open(&home.demo_db()).expect("demo db opens");
    let notes = store.notes_for(&target.id).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.text == "Pasted: line one\nline two\n"),
        "{notes:?}"
    );
    // Bracketed paste was switched on, and off again on the way out.
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    assert!(raw.contains("\x1b[?2004h"), "bracketed paste enabled");
    assert!(
        raw.contains("\x1b[?2004l"),
        "bracketed paste disabled on exit"
    );
}
