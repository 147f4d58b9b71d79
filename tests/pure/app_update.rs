//! Tier 1: `update` is pure. Every user-facing action, driven through the
//! default keymap, checked on state and returned effects.

use rolo::app::action::Action;
use rolo::app::effect::{Effect, Msg};
use rolo::app::keymap::KeyMode;
use rolo::app::people::SortKey;
use rolo::app::state::{Focus, Overlay, Pending};
use rolo::app::update::{Input, handle, update};
use rolo::backend::{BackendError, EnrichOutcome, FieldProposal};
use rolo::model::Violation;
use support::app::*;

fn ready() -> (rolo::app::state::State, Vec<rolo::model::Person>) {
    let people = cast();
    let mut s = state_with(&people, (100, 30));
    // The first load selects the first person and asks for their details.
    let effects = handle(&mut s, Input::Msg(Msg::Status(String::new())));
    assert!(effects.is_empty());
    let load = vec![Effect::LoadDetail {
        request: s.detail.request,
        id: s.people.selected_id().unwrap().to_string(),
    }];
    load_detail(&mut s, &load, &people);
    (s, people)
}

fn selected(s: &rolo::app::state::State) -> &str {
    s.people.selected_id().unwrap()
}

#[test]
fn loading_people_selects_the_first_and_requests_its_detail() {
    let people = cast();
    let mut s = state_with(&[], (100, 30));
    let effects = handle(
        &mut s,
        Input::Msg(Msg::PeopleLoaded(Ok(people
            .iter()
            .map(rolo::store::PersonSummary::from_person)
            .collect()))),
    );
    assert_eq!(s.people.all.len(), 5);
    assert!(
        matches!(&effects[..], [Effect::LoadDetail { id, .. }] if id == "p-3"),
        "{effects:?}"
    );
}

#[test]
fn movement_actions_move_the_selection() {
    let (mut s, _) = ready();
    // Family-name order: Jones, Smith, Ñúñez, Żółć, 王
    assert_eq!(selected(&s), "p-3");
    let e = press(&mut s, "j");
    assert_eq!(selected(&s), "p-2");
    assert!(matches!(&e[..], [Effect::LoadDetail { id, .. }] if id == "p-2"));
    press(&mut s, "k");
    assert_eq!(selected(&s), "p-3");
    press(&mut s, "G");
    assert_eq!(s.people.selected, 4);
    press(&mut s, "g");
    assert_eq!(s.pending_keys.len(), 1, "g waits for a second key");
    assert!(s.status.message.contains('g'));
    press(&mut s, "g");
    assert_eq!(s.people.selected, 0);
    press(&mut s, "ctrl-d");
    assert_eq!(s.people.selected, 4);
    press(&mut s, "pageup");
    assert_eq!(s.people.selected, 0);
    press(&mut s, "end");
    assert_eq!(s.people.selected, 4);
    press(&mut s, "home");
    assert_eq!(s.people.selected, 0);
}

#[test]
fn stale_detail_replies_are_dropped() {
    let (mut s, people) = ready();
    let first = press(&mut s, "j");
    let second = press(&mut s, "j");
    // The reply to the first request arrives last and must be ignored.
    load_detail(&mut s, &second, &people);
    load_detail(&mut s, &first, &people);
    assert_eq!(s.detail.person.as_ref().unwrap().id, selected(&s));
}

#[test]
fn search_filters_as_you_type_and_esc_clears() {
    let (mut s, _) = ready();
    press(&mut s, "/");
    assert!(s.searching);
    assert_eq!(s.key_mode(), KeyMode::Search);
    type_text(&mut s, "acme");
    // Fuzzy: the contiguous "Acme" matches rank first.
    let top: Vec<_> = s.people.visible[..2]
        .iter()
        .map(|&i| s.people.all[i as usize].id.as_str())
        .collect();
    assert_eq!(top, ["p-2", "p-5"]);
    type_text(&mut s, " ann");
    assert_eq!(s.people.visible.len(), 1);
    for _ in 0..4 {
        press(&mut s, "backspace");
    }
    // j is text while searching, not movement
    type_text(&mut s, "j");
    assert_eq!(s.search_input.value(), "acmej");
    press(&mut s, "backspace");
    press(&mut s, "esc");
    assert!(!s.searching);
    assert_eq!(s.people.visible.len(), 5);
    assert!(s.people.query.text.is_empty());
}

#[test]
fn enter_keeps_the_filter_and_esc_in_the_list_clears_it() {
    let (mut s, _) = ready();
    press(&mut s, "/");
    type_text(&mut s, "tag:vip");
    press(&mut s, "down");
    press(&mut s, "enter");
    assert!(!s.searching);
    assert_eq!(s.people.visible.len(), 1);
    assert_eq!(selected(&s), "p-1");
    press(&mut s, "esc");
    assert_eq!(s.people.visible.len(), 5);
    assert_eq!(s.status.message, "filter cleared");
}

