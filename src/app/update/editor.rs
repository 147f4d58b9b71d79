//! The note editor: title, category (picked from the server's, where it
//! has some) and body; every change goes to the drafts file as it is
//! typed, so nothing is lost on a crash or a dropped connection.

use super::outbox;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::input::{pasted_lines, pasted_on_one_line};
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Confirm, EditorFocus, NoteEditor, Overlay, Pending, State};
use crate::backend::BackendError;
use crate::model::{Note, sort_notes};
use crossterm::event::{KeyCode, KeyEvent};

pub struct EditorLayer;

impl Layer for EditorLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Editor
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Save, Action::NextField, Action::Cancel]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_editor(state, action)
    }

    fn type_key(&self, state: &mut State, key: &KeyEvent) -> Vec<Effect> {
        let Some(Overlay::NoteEditor(ed)) = state.overlays.last_mut() else {
            return Vec::new();
        };
        let changed = match ed.focus {
            EditorFocus::Title => ed.title.handle_key(key),
            // Up/Down pick among the server's categories.
            EditorFocus::Category if key.code == KeyCode::Up => ed.cycle_category(-1),
            EditorFocus::Category if key.code == KeyCode::Down => ed.cycle_category(1),
            EditorFocus::Category => ed.category.handle_key(key),
            EditorFocus::Body => ed.body.input(*key),
        };
        if changed {
            vec![Effect::SaveDraft(ed.draft())]
        } else {
            Vec::new()
        }
    }

    fn paste(&self, state: &mut State, text: &str) -> Vec<Effect> {
        let Some(Overlay::NoteEditor(ed)) = state.overlays.last_mut() else {
            return Vec::new();
        };
        match ed.focus {
            EditorFocus::Title => ed.title.insert_str(&pasted_on_one_line(text, " ")),
            EditorFocus::Category => ed.category.insert_str(&pasted_on_one_line(text, " ")),
            EditorFocus::Body => {
                ed.body.insert_str(pasted_lines(text));
            }
        }
        vec![Effect::SaveDraft(ed.draft())]
    }
}

/// The note editor as this backend offers it, for `base` (`None`: a new
/// note) of the person `person_id`: a title and category line where its
/// notes have them, the categories its server lists. The one place an
/// editor is made.
pub(super) fn for_note(
    state: &State,
    person_id: &str,
    person_name: &str,
    base: Option<Note>,
) -> NoteEditor {
    NoteEditor::new(
        person_id,
        person_name,
        base,
        state.caps.note_titles,
        state.note_categories.clone(),
    )
}

/// Open `editor` over everything else.
pub(super) fn open(state: &mut State, editor: NoteEditor) {
    state.overlays.push(Overlay::NoteEditor(Box::new(editor)));
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
                let op = outbox::note_op(queued, person_id, note);
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

/// A note was saved (from the editor, or flagged), or not: the editor
/// closes and the note takes its place among the person's, or the editor
/// keeps the text and says why.
pub(super) fn saved(state: &mut State, result: Result<Note, BackendError>) -> Vec<Effect> {
    match result {
        Ok(note) => {
            let mut effects = Vec::new();
            // A flag toggle comes back as a save: say which it was.
            let message = match state.detail.notes.iter().find(|n| n.id == note.id) {
                Some(before) if before.flagged != note.flagged && before.text == note.text => {
                    if note.flagged {
                        "note flagged"
                    } else {
                        "note unflagged"
                    }
                }
                _ => "note saved",
            };
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
                sort_notes(&mut state.detail.notes);
                state.detail.note_selected = state
                    .detail
                    .notes
                    .iter()
                    .position(|n| n.id == id)
                    .unwrap_or(0);
            }
            state.info(message);
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
