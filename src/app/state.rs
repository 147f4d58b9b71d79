//! Everything the UI draws, split per view so no struct grows into a god
//! object. `update` changes it; `ui::draw` only reads it.

use super::input::LineInput;
use super::keymap::{KeyMode, KeySeq, Keymap};
use super::people::PeopleView;
use crate::backend::FieldProposal;
pub use crate::drafts::Draft;
use crate::model::field::{PersonField, validate_custom};
use crate::model::{
    Capabilities, CustomFieldDef, FieldOption, Note, Person, Violation, validate_person,
};
pub use crate::workspace::Workspace;
use ratatui_textarea::TextArea;
use serde_json::Value;
use std::sync::Arc;

/// Which pane has the keyboard when no overlay is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Detail,
}

/// The selected person's full record and notes.
#[derive(Debug, Default)]
pub struct DetailView {
    pub person: Option<Person>,
    pub notes: Vec<Note>,
    pub note_selected: usize,
    /// Id being loaded, for the "loading" hint.
    pub loading: Option<String>,
    /// Sequence number of the latest load; older replies are dropped.
    pub request: u64,
}

impl DetailView {
    pub fn selected_note(&self) -> Option<&Note> {
        self.notes.get(self.note_selected)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Busy,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub message: String,
    pub kind: StatusKind,
}

impl Default for StatusLine {
    fn default() -> Self {
        StatusLine {
            message: String::new(),
            kind: StatusKind::Info,
        }
    }
}

/// What one line of the person form edits.
#[derive(Debug, Clone, PartialEq)]
pub enum FormSlot {
    /// A field of the catalogue, as its text.
    Field(PersonField),
    /// One custom field, typed by the CRM's definition.
    Custom(CustomFieldDef),
}

/// One editable line of the person form.
#[derive(Debug, Clone)]
pub struct FormField {
    pub slot: FormSlot,
    /// What violations name: a catalogue key, or `customFields.<key>`.
    pub key: String,
    pub label: String,
    /// The backend (or the field's definition) requires a value.
    pub required: bool,
    pub input: LineInput,
    initial: String,
}

impl FormField {
    fn new(slot: FormSlot, base: &Person, caps: &Capabilities) -> FormField {
        let (key, label, required, value) = match &slot {
            FormSlot::Field(f) => (
                f.key().to_string(),
                f.label().to_string(),
                caps.requires(*f),
                f.get(base),
            ),
            FormSlot::Custom(def) => (
                format!("customFields.{}", def.key),
                def.label.clone(),
                def.required,
                base.custom_fields
                    .get(&def.key)
                    .map(|v| def.display(v))
                    .unwrap_or_default(),
            ),
        };
        FormField {
            slot,
            key,
            label,
            required,
            input: LineInput::new(value.clone()),
            initial: value,
        }
    }

