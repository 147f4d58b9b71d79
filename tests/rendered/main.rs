//! The rendered tier: the UI drawn on ratatui's `TestBackend` at 100x30,
//! 80x24 and narrower, compared with insta snapshots (`snapshots/`), with
//! the states that lead there driven through `update`. One binary for the
//! tier (`cargo test --test rendered`).

mod enrich_review;
mod outbox_view;
mod rogerroger_app;
mod ui_snapshots;
