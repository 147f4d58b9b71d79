//! A yes/no question over everything else; a "yes" does what it asked.

use super::{editor, load_detail};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Confirm, Draft, Focus, Overlay, Pending, State};
use crate::model::Note;

pub struct ConfirmLayer;

impl Layer for ConfirmLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Confirm
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Confirm, Action::Deny]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_confirm(state, action)
    }
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
                Pending::DiscardDraft(draft) => {
                    state.info(format!(
                        "discarded the unsaved note for {}",
                        draft.person_name
                    ));
                    vec![Effect::ClearDraft]
                }
                Pending::OpenPerson { id } => {
                    // Leave the refused form and show the existing record.
                    if matches!(state.overlays.last(), Some(Overlay::PersonForm(_))) {
                        state.overlays.pop();
                    }
                    state.people.select_id(Some(&id));
                    state.people.scroll_to_selection(state.list_rows());
                    state.focus = Focus::Detail;
                    load_detail(state, id)
                }
            }
        }
        Action::Deny | Action::Cancel | Action::Back => {
            state.overlays.pop();
            match confirm.on_yes {
                // Not now: the draft stays on disk, offered again next time.
                Pending::RestoreDraft(draft) => {
                    state.info(format!(
                        "kept the unsaved note for {} (offered again next start)",
                        draft.person_name
                    ));
                    vec![Effect::KeepDraft]
                }
                // Back to the restore question, nothing lost.
                Pending::DiscardDraft(draft) => {
                    state
                        .overlays
                        .push(Overlay::Confirm(restore_question(draft)));
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        Action::DiscardDraft => {
            if let Pending::RestoreDraft(draft) = confirm.on_yes {
                state.overlays.pop();
                state.overlays.push(Overlay::Confirm(Confirm {
                    question: format!(
                        "Discard the unsaved note for {}? It cannot be recovered.",
                        draft.person_name
                    ),
                    on_yes: Pending::DiscardDraft(draft),
                }));
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// How many of a draft's lines the restore question shows.
const PREVIEW_LINES: usize = 3;

/// "Restore it?", with the draft's first lines so the user knows which.
pub fn restore_question(draft: Draft) -> Confirm {
    let mut question = format!("You have an unsaved note for {}:", draft.person_name);
    if !draft.title.trim().is_empty() {
        question.push_str(&format!("\n  {}", draft.title.trim()));
    }
    let lines: Vec<&str> = draft.text.lines().collect();
    for line in lines.iter().take(PREVIEW_LINES) {
        question.push_str(&format!("\n  \u{2502} {line}"));
    }
    if lines.len() > PREVIEW_LINES {
        let more = lines.len() - PREVIEW_LINES;
        let plural = if more == 1 { "" } else { "s" };
        question.push_str(&format!("\n  \u{2502} \u{2026} {more} more line{plural}"));
    }
    question.push_str("\nRestore it?");
    Confirm {
        question,
        on_yes: Pending::RestoreDraft(draft),
    }
}

fn restore_draft(state: &mut State, draft: Draft) -> Vec<Effect> {
    let base = draft
        .note_id
        .as_ref()
        .and_then(|id| state.detail.notes.iter().find(|n| &n.id == id).cloned())
        .or_else(|| {
            draft.note_id.as_ref().map(|id| Note {
                id: id.clone(),
                person_id: draft.person_id.clone(),
                ..Default::default()
            })
        });
    let ed = editor::for_note(state, &draft.person_id, &draft.person_name, base).with_draft(&draft);
    editor::open(state, ed);
    state.info(format!(
        "restored your unsaved note for {}",
        draft.person_name
    ));
    Vec::new()
}
