//! `rolo edit ID` without `--set`: the person as TOML in `$EDITOR`, here a
//! script standing in for the user. Saved changes are checked and stored;
//! a wrong document comes back with the error as a comment; a file left
//! as it was changes nothing.

use crate::sandbox;
use std::os::unix::fs::PermissionsExt;
use std::process::Output;
use support::sandbox::Sandbox;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An editor: a shell script run as `$EDITOR FILE`; each run appends the
/// file it was shown to `seen.log`.
fn editor(sb: &Sandbox, body: &str) -> String {
    let path = sb.path("editor.sh");
    let log = sb.path("seen.log");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nf=\"$1\"\ncat \"$f\" >> '{}'\necho '-----' >> '{}'\n{body}\n",
            log.display(),
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_string()
}

fn run(sb: &Sandbox, editor: &str, args: &[&str]) -> Output {
    let db = sb.path("people.sqlite");
    let mut full = vec!["--db", db.to_str().unwrap()];
    full.extend_from_slice(args);
    let mut c = sb.cmd(&full);
    c.env("EDITOR", editor).env_remove("VISUAL");
    c.output().unwrap()
}

fn add(sb: &Sandbox) -> String {
    let out = run(
        sb,
        "true",
        &[
            "add",
            "--family-name",
            "Lovelace",
            "--given-name",
            "Ada",
            "--email",
            "ada@example.org",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn show(sb: &Sandbox, id: &str) -> serde_json::Value {
    let out = run(sb, "true", &["show", id, "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn saved_changes_are_stored_and_an_untouched_file_changes_nothing() {
    let sb = sandbox();
    let id = add(&sb);
    let before = show(&sb, &id);
    // Left as it was: nothing saved, exit 0.
    let out = run(&sb, &editor(&sb, "true"), &["edit", &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unchanged; nothing saved"),
        "{}",
        stderr(&out)
    );
    assert_eq!(show(&sb, &id), before);
    let seen = std::fs::read_to_string(sb.path("seen.log")).unwrap();
    assert!(seen.contains("familyName = \"Lovelace\""), "{seen}");
    assert!(seen.contains("emails = [\"ada@example.org\"]"), "{seen}");
    assert!(
        seen.contains("jobTitle = \"\""),
        "the fields the backend stores: {seen}"
    );

    let script = editor(
        &sb,
        "sed -i -e 's/^jobTitle = .*/jobTitle = \"Analyst\"/' -e 's/^phones = .*/phones = [\"+44 20 7946 0000 (work)\"]/' \"$f\"",
    );
    let out = run(&sb, &script, &["edit", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = show(&sb, &id);
    assert_eq!(after["jobTitle"], "Analyst");
    assert_eq!(after["phones"][0]["number"], "+44 20 7946 0000");
    assert_eq!(after["phones"][0]["type"], "work");
    assert_eq!(after["emails"], before["emails"]);
}

#[test]
fn a_wrong_document_reopens_with_the_error_until_fixed_or_given_up() {
    let sb = sandbox();
    let id = add(&sb);
    // First run: a bad email. Second run (sees the error): fixes it.
    let count = sb.path("runs");
    let script = editor(
        &sb,
        &format!(
            "n=$(cat '{c}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{c}'\n\
             if [ $n -eq 1 ]; then sed -i 's/^emails = .*/emails = [\"not-an-email\"]/' \"$f\"; \
             else sed -i 's/^emails = .*/emails = [\"ada@lovelace.org\"]/' \"$f\"; fi",
            c = count.display()
        ),
    );
    let out = run(&sb, &script, &["edit", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = std::fs::read_to_string(sb.path("seen.log")).unwrap();
    let second = seen.split("-----\n").nth(1).unwrap();
    assert!(
        second.starts_with("# error: emails[0]: 'not-an-email' is not an email address"),
        "{second}"
    );
    assert_eq!(show(&sb, &id)["emails"][0], "ada@lovelace.org");

    // Broken TOML, then saved again as shown: given up, exit 4, unchanged.
    std::fs::remove_file(sb.path("seen.log")).unwrap();
    let out = run(
        &sb,
        &editor(
            &sb,
            "grep -q '^# error' \"$f\" || echo 'familyName = ' >> \"$f\"",
        ),
        &["edit", &id],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let seen = std::fs::read_to_string(sb.path("seen.log")).unwrap();
    assert!(
        seen.split("-----\n")
            .nth(1)
            .unwrap()
            .starts_with("# error: "),
        "{seen}"
    );
    assert_eq!(show(&sb, &id)["emails"][0], "ada@lovelace.org");
    // An unknown key is named (at the top: below `[customFields]` it
    // would be a custom field, which the local workspace takes).
    std::fs::remove_file(sb.path("seen.log")).unwrap();
    let out = run(
        &sb,
        &editor(
            &sb,
            "grep -q '^# error' \"$f\" || sed -i '1i shoeSize = \"42\"' \"$f\"",
        ),
        &["edit", &id],
    );
    assert_eq!(out.status.code(), Some(4));
    let seen = std::fs::read_to_string(sb.path("seen.log")).unwrap();
    assert!(seen.contains("# error: unknown field 'shoeSize'"), "{seen}");
}
