//! The results of background work: lists and records loaded, saves done or
//! refused, sync progress, the outbox's news, the clock. Results that
//! belong to one layer go to its file.

use super::{awaiting, conflict, duplicates, editor, form, list, outbox, review, select_changed};
use crate::app::effect::{Effect, Msg};
use crate::app::state::{Focus, Overlay, State, StatusKind};
use crate::backend::BackendError;
use crate::client::flush::FlushReport;
use crate::model::{Note, Person};

/// While the list shows fewer people than this, every synced page reloads it.
const LIST_RELOAD_BELOW: usize = 1000;

/// A remote profile left open syncs again after this long.
const AUTO_SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Apply the result of background work.
pub fn update_msg(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::PeopleLoaded(Ok(people)) => {
            let n = people.len();
            state.people.set_people(people);
            state.people.scroll_to_selection(state.list_rows());
            if state.status.message.is_empty() || state.status.kind != StatusKind::Error {
                state.info(format!("{n} people"));
            }
            select_changed(state)
        }
        Msg::Matched(snapshot) => super::search::matched(state, snapshot),
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
            awaiting::resume_awaiting(state, &id, None)
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
                    awaiting::resume_awaiting(state, &id, None)
                }
                // The cached copy on screen stays: a failed refresh does not
                // take away what the user can see and edit (unless the
                // server says the person is gone).
                Err(e)
                    if !matches!(e, BackendError::NotFound(_))
                        && state.detail.person.as_ref().is_some_and(|p| p.id == id) =>
                {
                    state.error(format!("could not refresh {id}: {e}"));
                    awaiting::resume_awaiting(state, &id, None)
                }
                Err(e) => {
                    state.detail.person = None;
                    state.detail.notes.clear();
                    let message = format!("could not load {id}: {e}");
                    let effects = awaiting::resume_awaiting(state, &id, Some(&message));
                    if state.status.kind != StatusKind::Error {
                        state.error(message);
                    }
                    effects
                }
            }
        }
        Msg::PersonSaved(result) => {
            super::undo::remember(state, &result);
            form::saved(state, result)
        }
        Msg::Undone { change, result } => super::undo::undone(state, change, result),
        Msg::PersonDeleted { id, result } => match result {
            Ok(()) => {
                super::undo::forget(state, true);
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
        Msg::Merged { merged, result } => match result {
            Ok(survivor) => {
                let queued = if state.sync.remote { " (queued)" } else { "" };
                state.info(format!(
                    "merged {merged} into {}{queued}",
                    survivor.full_name()
                ));
                let mut effects = duplicates::merged(state, &survivor.id);
                effects.push(Effect::LoadPeople);
                effects
            }
            Err(e) => {
                state.error(format!("merge failed: {e}"));
                Vec::new()
            }
        },
        Msg::NoteSaved(result) => {
            super::undo::forget(state, result.is_ok());
            editor::saved(state, result)
        }
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
            let mut effects = review::enrich_ready(state, &person_id, result);
            effects.extend(awaiting::proposals_arrived(state, &person_id));
            effects
        }
        Msg::Copied { what, text, result } => {
            match result {
                Ok(to) => state.info(format!(
                    "copied {what} {} to {}",
                    crate::sanitize::for_display(&text),
                    to.places()
                )),
                Err(e) => state.error(format!("could not copy: {e}")),
            }
            Vec::new()
        }
        Msg::DraftFound(draft) => {
            state
                .overlays
                .push(Overlay::Confirm(super::confirm::restore_question(draft)));
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
            conflict::show_first(state, queued);
            Vec::new()
        }
        Msg::OutboxLoaded(result) => outbox::loaded(state, result),
        Msg::DuplicatesFound(result) => duplicates::found(state, result),
        Msg::DuplicateGroupLoaded { ids, result } => duplicates::group_loaded(state, ids, result),
        Msg::ChangeDropped { seq, result } => outbox::dropped(state, seq, result),
        Msg::ChangeReplaced { seq, result } => outbox::replaced(state, seq, result),
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
        Msg::StatusExpired(seq) => {
            state.expire_status(seq);
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
                return list::start_sync(state);
            }
            Vec::new()
        }
    }
}

/// Put a loaded (or cached) record on screen.
fn show_detail(state: &mut State, id: &str, person: Person, notes: Vec<Note>) {
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
fn after_flush(state: &mut State, report: &FlushReport) -> Vec<Effect> {
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
    let mut effects = outbox::after_flush(state, report);
    if !report.conflicts.is_empty() {
        effects.push(Effect::LoadConflicts);
    }
    effects
}
