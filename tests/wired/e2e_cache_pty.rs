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

use crate::sandbox;
use rolo::store::Store;
use std::time::{Duration, Instant};
use support::fake_rogerroger::{API_KEY, FakeRogerRoger};
use support::proxy::Proxy;
use support::pty::{Session, eventually};
use support::sandbox::Sandbox;

/// Longest any single wait may take before the test fails. Going offline
/// costs rolo's real retry backoffs (a few seconds) per request kind.
const TIMEOUT: Duration = Duration::from_secs(20);
const KEY_ENV: &str = "ROLO_TEST_RR_KEY";
const PEOPLE: usize = 25;

/// A private HOME whose config names the profile `rr`, and whose commands
/// run with `--profile rr` and the key.
fn rr_home(base_url: &str) -> Sandbox {
    let home = sandbox()
        .with_args(&["--profile", "rr"])
        .with_env(KEY_ENV, API_KEY);
    home.write_config(&format!(
        "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"{base_url}\"\n\
         api_key_env = \"{KEY_ENV}\"\nrate_limit_per_minute = 6000\n"
    ));
    home
}

/// Changes waiting in the outbox of the profile's cache on disk.
fn queued(home: &Sandbox) -> usize {
    Store::open(&home.cache_db("rr"))
        .expect("the cache opens")
        .queued_count()
        .expect("outbox count")
}

/// rolo at 120x30 with the longer timeout.
fn start(home: &Sandbox) -> Session {
    let mut s = Session::start(home, 120, 30);
    s.set_timeout(TIMEOUT);
    s
}

/// Press `e` until the person form is open.
fn open_form(s: &mut Session) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        s.send("e");
        let shown = Instant::now() + Duration::from_secs(1);
        while Instant::now() < shown {
            if s.screen_text().contains("Job title") {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            Instant::now() < deadline,
            "the person form never opened; the screen:\n{}",
            s.screen_text()
        );
    }
}

/// The status line counts the people once the list has loaded.
fn people_shown(screen: &str) -> bool {
    screen.contains(&format!("{PEOPLE} people")) && screen.contains("Family00000")
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
    let home = rr_home(&proxy.url());

    // 1. Online: the people arrive and the status line says synced.
    let mut s = start(&home);
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
    open_form(&mut s);
    s.send(&"\t".repeat(6)); // given name (focused) -> job title
    s.send("Queued Title");
    s.wait_for("Queued Title");
    s.send("\x13"); // Ctrl-S
    s.wait_for("1 change(s) queued");
    assert_eq!(queued(&home), 1, "the edit is in the outbox on disk");
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
    assert_eq!(queued(&home), 1, "the queued edit survived SIGKILL");

    // 4. Restart while still offline: the cache is drawn, the edit is
    // still queued (and shown on the person), nothing is sent.
    let mut s = start(&home);
    s.wait_until("the cached people", people_shown);
    s.wait_until("offline with the edit queued", |screen| {
        screen.contains("offline") && screen.contains("1 change(s) queued")
    });
    s.wait_for("Queued Title");
    s.send("q");
    assert!(s.wait_exit().success());
    drop(s);
    assert_eq!(queued(&home), 1);
    assert_eq!(fake.recorder.count("PATCH", &person_path), 0);

    // 5. The server is back on the same port: the edit goes out once.
    rt.block_on(proxy.up());
    let mut s = start(&home);
    s.wait_until("people and a finished sync", |screen| {
        people_shown(screen) && screen.contains("synced")
    });
    eventually("the outbox to empty", TIMEOUT, || queued(&home) == 0);
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
    assert_eq!(queued(&home), 0);
    rt.block_on(proxy.down());
}
