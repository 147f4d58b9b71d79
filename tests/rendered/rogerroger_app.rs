//! The TUI's side of a remote profile like RogerRoger: the list fills as a
//! first sync pages in, an open profile syncs again on its own, the note
//! editor offers the server's note categories, and tags keep their CRM
//! text colour.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use rolo::app::effect::{Effect, Msg};
use rolo::app::state::Overlay;
use rolo::app::update::{Input, handle};
use rolo::client::SyncReport;
use rolo::store::PersonSummary;
use support::app::*;

fn summaries(n: usize) -> Vec<PersonSummary> {
    (0..n)
        .map(|i| {
            PersonSummary::from_person(&person(
                &format!("p{i}"),
                "Ann",
                &format!("F{i:05}"),
                "",
                "",
            ))
        })
        .collect()
}

fn progress(s: &mut rolo::app::state::State, done: usize) -> Vec<Effect> {
    handle(
        s,
        Input::Msg(Msg::SyncProgress {
            done,
            total: Some(10_000),
        }),
    )
}

#[test]
fn a_first_sync_fills_the_list_as_pages_arrive_and_reloads_thin_out() {
    let mut s = state_with(&[], (100, 30));
    s.sync.remote = true;
    assert_eq!(
        progress(&mut s, 30),
        [Effect::LoadPeople],
        "the first page shows"
    );
    handle(&mut s, Input::Msg(Msg::PeopleLoaded(Ok(summaries(30)))));
    assert!(progress(&mut s, 30).is_empty(), "nothing new");
    assert_eq!(progress(&mut s, 60), [Effect::LoadPeople]);
    handle(&mut s, Input::Msg(Msg::PeopleLoaded(Ok(summaries(2000)))));
    // A big list reloads only when the synced count has doubled it.
    assert!(progress(&mut s, 2500).is_empty());
    assert_eq!(progress(&mut s, 4000), [Effect::LoadPeople]);
    assert_eq!(s.sync.describe(), "syncing 4,000/10,000");
}

#[test]
fn an_open_remote_profile_syncs_again_every_ten_minutes() {
    let people = cast();
    let mut s = state_with(&people, (100, 30));
    s.sync.remote = true;
    let at = |t: &str| Input::Msg(Msg::Tick(t.parse().unwrap()));
    handle(&mut s, at("2026-11-24T10:00:00Z"));
    handle(&mut s, Input::Msg(Msg::SyncDone(SyncReport::default())));
    assert!(handle(&mut s, at("2026-11-24T10:09:00Z")).is_empty());
    let e = handle(&mut s, at("2026-11-24T10:10:00Z"));
    assert!(matches!(&e[..], [Effect::Sync { .. }]), "{e:?}");
    // Not while one runs.
    assert!(handle(&mut s, at("2026-11-24T10:30:00Z")).is_empty());
    // A local workspace never does.
    let mut local = state_with(&people, (100, 30));
    handle(&mut local, at("2026-11-24T10:00:00Z"));
    assert!(handle(&mut local, at("2026-11-24T12:00:00Z")).is_empty());
}

#[test]
fn the_note_editor_offers_the_servers_categories() {
    let people = cast();
    let mut s = state_with(&people, (100, 30));
    let load = vec![Effect::LoadDetail {
        request: s.detail.request,
        id: s.people.selected_id().unwrap().to_string(),
    }];
    load_detail(&mut s, &load, &people);
    handle(
        &mut s,
        Input::Msg(Msg::NoteCategories(vec!["Call".into(), "General".into()])),
    );
    press(&mut s, "n");
    // Body -> title -> category.
    press(&mut s, "tab");
    press(&mut s, "tab");
    let category = |s: &rolo::app::state::State| match s.overlays.last() {
        Some(Overlay::NoteEditor(ed)) => ed.to_note().category,
        other => panic!("{other:?}"),
    };
    assert_eq!(category(&s), "", "nothing chosen silently");
    press(&mut s, "down");
    assert_eq!(category(&s), "Call");
    press(&mut s, "down");
    assert_eq!(category(&s), "General");
    press(&mut s, "down");
    assert_eq!(category(&s), "Call", "round and round");
    press(&mut s, "up");
    assert_eq!(category(&s), "General");
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| rolo::ui::draw(f, &s)).unwrap();
    let text = format!("{}", t.backend());
    assert!(text.contains("↑/↓ choose: Call · General"), "{text}");
}

#[test]
fn tags_keep_their_crm_text_colour_unless_it_would_vanish() {
    let mut p = full_person();
    p.tags = vec!["VIP".into(), "Ghost".into()];
    p.tag_colors.insert("VIP".into(), "#c0392b".into());
    p.tag_text_colors.insert("VIP".into(), "#ffff00".into());
    p.tag_colors.insert("Ghost".into(), "#ffffff".into());
    p.tag_text_colors.insert("Ghost".into(), "#fefefe".into());
    let people = vec![p.clone()];
    let mut s = state_with(&people, (100, 30));
    s.color = true;
    let load = vec![Effect::LoadDetail {
        request: s.detail.request,
        id: p.id.clone(),
    }];
    load_detail(&mut s, &load, &people);
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| rolo::ui::draw(f, &s)).unwrap();
    let buf = t.backend().buffer();
    let find = |word: &str| {
        let first = word.chars().next().unwrap().to_string();
        let second = word.chars().nth(1).unwrap().to_string();
        (0..30u16)
            .flat_map(|y| (45..99u16).map(move |x| (x, y)))
            .find(|&(x, y)| buf[(x, y)].symbol() == first && buf[(x + 1, y)].symbol() == second)
            .unwrap_or_else(|| panic!("{word} drawn:\n{}", t.backend()))
    };
    let vip = find("VIP");
    assert_eq!((buf[vip].bg, buf[vip].fg), (Color::Red, Color::LightYellow));
    let ghost = find("Gh");
    assert_eq!(buf[ghost].bg, Color::White);
    assert_eq!(buf[ghost].fg, Color::Black, "white on white would vanish");
}
