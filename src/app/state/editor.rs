//! The note editor's state: title and category lines over a multi-line
//! body, what it started from, and the draft it writes as the user types.

use super::{Draft, QueuedEdit};
use crate::app::input::LineInput;
use crate::model::Note;
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorFocus {
    Title,
    Category,
    Body,
}

/// The note editor.
#[derive(Debug, Clone)]
pub struct NoteEditor {
    pub person_id: String,
    pub person_name: String,
    /// The note being edited; `None` for a new note.
    pub base: Option<Note>,
    pub title: LineInput,
    pub category: LineInput,
    pub body: TextArea<'static>,
    pub focus: EditorFocus,
    /// Title and category exist on this backend.
    pub has_title: bool,
    /// The categories the server offers; ↑/↓ on the category line picks one.
    pub categories: Vec<String>,
    initial: (String, String, String),
    pub saving: bool,
    pub error: Option<String>,
    /// Fixing a queued note change: saving replaces it.
    pub queued: Option<QueuedEdit>,
}

impl NoteEditor {
    /// An editor for `base` (`None`: a new note) of the person `person_id`,
    /// named `person_name` (known from the list's summary, so a new note's
    /// editor opens before the full record loads). `has_title`: this
    /// backend's notes have a title and category; `categories`: the ones
    /// its server offers.
    pub fn new(
        person_id: &str,
        person_name: &str,
        base: Option<Note>,
        has_title: bool,
        categories: Vec<String>,
    ) -> NoteEditor {
        let (title, category, text) = match &base {
            Some(n) => (n.title.clone(), n.category.clone(), n.text.clone()),
            None => Default::default(),
        };
        let mut editor = NoteEditor {
            person_id: person_id.to_string(),
            person_name: person_name.to_string(),
            base,
            title: LineInput::new(title.clone()),
            category: LineInput::new(category.clone()),
            body: TextArea::default(),
            focus: EditorFocus::Body,
            has_title,
            categories,
            initial: (title, category, text.clone()),
            saving: false,
            error: None,
            queued: None,
        };
        editor.set_text(&text);
        editor
    }

    /// The editor holding a draft's unsaved text (still dirty against the
    /// note it started from).
    pub fn with_draft(mut self, draft: &Draft) -> NoteEditor {
        self.title = LineInput::new(draft.title.clone());
        self.category = LineInput::new(draft.category.clone());
        self.set_text(&draft.text);
        self
    }

    fn set_text(&mut self, text: &str) {
        // The textarea draws its text as is, so hostile note text is cleaned
        // on the way in (without the display length cap: that would lose text).
        let text = crate::sanitize::strip_controls(text);
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        self.body = TextArea::new(lines);
        // Long lines wrap at words (inside a word only when it is wider
        // than the box) instead of scrolling sideways out of sight.
        self.body
            .set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        self.body.move_cursor(ratatui_textarea::CursorMove::Bottom);
        self.body.move_cursor(ratatui_textarea::CursorMove::End);
    }

    pub fn text(&self) -> String {
        self.body.lines().join("\n")
    }

    pub fn is_dirty(&self) -> bool {
        (
            self.title.value(),
            self.category.value(),
            self.text().as_str(),
        ) != (
            self.initial.0.as_str(),
            self.initial.1.as_str(),
            self.initial.2.as_str(),
        )
    }

    pub fn draft(&self) -> Draft {
        Draft {
            person_id: self.person_id.clone(),
            person_name: self.person_name.clone(),
            note_id: self.base.as_ref().map(|n| n.id.clone()),
            title: self.title.value().to_string(),
            category: self.category.value().to_string(),
            text: self.text(),
        }
    }

    /// Put the next (`step` 1) or previous (-1) offered category on the
    /// category line; false when none is offered.
    pub fn cycle_category(&mut self, step: isize) -> bool {
        let n = self.categories.len() as isize;
        if n == 0 {
            return false;
        }
        let current = self
            .categories
            .iter()
            .position(|c| c.eq_ignore_ascii_case(self.category.value().trim()));
        let next = match current {
            Some(i) => (i as isize + step).rem_euclid(n),
            None if step > 0 => 0,
            None => n - 1,
        };
        self.category = LineInput::new(self.categories[next as usize].clone());
        true
    }

    /// The note to save.
    pub fn to_note(&self) -> Note {
        let mut note = self.base.clone().unwrap_or_default();
        note.person_id = self.person_id.clone();
        note.title = self.title.value().trim().to_string();
        note.category = self.category.value().trim().to_string();
        note.text = self.text();
        note
    }
}
