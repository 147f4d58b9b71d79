//! The enrichment review and read-only records, through `update` and drawn
//! on ratatui's TestBackend: an Introzy job's changes shown field by field
//! with labels (a custom field holding the job title says so) and undone one
//! by one; Rhythm's social-profile proposals labelled as users read them; a
//! locked Rhythm contact refused up front with the reason; note edits
//! offered only where the backend has them.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::effect::{Effect, Msg};
use rolo::app::keymap::{KeyMode, Keymap};
use rolo::app::state::{Focus, Overlay, State, Workspace};
use rolo::app::update::{Input, handle};
use rolo::backend::introzy::custom_fields_from_wire;
use rolo::backend::{EnrichOutcome, FieldProposal};
use rolo::model::{Capabilities, Note, Person};
use rolo::store::PersonSummary;
use serde_json::json;
use std::sync::Arc;
use support::app::press;

fn render(state: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, state)).unwrap();
    t
}

fn screen(t: &Terminal<TestBackend>) -> String {
    format!("{}", t.backend())
}

/// A state on `backend` with `person` selected and loaded.
fn state_on(backend: &str, caps: Capabilities, person: &Person, notes: Vec<Note>) -> State {
    let mut s = State::new(
        Workspace {
            profile: "work".into(),
            backend: backend.into(),
            is_demo: false,
        },
        caps,
        Arc::new(Keymap::defaults()),
    );
    s.size = (100, 30);
    let effects = handle(
        &mut s,
        Input::Msg(Msg::PeopleLoaded(Ok(vec![PersonSummary::from_person(
            person,
        )]))),
    );
    for e in effects {
        if let Effect::LoadDetail { request, id } = e {
            handle(
                &mut s,
                Input::Msg(Msg::DetailLoaded {
                    request,
                    id,
                    result: Ok((person.clone(), notes.clone())),
                }),
            );
        }
    }
    assert_eq!(
        s.detail.person.as_ref().map(|p| p.id.as_str()),
        Some(person.id.as_str())
    );
    s
}

fn introzy_person() -> Person {
    Person {
        id: "550e8400-e29b-41d4-a716-446655440000".into(),
        given_name: "John".into(),
        family_name: "Doe".into(),
        emails: vec!["john@acme.com".into()],
        company: "Acme Inc".into(),
        custom_fields: [("cf_department".to_string(), json!("Engineering"))].into(),
        created_at: Some("2024-01-15T10:00:00.000Z".into()),
        updated_at: Some("2024-01-15T10:30:00.000Z".into()),
        version: Some("2024-01-15T10:30:00.000Z".into()),
        extra: [("latitude".to_string(), json!(37.7749))]
            .into_iter()
            .collect(),
        ..Default::default()
    }
    .normalize()
}

/// The fake's definitions: no labels on the wire, types as Introzy sends them.
fn introzy_defs() -> Vec<rolo::model::CustomFieldDef> {
    custom_fields_from_wire(&json!([
        {"key": "cf_department", "type": "text", "displayOrder": 1},
        {"key": "cf_job_title", "type": "text", "displayOrder": 3},
        {"key": "cf_linkedin_url", "type": "url", "displayOrder": 4},
        {"key": "cf_enriched_at", "type": "date", "displayOrder": 5}
    ]))
}

/// An Introzy state after its enrichment job changed the person.
fn after_introzy_job() -> (State, Person) {
    let before = introzy_person();
    let mut s = state_on(
        "introzy",
        rolo::backend::introzy::capabilities(),
        &before,
        Vec::new(),
    );
    handle(&mut s, Input::Msg(Msg::FieldDefs(introzy_defs())));
    let e = press(&mut s, "E");
    assert!(matches!(&e[..], [Effect::Enrich { .. }]), "{e:?}");
    let mut after = before.clone();
    for (k, v) in [
        ("cf_job_title", "Chief Widget Officer"),
        ("cf_linkedin_url", "https://www.linkedin.com/in/enriched"),
        ("cf_enriched_at", "2026-04-04T15:07:00.000Z"),
    ] {
        after.custom_fields.insert(k.into(), json!(v));
    }
    after.extra.insert("latitude".into(), json!(37.8));
    after.version = Some("2026-04-04T15:07:00.100Z".into());
    after.updated_at = after.version.clone();
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: after.id.clone(),
            result: Ok(EnrichOutcome::Changed {
                person: after.clone(),
                changed: vec![
                    "customFields.cf_enriched_at".into(),
                    "customFields.cf_job_title".into(),
                    "customFields.cf_linkedin_url".into(),
                    "extra.latitude".into(),
                ],
            }),
        }),
    );
    (s, after)
}

