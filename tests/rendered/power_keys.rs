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

/// A long proposed value is shown whole (wrapped under its column) while
/// selected; a proposal for `initials`, which no pane or form shows, is
/// not offered.
#[test]
fn review_shows_a_long_value_whole_and_offers_no_initials_100x30() {
    use rolo::backend::{EnrichOutcome, FieldProposal};
    let mut s = main_screen((100, 30));
    let url = format!(
        "https://www.linkedin.com/in/zoe-nunez-{}-procurement-initech-amsterdam-end",
        "x".repeat(60)
    );
    let props = vec![
        FieldProposal {
            field: "linkedin".into(),
            current: "linkedin.com/in/zoe-nunez".into(),
            proposed: url.clone(),
        },
        FieldProposal {
            field: "initials".into(),
            current: String::new(),
            proposed: "ZÑ".into(),
        },
    ];
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: "p-1".into(),
            result: Ok(EnrichOutcome::Proposals(props)),
        }),
    );
    let shown = screen(&s);
    assert!(
        shown.contains("amsterdam-end"),
        "the value's end is on screen:\n{shown}"
    );
    assert!(!shown.contains("Initials"), "{shown}");
    assert!(
        s.status.message.contains("1 proposal"),
        "{}",
        s.status.message
    );
    insta::assert_snapshot!("review_long_value_100x30", shown);
}

#[test]
fn only_proposals_for_unshown_fields_say_there_is_nothing_to_enrich() {
    use rolo::backend::{EnrichOutcome, FieldProposal};
    let mut s = main_screen((100, 30));
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: "p-1".into(),
            result: Ok(EnrichOutcome::Proposals(vec![FieldProposal {
                field: "initials".into(),
                current: String::new(),
                proposed: "ZÑ".into(),
            }])),
        }),
    );
    assert!(s.overlays.is_empty());
    assert!(
        s.status.message.contains("nothing to enrich"),
        "{}",
        s.status.message
    );
}
