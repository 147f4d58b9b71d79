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

#[test]
fn configured_columns_with_headers_80x24() {
    use rolo::config::ui::ListColumn::*;
    let mut s = state_with(&crowd(), (80, 24));
    s.columns = vec![Name, Company, Tags, City];
    let t = render(&s);
    let header = row_text(&t, 1);
    for h in ["Name", "Company", "Tags", "City"] {
        assert!(header.contains(h), "{header}");
    }
    assert!(row_text(&t, 2).contains("vip, t0"), "{}", row_text(&t, 2));
    assert!(row_text(&t, 2).contains("Utrecht"), "{}", row_text(&t, 2));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn configured_columns_with_headers_120x35() {
    use rolo::config::ui::ListColumn::*;
    let mut s = state_with(&crowd(), (120, 35));
    s.columns = vec![
        FamilyName, GivenName, Company, Email, Phone, Tags, City, Updated,
    ];
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn columns_that_do_not_fit_are_left_out_from_the_right() {
    use rolo::config::ui::ListColumn::*;
    let all = [Name, Company, Email, Phone, Tags, City, Updated];
    for width in [20usize, 38, 44, 78, 118, 200] {
        let widths = rolo::ui::list::column_widths(&all, width);
        let total: usize = widths.iter().map(|(_, w)| w).sum();
        assert_eq!(widths[0].0, Name, "the first column always shows");
        assert!(total + 2 <= width.max(14), "{width}: {widths:?}");
        // Shown in the configured order, a prefix of it.
        let shown: Vec<_> = widths.iter().map(|(c, _)| *c).collect();
        assert_eq!(shown, all[..shown.len()], "{width}");
        if width >= 78 {
            assert_eq!(total + 2, width, "the row is filled at {width}");
        }
    }
    assert_eq!(rolo::ui::list::column_widths(&all, 200).len(), all.len());
}
