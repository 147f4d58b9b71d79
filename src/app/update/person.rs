//! Actions on the selected person, shared by the list and the detail pane:
//! add, edit, archive, delete, a note, enrich, copy.

use super::{awaiting, detail, editor, form};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::state::{Confirm, Focus, FormKind, Overlay, Pending, State};
use crate::model::{EnrichKind, Person};

/// An action on the selected person, or adding one.
pub(super) fn action(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Undo {
        return super::undo::undo(state);
    }
    if action == Action::AddPerson {
        let new = form::for_person(state, FormKind::Create, Person::default());
        form::open(state, new);
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
                    id: summary.id.to_string(),
                    name: summary.display_name.to_string(),
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
                    id: summary.id.to_string(),
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
            let ed = editor::for_note(state, &summary.id, &summary.display_name, None);
            editor::open(state, ed);
        }
        Action::EditPerson | Action::AddNote | Action::Enrich => {
            let Some(person) = loaded else {
                return awaiting::await_detail(state, action, &summary.id, &summary.display_name);
            };
            return match action {
                Action::EditPerson => {
                    let edit = form::for_person(state, FormKind::Edit, person);
                    form::open(state, edit);
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
        return detail::edit_note(state);
    }
    let ed = editor::for_note(state, &person.id, &person.full_name(), None);
    editor::open(state, ed);
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
        awaiting::await_proposals(state, &person);
    }
    vec![Effect::Enrich { person }]
}
