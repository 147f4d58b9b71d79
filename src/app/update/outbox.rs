//! The queued-changes view: open it, move through it, retry, fix or drop a
//! change, and what the app does with a flush's news (refusals, duplicates,
//! records the server has named). Pure, like the rest of `update`.

use super::{editor, form, help, load_detail};
use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::KeyMode;
use crate::app::layer::Layer;
use crate::app::state::{Confirm, FormKind, OutboxView, Overlay, Pending, QueuedEdit, State};
use crate::backend::BackendError;
use crate::client::Settled;
use crate::client::flush::FlushReport;
use crate::model::{Note, Person};
use crate::outbox::{EntryState, LOCAL_ID_PREFIX, Op, OutboxEntry};

pub struct OutboxLayer;

impl Layer for OutboxLayer {
    fn mode(&self) -> KeyMode {
        KeyMode::Outbox
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::RetryChange,
            Action::EditChange,
            Action::DropChange,
            Action::Back,
        ]
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        update_outbox(state, action)
    }
}

/// The key that opens the view, for messages ("O shows the queued changes").
pub fn outbox_key(state: &State) -> String {
    state
        .keymap
        .key_for(KeyMode::Normal, Action::Outbox)
        .unwrap_or_else(|| Action::Outbox.name().to_string())
}

pub(super) fn open(state: &mut State) -> Vec<Effect> {
    state.overlays.push(Overlay::Outbox(OutboxView::default()));
    vec![Effect::LoadOutbox]
}

fn view(state: &mut State) -> Option<&mut OutboxView> {
    state.overlays.iter_mut().rev().find_map(|o| match o {
        Overlay::Outbox(v) => Some(v),
        _ => None,
    })
}

pub(super) fn is_open(state: &State) -> bool {
    state
        .overlays
        .iter()
        .any(|o| matches!(o, Overlay::Outbox(_)))
}

fn update_outbox(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::Outbox(v)) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let n = v.entries.len();
    let entry = v.selected_entry().cloned();
    match action {
        Action::MoveDown => v.selected = (v.selected + 1).min(n.saturating_sub(1)),
        Action::MoveUp => v.selected = v.selected.saturating_sub(1),
        Action::Back | Action::Cancel | Action::Outbox => {
            state.overlays.pop();
        }
        Action::Help => help::open(state),
        Action::RetryChange => return retry(state, entry),
        Action::EditChange => return edit(state, entry),
        Action::DropChange => match entry {
            Some(e) => state.overlays.push(Overlay::Confirm(Confirm {
                question: format!(
                    "Drop #{} ({} for {})? The server's version comes back.",
                    e.seq,
                    e.op.describe(),
                    e.person_name
                ),
                on_yes: Pending::DropChange { seq: e.seq },
            })),
            None => state.info("nothing is queued"),
        },
        _ => {}
    }
    Vec::new()
}

fn retry(state: &mut State, entry: Option<OutboxEntry>) -> Vec<Effect> {
    let Some(e) = entry else {
        state.info("nothing is queued");
        return Vec::new();
    };
    match e.state {
        EntryState::Refused | EntryState::Conflict => {
            state.busy(format!("sending #{} again…", e.seq));
            vec![Effect::RetryChange { seq: e.seq }]
        }
        EntryState::Blocked { behind } => {
            state.info(format!(
                "#{} waits behind #{behind}: retry, fix or drop that one first",
                e.seq
            ));
            Vec::new()
        }
        EntryState::Pending | EntryState::Sending => {
            state.info(format!(
                "#{} is on its way; Ctrl-R sends the queue now",
                e.seq
            ));
            Vec::new()
        }
    }
}

/// Open the change in the form or the note editor; saving replaces it.
fn edit(state: &mut State, entry: Option<OutboxEntry>) -> Vec<Effect> {
    let Some(e) = entry else {
        state.info("nothing is queued");
        return Vec::new();
    };
    if e.state == EntryState::Conflict {
        state.info("choose per field: mine or theirs");
        return vec![Effect::LoadConflicts];
    }
    let seq = e.seq;
    match e.op {
        Op::UpdatePerson { base, edited } => {
            let mut fix = form::for_person(state, FormKind::Edit, edited);
            fix.queued = Some(QueuedEdit {
                seq,
                creates: false,
                base: Some(base),
            });
            form::open(state, fix);
        }
        Op::CreatePerson { person } => {
            let mut fix = form::for_person(state, FormKind::Create, person);
            fix.queued = Some(QueuedEdit {
                seq,
                creates: true,
                base: None,
            });
            form::open(state, fix);
        }
        Op::CreateNote { person_id, note } | Op::UpdateNote { person_id, note } => {
            let creates = note.id.starts_with(LOCAL_ID_PREFIX);
            let mut fix = editor::for_note(state, &person_id, &e.person_name, Some(note));
            fix.queued = Some(QueuedEdit {
                seq,
                creates,
                base: None,
            });
            editor::open(state, fix);
        }
        other => state.info(format!(
            "nothing to fix in \u{201c}{}\u{201d}: retry or drop it",
            other.describe()
        )),
    }
    Vec::new()
}

/// The op a saved form makes of a queued change it was fixing.
pub(super) fn person_op(queued: &QueuedEdit, edited: Person) -> Op {
    match &queued.base {
        Some(base) => Op::UpdatePerson {
            base: base.clone(),
            edited,
        },
        None => Op::CreatePerson { person: edited },
    }
}

