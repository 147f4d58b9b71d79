//! Complex scripts in the list, the detail pane, popups and at pane edges:
//! Devanagari conjuncts, Thai and Arabic, CJK, emoji ZWJ sequences and
//! combining marks. Snapshots show the layout; a model terminal that lays
//! text out letter by letter (as tmux and xterm do for Indic scripts, and
//! as terminals without emoji joining do for ZWJ sequences) replays the
//! frames' diffs, and what it shows must match the buffer: no debris under
//! a popup, no border lost to an emoji.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use rolo::app::effect::{Effect, Msg};
use rolo::app::state::State;
use rolo::app::update::{Input, handle};
use rolo::model::Person;
use support::app::*;
use unicode_width::UnicodeWidthChar;

const FAMILY: &str = "👨\u{200d}👩\u{200d}👧";

fn people() -> Vec<Person> {
    let mut shri = person(
        "s-1",
        "Priya",
        "Banerjee",
        "श्री गणेश ट्रेडर्स",
        "priya@ganesh.in",
    );
    shri.job_title = "प्रबंधक".into();
    shri.address.city = "मुंबई".into();
    let mut thai = person(
        "s-2",
        "สมชาย",
        "ใจดี",
        "บริษัท สยาม จำกัด",
        "somchai@siam.co.th",
    );
    thai.job_title = "ผู้จัดการ".into();
    let arabic = person("s-3", "ليلى", "الفارسي", "شركة الخليج", "layla@gulf.ae");
    let cjk = person(
        "s-4",
        "秀英",
        "王",
        "北京科技有限公司北京科技有限公司",
        "wang@example.cn",
    );
    let mut emoji = person(
        "s-5",
        "Family",
        "Emoji",
        &format!("{FAMILY}{FAMILY}{FAMILY}{FAMILY}{FAMILY}{FAMILY}{FAMILY}{FAMILY}"),
        "family@example.com",
    );
    emoji.job_title = format!("Lead {FAMILY} ❤\u{fe0f} 🇩🇪 {}", FAMILY.repeat(40));
    // Zoë with a combining diaeresis, Ångström with a combining ring.
    let combining = person(
        "s-6",
        "Zoe\u{308}",
        "A\u{30a}ngstro\u{308}m",
        "Cafe\u{301} Noe\u{308}l",
        "zoe@cafe.fr",
    );
    vec![shri, thai, arabic, cjk, emoji, combining]
}

fn open(state: &mut State, effects: &[Effect], people: &[Person]) {
    if let Some(Effect::LoadDetail { request, id }) = effects.last() {
        let p = people.iter().find(|p| &p.id == id).unwrap().clone();
        handle(
            state,
            Input::Msg(Msg::DetailLoaded {
                request: *request,
                id: id.clone(),
                result: Ok((p, vec![])),
            }),
        );
    }
}

/// A terminal that lays out each character by its own width: a zero-width
/// mark joins the column before it, a wide character takes two columns.
struct LetterTerminal {
    rows: Vec<Vec<String>>,
}

impl LetterTerminal {
    fn new(w: u16, h: u16) -> Self {
        Self {
            rows: vec![vec![" ".to_string(); w as usize]; h as usize],
        }
    }

    fn apply(&mut self, prev: &Buffer, next: &Buffer) {
        for (x, y, cell) in prev.diff(next) {
            let row = &mut self.rows[y as usize];
            let mut col = x as usize;
            for c in cell.symbol().chars() {
                match c.width().unwrap_or(0) {
                    0 if col > 0 => row[col - 1].push(c),
                    0 => {}
                    w => {
                        if col + w > row.len() {
                            break; // the terminal's right margin
                        }
                        // Writing over either half of a wide character
                        // blanks the whole of it, as terminals do.
                        for at in col..col + w {
                            unwide(row, at);
                        }
                        row[col] = c.to_string();
                        if w == 2 {
                            row[col + 1] = String::new();
                        }
                        col += w;
                    }
                }
            }
        }
    }

