//! Every exit code rolo returns, in one enum, and the one function per
//! error kind that picks it. One code means one outcome: scripts can branch
//! on it without reading the message. The README's exit-code table is
//! checked against [`Exit::ALL`] (`tests/wired/cli.rs`).

use crate::backend::BackendError;
use crate::config::ConfigError;
use crate::store::StoreError;
use crate::workspace::OpenError;

/// What happened, as a process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exit {
    /// Done. A write accepted into the outbox counts as done: it is on disk
    /// and `rolo sync` or the next start sends it (stderr says `queued: …`).
    Ok,
    /// Usage: a bad flag or value, an unknown field or profile, or an action
    /// or field the backend lacks (rolo refuses; nothing was done).
    Usage,
    /// The person or note does not exist.
    NotFound,
    /// Invalid: the record breaks the backend's rules, field by field (the
    /// server's words or rolo's own check); the change was not made.
    Invalid,
    /// The server did not answer or failed (cannot connect, no answer in
    /// time, 5xx, rate limited, reply cut off); nothing was done.
    Unavailable,
    /// Authentication: the key is missing or refused (never printed).
    Auth,
    /// Conflict: the record changed on the server since it was read (or a
    /// duplicate exists); a queued edit stays queued for you to settle.
    Conflict,
    /// A database or cache file is damaged, not rolo's, or made by a newer
    /// rolo; it is left as it is (move it aside or upgrade).
    Damaged,
    /// Internal error: rolo's own bundled data is unreadable (a bug).
    Internal,
    /// The operating system refused a resource rolo needs (threads).
    Os,
    /// Input/output failed: the disk is full or not writable, or the output
    /// or terminal cannot be written; nothing was changed.
    Io,
    /// The database is locked by another program; retry when it is closed.
    Locked,
    /// Configuration: the config file or a profile is wrong.
    Config,
}

impl Exit {
    /// Every code, in the README table's order.
    pub const ALL: &'static [Exit] = &[
        Exit::Ok,
        Exit::Usage,
        Exit::NotFound,
        Exit::Invalid,
        Exit::Unavailable,
        Exit::Auth,
        Exit::Conflict,
        Exit::Damaged,
        Exit::Internal,
        Exit::Os,
        Exit::Io,
        Exit::Locked,
        Exit::Config,
    ];

    /// The number the process exits with. 2 is also what clap uses for a
    /// bad command line; the sysexits.h numbers (65, 70, 71, 74, 75, 78)
    /// keep their usual meaning.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Usage => 2,
            Exit::NotFound => 3,
            Exit::Invalid => 4,
            Exit::Unavailable => 5,
            Exit::Auth => 6,
            Exit::Conflict => 7,
            Exit::Damaged => 65,
            Exit::Internal => 70,
            Exit::Os => 71,
            Exit::Io => 74,
            Exit::Locked => 75,
            Exit::Config => 78,
        }
    }

    /// One line for the README's table.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => {
                "done; a write accepted into the outbox is done too: stderr says `queued: will be sent by rolo sync or the next start`"
            }
            Exit::Usage => {
                "usage: bad flag or value, unknown field or profile, or a field or action the backend lacks (rolo refuses; nothing was done)"
            }
            Exit::NotFound => "not found",
            Exit::Invalid => {
                "invalid: the record breaks the backend's rules (field by field); the change was not made"
            }
            Exit::Unavailable => {
                "the server did not answer or failed (cannot connect, no answer in time, 5xx, rate limited, reply cut off); nothing was done"
            }
            Exit::Auth => {
                "authentication: the key is missing or refused (the key is never printed)"
            }
            Exit::Conflict => {
                "conflict: the record changed on the server (or a duplicate exists); a queued edit stays queued"
            }
            Exit::Damaged => {
                "a database or cache file is damaged, not rolo's, or from a newer rolo; it is left untouched"
            }
            Exit::Internal => "internal error (rolo's bundled data is unreadable)",
            Exit::Os => "the operating system refused a resource (threads)",
            Exit::Io => {
                "input/output failed: the disk is full or read-only, or the output or terminal cannot be written"
            }
            Exit::Locked => "the database is locked by another program; close it and retry",
            Exit::Config => "configuration: the config file or a profile is wrong",
        }
    }

    pub fn process(self) -> std::process::ExitCode {
        std::process::ExitCode::from(self.code())
    }
}

