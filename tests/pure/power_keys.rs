//! Power-user keys (issue #12, part A) through `update`: count prefixes,
//! jump by first letter, the `:` command line and quick filters.

use rolo::app::action::Action;
use rolo::app::effect::Effect;
use rolo::app::keymap::{KeyMode, acts_in};
use rolo::app::people::SortKey;
use rolo::app::state::{Overlay, State};
use rolo::app::update::update;
use rolo::model::Person;
use support::app::*;

/// 40 people, family names from a list of surnames: sorted by family
/// name, row 1 is "Abbott 00" and so on.
fn crowd() -> Vec<Person> {
    let families = [
        "Abbott",
        "Baker",
        "Çelik",
        "Dunn",
        "Evans",
        "Fox",
        "Green",
        "Hall",
        "Irwin",
        "Jones",
        "King",
        "Lopez",
        "Moore",
        "Nash",
        "Östergaard",
        "Price",
        "Quinn",
        "Reed",
        "Smith",
        "Stone",
    ];
    (0..40)
        .map(|i| {
            person(
                &format!("c-{i:02}"),
                &format!("{i:02}"),
                families[i / 2],
                "Acme",
                &format!("p{i}@acme.com"),
            )
        })
        .collect()
}

fn crowd_state(size: (u16, u16)) -> (State, Vec<Person>) {
    let people = crowd();
    let s = state_with(&people, size);
    (s, people)
}

fn row(s: &State) -> usize {
    s.people.selected
}

fn family(s: &State) -> String {
    s.people.selected_person().unwrap().family_name.to_string()
}

fn loads(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::LoadDetail { .. }))
        .count()
}

#[test]
fn a_count_repeats_a_move_in_one_step() {
    let (mut s, _) = crowd_state((100, 30));
    assert_eq!(row(&s), 0);
    let e = press(&mut s, "5 j");
    assert_eq!(row(&s), 5);
    assert_eq!(loads(&e), 1, "one detail load for the whole move: {e:?}");
    press(&mut s, "1 0 j");
    assert_eq!(row(&s), 15);
    press(&mut s, "3 k");
    assert_eq!(row(&s), 12);
    // Past the end stops at the last row.
    press(&mut s, "9 9 9 j");
    assert_eq!(row(&s), 39);
    // The count is used up: a plain j after it moves one.
    press(&mut s, "g g j");
    assert_eq!(row(&s), 1);
}

#[test]
fn a_count_before_g_goes_to_that_row_counted_from_one() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, "3 G");
    assert_eq!(row(&s), 2);
    press(&mut s, "2 5 g g");
    assert_eq!(row(&s), 24);
    press(&mut s, "G");
    assert_eq!(row(&s), 39);
}

#[test]
fn a_count_shows_while_typed_and_esc_drops_it() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, "1 2");
    assert_eq!(s.count, Some(12));
    assert!(s.status.message.starts_with("12"), "{}", s.status.message);
    press(&mut s, "esc");
    assert_eq!(s.count, None);
    press(&mut s, "j");
    assert_eq!(row(&s), 1, "the dropped count does not apply");
    // A count before a sequence shows both.
    press(&mut s, "4 g");
    assert!(s.status.message.starts_with("4 g"), "{}", s.status.message);
    press(&mut s, "g");
    assert_eq!(row(&s), 3);
}

#[test]
fn a_count_never_repeats_a_change() {
    let (mut s, _) = crowd_state((100, 30));
    let e = press(&mut s, "3 D");
    // One confirmation for one person, not three deletions.
    assert_eq!(s.overlays.len(), 1, "{:?}", s.overlays);
    assert!(
        !e.iter().any(|e| format!("{e:?}").contains("Delete")),
        "{e:?}"
    );
}

#[test]
fn digits_are_text_where_text_is_typed() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, "/");
    type_text(&mut s, "42");
    assert_eq!(s.search_input.value(), "42");
    assert_eq!(s.count, None);
}

