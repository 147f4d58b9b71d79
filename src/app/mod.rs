//! The interactive app: state, actions, keymap and the event loop.

pub mod action;
pub mod clipboard;
pub mod effect;
pub mod event_loop;
pub mod input;
pub mod keymap;
pub mod layer;
pub mod people;
mod present;
pub mod state;
pub mod update;
