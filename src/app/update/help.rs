//! The help overlay: every binding of the mode it opened over, scrolled.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Overlay, State};

pub struct HelpLayer;

impl Layer for HelpLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Help
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::MoveDown, Action::Back]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        if let Some(Overlay::Help { scroll, .. }) = state.overlays.last_mut() {
            match action {
                Action::MoveDown => *scroll = scroll.saturating_add(1),
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
