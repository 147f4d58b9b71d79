//! A queued edit the server changed underneath: field by field, keep mine
//! or take theirs, then send the merge.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{ConflictReview, Overlay, State};
use crate::outbox::{Merge, Op, OpState, QueuedOp, merge, resolve};

pub struct ConflictLayer;

impl Layer for ConflictLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Conflict
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::KeepMine,
            Action::TakeTheirs,
            Action::Apply,
            Action::Cancel,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_conflict(state, action)
    }
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
            let resolved = resolve(&c.partial, &c.fields, &c.keep_mine);
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

/// Show the first queued edit in conflict (unless one is shown already).
pub(super) fn show_first(state: &mut State, queued: Vec<QueuedOp>) {
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
        .push(Overlay::Conflict(Box::new(ConflictReview {
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
