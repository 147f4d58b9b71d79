//! The `:` command line: any action typed by its keymap name runs on the
//! layer underneath, as if its key had been pressed, so anything bound is
//! also typeable. Tab completes over every action name (those that do
//! something here first) and cycles through the candidates; Up and Down
//! walk the history; a number goes to that row (`:26`, as `26G`). A name
//! that is no action gets the near ones.

use super::{count, update};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::{KeyMode, acts_in, modes_of, near_names};
use crate::app::layer::Layer;
use crate::app::state::{COMMAND_HISTORY_LEN, CommandLine, Overlay, State};
use crossterm::event::KeyEvent;

pub struct CommandLineLayer;

impl Layer for CommandLineLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Command
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::RunCommand, Action::Complete, Action::Back]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        match action {
            Action::RunCommand => return run(state),
            Action::Back | Action::Cancel => {
                state.overlays.pop();
                state.info("");
            }
            Action::Complete => cycle(state, 1),
            Action::CompleteBack => cycle(state, -1),
            Action::MoveUp => history(state, 1),
            Action::MoveDown => history(state, -1),
            _ => {}
        }
        Vec::new()
    }

    fn type_key(&self, state: &mut State, key: &KeyEvent) -> Vec<Effect> {
        if let Some(line) = line(state)
            && line.input.handle_key(key)
        {
            edited(line);
        }
        Vec::new()
    }

    fn paste(&self, state: &mut State, text: &str) -> Vec<Effect> {
        if let Some(line) = line(state) {
            line.input
                .insert_str(&crate::app::input::pasted_on_one_line(text, " "));
            edited(line);
        }
        Vec::new()
    }
}

/// `command_line`: open the line over the layer on top.
pub(super) fn open(state: &mut State) {
    let mode = state.key_mode();
    state
        .overlays
        .push(Overlay::CommandLine(CommandLine::new(mode)));
}

fn line(state: &mut State) -> Option<&mut CommandLine> {
    match state.overlays.last_mut() {
        Some(Overlay::CommandLine(line)) => Some(line),
        _ => None,
    }
}

/// The text changed by typing: completions are for it now.
fn edited(line: &mut CommandLine) {
    line.typed = line.input.value().to_string();
    line.candidates = candidates(&line.typed, line.mode);
    line.chosen = None;
    line.history_at = None;
}

/// Action names that complete `typed`: those starting with it, then those
/// containing it; within each, the ones that do something in `mode` first,
/// in help order. Empty text completes to everything.
pub fn candidates(typed: &str, mode: KeyMode) -> Vec<&'static str> {
    let typed = typed.trim().to_lowercase();
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    for action in Action::ALL {
        let name = action.name();
        if name.starts_with(&typed) {
            starts.push(*action);
        } else if name.contains(&typed) {
            contains.push(*action);
        }
    }
    let here_first = |v: &mut Vec<Action>| v.sort_by_key(|a| !acts_in(mode, *a));
    here_first(&mut starts);
    here_first(&mut contains);
    starts
        .into_iter()
        .chain(contains)
        .map(Action::name)
        .collect()
}

/// Tab (`step` 1) and Shift-Tab (-1): put the next candidate in the input.
fn cycle(state: &mut State, step: isize) {
    let Some(line) = line(state) else { return };
    if line.chosen.is_none() {
        line.typed = line.input.value().to_string();
        line.candidates = candidates(&line.typed, line.mode);
    }
    let n = line.candidates.len();
    if n == 0 {
        let typed = line.typed.clone();
        state.info(format!("no action name contains '{typed}'"));
        return;
    }
    let next = match line.chosen {
        None if step < 0 => n - 1,
        None => 0,
        Some(at) => (at as isize + step).rem_euclid(n as isize) as usize,
    };
    line.chosen = Some(next);
    line.input = crate::app::input::LineInput::new(line.candidates[next]);
}

/// Up (`step` 1, older) and Down (-1, newer) through the history.
fn history(state: &mut State, step: isize) {
    let len = state.command_history.len();
    let Some(Overlay::CommandLine(line)) = state.overlays.last_mut() else {
        return;
    };
    if len == 0 {
        return;
    }
    let at = match (line.history_at, step > 0) {
        (None, true) => Some(0),
        (None, false) => None,
        (Some(at), true) => Some((at + 1).min(len - 1)),
        (Some(0), false) => None,
        (Some(at), false) => Some(at - 1),
    };
    line.history_at = at;
    let text = at.map_or(String::new(), |at| {
        state.command_history[len - 1 - at].clone()
    });
    line.input = crate::app::input::LineInput::new(text);
    line.typed = line.input.value().to_string();
    line.candidates = candidates(&line.typed, line.mode);
    line.chosen = None;
}

/// Enter: run what is typed on the layer underneath.
fn run(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::CommandLine(line)) = state.overlays.last() else {
        return Vec::new();
    };
    let text = line.input.value().trim().to_string();
    let mode = line.mode;
    if text.is_empty() {
        state.overlays.pop();
        return Vec::new();
    }
    if let Ok(row) = text.parse::<usize>() {
        state.overlays.pop();
        remember(state, &text);
        return count::run(state, Action::GoBottom, row);
    }
    let Some(action) = Action::from_name(&text) else {
        // Stay open: the user fixes the name.
        state.error(unknown_action(&text));
        return Vec::new();
    };
    if !acts_in(mode, action) {
        let works_in: Vec<&str> = modes_of(action).iter().map(|m| m.name()).collect();
        state.error(format!(
            "{text} does nothing in [{}]; it works in [{}]",
            mode.name(),
            works_in.join("], [")
        ));
        return Vec::new();
    }
    state.overlays.pop();
    state.info("");
    remember(state, &text);
    update(state, action)
}

fn remember(state: &mut State, text: &str) {
    let history = &mut state.command_history;
    history.retain(|t| t != text);
    history.push(text.to_string());
    if history.len() > COMMAND_HISTORY_LEN {
        history.remove(0);
    }
}

/// "no action 'x'", with the names it is nearest to.
pub fn unknown_action(text: &str) -> String {
    let near = near_names(text);
    let shown = crate::sanitize::for_display(text);
    if near.is_empty() {
        format!("no action '{shown}' (Tab lists them)")
    } else {
        format!("no action '{shown}'; did you mean {}?", near.join(", "))
    }
}
