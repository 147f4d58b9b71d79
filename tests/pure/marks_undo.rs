//! The power user's keys, part B (#12): confirmations that default to No,
//! drafts declined and kept, undo, marks and bulk actions, through
//! `update` with the default keymap.

use rolo::app::effect::{Effect, Msg};
use rolo::app::state::{Draft, LastChange, Overlay, Pending, State};
use rolo::app::update::{Input, handle};
use rolo::client::Undone;
use support::app::*;

/// The cast loaded, Zoë Ñúñez (p-1) selected with her notes.
fn at_nunez() -> State {
    let people = cast();
    let mut s = state_with(&people, (100, 30));
    handle(&mut s, Input::Msg(Msg::Status(String::new())));
    let load = vec![Effect::LoadDetail {
        request: s.detail.request,
        id: s.people.selected_id().unwrap().to_string(),
    }];
    load_detail(&mut s, &load, &people);
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    assert_eq!(s.people.selected_id(), Some("p-1"));
    s
}

fn top_pending(s: &State) -> Option<Pending> {
    match s.overlays.last() {
        Some(Overlay::Confirm(c)) => Some(c.on_yes.clone()),
        _ => None,
    }
}

fn draft(text: &str) -> Draft {
    Draft {
        person_id: "p-1".into(),
        person_name: "Zoë Ñúñez".into(),
        note_id: None,
        title: "Call notes".into(),
        category: String::new(),
        text: text.into(),
    }
}

#[test]
fn enter_answers_no_to_every_destructive_question() {
    let mut s = at_nunez();
    // Delete person.
    press(&mut s, "D");
    assert!(matches!(
        top_pending(&s),
        Some(Pending::DeletePerson { .. })
    ));
    assert!(press(&mut s, "enter").is_empty());
    assert!(s.overlays.is_empty(), "Enter closed the question with No");
    // Delete note (from the notes pane).
    press(&mut s, "tab");
    press(&mut s, "d");
    assert!(matches!(top_pending(&s), Some(Pending::DeleteNote { .. })));
    assert!(press(&mut s, "enter").is_empty());
    assert!(s.overlays.is_empty());
    press(&mut s, "d");
    assert!(matches!(
        &press(&mut s, "y")[..],
        [Effect::DeleteNote { .. }]
    ));
    // Discard a typed note.
    press(&mut s, "n");
    type_text(&mut s, "words I typed");
    press(&mut s, "esc");
    assert_eq!(top_pending(&s), Some(Pending::DiscardEditor));
    let e = press(&mut s, "enter");
    assert!(!e.contains(&Effect::ClearDraft), "{e:?}");
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!("the editor is still open: {:?}", s.overlays.last())
    };
    assert_eq!(ed.draft().text, "words I typed");
}

#[test]
fn the_restore_question_shows_the_drafts_first_lines() {
    let mut s = at_nunez();
    let text = "line one\nline two\nline three\nline four\nline five";
    handle(&mut s, Input::Msg(Msg::DraftFound(draft(text))));
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!()
    };
    assert!(c.question.contains("Zoë Ñúñez"), "{}", c.question);
    assert!(c.question.contains("Call notes"), "{}", c.question);
    for line in ["line one", "line two", "line three"] {
        assert!(c.question.contains(line), "{}", c.question);
    }
    assert!(!c.question.contains("line four"), "{}", c.question);
    assert!(c.question.contains("2 more lines"), "{}", c.question);
}

#[test]
fn declining_a_draft_keeps_it_and_only_an_explicit_discard_deletes_it() {
    let mut s = at_nunez();
    handle(&mut s, Input::Msg(Msg::DraftFound(draft("keep me"))));
    // Enter: No, and No keeps the draft on disk for the next start.
    assert_eq!(press(&mut s, "enter"), [Effect::KeepDraft]);
    assert!(s.overlays.is_empty());
    assert!(s.status.message.contains("kept"), "{}", s.status.message);

    handle(&mut s, Input::Msg(Msg::DraftFound(draft("keep me"))));
    // d asks again, and that question defaults to No as well...
    assert!(press(&mut s, "d").is_empty());
    assert!(matches!(top_pending(&s), Some(Pending::DiscardDraft(_))));
    assert!(press(&mut s, "enter").is_empty());
    // ...which goes back to the restore question, nothing lost.
    assert!(matches!(top_pending(&s), Some(Pending::RestoreDraft(_))));
    press(&mut s, "d");
    assert_eq!(press(&mut s, "y"), [Effect::ClearDraft]);
    assert!(s.overlays.is_empty());
    assert!(
        s.status.message.contains("discarded"),
        "{}",
        s.status.message
    );
}

#[test]
fn u_takes_back_the_last_change_and_then_says_nothing_is_left() {
    let mut s = at_nunez();
    assert!(press(&mut s, "u").is_empty());
    assert!(
        s.status.message.contains("nothing to undo"),
        "{}",
        s.status.message
    );

    let before = s.detail.person.clone().unwrap();
    let mut after = before.clone();
    after.job_title = "Typed by mistake".into();
    handle(&mut s, Input::Msg(Msg::PersonSaved(Ok(after.clone()))));
    let change = LastChange {
        before: before.clone(),
        after: after.clone(),
    };
    assert_eq!(press(&mut s, "u"), [Effect::Undo(change.clone())]);

    // The client could not reach its store: the change stays undoable.
    handle(
        &mut s,
        Input::Msg(Msg::Undone {
            change: Box::new(change.clone()),
            result: Err(rolo::backend::BackendError::Network("down".into())),
        }),
    );
    assert!(
        s.status.message.contains("could not undo"),
        "{}",
        s.status.message
    );
    assert_eq!(press(&mut s, "u"), [Effect::Undo(change.clone())]);
    handle(
        &mut s,
        Input::Msg(Msg::Undone {
            change: Box::new(change),
            result: Ok((before.clone(), Undone::Dropped)),
        }),
    );
    assert!(
        s.status.message.contains("undid the change to"),
        "{}",
        s.status.message
    );
    assert!(s.status.message.contains("dropped"), "{}", s.status.message);
    assert_eq!(s.detail.person.as_ref(), Some(&before));
    assert!(press(&mut s, "u").is_empty());
    assert!(s.status.message.contains("nothing to undo"));
}

#[test]
fn a_note_saved_since_the_edit_is_not_reached_past() {
    let mut s = at_nunez();
    let mut after = s.detail.person.clone().unwrap();
    after.job_title = "Changed".into();
    handle(&mut s, Input::Msg(Msg::PersonSaved(Ok(after))));
    let note = s.detail.notes[0].clone();
    handle(&mut s, Input::Msg(Msg::NoteSaved(Ok(note))));
    assert!(press(&mut s, "u").is_empty());
    assert!(s.status.message.contains("nothing to undo"));
}
