//! Help at 80x24: a "more" mark while rows are below, none past the end,
//! and the message log with a long error read whole.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::state::State;
use support::app::*;

fn screen(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, s)).unwrap();
    t.backend().to_string()
}

#[test]
fn help_marks_more_rows_and_the_log_shows_a_long_message_whole() {
    let people = cast();
    let mut s = state_with(&people, (80, 24));
    // No clock: the times would depend on the machine's time zone.
    let long = "not saved: the server refused the change because the family name \
                is longer than 255 characters and the email is already in use by Ann Smith";
    s.info("note saved");
    s.error(long);
    press(&mut s, "?");
    let top = screen(&s);
    assert!(top.contains("↓"), "a mark says more is below:\n{top}");
    insta::assert_snapshot!("help_top_80x24", top);
    press(&mut s, &["j"; 100].join(" "));
    let end = screen(&s);
    assert!(!end.contains("↓"), "no more below at the end:\n{end}");
    assert!(end.contains("↑"), "a mark says more is above");
    // The long error is there in full, wrapped, not cut.
    let flat: String = end
        .lines()
        .map(|l| {
            l.trim_matches(|c| c == '"' || c == '│' || c == ' ')
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" ");
    for word in [
        "255 characters",
        "already in use",
        "Ann Smith",
        "note saved",
    ] {
        assert!(flat.contains(word), "{word} in:\n{end}");
    }
    insta::assert_snapshot!("help_end_80x24", end);
}