#[test]
fn counts_move_through_notes_in_the_detail_pane() {
    let people = cast();
    let mut s = state_with(&people, (100, 30));
    // Select Ñúñez (p-1, the one with notes) and load her.
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    press(&mut s, "tab");
    assert_eq!(s.detail.notes.len(), 2);
    press(&mut s, "5 j");
    assert_eq!(s.detail.note_selected, 1, "stops at the last note");
    press(&mut s, "k");
    assert_eq!(s.detail.note_selected, 0);
}

#[test]
fn f_then_a_letter_jumps_to_the_next_name_with_it() {
    let (mut s, _) = crowd_state((100, 30));
    let e = press(&mut s, "f s");
    assert_eq!(family(&s), "Smith");
    assert_eq!(loads(&e), 1);
    let first_smith = row(&s);
    press(&mut s, "f s");
    assert_eq!(family(&s), "Smith", "the second Smith");
    assert_eq!(row(&s), first_smith + 1);
    press(&mut s, "f s");
    assert_eq!(family(&s), "Stone");
    // Wraps round past the end.
    press(&mut s, "f s f s");
    assert_eq!((family(&s), row(&s)), ("Smith".to_string(), first_smith));
    // Accents and case fold as search does.
    press(&mut s, "f o");
    assert_eq!(family(&s), "Östergaard");
    press(&mut s, "f C");
    assert_eq!(family(&s), "Çelik");
}

#[test]
fn a_jump_follows_the_sort_and_says_when_nothing_matches() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, "f z");
    assert_eq!(row(&s), 0, "no Z: the selection stays");
    assert!(
        s.status.message.contains("no family name starts with 'z'"),
        "{}",
        s.status.message
    );
    press(&mut s, "s");
    assert_eq!(s.people.sort, SortKey::GivenName);
    press(&mut s, "f 3");
    assert_eq!(
        s.people.selected_person().unwrap().given_name,
        "30",
        "given names in this order: 00, 01, …"
    );
    // Esc after f stays put and does not clear anything.
    press(&mut s, "f esc");
    assert!(!s.jump_pending);
    assert_eq!(s.people.selected_person().unwrap().given_name, "30");
}

fn command_text(s: &State) -> String {
    match s.overlays.last() {
        Some(Overlay::CommandLine(line)) => line.input.value().to_string(),
        other => panic!("no command line: {other:?}"),
    }
}

#[test]
fn a_typed_action_name_runs_as_its_key_would() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, ":");
    assert!(matches!(s.overlays.last(), Some(Overlay::CommandLine(_))));
    type_text(&mut s, "go_bottom");
    let e = press(&mut s, "enter");
    assert!(s.overlays.is_empty());
    assert_eq!(row(&s), 39);
    assert_eq!(loads(&e), 1);
    // Every action bound in a mode is typeable there, under its name.
    press(&mut s, ":");
    type_text(&mut s, "cycle_sort");
    press(&mut s, "enter");
    assert_eq!(s.people.sort, SortKey::GivenName);
    press(&mut s, ":");
    type_text(&mut s, "help");
    press(&mut s, "enter");
    assert!(matches!(s.overlays.last(), Some(Overlay::Help { .. })));
}

#[test]
fn tab_completes_and_cycles_through_the_candidates() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, ":");
    type_text(&mut s, "go_");
    press(&mut s, "tab");
    assert_eq!(command_text(&s), "go_top");
    press(&mut s, "tab");
    assert_eq!(command_text(&s), "go_bottom");
    press(&mut s, "tab");
    assert_eq!(command_text(&s), "go_top", "round again");
    press(&mut s, "backtab");
    assert_eq!(command_text(&s), "go_bottom");
    press(&mut s, "enter");
    assert_eq!(row(&s), 39);
    // A part of a name completes too; names that act here come first.
    press(&mut s, ":");
    type_text(&mut s, "note");
    press(&mut s, "tab");
    assert_eq!(command_text(&s), "focus_notes");
    press(&mut s, "tab");
    assert_eq!(command_text(&s), "add_note");
    let Some(Overlay::CommandLine(line)) = s.overlays.last() else {
        unreachable!()
    };
    assert!(
        line.candidates.contains(&"flag_note"),
        "{:?}",
        line.candidates
    );
    assert!(
        line.candidates.iter().position(|c| *c == "add_note")
            < line.candidates.iter().position(|c| *c == "flag_note"),
        "flag_note acts in the detail pane only: {:?}",
        line.candidates
    );
}

