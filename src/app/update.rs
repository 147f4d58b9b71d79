//! `update`: the only place state changes. Pure: no I/O, no awaiting; it
//! returns effects for the event loop to run.

use super::action::Action;
use super::effect::{Effect, Msg};
use super::keymap::{Key, KeyMode, Lookup, format_seq};
use super::state::{
    AwaitStage, Awaiting, Confirm, Draft, EditorFocus, Focus, FormKind, NoteEditor, Overlay,
    Pending, PersonForm, State, TypedAhead,
};
use crate::backend::{BackendError, EnrichOutcome};
use crate::model::field::{backend_label, unstored_changes};
use crate::model::{Capabilities, EnrichKind, Person, Violation};
use crate::store::PersonSummary;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Input from the terminal or from background work.
// Consumed as soon as it is made; size does not matter here.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Input {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Msg(Msg),
}

pub fn handle(state: &mut State, input: Input) -> Vec<Effect> {
    match input {
        // An overlay already open (a question that popped up meanwhile)
        // still gets its keys; only keys for the pane underneath wait.
        Input::Key(key) if state.awaiting.is_some() && state.overlays.is_empty() => {
            type_ahead(state, key)
        }
        Input::Key(key) => handle_key(state, key),
        Input::Paste(text) => {
            if let Some(awaiting) = state
                .awaiting
                .as_mut()
                .filter(|_| state.overlays.is_empty())
            {
                awaiting.typed.push(TypedAhead::Paste(text));
                return Vec::new();
            }
            paste(state, &text);
            draft_effect(state)
        }
        Input::Resize(w, h) => {
            state.size = (w, h);
            let rows = state.list_rows();
            state.people.scroll_to_selection(rows);
            Vec::new()
        }
        Input::Msg(msg) => update_msg(state, msg),
    }
}

/// A key typed while an overlay is on its way: kept for it. Ctrl-C still
/// quits; Esc before anything was typed stops waiting.
fn type_ahead(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(state);
    }
    let Some(awaiting) = state.awaiting.as_mut() else {
        return Vec::new();
    };
    if key.code == KeyCode::Esc && awaiting.typed.is_empty() {
        state.awaiting = None;
        state.info("stopped waiting");
        return Vec::new();
    }
    awaiting.typed.push(TypedAhead::Key(key));
    let message = format!(
        "loading {}… {} key(s) kept for {}",
        awaiting.person_name,
        awaiting.typed.len(),
        awaiting.target()
    );
    state.busy(message);
    Vec::new()
}

/// Wait for the selected person's record before doing `action`; keys typed
/// meanwhile go to what `action` opens.
fn await_detail(state: &mut State, action: Action, id: &str, name: &str) -> Vec<Effect> {
    state.awaiting = Some(Awaiting {
        action,
        person_id: id.to_string(),
        person_name: name.to_string(),
        stage: AwaitStage::Detail,
        typed: Vec::new(),
    });
    state.busy(format!(
        "loading {name}… keys you type now go to {}",
        state.awaiting.as_ref().map_or("it", Awaiting::target)
    ));
    if state.detail.loading.as_deref() == Some(id) {
        return Vec::new();
    }
    let request = state.request_id();
    state.detail.request = request;
    state.detail.loading = Some(id.to_string());
    vec![Effect::LoadDetail {
        request,
        id: id.to_string(),
    }]
}

/// The record the awaited action needed has arrived (or failed): do it,
/// then deliver the keys typed meanwhile.
fn resume_awaiting(state: &mut State, id: &str, failed: Option<&str>) -> Vec<Effect> {
    let Some(awaiting) = state.awaiting.as_ref() else {
        return Vec::new();
    };
    if awaiting.stage != AwaitStage::Detail {
        return Vec::new();
    }
    let selected = state.people.selected_id() == Some(awaiting.person_id.as_str());
    if awaiting.person_id != id || !selected {
        // The list changed under the wait: the keys were not meant for
        // whatever is selected now.
        return drop_awaiting(state, "the selection changed");
    }
    if let Some(why) = failed {
        return drop_awaiting(state, why);
    }
    let Some(awaiting) = state.awaiting.take() else {
        return Vec::new();
    };
    state.info("");
    let mut effects = update(state, awaiting.action);
    match state.awaiting.as_mut() {
        // Now waiting for proposals: the keys wait with it.
        Some(next) => next.typed.extend(awaiting.typed),
        None => effects.extend(replay(state, awaiting.typed)),
    }
    effects
}

/// Stop waiting; keys typed meanwhile are dropped, never run as commands.
fn drop_awaiting(state: &mut State, why: &str) -> Vec<Effect> {
    if let Some(awaiting) = state.awaiting.take() {
        let n = awaiting.typed.len();
        let mut message = format!("{} did not open: {why}", awaiting.target());
        if n > 0 {
            message.push_str(&format!(" ({n} key(s) typed meanwhile were not used)"));
        }
        state.error(message);
    }
    Vec::new()
}

fn replay(state: &mut State, typed: Vec<TypedAhead>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for t in typed {
        let input = match t {
            TypedAhead::Key(k) => Input::Key(k),
            TypedAhead::Paste(p) => Input::Paste(p),
        };
        effects.extend(handle(state, input));
    }
    effects
}

