//! One shape for everything that takes the keys: the people list, the
//! detail pane, the search bar and each overlay (as yazi's layers). A layer
//! names its keymap table and the actions its footer hints at, and says
//! what it does with an action, a key no binding claimed and a paste.
//! `update` hands every input to the top layer ([`State::top_layer`]).
//!
//! An overlay is its state (`state/<overlay>.rs`), its layer
//! (`update/<overlay>.rs`) and its drawing (`ui/<overlay>.rs`), registered
//! once here in [`Overlay::layer`]; `ui::draw_overlay`'s match then asks
//! for its drawing.

use super::action::Action;
use super::effect::Effect;
use super::keymap::KeyMode;
use super::state::{Focus, Overlay, State};
use super::update::{
    command_line, confirm, conflict, detail, duplicates, editor, form, help, list, outbox, review,
    search,
};
use crossterm::event::KeyEvent;

/// What every layer does. Handlers take the whole state, not the layer's
/// own: an overlay closes itself, opens another over itself and sets the
/// status line; it finds its own state on top of `state.overlays`.
pub trait Layer {
    /// The keymap table its keys are looked up in.
    fn mode(&self) -> KeyMode;

    /// The actions worth a footer hint, most useful first.
    fn hints(&self) -> &'static [Action];

    /// An action bound in its mode, while it is on top.
    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect>;

    /// A key no binding claimed: typing, for a layer that takes text.
    fn type_key(&self, _state: &mut State, _key: &KeyEvent) -> Vec<Effect> {
        Vec::new()
    }

    /// Pasted text, for a layer that takes text.
    fn paste(&self, _state: &mut State, _text: &str) -> Vec<Effect> {
        Vec::new()
    }
}

impl Overlay {
    /// The one registration of an overlay: the layer that handles it.
    pub fn layer(&self) -> &'static dyn Layer {
        match self {
            Overlay::Help { .. } => &help::HelpLayer,
            Overlay::Confirm(_) => &confirm::ConfirmLayer,
            Overlay::PersonForm(_) => &form::FormLayer,
            Overlay::NoteEditor(_) => &editor::EditorLayer,
            Overlay::Review(_) => &review::ReviewLayer,
            Overlay::Conflict(_) => &conflict::ConflictLayer,
            Overlay::Outbox(_) => &outbox::OutboxLayer,
            Overlay::CommandLine(_) => &command_line::CommandLineLayer,
            Overlay::Duplicates(_) => &duplicates::DuplicatesLayer,
        }
    }
}

impl State {
    /// The layer that gets the next key: the topmost overlay, else the
    /// search bar while typing a search, else the focused pane.
    pub fn top_layer(&self) -> &'static dyn Layer {
        match self.overlays.last() {
            Some(overlay) => overlay.layer(),
            None if self.searching => &search::SearchLayer,
            None if self.focus == Focus::Detail => &detail::DetailLayer,
            None => &list::ListLayer,
        }
    }
}