    /// The options of a choice (a select with known options), by label.
    pub fn options(&self) -> Option<&[FieldOption]> {
        match &self.slot {
            FormSlot::Custom(def) if is_choice(def) => Some(&def.options),
            _ => None,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.input.value() != self.initial
    }

    /// Move a choice by `step` options (wrapping); returns whether it moved.
    pub fn cycle(&mut self, step: isize) -> bool {
        let Some(options) = self.options() else {
            return false;
        };
        let n = options.len() as isize;
        let at = options
            .iter()
            .position(|o| o.label == self.input.value())
            .map_or(if step > 0 { -1 } else { n }, |i| i as isize);
        let next = (at + step).rem_euclid(n) as usize;
        self.input = LineInput::new(options[next].label.clone());
        true
    }

    /// Pick the next option whose label starts with `c` (type-to-choose).
    pub fn choose_by_letter(&mut self, c: char) -> bool {
        let Some(options) = self.options() else {
            return false;
        };
        let starts = |o: &FieldOption| {
            o.label
                .chars()
                .next()
                .is_some_and(|f| f.to_lowercase().eq(c.to_lowercase()))
        };
        let at = options.iter().position(|o| o.label == self.input.value());
        let after = at.map_or(0, |i| i + 1);
        let found = options[after..]
            .iter()
            .find(|o| starts(o))
            .or_else(|| options.iter().find(|o| starts(o)))
            .map(|o| o.label.clone());
        match found {
            Some(label) => {
                self.input = LineInput::new(label);
                true
            }
            None => false,
        }
    }
}

/// A select whose options the server listed: offered as a choice.
fn is_choice(def: &CustomFieldDef) -> bool {
    def.kind == crate::model::CustomFieldKind::Select && !def.options.is_empty()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Create,
    Edit,
}

/// The person form: the fields the backend stores, in the catalogue's
/// words, required marks from its capabilities, custom fields typed by the
/// CRM's definitions.
#[derive(Debug, Clone)]
pub struct PersonForm {
    pub kind: FormKind,
    pub base: Person,
    pub fields: Vec<FormField>,
    pub focused: usize,
    /// Problems found locally or reported by the server, per field.
    pub errors: Vec<Violation>,
    pub saving: bool,
    /// Fixing a queued change (from the queued-changes view): saving
    /// replaces it instead of queueing another.
    pub queued: Option<QueuedEdit>,
}

impl PersonForm {
    /// A form for the backend `caps` describes; `defs` are its custom-field
    /// definitions (none: custom fields are one `key=value` line).
    pub fn new(
        kind: FormKind,
        base: Person,
        caps: &Capabilities,
        defs: &[CustomFieldDef],
    ) -> PersonForm {
        let mut slots = Vec::new();
        for &field in caps.fields {
            if field == PersonField::CustomFields && !defs.is_empty() {
                slots.extend(defs.iter().cloned().map(FormSlot::Custom));
            } else {
                slots.push(FormSlot::Field(field));
            }
        }
        let fields: Vec<FormField> = slots
            .into_iter()
            .map(|slot| FormField::new(slot, &base, caps))
            .collect();
        // Start where people type first: the given name.
        let focused = fields
            .iter()
            .position(|f| f.slot == FormSlot::Field(PersonField::GivenName))
            .unwrap_or(0);
        PersonForm {
            kind,
            base,
            fields,
            focused,
            errors: Vec::new(),
            saving: false,
            queued: None,
        }
    }

    /// The person as the form currently describes it. Only fields the user
    /// changed are written back, so nothing else is rewritten by a round
    /// trip through text.
    pub fn to_person(&self) -> Person {
        let mut p = self.base.clone();
        for f in self.fields.iter().filter(|f| f.is_dirty()) {
            let text = f.input.value();
            match &f.slot {
                FormSlot::Field(field) => field.set(&mut p, text),
                FormSlot::Custom(def) => match validate_custom(def, text) {
                    Ok(Value::Null) if !self.base.custom_fields.contains_key(&def.key) => {
                        p.custom_fields.remove(&def.key);
                    }
                    Ok(value) => {
                        p.custom_fields.insert(def.key.clone(), value);
                    }
                    // Refused by `problems` before anything is saved.
                    Err(_) => {
                        p.custom_fields
                            .insert(def.key.clone(), Value::String(text.trim().to_string()));
                    }
                },
            }
        }
        p.normalize()
    }

    /// What stops a save: the backend's rules and the custom fields' types.
    pub fn problems(&self, caps: &Capabilities) -> Vec<Violation> {
        let mut out = validate_person(&self.to_person(), caps);
        for f in &self.fields {
            if let FormSlot::Custom(def) = &f.slot
                && (f.is_dirty() || def.required)
                && let Err(message) = validate_custom(def, f.input.value())
            {
                out.push(Violation::new(f.key.clone(), message));
            }
        }
        out
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(FormField::is_dirty)
    }

    /// The catalogue key a violation belongs to (server paths like
    /// `emailAddresses[0].email` included).
    pub fn field_of(violation: &Violation) -> Option<&'static str> {
        PersonField::from_name(&violation.field).map(PersonField::key)
    }

