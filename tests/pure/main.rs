//! The pure tier: `update` on `State` driven by keys and messages, and the
//! README's tables checked against the live keymap and exit codes. Nothing
//! here opens a socket or a database; one binary for the tier, so CI links
//! it once (`cargo test --test pure`).

// A failed unwrap in a test is a failed test, with the value in the
// message (clippy.toml allows it in #[test] functions; this covers their
// helpers too).
#![allow(clippy::unwrap_used)]

mod app_update;
mod layers;
mod marks_undo;
mod power_keys;
mod readme;
mod screen;
mod vcard;
