//! SQLite storage: the local backend's source of truth and, for remote
//! profiles, their cache. Synchronous by design: callers run it on a blocking
//! thread (`spawn_blocking`), never on the render path.

use crate::model::{Note, Person, PersonWithNotes};
use compact_str::CompactString;
use outbox::has_pending_in;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod duplicates;
mod migrate;
mod outbox;
mod read;
mod refs;
mod sync;
pub use duplicates::MAX_BLOCK;
pub use migrate::SCHEMA_VERSION;
pub use outbox::{Claim, ClaimRequest, Dropped, Outcome};
pub use read::{AddressHit, QUERY_LIMIT};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: not a rolo database or it is damaged ({detail}); move it aside to start afresh"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path}: the database is locked by another program ({detail}); close the other rolo and retry"
    )]
    Locked { path: PathBuf, detail: String },
    #[error("{path}: cannot open database: {detail}")]
    Open { path: PathBuf, detail: String },
    #[error(
        "{path}: made by a newer rolo (schema {found}, this rolo knows up to {known}); upgrade rolo"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored record is unreadable: {0}")]
    Json(#[from] serde_json::Error),
}

/// What kind of trouble a [`StoreError`] is, for messages and exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreProblem {
    /// The file is damaged, not a rolo database, or from a newer rolo.
    Damaged,
    /// Another program holds the database.
    Locked,
    /// Reading or writing failed: a full disk, no permission, I/O.
    Io,
}

impl StoreError {
    pub fn problem(&self) -> StoreProblem {
        match self {
            StoreError::Corrupt { .. } | StoreError::TooNew { .. } | StoreError::Json(_) => {
                StoreProblem::Damaged
            }
            StoreError::Locked { .. } => StoreProblem::Locked,
            StoreError::Open { .. } => StoreProblem::Io,
            StoreError::Sql(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                    StoreProblem::Damaged
                }
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreProblem::Locked
                }
                _ => StoreProblem::Io,
            },
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The few fields the list pane and search need, kept small so a million
/// of them load fast and fit in memory; the detail pane loads the full
/// record. Each string is a [`CompactString`]: up to 24 bytes live inline
/// in the struct (most names, companies, phones, tags, timestamps), so a
/// summary is usually one or two allocations instead of ten.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonSummary {
    pub id: CompactString,
    pub display_name: CompactString,
    pub given_name: CompactString,
    pub family_name: CompactString,
    pub company: CompactString,
    /// All emails, space separated; the first is the primary one.
    pub emails: CompactString,
    /// All phone numbers, space separated.
    pub phones: CompactString,
    /// All tags, space separated.
    pub tags: CompactString,
    /// The address's city.
    pub city: CompactString,
    pub updated_at: CompactString,
    pub archived: bool,
    /// A write to this person waits in the outbox.
    pub pending: bool,
    /// One of those writes was refused or is in conflict: the person's
    /// later writes wait for the user.
    pub blocked: bool,
}

impl PersonSummary {
    pub fn from_person(p: &Person) -> Self {
        PersonSummary {
            id: p.id.as_str().into(),
            display_name: p.full_name().into(),
            given_name: p.given_name.as_str().into(),
            family_name: p.family_name.as_str().into(),
            company: p.company.as_str().into(),
            emails: p.emails.join(" ").into(),
            phones: p
                .phones
                .iter()
                .map(|p| p.number.as_str())
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
            tags: p.tags.join(" ").into(),
            city: p.address.city.as_str().into(),
            updated_at: p.updated_at.as_deref().unwrap_or_default().into(),
            archived: p.archived,
            pending: false,
            blocked: false,
        }
    }

    pub fn primary_email(&self) -> &str {
        self.emails.split(' ').next().unwrap_or("")
    }
}

/// Column `i` of `row` as a compact string, read from SQLite's own buffer
/// (no `String` made and dropped per field); NULL reads as empty.
fn compact(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<CompactString> {
    use rusqlite::types::ValueRef;
    match row.get_ref(i)? {
        ValueRef::Null => Ok(CompactString::default()),
        ValueRef::Text(bytes) => Ok(CompactString::from_utf8_lossy(bytes)),
        other => Err(rusqlite::Error::InvalidColumnType(
            i,
            format!("column {i}"),
            other.data_type(),
        )),
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn classify(path: &Path, err: rusqlite::Error) -> StoreError {
    let detail = err.to_string();
    let path = path.to_path_buf();
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt { path, detail }
        }
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Locked { path, detail }
        }
        _ => StoreError::Open { path, detail },
    }
}

