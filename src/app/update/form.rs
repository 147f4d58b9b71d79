//! The person form: moving between fields, typing (a choice is picked, not
//! typed), saving what the backend stores, and what the save brought back.

use super::outbox;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::input::{LineInput, pasted_on_one_line};
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{
    Confirm, FormField, FormKind, FormSlot, Overlay, Pending, PersonForm, State,
};
use crate::backend::BackendError;
use crate::model::field::FieldKind;
use crate::model::field::{backend_label, unstored_changes};
use crate::model::{Capabilities, Person, PersonField, Violation};
use crate::store::PersonSummary;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub struct FormLayer;

impl Layer for FormLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Form
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Save,
            Action::NextField,
            Action::PrevField,
            Action::Cancel,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_form(state, action)
    }

    fn type_key(&self, state: &mut State, key: &KeyEvent) -> Vec<Effect> {
        if let Some(Overlay::PersonForm(form)) = state.overlays.last_mut() {
            let focused = form.focused;
            form_key(&mut form.fields[focused], key);
        }
        Vec::new()
    }

    fn paste(&self, state: &mut State, text: &str) -> Vec<Effect> {
        let Some(Overlay::PersonForm(form)) = state.overlays.last_mut() else {
            return Vec::new();
        };
        let field = &mut form.fields[form.focused];
        // A choice takes a pasted option name, nothing else.
        let picked = field.options().and_then(|options| {
            options
                .iter()
                .find(|o| o.label.eq_ignore_ascii_case(text.trim()) || o.value == text.trim())
                .map(|o| o.label.clone())
        });
        match (field.options().is_some(), picked) {
            (true, Some(label)) => field.input = LineInput::new(label),
            (true, None) => {}
            (false, _) => {
                // Lines of a list or an address become its comma-separated
                // items; of anything else, words on the one line.
                let sep = match &field.slot {
                    FormSlot::Field(f)
                        if f.kind() != FieldKind::Text || *f == PersonField::AddressLine =>
                    {
                        ", "
                    }
                    _ => " ",
                };
                field.input.insert_str(&pasted_on_one_line(text, sep))
            }
        }
        Vec::new()
    }
}

/// The person form as this backend offers it: the fields it stores, its
/// required marks, its custom fields' definitions. The one place a form
/// is made.
pub(super) fn for_person(state: &State, kind: FormKind, base: Person) -> PersonForm {
    PersonForm::new(kind, base, &state.caps, &state.field_defs)
}

/// Open `form` over everything else.
pub(super) fn open(state: &mut State, form: PersonForm) {
    state.overlays.push(Overlay::PersonForm(Box::new(form)));
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
                let op = outbox::person_op(queued, edited);
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

/// A key typed in a form field. A choice (a select with options) is not
/// typed into: arrows and space move between options, a letter picks the
/// next option starting with it, Backspace or Delete clears it.
fn form_key(field: &mut FormField, key: &KeyEvent) {
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

/// A person was saved (from the form, or archived), or not: the form
/// closes, or shows the server's words next to the fields they name.
pub(super) fn saved(state: &mut State, result: Result<Person, BackendError>) -> Vec<Effect> {
    match result {
        Ok(person) => {
            if matches!(state.overlays.last(), Some(Overlay::PersonForm(_))) {
                state.overlays.pop();
            }
            // An archive toggle comes back as a save: say which it was.
            let was_archived = state
                .people
                .all
                .iter()
                .find(|p| p.id == person.id)
                .map(|p| p.archived);
            let name = person.full_name();
            let mut message = match was_archived {
                Some(false) if person.archived => format!("archived {name}"),
                Some(true) if !person.archived => format!("unarchived {name}"),
                _ => format!("saved {name}"),
            };
            state.people.upsert(PersonSummary::from_person(&person));
            // The detail pane belongs to the highlighted row: when the
            // filter hides the person just saved, it goes, and says so.
            if state.people.selected_id() != Some(person.id.as_str())
                && !state.people.query.text.is_empty()
            {
                state.search_input.clear();
                state.people.set_query("");
                state.people.select_id(Some(&person.id));
                message.push_str(" · filter cleared to show them");
            }
            state.people.scroll_to_selection(state.list_rows());
            state.info(message);
            // Another person's notes must not stay under this one.
            if state.detail.person.as_ref().map(|p| p.id.as_str()) != Some(person.id.as_str()) {
                state.detail.notes.clear();
                state.detail.note_selected = 0;
            }
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