fn handle_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // Ctrl-C always quits, whatever the keymap says; editor text is already
    // in the drafts file.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(state);
    }
    let mode = state.key_mode();
    let had_pending = !state.pending_keys.is_empty();
    state.pending_keys.push(Key::from_event(&key));
    match state.keymap.lookup(mode, &state.pending_keys) {
        Lookup::Action(action) => {
            state.pending_keys.clear();
            if had_pending {
                state.info("");
            }
            update(state, action)
        }
        Lookup::Pending => {
            state.info(format!("{} …", format_seq(&state.pending_keys)));
            Vec::new()
        }
        Lookup::Unbound => {
            state.pending_keys.clear();
            if had_pending {
                state.info("");
                return Vec::new();
            }
            text_input(state, mode, &key)
        }
    }
}

/// While the list shows fewer people than this, every synced page reloads it.
const LIST_RELOAD_BELOW: usize = 1000;

/// A remote profile left open syncs again after this long.
const AUTO_SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Keys no binding claimed: typing in the search bar, a form field or the
/// note editor.
fn text_input(state: &mut State, mode: KeyMode, key: &KeyEvent) -> Vec<Effect> {
    match mode {
        KeyMode::Search => {
            if state.search_input.handle_key(key) {
                let text = state.search_input.value().to_string();
                state.people.set_query(&text);
                state.people.scroll_to_selection(state.list_rows());
                let mut effects = select_changed(state);
                effects.extend(server_search(state));
                return effects;
            }
            Vec::new()
        }
        KeyMode::Form => {
            if let Some(Overlay::PersonForm(form)) = state.overlays.last_mut() {
                let focused = form.focused;
                form_key(&mut form.fields[focused], key);
            }
            Vec::new()
        }
        KeyMode::Editor => {
            let mut changed = false;
            if let Some(Overlay::NoteEditor(ed)) = state.overlays.last_mut() {
                changed = match ed.focus {
                    EditorFocus::Title => ed.title.handle_key(key),
                    // Up/Down pick among the server's categories.
                    EditorFocus::Category if key.code == KeyCode::Up => ed.cycle_category(-1),
                    EditorFocus::Category if key.code == KeyCode::Down => ed.cycle_category(1),
                    EditorFocus::Category => ed.category.handle_key(key),
                    EditorFocus::Body => ed.body.input(*key),
                };
            }
            if changed {
                draft_effect(state)
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// A key typed in a form field. A choice (a select with options) is not
/// typed into: arrows and space move between options, a letter picks the
/// next option starting with it, Backspace or Delete clears it.
fn form_key(field: &mut super::state::FormField, key: &KeyEvent) {
    if field.options().is_none() {
        field.input.handle_key(key);
        return;
    }
    match key.code {
        KeyCode::Left => {
            field.cycle(-1);
        }
        KeyCode::Right | KeyCode::Char(' ') => {
            field.cycle(1);
        }
        KeyCode::Backspace | KeyCode::Delete => field.input.clear(),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            field.choose_by_letter(c);
        }
        _ => {}
    }
}

/// For remote profiles, also ask the server about what the user typed.
fn server_search(state: &mut State) -> Vec<Effect> {
    let text = state.people.query.fuzzy.trim().to_string();
    if !state.sync.remote || !state.caps.server_search || text.chars().count() < 2 {
        return Vec::new();
    }
    state.server_search = state.request_id();
    vec![Effect::ServerSearch {
        request: state.server_search,
        text,
    }]
}

fn paste(state: &mut State, text: &str) {
    match state.overlays.last_mut() {
        Some(Overlay::NoteEditor(ed)) => match ed.focus {
            EditorFocus::Title => ed.title.insert_str(text),
            EditorFocus::Category => ed.category.insert_str(text),
            EditorFocus::Body => {
                ed.body.insert_str(text);
            }
        },
        Some(Overlay::PersonForm(form)) => {
            let field = &mut form.fields[form.focused];
            // A choice takes a pasted option name, nothing else.
            let picked = field.options().and_then(|options| {
                options
                    .iter()
                    .find(|o| o.label.eq_ignore_ascii_case(text.trim()) || o.value == text.trim())
                    .map(|o| o.label.clone())
            });
            match (field.options().is_some(), picked) {
                (true, Some(label)) => field.input = super::input::LineInput::new(label),
                (true, None) => {}
                (false, _) => field.input.insert_str(text),
            }
        }
        None if state.searching => {
            state.search_input.insert_str(text);
            let q = state.search_input.value().to_string();
            state.people.set_query(&q);
        }
        _ => {}
    }
}

fn draft_effect(state: &State) -> Vec<Effect> {
    match state.overlays.last() {
        Some(Overlay::NoteEditor(ed)) => vec![Effect::SaveDraft(ed.draft())],
        _ => Vec::new(),
    }
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.quitting = true;
    vec![Effect::Quit]
}

/// Apply one action to the state.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        return quit(state);
    }
    match state.overlays.last() {
        Some(Overlay::Help { .. }) => return update_help(state, action),
        Some(Overlay::Confirm(_)) => return update_confirm(state, action),
        Some(Overlay::PersonForm(_)) => return update_form(state, action),
        Some(Overlay::NoteEditor(_)) => return update_editor(state, action),
        Some(Overlay::Review(_)) => return super::review::update(state, action),
        Some(Overlay::Conflict(_)) => return update_conflict(state, action),
        Some(Overlay::Outbox(_)) => return super::outbox::update(state, action),
        None => {}
    }
    if state.searching {
        return update_search(state, action);
    }
    // One place says why the backend cannot do something.
    if let Some(reason) = state.unavailable(action) {
        state.info(reason);
        return Vec::new();
    }
    match state.focus {
        Focus::List => update_list(state, action),
        Focus::Detail => update_detail(state, action),
    }
}

fn update_search(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::SearchAccept => {
            state.searching = false;
            let n = state.people.visible.len();
            state.info(format!("{n} matching — Esc clears the filter"));
            Vec::new()
        }
        Action::SearchCancel => {
            state.searching = false;
            clear_filter(state)
        }
        Action::MoveDown | Action::MoveUp => update_list(state, action),
        _ => Vec::new(),
    }
}