#[test]
fn sort_cycles_and_says_so() {
    let (mut s, _) = ready();
    press(&mut s, "s");
    assert_eq!(s.people.sort, SortKey::GivenName);
    assert_eq!(s.status.message, "sorted by given name");
    press(&mut s, "s s s");
    assert_eq!(s.people.sort, SortKey::FamilyName);
}

#[test]
fn open_detail_focus_notes_and_back() {
    let (mut s, people) = ready();
    press(&mut s, "g g j j"); // Ñúñez, who has notes
    let e = press(&mut s, "enter");
    load_detail(&mut s, &e, &people);
    assert_eq!(s.focus, Focus::Detail);
    assert_eq!(s.key_mode(), KeyMode::Detail);
    assert_eq!(s.detail.notes.len(), 2);
    press(&mut s, "j");
    assert_eq!(s.detail.note_selected, 1);
    press(&mut s, "k");
    assert_eq!(s.detail.note_selected, 0);
    press(&mut s, "esc");
    assert_eq!(s.focus, Focus::List);
    press(&mut s, "tab");
    assert_eq!(s.focus, Focus::Detail);
    press(&mut s, "tab");
    assert_eq!(s.focus, Focus::List);
}

fn at_nunez() -> (rolo::app::state::State, Vec<rolo::model::Person>) {
    let (mut s, people) = ready();
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    assert_eq!(selected(&s), "p-1");
    (s, people)
}

#[test]
fn edit_person_validates_before_saving_and_shows_server_errors() {
    let (mut s, _) = at_nunez();
    press(&mut s, "e");
    assert_eq!(s.key_mode(), KeyMode::Form);
    // Clear the family name: saving must be refused locally.
    press(&mut s, "tab tab");
    press(&mut s, "ctrl-u");
    let e = press(&mut s, "ctrl-s");
    assert!(e.is_empty());
    let Some(Overlay::PersonForm(form)) = s.overlays.last() else {
        panic!()
    };
    assert_eq!(form.errors_for("familyName").len(), 1);
    type_text(&mut s, "Nunez");
    let e = press(&mut s, "ctrl-s");
    let [
        Effect::SavePerson {
            base: Some(base),
            edited,
        },
    ] = &e[..]
    else {
        panic!("{e:?}")
    };
    assert_eq!(base.family_name, "Ñúñez");
    assert_eq!(edited.family_name, "Nunez");
    assert_eq!(edited.emails, base.emails, "untouched fields are kept");
    // The server rejects it: the form stays open with the server's words.
    handle(
        &mut s,
        Input::Msg(Msg::PersonSaved(Err(BackendError::Validation(vec![
            Violation::new(
                "emailAddresses[0].email",
                "This value is not a valid email address.",
            ),
        ])))),
    );
    let Some(Overlay::PersonForm(form)) = s.overlays.last() else {
        panic!()
    };
    assert_eq!(
        form.errors_for("emails")[0].message,
        "This value is not a valid email address."
    );
    assert!(!form.saving);
    // A successful save closes the form and updates the list.
    let mut saved = edited.clone();
    saved.family_name = "Nunez".into();
    handle(&mut s, Input::Msg(Msg::PersonSaved(Ok(saved))));
    assert!(s.overlays.is_empty());
    assert_eq!(s.people.selected_person().unwrap().family_name, "Nunez");
}

#[test]
fn esc_asks_before_discarding_form_changes() {
    let (mut s, _) = at_nunez();
    press(&mut s, "e");
    press(&mut s, "esc");
    assert!(s.overlays.is_empty(), "no changes: closes at once");
    press(&mut s, "e");
    type_text(&mut s, "x");
    press(&mut s, "esc");
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Confirm(c)) if c.on_yes == Pending::DiscardForm)
    );
    press(&mut s, "n");
    assert!(matches!(s.overlays.last(), Some(Overlay::PersonForm(_))));
    press(&mut s, "esc y");
    assert!(s.overlays.is_empty());
}

#[test]
fn add_person_opens_an_empty_form_and_creates() {
    let (mut s, _) = ready();
    press(&mut s, "a");
    type_text(&mut s, "Grace");
    press(&mut s, "tab tab");
    type_text(&mut s, "Hopper");
    let e = press(&mut s, "ctrl-s");
    let [Effect::SavePerson { base: None, edited }] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(edited.full_name(), "Grace Hopper");
    let mut created = edited.clone();
    created.id = "new".into();
    handle(&mut s, Input::Msg(Msg::PersonSaved(Ok(created))));
    assert_eq!(selected(&s), "new");
    assert_eq!(s.people.all.len(), 6);
}

