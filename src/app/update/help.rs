//! The help overlay: every binding of the mode it opened over, scrolled.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Overlay, State};
use crate::ui::help as help_view;

pub struct HelpLayer;

impl Layer for HelpLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Help
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::MoveDown, Action::Back]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        // Scrolling stops at the last row: never past the end into a blank box.
        let max = match state.overlays.last() {
            Some(Overlay::Help { mode, .. }) => help_view::max_scroll(state, *mode),
            _ => 0,
        };
        if let Some(Overlay::Help { scroll, .. }) = state.overlays.last_mut() {
            match action {
                Action::MoveDown => *scroll = scroll.saturating_add(1).min(max),
                Action::MoveUp => *scroll = scroll.saturating_sub(1),
                Action::Back | Action::Help | Action::Cancel => {
                    state.overlays.pop();
                }
                _ => {}
            }
        }
        Vec::new()
    }
}

/// Open the help of the layer on top.
pub(super) fn open(state: &mut State) {
    let mode = state.key_mode();
    state.overlays.push(Overlay::Help { scroll: 0, mode });
}

/// Open the help of the layer on top at its message log.
pub(super) fn open_messages(state: &mut State) {
    let mode = state.key_mode();
    let scroll = help_view::messages_row(state, mode).min(help_view::max_scroll(state, mode));
    state.overlays.push(Overlay::Help { scroll, mode });
}
