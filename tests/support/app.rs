//! Fixtures shared by the app and UI tests: a small cast of people,
//! including a hostile record, and helpers to drive `update` with keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rolo::app::effect::{Effect, Msg};
use rolo::app::keymap::Keymap;
use rolo::app::state::{State, Workspace};
use rolo::app::update::{Input, handle};
use rolo::model::{Capabilities, Note, Person, Phone};
use rolo::store::PersonSummary;
use std::sync::Arc;

pub fn person(id: &str, given: &str, family: &str, company: &str, email: &str) -> Person {
    Person {
        id: id.into(),
        given_name: given.into(),
        family_name: family.into(),
        company: company.into(),
        emails: if email.is_empty() {
            vec![]
        } else {
            vec![email.into()]
        },
        created_at: Some("2024-01-15T10:00:00Z".into()),
        updated_at: Some("2025-06-01T09:30:00Z".into()),
        version: Some("2025-06-01T09:30:00Z".into()),
        ..Default::default()
    }
    .normalize()
}

/// A realistic person with every section filled.
pub fn full_person() -> Person {
    let mut p = person("p-1", "Zoë", "Ñúñez", "Initech", "zoe@initech.io");
    p.honorific_prefix = "Dr.".into();
    p.emails.push("zoe.nunez@gmail.com".into());
    p.phones = vec![
        Phone {
            number: "+31 6 12345678".into(),
            kind: "mobile".into(),
        },
        Phone {
            number: "020 123 4567".into(),
            kind: "work".into(),
        },
    ];
    p.job_title = "Head of Procurement".into();
    p.address.street = "Keizersgracht 123".into();
    p.address.postal_code = "1015 CJ".into();
    p.address.city = "Amsterdam".into();
    p.address.country = "NL".into();
    p.linkedin = "linkedin.com/in/zoe-nunez".into();
    p.tags = vec!["vip".into(), "customer".into()];
    p.custom_fields
        .insert("tier".into(), serde_json::json!("gold"));
    p.normalize()
}

pub fn notes_for(person_id: &str) -> Vec<Note> {
    vec![
        Note {
            id: "n-2".into(),
            person_id: person_id.into(),
            title: "Renewal risk".into(),
            text: "Budget frozen until Q3.\nCall back in June.".into(),
            category: "call".into(),
            flagged: true,
            created_at: Some("2025-03-02T08:00:00Z".into()),
            ..Default::default()
        },
        Note {
            id: "n-1".into(),
            person_id: person_id.into(),
            title: "Intro meeting".into(),
            text: "Met at the Utrecht expo.".into(),
            category: "meeting".into(),
            flagged: false,
            created_at: Some("2025-05-20T14:00:00Z".into()),
            ..Default::default()
        },
    ]
}

/// Text that tries to take over the terminal.
pub fn hostile_person() -> Person {
    let mut p = person(
        "p-evil",
        "Eve\x1b[2J\x1b[31m",
        "Mallory\u{202e}gnp.exe",
        "Evil\x1b]0;pwned\x07 Corp",
        "eve@evil.example",
    );
    p.job_title = format!("CEO\x07\x00{}", "A".repeat(5000));
    p.tags = vec!["\x1b]52;c;ZXZpbA==\x07vip".into()];
    p.normalize()
}

pub fn cast() -> Vec<Person> {
    vec![
        full_person(),
        person("p-2", "Ann", "Smith", "Acme", "ann@acme.com"),
        person("p-3", "Bob", "Jones", "Globex", "bob@globex.com"),
        person("p-4", "秀英", "王", "", "wang@example.cn"),
        person("p-5", "Łukasz", "Żółć", "Acme", "lukasz@acme.com"),
    ]
}

pub fn state_with(people: &[Person], size: (u16, u16)) -> State {
    let mut s = State::new(
        Workspace {
            profile: "demo".into(),
            backend: "local".into(),
            is_demo: true,
        },
        Capabilities::all_local(),
        Arc::new(Keymap::defaults()),
    );
    s.size = size;
    s.color = true;
    handle(
        &mut s,
        Input::Msg(Msg::PeopleLoaded(Ok(people
            .iter()
            .map(PersonSummary::from_person)
            .collect()))),
    );
    s
}

/// Answer the pending detail load the way the event loop would.
pub fn load_detail(state: &mut State, effects: &[Effect], people: &[Person]) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in effects {
        if let Effect::LoadDetail { request, id } = e {
            let person = people.iter().find(|p| &p.id == id).cloned().unwrap();
            let notes = if id == "p-1" {
                notes_for(id)
            } else {
                Vec::new()
            };
            out.extend(handle(
                state,
                Input::Msg(Msg::DetailLoaded {
                    request: *request,
                    id: id.clone(),
                    result: Ok((person, notes)),
                }),
            ));
        }
    }
    out
}

pub fn key(s: &str) -> Input {
    let k = rolo::app::keymap::Key::parse(s).unwrap();
    Input::Key(KeyEvent::new(k.code, k.mods))
}

pub fn ch(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Run the matcher jobs among `effects` to the end, as the matcher thread
/// would, and feed their answers back: the effects include the jobs and
/// whatever the answers asked for (a detail load for a new selection),
/// which come last, as they would from the event loop.
pub fn settle(state: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    let jobs: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Match(job) => Some(job.clone()),
            _ => None,
        })
        .collect();
    let mut out = effects;
    for job in jobs {
        let snapshot = rolo::search::engine::MatchEngine::default().run_now(&job);
        let more = handle(state, Input::Msg(Msg::Matched(snapshot)));
        out.extend(settle(state, more));
    }
    out
}

/// Press keys (`"g g j"`), each one's matcher job answered before the next.
pub fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for k in keys.split_whitespace() {
        let effects = handle(state, key(k));
        out.extend(settle(state, effects));
    }
    out
}

/// Type text, each key's matcher job answered before the next.
pub fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for c in text.chars() {
        let effects = handle(state, ch(c));
        out.extend(settle(state, effects));
    }
    out
}
