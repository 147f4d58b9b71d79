//! Everything the UI draws, split per view so no struct grows into a god
//! object. `update` changes it; `ui::draw` only reads it.

use super::input::LineInput;
use super::keymap::{KeyMode, KeySeq, Keymap};
use super::people::PeopleView;
use crate::backend::FieldProposal;
use crate::model::{Capabilities, Note, Person, Phone, Violation};
use ratatui_textarea::TextArea;
use serde::{Deserialize, Serialize};
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

/// One editable line of the person form.
#[derive(Debug, Clone)]
pub struct FormField {
    pub key: &'static str,
    pub label: &'static str,
    pub input: LineInput,
    initial: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Create,
    Edit,
}

/// The person form: every editable field as a line of text.
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

/// Field keys of the form, in display order, with labels.
pub const FORM_FIELDS: &[(&str, &str)] = &[
    ("honorificPrefix", "Prefix"),
    ("givenName", "Given name"),
    ("additionalName", "Middle name"),
    ("familyName", "Family name*"),
    ("emails", "Emails"),
    ("phones", "Phones"),
    ("company", "Company"),
    ("jobTitle", "Job title"),
    ("street", "Street"),
    ("postalCode", "Postal code"),
    ("city", "City"),
    ("region", "Region"),
    ("country", "Country"),
    ("linkedin", "LinkedIn"),
    ("tags", "Tags"),
    ("customFields", "Custom fields"),
];

