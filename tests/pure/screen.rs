//! The screen is always right (#12): what a paste inserts, what the status
//! line says, which note and person the panes show, how far help scrolls.

use rolo::app::effect::{Effect, Msg};
use rolo::app::state::{Overlay, State};
use rolo::app::update::{Input, handle};
use support::app::*;

fn ready(size: (u16, u16)) -> (State, Vec<rolo::model::Person>) {
    let people = cast();
    let mut s = state_with(&people, size);
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    (s, people)
}

fn paste(s: &mut State, text: &str) {
    handle(s, Input::Paste(text.into()));
}

#[test]
fn a_paste_keeps_its_line_breaks_in_the_note_editor() {
    let (mut s, _) = ready((100, 30));
    press(&mut s, "n");
    // Terminals send a pasted line break as CR; some as CR LF.
    paste(&mut s, "line one\rline two\r\nline three");
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!("the editor is open: {:?}", s.overlays.last())
    };
    assert_eq!(ed.text(), "line one\nline two\nline three");
}

#[test]
fn a_multi_line_paste_into_the_form_keeps_every_line() {
    let (mut s, _) = ready((100, 30));
    press(&mut s, "a");
    let Some(Overlay::PersonForm(form)) = s.overlays.last_mut() else {
        panic!("the form is open")
    };
    let emails = form.fields.iter().position(|f| f.key == "emails").unwrap();
    let given = form
        .fields
        .iter()
        .position(|f| f.key == "givenName")
        .unwrap();
    form.focused = emails;
    paste(&mut s, "ann@acme.com\rbob@globex.com\r\n");
    let Some(Overlay::PersonForm(form)) = s.overlays.last_mut() else {
        panic!("the form is open")
    };
    assert_eq!(
        form.fields[emails].input.value(),
        "ann@acme.com, bob@globex.com"
    );
    form.focused = given;
    paste(&mut s, "Mary\rAnn");
    let Some(Overlay::PersonForm(form)) = s.overlays.last() else {
        panic!("the form is open")
    };
    assert_eq!(form.fields[given].input.value(), "Mary Ann");
}

fn status(s: &State) -> &str {
    &s.status.message
}

#[test]
fn flag_and_archive_say_what_they_did() {
    let (mut s, _) = ready((100, 30));
    assert_eq!(s.detail.person.as_ref().unwrap().id, "p-1");
    press(&mut s, "tab");
    let e = press(&mut s, "f");
    let [
        Effect::FlagNote {
            note_id, flagged, ..
        },
    ] = &e[..]
    else {
        panic!("{e:?}")
    };
    let mut note = s
        .detail
        .notes
        .iter()
        .find(|n| &n.id == note_id)
        .unwrap()
        .clone();
    note.flagged = *flagged;
    let was = note.flagged;
    handle(&mut s, Input::Msg(Msg::NoteSaved(Ok(note))));
    assert_eq!(
        status(&s),
        if was {
            "note flagged"
        } else {
            "note unflagged"
        }
    );

    let (mut s, people) = ready((100, 30));
    press(&mut s, "X y");
    let mut archived = people.iter().find(|p| p.id == "p-1").unwrap().clone();
    archived.archived = true;
    handle(&mut s, Input::Msg(Msg::PersonSaved(Ok(archived.clone()))));
    assert_eq!(status(&s), format!("archived {}", archived.full_name()));
    archived.archived = false;
    handle(&mut s, Input::Msg(Msg::PersonSaved(Ok(archived.clone()))));
    assert_eq!(status(&s), format!("unarchived {}", archived.full_name()));
}