#[test]
fn archive_and_delete_need_confirmation() {
    let (mut s, _) = at_nunez();
    assert!(press(&mut s, "X").is_empty());
    let e = press(&mut s, "y");
    assert_eq!(
        e,
        [Effect::ArchivePerson {
            id: "p-1".into(),
            archive: true
        }]
    );
    assert!(press(&mut s, "D").is_empty());
    assert!(press(&mut s, "n").is_empty());
    assert!(s.overlays.is_empty());
    press(&mut s, "D");
    assert!(press(&mut s, "enter").is_empty(), "Enter answers No");
    assert!(s.overlays.is_empty());
    press(&mut s, "D");
    let e = press(&mut s, "y");
    assert_eq!(e, [Effect::DeletePerson { id: "p-1".into() }]);
    handle(
        &mut s,
        Input::Msg(Msg::PersonDeleted {
            id: "p-1".into(),
            result: Ok(()),
        }),
    );
    assert_eq!(s.people.all.len(), 4);
}

#[test]
fn notes_add_edit_flag_delete() {
    let (mut s, _) = at_nunez();
    press(&mut s, "n");
    assert_eq!(s.key_mode(), KeyMode::Editor);
    let e = type_text(&mut s, "hi");
    assert!(
        matches!(e.last(), Some(Effect::SaveDraft(d)) if d.text == "hi"),
        "drafts are saved as you type"
    );
    press(&mut s, "tab");
    type_text(&mut s, "Title!");
    let e = press(&mut s, "ctrl-s");
    let [Effect::SaveNote { person_id, note }] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(
        (person_id.as_str(), note.title.as_str(), note.text.as_str()),
        ("p-1", "Title!", "hi")
    );
    let mut saved = note.clone();
    saved.id = "n-3".into();
    saved.created_at = Some("2026-01-01T00:00:00Z".into());
    let e = handle(&mut s, Input::Msg(Msg::NoteSaved(Ok(saved))));
    assert_eq!(e, [Effect::ClearDraft]);
    assert_eq!(s.detail.notes.len(), 3);
    // Flagged first, then newest: the new note is second.
    assert_eq!(s.detail.notes[1].id, "n-3");

    // The saved note is selected; move up to the flagged one.
    press(&mut s, "tab k");
    let e = press(&mut s, "f");
    assert_eq!(
        e,
        [Effect::FlagNote {
            person_id: "p-1".into(),
            note_id: "n-2".into(),
            flagged: false
        }]
    );
    press(&mut s, "enter");
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!()
    };
    assert_eq!(ed.text(), "Budget frozen until Q3.\nCall back in June.");
    press(&mut s, "esc");
    assert!(s.overlays.is_empty());
    press(&mut s, "d");
    let e = press(&mut s, "y");
    assert_eq!(
        e,
        [Effect::DeleteNote {
            person_id: "p-1".into(),
            note_id: "n-2".into()
        }]
    );
}

#[test]
fn a_failed_note_save_keeps_the_text() {
    let (mut s, _) = at_nunez();
    press(&mut s, "n");
    type_text(&mut s, "important");
    press(&mut s, "ctrl-s");
    handle(
        &mut s,
        Input::Msg(Msg::NoteSaved(Err(BackendError::Network(
            "connection reset".into(),
        )))),
    );
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!("editor closed")
    };
    assert_eq!(ed.text(), "important");
    assert!(ed.error.as_deref().unwrap().contains("connection reset"));
}

#[test]
fn enrich_proposals_are_reviewed_then_applied() {
    let (mut s, _) = at_nunez();
    let e = press(&mut s, "E");
    let [Effect::Enrich { person }] = &e[..] else {
        panic!("{e:?}")
    };
    let props = rolo::enrich::offline_proposals(person);
    assert!(props.len() >= 2);
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: "p-1".into(),
            result: Ok(EnrichOutcome::Proposals(props.clone())),
        }),
    );
    assert_eq!(s.key_mode(), KeyMode::Review);
    press(&mut s, "a"); // accept the first
    press(&mut s, "r"); // reject the second
    let e = press(&mut s, "enter");
    let [
        Effect::SavePerson {
            base: Some(base),
            edited,
        },
    ] = &e[..]
    else {
        panic!("{e:?}")
    };
    let mut expected = base.clone();
    rolo::enrich::apply_proposal(&mut expected, &props[0]);
    assert_eq!(edited, &expected.normalize());
}