pub(super) fn note_op(queued: &QueuedEdit, person_id: String, note: Note) -> Op {
    if queued.creates {
        Op::CreateNote { person_id, note }
    } else {
        Op::UpdateNote { person_id, note }
    }
}

pub(super) fn loaded(state: &mut State, result: Result<Vec<OutboxEntry>, String>) -> Vec<Effect> {
    match result {
        Ok(entries) => {
            state.sync.queued = entries.len();
            if let Some(v) = view(state) {
                v.selected = v.selected.min(entries.len().saturating_sub(1));
                v.entries = entries;
                v.loaded = true;
            }
        }
        Err(e) => state.error(format!("could not read the queued changes: {e}")),
    }
    Vec::new()
}

pub(super) fn dropped(
    state: &mut State,
    seq: i64,
    result: Result<Settled, BackendError>,
) -> Vec<Effect> {
    match result {
        Ok(settled) => {
            let also = settled.also_dropped.len();
            let mut msg = format!("dropped #{seq}");
            if also > 0 {
                msg.push_str(&format!(" and {also} change(s) that could only follow it"));
            }
            if settled.forgotten {
                msg.push_str("; the server no longer has this person");
            } else if settled.restored {
                msg.push_str("; showing the server's version");
            }
            state.info(msg);
            let mut effects = vec![Effect::LoadPeople, Effect::LoadOutbox];
            if let Some(id) = state.detail.person.as_ref().map(|p| p.id.clone()) {
                effects.extend(load_detail(state, id));
            }
            effects
        }
        Err(e) => {
            state.error(format!("could not drop #{seq}: {e}"));
            Vec::new()
        }
    }
}

pub(super) fn replaced(
    state: &mut State,
    seq: i64,
    result: Result<(), BackendError>,
) -> Vec<Effect> {
    let fixing = |o: &Overlay| match o {
        Overlay::PersonForm(f) => f.queued.as_ref().is_some_and(|q| q.seq == seq),
        Overlay::NoteEditor(e) => e.queued.as_ref().is_some_and(|q| q.seq == seq),
        _ => false,
    };
    match result {
        Ok(()) => {
            if state.overlays.last().is_some_and(fixing) {
                state.overlays.pop();
            }
            state.busy(format!("#{seq} changed; sending it…"));
            vec![Effect::LoadOutbox, Effect::LoadPeople]
        }
        Err(e) => {
            let message = e.to_string();
            match state.overlays.last_mut() {
                Some(Overlay::PersonForm(form)) if form.queued.is_some() => {
                    form.saving = false;
                    if let BackendError::Validation(v) = e {
                        form.errors = v;
                    }
                }
                Some(Overlay::NoteEditor(ed)) if ed.queued.is_some() => {
                    ed.saving = false;
                    ed.error = Some(message.clone());
                }
                _ => {}
            }
            state.error(format!("#{seq} not changed: {message}"));
            Vec::new()
        }
    }
}

/// What a flush means for the screen: ids the server gave records created
/// offline replace the temporary ones the state still holds; a refusal is
/// said, with the key to see it; a duplicate create offers the existing
/// person; an open queued-changes view is refreshed.
pub(super) fn after_flush(state: &mut State, report: &FlushReport) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (local, server) in &report.created {
        rename(state, local, server);
    }
    if let Some((_, why)) = report.failed.first() {
        // `why` says whose words these are: the server's ("invalid: …") or
        // rolo's own ("rolo: …").
        state.error(format!(
            "a queued change was refused (kept): {why} — {} shows the queued changes",
            outbox_key(state)
        ));
    } else if report.blocked > 0 && report.stopped.is_none() && report.conflicts.is_empty() {
        state.info(format!(
            "{} change(s) wait behind a refused one — {} shows them",
            report.blocked,
            outbox_key(state)
        ));
    }
    if let Some(d) = report.duplicates.first() {
        state.overlays.push(Overlay::Confirm(Confirm {
            question: format!(
                "Not created: {}. Open the existing person instead?",
                d.message
            ),
            on_yes: Pending::OpenPerson {
                id: d.existing_id.clone(),
            },
        }));
    }
    if is_open(state) {
        effects.push(Effect::LoadOutbox);
    }
    effects
}

/// A record created offline got its server id: later actions on what the
/// screen shows must use it.
fn rename(state: &mut State, local: &str, server: &str) {
    let fix = |id: &mut String| {
        if id == local {
            *id = server.to_string();
        }
    };
    if let Some(p) = state.detail.person.as_mut() {
        fix(&mut p.id);
    }
    for n in &mut state.detail.notes {
        fix(&mut n.id);
        fix(&mut n.person_id);
    }
    if let Some(id) = state.detail.loading.as_mut() {
        fix(id);
    }
    if state.people.selected_id() == Some(local) {
        let mut summary = state.people.selected_person().cloned().unwrap_or_default();
        state.people.remove(local);
        summary.id = server.into();
        state.people.upsert(summary);
        state.people.select_id(Some(server));
    }
    for o in &mut state.overlays {
        match o {
            Overlay::NoteEditor(ed) => {
                fix(&mut ed.person_id);
                if let Some(b) = ed.base.as_mut() {
                    fix(&mut b.id);
                    fix(&mut b.person_id);
                }
            }
            Overlay::PersonForm(form) => fix(&mut form.base.id),
            _ => {}
        }
    }
}