fn clear_filter(state: &mut State) -> Vec<Effect> {
    state.search_input.clear();
    state.people.set_query("");
    state.people.scroll_to_selection(state.list_rows());
    select_changed(state)
}

/// The selection moved: load the newly selected person's details.
fn select_changed(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.people.selected_id().map(str::to_string) else {
        state.detail.person = None;
        state.detail.notes.clear();
        return Vec::new();
    };
    if state.detail.person.as_ref().is_some_and(|p| p.id == id) && state.detail.loading.is_none() {
        return Vec::new();
    }
    let request = state.request_id();
    state.detail.request = request;
    state.detail.loading = Some(id.clone());
    vec![Effect::LoadDetail { request, id }]
}

fn page(state: &State) -> isize {
    state.list_rows().saturating_sub(1).max(1) as isize
}

fn update_list(state: &mut State, action: Action) -> Vec<Effect> {
    let rows = state.list_rows();
    match action {
        Action::MoveDown => state.people.move_by(1, rows),
        Action::MoveUp => state.people.move_by(-1, rows),
        Action::PageDown => state.people.move_by(page(state), rows),
        Action::PageUp => state.people.move_by(-page(state), rows),
        Action::GoTop => state.people.go_to(0, rows),
        Action::GoBottom => state.people.go_to(usize::MAX, rows),
        Action::Search => {
            state.searching = true;
            state.search_input = super::input::LineInput::new(state.people.query.text.clone());
            state.info(
                "type to filter — tag:vip company:acme email:@acme.com — Enter keeps, Esc clears",
            );
            return Vec::new();
        }
        Action::ClearFilter => {
            if state.people.query.text.is_empty() {
                return Vec::new();
            }
            state.info("filter cleared");
            return clear_filter(state);
        }
        Action::CycleSort => {
            state.people.cycle_sort();
            state.people.scroll_to_selection(rows);
            state.info(format!("sorted by {}", state.people.sort.label()));
        }
        Action::OpenDetail | Action::FocusNotes => {
            if state.people.selected_person().is_some() {
                state.focus = Focus::Detail;
            }
        }
        Action::Help => open_help(state),
        Action::Sync => return start_sync(state),
        Action::Outbox => return super::outbox::open(state),
        _ => return person_action(state, action),
    }
    select_changed(state)
}

fn start_sync(state: &mut State) -> Vec<Effect> {
    if !state.sync.remote {
        state.info("the local workspace has nothing to sync");
        return Vec::new();
    }
    if state.sync.progress.is_some() {
        state.info("a sync is already running");
        return Vec::new();
    }
    state.sync.progress = Some((0, None));
    vec![Effect::Sync {
        focus: state.on_screen_ids(),
    }]
}

fn update_conflict(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::Conflict(c)) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let n = c.fields.len();
    match action {
        Action::MoveDown => c.selected = (c.selected + 1).min(n.saturating_sub(1)),
        Action::MoveUp => c.selected = c.selected.saturating_sub(1),
        Action::KeepMine | Action::TakeTheirs => {
            if let Some(choice) = c.keep_mine.get_mut(c.selected) {
                *choice = action == Action::KeepMine;
                c.selected = (c.selected + 1).min(n.saturating_sub(1));
            }
        }
        Action::Apply => {
            let resolved = crate::outbox::resolve(&c.partial, &c.fields, &c.keep_mine);
            let (seq, theirs) = (c.seq, c.theirs.clone());
            state.overlays.pop();
            state.busy("sending your merged edit…");
            return vec![Effect::ResolveConflict {
                seq,
                theirs,
                resolved,
            }];
        }
        Action::Cancel | Action::Back => {
            state.overlays.pop();
            state.info("the edit stays queued; Ctrl-R syncs and asks again");
        }
        _ => {}
    }
    Vec::new()
}

fn update_detail(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::MoveDown => {
            let n = state.detail.notes.len();
            if n > 0 {
                state.detail.note_selected = (state.detail.note_selected + 1).min(n - 1);
            }
        }
        Action::MoveUp => {
            state.detail.note_selected = state.detail.note_selected.saturating_sub(1);
        }
        Action::Back | Action::FocusNotes => state.focus = Focus::List,
        Action::EditNote => return edit_note(state),
        Action::DeleteNote => return delete_note(state),
        Action::FlagNote => return flag_note(state),
        Action::Help => open_help(state),
        Action::Outbox => return super::outbox::open(state),
        _ => return person_action(state, action),
    }
    Vec::new()
}