#[test]
fn enrich_with_nothing_to_propose_says_so() {
    let (mut s, _) = at_nunez();
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: "p-1".into(),
            result: Ok(EnrichOutcome::Proposals(vec![])),
        }),
    );
    assert!(s.overlays.is_empty());
    assert!(s.status.message.contains("nothing to enrich"));
    let _ = FieldProposal {
        field: String::new(),
        current: String::new(),
        proposed: String::new(),
    };
}

#[test]
fn copy_uses_a_two_key_sequence() {
    let (mut s, _) = at_nunez();
    assert!(press(&mut s, "y").is_empty());
    let e = press(&mut s, "e");
    assert_eq!(
        e,
        [Effect::Copy {
            text: "zoe@initech.io".into(),
            what: "email"
        }]
    );
    let e = press(&mut s, "y p");
    assert_eq!(
        e,
        [Effect::Copy {
            text: "+31 6 12345678".into(),
            what: "phone"
        }]
    );
    // An unbound second key cancels the sequence without acting.
    assert!(press(&mut s, "y z").is_empty());
    assert!(s.pending_keys.is_empty());
}

#[test]
fn help_opens_over_the_current_mode_and_closes() {
    let (mut s, _) = ready();
    press(&mut s, "?");
    assert!(matches!(
        s.overlays.last(),
        Some(Overlay::Help {
            mode: KeyMode::Normal,
            ..
        })
    ));
    press(&mut s, "j");
    assert!(matches!(
        s.overlays.last(),
        Some(Overlay::Help { scroll: 1, .. })
    ));
    press(&mut s, "esc");
    assert!(s.overlays.is_empty());
}

#[test]
fn quit_from_anywhere() {
    let (mut s, _) = ready();
    assert_eq!(press(&mut s, "q"), [Effect::Quit]);
    let (mut s, _) = at_nunez();
    press(&mut s, "n");
    type_text(&mut s, "q"); // q is text in the editor
    assert!(!s.quitting);
    assert_eq!(press(&mut s, "ctrl-c"), [Effect::Quit]);
    assert!(s.quitting);
}

#[test]
fn draft_restore_reopens_the_editor() {
    let (mut s, _) = at_nunez();
    let draft = rolo::app::state::Draft {
        person_id: "p-1".into(),
        person_name: "Zoë Ñúñez".into(),
        note_id: None,
        title: "t".into(),
        category: String::new(),
        text: "unsaved words".into(),
    };
    handle(&mut s, Input::Msg(Msg::DraftFound(draft.clone())));
    press(&mut s, "y");
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!()
    };
    assert_eq!(ed.draft(), draft);
    // Declining keeps the draft for later.
    let (mut s, _) = at_nunez();
    handle(&mut s, Input::Msg(Msg::DraftFound(draft)));
    assert_eq!(press(&mut s, "n"), [Effect::KeepDraft]);
}

#[test]
fn unavailable_actions_say_why() {
    let (mut s, _) = at_nunez();
    s.caps.enrich = None;
    s.caps.flag_notes = false;
    s.caps.delete = false;
    s.workspace.backend = "rogerroger".into();
    assert!(press(&mut s, "E").is_empty());
    assert_eq!(s.status.message, "RogerRoger offers no enrichment");
    assert!(press(&mut s, "D").is_empty());
    assert!(s.status.message.contains("does not support deleting"));
    press(&mut s, "tab");
    assert!(press(&mut s, "f").is_empty());
    assert!(s.status.message.contains("cannot flag"));
}

#[test]
fn the_introzy_form_saves_without_a_family_name_and_types_custom_fields() {
    use rolo::model::{CustomFieldDef, FieldOption};
    let mut ana = person("p-9", "Ana", "", "", "ana@example.es");
    ana.custom_fields
        .insert("cf_seats".into(), serde_json::json!(3));
    let people = vec![ana];
    let mut s = state_with(&people, (100, 30));
    s.caps = rolo::backend::introzy::capabilities();
    s.workspace.backend = "introzy".into();
    let def = |key: &str, kind: &str, options: Vec<FieldOption>| CustomFieldDef {
        key: key.into(),
        label: key.into(),
        kind: kind.into(),
        filterable: false,
        sortable: false,
        required: false,
        options,
        display_order: 0,
    };
    let web = FieldOption {
        value: "web".into(),
        label: "Website".into(),
        color: None,
    };
    handle(
        &mut s,
        Input::Msg(Msg::FieldDefs(vec![
            def("cf_source", "select", vec![web]),
            def("cf_seats", "number", vec![]),
        ])),
    );
    let e = vec![Effect::LoadDetail {
        request: s.detail.request,
        id: "p-9".into(),
    }];
    load_detail(&mut s, &e, &people);
    press(&mut s, "e");
    // Given, family, emails, phones, company, address, then the custom fields.
    press(&mut s, "tab tab tab tab tab tab");
    type_text(&mut s, "w"); // a choice: the letter picks "Website"
    press(&mut s, "tab ctrl-u");
    type_text(&mut s, "many");
    assert!(press(&mut s, "ctrl-s").is_empty(), "not a number: refused");
    let Some(Overlay::PersonForm(form)) = s.overlays.last() else {
        panic!()
    };
    assert_eq!(
        form.errors_for("customFields.cf_seats")[0].message,
        "'many' is not a number"
    );
    press(&mut s, "ctrl-u");
    type_text(&mut s, "12");
    let e = press(&mut s, "ctrl-s");
    let [Effect::SavePerson { edited, .. }] = &e[..] else {
        panic!(
            "no family name is needed on Introzy: {e:?} {}",
            s.status.message
        )
    };
    assert_eq!(edited.custom_fields["cf_source"], "web");
    assert_eq!(edited.custom_fields["cf_seats"], 12);
    assert_eq!(edited.family_name, "");
}

