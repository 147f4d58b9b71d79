//! End-to-end: the real `rolo` binary in a pseudo-terminal, with its own
//! HOME and XDG directories. A thread feeds everything the program writes
//! into a vt100 parser (the "screen") and keeps the raw bytes, so tests can
//! wait for text on the screen and check the escape sequences that restore
//! the terminal.
//!
//! Every wait polls with a deadline; nothing sleeps for a fixed time.

mod support;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use rolo::app::people::PeopleView;
use rolo::model::PersonWithNotes;
use rolo::store::Store;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest any single wait may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(10);

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// A private HOME with the four XDG directories.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "data", "config", "state", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Home { dir }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    fn demo_db(&self) -> PathBuf {
        self.path("data").join("rolo").join("demo.sqlite")
    }

    fn draft_file(&self) -> PathBuf {
        self.path("state")
            .join("rolo")
            .join("drafts")
            .join("note.json")
    }

    fn config_file(&self) -> PathBuf {
        self.path("config").join("rolo").join("config.toml")
    }

    fn env(&self) -> Vec<(String, PathBuf)> {
        vec![
            ("HOME".into(), self.path("home")),
            ("XDG_DATA_HOME".into(), self.path("data")),
            ("XDG_CONFIG_HOME".into(), self.path("config")),
            ("XDG_STATE_HOME".into(), self.path("state")),
            ("XDG_CACHE_HOME".into(), self.path("cache")),
        ]
    }

    /// `rolo` without a terminal (for start-up errors), stdin closed.
    fn run_plain(&self) -> std::process::Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rolo"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm-256color")
            .current_dir(self.path("home"))
            .stdin(std::process::Stdio::null());
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd.output().expect("run rolo")
    }
}

/// What the program wrote so far.
struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
    closed: bool,
}

type Shared = Arc<(Mutex<Output>, Condvar)>;

/// The program running in a pseudo-terminal.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    shared: Shared,
    reader: Option<JoinHandle<()>>,
    cols: u16,
    rows: u16,
}

impl Session {
    fn start(home: &Home, cols: u16, rows: u16) -> Session {
        Session::start_with(home, cols, rows, &[], &[])
    }

    /// `rolo ARGS` with extra environment variables.
    fn start_with(
        home: &Home,
        cols: u16,
        rows: u16,
        args: &[&str],
        extra_env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_rolo"));
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        for (k, v) in home.env() {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path("home"));
        let child = pair.slave.spawn_command(cmd).expect("spawn rolo");
        // Only the child holds the slave now, so reads end when it exits.
        drop(pair.slave);

        let shared: Shared = Arc::new((
            Mutex::new(Output {
                raw: Vec::new(),
                screen: vt100::Parser::new(rows, cols, 0),
                closed: false,
            }),
            Condvar::new(),
        ));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let sink = shared.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                let (lock, cond) = &*sink;
                let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    out.closed = true;
                    cond.notify_all();
                    return;
                }
                out.raw.extend_from_slice(&buf[..n]);
                out.screen.process(&buf[..n]);
                cond.notify_all();
            }
        });
        Session {
            child,
            master: pair.master,
            writer,
            shared,
            reader: Some(reader),
            cols,
            rows,
        }
    }

    fn output(&self) -> std::sync::MutexGuard<'_, Output> {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn screen_text(&self) -> String {
        self.output().screen.screen().contents()
    }

    fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// Wait until `pred` holds for the screen text; fail with the screen.
    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let (lock, cond) = &*self.shared;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let text = out.screen.screen().contents();
            if pred(&text) {
                return text;
            }
            let now = Instant::now();
            if now >= deadline || out.closed {
                let closed = out.closed;
                drop(out);
                panic!(
                    "{}x{}: timed out waiting for {what}{}; the screen:\n{text}",
                    self.cols,
                    self.rows,
                    if closed {
                        " (the program closed the terminal)"
                    } else {
                        ""
                    }
                );
            }
            out = cond
                .wait_timeout(out, (deadline - now).min(Duration::from_millis(50)))
                .unwrap()
                .0;
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |screen| screen.contains(text))
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    fn pid(&self) -> libc::pid_t {
        self.child.process_id().expect("child pid") as libc::pid_t
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) with the pid of our own child; no memory involved.
        let rc = unsafe { libc::kill(self.pid(), sig) };
        assert_eq!(rc, 0, "kill({}, {sig})", self.pid());
    }

    /// Wait for the program to exit and for its last output to arrive.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "{}x{}: rolo did not exit; the screen:\n{}",
                    self.cols,
                    self.rows,
                    self.screen_text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The reader sees end-of-file once the last writer (the child) is gone.
        let (lock, cond) = &*self.shared;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        while !out.closed {
            let now = Instant::now();
            assert!(now < deadline, "the pty never reached end of file");
            out = cond.wait_timeout(out, deadline - now).unwrap().0;
        }
        drop(out);
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        status
    }

    /// The line discipline flags of the terminal (the master's termios
    /// reads the slave's on Linux).
    fn termios_lflag(&self) -> libc::tcflag_t {
        let fd = self.master.as_raw_fd().expect("master fd");
        // SAFETY: a zeroed termios is a valid out-parameter; fd is open.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t.c_lflag
    }

    fn assert_raw_mode(&self) {
        let lflag = self.termios_lflag();
        assert_eq!(
            lflag & (libc::ICANON | libc::ECHO),
            0,
            "rolo runs in raw mode"
        );
    }

    /// After exit: the alternate screen was left after it was last entered,
    /// the cursor shown again, and the tty is back in cooked mode.
    fn assert_terminal_restored(&self) {
        let raw = self.raw();
        let entered = rfind(&raw, ENTER_ALT).expect("rolo entered the alternate screen");
        let left = rfind(&raw, LEAVE_ALT).expect("rolo left the alternate screen");
        assert!(
            left > entered,
            "the last alternate-screen switch is an exit"
        );
        let shown = rfind(&raw, SHOW_CURSOR).expect("the cursor is shown again");
        assert!(shown > entered, "the cursor is shown after the last frame");
        assert!(
            !self
                .shared
                .0
                .lock()
                .unwrap()
                .screen
                .screen()
                .alternate_screen(),
            "the emulated terminal is back on the main screen"
        );
        let lflag = self.termios_lflag();
        assert_eq!(
            lflag & (libc::ICANON | libc::ECHO),
            libc::ICANON | libc::ECHO,
            "the tty is back in cooked mode (ICANON and ECHO set)"
        );
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
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

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
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
        let top = view.visible.first().map(|&i| view.all[i].id.clone());
        view.set_query("");
        if top.as_deref() == Some(p.id.as_str()) {
            return Target {
                id: p.id.clone(),
                name: p.display_name.clone(),
                query,
            };
        }
    }
    panic!("no demo person is found first by a part of their name");
}

/// Start, find the target, open them and start a note with `text` typed.
fn start_note(home: &Home, cols: u16, rows: u16, target: &Target, text: &str) -> Session {
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
    let home = Home::new();
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
    let home = Home::new();
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
    let home = Home::new();
    let db = home.demo_db();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&db, &garbage).unwrap();

    let out = home.run_plain();
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
    let home = Home::new();
    let config = home.config_file();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "# my config\n[keys.normal]\n\"j\" = \"move_down\"\n\"x\" = \"fly_to_the_moon\"\n",
    )
    .unwrap();

    let out = home.run_plain();
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

/// Poll `pred` (outside the screen) until it holds.
fn eventually(what: &str, pred: impl Fn() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !pred() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
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
    let home = Home::new();
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
    eventually("Bob's note on the server", || {
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
