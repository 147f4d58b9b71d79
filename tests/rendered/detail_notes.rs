//! The detail pane at 100x30 and 80x24: the selected note is on screen
//! whatever the wrapping, and wrapped values hang under their column.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::effect::{Effect, Msg};
use rolo::app::update::{Input, handle};
use rolo::model::Note;
use support::app::*;

fn screen(s: &rolo::app::state::State) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, s)).unwrap();
    t.backend().to_string()
}

#[test]
fn the_selected_note_is_always_on_screen() {
    for size in [(100, 30), (80, 24)] {
        let people = cast();
        let mut s = state_with(&people, size);
        let e = press(&mut s, "j j");
        let Some(Effect::LoadDetail { request, id }) = e.last().cloned() else {
            panic!("{e:?}")
        };
        let mut person = people.iter().find(|p| p.id == id).unwrap().clone();
        person.linkedin =
            "https://www.linkedin.com/in/a-very-long-profile-name-that-wraps-0123456789/".into();
        let notes: Vec<Note> = (0..12)
            .map(|i| Note {
                id: format!("n-{i:02}"),
                person_id: id.clone(),
                title: format!("Note number {i}"),
                text: format!(
                    "Line one of note {i}, long enough to wrap at eighty columns in the detail pane for sure\nline two"
                ),
                author: "Lucía Ortega".into(),
                category: "email".into(),
                created_at: Some(format!("2026-01-{:02}T10:00:00Z", 28 - i)),
                ..Default::default()
            })
            .collect();
        handle(
            &mut s,
            Input::Msg(Msg::DetailLoaded {
                request,
                id: id.clone(),
                result: Ok((person, notes)),
            }),
        );
        press(&mut s, "tab");
        for i in 0..12 {
            let shown = screen(&s);
            let marked = shown.lines().find(|l| l.contains('▶'));
            assert!(
                marked.is_some_and(|l| l.contains(&format!("Note number {i}"))),
                "{size:?}: note {i} is marked and on screen:\n{shown}"
            );
            press(&mut s, "j");
        }
        let shown = screen(&s);
        if size == (80, 24) {
            insta::assert_snapshot!("last_note_selected_80x24", shown);
        }
    }
}