fn open_help(state: &mut State) {
    let mode = state.key_mode();
    state.overlays.push(Overlay::Help { scroll: 0, mode });
}

/// Actions on the selected person, shared by the list and the detail pane.
fn person_action(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::AddPerson {
        state
            .overlays
            .push(Overlay::PersonForm(Box::new(PersonForm::new(
                FormKind::Create,
                Person::default(),
                &state.caps,
                &state.field_defs,
            ))));
        return Vec::new();
    }
    let Some(summary) = state.people.selected_person().cloned() else {
        state.info("no person selected");
        return Vec::new();
    };
    // Actions that need the full record use what is shown (the cached copy
    // while a fresh one is on its way), or wait for it.
    let loaded = state.detail.person.clone().filter(|p| p.id == summary.id);
    match action {
        Action::DeletePerson => {
            state.overlays.push(Overlay::Confirm(Confirm {
                question: format!("Delete {} and all their notes?", summary.display_name),
                on_yes: Pending::DeletePerson {
                    id: summary.id.clone(),
                    name: summary.display_name.clone(),
                },
            }));
        }
        Action::ArchivePerson => {
            let archive = !summary.archived;
            state.overlays.push(Overlay::Confirm(Confirm {
                question: format!(
                    "{} {}?",
                    if archive { "Archive" } else { "Unarchive" },
                    summary.display_name
                ),
                on_yes: Pending::ArchivePerson {
                    id: summary.id.clone(),
                    archive,
                },
            }));
        }
        Action::CopyEmail => {
            let email = summary.primary_email().to_string();
            if email.is_empty() {
                state.info("no email to copy");
            } else {
                return vec![Effect::Copy {
                    text: email,
                    what: "email",
                }];
            }
        }
        Action::CopyPhone => match loaded.as_ref().and_then(|p| p.primary_phone()) {
            Some(phone) => {
                return vec![Effect::Copy {
                    text: phone.to_string(),
                    what: "phone",
                }];
            }
            None => state.info("no phone to copy"),
        },
        // A new note needs nothing but who it is for: the editor opens at
        // once, whatever is still loading.
        Action::AddNote if state.caps.multiple_notes => {
            let mut editor =
                NoteEditor::for_person(&summary.id, &summary.display_name, state.caps.note_titles);
            editor.categories = state.note_categories.clone();
            state.overlays.push(Overlay::NoteEditor(Box::new(editor)));
        }
        Action::EditPerson | Action::AddNote | Action::Enrich => {
            let Some(person) = loaded else {
                return await_detail(state, action, &summary.id, &summary.display_name);
            };
            return match action {
                Action::EditPerson => {
                    state
                        .overlays
                        .push(Overlay::PersonForm(Box::new(PersonForm::new(
                            FormKind::Edit,
                            person,
                            &state.caps,
                            &state.field_defs,
                        ))));
                    Vec::new()
                }
                Action::AddNote => add_note(state, &person),
                _ => enrich(state, person),
            };
        }
        _ => {}
    }
    Vec::new()
}

fn add_note(state: &mut State, person: &Person) -> Vec<Effect> {
    if !state.caps.multiple_notes && !state.detail.notes.is_empty() {
        // One note per person on this backend: edit it instead.
        state.focus = Focus::Detail;
        return edit_note(state);
    }
    let mut editor = NoteEditor::new(person, None, state.caps.note_titles);
    editor.categories = state.note_categories.clone();
    state.overlays.push(Overlay::NoteEditor(Box::new(editor)));
    Vec::new()
}

fn enrich(state: &mut State, person: Person) -> Vec<Effect> {
    state.busy(format!("enriching {}…", person.full_name()));
    // Proposals open a review: keys typed before it opens are for it. A
    // server job (Introzy) opens nothing, so nothing waits for it.
    if matches!(
        state.caps.enrich,
        Some(EnrichKind::Offline | EnrichKind::Lookup)
    ) {
        state.awaiting = Some(Awaiting {
            action: Action::Enrich,
            person_id: person.id.clone(),
            person_name: person.full_name(),
            stage: AwaitStage::Enrich,
            typed: Vec::new(),
        });
    }
    vec![Effect::Enrich { person }]
}

/// The notes on screen belong to the selected person (not the one shown
/// before the selection moved and a load began).
fn notes_are_current(state: &mut State) -> bool {
    let current = state
        .detail
        .person
        .as_ref()
        .is_some_and(|p| Some(p.id.as_str()) == state.people.selected_id());
    if !current {
        state.info("still loading this person's notes…");
    }
    current
}

fn edit_note(state: &mut State) -> Vec<Effect> {
    if !notes_are_current(state) {
        return Vec::new();
    }
    let (Some(person), Some(note)) = (
        state.detail.person.clone(),
        state.detail.selected_note().cloned(),
    ) else {
        state.info("no note selected — n adds one");
        return Vec::new();
    };
    let mut editor = NoteEditor::new(&person, Some(note), state.caps.note_titles);
    editor.categories = state.note_categories.clone();
    state.overlays.push(Overlay::NoteEditor(Box::new(editor)));
    Vec::new()
}

