//! Jump by first letter, the vim way (`f` then a letter, as `f{char}`
//! finds a character on a line): the selection goes to the next person,
//! after the selected one and wrapping round, whose name in the current
//! sort order starts with that letter; `f s` again goes to the next one.
//! Letters fold case and accents as search does (`f o` finds Östergaard).

use super::select_changed;
use crate::app::effect::Effect;
use crate::app::people::SortKey;
use crate::app::state::State;
use crate::search::fold::fold;
use crate::store::PersonSummary;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// `jump_to_letter`: wait for the letter.
pub(super) fn start(state: &mut State) {
    if state.people.visible.is_empty() {
        state.info("no one to jump to");
        return;
    }
    state.jump_pending = true;
    state.info(format!(
        "jump to the next {} starting with… (type a letter, Esc to stay)",
        what_is_matched(state.people.sort)
    ));
}

/// The key after `jump_to_letter`: a letter jumps, anything else stays.
pub(super) fn finish(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    state.jump_pending = false;
    let letter = match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            c
        }
        _ => {
            state.info("");
            return Vec::new();
        }
    };
    let wanted = fold(&letter.to_string());
    let people = &state.people;
    let len = people.visible.len();
    let sort = people.sort;
    let found = (1..=len)
        .map(|step| (people.selected + step) % len)
        .find(|&row| {
            people
                .visible_person(row)
                .is_some_and(|p| fold(first_char(sort_text(sort, p))) == wanted)
        });
    match found {
        Some(row) => {
            let rows = state.list_rows();
            state.people.go_to(row, rows);
            let name = state
                .people
                .selected_person()
                .map(|p| crate::sanitize::for_display(&p.display_name))
                .unwrap_or_default();
            state.info(format!("{letter}: {name}"));
            select_changed(state)
        }
        None => {
            state.info(format!(
                "no {} starts with '{letter}'",
                what_is_matched(sort)
            ));
            Vec::new()
        }
    }
}

fn what_is_matched(sort: SortKey) -> &'static str {
    match sort {
        SortKey::FamilyName => "family name",
        SortKey::GivenName => "given name",
        SortKey::Company => "company",
        SortKey::RecentlyUpdated => "name",
    }
}

/// The text the list is sorted by, whose first letter a jump matches; a
/// person without a family name sorts (and jumps) by the name shown.
fn sort_text(sort: SortKey, p: &PersonSummary) -> &str {
    let text = match sort {
        SortKey::FamilyName => &p.family_name,
        SortKey::GivenName => &p.given_name,
        SortKey::Company => &p.company,
        SortKey::RecentlyUpdated => &p.display_name,
    };
    if text.trim().is_empty() {
        &p.display_name
    } else {
        text.trim_start()
    }
}

fn first_char(text: &str) -> &str {
    text.char_indices()
        .nth(1)
        .map_or(text, |(end, _)| &text[..end])
}
