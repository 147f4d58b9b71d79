//! The people list: moving, sorting, opening the search bar and the
//! detail pane, syncing; actions on the selected person are `person`'s.

use super::{duplicates, help, outbox, person, refused, search, select_changed};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Focus, State};

pub struct ListLayer;

impl Layer for ListLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Normal
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Search,
            Action::OpenDetail,
            Action::EditPerson,
            Action::AddPerson,
            Action::AddNote,
            Action::CycleSort,
            Action::Enrich,
            Action::Help,
            Action::Quit,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        if refused(state, action) {
            return Vec::new();
        }
        update_list(state, action)
    }
}

/// Rows a page key moves: a screenful less one, so a row stays in view.
pub(super) fn page(state: &State) -> isize {
    state.list_rows().saturating_sub(1).max(1) as isize
}

pub(super) fn update_list(state: &mut State, action: Action) -> Vec<Effect> {
    let rows = state.list_rows();
    match action {
        Action::MoveDown => state.people.move_by(1, rows),
        Action::MoveUp => state.people.move_by(-1, rows),
        Action::PageDown => state.people.move_by(page(state), rows),
        Action::PageUp => state.people.move_by(-page(state), rows),
        Action::GoTop => state.people.go_to(0, rows),
        Action::GoBottom => state.people.go_to(usize::MAX, rows),
        Action::JumpToLetter => {
            super::jump::start(state);
            return Vec::new();
        }
        Action::Search => {
            search::start(state);
            return Vec::new();
        }
        Action::ClearFilter => {
            if state.people.query.text.is_empty() {
                return Vec::new();
            }
            state.info("filter cleared");
            return search::clear_filter(state);
        }
        Action::CycleSort => {
            state.people.cycle_sort();
            state.people.scroll_to_selection(rows);
            state.info(format!("sorted by {}", state.people.sort.label()));
        }
        Action::OpenDetail | Action::FocusNotes => {
            if state.people.selected_person().is_some() {
                state.focus = Focus::Detail;
            }
        }
        Action::Help => help::open(state),
        Action::Messages => help::open_messages(state),
        Action::Sync => return start_sync(state),
        Action::Outbox => return outbox::open(state),
        Action::FindDuplicates => return duplicates::open(state),
        _ => return person::action(state, action),
    }
    select_changed(state)
}

pub(super) fn start_sync(state: &mut State) -> Vec<Effect> {
    if !state.sync.remote {
        state.info("the local workspace has nothing to sync");
        return Vec::new();
    }
    if state.sync.progress.is_some() {
        state.info("a sync is already running");
        return Vec::new();
    }
    state.sync.progress = Some((0, None));
    vec![Effect::Sync {
        focus: state.on_screen_ids(),
    }]
}
