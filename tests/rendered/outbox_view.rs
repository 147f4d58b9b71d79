//! The queued-changes view and what a flush's news does to the screen:
//! `update` driven with keys and messages (pure), and the overlay and the
//! list's marker rendered on ratatui's TestBackend (insta snapshots).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::effect::{Effect, Msg};
use rolo::app::keymap::KeyMode;
use rolo::app::state::{Overlay, State};
use rolo::app::update::{Input, handle};
use rolo::client::flush::FlushReport;
use rolo::model::Note;
use rolo::outbox::{EntryState, Op, OutboxEntry};
use rolo::store::PersonSummary;
use support::app::*;

fn render(state: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, state)).unwrap();
    t
}

/// A remote profile's main screen with Ñúñez selected and loaded.
fn remote_screen(size: (u16, u16)) -> State {
    let people = cast();
    let mut s = state_with(&people, size);
    s.sync.remote = true;
    s.workspace.backend = "rogerroger".into();
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    s
}

fn entry(seq: i64, op: Op, state: EntryState, error: Option<&str>) -> OutboxEntry {
    OutboxEntry {
        seq,
        person_id: op.person_id().to_string(),
        person_name: "Dr. Zoë Ñúñez".into(),
        op,
        queued_at: "2026-03-02T09:15:00Z".into(),
        state,
        attempts: 1,
        error: error.map(str::to_string),
        maybe_sent: false,
    }
}

/// A refused edit (a 300-character family name), the edit behind it, and a
/// note waiting to be sent.
fn queue() -> Vec<OutboxEntry> {
    let base = full_person();
    let mut long = base.clone();
    long.family_name = "X".repeat(300);
    let mut later = long.clone();
    later.job_title = "CEO".into();
    vec![
        entry(
            11,
            Op::UpdatePerson {
                base: base.clone(),
                edited: long.clone(),
            },
            EntryState::Refused,
            Some(
                "refused by the server: invalid: familyName: This value is too long. It should have 255 characters or less.",
            ),
        ),
        entry(
            12,
            Op::UpdatePerson {
                base: long,
                edited: later,
            },
            EntryState::Blocked { behind: 11 },
            None,
        ),
        entry(
            13,
            Op::CreateNote {
                person_id: "p-2".into(),
                note: Note {
                    id: "local-abc".into(),
                    text: "Called, no answer".into(),
                    ..Default::default()
                },
            },
            EntryState::Pending,
            Some("server error 503: injected failure"),
        ),
    ]
}

fn opened() -> State {
    let mut s = remote_screen((100, 30));
    let e = press(&mut s, "O");
    assert_eq!(e, [Effect::LoadOutbox]);
    assert_eq!(s.key_mode(), KeyMode::Outbox);
    handle(&mut s, Input::Msg(Msg::OutboxLoaded(Ok(queue()))));
    s
}

#[test]
fn the_view_shows_each_change_with_its_state_and_the_servers_words() {
    let s = opened();
    let t = render(&s);
    insta::assert_snapshot!(t.backend());
    let text = format!("{:?}", t.backend());
    assert!(text.contains("255 characters"), "the server's words");
    assert!(text.contains("waits for #11"));
}

#[test]
fn a_local_profile_has_no_queue_to_show() {
    let people = cast();
    let mut s = state_with(&people, (100, 30));
    assert!(press(&mut s, "O").is_empty());
    assert!(
        s.status.message.contains("queues nothing"),
        "{}",
        s.status.message
    );
}

#[test]
fn retry_sends_a_refusal_again_and_explains_what_it_cannot() {
    let mut s = opened();
    assert_eq!(press(&mut s, "r"), [Effect::RetryChange { seq: 11 }]);
    press(&mut s, "j");
    assert!(press(&mut s, "r").is_empty());
    assert!(
        s.status.message.contains("waits behind #11"),
        "{}",
        s.status.message
    );
}

#[test]
fn drop_asks_first_then_drops() {
    let mut s = opened();
    assert!(press(&mut s, "x").is_empty());
    assert_eq!(s.key_mode(), KeyMode::Confirm);
    assert_eq!(press(&mut s, "y"), [Effect::DropChange { seq: 11 }]);
    let e = handle(
        &mut s,
        Input::Msg(Msg::ChangeDropped {
            seq: 11,
            result: Ok(rolo::client::Settled {
                restored: true,
                ..Default::default()
            }),
        }),
    );
    assert!(
        e.contains(&Effect::LoadOutbox) && e.contains(&Effect::LoadPeople),
        "{e:?}"
    );
    assert!(
        s.status.message.contains("server's version"),
        "{}",
        s.status.message
    );
}