fn delete_note(state: &mut State) -> Vec<Effect> {
    if !notes_are_current(state) {
        return Vec::new();
    }
    let Some(note) = state.detail.selected_note().cloned() else {
        state.info("no note selected");
        return Vec::new();
    };
    let label = if note.title.is_empty() {
        "this note".to_string()
    } else {
        format!("the note \u{201c}{}\u{201d}", note.title)
    };
    state.overlays.push(Overlay::Confirm(Confirm {
        question: format!("Delete {label}?"),
        on_yes: Pending::DeleteNote {
            person_id: note.person_id.clone(),
            note_id: note.id.clone(),
        },
    }));
    Vec::new()
}

fn flag_note(state: &mut State) -> Vec<Effect> {
    if !notes_are_current(state) {
        return Vec::new();
    }
    let Some(note) = state.detail.selected_note().cloned() else {
        state.info("no note selected");
        return Vec::new();
    };
    state.busy(if note.flagged {
        "unflagging…"
    } else {
        "flagging…"
    });
    vec![Effect::FlagNote {
        person_id: note.person_id,
        note_id: note.id,
        flagged: !note.flagged,
    }]
}

fn update_help(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(Overlay::Help { scroll, .. }) = state.overlays.last_mut() {
        match action {
            Action::MoveDown => *scroll = scroll.saturating_add(1),
            Action::MoveUp => *scroll = scroll.saturating_sub(1),
            Action::Back | Action::Help | Action::Cancel => {
                state.overlays.pop();
            }
            _ => {}
        }
    }
    Vec::new()
}

