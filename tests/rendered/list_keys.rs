//! The list's position indicator (`26/240`) and scrollbar, the column
//! headers and the configured columns, the quick filters on the search
//! bar and the `:` command line, drawn at 80x24 and 120x35.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::state::State;
use rolo::model::Person;
use support::app::*;

fn render(state: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, state)).unwrap();
    t
}

/// 60 people, enough to scroll at any size drawn here.
fn crowd() -> Vec<Person> {
    (0..60)
        .map(|i| {
            let mut p = person(
                &format!("c-{i:02}"),
                &format!("Person{i:02}"),
                &format!("Family{i:02}"),
                if i % 3 == 0 { "Initech" } else { "Acme" },
                &format!("p{i}@acme.com"),
            );
            p.tags = vec!["vip".into(), format!("t{}", i % 4)];
            p.address.city = ["Utrecht", "Lisbon", "São Paulo"][i % 3].into();
            p.normalize()
        })
        .collect()
}

/// The text of row `y`.
fn row_text(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

#[test]
fn position_and_scrollbar_at_the_top_80x24() {
    let s = state_with(&crowd(), (80, 24));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn position_and_scrollbar_follow_a_count_move_80x24() {
    let mut s = state_with(&crowd(), (80, 24));
    press(&mut s, "2 6 G");
    let t = render(&s);
    // The bottom border of the list (row 21 of 24: status and footer below).
    assert!(row_text(&t, 21).contains(" 26/60 "), "{}", row_text(&t, 21));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn position_and_scrollbar_at_the_bottom_120x35() {
    let mut s = state_with(&crowd(), (120, 35));
    press(&mut s, "G");
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn no_scrollbar_when_everyone_fits() {
    let s = state_with(&cast(), (80, 24));
    let t = render(&s);
    let right: String = (1..21).map(|y| row_text(&t, y).pop().unwrap()).collect();
    assert!(!right.contains('█'), "{right}");
    assert!(row_text(&t, 21).contains(" 1/5 "), "{}", row_text(&t, 21));
}

#[test]
fn the_command_line_with_its_candidates_80x24() {
    let mut s = state_with(&crowd(), (80, 24));
    press(&mut s, ":");
    type_text(&mut s, "go");
    press(&mut s, "tab");
    let t = render(&s);
    assert!(
        row_text(&t, 23).starts_with(":go_top"),
        "{}",
        row_text(&t, 23)
    );
    insta::assert_snapshot!(t.backend());
}

#[test]
fn the_command_line_lists_every_action_with_more_below_120x35() {
    let mut s = state_with(&crowd(), (120, 35));
    press(&mut s, ": tab tab tab");
    insta::assert_snapshot!(render(&s).backend());
}
