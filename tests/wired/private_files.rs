//! Every file rolo writes holds private text (people, notes, drafts): each
//! is created 0600, checked on the real binary in a sandbox. The database
//! and its -wal/-shm, the log, the drafts (current and kept aside), an
//! export (new, or over an older file), the `rolo edit` temp file. Then the
//! draft kept aside on "No" and offered again until discarded, in a PTY.

use crate::sandbox;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::pty::Session;
use support::sandbox::Sandbox;

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every regular file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// No file rolo made under its data, state and cache directories may be
/// read by anyone but its owner.
fn assert_all_private(sb: &Sandbox) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = ["data", "state", "cache"]
        .iter()
        .flat_map(|d| files_under(&sb.path(d)))
        .collect();
    for file in &files {
        assert_eq!(mode(file), 0o600, "{} is {:o}", file.display(), mode(file));
    }
    files
}

/// A note started in the TUI and left by SIGTERM: the draft on disk.
fn leave_a_draft(sb: &Sandbox, text: &str) {
    let mut s = Session::start(sb, 100, 30);
    // The first person's notes shown: `n` adds a note to them.
    s.wait_until("the demo list and the first person", |screen| {
        screen.contains("demo workspace") && screen.contains("Notes (")
    });
    s.send("n");
    s.wait_for("New note");
    s.send(text);
    s.wait_for(text);
    s.signal(libc::SIGTERM);
    s.wait_exit();
    assert!(sb.draft_file().exists(), "the draft was written");
}

fn quit(mut s: Session) {
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn every_file_rolo_writes_is_private() {
    let sb = sandbox();
    // The demo database (and its -wal/-shm) and the log.
    let id = ok(sb.run(&["add", "--family-name", "Lovelace", "--given-name", "Ada"]));
    let id = id.trim();
    ok(sb.run(&["note", "add", id, "--text", "private words"]));
    // The `rolo edit` temp file, as the editor sees it.
    let seen = sb.path("home/edit-mode.txt");
    let editor = sb.path("home/editor.sh");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\nstat -c %a \"$1\" > '{}'\n", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut edit = sb.cmd(&["edit", id]);
    edit.env("EDITOR", &editor).env_remove("VISUAL");
    ok(edit.output().unwrap());
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), "600");
    // Exports: new files in a new directory, and over an older file
    // others could read.
    let fresh = sb.path("home/cards");
    ok(sb.run(&["export", "--out", fresh.to_str().unwrap()]));
    let cards = files_under(&fresh);
    assert!(!cards.is_empty());
    for card in cards {
        assert_eq!(mode(&card), 0o600, "{}", card.display());
    }
    let older_dir = sb.path("home/older");
    std::fs::create_dir(&older_dir).unwrap();
    let older = older_dir.join("people.csv");
    std::fs::write(&older, "old").unwrap();
    std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o644)).unwrap();
    ok(sb.run(&[
        "export",
        "--format",
        "csv",
        "--out",
        older_dir.to_str().unwrap(),
    ]));
    assert!(
        std::fs::read_to_string(&older)
            .unwrap()
            .contains("Lovelace")
    );
    assert_eq!(mode(&older), 0o600, "an export tightens an older file");
    // The draft, written as the note is typed.
    leave_a_draft(&sb, "Budget talk, do not share");
    assert_eq!(mode(sb.draft_file().parent().unwrap()), 0o700);

    let files = assert_all_private(&sb);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // (The -wal and -shm are gone once the last connection closes; the
    // store's own tests check them while open.)
    for expected in ["demo.sqlite", "rolo.log", "note.json"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} among {names:?}"
        );
    }
}

#[test]
fn a_declined_draft_is_kept_private_and_offered_until_discarded() {
    let sb = sandbox();
    leave_a_draft(&sb, "first line of the draft");
    // Next start: the question shows the draft's text; Enter answers No.
    let mut s = Session::start(&sb, 100, 30);
    s.wait_for("unsaved note");
    s.wait_for("first line of the draft");
    s.send("\r");
    s.wait_for("kept the unsaved note");
    quit(s);
    assert!(!sb.draft_file().exists(), "set aside, not current");
    let kept = assert_all_private(&sb)
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("kept-"))
        .count();
    assert_eq!(kept, 1, "the declined draft is kept");
    // Offered again; d then y discards it for good.
    let mut s = Session::start(&sb, 100, 30);
    s.wait_for("first line of the draft");
    s.send("d");
    s.wait_for("Discard the unsaved note");
    s.send("y");
    s.wait_for("discarded the unsaved note");
    quit(s);
    let left: Vec<_> = files_under(sb.draft_file().parent().unwrap());
    assert!(left.is_empty(), "nothing left: {left:?}");
}