    /// The line of the form a violation belongs to.
    fn line_of(&self, violation: &Violation) -> Option<usize> {
        let name = violation.field.as_str();
        let custom = |def: &CustomFieldDef| {
            [
                format!("customFields.{}", def.key),
                format!("custom.{}", def.key),
            ]
            .iter()
            .any(|k| name == k || name.starts_with(&format!("{k}.")))
                || name == def.key
        };
        if let Some(i) = self.fields.iter().position(|f| match &f.slot {
            FormSlot::Custom(def) => custom(def),
            FormSlot::Field(_) => false,
        }) {
            return Some(i);
        }
        let field = PersonField::from_name(name)?;
        self.fields
            .iter()
            .position(|f| f.slot == FormSlot::Field(field))
    }

    pub fn errors_for(&self, key: &str) -> Vec<&Violation> {
        self.errors
            .iter()
            .filter(|v| self.line_of(v).is_some_and(|i| self.fields[i].key == key))
            .collect()
    }

    /// Violations that belong to no field of the form.
    pub fn general_errors(&self) -> Vec<&Violation> {
        self.errors
            .iter()
            .filter(|v| self.line_of(v).is_none())
            .collect()
    }
}

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
    pub fn new(person: &Person, base: Option<Note>, has_title: bool) -> NoteEditor {
        let (title, category, text) = match &base {
            Some(n) => (n.title.clone(), n.category.clone(), n.text.clone()),
            None => Default::default(),
        };
        let mut editor = NoteEditor {
            person_id: person.id.clone(),
            person_name: person.full_name(),
            base,
            title: LineInput::new(title.clone()),
            category: LineInput::new(category.clone()),
            body: TextArea::default(),
            focus: EditorFocus::Body,
            has_title,
            categories: Vec::new(),
            initial: (title, category, text.clone()),
            saving: false,
            error: None,
            queued: None,
        };
        editor.set_text(&text);
        editor
    }

    /// A new note for a person known only by id and name (the list's
    /// summary): the editor opens at once, before the full record loads.
    pub fn for_person(person_id: &str, person_name: &str, has_title: bool) -> NoteEditor {
        let person = Person {
            id: person_id.to_string(),
            ..Default::default()
        };
        let mut editor = NoteEditor::new(&person, None, has_title);
        editor.person_name = person_name.to_string();
        editor
    }

    pub fn from_draft(draft: &Draft, base: Option<Note>, has_title: bool) -> NoteEditor {
        let person = Person {
            id: draft.person_id.clone(),
            family_name: draft.person_name.clone(),
            ..Default::default()
        };
        let mut editor = NoteEditor::new(&person, base, has_title);
        editor.person_name = draft.person_name.clone();
        editor.title = LineInput::new(draft.title.clone());
        editor.category = LineInput::new(draft.category.clone());
        editor.set_text(&draft.text);
        editor
    }

    fn set_text(&mut self, text: &str) {
        // The textarea draws its text as is, so hostile note text is cleaned
        // on the way in (without the display length cap: that would lose text).
        let text = crate::sanitize::strip_controls(text);
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        self.body = TextArea::new(lines);
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

/// A queued change opened in the form or the note editor to be fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedEdit {
    pub seq: i64,
    /// The change creates its record (else it changes one).
    pub creates: bool,
    /// For a person edit: the record the edit started from.
    pub base: Option<Person>,
}

/// The queued-changes view: every op in the outbox and where it stands.
#[derive(Debug, Clone, Default)]
pub struct OutboxView {
    pub entries: Vec<crate::outbox::OutboxEntry>,
    pub selected: usize,
    /// The first answer from the store has come.
    pub loaded: bool,
}

impl OutboxView {
    pub fn selected_entry(&self) -> Option<&crate::outbox::OutboxEntry> {
        self.entries.get(self.selected)
    }
}

/// What a "yes" in a confirmation does.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    DeletePerson {
        id: String,
        name: String,
    },
    ArchivePerson {
        id: String,
        archive: bool,
    },
    DeleteNote {
        person_id: String,
        note_id: String,
    },
    DiscardForm,
    DiscardEditor,
    RestoreDraft(Draft),
    /// Open an existing person (after a duplicate was refused).
    OpenPerson {
        id: String,
    },
    /// Drop a queued change (from the queued-changes view).
    DropChange {
        seq: i64,
    },
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub question: String,
    pub on_yes: Pending,
}