#[test]
fn note_edits_and_deletes_follow_the_backend() {
    // Introzy: notes are added and deleted, never changed.
    let (mut s, _) = at_nunez();
    s.caps.note_edit = false;
    s.workspace.backend = "introzy".into();
    press(&mut s, "tab");
    assert!(press(&mut s, "o").is_empty());
    assert!(
        s.overlays.is_empty(),
        "no editor on a note Introzy cannot change"
    );
    assert_eq!(
        s.status.message,
        "Introzy cannot change a note once it is saved"
    );
    press(&mut s, "d");
    assert!(matches!(s.overlays.last(), Some(Overlay::Confirm(_))));
    // RogerRoger: notes are changed, never deleted; refused when asked.
    let (mut s, _) = at_nunez();
    s.caps.note_delete = false;
    s.workspace.backend = "rogerroger".into();
    press(&mut s, "tab");
    assert!(press(&mut s, "d").is_empty());
    assert!(
        s.overlays.is_empty(),
        "no question about a delete that cannot happen"
    );
    assert_eq!(s.status.message, "RogerRoger cannot delete notes");
    press(&mut s, "o");
    assert!(matches!(s.overlays.last(), Some(Overlay::NoteEditor(_))));
}

#[test]
fn every_action_has_an_update_path() {
    // Each action applied in a mode where it is bound must not panic.
    for mode_keys in [&["?"][..], &["/"], &["e"], &["n"], &["tab"], &["X"]] {
        for action in rolo::app::action::Action::ALL {
            let (mut s, _) = at_nunez();
            press(&mut s, mode_keys[0]);
            let _ = update(&mut s, *action);
        }
    }
    let _ = Action::ALL.len();
}

#[test]
fn resize_keeps_the_selection_visible() {
    let (mut s, _) = ready();
    press(&mut s, "G");
    handle(&mut s, Input::Resize(80, 6));
    let rows = s.list_rows();
    assert!(s.people.selected >= s.people.offset && s.people.selected < s.people.offset + rows);
    assert!(!s.two_panes());
}

#[test]
fn a_duplicate_on_create_offers_the_existing_person() {
    let (mut s, _) = ready();
    press(&mut s, "a");
    type_text(&mut s, "Ann");
    press(&mut s, "tab tab");
    type_text(&mut s, "Smith");
    press(&mut s, "ctrl-s");
    handle(
        &mut s,
        Input::Msg(Msg::PersonSaved(Err(BackendError::Conflict {
            message: "A person with this email already exists in your organization".into(),
            existing: Some("p-2".into()),
        }))),
    );
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Confirm(c)) if c.on_yes == Pending::OpenPerson { id: "p-2".into() })
    );
    let e = press(&mut s, "y");
    assert!(s.overlays.is_empty());
    assert_eq!(selected(&s), "p-2");
    assert!(matches!(&e[..], [Effect::LoadDetail { id, .. }] if id == "p-2"));
}

#[test]
fn network_waits_show_in_state() {
    let (mut s, _) = ready();
    handle(
        &mut s,
        Input::Msg(Msg::Net(Some("waiting for rate limit (12s)".into()))),
    );
    assert_eq!(s.net.as_deref(), Some("waiting for rate limit (12s)"));
    handle(&mut s, Input::Msg(Msg::Net(None)));
    assert!(s.net.is_none());
}

fn conflicted(s: &mut rolo::app::state::State) {
    use rolo::outbox::{Op, OpState, QueuedOp};
    let base = full_person();
    let mut mine = base.clone();
    mine.job_title = "Chief Buyer".into();
    mine.city_hint();
    let mut theirs = base.clone();
    theirs.job_title = "VP Procurement".into();
    theirs.company = "Initech Global".into();
    theirs.version = Some("v2".into());
    handle(
        s,
        Input::Msg(Msg::ConflictsLoaded(vec![QueuedOp {
            seq: 7,
            op: Op::UpdatePerson { base, edited: mine },
            state: OpState::Conflict,
            attempts: 1,
            last_error: None,
            theirs: Some(theirs),
        }])),
    );
}