    /// Every cell the buffer shows by itself (not hidden under a wide
    /// cluster, not an emoji sequence this terminal draws apart) must be
    /// what this terminal shows there.
    fn assert_matches(&self, buf: &Buffer, what: &str) {
        for y in 0..buf.area.height {
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                let w = rolo::ui::text::cluster_width(sym).max(1) as u16;
                if !sym.contains('\u{200d}') {
                    let first: String = self.rows[y as usize][x as usize].clone();
                    let expect = sym.to_string();
                    assert!(
                        first == expect || (w > 1 && first.chars().next() == expect.chars().next()),
                        "{what}: row {y} col {x}: terminal shows {first:?}, buffer has {expect:?}\n\
                         terminal row: {}\n",
                        self.rows[y as usize].concat()
                    );
                }
                x += w;
            }
        }
    }
}

/// Blank the wide character that covers column `at`, if any.
fn unwide(row: &mut [String], at: usize) {
    if row[at].is_empty() && at > 0 {
        row[at - 1] = " ".into();
        row[at] = " ".into();
    } else if row[at].chars().next().and_then(|c| c.width()) == Some(2) && at + 1 < row.len() {
        row[at + 1] = " ".into();
    }
}

/// From the list, press each step's keys (loading the person a key opens)
/// and draw, on one terminal, replaying what ratatui sends; the screen after
/// each step.
fn replay(size: (u16, u16), steps: &[(&str, &str)]) -> Vec<String> {
    let people = people();
    let mut s = state_with(&people, size);
    let (w, h) = size;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut model = LetterTerminal::new(w, h);
    let mut prev = Buffer::empty(ratatui::layout::Rect::new(0, 0, w, h));
    let mut shots = Vec::new();
    for (what, keys) in steps {
        if !keys.is_empty() {
            let e = press(&mut s, keys);
            open(&mut s, &e, &people);
        }
        let frame = t.draw(|f| rolo::ui::draw(f, &s)).unwrap();
        let next = frame.buffer.clone();
        model.apply(&prev, &next);
        model.assert_matches(&next, &format!("{w}x{h} {what}"));
        shots.push(t.backend().to_string());
        prev = next;
    }
    shots
}

#[test]
fn complex_scripts_leave_no_debris_under_popups_or_at_edges() {
    for size in [(100, 30), (80, 24), (200, 60)] {
        let shots = replay(
            size,
            &[
                ("list", ""),
                ("help", "?"),
                ("list again", "esc"),
                ("down to the emoji", "j j j j"),
                ("form", "e"),
                ("list after the form", "esc"),
                ("up to Devanagari", "home"),
                ("form over Devanagari", "e"),
                ("after that form", "esc"),
                ("detail", "enter"),
                ("note editor", "n"),
                ("after the editor", "esc"),
            ],
        );
        let (w, h) = size;
        if (w, h) != (200, 60) {
            insta::assert_snapshot!(format!("scripts_list_{w}x{h}"), shots[3]);
            insta::assert_snapshot!(format!("scripts_form_{w}x{h}"), shots[7]);
            insta::assert_snapshot!(format!("scripts_detail_{w}x{h}"), shots[9]);
        }
    }
}

/// A long note line wraps at words in the editor, nothing scrolled out of
/// sight sideways.
#[test]
fn the_note_editor_wraps_words() {
    let people = cast();
    let mut s = state_with(&people, (80, 24));
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    press(&mut s, "n");
    type_text(
        &mut s,
        "The first line is long enough to need wrapping at eighty columns, with words kept whole",
    );
    press(&mut s, "enter");
    type_text(&mut s, "second line");
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| rolo::ui::draw(f, &s)).unwrap();
    let shown = t.backend().to_string();
    for part in ["The first line", "with words", "kept whole", "second line"] {
        assert!(shown.contains(part), "{part}:\n{shown}");
    }
    insta::assert_snapshot!("note_editor_wraps_80x24", shown);
}