#[test]
fn every_action_name_is_a_candidate_of_the_empty_line() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, ": tab");
    let Some(Overlay::CommandLine(line)) = s.overlays.last() else {
        unreachable!()
    };
    let mut names = line.candidates.clone();
    names.sort_unstable();
    let mut all: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
    all.sort_unstable();
    assert_eq!(names, all);
}

#[test]
fn an_unknown_name_says_what_is_near_and_stays_open() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, ":");
    type_text(&mut s, "go_botom");
    press(&mut s, "enter");
    assert!(
        s.status
            .message
            .contains("no action 'go_botom'; did you mean go_bottom"),
        "{}",
        s.status.message
    );
    assert_eq!(command_text(&s), "go_botom", "kept for fixing");
    press(&mut s, "esc");
    assert!(s.overlays.is_empty());
    assert_eq!(row(&s), 0, "nothing ran");
}

#[test]
fn an_action_that_does_nothing_here_says_where_it_works() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, ":");
    type_text(&mut s, "flag_note");
    press(&mut s, "enter");
    assert!(
        s.status
            .message
            .contains("flag_note does nothing in [normal]; it works in [detail]"),
        "{}",
        s.status.message
    );
}

#[test]
fn a_number_goes_to_that_row_and_history_recalls_commands() {
    let (mut s, _) = crowd_state((100, 30));
    press(&mut s, ":");
    type_text(&mut s, "26");
    press(&mut s, "enter");
    assert_eq!(row(&s), 25);
    press(&mut s, ":");
    type_text(&mut s, "go_top");
    press(&mut s, "enter");
    assert_eq!(row(&s), 0);
    press(&mut s, ": up");
    assert_eq!(command_text(&s), "go_top");
    press(&mut s, "up");
    assert_eq!(command_text(&s), "26");
    press(&mut s, "up");
    assert_eq!(command_text(&s), "26", "the oldest stays");
    press(&mut s, "down down");
    assert_eq!(command_text(&s), "", "past the newest: an empty line");
    press(&mut s, "up enter");
    assert_eq!(row(&s), 0);
}

/// A cheap fingerprint of what an action may change.
fn fingerprint(s: &State) -> String {
    format!(
        "{:?} {:?} {} {} {:?} {} {:?}",
        s.focus,
        s.overlays.len(),
        s.people.selected,
        s.people.offset,
        s.people.sort,
        s.detail.note_selected,
        s.searching
    )
}

#[test]
fn actions_outside_a_modes_list_do_nothing_there() {
    // What keymap validation and the command line rely on: an action not
    // bound by default in the list or the detail pane does nothing there.
    let mut wrong = Vec::new();
    for mode in [KeyMode::Normal, KeyMode::Detail] {
        for action in Action::ALL {
            if acts_in(mode, *action) {
                continue;
            }
            let people = cast();
            let mut s = state_with(&people, (100, 30));
            let e = press(&mut s, "j j");
            load_detail(&mut s, &e, &people);
            if mode == KeyMode::Detail {
                press(&mut s, "tab");
            }
            assert_eq!(s.key_mode(), mode);
            let before = fingerprint(&s);
            let effects = update(&mut s, *action);
            if !effects.is_empty() || fingerprint(&s) != before {
                wrong.push(format!(
                    "{} in [{}]: {effects:?}",
                    action.name(),
                    mode.name()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "act but are not listed: {wrong:#?}");
}
