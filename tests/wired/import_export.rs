//! `rolo import` and `rolo export` as the real binary: vCard and CSV on the
//! local workspace (nothing doubled on a second import, every card line
//! back on export, private files, stdin), khard reading what rolo writes,
//! and a RogerRoger profile where an import goes through the outbox, sent
//! at once or queued while the server is down.

use crate::sandbox;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use support::fake_rogerroger::{API_KEY, FakeRogerRoger};
use support::output::{stderr, stdout};
use support::sandbox::Sandbox;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vcard")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// The same sandbox on an empty local database.
fn local(sb: &Sandbox, args: &[&str]) -> Output {
    let db = sb.path("people.sqlite");
    let mut full = vec!["--db", db.to_str().unwrap()];
    full.extend_from_slice(args);
    sb.run(&full)
}

fn count(sb: &Sandbox) -> usize {
    ok(local(sb, &["list"])).lines().count()
}

#[test]
fn a_directory_imports_once_and_exports_every_line_back() {
    let sb = sandbox();
    let dir = fixtures();
    let first = ok(local(&sb, &["import", dir.to_str().unwrap()]));
    assert!(
        first.starts_with("created 4, updated 0, skipped 0"),
        "{first}"
    );
    assert!(
        first.contains("PHOTO (2)") && first.contains("BDAY (2)"),
        "{first}"
    );
    assert!(first.contains("X-SKYPE (1)"), "{first}");
    assert_eq!(count(&sb), 4);

    // Again: everyone is found (by UID, by email, by name and phone).
    let again = ok(local(&sb, &["import", dir.to_str().unwrap()]));
    assert!(
        again.starts_with("created 0, updated 0, skipped 4"),
        "{again}"
    );
    assert_eq!(count(&sb), 4);

    // A changed card updates its person, found by UID.
    let edited = std::fs::read_to_string(dir.join("v3-full.vcf"))
        .unwrap()
        .replace("TITLE:Directora de Operaciones", "TITLE:CEO");
    let file = sb.path("edited.vcf");
    std::fs::write(&file, edited).unwrap();
    let upd = ok(local(&sb, &["import", file.to_str().unwrap()]));
    assert!(upd.starts_with("created 0, updated 1"), "{upd}");
    assert_eq!(count(&sb), 4);

    // Export into a directory: one private file per UID; the card keeps
    // its photo, grouped lines and X- properties.
    let out = sb.path("vcards");
    ok(local(&sb, &["export", "--out", out.to_str().unwrap()]));
    let card = out.join("4f1c1f4e-6a5e-4b1e-9d0a-0c7c0d9b2e11.vcf");
    let text = std::fs::read_to_string(&card).unwrap();
    for line in [
        "item1.X-ABLabel:_$!<Other>!$_",
        "X-SKYPE:jose.nunez",
        "TITLE:CEO",
        "BDAY:1984-02-29",
        "PHOTO;TYPE=JPEG;ENCODING=b:",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
    let mode = std::fs::metadata(&card).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 4);
    // The UID `urn:uuid:…` names a file safely.
    assert!(
        out.join("urn_uuid_9b2f6a7e-1c0d-4e5f-8a9b-0c1d2e3f4a5b.vcf")
            .exists()
    );

    // To stdout, 4.0: four cards, CRLF, every line folded.
    let all = ok(local(&sb, &["export", "--vcard-version", "4.0"]));
    assert_eq!(all.matches("BEGIN:VCARD\r\n").count(), 4);
    assert_eq!(all.matches("VERSION:4.0\r\n").count(), 4);
    assert!(all.lines().all(|l| l.len() <= 76));
}

