//! Power-user keys (issue #12, part A) through `update`: count prefixes,
//! jump by first letter, the `:` command line and quick filters.

use rolo::app::effect::Effect;
use rolo::app::people::SortKey;
use rolo::app::state::State;
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
    s.people.selected_person().unwrap().family_name.clone()
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
