//! Count prefixes, as in vim and aerc: `5j` moves five rows, `3G` (or
//! `3 g g`) goes to the third row, `2 ctrl-d` two pages. Digits typed
//! before a key are a count in the layers that move through a list (not
//! in those that take text); a count before any other action is dropped
//! rather than repeating it (`3D` deletes one person, never three).

use super::{list, select_changed, update};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::{Key, KeyMode, Lookup};
use crate::app::state::State;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Counts beyond this are typing mistakes; they are capped, not wrapped.
const MAX_COUNT: usize = 999_999;

/// The layers whose keys are commands, not text: a digit there may start
/// a count.
fn counts_in(mode: KeyMode) -> bool {
    matches!(
        mode,
        KeyMode::Normal
            | KeyMode::Detail
            | KeyMode::Review
            | KeyMode::Conflict
            | KeyMode::Outbox
            | KeyMode::Help
    )
}

/// Take `key` as part of a count, if it is one: a digit (a leading `0`
/// is not; it may be bound) that the mode does not bind itself, with no
/// sequence under way. Esc drops a count being typed.
pub(super) fn take(state: &mut State, key: &KeyEvent) -> bool {
    let mode = state.key_mode();
    if !state.pending_keys.is_empty() || !counts_in(mode) {
        return false;
    }
    if key.code == KeyCode::Esc && state.count.is_some() {
        state.count = None;
        state.info("");
        return true;
    }
    let KeyCode::Char(c @ '0'..='9') = key.code else {
        return false;
    };
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return false;
    }
    let pressed = [Key::from_event(key)];
    if state.count.is_none() && (c == '0' || state.keymap.lookup(mode, &pressed) != Lookup::Unbound)
    {
        return false;
    }
    let digit = c as usize - '0' as usize;
    let count = state
        .count
        .unwrap_or(0)
        .saturating_mul(10)
        .saturating_add(digit)
        .min(MAX_COUNT);
    state.count = Some(count);
    state.info(format!("{count} …"));
    true
}

/// Run `action` typed after a count of `n`.
pub(super) fn run(state: &mut State, action: Action, n: usize) -> Vec<Effect> {
    let n = n.max(1);
    let moves = matches!(
        action,
        Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp
    );
    let goes_to = matches!(action, Action::GoTop | Action::GoBottom);
    if !moves && !goes_to {
        return update(state, action);
    }
    if state.key_mode() == KeyMode::Normal {
        // The people list moves in one step: one detail load, not n.
        let rows = state.list_rows();
        let step = match action {
            Action::MoveDown => 1,
            Action::MoveUp => -1,
            Action::PageDown => list::page(state),
            Action::PageUp => -list::page(state),
            _ => {
                // `3G`: the third row, counted from 1 as the position shows.
                state.people.go_to(n - 1, rows);
                return select_changed(state);
            }
        };
        let delta = step.saturating_mul(n.min(isize::MAX as usize) as isize);
        state.people.move_by(delta, rows);
        return select_changed(state);
    }
    // Other lists are short: repeat the move, stopping at the end.
    let (first, step, times) = if goes_to {
        (Some(Action::GoTop), Action::MoveDown, n - 1)
    } else {
        (None, action, n)
    };
    let mut effects = first.map(|a| update(state, a)).unwrap_or_default();
    for _ in 0..times.min(10_000) {
        effects.extend(update(state, step));
    }
    effects
}
