//! End-to-end: the real `rolo` binary in a pseudo-terminal with a
//! RogerRoger profile whose server is a fake running in this test, behind a
//! proxy on a fixed port that the test takes down and brings back.
//!
//! The story: start and sync; the server goes away; edit a person (the
//! edit is queued); SIGKILL rolo; start it again while the server is still
//! away (the cached people are drawn, the edit is still queued, nothing is
//! sent); quit; bring the server back; start once more: the edit reaches
//! the server exactly once and the outbox is empty.
//!
//! Every wait polls with a deadline; nothing sleeps for a fixed time.

mod proxy;
mod support;

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use proxy::Proxy;
use rolo::store::Store;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use support::fake_rogerroger::{API_KEY, FakeRogerRoger};

/// Longest any single wait may take before the test fails. Going offline
/// costs rolo's real retry backoffs (a few seconds) per request kind.
const TIMEOUT: Duration = Duration::from_secs(20);
const KEY_ENV: &str = "ROLO_TEST_RR_KEY";
const PEOPLE: usize = 25;

/// A private HOME with the XDG directories and a config naming the profile.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(base_url: &str) -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "data", "config", "state", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let home = Home { dir };
        let config = home.path("config").join("rolo").join("config.toml");
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(
            &config,
            format!(
                "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"{base_url}\"\n\
                 api_key_env = \"{KEY_ENV}\"\nrate_limit_per_minute = 6000\n"
            ),
        )
        .unwrap();
        home
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// `$XDG_CACHE_HOME/rolo/<profile>.sqlite`.
    fn cache_db(&self) -> PathBuf {
        self.path("cache").join("rolo").join("rr.sqlite")
    }

    fn queued(&self) -> usize {
        Store::open(&self.cache_db())
            .expect("the cache opens")
            .queued_count()
            .expect("outbox count")
    }
}

type Shared = Arc<(Mutex<(vt100::Parser, bool)>, Condvar)>;