/// One field under review: what would change (or did), named as users
/// read it.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub proposal: FieldProposal,
    /// "Job title", "Twitter", a custom field's label: never a raw key.
    pub label: String,
    /// A second line when the label alone would mislead ("custom field:
    /// Introzy keeps the job title here").
    pub note: Option<String>,
    /// `Some(true)` accept (or keep), `Some(false)` reject (or undo),
    /// `None` undecided.
    pub decision: Option<bool>,
    /// For a change already made on the server: whether rolo can write the
    /// old value back.
    pub undoable: bool,
}

/// Enrichment under review: proposals nothing has applied yet, or (for a
/// server job such as Introzy's) what the job changed, each change kept or
/// undone by the user.
#[derive(Debug, Clone)]
pub struct Review {
    /// The record the review applies to (after the job, for a job).
    pub person: Person,
    /// The record before the job, when the server already made the changes.
    pub before: Option<Person>,
    pub items: Vec<ReviewItem>,
    pub selected: usize,
}

impl Review {
    /// The server already applied these changes (keep or undo them).
    pub fn applied(&self) -> bool {
        self.before.is_some()
    }
}

/// Layers drawn over the panes; the topmost gets the keys.
// At most a few exist at once; the large ones are already boxed or rare.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Overlay {
    Help { scroll: u16, mode: KeyMode },
    Confirm(Confirm),
    PersonForm(Box<PersonForm>),
    NoteEditor(Box<NoteEditor>),
    Review(Review),
    Conflict(Box<ConflictReview>),
    Outbox(OutboxView),
}

/// A queued edit the server changed underneath: field by field, mine or theirs.
#[derive(Debug, Clone)]
pub struct ConflictReview {
    pub seq: i64,
    pub name: String,
    pub theirs: Person,
    /// Both sides' non-overlapping changes, already merged.
    pub partial: Person,
    pub fields: Vec<crate::outbox::FieldConflict>,
    /// Per field: keep mine (`true`) or take theirs.
    pub keep_mine: Vec<bool>,
    pub selected: usize,
}

/// A key or a paste typed while an overlay was on its way.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedAhead {
    Key(crossterm::event::KeyEvent),
    Paste(String),
}

/// What an awaited overlay waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwaitStage {
    /// The person's record (and notes) to arrive.
    Detail,
    /// Enrichment proposals to review.
    Enrich,
}

/// An overlay the user asked for before what it needs had arrived (the
/// person form before the record, the review before the proposals). Keys
/// typed meanwhile are meant for it: they are kept here and delivered once
/// it opens, never run as commands of the pane underneath (fzf, helix).
#[derive(Debug, Clone, PartialEq)]
pub struct Awaiting {
    pub action: super::action::Action,
    pub person_id: String,
    pub person_name: String,
    pub stage: AwaitStage,
    pub typed: Vec<TypedAhead>,
}

impl Awaiting {
    /// What the kept keys are for, for the status line.
    pub fn target(&self) -> &'static str {
        use super::action::Action;
        match self.action {
            Action::EditPerson => "the form",
            Action::Enrich => "the review",
            _ => "the editor",
        }
    }
}

/// How fresh the cache of a remote profile is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncView {
    /// This profile talks to a server (there is something to sync).
    pub remote: bool,
    pub last_sync: Option<jiff::Timestamp>,
    /// `(done, total)` while a sync runs.
    pub progress: Option<(usize, Option<u64>)>,
    /// The last attempt to reach the server failed.
    pub offline: Option<String>,
    /// Writes waiting in the outbox.
    pub queued: usize,
    pub now: Option<jiff::Timestamp>,
}