#[test]
fn an_introzy_jobs_changes_are_shown_field_by_field_with_labels() {
    let (s, _) = after_introzy_job();
    assert_eq!(s.key_mode(), KeyMode::Review);
    let Some(Overlay::Review(r)) = s.overlays.last() else {
        panic!("no review")
    };
    assert!(r.applied());
    let labels: Vec<_> = r.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Enriched at", "Job title", "LinkedIn URL", "Latitude"]
    );
    let job = &r.items[1];
    assert!(
        job.note
            .as_deref()
            .unwrap()
            .contains("where introzy keeps the job title"),
        "{:?}",
        job.note
    );
    assert!(
        r.items.iter().all(|i| i.decision == Some(true)),
        "kept by default"
    );
    assert!(
        s.status.message.contains("changed 4 field(s)"),
        "{}",
        s.status.message
    );

    let text = screen(&render(&s));
    assert!(
        text.contains("Enriched at      (empty) → 2026-04-04T15:07:00.000Z"),
        "{text}"
    );
    assert!(!text.contains("cf_enriched_at2026"), "{text}");
    insta::assert_snapshot!("introzy_job_changes_100x30", render(&s).backend());
    let mut narrow = after_introzy_job().0;
    narrow.size = (80, 24);
    insta::assert_snapshot!("introzy_job_changes_80x24", render(&narrow).backend());
}

#[test]
fn an_undone_change_is_written_back_and_the_rest_kept() {
    let (mut s, after) = after_introzy_job();
    // Undo the job title (second), keep the rest.
    press(&mut s, "j r");
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
    assert_eq!(base, &after, "the server's record is the base");
    assert!(!edited.custom_fields.contains_key("cf_job_title"));
    assert_eq!(
        edited.custom_fields["cf_enriched_at"],
        "2026-04-04T15:07:00.000Z"
    );
    assert!(s.overlays.is_empty());
    assert!(
        s.status.message.contains("undoing Job title"),
        "{}",
        s.status.message
    );
}

#[test]
fn a_change_rolo_cannot_write_back_cannot_be_undone_and_esc_keeps_all() {
    let (mut s, _) = after_introzy_job();
    press(&mut s, "j j j r");
    assert!(
        s.status.message.contains("Latitude cannot be undone"),
        "{}",
        s.status.message
    );
    let Some(Overlay::Review(r)) = s.overlays.last() else {
        panic!("closed")
    };
    assert_eq!(r.items[3].decision, Some(true));
    assert!(press(&mut s, "esc").is_empty());
    assert!(s.overlays.is_empty());
    assert!(s.status.message.contains("kept"), "{}", s.status.message);
}

#[test]
fn a_job_that_changed_nothing_opens_no_review() {
    let before = introzy_person();
    let mut s = state_on(
        "introzy",
        rolo::backend::introzy::capabilities(),
        &before,
        Vec::new(),
    );
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: before.id.clone(),
            result: Ok(EnrichOutcome::Changed {
                person: before.clone(),
                changed: Vec::new(),
            }),
        }),
    );
    assert!(s.overlays.is_empty());
    assert!(s.status.message.contains("nothing changed"));
}

fn rhythm_person() -> Person {
    Person {
        id: "c-000001".into(),
        given_name: "Ada".into(),
        family_name: "Lovelace".into(),
        emails: vec!["ada@example.com".into()],
        company: "AE".into(),
        version: Some("4".into()),
        ..Default::default()
    }
    .normalize()
}

