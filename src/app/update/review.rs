//! The enrichment review overlay: every field an enrichment touches, named
//! as users read it ("Job title", "Twitter", a custom field's label), with
//! its old and new value. Two kinds:
//! - proposals (offline enrichment, Rhythm's social profile): nothing is
//!   applied until accepted; Enter saves the accepted ones;
//! - a server job's result (Introzy): the server already changed the
//!   person, so each change is shown kept; one the user rejects is written
//!   back to its old value on Enter.

use super::form::unstored_refusal;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Overlay, Review, ReviewItem, State};
use crate::backend::{BackendError, EnrichOutcome, FieldProposal};
use crate::enrich::{apply_proposal, changes, copy_field};
use crate::model::label::{field_label, means_job_title};
use crate::model::{Person, PersonField};
use crate::store::PersonSummary;

pub struct ReviewLayer;

impl Layer for ReviewLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Review
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Accept,
            Action::Reject,
            Action::Apply,
            Action::Cancel,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_review(state, action)
    }
}

/// A second line for a field whose label alone would mislead: a custom
/// field that holds the job title on a backend without one.
fn note_for(state: &State, path: &str, label: &str) -> Option<String> {
    let key = path.strip_prefix("customFields.")?;
    (means_job_title(key, label) && !state.caps.stores(PersonField::JobTitle)).then(|| {
        format!(
            "custom field {key}, where {} keeps the job title",
            state.workspace.backend
        )
    })
}

/// Whether rolo can write `path` back on this backend.
fn writable(state: &State, path: &str) -> bool {
    if path.starts_with("customFields.") {
        return state.caps.custom_fields;
    }
    PersonField::all()
        .find(|f| f.key() == path)
        .is_some_and(|f| state.caps.stores(f))
}

/// Whether a proposal's field is one the user can see and change again: a
/// catalogue field this backend stores (`phones[0]` as `phones`), a custom
/// field, or a profile kept in `extra` (social links, named in the review);
/// never `initials`, which no form or pane offers, nor a key rolo does not
/// know.
fn shown(state: &State, path: &str) -> bool {
    let base = path.split('[').next().unwrap_or(path);
    base != "initials" && (base.starts_with("extra.") || writable(state, base))
}

fn item(
    state: &State,
    proposal: FieldProposal,
    decision: Option<bool>,
    applied: bool,
) -> ReviewItem {
    let label = field_label(&proposal.field, &state.field_defs);
    let undoable = applied && writable(state, &proposal.field);
    let mut note = note_for(state, &proposal.field, &label);
    if applied && !undoable {
        note.get_or_insert_with(|| "kept by the server; rolo cannot write it back".into());
    }
    ReviewItem {
        label,
        note,
        decision,
        undoable,
        proposal,
    }
}

fn labels(items: &[ReviewItem]) -> String {
    items
        .iter()
        .map(|i| i.label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Proposals to accept or reject; nothing is applied yet.
/// Only fields the form and the detail pane show and rolo can write here
/// are offered: a proposal for any other (`initials`, a field this backend
/// does not store) could be accepted but never seen or changed again.
fn open_proposals(state: &mut State, person: Person, props: Vec<FieldProposal>) {
    let offered = props.len();
    let items: Vec<ReviewItem> = props
        .into_iter()
        .filter(|p| shown(state, &p.field))
        .map(|p| item(state, p, None, false))
        .collect();
    let n = items.len();
    if n == 0 {
        state.info(format!(
            "nothing to enrich: {offered} proposal(s), none for a field rolo shows"
        ));
        return;
    }
    state.overlays.push(Overlay::Review(Review {
        person,
        before: None,
        items,
        selected: 0,
    }));
    state.info(format!(
        "{n} proposal(s): a accepts, r rejects, Enter applies"
    ));
}

/// What a server job changed from `before` (the record the user saw) to
/// `after`, each change kept unless the user undoes it. `changed` is the
/// adapter's own list of what the job touched (it compared the server's
/// record before and after); a difference only between the shown copy and
/// the server's is not the job's doing and is left out. Says so and opens
/// nothing when the job changed nothing.
fn open_changes(state: &mut State, before: Person, after: Person, changed: &[String]) {
    let found: Vec<FieldProposal> = changes(&before, &after, state.caps.fields, &state.field_defs)
        .into_iter()
        .filter(|c| changed.contains(&c.field))
        .collect();
    if found.is_empty() {
        state.info("enrichment finished: nothing changed");
        return;
    }
    let items: Vec<ReviewItem> = found
        .into_iter()
        .map(|p| item(state, p, Some(true), true))
        .collect();
    let n = items.len();
    state.overlays.push(Overlay::Review(Review {
        person: after,
        before: Some(before),
        items,
        selected: 0,
    }));
    state.info(format!(
        "enrichment changed {n} field(s): r undoes one, Enter confirms"
    ));
}

/// Enrichment came back: proposals open the review; a server job's changes
/// open it kept, to undo some; nothing to propose is said.
pub(super) fn enrich_ready(
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
            open_proposals(state, person, props);
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
                Some(before) => open_changes(state, before, person, &changed),
                None if changed.is_empty() => state.info("enrichment finished: nothing changed"),
                None => {
                    let names: Vec<String> = changed
                        .iter()
                        .map(|f| field_label(f, &state.field_defs))
                        .collect();
                    state.info(format!("enriched: {}", names.join(", ")));
                }
            }
        }
        Err(e) => state.error(format!("enrich failed: {e}")),
    }
    Vec::new()
}