trait CityHint {
    fn city_hint(&mut self);
}
impl CityHint for rolo::model::Person {
    /// A change only on my side: merges on its own.
    fn city_hint(&mut self) {
        self.address.city = "Utrecht".into();
    }
}

#[test]
fn a_conflict_asks_per_field_and_sends_the_choice() {
    let (mut s, _) = at_nunez();
    conflicted(&mut s);
    assert_eq!(s.key_mode(), KeyMode::Conflict);
    let Some(Overlay::Conflict(c)) = s.overlays.last() else {
        panic!()
    };
    let fields: Vec<_> = c.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["jobTitle"], "only the field both changed");
    press(&mut s, "t");
    let e = press(&mut s, "enter");
    let [
        Effect::ResolveConflict {
            seq: 7,
            theirs,
            resolved,
        },
    ] = &e[..]
    else {
        panic!("{e:?}")
    };
    assert_eq!(resolved.job_title, "VP Procurement", "took theirs");
    assert_eq!(
        resolved.company, "Initech Global",
        "their other change kept"
    );
    assert_eq!(resolved.address.city, "Utrecht", "my other change kept");
    assert_eq!(theirs.version.as_deref(), Some("v2"));
}

#[test]
fn a_conflict_can_wait() {
    let (mut s, _) = at_nunez();
    conflicted(&mut s);
    assert!(press(&mut s, "esc").is_empty());
    assert!(s.overlays.is_empty());
    assert!(s.status.message.contains("stays queued"));
}

#[test]
fn sync_status_reads_like_a_person_would_say_it() {
    let (mut s, _) = ready();
    assert_eq!(
        s.sync.describe(),
        "",
        "nothing to say for a local workspace"
    );
    assert!(press(&mut s, "ctrl-r").is_empty());
    s.sync.remote = true;
    let e = press(&mut s, "ctrl-r");
    let [Effect::Sync { focus }] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(focus[0], "p-3", "the selected person first");
    assert_eq!(focus.len(), 5, "then everyone on screen");
    handle(
        &mut s,
        Input::Msg(Msg::SyncProgress {
            done: 1230,
            total: Some(10_000),
        }),
    );
    assert_eq!(s.sync.describe(), "syncing 1,230/10,000");
    let now: jiff::Timestamp = "2026-11-24T10:00:00Z".parse().unwrap();
    handle(&mut s, Input::Msg(Msg::Tick(now)));
    let e = handle(
        &mut s,
        Input::Msg(Msg::SyncDone(rolo::client::SyncReport::default())),
    );
    assert_eq!(e, [Effect::LoadPeople]);
    handle(
        &mut s,
        Input::Msg(Msg::Tick("2026-11-24T10:04:10Z".parse().unwrap())),
    );
    assert_eq!(s.sync.describe(), "synced 4 min ago");
    let report = rolo::client::SyncReport {
        error: Some(BackendError::Network("connection refused".into())),
        ..Default::default()
    };
    handle(&mut s, Input::Msg(Msg::SyncDone(report)));
    assert_eq!(s.sync.describe(), "offline");
    let flushed = rolo::client::flush::FlushReport {
        remaining: 2,
        stopped: Some("network: down".into()),
        ..Default::default()
    };
    handle(&mut s, Input::Msg(Msg::Flushed(flushed)));
    assert_eq!(s.sync.describe(), "offline · 2 change(s) queued");
}

#[test]
fn remote_search_asks_the_server_and_the_latest_answer_wins() {
    let (mut s, _) = ready();
    s.sync.remote = true;
    s.caps.server_search = true;
    press(&mut s, "/");
    assert!(
        !type_text(&mut s, "a")
            .iter()
            .any(|e| matches!(e, Effect::ServerSearch { .. })),
        "one letter is too little"
    );
    let server = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::ServerSearch { request, text } => Some((*request, text.clone())),
            _ => None,
        })
    };
    let first = type_text(&mut s, "c");
    let Some((r1, text)) = server(&first) else {
        panic!("{first:?}")
    };
    assert_eq!(text, "ac");
    let second = type_text(&mut s, "m");
    let Some((r2, _)) = server(&second) else {
        panic!("{second:?}")
    };
    // The stale reply is ignored; the latest one reloads the list.
    let e = handle(
        &mut s,
        Input::Msg(Msg::ServerSearchDone {
            request: r1,
            result: Ok(3),
        }),
    );
    assert!(e.is_empty());
    let e = handle(
        &mut s,
        Input::Msg(Msg::ServerSearchDone {
            request: r2,
            result: Ok(2),
        }),
    );
    assert_eq!(e, [Effect::LoadPeople]);
    assert_eq!(s.status.message, "2 more from the server");
}