#[test]
fn social_profile_proposals_read_as_labels_and_apply_when_accepted() {
    let person = rhythm_person();
    let mut s = state_on(
        "rhythm",
        rolo::backend::rhythm::capabilities(),
        &person,
        Vec::new(),
    );
    let props = vec![
        FieldProposal {
            field: "company".into(),
            current: "AE".into(),
            proposed: "Analytical Engines".into(),
        },
        FieldProposal {
            field: "extra.twitter".into(),
            current: String::new(),
            proposed: "https://twitter.com/ada".into(),
        },
        FieldProposal {
            field: "extra.image_url".into(),
            current: String::new(),
            proposed: "https://img.example.com/ada.png".into(),
        },
    ];
    handle(
        &mut s,
        Input::Msg(Msg::EnrichReady {
            person_id: person.id.clone(),
            result: Ok(EnrichOutcome::Proposals(props)),
        }),
    );
    let text = screen(&render(&s));
    assert!(text.contains("Twitter"), "{text}");
    assert!(text.contains("Photo URL"), "{text}");
    assert!(!text.contains("extra."), "{text}");
    insta::assert_snapshot!("rhythm_proposals_100x30", render(&s).backend());
    press(&mut s, "r a");
    let e = press(&mut s, "enter");
    let [Effect::SavePerson { edited, .. }] = &e[..] else {
        panic!("{e:?}")
    };
    assert_eq!(edited.company, "AE", "rejected");
    assert_eq!(edited.extra["twitter"], "https://twitter.com/ada");
    assert!(
        !edited.extra.contains_key("image_url"),
        "undecided is not accepted"
    );
}

#[test]
fn a_locked_contact_is_read_only_up_front_with_the_reason() {
    let mut person = rhythm_person();
    person.read_only = Some(rolo::backend::rhythm::LOCKED.into());
    let notes = vec![Note {
        id: "notes".into(),
        person_id: person.id.clone(),
        text: "Met at the RS".into(),
        ..Default::default()
    }];
    let mut s = state_on(
        "rhythm",
        rolo::backend::rhythm::capabilities(),
        &person,
        notes,
    );
    for keys in ["e", "n", "E", "X", "D"] {
        let e = press(&mut s, keys);
        assert!(e.is_empty(), "{keys}: {e:?}");
        assert!(
            s.overlays.is_empty(),
            "{keys} opened {:?}",
            s.overlays.last()
        );
        assert!(
            s.status.message.contains(
                "Ada Lovelace is read-only: locked in Rhythm (sys_locked); its API refuses changes"
            ),
            "{keys}: {}",
            s.status.message
        );
    }
    press(&mut s, "enter");
    assert_eq!(s.focus, Focus::Detail);
    for keys in ["o", "d", "n"] {
        assert!(press(&mut s, keys).is_empty(), "{keys}");
        assert!(s.overlays.is_empty(), "{keys}");
    }
    let text = screen(&render(&s));
    assert!(text.contains("Read-only: locked in Rhythm"), "{text}");
    insta::assert_snapshot!("locked_contact_100x30", render(&s).backend());
    // Copying is no change: still allowed.
    let e = press(&mut s, "y e");
    assert!(matches!(&e[..], [Effect::Copy { .. }]), "{e:?}");
}

#[test]
fn introzy_notes_are_added_not_edited_or_deleted() {
    let person = introzy_person();
    let notes = vec![Note {
        id: "note-1".into(),
        person_id: person.id.clone(),
        text: "Intro went well".into(),
        created_at: Some("2024-01-15T10:00:00.000Z".into()),
        ..Default::default()
    }];
    let mut s = state_on(
        "introzy",
        rolo::backend::introzy::capabilities(),
        &person,
        notes,
    );
    press(&mut s, "enter");
    assert!(press(&mut s, "o").is_empty());
    assert!(s.overlays.is_empty());
    assert_eq!(
        s.status.message,
        "Introzy cannot change a note once it is saved"
    );
    assert!(press(&mut s, "d").is_empty());
    assert_eq!(s.status.message, "Introzy cannot delete notes");
    press(&mut s, "n");
    assert!(
        matches!(s.overlays.last(), Some(Overlay::NoteEditor(ed)) if ed.base.is_none()),
        "adding a note is offered"
    );
}
