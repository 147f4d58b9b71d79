//! The screen is always right (#12): what a paste inserts, what the status
//! line says, which note and person the panes show, how far help scrolls.

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