#[test]
fn fixing_a_refused_edit_replaces_it_in_place() {
    let mut s = opened();
    press(&mut s, "e");
    assert_eq!(s.key_mode(), KeyMode::Form);
    // Family name is the fourth field; the form starts on the given name.
    press(&mut s, "tab tab");
    let Some(Overlay::PersonForm(form)) = s.overlays.last_mut() else {
        panic!("the form is open")
    };
    form.fields[3].input = rolo::app::input::LineInput::new("Núñez");
    let e = press(&mut s, "ctrl-s");
    let [Effect::ReplaceChange { seq: 11, op }] = &e[..] else {
        panic!("{e:?}")
    };
    let Op::UpdatePerson { base, edited } = op else {
        panic!("{op:?}")
    };
    assert_eq!(
        base.family_name, "Ñúñez",
        "the edit still starts where it did"
    );
    assert_eq!(edited.family_name, "Núñez");
    handle(
        &mut s,
        Input::Msg(Msg::ChangeReplaced {
            seq: 11,
            result: Ok(()),
        }),
    );
    assert_eq!(s.key_mode(), KeyMode::Outbox, "back in the view");
}

#[test]
fn a_flush_renames_what_the_screen_holds_and_says_what_was_refused() {
    let mut s = remote_screen((100, 30));
    // A note created a moment ago, shown under its temporary id.
    s.detail.notes.insert(
        0,
        Note {
            id: "local-n1".into(),
            person_id: "p-1".into(),
            text: "Just now".into(),
            ..Default::default()
        },
    );
    let report = FlushReport {
        created: vec![("local-n1".into(), "srv-n1".into())],
        failed: vec![(
            11,
            "refused by the server: invalid: tags: unknown tag".into(),
        )],
        refused: 1,
        ..Default::default()
    };
    handle(&mut s, Input::Msg(Msg::Flushed(report)));
    assert!(s.detail.notes.iter().any(|n| n.id == "srv-n1"));
    assert!(!s.detail.notes.iter().any(|n| n.id.starts_with("local-")));
    assert!(
        s.status.message.contains("unknown tag"),
        "{}",
        s.status.message
    );
    assert!(s.status.message.contains("O shows"), "{}", s.status.message);
    // Flagging it now names the server's note.
    s.detail.note_selected = s
        .detail
        .notes
        .iter()
        .position(|n| n.id == "srv-n1")
        .unwrap();
    press(&mut s, "tab");
    let e = press(&mut s, "f");
    assert!(
        matches!(&e[..], [Effect::FlagNote { note_id, .. }] if note_id == "srv-n1"),
        "{e:?}"
    );
}

#[test]
fn a_duplicate_create_offers_the_existing_person() {
    let mut s = remote_screen((100, 30));
    let report = FlushReport {
        duplicates: vec![rolo::client::Duplicate {
            local_id: "local-x".into(),
            existing_id: "p-3".into(),
            message: "A person with this email already exists in your organization".into(),
            held: vec![],
        }],
        ..Default::default()
    };
    handle(&mut s, Input::Msg(Msg::Flushed(report)));
    assert_eq!(s.key_mode(), KeyMode::Confirm);
    let e = press(&mut s, "y");
    assert!(
        matches!(&e[..], [Effect::LoadDetail { id, .. }] if id == "p-3"),
        "{e:?}"
    );
}

#[test]
fn people_whose_writes_wait_for_the_user_are_marked() {
    let mut s = remote_screen((100, 30));
    let mut people: Vec<PersonSummary> = cast().iter().map(PersonSummary::from_person).collect();
    people[1].pending = true;
    people[2].pending = true;
    people[2].blocked = true;
    handle(&mut s, Input::Msg(Msg::PeopleLoaded(Ok(people))));
    let t = render(&s);
    let rows: Vec<String> = (0..6)
        .map(|y| {
            (1..4)
                .map(|x| t.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    assert!(rows.iter().any(|r| r.starts_with('!')), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with('↑')), "{rows:?}");
}

#[test]
fn a_queued_merge_and_the_record_it_holds_are_labelled() {
    let survivor = full_person();
    let mut merged = survivor.clone();
    merged.emails.push("zoe@home.example".into());
    let mut other = survivor.clone();
    other.id = "p-9".into();
    let op = Op::MergePeople {
        plan: rolo::model::merge::MergePlan::new(survivor.id.clone(), vec!["p-9".into()]),
        base: survivor.clone(),
        merged,
        others: vec![other],
        kept: Vec::new(),
        moved: vec![vec![Note {
            text: "Met at the fair".into(),
            ..Default::default()
        }]],
    };
    let marker = Op::MergedInto {
        id: "p-9".into(),
        into: survivor.id.clone(),
    };
    let mut s = remote_screen((100, 30));
    press(&mut s, "O");
    let queue = vec![
        entry(21, op, EntryState::Pending, None),
        entry(22, marker, EntryState::Pending, None),
    ];
    handle(&mut s, Input::Msg(Msg::OutboxLoaded(Ok(queue))));
    let t = render(&s);
    insta::assert_snapshot!(t.backend());
    let text = format!("{:?}", t.backend());
    assert!(text.contains("merge: 1 into"), "{text}");
    assert!(text.contains("merged away"), "{text}");
}
