//! The real binary in tmux, which lays out Devanagari letter by letter as
//! most terminals do: popups opened over `श्री गणेश ट्रेडर्स` in the list
//! leave none of it behind, and the list keeps its right border. tmux is
//! required (`.ci/run` installs it).

use crate::sandbox;
use std::process::Command;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthChar;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(home: &support::sandbox::Sandbox, cols: u16, rows: u16) -> Tmux {
        let socket = format!("rolo-test-{}-{cols}x{rows}", std::process::id());
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args([
                "-x",
                &cols.to_string(),
                "-y",
                &rows.to_string(),
                "--",
                "env",
            ]);
        for (k, v) in home.env() {
            let mut kv = k;
            kv.push("=");
            kv.push(v);
            cmd.arg(kv);
        }
        cmd.arg(home.bin());
        let status = cmd
            .status()
            .expect("tmux runs (install it: .ci/run does on CI)");
        assert!(status.success(), "tmux new-session: {status:?}");
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", k]);
        }
    }

    fn literal(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "waited for {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// The column of the `skip`+1-th `c` in `line`.
fn column_of(line: &str, c: char, skip: usize) -> Option<usize> {
    let mut col = 0;
    let mut seen = 0;
    for ch in line.chars() {
        if ch == c {
            if seen == skip {
                return Some(col);
            }
            seen += 1;
        }
        col += ch.width().unwrap_or(0);
    }
    None
}

fn devanagari(line: &str) -> bool {
    line.chars().any(|c| ('\u{900}'..='\u{97f}').contains(&c))
}

fn popups_over_devanagari_leave_nothing(cols: u16, rows: u16) {
    let home = sandbox();
    let t = Tmux::start(&home, cols, rows);
    t.wait_until("the demo loaded", |s| s.contains("240 people"));
    t.keys(&["/"]);
    t.literal("Banerjee");
    t.wait_until("the search", |s| {
        s.contains("Priya Banerjee") && s.contains("3/240")
    });
    t.keys(&["Enter"]);
    let shown = t.wait_until("the Devanagari company in the list", |s| {
        s.lines().any(devanagari)
    });
    // Every list row ends at its border, in the column the pane's top
    // corner is in (columns as tmux counts them, letter by letter).
    let header = shown.lines().find(|l| l.starts_with("┌ People"));
    let corner = column_of(header.unwrap_or(""), '┐', 0);
    assert!(corner.is_some(), "the list pane:\n{shown}");
    for line in shown
        .lines()
        .filter(|l| l.starts_with('│') && l.contains("Banerjee"))
    {
        assert_eq!(
            column_of(line, '│', 1),
            corner,
            "{cols}x{rows}: the row keeps its border:\n{shown}"
        );
    }
    for (open, close, what) in [("?", "Escape", "Help"), ("e", "Escape", "Edit")] {
        t.keys(&[open]);
        let over = t.wait_until(what, |s| s.contains(what));
        // Only the form's own Company field may show it.
        let debris: Vec<&str> = over
            .lines()
            .filter(|l| devanagari(l) && !l.contains("Company "))
            .collect();
        assert!(
            debris.is_empty(),
            "{cols}x{rows}: {what} leaves Devanagari under it: {debris:?}\n{over}"
        );
        t.keys(&[close]);
        t.wait_until("the list back", |s| s.lines().any(devanagari));
    }
    t.keys(&["q"]);
}

#[test]
fn popups_over_devanagari_leave_nothing_100x30() {
    popups_over_devanagari_leave_nothing(100, 30);
}

#[test]
fn popups_over_devanagari_leave_nothing_80x24() {
    popups_over_devanagari_leave_nothing(80, 24);
}

/// `y e` inside tmux: tmux's default `set-clipboard external` drops the
/// OSC 52, so the email must be in tmux's own buffer, and the status line
/// says what was copied and where.
#[test]
fn copy_inside_tmux_fills_the_tmux_buffer() {
    let home = sandbox();
    // A size of its own: the socket is named by pid and size.
    let t = Tmux::start(&home, 110, 32);
    t.wait_until("the demo loaded", |s| s.contains("240 people"));
    // The first person's record loaded (the detail shows their email).
    // The detail's `Email  x@y` row, not the list's `Email` column header.
    let detail_email = |s: &str| {
        s.lines()
            .filter_map(|l| l.split("Email").nth(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(|e| e.trim_end_matches('│').to_string())
            .find(|e| e.contains('@'))
    };
    let shown = t.wait_until("the first person's detail", |s| detail_email(s).is_some());
    let email = detail_email(&shown).expect("an email in the detail");
    t.keys(&["y", "e"]);
    let status = t.wait_until("the copy confirmed", |s| s.contains("copied email"));
    assert!(status.contains("tmux buffer"), "{status}");
    assert!(
        status.contains(&email),
        "the status names the text:\n{status}"
    );
    assert_eq!(t.tmux(&["show-buffer"]), email);
}
