//! The search bar: typing filters the list as it goes (the matcher thread
//! answers; for a remote profile the server is asked too once typing
//! pauses); Enter keeps the filter, Esc clears it.

use super::{list, select_changed};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::input::LineInput;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::State;
use crossterm::event::KeyEvent;

pub struct SearchLayer;

impl Layer for SearchLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Search
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::SearchAccept, Action::SearchCancel, Action::MoveDown]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        match action {
            Action::SearchAccept => {
                state.searching = false;
                let n = state.people.visible.len();
                state.info(format!("{n} matching — Esc clears the filter"));
                Vec::new()
            }
            Action::SearchCancel => {
                state.searching = false;
                clear_filter(state)
            }
            Action::MoveDown | Action::MoveUp => list::update_list(state, action),
            _ => Vec::new(),
        }
    }

    fn type_key(&self, state: &mut State, key: &KeyEvent) -> Vec<Effect> {
        if !state.search_input.handle_key(key) {
            return Vec::new();
        }
        query_changed(state)
    }

    fn paste(&self, state: &mut State, text: &str) -> Vec<Effect> {
        state.search_input.insert_str(text);
        query_changed(state)
    }
}

/// Record what is in the search bar; the matcher's job leaves through
/// `update::handle` ([`super::match_effect`]), its answer comes back as
/// `Msg::Matched`.
fn query_changed(state: &mut State) -> Vec<Effect> {
    let text = state.search_input.value().to_string();
    let mut effects = keeping_track_of_selection(state, |people| people.type_query(&text));
    effects.extend(server_search(state));
    effects
}

/// The matcher's answer: draw it unless something newer is drawn.
pub(super) fn matched(state: &mut State, snapshot: crate::search::engine::Snapshot) -> Vec<Effect> {
    keeping_track_of_selection(state, |people| {
        people.apply(snapshot);
    })
}

/// Change the list; load the selected person's details only if the
/// selection moved to someone else (typing over the same person asks for
/// nothing).
fn keeping_track_of_selection(
    state: &mut State,
    change: impl FnOnce(&mut crate::app::people::PeopleView),
) -> Vec<Effect> {
    let before = state.people.selected_id().map(str::to_string);
    change(&mut state.people);
    state.people.scroll_to_selection(state.list_rows());
    if state.people.selected_id() == before.as_deref() {
        return Vec::new();
    }
    select_changed(state)
}

/// Open the search bar on the current filter.
pub(super) fn start(state: &mut State) {
    state.searching = true;
    state.search_input = LineInput::new(state.people.query.text.clone());
    let examples = examples(&state.people);
    state.info(format!(
        "type to filter — {examples} — Enter keeps, Esc clears"
    ));
}

/// Filters that find someone here: a tag, a company and an email domain
/// taken from the first people in the list (the defaults for an empty one).
fn examples(people: &crate::app::people::PeopleView) -> String {
    let first = |pick: &dyn Fn(&crate::store::PersonSummary) -> Option<String>| {
        people.all.iter().take(1000).find_map(pick)
    };
    let word = |s: &str| {
        s.split_whitespace()
            .next()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
    };
    let tag = first(&|p| word(&p.tags)).unwrap_or_else(|| "vip".into());
    let company = first(&|p| word(&p.company)).unwrap_or_else(|| "acme".into());
    let domain = first(&|p| {
        let email = p.primary_email();
        email.split_once('@').map(|(_, d)| d.to_lowercase())
    })
    .unwrap_or_else(|| "acme.com".into());
    crate::sanitize::for_display(&format!("tag:{tag} company:{company} email:@{domain}"))
        .into_owned()
}

pub(super) fn clear_filter(state: &mut State) -> Vec<Effect> {
    state.search_input.clear();
    state.people.type_query("");
    state.people.scroll_to_selection(state.list_rows());
    select_changed(state)
}

/// For remote profiles, also ask the server about what the user typed.
fn server_search(state: &mut State) -> Vec<Effect> {
    let text = state.people.query.fuzzy.trim().to_string();
    if !state.sync.remote || !state.caps.server_search || text.chars().count() < 2 {
        return Vec::new();
    }
    state.server_search = state.request_id();
    vec![Effect::ServerSearch {
        request: state.server_search,
        text,
    }]
}