#[test]
fn messages_age_out_unless_replaced_and_progress_stays() {
    let (mut s, _) = ready((100, 30));
    s.info("copied email to the clipboard");
    let first = s.status.seq;
    s.error("not saved: the server said no");
    let second = s.status.seq;
    // The first one's time is up, but it has been replaced: nothing changes.
    handle(&mut s, Input::Msg(Msg::StatusExpired(first)));
    assert_eq!(status(&s), "not saved: the server said no");
    handle(&mut s, Input::Msg(Msg::StatusExpired(second)));
    assert_eq!(status(&s), "");
    // Progress stays until its outcome replaces it.
    s.busy("saving…");
    let busy = s.status.seq;
    handle(&mut s, Input::Msg(Msg::StatusExpired(busy)));
    assert_eq!(status(&s), "saving…");
    // Each kind has its lifetime: errors longer, progress none.
    use rolo::app::state::{StatusKind, lifetime};
    assert!(lifetime(StatusKind::Error) > lifetime(StatusKind::Info));
    assert_eq!(lifetime(StatusKind::Busy), None);
}

#[test]
fn the_message_log_keeps_the_last_100_with_times() {
    let (mut s, _) = ready((100, 30));
    let t: jiff::Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
    s.clock = Some(t);
    for i in 0..150 {
        s.info(format!("message {i}"));
    }
    s.busy("saving…");
    assert_eq!(s.messages.len(), 100, "progress is not logged");
    let newest: Vec<_> = s.messages.newest_first().take(2).collect();
    assert_eq!(newest[0].text, "message 149");
    assert_eq!(newest[0].at, Some(t));
    assert_eq!(s.messages.newest_first().last().unwrap().text, "message 50");
}

#[test]
fn m_opens_the_log_in_help_and_help_scrolls_no_further_than_its_end() {
    let (mut s, _) = ready((80, 24));
    let long = format!(
        "not saved: {}",
        "the server refused this change because ".repeat(6)
    );
    s.error(long.clone());
    press(&mut s, "M");
    let Some(Overlay::Help { scroll, mode }) = s.overlays.last().cloned() else {
        panic!("help opens: {:?}", s.overlays.last())
    };
    assert!(scroll > 0, "opens scrolled to the log");
    let max = rolo::ui::help::max_scroll(&s, mode);
    assert!(scroll <= max);
    for _ in 0..200 {
        press(&mut s, "j");
    }
    let Some(Overlay::Help { scroll, .. }) = s.overlays.last() else {
        panic!("help stays open")
    };
    assert_eq!(*scroll, max, "stops at the last row");
}

/// Save a new person named `given` from the form; the server's reply.
fn add_person(s: &mut State, given: &str) -> rolo::model::Person {
    press(s, "a");
    type_text(s, given);
    press(s, "tab tab");
    type_text(s, "Hopper");
    let e = press(s, "ctrl-s");
    let [Effect::SavePerson { base: None, edited }] = &e[..] else {
        panic!("{e:?}")
    };
    let mut created = edited.clone();
    created.id = "new".into();
    handle(s, Input::Msg(Msg::PersonSaved(Ok(created.clone()))));
    created
}

#[test]
fn a_new_person_is_selected_with_their_own_empty_notes() {
    let (mut s, _) = ready((100, 30));
    assert!(!s.detail.notes.is_empty(), "Zoë has notes");
    add_person(&mut s, "Grace");
    assert_eq!(s.people.selected_id(), Some("new"));
    assert_eq!(s.detail.person.as_ref().unwrap().id, "new");
    assert!(s.detail.notes.is_empty(), "{:?}", s.detail.notes);
}

#[test]
fn a_new_person_the_filter_hides_clears_the_filter_and_says_so() {
    let (mut s, _) = ready((100, 30));
    press(&mut s, "/");
    type_text(&mut s, "acme");
    press(&mut s, "enter");
    assert!(!s.people.query.text.is_empty());
    add_person(&mut s, "Grace");
    assert_eq!(
        s.people.selected_id(),
        Some("new"),
        "the highlighted row is the new person"
    );
    assert_eq!(s.detail.person.as_ref().unwrap().id, "new");
    assert!(s.people.query.text.is_empty());
    assert!(
        s.status.message.contains("filter cleared"),
        "{}",
        s.status.message
    );
    // Enter opens the person highlighted, who is the one shown.
    let e = press(&mut s, "enter");
    assert!(
        e.iter()
            .all(|e| !matches!(e, Effect::LoadDetail { id, .. } if id != "new")),
        "{e:?}"
    );
}
