//! rolo: a keyboard-driven terminal contact manager for CRMs.
//!
//! Layers (see ../shared/DESIGN.md): `model` <- `store`/`backend` <- `client` <- `app`/`cli`; `ui` renders `app` state.

pub mod app;
pub mod backend;
pub mod cli;
pub mod client;
pub mod config;
pub mod drafts;
pub mod enrich;
#[cfg(feature = "fake-data")]
pub mod fake_data;

pub mod format;
pub mod model;
pub mod outbox;
pub mod sanitize;
pub mod search;
pub mod store;
pub mod terminal;
pub mod ui;
pub mod workspace;
