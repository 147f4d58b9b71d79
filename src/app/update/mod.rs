//! `update`: the only place state changes. Pure: no I/O, no awaiting; it
//! returns effects for the event loop to run.
//!
//! Input goes to the top layer ([`State::top_layer`]); each layer is a file
//! here (as yazi's `yazi-actor/src/<layer>/`): the panes (`list`,
//! `detail`, `search`), the overlays (`help`, `confirm`, `form`, `editor`,
//! `review`, `conflict`, `outbox`), actions on the selected person shared
//! by both panes (`person`), keys typed ahead of an overlay (`awaiting`)
//! and the results of background work (`msg`).

mod awaiting;
pub(super) mod command_line;
pub(super) mod confirm;
pub(super) mod conflict;
mod count;
pub(super) mod detail;
pub(super) mod duplicates;
pub(super) mod editor;
pub(super) mod form;
pub(super) mod help;
mod jump;
pub(super) mod list;
mod msg;
pub(super) mod outbox;
mod person;
pub(super) mod review;
pub(super) mod search;
mod undo;

pub use msg::update_msg;

use super::action::Action;
use super::effect::{Effect, Msg};
use super::keymap::{Key, Lookup, format_seq};
use super::state::{State, TypedAhead};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Input from the terminal or from background work.
// Consumed as soon as it is made; size does not matter here.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Input {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Msg(Msg),
}

pub fn handle(state: &mut State, input: Input) -> Vec<Effect> {
    let mut effects = handle_input(state, input);
    // First: matching is what the next frame waits for.
    if let Some(job) = match_effect(state) {
        effects.insert(0, job);
    }
    effects
}

/// A query typed or people reloaded under a filter: the list model queued
/// a match, which runs on the matcher thread, not here.
fn match_effect(state: &mut State) -> Option<Effect> {
    state.people.take_job().map(Effect::Match)
}

fn handle_input(state: &mut State, input: Input) -> Vec<Effect> {
    match input {
        // An overlay already open (a question that popped up meanwhile)
        // still gets its keys; only keys for the pane underneath wait.
        Input::Key(key) if state.awaiting.is_some() && state.overlays.is_empty() => {
            awaiting::type_ahead(state, key)
        }
        Input::Key(key) => handle_key(state, key),
        Input::Paste(text) => {
            if let Some(awaiting) = state
                .awaiting
                .as_mut()
                .filter(|_| state.overlays.is_empty())
            {
                awaiting.typed.push(TypedAhead::Paste(text));
                return Vec::new();
            }
            state.top_layer().paste(state, &text)
        }
        Input::Resize(w, h) => {
            state.size = (w, h);
            let rows = state.list_rows();
            state.people.scroll_to_selection(rows);
            Vec::new()
        }
        Input::Msg(msg) => update_msg(state, msg),
    }
}

fn handle_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // Ctrl-C always quits, whatever the keymap says; editor text is already
    // in the drafts file.
    if is_ctrl_c(&key) {
        return quit(state);
    }
    if state.jump_pending {
        return jump::finish(state, &key);
    }
    if count::take(state, &key) {
        return Vec::new();
    }
    let layer = state.top_layer();
    let had_pending = !state.pending_keys.is_empty() || state.count.is_some();
    state.pending_keys.push(Key::from_event(&key));
    match state.keymap.lookup(layer.mode(), &state.pending_keys) {
        Lookup::Action(action) => {
            state.pending_keys.clear();
            if had_pending {
                state.info("");
            }
            match state.count.take() {
                Some(n) => count::run(state, action, n),
                None => update(state, action),
            }
        }
        Lookup::Pending => {
            let count = state.count.map(|n| n.to_string() + " ").unwrap_or_default();
            state.info(format!("{count}{} …", format_seq(&state.pending_keys)));
            Vec::new()
        }
        Lookup::Unbound => {
            state.pending_keys.clear();
            state.count = None;
            if had_pending {
                state.info("");
                return Vec::new();
            }
            // Keys no binding claimed: typing in the search bar, a form
            // field or the note editor.
            layer.type_key(state, &key)
        }
    }
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.quitting = true;
    vec![Effect::Quit]
}

/// Apply one action to the state: the top layer's.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        return quit(state);
    }
    // The `:` line opens over whichever layer binds it.
    if action == Action::CommandLine {
        command_line::open(state);
        return Vec::new();
    }
    state.top_layer().handle(state, action)
}

/// Whether the backend cannot do `action` (or the selected record refuses
/// it), said on the status line: what the panes ask before acting.
fn refused(state: &mut State, action: Action) -> bool {
    match state.unavailable(action) {
        Some(reason) => {
            state.info(reason);
            true
        }
        None => false,
    }
}

/// The selection moved: load the newly selected person's details.
fn select_changed(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.people.selected_id().map(str::to_string) else {
        state.detail.person = None;
        state.detail.notes.clear();
        return Vec::new();
    };
    if state.detail.person.as_ref().is_some_and(|p| p.id == id) && state.detail.loading.is_none() {
        return Vec::new();
    }
    load_detail(state, id)
}

/// Load `id`'s record and notes; replies to older loads are dropped.
fn load_detail(state: &mut State, id: String) -> Vec<Effect> {
    let request = state.request_id();
    state.detail.request = request;
    state.detail.loading = Some(id.clone());
    vec![Effect::LoadDetail { request, id }]
}
