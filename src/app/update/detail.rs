//! The detail pane: moving between the selected person's notes and acting
//! on one; actions on the person are `person`'s.

use super::{editor, help, outbox, person, refused};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Confirm, Focus, Overlay, Pending, State};

pub struct DetailLayer;

impl Layer for DetailLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Detail
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Back,
            Action::AddNote,
            Action::EditNote,
            Action::FlagNote,
            Action::DeleteNote,
            Action::Help,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        if refused(state, action) {
            return Vec::new();
        }
        update_detail(state, action)
    }
}

fn update_detail(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::MoveDown => {
            let n = state.detail.notes.len();
            if n > 0 {
                state.detail.note_selected = (state.detail.note_selected + 1).min(n - 1);
            }
        }
        Action::MoveUp => {
            state.detail.note_selected = state.detail.note_selected.saturating_sub(1);
        }
        Action::Back | Action::FocusNotes => state.focus = Focus::List,
        Action::EditNote => return edit_note(state),
        Action::DeleteNote => return delete_note(state),
        Action::FlagNote => return flag_note(state),
        Action::Help => help::open(state),
        Action::Messages => help::open_messages(state),
        Action::Outbox => return outbox::open(state),
        _ => return person::action(state, action),
    }
    Vec::new()
}

/// The notes on screen belong to the selected person (not the one shown
/// before the selection moved and a load began).
fn notes_are_current(state: &mut State) -> bool {
    let current = state
        .detail
        .person
        .as_ref()
        .is_some_and(|p| Some(p.id.as_str()) == state.people.selected_id());
    if !current {
        state.info("still loading this person's notes…");
    }
    current
}

pub(super) fn edit_note(state: &mut State) -> Vec<Effect> {
    if !notes_are_current(state) {
        return Vec::new();
    }
    let (Some(person), Some(note)) = (
        state.detail.person.clone(),
        state.detail.selected_note().cloned(),
    ) else {
        state.info("no note selected — n adds one");
        return Vec::new();
    };
    let ed = editor::for_note(state, &person.id, &person.full_name(), Some(note));
    editor::open(state, ed);
    Vec::new()
}

fn delete_note(state: &mut State) -> Vec<Effect> {
    if !notes_are_current(state) {
        return Vec::new();
    }
    let Some(note) = state.detail.selected_note().cloned() else {
        state.info("no note selected");
        return Vec::new();
    };
    let label = if note.title.is_empty() {
        "this note".to_string()
    } else {
        format!("the note \u{201c}{}\u{201d}", note.title)
    };
    state.overlays.push(Overlay::Confirm(Confirm {
        question: format!("Delete {label}?"),
        on_yes: Pending::DeleteNote {
            person_id: note.person_id.clone(),
            note_id: note.id.clone(),
        },
    }));
    Vec::new()
}

fn flag_note(state: &mut State) -> Vec<Effect> {
    if !notes_are_current(state) {
        return Vec::new();
    }
    let Some(note) = state.detail.selected_note().cloned() else {
        state.info("no note selected");
        return Vec::new();
    };
    state.busy(if note.flagged {
        "unflagging…"
    } else {
        "flagging…"
    });
    vec![Effect::FlagNote {
        person_id: note.person_id,
        note_id: note.id,
        flagged: !note.flagged,
    }]
}