fn join_list(items: &[String]) -> String {
    items.join(", ")
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// "+31 6 1234 (mobile), 030 123" <-> phones with kinds.
fn format_phones(phones: &[Phone]) -> String {
    phones
        .iter()
        .map(|p| {
            if p.kind.is_empty() {
                p.number.clone()
            } else {
                format!("{} ({})", p.number, p.kind)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_phones(text: &str) -> Vec<Phone> {
    split_list(text)
        .into_iter()
        .map(|item| match item.rsplit_once(" (") {
            Some((number, kind)) if kind.ends_with(')') => Phone {
                number: number.trim().to_string(),
                kind: kind.trim_end_matches(')').trim().to_string(),
            },
            _ => Phone {
                number: item,
                kind: String::new(),
            },
        })
        .collect()
}

fn format_custom(fields: &std::collections::BTreeMap<String, serde_json::Value>) -> String {
    fields
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_custom(
    text: &str,
    base: &std::collections::BTreeMap<String, serde_json::Value>,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    split_list(text)
        .into_iter()
        .filter_map(|item| {
            let (k, v) = item.split_once('=')?;
            let (k, v) = (k.trim().to_string(), v.trim());
            // Keep the original JSON type when the text did not change.
            let value = match base.get(&k) {
                Some(orig)
                    if format_custom(&[(k.clone(), orig.clone())].into()) == format!("{k}={v}") =>
                {
                    orig.clone()
                }
                _ => serde_json::Value::String(v.to_string()),
            };
            Some((k, value))
        })
        .collect()
}

impl PersonForm {
    pub fn new(kind: FormKind, base: Person) -> PersonForm {
        let fields = FORM_FIELDS
            .iter()
            .map(|&(key, label)| {
                let value = Self::read(&base, key);
                FormField {
                    key,
                    label,
                    input: LineInput::new(value.clone()),
                    initial: value,
                }
            })
            .collect();
        PersonForm {
            kind,
            base,
            fields,
            // Start where people type first: the given name.
            focused: 1,
            errors: Vec::new(),
            saving: false,
            queued: None,
        }
    }

    fn read(p: &Person, key: &str) -> String {
        match key {
            "honorificPrefix" => p.honorific_prefix.clone(),
            "givenName" => p.given_name.clone(),
            "additionalName" => p.additional_name.clone(),
            "familyName" => p.family_name.clone(),
            "emails" => join_list(&p.emails),
            "phones" => format_phones(&p.phones),
            "company" => p.company.clone(),
            "jobTitle" => p.job_title.clone(),
            "street" => p.address.street.clone(),
            "postalCode" => p.address.postal_code.clone(),
            "city" => p.address.city.clone(),
            "region" => p.address.region.clone(),
            "country" => p.address.country.clone(),
            "linkedin" => p.linkedin.clone(),
            "tags" => join_list(&p.tags),
            "customFields" => format_custom(&p.custom_fields),
            _ => String::new(),
        }
    }

    /// The person as the form currently describes it.
    pub fn to_person(&self) -> Person {
        let mut p = self.base.clone();
        for f in &self.fields {
            let v = f.input.value().trim().to_string();
            match f.key {
                "honorificPrefix" => p.honorific_prefix = v,
                "givenName" => p.given_name = v,
                "additionalName" => p.additional_name = v,
                "familyName" => p.family_name = v,
                "emails" => p.emails = split_list(&v),
                "phones" => p.phones = parse_phones(&v),
                "company" => p.company = v,
                "jobTitle" => p.job_title = v,
                "street" => p.address.street = v,
                "postalCode" => p.address.postal_code = v,
                "city" => p.address.city = v,
                "region" => p.address.region = v,
                "country" => p.address.country = v,
                "linkedin" => p.linkedin = v,
                "tags" => p.tags = split_list(&v),
                "customFields" => p.custom_fields = parse_custom(&v, &self.base.custom_fields),
                _ => {}
            }
        }
        p.normalize()
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.input.value() != f.initial)
    }

    /// The form field a violation belongs to (server paths like
    /// `emailAddresses[0].email` included).
    pub fn field_of(violation: &Violation) -> Option<&'static str> {
        let head = violation.field.split(['[', '.']).next().unwrap_or_default();
        let key = match head {
            "emails" | "emailAddresses" | "email" | "email_address" => "emails",
            "phones" | "phoneNumbers" | "phoneNumber" | "phone" => "phones",
            "firstName" | "first_name" | "givenName" => "givenName",
            "lastName" | "last_name" | "familyName" => "familyName",
            "organization_name" | "companyName" | "company" | "organizations" => "company",
            "job_title" | "jobTitle" => "jobTitle",
            "linkedinId" | "linkedin" => "linkedin",
            other => return FORM_FIELDS.iter().map(|(k, _)| *k).find(|k| *k == other),
        };
        Some(key)
    }

    pub fn errors_for(&self, key: &str) -> Vec<&Violation> {
        self.errors
            .iter()
            .filter(|v| Self::field_of(v) == Some(key))
            .collect()
    }

    /// Violations that belong to no field of the form.
    pub fn general_errors(&self) -> Vec<&Violation> {
        self.errors
            .iter()
            .filter(|v| Self::field_of(v).is_none())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorFocus {
    Title,
    Category,
    Body,
}

/// Unsaved note text, written to the drafts file as the user types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub person_id: String,
    pub person_name: String,
    pub note_id: Option<String>,
    pub title: String,
    pub category: String,
    pub text: String,
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
            initial: (title, category, text.clone()),
            saving: false,
            error: None,
            queued: None,
        };
        editor.set_text(&text);
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

/// Enrichment proposals under review.
#[derive(Debug, Clone)]
pub struct Review {
    pub person: Person,
    /// Each proposal with the user's decision so far (`None`: undecided).
    pub items: Vec<(FieldProposal, Option<bool>)>,
    pub selected: usize,
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

/// Where the data comes from, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub profile: String,
    pub backend: String,
    pub is_demo: bool,
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
    /// Sequence number of the latest server search; older replies are dropped.
    pub server_search: u64,
    pub pending_keys: KeySeq,
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
            pending_keys: Vec::new(),
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

    /// Why `action` cannot be done on this backend, if it cannot.
    pub fn unavailable(&self, action: super::action::Action) -> Option<String> {
        use super::action::Action;
        let backend = &self.workspace.backend;
        let caps = &self.caps;
        let reason = match action {
            Action::DeletePerson if !caps.delete => "does not support deleting people",
            Action::ArchivePerson if !caps.archive => "does not support archiving",
            Action::AddNote | Action::EditNote | Action::DeleteNote if !caps.notes => {
                "has no notes"
            }
            Action::FlagNote if !caps.flag_notes => "cannot flag notes",
            Action::Enrich if caps.enrich.is_none() => "offers no enrichment",
            Action::Outbox if !self.sync.remote => {
                "queues nothing (writes go straight to the database)"
            }
            _ => return None,
        };
        Some(format!("{backend} {reason}"))
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
        let mut form = PersonForm::new(FormKind::Edit, p.clone());
        assert!(!form.is_dirty());
        assert_eq!(form.to_person(), p);
        form.fields[7].input.insert_str("CTO");
        assert!(form.is_dirty());
        assert_eq!(form.to_person().job_title, "CTO");
        assert_eq!(form.to_person().custom_fields["tier"], serde_json::json!(3));
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
        assert_eq!(PersonForm::field_of(&v("owner")), None);
    }
}
