//! Keys typed while an overlay is on its way (the form before the record
//! has loaded, the review before the proposals): kept for it and delivered
//! once it opens, never run as commands of the pane underneath.

use super::{Input, handle, is_ctrl_c, load_detail, quit, update};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::state::{AwaitStage, Awaiting, Overlay, State, TypedAhead};
use crate::model::Person;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

/// A key typed while an overlay is on its way: kept for it. Ctrl-C still
/// quits; Esc before anything was typed stops waiting.
pub(super) fn type_ahead(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if is_ctrl_c(&key) {
        return quit(state);
    }
    let Some(awaiting) = state.awaiting.as_mut() else {
        return Vec::new();
    };
    if key.code == KeyCode::Esc && awaiting.typed.is_empty() {
        state.awaiting = None;
        state.info("stopped waiting");
        return Vec::new();
    }
    awaiting.typed.push(TypedAhead::Key(key));
    let message = format!(
        "loading {}… {} key(s) kept for {}",
        awaiting.person_name,
        awaiting.typed.len(),
        awaiting.target()
    );
    state.busy(message);
    Vec::new()
}

/// Wait for the selected person's record before doing `action`; keys typed
/// meanwhile go to what `action` opens.
pub(super) fn await_detail(state: &mut State, action: Action, id: &str, name: &str) -> Vec<Effect> {
    state.awaiting = Some(Awaiting {
        action,
        person_id: id.to_string(),
        person_name: name.to_string(),
        stage: AwaitStage::Detail,
        typed: Vec::new(),
    });
    state.busy(format!(
        "loading {name}… keys you type now go to {}",
        state.awaiting.as_ref().map_or("it", Awaiting::target)
    ));
    if state.detail.loading.as_deref() == Some(id) {
        return Vec::new();
    }
    load_detail(state, id.to_string())
}

/// Wait for `person`'s enrichment proposals: keys typed before the review
/// opens are for it.
pub(super) fn await_proposals(state: &mut State, person: &Person) {
    state.awaiting = Some(Awaiting {
        action: Action::Enrich,
        person_id: person.id.clone(),
        person_name: person.full_name(),
        stage: AwaitStage::Enrich,
        typed: Vec::new(),
    });
}

/// Enrichment for `person_id` came back: if the review opened, it gets the
/// keys typed for it; if nothing opened, they were not meant for anything
/// else and are dropped, saying why.
pub(super) fn proposals_arrived(state: &mut State, person_id: &str) -> Vec<Effect> {
    let waited = state
        .awaiting
        .as_ref()
        .is_some_and(|a| a.stage == AwaitStage::Enrich && a.person_id == person_id);
    if !waited {
        return Vec::new();
    }
    if matches!(state.overlays.last(), Some(Overlay::Review(_))) {
        let typed = state.awaiting.take().map(|a| a.typed).unwrap_or_default();
        replay(state, typed)
    } else if state.awaiting.as_ref().is_some_and(|a| a.typed.is_empty()) {
        state.awaiting = None;
        Vec::new()
    } else {
        let why = state.status.message.clone();
        drop_awaiting(state, &why)
    }
}

/// The record the awaited action needed has arrived (or failed): do it,
/// then deliver the keys typed meanwhile.
pub(super) fn resume_awaiting(state: &mut State, id: &str, failed: Option<&str>) -> Vec<Effect> {
    let Some(awaiting) = state.awaiting.as_ref() else {
        return Vec::new();
    };
    if awaiting.stage != AwaitStage::Detail {
        return Vec::new();
    }
    let selected = state.people.selected_id() == Some(awaiting.person_id.as_str());
    if awaiting.person_id != id || !selected {
        // The list changed under the wait: the keys were not meant for
        // whatever is selected now.
        return drop_awaiting(state, "the selection changed");
    }
    if let Some(why) = failed {
        return drop_awaiting(state, why);
    }
    let Some(awaiting) = state.awaiting.take() else {
        return Vec::new();
    };
    state.info("");
    let mut effects = update(state, awaiting.action);
    match state.awaiting.as_mut() {
        // Now waiting for proposals: the keys wait with it.
        Some(next) => next.typed.extend(awaiting.typed),
        None => effects.extend(replay(state, awaiting.typed)),
    }
    effects
}

/// Stop waiting; keys typed meanwhile are dropped, never run as commands.
fn drop_awaiting(state: &mut State, why: &str) -> Vec<Effect> {
    if let Some(awaiting) = state.awaiting.take() {
        let n = awaiting.typed.len();
        let mut message = format!("{} did not open: {why}", awaiting.target());
        if n > 0 {
            message.push_str(&format!(" ({n} key(s) typed meanwhile were not used)"));
        }
        state.error(message);
    }
    Vec::new()
}

fn replay(state: &mut State, typed: Vec<TypedAhead>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for t in typed {
        let input = match t {
            TypedAhead::Key(k) => Input::Key(k),
            TypedAhead::Paste(p) => Input::Paste(p),
        };
        effects.extend(handle(state, input));
    }
    effects
}