fn update_confirm(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = state.overlays.last().cloned() else {
        return Vec::new();
    };
    match action {
        Action::Confirm => {
            state.overlays.pop();
            match confirm.on_yes {
                Pending::DeletePerson { id, name } => {
                    state.busy(format!("deleting {name}…"));
                    vec![Effect::DeletePerson { id }]
                }
                Pending::ArchivePerson { id, archive } => {
                    state.busy(if archive {
                        "archiving…"
                    } else {
                        "unarchiving…"
                    });
                    vec![Effect::ArchivePerson { id, archive }]
                }
                Pending::DeleteNote { person_id, note_id } => {
                    state.busy("deleting note…");
                    vec![Effect::DeleteNote { person_id, note_id }]
                }
                Pending::DropChange { seq } => {
                    state.busy(format!("dropping #{seq}…"));
                    vec![Effect::DropChange { seq }]
                }
                Pending::DiscardForm | Pending::DiscardEditor => {
                    state.overlays.pop();
                    state.info("changes discarded");
                    vec![Effect::ClearDraft]
                }
                Pending::RestoreDraft(draft) => restore_draft(state, draft),
                Pending::OpenPerson { id } => {
                    // Leave the refused form and show the existing record.
                    if matches!(state.overlays.last(), Some(Overlay::PersonForm(_))) {
                        state.overlays.pop();
                    }
                    state.people.select_id(Some(&id));
                    state.people.scroll_to_selection(state.list_rows());
                    state.focus = Focus::Detail;
                    let request = state.request_id();
                    state.detail.request = request;
                    state.detail.loading = Some(id.clone());
                    vec![Effect::LoadDetail { request, id }]
                }
            }
        }
        Action::Deny | Action::Cancel | Action::Back => {
            state.overlays.pop();
            if let Pending::RestoreDraft(_) = confirm.on_yes {
                state.info("draft discarded");
                return vec![Effect::ClearDraft];
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn restore_draft(state: &mut State, draft: Draft) -> Vec<Effect> {
    let base = draft
        .note_id
        .as_ref()
        .and_then(|id| state.detail.notes.iter().find(|n| &n.id == id).cloned())
        .or_else(|| {
            draft.note_id.as_ref().map(|id| crate::model::Note {
                id: id.clone(),
                person_id: draft.person_id.clone(),
                ..Default::default()
            })
        });
    let mut editor = NoteEditor::from_draft(&draft, base, state.caps.note_titles);
    editor.categories = state.note_categories.clone();
    state.overlays.push(Overlay::NoteEditor(Box::new(editor)));
    state.info(format!(
        "restored your unsaved note for {}",
        draft.person_name
    ));
    Vec::new()
}

fn update_form(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::PersonForm(form)) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let n = form.fields.len();
    match action {
        Action::NextField => form.focused = (form.focused + 1) % n,
        Action::PrevField => form.focused = (form.focused + n - 1) % n,
        Action::Save => {
            if form.saving {
                return Vec::new();
            }
            let edited = form.to_person();
            form.errors = form.problems(&state.caps);
            if let Some(reason) =
                unstored_refusal(&state.caps, &state.workspace.backend, &form.base, &edited)
            {
                form.errors.push(Violation::new("rolo", reason));
            }
            if !form.errors.is_empty() {
                let count = form.errors.len();
                state.error(format!("{count} problem(s) — fix the fields marked in red"));
                return Vec::new();
            }
            form.saving = true;
            if let Some(queued) = &form.queued {
                let seq = queued.seq;
                let op = super::outbox::person_op(queued, edited);
                state.busy(format!("changing #{seq}…"));
                return vec![Effect::ReplaceChange { seq, op }];
            }
            let base = (form.kind == FormKind::Edit).then(|| form.base.clone());
            state.busy("saving…");
            return vec![Effect::SavePerson { base, edited }];
        }
        Action::Cancel => {
            if form.is_dirty() {
                state.overlays.push(Overlay::Confirm(Confirm {
                    question: "Discard your changes to this person?".into(),
                    on_yes: Pending::DiscardForm,
                }));
            } else {
                state.overlays.pop();
            }
        }
        _ => {}
    }
    Vec::new()
}

/// rolo's own refusal of an edit to a field the backend does not store:
/// said when the user asks, never queued to be refused later.
pub(super) fn unstored_refusal(
    caps: &Capabilities,
    backend: &str,
    base: &Person,
    edited: &Person,
) -> Option<String> {
    let field = *unstored_changes(caps, base, edited).first()?;
    Some(format!(
        "{} has no {} field",
        backend_label(backend),
        field.label_in_sentence()
    ))
}

fn update_editor(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::NoteEditor(ed)) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let order: &[EditorFocus] = if ed.has_title {
        &[EditorFocus::Title, EditorFocus::Category, EditorFocus::Body]
    } else {
        &[EditorFocus::Body]
    };
    let at = order.iter().position(|f| *f == ed.focus).unwrap_or(0);
    match action {
        Action::NextField => ed.focus = order[(at + 1) % order.len()],
        Action::PrevField => ed.focus = order[(at + order.len() - 1) % order.len()],
        Action::Save => {
            if ed.saving {
                return Vec::new();
            }
            let note = ed.to_note();
            if note.text.trim().is_empty() && note.title.is_empty() {
                ed.error = Some("the note is empty".into());
                return Vec::new();
            }
            ed.saving = true;
            ed.error = None;
            let person_id = ed.person_id.clone();
            if let Some(queued) = &ed.queued {
                let seq = queued.seq;
                let op = super::outbox::note_op(queued, person_id, note);
                state.busy(format!("changing #{seq}…"));
                return vec![Effect::ReplaceChange { seq, op }];
            }
            state.busy("saving note…");
            return vec![Effect::SaveNote { person_id, note }];
        }
        Action::Cancel => {
            if ed.is_dirty() {
                state.overlays.push(Overlay::Confirm(Confirm {
                    question: "Discard this note?".into(),
                    on_yes: Pending::DiscardEditor,
                }));
            } else {
                state.overlays.pop();
                return vec![Effect::ClearDraft];
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Apply the result of background work.
pub fn update_msg(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::PeopleLoaded(Ok(people)) => {
            let n = people.len();
            state.people.set_people(people);
            state.people.scroll_to_selection(state.list_rows());
            if state.status.message.is_empty()
                || state.status.kind != super::state::StatusKind::Error
            {
                state.info(format!("{n} people"));
            }
            select_changed(state)
        }
        Msg::PeopleLoaded(Err(e)) => {
            state.error(format!("could not load people: {e}"));
            Vec::new()
        }
        Msg::DetailCached {
            request,
            id,
            person,
            notes,
        } => {
            if request != state.detail.request {
                return Vec::new(); // a newer selection won
            }
            show_detail(state, &id, person, notes);
            resume_awaiting(state, &id, None)
        }
        Msg::DetailLoaded {
            request,
            id,
            result,
        } => {
            if request != state.detail.request {
                return Vec::new(); // a newer selection won
            }
            state.detail.loading = None;
            match result {
                Ok((person, notes)) => {
                    show_detail(state, &id, person, notes);
                    resume_awaiting(state, &id, None)
                }
                // The cached copy on screen stays: a failed refresh does not
                // take away what the user can see and edit (unless the
                // server says the person is gone).
                Err(e)
                    if !matches!(e, BackendError::NotFound(_))
                        && state.detail.person.as_ref().is_some_and(|p| p.id == id) =>
                {
                    state.error(format!("could not refresh {id}: {e}"));
                    resume_awaiting(state, &id, None)
                }
                Err(e) => {
                    state.detail.person = None;
                    state.detail.notes.clear();
                    let message = format!("could not load {id}: {e}");
                    let effects = resume_awaiting(state, &id, Some(&message));
                    if state.status.kind != super::state::StatusKind::Error {
                        state.error(message);
                    }
                    effects
                }
            }
        }
        Msg::PersonSaved(result) => person_saved(state, result),
        Msg::PersonDeleted { id, result } => match result {
            Ok(()) => {
                state.people.remove(&id);
                state.focus = Focus::List;
                state.info("deleted");
                state.detail.person = None;
                select_changed(state)
            }
            Err(e) => {
                state.error(format!("delete failed: {e}"));
                Vec::new()
            }
        },
        Msg::NoteSaved(result) => note_saved(state, result),
        Msg::NoteDeleted { note_id, result } => match result {
            Ok(()) => {
                state.detail.notes.retain(|n| n.id != note_id);
                state.detail.note_selected = state
                    .detail
                    .note_selected
                    .min(state.detail.notes.len().saturating_sub(1));
                state.info("note deleted");
                Vec::new()
            }
            Err(e) => {
                state.error(format!("could not delete the note: {e}"));
                Vec::new()
            }
        },
        Msg::EnrichReady { person_id, result } => {
            let mut effects = enrich_ready(state, &person_id, result);
            let waited = state
                .awaiting
                .as_ref()
                .is_some_and(|a| a.stage == AwaitStage::Enrich && a.person_id == person_id);
            if waited {
                if matches!(state.overlays.last(), Some(Overlay::Review(_))) {
                    let typed = state.awaiting.take().map(|a| a.typed).unwrap_or_default();
                    effects.extend(replay(state, typed));
                } else if state.awaiting.as_ref().is_some_and(|a| a.typed.is_empty()) {
                    state.awaiting = None;
                } else {
                    let why = state.status.message.clone();
                    effects.extend(drop_awaiting(state, &why));
                }
            }
            effects
        }
        Msg::Copied { what, result } => {
            match result {
                Ok(()) => state.info(format!("copied {what} to the clipboard")),
                Err(e) => state.error(format!("could not copy: {e}")),
            }
            Vec::new()
        }
        Msg::DraftFound(draft) => {
            state.overlays.push(Overlay::Confirm(Confirm {
                question: format!(
                    "You have an unsaved note for {} ({} chars). Restore it?",
                    draft.person_name,
                    draft.text.chars().count()
                ),
                on_yes: Pending::RestoreDraft(draft),
            }));
            Vec::new()
        }
        Msg::Status(s) => {
            state.info(s);
            Vec::new()
        }
        Msg::Net(text) => {
            state.net = text;
            Vec::new()
        }
        Msg::SyncStarted { last_sync } => {
            state.sync.remote = true;
            state.sync.last_sync = last_sync.and_then(|s| s.parse().ok());
            state.sync.progress = Some((0, None));
            Vec::new()
        }
        Msg::SyncProgress { done, total } => {
            state.sync.progress = Some((done, total));
            // A first sync fills the list as pages arrive; reloads thin out
            // as the list grows (each doubles it), so a big one costs few.
            let shown = state.people.all.len();
            if done > shown && (shown < LIST_RELOAD_BELOW || done >= 2 * shown) {
                vec![Effect::LoadPeople]
            } else {
                Vec::new()
            }
        }
        Msg::SyncDone(report) => {
            state.sync.progress = None;
            state.sync.queued = report.flushed.remaining;
            match &report.error {
                None => {
                    state.sync.offline = None;
                    state.sync.last_sync = state.sync.now.or_else(|| Some(jiff::Timestamp::now()));
                }
                Some(e) => {
                    state.sync.offline = Some(e.to_string());
                    state.error(format!(
                        "offline: {e} — showing the cache; edits are queued"
                    ));
                }
            }
            let mut effects = vec![Effect::LoadPeople];
            effects.extend(after_flush(state, &report.flushed));
            effects
        }
        Msg::Flushed(report) => {
            state.sync.queued = report.remaining;
            let mut effects = vec![Effect::LoadPeople];
            effects.extend(after_flush(state, &report));
            effects
        }
        Msg::ConflictsLoaded(queued) => {
            show_first_conflict(state, queued);
            Vec::new()
        }
        Msg::OutboxLoaded(result) => super::outbox::loaded(state, result),
        Msg::ChangeDropped { seq, result } => super::outbox::dropped(state, seq, result),
        Msg::ChangeReplaced { seq, result } => super::outbox::replaced(state, seq, result),
        Msg::ServerSearchDone { request, result } => {
            if request != state.server_search {
                return Vec::new(); // the user typed on; a newer search is on its way
            }
            match result {
                Ok(0) => Vec::new(),
                Ok(n) => {
                    state.info(format!("{n} more from the server"));
                    vec![Effect::LoadPeople]
                }
                Err(e) => {
                    state.info(format!(
                        "server search unavailable ({e}); showing cached people"
                    ));
                    Vec::new()
                }
            }
        }
        Msg::FieldDefs(defs) => {
            state.field_defs = defs;
            Vec::new()
        }
        Msg::NoteCategories(names) => {
            state.note_categories = names;
            Vec::new()
        }
        Msg::Tick(now) => {
            state.sync.now = Some(now);
            // Keep a remote cache fresh while rolo stays open: other users'
            // edits arrive with the next sync (see client::sync).
            let due = state.sync.last_sync.is_some_and(|at| {
                now.as_second() - at.as_second() >= AUTO_SYNC_EVERY.as_secs() as i64
            });
            if state.sync.remote
                && state.sync.progress.is_none()
                && state.sync.offline.is_none()
                && due
            {
                return start_sync(state);
            }
            Vec::new()
        }
    }
}

/// Put a loaded (or cached) record on screen.
fn show_detail(state: &mut State, id: &str, person: Person, notes: Vec<crate::model::Note>) {
    if state.detail.person.as_ref().map(|p| p.id.as_str()) != Some(id) {
        state.detail.note_selected = 0;
    }
    state.detail.person = Some(person);
    state.detail.notes = notes;
    state.detail.note_selected = state
        .detail
        .note_selected
        .min(state.detail.notes.len().saturating_sub(1));
}

/// After the outbox was sent: say what happened, ask about conflicts.
fn after_flush(state: &mut State, report: &crate::client::flush::FlushReport) -> Vec<Effect> {
    match &report.stopped {
        Some(e) if report.remaining > 0 => {
            state.sync.offline = Some(e.clone());
            state.error(format!(
                "{} change(s) queued, will retry: {e}",
                report.remaining
            ));
        }
        _ => {
            if report.stopped.is_none() && !report.sent.is_empty() {
                state.sync.offline = None;
                state.info(format!("sent: {}", report.sent.join(", ")));
            }
        }
    }
    let mut effects = super::outbox::after_flush(state, report);
    if !report.conflicts.is_empty() {
        effects.push(Effect::LoadConflicts);
    }
    effects
}

fn show_first_conflict(state: &mut State, queued: Vec<crate::outbox::QueuedOp>) {
    use crate::outbox::{Merge, Op, OpState, merge};
    if state
        .overlays
        .iter()
        .any(|o| matches!(o, Overlay::Conflict(_)))
    {
        return;
    }
    let Some((seq, base, edited, theirs)) =
        queued
            .into_iter()
            .find_map(|q| match (q.state, q.op, q.theirs) {
                (OpState::Conflict, Op::UpdatePerson { base, edited }, Some(theirs)) => {
                    Some((q.seq, base, edited, theirs))
                }
                _ => None,
            })
    else {
        return;
    };
    let (partial, fields) = match merge(&base, &edited, &theirs) {
        Merge::Conflicts { partial, fields } => (partial, fields),
        // Merged cleanly after all: send it as it stands.
        Merge::Clean(partial) => (partial, Vec::new()),
    };
    let n = fields.len();
    state
        .overlays
        .push(Overlay::Conflict(Box::new(super::state::ConflictReview {
            seq,
            name: edited.full_name(),
            theirs,
            partial,
            fields,
            keep_mine: vec![true; n],
            selected: 0,
        })));
    state.error(format!(
        "{} changed on the server while your edit was queued: choose per field",
        edited.full_name()
    ));
}

fn person_saved(
    state: &mut State,
    result: Result<crate::model::Person, BackendError>,
) -> Vec<Effect> {
    match result {
        Ok(person) => {
            if matches!(state.overlays.last(), Some(Overlay::PersonForm(_))) {
                state.overlays.pop();
            }
            state.info(format!("saved {}", person.full_name()));
            state.people.upsert(PersonSummary::from_person(&person));
            state.people.scroll_to_selection(state.list_rows());
            state.detail.person = Some(person);
            state.detail.loading = None;
            Vec::new()
        }
        Err(e) => {
            let message = e.to_string();
            if let Some(Overlay::PersonForm(form)) = state.overlays.last_mut() {
                form.saving = false;
                match e {
                    // Show the server's words next to the fields they name.
                    BackendError::Validation(violations) => form.errors = violations,
                    BackendError::Conflict {
                        existing: Some(id),
                        message,
                    } if form.kind == FormKind::Create => {
                        state.overlays.push(Overlay::Confirm(Confirm {
                            question: format!("{message}. Open the existing person instead?"),
                            on_yes: Pending::OpenPerson { id },
                        }));
                    }
                    _ => {}
                }
            }
            state.error(format!("not saved: {message}"));
            Vec::new()
        }
    }
}

fn note_saved(state: &mut State, result: Result<crate::model::Note, BackendError>) -> Vec<Effect> {
    match result {
        Ok(note) => {
            let mut effects = Vec::new();
            if matches!(state.overlays.last(), Some(Overlay::NoteEditor(_))) {
                state.overlays.pop();
                effects.push(Effect::ClearDraft);
            }
            if state
                .detail
                .person
                .as_ref()
                .is_some_and(|p| p.id == note.person_id)
            {
                let id = note.id.clone();
                state.detail.notes.retain(|n| n.id != note.id);
                state.detail.notes.push(note);
                crate::model::sort_notes(&mut state.detail.notes);
                state.detail.note_selected = state
                    .detail
                    .notes
                    .iter()
                    .position(|n| n.id == id)
                    .unwrap_or(0);
            }
            state.info("note saved");
            effects
        }
        Err(e) => {
            if let Some(Overlay::NoteEditor(ed)) = state.overlays.last_mut() {
                ed.saving = false;
                ed.error = Some(e.to_string());
            }
            state.error(format!("note not saved (your text is kept): {e}"));
            Vec::new()
        }
    }
}

fn enrich_ready(
    state: &mut State,
    person_id: &str,
    result: Result<EnrichOutcome, BackendError>,
) -> Vec<Effect> {
    match result {
        Ok(EnrichOutcome::Proposals(props)) if props.is_empty() => {
            state.info("nothing to enrich: every derivable field is already filled");
        }
        Ok(EnrichOutcome::Proposals(props)) => {
            let Some(person) = state.detail.person.clone().filter(|p| p.id == person_id) else {
                return Vec::new();
            };
            super::review::open_proposals(state, person, props);
        }
        Ok(EnrichOutcome::Changed { person, changed }) => {
            // The job already changed the server's record: show what it
            // changed, field by field, against the record shown before.
            let before = state.detail.person.clone().filter(|p| p.id == person.id);
            state.people.upsert(PersonSummary::from_person(&person));
            if state
                .detail
                .person
                .as_ref()
                .is_some_and(|p| p.id == person.id)
            {
                state.detail.person = Some(person.clone());
            }
            match before {
                Some(before) => super::review::open_changes(state, before, person, &changed),
                None if changed.is_empty() => state.info("enrichment finished: nothing changed"),
                None => {
                    let names: Vec<String> = changed
                        .iter()
                        .map(|f| crate::model::label::field_label(f, &state.field_defs))
                        .collect();
                    state.info(format!("enriched: {}", names.join(", ")));
                }
            }
        }
        Err(e) => state.error(format!("enrich failed: {e}")),
    }
    Vec::new()
}
