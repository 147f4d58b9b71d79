//! The wired tier: real parts wired together. Each backend against a fake
//! server on 127.0.0.1 (the contract suite, one file per CRM), the cached
//! client and its outbox under faults, SQLite files made by older
//! releases, and the real binary: its CLI, several processes on one cache,
//! and the TUI in a pseudo-terminal. One binary for the tier
//! (`cargo test --test wired`, `cargo test --test wired contract::`).

// A failed unwrap in a test is a failed test, with the value in the
// message (clippy.toml allows it in #[test] functions; this covers their
// helpers too).
#![allow(clippy::unwrap_used)]

mod cached_client;
mod cli;
mod cli_reads;
mod contract;
mod duplicates;
mod e2e_cache_pty;
mod e2e_pty;
mod edit_in_editor;
mod import_export;
mod introzy;
mod keymap_config;
mod merge;
mod migrations;
mod outbox_cli;
mod outbox_faults;
mod outbox_processes;
mod private_files;
mod rhythm;
mod rhythm_outbox;
mod rogerroger;
mod search_pty;
mod tmux;
mod undo;

/// A private HOME running the binary under test (cargo names its path only
/// to integration tests, hence here and not in the support crate).
pub fn sandbox() -> support::sandbox::Sandbox {
    support::sandbox::Sandbox::new(env!("CARGO_BIN_EXE_rolo"))
}