fn update_review(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::Review(review)) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let n = review.items.len();
    match action {
        Action::MoveDown => review.selected = (review.selected + 1).min(n.saturating_sub(1)),
        Action::MoveUp => review.selected = review.selected.saturating_sub(1),
        Action::Accept | Action::Reject => {
            let applied = review.applied();
            let Some(item) = review.items.get_mut(review.selected) else {
                return Vec::new();
            };
            if applied && action == Action::Reject && !item.undoable {
                let label = item.label.clone();
                state.info(format!(
                    "{label} cannot be undone: rolo cannot write it back"
                ));
                return Vec::new();
            }
            item.decision = Some(action == Action::Accept);
            review.selected = (review.selected + 1).min(n.saturating_sub(1));
        }
        Action::Apply => {
            let Some(Overlay::Review(review)) = state.overlays.pop() else {
                return Vec::new();
            };
            return match review.before {
                Some(before) => undo_rejected(state, &before, review.person, &review.items),
                None => save_accepted(state, review.person, &review.items),
            };
        }
        Action::Cancel | Action::Back => {
            let applied = review.applied();
            state.overlays.pop();
            state.info(if applied {
                "kept what enrichment changed"
            } else {
                "enrichment dismissed; nothing changed"
            });
        }
        _ => {}
    }
    Vec::new()
}

fn save_accepted(state: &mut State, person: Person, items: &[ReviewItem]) -> Vec<Effect> {
    let accepted: Vec<&ReviewItem> = items.iter().filter(|i| i.decision == Some(true)).collect();
    if accepted.is_empty() {
        state.info("nothing accepted; no changes");
        return Vec::new();
    }
    let mut edited = person.clone();
    for i in &accepted {
        apply_proposal(&mut edited, &i.proposal);
    }
    if let Some(reason) = unstored_refusal(&state.caps, &state.workspace.backend, &person, &edited)
    {
        state.error(format!("not saved: {reason}"));
        return Vec::new();
    }
    state.busy(format!("saving {} accepted change(s)…", accepted.len()));
    vec![Effect::SavePerson {
        base: Some(person),
        edited: edited.normalize(),
    }]
}

fn undo_rejected(
    state: &mut State,
    before: &Person,
    after: Person,
    items: &[ReviewItem],
) -> Vec<Effect> {
    let undo: Vec<&ReviewItem> = items
        .iter()
        .filter(|i| i.decision == Some(false) && i.undoable)
        .collect();
    if undo.is_empty() {
        state.info(format!("kept what enrichment changed: {}", labels(items)));
        return Vec::new();
    }
    let mut edited = after.clone();
    for i in &undo {
        copy_field(before, &mut edited, &i.proposal.field);
    }
    let names: Vec<&str> = undo.iter().map(|i| i.label.as_str()).collect();
    state.busy(format!("undoing {}…", names.join(", ")));
    vec![Effect::SavePerson {
        base: Some(after),
        edited: edited.normalize(),
    }]
}
