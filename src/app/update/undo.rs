//! `u`: take back the last change to a person. The client decides how
//! (drop the queued op, or write the previous version back); the status
//! line says which, and a second `u` says there is nothing left to undo.

use crate::app::effect::Effect;
use crate::app::state::{LastChange, State};
use crate::backend::BackendError;
use crate::client::Undone;
use crate::model::Person;
use crate::store::PersonSummary;

/// A person saved: the change to remember, when it changed someone shown
/// (a new person has nothing to go back to, and is not undone this way).
pub(super) fn remember(state: &mut State, result: &Result<Person, BackendError>) {
    let Ok(after) = result else {
        return;
    };
    state.undo = state
        .detail
        .person
        .as_ref()
        .filter(|before| before.id == after.id && *before != after)
        .map(|before| LastChange {
            before: before.clone(),
            after: after.clone(),
        });
}

/// Another kind of change was made since: `u` must not reach past it.
pub(super) fn forget(state: &mut State, changed: bool) {
    if changed {
        state.undo = None;
    }
}

pub(super) fn undo(state: &mut State) -> Vec<Effect> {
    match state.undo.take() {
        None => {
            state.info("nothing to undo");
            Vec::new()
        }
        Some(change) => {
            state.busy(format!(
                "undoing the change to {}…",
                change.after.full_name()
            ));
            vec![Effect::Undo(change)]
        }
    }
}

pub(super) fn undone(
    state: &mut State,
    change: Box<LastChange>,
    result: Result<(Person, Undone), BackendError>,
) -> Vec<Effect> {
    match result {
        Ok((person, how)) => {
            state.info(format!(
                "undid the change to {}: {}",
                person.full_name(),
                how.describe()
            ));
            state.people.upsert(PersonSummary::from_person(&person));
            if state.detail.person.as_ref().map(|p| p.id.as_str()) == Some(person.id.as_str()) {
                state.detail.person = Some(person);
            }
        }
        Err(e) => {
            state.error(format!("could not undo: {e}"));
            // Still the last change: `u` may try again.
            state.undo = Some(*change);
        }
    }
    Vec::new()
}
