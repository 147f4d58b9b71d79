//! Versioned schema migrations, tracked in `PRAGMA user_version`.
//!
//! The local workspace is the user's source of truth, so the schema never
//! changes by `CREATE TABLE IF NOT EXISTS` alone: every change is one step in
//! [`STEPS`], applied once, in order, each in its own transaction. A database
//! from a newer rolo is refused rather than guessed at.
//!
//! To change the schema, append a step; never edit a step that has shipped.

use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

/// One schema change: the version it brings the database to, and its SQL.
struct Step {
    version: i64,
    sql: &'static str,
}

/// Every step since the first release, oldest first.
const STEPS: &[Step] = &[
    Step {
        // The schema of the first releases, which set no user_version. A database
        // they made already has these tables, hence `IF NOT EXISTS` in this step
        // alone.
        version: 1,
        sql: "
CREATE TABLE IF NOT EXISTS people (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    given_name   TEXT NOT NULL,
    family_name  TEXT NOT NULL,
    company      TEXT NOT NULL,
    emails       TEXT NOT NULL,
    phones       TEXT NOT NULL,
    tags         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived     INTEGER NOT NULL,
    data         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL,
    flagged    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_by_person ON notes(person_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending',
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    theirs     TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_person ON outbox(person_id);
",
    },
    Step {
        // Reference data of remote CRMs (RogerRoger's tags, organisations,
        // users, segments, note categories), so names show offline.
        version: 2,
        sql: "
CREATE TABLE refs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    data       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE INDEX refs_by_kind ON refs(kind, name);
",
    },
    Step {
        // The outbox under several processes and unclear replies: a claim
        // (owner and expiry, in unix milliseconds) so one process sends a
        // given op; whether an attempt may have reached the server (then
        // the next one reads the record back first); when it was first
        // sent; the records like it that existed before it was sent; the id
        // the client chose for a create; and the server ids that records
        // created offline got, so a write queued later still finds them.
        version: 3,
        sql: "
ALTER TABLE outbox ADD COLUMN claim_owner TEXT;
ALTER TABLE outbox ADD COLUMN claim_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN maybe_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN first_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN preimage TEXT;
ALTER TABLE outbox ADD COLUMN client_id TEXT;
UPDATE outbox SET maybe_sent = 1 WHERE attempts > 0;
UPDATE outbox SET state = 'refused' WHERE state = 'failed';
CREATE TABLE id_map (
    local_id  TEXT PRIMARY KEY,
    server_id TEXT NOT NULL,
    -- The person a note belongs to ('' for people): note ids need not be
    -- unique across people (Rhythm's one note per contact is 'notes').
    scope     TEXT NOT NULL DEFAULT ''
);
",
    },
    Step {
        // A note is named by its person and its id: note ids need not be
        // unique across people. Rhythm's are the paragraph's stamp (two
        // contacts noted in the same second share one) or `notes` for the
        // undated text; keyed by id alone, one contact's note overwrote
        // another's and moved to that contact.
        version: 4,
        sql: "
CREATE TABLE notes_v4 (
    id         TEXT NOT NULL,
    person_id  TEXT NOT NULL,
    flagged    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (person_id, id)
);
INSERT INTO notes_v4(id, person_id, flagged, created_at, data)
    SELECT id, person_id, flagged, created_at, data FROM notes;
DROP TABLE notes;
ALTER TABLE notes_v4 RENAME TO notes;
CREATE INDEX notes_by_id ON notes(id);
",
    },
    Step {
        // The address index mail clients query (`rolo query`): one row per
        // email address with the person's name and company, and an FTS5
        // index over them that folds case and accents (`jose` finds José).
        // Triggers keep it in step with `people` whoever writes it, so a
        // query reads a few index pages, never every person. And the list's
        // order as an index, for `rolo list` to stream in it.
        version: 5,
        sql: "
CREATE TABLE addresses (
    person_id TEXT NOT NULL,
    email     TEXT NOT NULL,
    name      TEXT NOT NULL,
    company   TEXT NOT NULL,
    archived  INTEGER NOT NULL
);
CREATE INDEX addresses_by_person ON addresses(person_id);
-- The list's order, so `rolo list` streams without sorting every record.
CREATE INDEX people_by_name ON people(family_name, given_name, id);
CREATE VIRTUAL TABLE addresses_fts USING fts5(
    name, email, company,
    content = 'addresses', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER addresses_ai AFTER INSERT ON addresses BEGIN
    INSERT INTO addresses_fts(rowid, name, email, company)
        VALUES (new.rowid, new.name, new.email, new.company);
END;
CREATE TRIGGER addresses_ad AFTER DELETE ON addresses BEGIN
    INSERT INTO addresses_fts(addresses_fts, rowid, name, email, company)
        VALUES ('delete', old.rowid, old.name, old.email, old.company);
END;
CREATE TRIGGER people_addresses_ai AFTER INSERT ON people BEGIN
    INSERT INTO addresses(person_id, email, name, company, archived)
        SELECT new.id, e.value, new.display_name, new.company, new.archived
        FROM json_each(new.data, '$.emails') e WHERE trim(e.value) <> '';
END;
CREATE TRIGGER people_addresses_au AFTER UPDATE ON people BEGIN
    DELETE FROM addresses WHERE person_id = old.id;
    INSERT INTO addresses(person_id, email, name, company, archived)
        SELECT new.id, e.value, new.display_name, new.company, new.archived
        FROM json_each(new.data, '$.emails') e WHERE trim(e.value) <> '';
END;
CREATE TRIGGER people_addresses_ad AFTER DELETE ON people BEGIN
    DELETE FROM addresses WHERE person_id = old.id;
END;
INSERT INTO addresses(person_id, email, name, company, archived)
    SELECT p.id, e.value, p.display_name, p.company, p.archived
    FROM people p, json_each(p.data, '$.emails') e WHERE trim(e.value) <> '';
",
    },
    Step {
        // The city as a column of its own, for the people list's `city`
        // column: loading the list reads summaries, never the JSON.
        version: 6,
        sql: "
ALTER TABLE people ADD COLUMN city TEXT NOT NULL DEFAULT '';
UPDATE people SET city = coalesce(json_extract(data, '$.address.city'), '');
",
    },
    Step {
        // Pairs the duplicate review was told are two people ("not a
        // duplicate"), smaller id first, so they are not offered again.
        version: 7,
        sql: "
CREATE TABLE not_duplicates (
    a         TEXT NOT NULL,
    b         TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
",
    },
];

/// The schema version this rolo writes.
pub const SCHEMA_VERSION: i64 = STEPS[STEPS.len() - 1].version;

/// Bring the database at `path` up to [`SCHEMA_VERSION`].
pub(super) fn run(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    for step in STEPS.iter().filter(|s| s.version > found) {
        // IMMEDIATE: two rolo processes opening an old database at once must
        // not both run the same step; the second waits (busy timeout), then
        // sees the new version and skips it.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied = (|| -> Result<()> {
            let now: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now < step.version {
                conn.execute_batch(step.sql)?;
                conn.pragma_update(None, "user_version", step.version)?;
            }
            Ok(())
        })();
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_numbered_in_order_without_gaps() {
        for (i, step) in STEPS.iter().enumerate() {
            assert_eq!(step.version, i as i64 + 1, "step {i}");
        }
    }

    #[test]
    fn a_newer_database_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = run(&conn, Path::new("x.sqlite")).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
        assert!(err.to_string().contains("newer rolo"), "{err}");
    }

    #[test]
    fn running_twice_changes_nothing() {
        let conn = Connection::open_in_memory().unwrap();
        run(&conn, Path::new(":memory:")).unwrap();
        run(&conn, Path::new(":memory:")).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }
}
