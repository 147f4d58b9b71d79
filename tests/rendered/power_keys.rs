//! The power user's keys, part B (#12), drawn: the draft restore question
//! with the draft's first lines, and a deletion that says Enter means No.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::effect::Msg;
use rolo::app::state::{Draft, State};
use rolo::app::update::{Input, handle};
use support::app::*;

fn screen(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, s)).unwrap();
    t.backend().to_string()
}

fn main_screen(size: (u16, u16)) -> State {
    let people = cast();
    let mut s = state_with(&people, size);
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    s
}

#[test]
fn restore_question_shows_the_first_lines_80x24() {
    let mut s = main_screen((80, 24));
    let draft = Draft {
        person_id: "p-1".into(),
        person_name: "Zoë Ñúñez".into(),
        note_id: None,
        title: "Renewal call".into(),
        category: String::new(),
        text: "She wants the 3-year price.\nLegal reviews in May.\nSend the deck.\nAsk about Q3."
            .into(),
    };
    handle(&mut s, Input::Msg(Msg::DraftFound(draft)));
    let shown = screen(&s);
    assert!(shown.contains("She wants the 3-year price."), "{shown}");
    assert!(shown.contains("Send the deck."), "{shown}");
    assert!(!shown.contains("Ask about Q3."), "{shown}");
    assert!(shown.contains("d discard"), "{shown}");
    insta::assert_snapshot!("restore_draft_80x24", shown);
}

#[test]
fn delete_question_says_enter_means_no_80x24() {
    let mut s = main_screen((80, 24));
    press(&mut s, "D");
    let shown = screen(&s);
    assert!(shown.contains("Enter no"), "{shown}");
    insta::assert_snapshot!("delete_person_80x24", shown);
}