/// Ñúñez's notes on screen, then the selection moves to Żółć, whose record
/// has not arrived yet: the effects that ask for it are returned.
fn moved_while_loading() -> (
    rolo::app::state::State,
    Vec<rolo::model::Person>,
    Vec<Effect>,
) {
    let (mut s, people) = at_nunez();
    assert_eq!(s.detail.notes.len(), 2);
    let pending = press(&mut s, "j");
    assert_eq!(selected(&s), "p-5");
    assert!(matches!(&pending[..], [Effect::LoadDetail { id, .. }] if id == "p-5"));
    (s, people, pending)
}

#[test]
fn a_note_typed_while_the_person_loads_goes_into_the_editor() {
    let (mut s, _, _) = moved_while_loading();
    press(&mut s, "l n");
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!("the editor opens at once: {:?}", s.status.message)
    };
    assert_eq!(ed.person_id, "p-5");
    let mut effects = type_text(&mut s, "Lunch with dad");
    effects.extend(press(&mut s, "enter"));
    effects.extend(type_text(&mut s, "done"));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::DeleteNote { .. })),
        "{effects:?}"
    );
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!("no confirmation took over: {:?}", s.overlays.last())
    };
    assert_eq!(ed.text(), "Lunch with dad\ndone");
    let e = press(&mut s, "ctrl-s");
    assert!(
        matches!(&e[..], [Effect::SaveNote { person_id, note }] if person_id == "p-5" && note.text == "Lunch with dad\ndone"),
        "{e:?}"
    );
}

#[test]
fn note_keys_never_act_on_the_notes_of_the_person_shown_before() {
    let (mut s, _, _) = moved_while_loading();
    press(&mut s, "l");
    for k in ["d", "o", "f"] {
        assert!(press(&mut s, k).is_empty(), "{k}");
        assert!(s.overlays.is_empty(), "{k}: {:?}", s.overlays.last());
    }
    assert!(
        s.status.message.contains("still loading"),
        "{}",
        s.status.message
    );
}

#[test]
fn keys_typed_before_the_form_opens_are_delivered_to_it() {
    let (mut s, people, pending) = moved_while_loading();
    assert!(press(&mut s, "e").is_empty(), "already being loaded");
    assert!(s.overlays.is_empty());
    // Typed for the form: "z", Tab to the next field, "q" (not quit!).
    let mut effects = type_text(&mut s, "z");
    effects.extend(press(&mut s, "tab"));
    effects.extend(type_text(&mut s, "q"));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!s.quitting);
    assert!(
        s.status.message.contains("3 key(s) kept for the form"),
        "{}",
        s.status.message
    );
    load_detail(&mut s, &pending, &people);
    let Some(Overlay::PersonForm(form)) = s.overlays.last() else {
        panic!("the form opened: {}", s.status.message)
    };
    assert_eq!(form.base.id, "p-5");
    assert_eq!(form.fields[1].input.value(), "Łukaszz");
    assert_eq!(form.fields[2].input.value(), "q", "the middle name");
    assert!(s.awaiting.is_none());
}

#[test]
fn a_failed_load_drops_the_kept_keys_and_esc_stops_waiting() {
    let (mut s, _, pending) = moved_while_loading();
    press(&mut s, "e");
    type_text(&mut s, "dd");
    let [Effect::LoadDetail { request, .. }] = &pending[..] else {
        panic!()
    };
    let e = handle(
        &mut s,
        Input::Msg(Msg::DetailLoaded {
            request: *request,
            id: "p-5".into(),
            result: Err(BackendError::NotFound("person p-5".into())),
        }),
    );
    assert!(e.is_empty(), "{e:?}");
    assert!(s.overlays.is_empty(), "nothing ran the kept d d");
    assert!(
        s.status
            .message
            .contains("2 key(s) typed meanwhile were not used"),
        "{}",
        s.status.message
    );
    // Esc before typing anything just stops waiting.
    let (mut s, _, _) = moved_while_loading();
    press(&mut s, "e esc");
    assert!(s.awaiting.is_none());
    assert_eq!(s.key_mode(), KeyMode::Normal);
}

