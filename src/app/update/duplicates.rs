//! The duplicate review overlay: open it (the store is searched off the
//! update path), move between groups and fields, pick per field which
//! record's value the survivor keeps (or every entry, for lists), mark a
//! group "not a duplicate" (remembered in the store), and ask for the merge
//! (`Effect::MergePeople`, carried out by the client's write path).

use super::help;
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{DuplicateReview, Overlay, Record, State};
use crate::model::PersonField;
use crate::model::dedupe::Group;
use crate::model::merge::{FieldPick, is_list_field};

pub struct DuplicatesLayer;

impl Layer for DuplicatesLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Duplicates
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::PickNext,
            Action::NextGroup,
            Action::Merge,
            Action::NotDuplicate,
            Action::Back,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_duplicates(state, action)
    }
}

/// Open the review and look for groups.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    state.overlays.push(Overlay::Duplicates(Box::default()));
    state.busy("looking for duplicates…");
    vec![Effect::FindDuplicates]
}

fn review(state: &mut State) -> Option<&mut DuplicateReview> {
    state.overlays.iter_mut().rev().find_map(|o| match o {
        Overlay::Duplicates(r) => Some(r.as_mut()),
        _ => None,
    })
}

/// A merge went through: its group leaves the review (if open), which
/// shows the next one.
pub(super) fn merged(state: &mut State, survivor: &str) -> Vec<Effect> {
    let Some(r) = review(state) else {
        return Vec::new();
    };
    let Some(groups) = r.groups.as_mut() else {
        return Vec::new();
    };
    let Some(n) = groups
        .iter()
        .position(|g| g.members.iter().any(|m| m == survivor))
    else {
        return Vec::new();
    };
    groups.remove(n);
    let at = if n < r.group { r.group - 1 } else { r.group };
    show_group(r, at)
}

/// Show group `n` (clamped): its records load from the store.
fn show_group(r: &mut DuplicateReview, n: usize) -> Vec<Effect> {
    let count = r.group_count();
    r.group = n.min(count.saturating_sub(1));
    r.records.clear();
    r.picks.clear();
    r.row = 0;
    match r.current() {
        Some(g) => vec![Effect::LoadDuplicateGroup {
            ids: g.members.clone(),
        }],
        None => Vec::new(),
    }
}

fn update_duplicates(state: &mut State, action: Action) -> Vec<Effect> {
    let caps = state.caps.clone();
    let Some(Overlay::Duplicates(r)) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let rows = r.rows(&caps);
    match action {
        Action::MoveDown => r.row = (r.row + 1).min(rows.len().saturating_sub(1)),
        Action::MoveUp => r.row = r.row.saturating_sub(1),
        Action::NextGroup if r.group + 1 < r.group_count() => {
            let next = r.group + 1;
            return show_group(r, next);
        }
        Action::PrevGroup if r.group > 0 => {
            let prev = r.group - 1;
            return show_group(r, prev);
        }
        Action::PickNext | Action::PickPrev if r.loaded() => {
            if let Some(&field) = rows.get(r.row) {
                let forward = action == Action::PickNext;
                let pick = cycle(r.pick(field), r.records.len(), field, forward);
                r.picks.insert(field, pick);
            }
        }
        Action::NotDuplicate if r.loaded() => {
            let ids = r.member_ids();
            if let Some(groups) = r.groups.as_mut() {
                groups.remove(r.group);
            }
            let at = r.group;
            let mut effects = vec![Effect::MarkNotDuplicates { ids: ids.clone() }];
            effects.extend(show_group(r, at));
            let left = r.group_count();
            state.info(format!(
                "not duplicates: {} people will not be offered together again ({left} group(s) left)",
                ids.len()
            ));
            return effects;
        }
        Action::Merge if r.loaded() => {
            if let Some(plan) = r.plan() {
                state.busy(format!(
                    "merging {} record(s) into {}…",
                    plan.others.len(),
                    plan.survivor
                ));
                return vec![Effect::MergePeople(plan)];
            }
        }
        Action::Back | Action::Cancel | Action::FindDuplicates => {
            state.overlays.pop();
        }
        Action::Help => help::open(state),
        _ => {}
    }
    Vec::new()
}

/// The next choice for a field: each record in turn, then (for lists)
/// every record's entries, then around again.
fn cycle(current: FieldPick, records: usize, field: PersonField, forward: bool) -> FieldPick {
    let mut choices: Vec<FieldPick> = (0..records).map(FieldPick::Record).collect();
    if is_list_field(field) {
        choices.push(FieldPick::Union);
    }
    let n = choices.len().max(1);
    let at = choices.iter().position(|&c| c == current).unwrap_or(0);
    let next = if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    };
    choices.get(next).copied().unwrap_or(current)
}

/// The store answered: the groups, best first.
pub(super) fn found(state: &mut State, result: Result<Vec<Group>, String>) -> Vec<Effect> {
    let Some(r) = review(state) else {
        return Vec::new();
    };
    match result {
        Ok(groups) => {
            let n = groups.len();
            r.groups = Some(groups);
            let effects = show_group(r, 0);
            if n == 0 {
                state.info("no duplicates found");
            } else {
                state.info(format!("{n} group(s) of possible duplicates, best first"));
            }
            effects
        }
        Err(e) => {
            state
                .overlays
                .retain(|o| !matches!(o, Overlay::Duplicates(_)));
            state.error(format!("could not look for duplicates: {e}"));
            Vec::new()
        }
    }
}

/// A group's records came back; a reply for a group no longer on screen
/// is dropped.
pub(super) fn group_loaded(
    state: &mut State,
    ids: Vec<String>,
    result: Result<Vec<Record>, String>,
) -> Vec<Effect> {
    let Some(r) = review(state) else {
        return Vec::new();
    };
    if r.member_ids() != ids {
        return Vec::new();
    }
    match result {
        Ok(records) if records.len() == ids.len() => r.records = records,
        Ok(_) => {
            state.error("the group changed since it was found: reopen the review to look again")
        }
        Err(e) => state.error(format!("could not read the group: {e}")),
    }
    Vec::new()
}
