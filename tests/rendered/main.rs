//! The rendered tier: the UI drawn on ratatui's `TestBackend` at 100x30,
//! 80x24 and narrower, compared with insta snapshots (`snapshots/`), with
//! the states that lead there driven through `update`. One binary for the
//! tier (`cargo test --test rendered`).

// A failed unwrap in a test is a failed test, with the value in the
// message (clippy.toml allows it in #[test] functions; this covers their
// helpers too).
#![allow(clippy::unwrap_used)]

mod detail_notes;
mod duplicates;
mod enrich_review;
mod help_log;
mod list_keys;
mod outbox_view;
mod power_keys;
mod rogerroger_app;
mod scripts;
mod ui_snapshots;