impl SyncView {
    /// "synced 4 min ago", "offline", "syncing 1,230/10,000" (empty for local).
    pub fn describe(&self) -> String {
        if !self.remote {
            return String::new();
        }
        let mut out = match (&self.progress, &self.offline, &self.last_sync) {
            (Some((done, Some(total))), _, _) => {
                format!("syncing {}/{}", thousands(*done as u64), thousands(*total))
            }
            (Some((done, None)), _, _) => format!("syncing {}", thousands(*done as u64)),
            (None, Some(_), _) => "offline".to_string(),
            (None, None, Some(at)) => format!("synced {}", ago(*at, self.now)),
            (None, None, None) => "never synced".to_string(),
        };
        if self.queued > 0 {
            out.push_str(&format!(" · {} change(s) queued", self.queued));
        }
        out
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ago(at: jiff::Timestamp, now: Option<jiff::Timestamp>) -> String {
    let Some(now) = now else {
        return "earlier".into();
    };
    let secs = now.as_second() - at.as_second();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

#[derive(Debug)]
pub struct State {
    pub workspace: Workspace,
    pub caps: Capabilities,
    pub keymap: Arc<Keymap>,
    pub people: PeopleView,
    pub detail: DetailView,
    pub focus: Focus,
    /// Stack of overlays; the last is on top.
    pub overlays: Vec<Overlay>,
    pub searching: bool,
    pub search_input: LineInput,
    pub status: StatusLine,
    /// What the network layer is waiting for, if anything.
    pub net: Option<String>,
    pub sync: SyncView,
    /// How to label custom fields, in display order (empty: show keys).
    pub field_defs: Vec<crate::model::CustomFieldDef>,
    /// The note categories the server offers, by name (empty: free text).
    pub note_categories: Vec<String>,
    /// Sequence number of the latest server search; older replies are dropped.
    pub server_search: u64,
    pub pending_keys: KeySeq,
    /// An overlay on its way, with the keys typed for it meanwhile.
    pub awaiting: Option<Awaiting>,
    /// Terminal size (columns, rows), from resize events.
    pub size: (u16, u16),
    pub quitting: bool,
    pub next_request: u64,
    /// Whether colours may be used (`NO_COLOR` unset).
    pub color: bool,
}

/// Below this width rolo shows one pane at a time.
pub const TWO_PANE_MIN_WIDTH: u16 = 100;

impl State {
    pub fn new(workspace: Workspace, caps: Capabilities, keymap: Arc<Keymap>) -> State {
        State {
            workspace,
            caps,
            keymap,
            people: PeopleView::default(),
            detail: DetailView::default(),
            focus: Focus::List,
            overlays: Vec::new(),
            searching: false,
            search_input: LineInput::default(),
            status: StatusLine::default(),
            net: None,
            sync: SyncView::default(),
            server_search: 0,
            field_defs: Vec::new(),
            note_categories: Vec::new(),
            pending_keys: Vec::new(),
            awaiting: None,
            size: (100, 30),
            quitting: false,
            next_request: 1,
            color: true,
        }
    }

    pub fn two_panes(&self) -> bool {
        self.size.0 >= TWO_PANE_MIN_WIDTH
    }

    /// Rows of the people list on screen: the terminal less the status and
    /// footer lines, the list's borders and, while filtering, the search bar.
    pub fn list_rows(&self) -> usize {
        let chrome = 2 + 2 + usize::from(self.search_bar_visible());
        (self.size.1 as usize).saturating_sub(chrome).max(1)
    }

    pub fn search_bar_visible(&self) -> bool {
        self.searching || !self.people.query.text.is_empty()
    }

    /// The keymap table that gets the next key.
    pub fn key_mode(&self) -> KeyMode {
        match self.overlays.last() {
            Some(Overlay::Help { .. }) => KeyMode::Help,
            Some(Overlay::Confirm(_)) => KeyMode::Confirm,
            Some(Overlay::PersonForm(_)) => KeyMode::Form,
            Some(Overlay::NoteEditor(_)) => KeyMode::Editor,
            Some(Overlay::Review(_)) => KeyMode::Review,
            Some(Overlay::Conflict(_)) => KeyMode::Conflict,
            Some(Overlay::Outbox(_)) => KeyMode::Outbox,
            None if self.searching => KeyMode::Search,
            None if self.focus == Focus::Detail => KeyMode::Detail,
            None => KeyMode::Normal,
        }
    }

    /// Ids of the people on screen, selected first: what a sync under a
    /// rate limit refreshes first.
    pub fn on_screen_ids(&self) -> Vec<String> {
        let p = &self.people;
        let rows = p.visible.iter().skip(p.offset).take(self.list_rows());
        let mut ids: Vec<String> = p.selected_id().map(str::to_string).into_iter().collect();
        ids.extend(
            rows.map(|&i| p.all[i].id.clone())
                .filter(|id| Some(id.as_str()) != p.selected_id()),
        );
        ids
    }

    /// Why `action` cannot be done on this backend, if it cannot: the
    /// backend's capabilities decide what is offered.
    pub fn unavailable(&self, action: super::action::Action) -> Option<String> {
        use super::action::Action;
        let caps = &self.caps;
        let reason = match action {
            Action::DeletePerson if !caps.delete => "does not support deleting people",
            Action::ArchivePerson if !caps.archive => "does not support archiving",
            Action::AddNote | Action::EditNote | Action::DeleteNote if !caps.notes => {
                "has no notes"
            }
            Action::EditNote if !caps.note_edit => "cannot change a note once it is saved",
            Action::DeleteNote if !caps.note_delete => "cannot delete notes",
            Action::FlagNote if !caps.flag_notes => "cannot flag notes",
            Action::Enrich if caps.enrich.is_none() => "offers no enrichment",
            Action::Outbox if !self.sync.remote => {
                "queues nothing (writes go straight to the database)"
            }
            _ => return self.read_only_reason(action),
        };
        Some(format!(
            "{} {reason}",
            crate::model::field::backend_label(&self.workspace.backend)
        ))
    }

    /// The person an action on "the selected person" means, when loaded.
    pub fn selected_loaded(&self) -> Option<&Person> {
        let person = self.detail.person.as_ref()?;
        let shown =
            self.focus == Focus::Detail || self.people.selected_id() == Some(person.id.as_str());
        shown.then_some(person)
    }

    /// Why a change to the selected person is refused: the backend marked
    /// the record read-only (a locked Rhythm contact).
    fn read_only_reason(&self, action: super::action::Action) -> Option<String> {
        use super::action::Action;
        let changes = matches!(
            action,
            Action::EditPerson
                | Action::ArchivePerson
                | Action::DeletePerson
                | Action::AddNote
                | Action::EditNote
                | Action::DeleteNote
                | Action::FlagNote
                | Action::Enrich
        );
        let person = self.selected_loaded().filter(|_| changes)?;
        let reason = person.read_only.as_deref()?;
        Some(format!("{} is read-only: {reason}", person.full_name()))
    }

    pub fn request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    pub fn info(&mut self, message: impl Into<String>) {
        self.status = StatusLine {
            message: message.into(),
            kind: StatusKind::Info,
        };
    }

    pub fn busy(&mut self, message: impl Into<String>) {
        self.status = StatusLine {
            message: message.into(),
            kind: StatusKind::Busy,
        };
    }

    pub fn error(&mut self, message: impl Into<String>) {
        self.status = StatusLine {
            message: message.into(),
            kind: StatusKind::Error,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_round_trips_a_person_and_tracks_changes() {
        use crate::model::Phone;
        let mut custom = std::collections::BTreeMap::new();
        custom.insert("tier".to_string(), serde_json::json!(3));
        let p = Person {
            id: "1".into(),
            given_name: "Ann".into(),
            family_name: "Lee".into(),
            emails: vec!["a@x.com".into(), "b@y.org".into()],
            phones: vec![Phone {
                number: "+31 6 1".into(),
                kind: "mobile".into(),
            }],
            custom_fields: custom,
            ..Default::default()
        }
        .normalize();
        let caps = Capabilities::all_local();
        let mut form = PersonForm::new(FormKind::Edit, p.clone(), &caps, &[]);
        assert!(!form.is_dirty());
        assert_eq!(form.to_person(), p);
        form.fields[7].input.insert_str("CTO");
        assert!(form.is_dirty());
        assert_eq!(form.to_person().job_title, "CTO");
        assert_eq!(form.to_person().custom_fields["tier"], serde_json::json!(3));
    }

    fn introzy_like() -> Capabilities {
        Capabilities {
            fields: &[
                PersonField::GivenName,
                PersonField::FamilyName,
                PersonField::Emails,
                PersonField::AddressLine,
                PersonField::CustomFields,
            ],
            required: &[PersonField::GivenName, PersonField::Emails],
            ..Capabilities::all_local()
        }
    }

    fn defs() -> Vec<CustomFieldDef> {
        let option = |value: &str, label: &str| FieldOption {
            value: value.into(),
            label: label.into(),
            color: None,
        };
        let def = |key: &str, kind: &str, options| CustomFieldDef {
            key: key.into(),
            label: key.trim_start_matches("cf_").into(),
            kind: kind.into(),
            filterable: false,
            sortable: false,
            required: false,
            options,
            display_order: 0,
        };
        vec![
            def(
                "cf_source",
                "select",
                vec![option("conf", "Conference"), option("web", "Website")],
            ),
            def("cf_seats", "number", vec![]),
        ]
    }

    #[test]
    fn the_form_offers_what_the_backend_stores_and_marks_its_required_fields() {
        let form = PersonForm::new(
            FormKind::Create,
            Person::default(),
            &introzy_like(),
            &defs(),
        );
        let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "givenName",
                "familyName",
                "emails",
                "address",
                "customFields.cf_source",
                "customFields.cf_seats"
            ]
        );
        let required: Vec<&str> = form
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(required, ["givenName", "emails"]);
        assert_eq!(form.focused, 0, "the given name");
    }

    #[test]
    fn custom_fields_are_chosen_or_typed_and_checked_before_saving() {
        let caps = introzy_like();
        let base = Person {
            given_name: "Ana".into(),
            emails: vec!["ana@example.es".into()],
            ..Default::default()
        };
        let mut form = PersonForm::new(FormKind::Edit, base, &caps, &defs());
        assert!(
            form.problems(&caps).is_empty(),
            "no family name needed here"
        );
        let source = &mut form.fields[4];
        assert!(source.cycle(1));
        assert_eq!(source.input.value(), "Conference");
        source.cycle(1);
        assert_eq!(source.input.value(), "Website");
        source.cycle(1);
        assert_eq!(source.input.value(), "Conference", "wraps");
        assert!(source.choose_by_letter('w'));
        assert_eq!(source.input.value(), "Website");
        form.fields[5].input.insert_str("forty");
        let problems = form.problems(&caps);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "customFields.cf_seats");
        form.errors = problems;
        assert_eq!(form.errors_for("customFields.cf_seats").len(), 1);
        form.fields[5].input.clear();
        form.fields[5].input.insert_str("40");
        assert!(form.problems(&caps).is_empty());
        let p = form.to_person();
        assert_eq!(p.custom_fields["cf_source"], serde_json::json!("web"));
        assert_eq!(p.custom_fields["cf_seats"], serde_json::json!(40));
    }

    #[test]
    fn server_violation_paths_map_to_form_fields() {
        let v = |f: &str| Violation::new(f, "bad");
        assert_eq!(
            PersonForm::field_of(&v("emailAddresses[0].email")),
            Some("emails")
        );
        assert_eq!(PersonForm::field_of(&v("familyName")), Some("familyName"));
        assert_eq!(PersonForm::field_of(&v("last_name")), Some("familyName"));
        assert_eq!(PersonForm::field_of(&v("nonsense")), None);
        let form = PersonForm {
            errors: vec![v("custom.cf_seats"), v("owner"), v("first_name")],
            ..PersonForm::new(
                FormKind::Create,
                Person::default(),
                &introzy_like(),
                &defs(),
            )
        };
        assert_eq!(form.errors_for("customFields.cf_seats").len(), 1);
        assert_eq!(form.errors_for("givenName").len(), 1);
        assert_eq!(form.general_errors().len(), 1, "no owner line on this form");
    }
}