/// The exit for an error from a backend (or the cache in front of it).
pub fn for_backend(e: &BackendError) -> Exit {
    match e {
        BackendError::Unauthorized(_) => Exit::Auth,
        BackendError::NotFound(_) => Exit::NotFound,
        BackendError::Validation(_) => Exit::Invalid,
        BackendError::Conflict { .. } => Exit::Conflict,
        BackendError::Unsupported(_) => Exit::Usage,
        BackendError::RateLimited { .. }
        | BackendError::Server { .. }
        | BackendError::Network(_)
        | BackendError::Malformed(_) => Exit::Unavailable,
        BackendError::Storage(_) => Exit::Io,
        BackendError::StorageDamaged(_) => Exit::Damaged,
        BackendError::StorageLocked(_) => Exit::Locked,
    }
}

/// The exit for a database that cannot be used.
pub fn for_store(e: &StoreError) -> Exit {
    use crate::store::StoreProblem;
    match e.problem() {
        StoreProblem::Damaged => Exit::Damaged,
        StoreProblem::Locked => Exit::Locked,
        StoreProblem::Io => Exit::Io,
    }
}

pub fn for_config(e: &ConfigError) -> Exit {
    match e {
        ConfigError::UnknownProfile(..) => Exit::Usage,
        ConfigError::Secret { .. } => Exit::Auth,
        ConfigError::Invalid { .. }
        | ConfigError::Permissions { .. }
        | ConfigError::Keymap(_)
        | ConfigError::NoHome => Exit::Config,
    }
}

/// The exit for a profile that could not be opened.
pub fn for_open(e: &OpenError) -> Exit {
    match e {
        OpenError::Config(e) => for_config(e),
        OpenError::Store(e) => for_store(e),
        OpenError::Demo(_) => Exit::Internal,
        OpenError::Backend { .. } => Exit::Config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_code_means_one_outcome() {
        let mut codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n, "two outcomes share a code");
    }

    /// Real SQLite failures, not hand-made errors: a full database and a
    /// damaged file each get their own code, neither the network's 5.
    #[test]
    fn a_full_disk_and_a_damaged_cache_are_told_apart() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (b BLOB); PRAGMA max_page_count = 3;")
            .unwrap();
        let full = conn
            .execute("INSERT INTO t VALUES (zeroblob(1000000))", [])
            .unwrap_err();
        assert_eq!(
            full.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DiskFull)
        );
        let full = StoreError::Sql(full);
        assert_eq!(for_store(&full), Exit::Io, "{full}");
        assert_eq!(for_backend(&BackendError::from(full)).code(), 74);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        std::fs::write(&path, vec![0x5a_u8; 8192]).unwrap();
        let damaged = crate::store::Store::open(&path).unwrap_err();
        assert_eq!(for_store(&damaged), Exit::Damaged, "{damaged}");
        assert_eq!(for_backend(&BackendError::from(damaged)).code(), 65);
    }

    #[test]
    fn errors_map_to_their_outcome() {
        let cases = [
            (BackendError::Unauthorized("x".into()), 6),
            (BackendError::Network("no answer".into()), 5),
            (BackendError::Malformed("cut off".into()), 5),
            (BackendError::Unsupported("no job title".into()), 2),
            (BackendError::Storage("disk full".into()), 74),
            (BackendError::StorageDamaged("not a database".into()), 65),
            (BackendError::StorageLocked("busy".into()), 75),
        ];
        for (e, code) in cases {
            assert_eq!(for_backend(&e).code(), code, "{e:?}");
        }
    }
}
