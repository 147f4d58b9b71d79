//! The interactive app: state, actions, keymap and the event loop.

pub mod action;
pub mod keymap;