/// rolo running in a pseudo-terminal; its output feeds a vt100 screen.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    shared: Shared,
    reader: Option<JoinHandle<()>>,
    // Kept open for the child's terminal.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn start(home: &Home) -> Session {
        let (cols, rows) = (120, 30);
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_rolo"));
        cmd.args(["--profile", "rr"]);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env(KEY_ENV, API_KEY);
        for (k, sub) in [
            ("HOME", "home"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            cmd.env(k, home.path(sub));
        }
        cmd.cwd(home.path("home"));
        let child = pair.slave.spawn_command(cmd).expect("spawn rolo");
        drop(pair.slave);
        let shared: Shared = Arc::new((
            Mutex::new((vt100::Parser::new(rows, cols, 0), false)),
            Condvar::new(),
        ));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let sink = shared.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, cond) = &*sink;
                let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    out.1 = true;
                    cond.notify_all();
                    return;
                }
                out.0.process(&buf[..n]);
                cond.notify_all();
            }
        });
        Session {
            child,
            writer,
            shared,
            reader: Some(reader),
            _master: pair.master,
        }
    }

    fn screen(&self) -> String {
        let out = self.shared.0.lock().unwrap_or_else(|e| e.into_inner());
        out.0.screen().contents()
    }

    /// Wait until `pred` holds for the screen text; fail with the screen.
    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let (lock, cond) = &*self.shared;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let text = out.0.screen().contents();
            if pred(&text) {
                return text;
            }
            let now = Instant::now();
            if now >= deadline || out.1 {
                drop(out);
                panic!("timed out waiting for {what}; the screen:\n{text}");
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

    /// Press `e` until the person form is open.
    fn open_form(&mut self) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            self.send("e");
            let shown = Instant::now() + Duration::from_secs(1);
            while Instant::now() < shown {
                if self.screen().contains("Job title") {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(
                Instant::now() < deadline,
                "the person form never opened; the screen:\n{}",
                self.screen()
            );
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    fn kill9(&mut self) {
        let pid = self.child.process_id().expect("child pid") as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid; no memory involved.
        let rc = unsafe { libc::kill(pid, libc::SIGKILL) };
        assert_eq!(rc, 0, "kill -9 {pid}");
        self.wait_exit();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "rolo did not exit; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        status
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

/// The status line counts the people once the list has loaded.
fn people_shown(screen: &str) -> bool {
    screen.contains(&format!("{PEOPLE} people")) && screen.contains("Family00000")
}

/// Poll `pred` (outside the screen) until it holds.
fn eventually(what: &str, pred: impl Fn() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !pred() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn an_edit_queued_offline_survives_sigkill_and_is_sent_once() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeRogerRoger::start());
    let ids = fake.seed_many(PEOPLE);
    // "Family00000" sorts first, so it is the selected person at start.
    let target = ids[0].clone();
    let person_path = format!("/people/{target}");
    let mut proxy = rt.block_on(Proxy::start(&fake.base_url));
    let home = Home::new(&proxy.url());

    // 1. Online: the people arrive and the status line says synced.
    let mut s = Session::start(&home);
    s.wait_until("people and a finished sync", |screen| {
        people_shown(screen) && screen.contains("synced")
    });
    // The selected person's record is loaded (the form needs it).
    s.wait_for("Person0 Family00000");

    // 2. The server goes away; edit the job title and save.
    rt.block_on(proxy.down());
    let before_edit = fake.recorder.request_count();
    // The record may still be (re)loading, now from the cache after the
    // network failed: `e` then says "still loading"; press it again.
    s.open_form();
    s.send(&"\t".repeat(6)); // given name (focused) -> job title
    s.send("Queued Title");
    s.wait_for("Queued Title");
    s.send("\x13"); // Ctrl-S
    s.wait_for("1 change(s) queued");
    assert_eq!(home.queued(), 1, "the edit is in the outbox on disk");
    // A read already in flight when the proxy went down may still land
    // (a race of the test, not of rolo): assert that no write did.
    assert!(fake.recorder.request_count() >= before_edit);
    assert_eq!(
        fake.recorder.count("PATCH", &person_path),
        0,
        "no write reached the server while it was down"
    );

    // 3. SIGKILL, at a moment an acknowledged edit waits in the outbox.
    s.kill9();
    drop(s);
    assert_eq!(home.queued(), 1, "the queued edit survived SIGKILL");

    // 4. Restart while still offline: the cache is drawn, the edit is
    // still queued (and shown on the person), nothing is sent.
    let mut s = Session::start(&home);
    s.wait_until("the cached people", people_shown);
    s.wait_until("offline with the edit queued", |screen| {
        screen.contains("offline") && screen.contains("1 change(s) queued")
    });
    s.wait_for("Queued Title");
    s.send("q");
    assert!(s.wait_exit().success());
    drop(s);
    assert_eq!(home.queued(), 1);
    assert_eq!(fake.recorder.count("PATCH", &person_path), 0);

    // 5. The server is back on the same port: the edit goes out once.
    rt.block_on(proxy.up());
    let mut s = Session::start(&home);
    s.wait_until("people and a finished sync", |screen| {
        people_shown(screen) && screen.contains("synced")
    });
    eventually("the outbox to empty", || home.queued() == 0);
    s.wait_until("no change queued on screen", |screen| {
        screen.contains("synced") && !screen.contains("queued")
    });
    s.send("q");
    assert!(s.wait_exit().success());

    assert_eq!(
        fake.recorder.count("PATCH", &person_path),
        1,
        "the server got the edit exactly once: {:?}",
        fake.recorder
            .log()
            .iter()
            .map(|l| format!("{} {}", l.method, l.path))
            .collect::<Vec<_>>()
    );
    let raw = fake.raw(&target).expect("the person is on the server");
    assert_eq!(raw["jobTitle"], "Queued Title");
    assert_eq!(fake.people_count(), PEOPLE, "no one created or lost");
    assert_eq!(home.queued(), 0);
    rt.block_on(proxy.down());
}
