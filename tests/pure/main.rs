//! The pure tier: `update` on `State` driven by keys and messages, and the
//! README's tables checked against the live keymap and exit codes. Nothing
//! here opens a socket or a database; one binary for the tier, so CI links
//! it once (`cargo test --test pure`).

mod app_update;
mod readme;