/// The database holds people and their notes: only its owner may read it.
/// A new one is created empty with mode 0600 (SQLite gives its `-wal` and
/// `-shm` files the mode of the database), in a directory created 0700; one
/// made looser by an older release is tightened, with its `-wal`/`-shm`.
fn make_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let beside = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    let (wal, shm) = (beside("-wal"), beside("-shm"));
    for file in [path, wal.as_path(), shm.as_path()] {
        if let Ok(meta) = std::fs::metadata(file)
            && meta.is_file()
            && meta.permissions().mode() & 0o077 != 0
        {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

impl Store {
    /// Open (creating if needed) the database at `path`, in WAL mode with a
    /// busy timeout, and check it is readable.
    pub fn open(path: &Path) -> Result<Store> {
        make_private(path).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        let conn = Connection::open(path).map_err(|e| classify(path, e))?;
        Self::init(conn, path)
    }

    /// A private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Self::init(conn, Path::new(":memory:"))
    }

    fn init(conn: Connection, path: &Path) -> Result<Store> {
        let setup = || -> rusqlite::Result<()> {
            // Several rolo processes may write at once (a sync from cron,
            // a note from a mail client, the TUI); each waits its turn.
            conn.busy_timeout(Duration::from_secs(10))?;
            // Reading the schema is the first thing that fails on a file
            // that is not a database.
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            Ok(())
        };
        setup().map_err(|e| classify(path, e))?;
        migrate::run(&conn, path).map_err(|e| match e {
            StoreError::Sql(inner) => classify(path, inner),
            other => other,
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A transaction that takes the write lock up front. Several rolo
    /// processes share a cache: a deferred transaction that reads, then
    /// writes after another process committed, fails at once with
    /// "database is locked" (its snapshot is stale) instead of waiting.
    fn write_tx(&mut self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
    }

    pub fn count_people(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM people", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    /// Import people and their notes in one transaction.
    pub fn import(&mut self, people: &[PersonWithNotes]) -> Result<()> {
        let tx = self.write_tx()?;
        for entry in people {
            upsert_person_in(&tx, &entry.person)?;
            for note in &entry.notes {
                let mut note = note.clone();
                note.person_id = entry.person.id.clone();
                upsert_note_in(&tx, &note)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn load_summaries(&self) -> Result<Vec<PersonSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, display_name, given_name, family_name, company, emails, phones, tags,
                    updated_at, archived, city,
                    EXISTS(SELECT 1 FROM outbox o WHERE o.person_id = people.id),
                    EXISTS(SELECT 1 FROM outbox o WHERE o.person_id = people.id
                                                    AND o.state IN ('refused', 'conflict'))
             FROM people",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PersonSummary {
                id: compact(r, 0)?,
                display_name: compact(r, 1)?,
                given_name: compact(r, 2)?,
                family_name: compact(r, 3)?,
                company: compact(r, 4)?,
                emails: compact(r, 5)?,
                phones: compact(r, 6)?,
                tags: compact(r, 7)?,
                updated_at: compact(r, 8)?,
                archived: r.get(9)?,
                city: compact(r, 10)?,
                pending: r.get(11)?,
                blocked: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn get_person(&self, id: &str) -> Result<Option<Person>> {
        get_person_in(&self.conn, id)
    }

    pub fn upsert_person(&self, person: &Person) -> Result<()> {
        upsert_person_in(&self.conn, person)
    }

    /// Delete a person and their notes.
    pub fn delete_person(&mut self, id: &str) -> Result<bool> {
        let tx = self.write_tx()?;
        let n = tx.execute("DELETE FROM people WHERE id = ?1", [id])?;
        tx.execute("DELETE FROM notes WHERE person_id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Notes of one person, flagged first, then newest.
    pub fn notes_for(&self, person_id: &str) -> Result<Vec<Note>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT data FROM notes WHERE person_id = ?1 ORDER BY flagged DESC, created_at DESC",
        )?;
        let rows = stmt.query_map([person_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for data in rows {
            let mut note: Note = serde_json::from_str(&data?)?;
            note.person_id = person_id.to_string();
            out.push(note);
        }
        Ok(out)
    }

    /// One person's note. A note id is unique within its person only
    /// (Rhythm's are stamps, or `notes`), so both are needed.
    pub fn get_note(&self, person_id: &str, note_id: &str) -> Result<Option<Note>> {
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM notes WHERE person_id = ?1 AND id = ?2",
                [person_id, note_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match data {
            Some(data) => {
                let mut note: Note = serde_json::from_str(&data)?;
                note.person_id = person_id.to_string();
                Some(note)
            }
            None => None,
        })
    }

    pub fn upsert_note(&self, note: &Note) -> Result<()> {
        upsert_note_in(&self.conn, note)
    }

    pub fn delete_note(&self, person_id: &str, note_id: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM notes WHERE person_id = ?1 AND id = ?2",
            [person_id, note_id],
        )? > 0)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

/// Keeping the cache in step with what the server lists.
impl Store {
    /// Replace the cached notes of one person with the server's.
    pub fn replace_notes(&mut self, person_id: &str, notes: &[Note]) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM notes WHERE person_id = ?1", [person_id])?;
        for n in notes {
            let mut n = n.clone();
            n.person_id = person_id.to_string();
            upsert_note_in(&tx, &n)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Make the cache match a full listing from the server, except for
    /// people with queued writes (their local copy is newer) and people
    /// created offline (the server does not know them yet).
    pub fn replace_from_server(&mut self, people: &[Person]) -> Result<()> {
        let tx = self.write_tx()?;
        let pending: std::collections::HashSet<String> = tx
            .prepare("SELECT DISTINCT person_id FROM outbox")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY); DELETE FROM seen;",
        )?;
        for p in people {
            tx.execute("INSERT OR IGNORE INTO seen(id) VALUES (?1)", [&p.id])?;
            if !pending.contains(&p.id) {
                upsert_person_in(&tx, p)?;
            }
        }
        // Gone from the server: drop them, unless we still owe it a write.
        tx.execute(
            "DELETE FROM notes WHERE person_id NOT IN (SELECT id FROM seen)
               AND person_id NOT IN (SELECT person_id FROM outbox)
               AND person_id NOT LIKE 'local-%'",
            [],
        )?;
        tx.execute(
            "DELETE FROM people WHERE id NOT IN (SELECT id FROM seen)
               AND id NOT IN (SELECT person_id FROM outbox)
               AND id NOT LIKE 'local-%'",
            [],
        )?;
        tx.execute("DELETE FROM seen", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Add people the cache does not have yet (from a server search);
    /// returns how many were new.
    pub fn insert_missing(&mut self, people: &[Person]) -> Result<usize> {
        let tx = self.write_tx()?;
        let mut added = 0;
        for p in people {
            let known: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM people WHERE id = ?1)",
                [&p.id],
                |r| r.get(0),
            )?;
            if !known {
                upsert_person_in(&tx, p)?;
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Store people from the server, except those with queued writes (their
    /// local copy is newer).
    pub fn insert_or_refresh(&mut self, people: &[Person]) -> Result<()> {
        let tx = self.write_tx()?;
        for p in people {
            if !has_pending_in(&tx, &p.id)? {
                upsert_person_in(&tx, p)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The newest creation time in the cache, in the server's own clock (a
    /// watermark for "created since"; the client's clock may be off).
    pub fn newest_created_at(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT max(json_extract(data, '$.createdAt')) FROM people WHERE id NOT LIKE 'local-%'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The server no longer has this person: drop the cached copy, unless a
    /// write to it is still queued (the user decides then).
    pub fn forget_unless_pending(&mut self, id: &str) -> Result<()> {
        if !self.load_pending_for(id)? {
            self.delete_person(id)?;
        }
        Ok(())
    }
}

fn get_person_in(conn: &Connection, id: &str) -> Result<Option<Person>> {
    let data: Option<String> = conn
        .query_row("SELECT data FROM people WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    Ok(match data {
        Some(d) => Some(serde_json::from_str::<Person>(&d)?.normalize()),
        None => None,
    })
}

fn upsert_person_in(conn: &Connection, person: &Person) -> Result<()> {
    let summary = PersonSummary::from_person(person);
    let mut stored = person.clone();
    stored.display_name = summary.display_name.to_string();
    let data = serde_json::to_string(&stored)?;
    conn.prepare_cached(
        "INSERT INTO people(id, display_name, given_name, family_name, company, emails, phones,
                            tags, updated_at, archived, data, city)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name,
            given_name = excluded.given_name, family_name = excluded.family_name,
            company = excluded.company, emails = excluded.emails, phones = excluded.phones,
            tags = excluded.tags, updated_at = excluded.updated_at,
            archived = excluded.archived, data = excluded.data, city = excluded.city",
    )?
    .execute(params![
        summary.id.as_str(),
        summary.display_name.as_str(),
        summary.given_name.as_str(),
        summary.family_name.as_str(),
        summary.company.as_str(),
        summary.emails.as_str(),
        summary.phones.as_str(),
        summary.tags.as_str(),
        summary.updated_at.as_str(),
        summary.archived,
        data,
        summary.city.as_str()
    ])?;
    Ok(())
}

fn upsert_note_in(conn: &Connection, note: &Note) -> Result<()> {
    let data = serde_json::to_string(note)?;
    conn.prepare_cached(
        "INSERT INTO notes(id, person_id, flagged, created_at, data) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(person_id, id) DO UPDATE SET
            flagged = excluded.flagged, created_at = excluded.created_at, data = excluded.data",
    )?
    .execute(params![
        note.id,
        note.person_id,
        note.flagged,
        note.created_at.clone().unwrap_or_default(),
        data
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Phone;
    use crate::outbox::Op;

    fn person(id: &str, family: &str) -> Person {
        Person {
            id: id.into(),
            family_name: family.into(),
            given_name: "Ann".into(),
            emails: vec!["ann@example.com".into(), "a2@example.org".into()],
            phones: vec![Phone {
                number: "+31 6 1234 5678".into(),
                kind: "mobile".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn the_city_is_a_summary_column_kept_in_step_with_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let mut p = person("p1", "Smith");
        p.address.city = "São Paulo".into();
        store.upsert_person(&p).unwrap();
        assert_eq!(store.load_summaries().unwrap()[0].city, "São Paulo");
        p.address.city = "Lisbon".into();
        store.upsert_person(&p).unwrap();
        assert_eq!(store.load_summaries().unwrap()[0].city, "Lisbon");
    }

    #[test]
    fn people_and_notes_round_trip_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        {
            let mut store = Store::open(&path).unwrap();
            store
                .import(&[PersonWithNotes {
                    person: person("p1", "Smith"),
                    notes: vec![Note {
                        id: "n1".into(),
                        text: "hello".into(),
                        flagged: true,
                        ..Default::default()
                    }],
                }])
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let summaries = store.load_summaries().unwrap();
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].display_name, "Ann Smith");
        assert_eq!(summaries[0].primary_email(), "ann@example.com");
        let p = store.get_person("p1").unwrap().unwrap();
        assert_eq!(p.phones[0].number, "+31 6 1234 5678");
        let notes = store.notes_for("p1").unwrap();
        assert_eq!(notes[0].text, "hello");
        assert_eq!(notes[0].person_id, "p1");
    }

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_database_and_its_wal_and_shm_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/dir/db.sqlite");
        let mut store = Store::open(&path).unwrap();
        store
            .import(&[PersonWithNotes {
                person: person("p1", "Smith"),
                notes: Vec::new(),
            }])
            .unwrap();
        assert_eq!(mode(&dir.path().join("new/dir")), 0o700);
        for name in ["db.sqlite", "db.sqlite-wal", "db.sqlite-shm"] {
            assert_eq!(
                mode(&dir.path().join("new/dir").join(name)),
                0o600,
                "{name}"
            );
        }
    }

    #[test]
    fn a_database_left_readable_by_others_is_tightened_on_open() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        drop(Store::open(&path).unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("db.sqlite-wal")), 0o600);
        drop(store);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_reported_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        std::fs::write(&path, b"this is not sqlite at all, not even close....").unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        assert!(err.to_string().contains("move it aside"));
    }

    #[test]
    fn queued_writes_update_the_cache_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let local = crate::outbox::new_local_id();
        {
            let mut store = Store::open(&path).unwrap();
            let mut p = person(&local, "Offline");
            store
                .enqueue(&Op::CreatePerson { person: p.clone() })
                .unwrap();
            p.job_title = "CTO".into();
            store
                .enqueue(&Op::UpdatePerson {
                    base: p.clone(),
                    edited: p.clone(),
                })
                .unwrap();
            store
                .enqueue(&Op::CreateNote {
                    person_id: local.clone(),
                    note: Note {
                        id: crate::outbox::new_local_id(),
                        text: "hi".into(),
                        ..Default::default()
                    },
                })
                .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        let queued = store.queued().unwrap();
        assert_eq!(queued.len(), 3);
        assert!(store.load_summaries().unwrap()[0].pending);
        // The create went through: the server named the person.
        let mut server = person("srv-1", "Offline");
        server.version = Some("v1".into());
        store
            .complete(
                queued[0].seq,
                &Outcome::Person {
                    local_id: Some(local.clone()),
                    person: server,
                },
            )
            .unwrap();
        let rest = store.queued().unwrap();
        assert_eq!(rest.len(), 2);
        assert!(rest.iter().all(|q| q.op.person_id() == "srv-1"), "{rest:?}");
        assert!(store.get_person(&local).unwrap().is_none());
        assert_eq!(store.notes_for("srv-1").unwrap().len(), 1);
    }

    #[test]
    fn flagging_offline_updates_the_cached_note() {
        let mut store = Store::open_in_memory().unwrap();
        store.upsert_person(&person("p1", "Smith")).unwrap();
        store
            .upsert_note(&Note {
                id: "n1".into(),
                person_id: "p1".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .enqueue(&Op::FlagNote {
                person_id: "p1".into(),
                note_id: "n1".into(),
                flagged: true,
            })
            .unwrap();
        assert!(store.get_note("p1", "n1").unwrap().unwrap().flagged);
        assert_eq!(store.queued_count().unwrap(), 1);
    }

    #[test]
    fn two_people_may_have_notes_with_the_same_id() {
        // Rhythm names a note by its stamp, or `notes` for undated text:
        // unique within a contact only.
        let mut store = Store::open_in_memory().unwrap();
        for (id, family) in [("c-1", "Ames"), ("c-2", "Baker")] {
            store.upsert_person(&person(id, family)).unwrap();
        }
        for (person_id, text) in [("c-1", "for Ames"), ("c-2", "for Baker")] {
            for id in ["notes", "2026-04-04T15:07:31Z"] {
                store
                    .upsert_note(&Note {
                        id: id.into(),
                        person_id: person_id.into(),
                        text: text.into(),
                        ..Default::default()
                    })
                    .unwrap();
            }
        }
        for (person_id, text) in [("c-1", "for Ames"), ("c-2", "for Baker")] {
            let notes = store.notes_for(person_id).unwrap();
            assert_eq!(notes.len(), 2, "{person_id}: {notes:?}");
            assert!(notes.iter().all(|n| n.text == text), "{notes:?}");
        }
        let one = store.get_note("c-2", "notes").unwrap().unwrap();
        assert_eq!(
            (one.person_id.as_str(), one.text.as_str()),
            ("c-2", "for Baker")
        );
        assert!(store.delete_note("c-1", "notes").unwrap());
        assert_eq!(store.notes_for("c-1").unwrap().len(), 1);
        assert_eq!(
            store.notes_for("c-2").unwrap().len(),
            2,
            "the other's stays"
        );
        store
            .enqueue(&Op::FlagNote {
                person_id: "c-2".into(),
                note_id: "2026-04-04T15:07:31Z".into(),
                flagged: true,
            })
            .unwrap();
        assert!(
            !store
                .get_note("c-1", "2026-04-04T15:07:31Z")
                .unwrap()
                .unwrap()
                .flagged
        );
        store
            .enqueue(&Op::DeleteNote {
                person_id: "c-2".into(),
                note_id: "2026-04-04T15:07:31Z".into(),
            })
            .unwrap();
        assert!(
            store
                .get_note("c-1", "2026-04-04T15:07:31Z")
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn deleting_a_person_deletes_their_notes() {
        let mut store = Store::open_in_memory().unwrap();
        store.upsert_person(&person("p1", "Smith")).unwrap();
        store
            .upsert_note(&Note {
                id: "n1".into(),
                person_id: "p1".into(),
                ..Default::default()
            })
            .unwrap();
        assert!(store.delete_person("p1").unwrap());
        assert!(store.get_note("p1", "n1").unwrap().is_none());
    }
}
