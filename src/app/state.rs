//! Everything the UI draws, split per view so no struct grows into a god
//! object. `update` changes it; `ui::draw` only reads it. The state of each
//! overlay lives in a file of its own under `state/`.

mod awaiting;
mod command_line;
mod confirm;
mod conflict;
mod duplicates;
mod editor;
mod form;
mod messages;
mod outbox;
mod review;
mod undo;

pub use awaiting::{AwaitStage, Awaiting, TypedAhead};
pub use command_line::{COMMAND_HISTORY_LEN, CommandLine};
pub use confirm::{Confirm, Pending};
pub use conflict::ConflictReview;
pub use duplicates::{DuplicateReview, Record};
pub use editor::{EditorFocus, NoteEditor};
pub use form::{FormField, FormKind, FormSlot, PersonForm};
pub use messages::{LoggedMessage, MESSAGE_LOG_LEN, MessageLog, lifetime};
pub use outbox::{OutboxView, QueuedEdit};
pub use review::{Review, ReviewItem};
pub use undo::LastChange;

use super::input::LineInput;
use super::keymap::{KeyMode, KeySeq, Keymap};
use super::people::PeopleView;
pub use crate::drafts::Draft;
use crate::model::{Capabilities, Note, Person};
pub use crate::workspace::Workspace;
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
    /// Counts messages shown, so the one that ages out is the one shown.
    pub seq: u64,
}

impl Default for StatusLine {
    fn default() -> Self {
        StatusLine {
            message: String::new(),
            kind: StatusKind::Info,
            seq: 0,
        }
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
    CommandLine(CommandLine),
    Duplicates(Box<DuplicateReview>),
}

/// How fresh the cache of a remote profile is (how it reads on the status
/// line: [`SyncView::describe`], in `present.rs`).
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
    /// Every message the status line showed, with its time.
    pub messages: MessageLog,
    /// The time the loop read before handing over the inputs being
    /// handled (`None` in tests): stamps the message log.
    pub clock: Option<jiff::Timestamp>,
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
    /// A count typed before a movement (`5` of `5j`).
    pub count: Option<usize>,
    /// `jump_to_letter` waits for the letter.
    pub jump_pending: bool,
    /// Commands run from the `:` line, newest last.
    pub command_history: Vec<String>,
    /// The people list's columns (`[ui] columns`).
    pub columns: Vec<crate::config::ui::ListColumn>,
    /// An overlay on its way, with the keys typed for it meanwhile.
    pub awaiting: Option<Awaiting>,
    /// What `u` takes back: the last change to a person.
    pub undo: Option<LastChange>,
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
            messages: MessageLog::default(),
            clock: None,
            net: None,
            sync: SyncView::default(),
            server_search: 0,
            field_defs: Vec::new(),
            note_categories: Vec::new(),
            pending_keys: Vec::new(),
            count: None,
            jump_pending: false,
            command_history: Vec::new(),
            columns: crate::config::ui::DEFAULT_COLUMNS.to_vec(),
            awaiting: None,
            undo: None,
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
    /// footer lines, the list's borders and header and, while filtering,
    /// the search bar.
    pub fn list_rows(&self) -> usize {
        let chrome = 2 + 2 + 1 + usize::from(self.search_bar_visible());
        (self.size.1 as usize).saturating_sub(chrome).max(1)
    }

    pub fn search_bar_visible(&self) -> bool {
        self.searching || !self.people.query.text.is_empty()
    }

    /// The keymap table that gets the next key: the top layer's.
    pub fn key_mode(&self) -> KeyMode {
        self.top_layer().mode()
    }

    /// Ids of the people on screen, selected first: what a sync under a
    /// rate limit refreshes first.
    pub fn on_screen_ids(&self) -> Vec<String> {
        let p = &self.people;
        let rows = p.visible.iter().skip(p.offset).take(self.list_rows());
        let mut ids: Vec<String> = p.selected_id().map(str::to_string).into_iter().collect();
        ids.extend(
            rows.map(|&i| p.all[i as usize].id.to_string())
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
        self.show(StatusKind::Info, message.into());
    }

    pub fn busy(&mut self, message: impl Into<String>) {
        self.show(StatusKind::Busy, message.into());
    }

    pub fn error(&mut self, message: impl Into<String>) {
        self.show(StatusKind::Error, message.into());
    }

    /// Put `message` on the status line and, unless it is progress that
    /// its outcome will replace, in the message log.
    fn show(&mut self, kind: StatusKind, message: String) {
        if kind != StatusKind::Busy && !message.is_empty() {
            self.messages.push(LoggedMessage {
                at: self.clock,
                kind,
                text: message.clone(),
            });
        }
        self.status = StatusLine {
            message,
            kind,
            seq: self.status.seq + 1,
        };
    }

    /// The message numbered `seq` has been up its [`lifetime`]: clear it,
    /// unless another has replaced it.
    pub fn expire_status(&mut self, seq: u64) {
        if self.status.seq == seq && self.status.kind != StatusKind::Busy {
            self.status.message.clear();
            self.status.kind = StatusKind::Info;
        }
    }
}
