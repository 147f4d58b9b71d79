//! The real binary in a pseudo-terminal over many people: a word typed as
//! fast as a terminal sends it (one write) drops no key, and the screen
//! ends on the answer for the whole word, not for a prefix of it.
//!
//! Every wait polls with a deadline; nothing sleeps for a fixed time.

use crate::sandbox;
use rolo::app::people::PeopleView;
use rolo::store::Store;
use support::pty::Session;

/// Enough that matching a keystroke takes a while in a debug build, so
/// keys arrive while the matcher is busy.
const PEOPLE: usize = 20_000;

/// A five-letter start of a family name, with the count and the best
/// match the app's own search gives for it.
fn pick_word(view: &mut PeopleView) -> (String, usize) {
    let names: Vec<String> = view.all.iter().map(|p| p.family_name.to_string()).collect();
    for family in names {
        let word: String = family.to_lowercase().chars().take(5).collect();
        if word.chars().count() < 5 || !word.chars().all(|c| c.is_ascii_lowercase()) {
            continue;
        }
        view.set_query(&word);
        let count = view.visible.len();
        if (2..PEOPLE / 10).contains(&count) {
            return (word, count);
        }
    }
    panic!("no five-letter family name start finds a handful of people");
}

#[test]
fn a_five_letter_word_typed_at_once_ends_on_the_whole_words_result() {
    let home = sandbox();
    let db = home.demo_db();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    {
        let mut store = Store::open(&db).unwrap();
        store
            .import(&rolo::fake_data::generate_people(PEOPLE, 11))
            .unwrap();
        // The demo profile seeds its bundled people only into a new file.
        store.set_meta("demo_seeded", "1").unwrap();
    }
    let mut view = PeopleView::default();
    view.set_people(Store::open(&db).unwrap().load_summaries().unwrap());
    let (word, count) = pick_word(&mut view);
    // Every prefix finds more people than the word: a screen stuck on a
    // prefix's answer shows another count.
    for n in 1..5 {
        view.set_query(&word[..n]);
        assert!(view.visible.len() > count, "{} finds no more", &word[..n]);
    }

    let mut s = Session::start(&home, 120, 35);
    s.wait_for(&format!("{PEOPLE} people"));
    s.send("/");
    s.wait_for("type to filter");
    s.send(&word);
    let bar = format!("/{word} {count} match(es)");
    let screen = s.wait_until("the whole word's answer", |screen| {
        screen.contains(&bar) && !screen.contains("matching…")
    });
    assert!(
        screen.contains(&format!("People {count}/{PEOPLE}")),
        "{screen}"
    );
    // Esc and q apart: sent together they read as Alt-q.
    s.send("\x1b");
    s.wait_until("the filter cleared", |screen| {
        screen.contains(&format!("People {PEOPLE}/{PEOPLE}"))
    });
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "rolo exited with {status:?}");
    s.assert_terminal_restored();
}
