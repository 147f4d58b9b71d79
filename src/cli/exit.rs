//! Every exit code rolo returns, in one enum; the one function that picks
//! it for an error of any kind ([`exit_for`]); and the CLI's error, built
//! from it. One code means one outcome: scripts can branch on it without
//! reading the message. The README's exit-code table is
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
    /// `rolo query` found no address (mutt's `query_command` and abook
    /// answer so), or `rolo duplicates` no group; nothing went wrong.
    NoMatch,
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
        Exit::NoMatch,
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
            Exit::NoMatch => 1,
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
            Exit::NoMatch => {
                "`rolo query` matched no address, or `rolo duplicates` found none (stdout's first line says so)"
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

/// Anything that can stop a command, borrowed for [`exit_for`].
#[derive(Debug, Clone, Copy)]
pub enum Failure<'a> {
    /// A backend (or the cache in front of it) failed.
    Backend(&'a BackendError),
    /// A database cannot be used.
    Store(&'a StoreError),
    /// The config file or a profile is wrong.
    Config(&'a ConfigError),
    /// The profile could not be opened.
    Open(&'a OpenError),
    /// Reading or writing a stream failed.
    Io(&'a std::io::Error),
}

impl<'a> From<&'a BackendError> for Failure<'a> {
    fn from(e: &'a BackendError) -> Self {
        Failure::Backend(e)
    }
}

impl<'a> From<&'a StoreError> for Failure<'a> {
    fn from(e: &'a StoreError) -> Self {
        Failure::Store(e)
    }
}

impl<'a> From<&'a ConfigError> for Failure<'a> {
    fn from(e: &'a ConfigError) -> Self {
        Failure::Config(e)
    }
}

impl<'a> From<&'a OpenError> for Failure<'a> {
    fn from(e: &'a OpenError) -> Self {
        Failure::Open(e)
    }
}

impl<'a> From<&'a std::io::Error> for Failure<'a> {
    fn from(e: &'a std::io::Error) -> Self {
        Failure::Io(e)
    }
}

/// The one place an error kind becomes an exit code.
pub fn exit_for<'a>(failure: impl Into<Failure<'a>>) -> Exit {
    use crate::store::StoreProblem;
    match failure.into() {
        Failure::Backend(e) => match e {
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
        },
        Failure::Store(e) => match e.problem() {
            StoreProblem::Damaged => Exit::Damaged,
            StoreProblem::Locked => Exit::Locked,
            StoreProblem::Io => Exit::Io,
        },
        Failure::Config(e) => match e {
            ConfigError::UnknownProfile(..) => Exit::Usage,
            ConfigError::Secret { .. } => Exit::Auth,
            ConfigError::Invalid { .. }
            | ConfigError::Profile { .. }
            | ConfigError::Permissions { .. }
            | ConfigError::NoHome => Exit::Config,
        },
        Failure::Open(e) => match e {
            OpenError::Config(e) => exit_for(e),
            OpenError::Store(e) => exit_for(e),
            OpenError::Demo(_) => Exit::Internal,
            OpenError::Backend { .. } => Exit::Config,
        },
        // A reader that stopped early (`| head`) is not an error.
        Failure::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Failure::Io(_) => Exit::Io,
    }
}

/// A CLI failure: what happened (the exit code) and what to tell the user.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::from(BackendError::from(e))
    }
}

impl From<BackendError> for CliError {
    fn from(e: BackendError) -> Self {
        let message = match &e {
            // rolo's own refusal; main adds the "rolo: " itself.
            BackendError::Unsupported(why) => why.clone(),
            other => other.to_string(),
        };
        CliError {
            exit: exit_for(&e),
            message,
        }
    }
}

pub(super) fn usage(message: impl Into<String>) -> CliError {
    CliError {
        exit: Exit::Usage,
        message: message.into(),
    }
}

/// rolo refuses something the backend cannot do; nothing was sent or queued.
pub(super) fn refuse(message: impl Into<String>) -> CliError {
    usage(message)
}

pub(super) fn internal(message: impl Into<String>) -> CliError {
    CliError {
        exit: Exit::Internal,
        message: message.into(),
    }
}

pub(super) fn io(e: std::io::Error) -> CliError {
    let exit = exit_for(&e);
    CliError {
        exit,
        message: match exit {
            Exit::Ok => String::new(),
            _ => e.to_string(),
        },
    }
}

/// A write that failed before anything was queued says so: the user must
/// not wonder whether `rolo sync` will still send it.
pub(super) fn not_done(e: BackendError) -> CliError {
    let mut err = CliError::from(e);
    if matches!(
        err.exit,
        Exit::Unavailable | Exit::Io | Exit::Damaged | Exit::Locked
    ) {
        err.message.push_str("; nothing was changed or queued");
    }
    err
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
        assert_eq!(exit_for(&full), Exit::Io, "{full}");
        assert_eq!(exit_for(&BackendError::from(full)).code(), 74);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        std::fs::write(&path, vec![0x5a_u8; 8192]).unwrap();
        let damaged = crate::store::Store::open(&path).unwrap_err();
        assert_eq!(exit_for(&damaged), Exit::Damaged, "{damaged}");
        assert_eq!(exit_for(&BackendError::from(damaged)).code(), 65);
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
            assert_eq!(exit_for(&e).code(), code, "{e:?}");
        }
    }
}