#[test]
fn one_note_backends_wait_for_the_note_then_edit_it_with_the_typed_text() {
    let (mut s, people) = ready();
    s.caps.multiple_notes = false;
    let pending = press(&mut s, "j j");
    assert!(press(&mut s, "n").is_empty());
    type_text(&mut s, " More.");
    load_detail(&mut s, &pending, &people);
    let Some(Overlay::NoteEditor(ed)) = s.overlays.last() else {
        panic!("{}", s.status.message)
    };
    assert_eq!(
        ed.base.as_ref().map(|n| n.id.as_str()),
        Some("n-2"),
        "the one note"
    );
    assert!(
        ed.text().ends_with("Call back in June. More."),
        "{}",
        ed.text()
    );
}

#[test]
fn keys_typed_before_the_review_opens_are_for_the_review() {
    let (mut s, _) = at_nunez();
    let e = press(&mut s, "E");
    let [Effect::Enrich { person }] = &e[..] else {
        panic!("{e:?}")
    };
    let props = rolo::enrich::offline_proposals(person);
    // "a" would add a person in the list; here it accepts the first proposal.
    assert!(press(&mut s, "a").is_empty());
    assert!(s.overlays.is_empty());
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: "p-1".into(),
            result: Ok(EnrichOutcome::Proposals(props)),
        }),
    );
    let Some(Overlay::Review(review)) = s.overlays.last() else {
        panic!("{:?}", s.overlays.last())
    };
    assert_eq!(review.items[0].decision, Some(true));
    assert_eq!(s.overlays.len(), 1, "no person form under it");
}

#[test]
fn typing_records_the_query_and_the_matcher_answers_off_the_update_path() {
    let (mut s, _) = ready();
    press(&mut s, "/");
    let effects = handle(&mut s, ch('a'));
    let [Effect::Match(first), ..] = &effects[..] else {
        panic!("typing asks the matcher: {effects:?}")
    };
    assert_eq!(first.query.text, "a");
    let effects = handle(&mut s, ch('n'));
    let [Effect::Match(second), ..] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert!(second.request > first.request);
    // Nothing matched yet: the list still shows everyone, marked.
    assert_eq!(s.people.visible.len(), 5);
    assert!(s.people.matching());
    assert_eq!(s.search_input.value(), "an");

    let engine = || rolo::search::engine::MatchEngine::default();
    let newer = engine().run_now(second);
    let older = engine().run_now(first);
    let want = newer.indices.clone();
    assert!(want.len() < older.indices.len());
    handle(&mut s, Input::Msg(Msg::Matched(newer)));
    assert!(!s.people.matching());
    assert_eq!(s.people.visible, want);
    // The answer for `a` comes late: it is not drawn over `an`'s.
    assert!(handle(&mut s, Input::Msg(Msg::Matched(older))).is_empty());
    assert_eq!(s.people.visible, want);
    assert_eq!(s.people.shown_query.text, "an");
}

#[test]
fn the_selection_follows_the_person_not_the_row_while_filtering() {
    let (mut s, people) = ready();
    let e = press(&mut s, "j j j");
    load_detail(&mut s, &e, &people);
    let picked = selected(&s).to_string();
    press(&mut s, "/");
    let e = type_text(&mut s, "a");
    assert!(s.people.visible.len() > 1);
    assert_eq!(selected(&s), picked, "still matching, still selected");
    assert!(
        !e.iter().any(|e| matches!(e, Effect::LoadDetail { .. })),
        "the same person needs no new detail load: {e:?}"
    );
    load_detail(&mut s, &e, &people);
}

#[test]
fn the_search_hint_shows_filters_that_find_someone_here() {
    let (mut s, _) = ready();
    press(&mut s, "/");
    let hint = s.status.message.clone();
    let filters: Vec<String> = hint
        .split(" — ")
        .nth(1)
        .unwrap()
        .split(' ')
        .map(str::to_string)
        .collect();
    assert_eq!(filters.len(), 3, "{hint}");
    assert!(filters.iter().any(|f| f == "company:globex"), "{hint}");
    for filter in &filters {
        s.people.set_query(filter);
        assert!(!s.people.visible.is_empty(), "{filter} finds nobody");
    }
}

#[test]
fn a_merge_reports_in_the_status_line_and_reloads_the_list() {
    let (mut s, people) = at_nunez();
    let e = handle(
        &mut s,
        Input::Msg(Msg::Merged {
            merged: 2,
            result: Ok(people[0].clone()),
        }),
    );
    assert_eq!(e, [Effect::LoadPeople]);
    assert!(
        s.status
            .message
            .starts_with(&format!("merged 2 into {}", people[0].full_name())),
        "{}",
        s.status.message
    );
    handle(
        &mut s,
        Input::Msg(Msg::Merged {
            merged: 1,
            result: Err(BackendError::Unsupported(
                "introzy can neither archive".into(),
            )),
        }),
    );
    assert!(
        s.status.message.contains("merge failed"),
        "{}",
        s.status.message
    );
}