#[test]
fn csv_exports_and_imports_back_and_stdin_reads_either() {
    let sb = sandbox();
    let csv = "familyName,givenName,email,phone,company,Shoe size\n\
               Doe,Jane,jane@example.org,+31 6 1234 5678,Acme,38\n\
               ,,,,,\n";
    let mut c = sb.cmd(&[
        "--db",
        sb.path("people.sqlite").to_str().unwrap(),
        "import",
        "-",
    ]);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    // The empty row has no name: not imported, said so, exit 4; Jane is in.
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("created 1, updated 0, skipped 1"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Shoe size (2)"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("skipped stdin #2"),
        "{}",
        stderr(&out)
    );

    let exported = ok(local(&sb, &["export", "--format", "csv"]));
    assert!(
        exported.starts_with("id,givenName,familyName"),
        "{exported}"
    );
    let file = sb.path("people.csv");
    std::fs::write(&file, &exported).unwrap();
    let back = ok(local(&sb, &["import", file.to_str().unwrap()]));
    assert!(
        back.starts_with("created 0, updated 0, skipped 1"),
        "{back}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(local(&sb, &["export", "--format", "json"]))).unwrap();
    assert_eq!(json[0]["emails"][0], "jane@example.org");
    assert_eq!(json.as_array().unwrap().len(), 1);
}

#[test]
fn khard_reads_what_rolo_exports() {
    if std::process::Command::new("khard")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("khard is not installed here; skipping the khard check");
        return;
    }
    let sb = sandbox();
    ok(local(&sb, &["import", fixtures().to_str().unwrap()]));
    for version in ["3.0", "4.0"] {
        let out = sb.path(&format!("vdir-{version}"));
        ok(local(
            &sb,
            &[
                "export",
                "--vcard-version",
                version,
                "--out",
                out.to_str().unwrap(),
            ],
        ));
        let conf = sb.path("khard.conf");
        std::fs::write(
            &conf,
            format!(
                "[addressbooks]\n[[rolo]]\npath = {}\n[general]\ndefault_action = list\n",
                out.display()
            ),
        )
        .unwrap();
        let listed = std::process::Command::new("khard")
            .args(["-c", conf.to_str().unwrap(), "list", "--parsable"])
            .env("HOME", sb.home())
            .output()
            .unwrap();
        let text = stdout(&listed);
        assert!(listed.status.success(), "khard: {}", stderr(&listed));
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.contains("Ørjan Ødegård"), "{text}");
        let emails = std::process::Command::new("khard")
            .args(["-c", conf.to_str().unwrap(), "email", "--parsable", "nandu"])
            .env("HOME", sb.home())
            .output()
            .unwrap();
        assert!(
            stdout(&emails).contains("jose@nandu.es"),
            "{}",
            stdout(&emails)
        );
    }
}

fn rr_config(sb: &Sandbox, base_url: &str) {
    sb.config(
        &format!(
            "[profiles.rr]\nbackend = \"rogerroger\"\nbase_url = \"{base_url}\"\napi_key_env = \"ROLO_TEST_RR_KEY\"\nrate_limit_per_minute = 6000\n"
        ),
        0o644,
    );
}

async fn run_async(sb: &Sandbox, args: &[&str]) -> Output {
    let mut c = sb.cmd(args);
    c.env("ROLO_TEST_RR_KEY", API_KEY);
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_import_goes_through_the_outbox_and_waits_when_offline() {
    let fake = FakeRogerRoger::start().await;
    let sb = sandbox();
    rr_config(&sb, &fake.base_url);
    let two = fixtures().join("two.vcf");
    let out = run_async(&sb, &["--profile", "rr", "import", two.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("created 2"), "{}", stdout(&out));
    assert_eq!(fake.people_count(), 2, "sent at once");

    // Server down: the import is queued, exit 0, stderr says so.
    rr_config(&sb, "http://127.0.0.1:9");
    // (No ORG or CATEGORIES: RogerRoger refuses an organization or tag it
    // does not have, before anything is queued.)
    let v4 = sb.path("offline.vcf");
    std::fs::write(
        &v4,
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:off-1\r\nFN:Ørjan Ødegård\r\nN:Ødegård;Ørjan;;;\r\nEMAIL;TYPE=work:orjan@fjord.no\r\nBDAY:--0415\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let out = run_async(&sb, &["--profile", "rr", "import", v4.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("queued: will be sent by rolo sync"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("not kept: the CRM has no field for them"),
        "{}",
        stdout(&out)
    );
    // Offline, export reads the cache: all three.
    let cards = stdout(&run_async(&sb, &["--profile", "rr", "export"]).await);
    assert_eq!(cards.matches("BEGIN:VCARD").count(), 3, "{cards}");

    // Back: the sync sends it once; a second import doubles nobody.
    rr_config(&sb, &fake.base_url);
    let out = run_async(&sb, &["--profile", "rr", "sync"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fake.people_count(), 3);
    let out = run_async(&sb, &["--profile", "rr", "import", two.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fake.people_count(), 3, "{}", stdout(&out));
}
