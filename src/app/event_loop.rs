//! The one async loop: terminal events, results of background work and
//! signals in; draw once per batch of changes.

use super::effect::{Effect, Msg};
use super::state::State;
use super::update::{Input, handle};
use crate::client::Client;
use crate::drafts::DraftStore;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend as TermBackend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Signal(&'static str),
}

/// Runs effects as tasks whose results come back as messages.
struct Runner {
    client: Client,
    tx: mpsc::UnboundedSender<Msg>,
    drafts: watch::Sender<Option<super::state::Draft>>,
    draft_store: DraftStore,
    /// The detail read of the newest selection; an older one still waiting
    /// for the request budget is dropped, not sent.
    detail_task: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
    /// Filters the list off this loop; its snapshots come back as messages.
    matcher: crate::search::worker::MatchWorker,
}

impl Runner {
    /// Spawn `work`; send its message; for a remote profile, then send the
    /// outbox the write just joined.
    fn spawn<F>(&self, flush_after: bool, work: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        let tx = self.tx.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let _ = tx.send(work.await);
            if flush_after && client.is_remote() {
                let _ = tx.send(Msg::Flushed(client.flush().await));
            }
        });
    }

    fn run(&self, effect: Effect) -> bool {
        let c = self.client.clone();
        match effect {
            Effect::Quit => return false,
            Effect::Match(job) => self.matcher.submit(job),
            Effect::LoadPeople => {
                self.spawn(
                    false,
                    async move { Msg::PeopleLoaded(c.load_summaries().await) },
                )
            }
            Effect::LoadDetail { request, id } => {
                let tx = self.tx.clone();
                let task = tokio::spawn(async move {
                    // The cache answers in milliseconds; the server may take
                    // seconds (rate limits). Show, and let the user edit,
                    // what is cached meanwhile; ask the server unless it was
                    // read moments ago.
                    if c.is_remote()
                        && let Ok(Some((person, notes))) = c.cached_detail(&id).await
                    {
                        if c.detail_is_fresh(&id) {
                            let _ = tx.send(Msg::DetailLoaded {
                                request,
                                id,
                                result: Ok((person, notes)),
                            });
                            return;
                        }
                        let _ = tx.send(Msg::DetailCached {
                            request,
                            id: id.clone(),
                            person,
                            notes,
                        });
                    }
                    let result = c.load_detail(&id).await;
                    let _ = tx.send(Msg::DetailLoaded {
                        request,
                        id,
                        result,
                    });
                });
                let mut current = self.detail_task.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(older) = current.replace(task.abort_handle()) {
                    older.abort();
                }
            }
            Effect::SavePerson { base, edited } => self.spawn(true, async move {
                Msg::PersonSaved(c.save_person(base.as_ref(), &edited).await)
            }),
            Effect::ArchivePerson { id, archive } => self.spawn(true, async move {
                Msg::PersonSaved(c.set_archived(&id, archive).await)
            }),
            Effect::DeletePerson { id } => self.spawn(true, async move {
                let result = c.delete_person(&id).await;
                Msg::PersonDeleted { id, result }
            }),
            Effect::MergePeople(plan) => self.spawn(true, async move {
                Msg::Merged {
                    merged: plan.others.len(),
                    result: c.merge_people(&plan).await,
                }
            }),
            Effect::SaveNote { person_id, note } => self.spawn(true, async move {
                Msg::NoteSaved(c.save_note(&person_id, &note).await)
            }),
            Effect::DeleteNote { person_id, note_id } => self.spawn(true, async move {
                let result = c.delete_note(&person_id, &note_id).await;
                Msg::NoteDeleted { note_id, result }
            }),
            Effect::FlagNote {
                person_id,
                note_id,
                flagged,
            } => self.spawn(true, async move {
                Msg::NoteSaved(c.flag_note(&person_id, &note_id, flagged).await)
            }),
            Effect::Enrich { person } => self.spawn(false, async move {
                let result = c.enrich(&person).await;
                Msg::EnrichReady {
                    person_id: person.id.clone(),
                    result,
                }
            }),
            Effect::Sync { focus } => {
                let tx = self.tx.clone();
                self.spawn(false, async move {
                    let _ = tx.send(Msg::SyncStarted {
                        last_sync: c.last_sync().await,
                    });
                    let progress_tx = tx.clone();
                    let mut progress = move |done: usize, total: Option<u64>| {
                        let _ = progress_tx.send(Msg::SyncProgress { done, total });
                    };
                    let report = c.sync_with_focus(&focus, &mut progress).await;
                    // Sync refreshes the note categories the editor offers.
                    let _ = tx.send(Msg::NoteCategories(
                        c.reference_names(crate::model::RefKind::NoteCategory),
                    ));
                    Msg::SyncDone(report)
                })
            }
            Effect::Flush => self.spawn(false, async move { Msg::Flushed(c.flush().await) }),
            Effect::LoadFieldDefs => {
                let _ = self.tx.send(Msg::NoteCategories(
                    c.reference_names(crate::model::RefKind::NoteCategory),
                ));
                self.spawn(
                    false,
                    async move { Msg::FieldDefs(c.custom_field_defs().await) },
                )
            }
            // Debounced by the loop before it gets here.
            Effect::ServerSearch { request, text } => self.spawn(false, async move {
                Msg::ServerSearchDone {
                    request,
                    result: c.server_search(&text).await,
                }
            }),
            Effect::LoadOutbox => self.spawn(false, async move {
                Msg::OutboxLoaded(c.outbox().await.map_err(|e| e.to_string()))
            }),
            Effect::RetryChange { seq } => self.spawn(false, async move {
                match c.retry_op(seq).await {
                    Ok(()) => Msg::Flushed(c.flush().await),
                    Err(e) => Msg::Status(format!("could not retry #{seq}: {e}")),
                }
            }),
            Effect::DropChange { seq } => self.spawn(false, async move {
                Msg::ChangeDropped {
                    seq,
                    result: c.drop_op(seq).await,
                }
            }),
            Effect::ReplaceChange { seq, op } => {
                let tx = self.tx.clone();
                self.spawn(false, async move {
                    let result = c.edit_op(seq, op).await;
                    let sent = result.is_ok();
                    let _ = tx.send(Msg::ChangeReplaced { seq, result });
                    if sent {
                        Msg::Flushed(c.flush().await)
                    } else {
                        Msg::OutboxLoaded(c.outbox().await.map_err(|e| e.to_string()))
                    }
                })
            }
            Effect::FindDuplicates => self.spawn(false, async move {
                let region = crate::model::dedupe::locale_region();
                let found = tokio::task::spawn_blocking(move || {
                    c.read_store(|s| s.find_duplicates(region).map_err(|e| e.to_string()))
                        .map_err(|e| e.to_string())?
                })
                .await;
                Msg::DuplicatesFound(found.unwrap_or_else(|e| Err(e.to_string())))
            }),
            Effect::LoadDuplicateGroup { ids } => self.spawn(false, async move {
                let wanted = ids.clone();
                let loaded = tokio::task::spawn_blocking(move || {
                    c.read_store(|s| duplicate_records(s, &wanted))
                        .map_err(|e| e.to_string())?
                })
                .await;
                Msg::DuplicateGroupLoaded {
                    ids,
                    result: loaded.unwrap_or_else(|e| Err(e.to_string())),
                }
            }),
            Effect::MarkNotDuplicates { ids } => self.spawn(false, async move {
                let marked = tokio::task::spawn_blocking(move || {
                    c.read_store(|s| s.mark_not_duplicates(&ids).map_err(|e| e.to_string()))
                        .map_err(|e| e.to_string())?
                })
                .await;
                match marked.unwrap_or_else(|e| Err(e.to_string())) {
                    Ok(()) => Msg::Status("not duplicates: remembered".into()),
                    Err(e) => Msg::Status(format!("could not remember \"not duplicates\": {e}")),
                }
            }),
            Effect::LoadConflicts => self.spawn(false, async move {
                Msg::ConflictsLoaded(c.queued().await.unwrap_or_default())
            }),
            Effect::ResolveConflict {
                seq,
                theirs,
                resolved,
            } => self.spawn(false, async move {
                match c.resolve_conflict(seq, &theirs, &resolved).await {
                    Ok(()) => Msg::Flushed(c.flush().await),
                    Err(e) => Msg::Status(format!("could not queue the merged edit: {e}")),
                }
            }),
            Effect::Copy { text, what } => {
                // On the loop: OSC 52 goes to the terminal between frames,
                // never in the middle of one; tmux answers in milliseconds.
                let result = super::clipboard::copy(&text);
                let _ = self.tx.send(Msg::Copied { what, text, result });
            }
            Effect::Undo(change) => self.spawn(true, async move {
                let result = c.undo_person_change(&change.before, &change.after).await;
                Msg::Undone {
                    change: Box::new(change),
                    result,
                }
            }),
            Effect::SaveDraft(draft) => {
                let _ = self.drafts.send(Some(draft));
            }
            // Through the writer, after any save still running: a clear
            // racing a slower save would leave the draft behind.
            Effect::ClearDraft => {
                let _ = self.drafts.send(None);
            }
            // At once, not in a task: a note typed next must not be the one
            // set aside.
            Effect::KeepDraft => {
                if let Err(e) = self.draft_store.keep() {
                    let _ = self
                        .tx
                        .send(Msg::Status(format!("could not keep the draft: {e}")));
                }
            }
        }
        true
    }
}

/// Writes the newest draft; drafts written while a write runs coalesce.
fn spawn_draft_writer(store: DraftStore) -> watch::Sender<Option<super::state::Draft>> {
    let (tx, mut rx) = watch::channel(None);
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let draft = rx.borrow_and_update().clone();
            let store = store.clone();
            let _ = tokio::task::spawn_blocking(move || match draft {
                Some(draft) => store.save(&draft),
                None => store.clear(),
            })
            .await;
        }
    });
    tx
}

pub async fn run<B: TermBackend>(
    terminal: &mut Terminal<B>,
    mut state: State,
    client: Client,
    draft_store: DraftStore,
) -> std::io::Result<Exit>
where
    std::io::Error: From<B::Error>,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let drafts = spawn_draft_writer(draft_store.clone());
    let matched = tx.clone();
    let matcher = crate::search::worker::MatchWorker::spawn(move |snapshot| {
        let _ = matched.send(Msg::Matched(snapshot));
    })?;
    let runner = Runner {
        client,
        tx: tx.clone(),
        drafts,
        draft_store: draft_store.clone(),
        detail_task: std::sync::Mutex::new(None),
        matcher,
    };

    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    runner.run(Effect::LoadPeople);
    if runner.client.is_remote() {
        runner.run(Effect::LoadFieldDefs);
        state.sync.remote = true;
        state.sync.now = Some(jiff::Timestamp::now());
        runner.run(Effect::Sync { focus: Vec::new() });
    }
    {
        let store = draft_store.clone();
        let tx = tx.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(d) = store.load() {
                let _ = tx.send(Msg::DraftFound(d));
            }
        });
    }

    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut dirty = true;
    let mut search_due: Option<(tokio::time::Instant, Effect)> = None;
    let mut clock = tokio::time::interval(std::time::Duration::from_secs(30));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut batch = Vec::new();
    let mut net = runner.client.net_status();
    let mut net_waiting = false;
    // The status message an expiry is on its way for.
    let mut status_timed = 0;
    loop {
        if dirty {
            terminal.draw(|f| crate::ui::draw(f, &state))?;
            dirty = false;
        }
        let inputs: Vec<Input> = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => vec![Input::Key(k)],
                Some(Ok(Event::Paste(p))) => vec![Input::Paste(p)],
                Some(Ok(Event::Resize(w, h))) => vec![Input::Resize(w, h)],
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => return Ok(Exit::Signal("input closed")),
            },
            n = rx.recv_many(&mut batch, 64) => {
                if n == 0 { continue; }
                batch.drain(..).map(Input::Msg).collect()
            }
            changed = net_changed(&mut net) => {
                if changed.is_err() { net = None; continue; }
                let text = net.as_ref().and_then(|rx| rx.borrow().describe(std::time::Instant::now()));
                net_waiting = text.is_some();
                vec![Input::Msg(Msg::Net(text))]
            }
            // The clock for "synced 4 min ago"; and a retry of queued writes
            // while offline (the flush itself backs off on the server's word).
            _ = sleep_until_due(&search_due), if search_due.is_some() => {
                if let Some((_, effect)) = search_due.take() {
                    runner.run(effect);
                }
                continue;
            }
            _ = clock.tick(), if state.sync.remote => {
                if state.sync.queued > 0 && state.sync.progress.is_none() {
                    runner.run(Effect::Flush);
                }
                vec![Input::Msg(Msg::Tick(jiff::Timestamp::now()))]
            }
            // While waiting, count the seconds down once a second.
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)), if net_waiting => {
                let text = net.as_ref().and_then(|rx| rx.borrow().describe(std::time::Instant::now()));
                net_waiting = text.is_some();
                vec![Input::Msg(Msg::Net(text))]
            }
            _ = sigterm.recv() => return finish(&runner, &state, Exit::Signal("SIGTERM")).await,
            _ = sighup.recv() => return finish(&runner, &state, Exit::Signal("SIGHUP")).await,
            _ = sigint.recv() => return finish(&runner, &state, Exit::Signal("SIGINT")).await,
        };
        state.clock = Some(jiff::Timestamp::now());
        for input in inputs {
            for effect in handle(&mut state, input) {
                if let Effect::ServerSearch { .. } = effect {
                    // Wait for a pause in typing; a newer search replaces this one.
                    search_due = Some((tokio::time::Instant::now() + SEARCH_DEBOUNCE, effect));
                    continue;
                }
                if !runner.run(effect) {
                    return finish(&runner, &state, Exit::Quit).await;
                }
            }
        }
        if state.status.seq != status_timed {
            status_timed = state.status.seq;
            if let Some(after) = crate::app::state::lifetime(state.status.kind) {
                let tx = runner.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::StatusExpired(status_timed));
                });
            }
        }
        dirty = true;
    }
}

/// How long typing must pause before the server is asked.
const SEARCH_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(300);

async fn sleep_until_due(due: &Option<(tokio::time::Instant, Effect)>) {
    match due {
        Some((at, _)) => tokio::time::sleep_until(*at).await,
        None => std::future::pending().await,
    }
}

/// Resolves when the network status changes; never, without a status channel.
async fn net_changed(
    rx: &mut Option<crate::backend::http::NetStatusRx>,
) -> Result<(), tokio::sync::watch::error::RecvError> {
    match rx {
        Some(rx) => rx.changed().await,
        None => std::future::pending().await,
    }
}

/// Before leaving: make sure the editor's text is on disk.
async fn finish(runner: &Runner, state: &State, exit: Exit) -> std::io::Result<Exit> {
    if let Some(super::state::Overlay::NoteEditor(ed)) = state
        .overlays
        .iter()
        .rev()
        .find(|o| matches!(o, super::state::Overlay::NoteEditor(_)))
        && ed.is_dirty()
    {
        let store = runner.draft_store.clone();
        let draft = ed.draft();
        let _ = tokio::task::spawn_blocking(move || store.save(&draft)).await;
    }
    Ok(exit)
}

/// The records of a duplicate group with their notes, in the group's
/// order; a record gone since the search is left out (the review sees the
/// group changed).
fn duplicate_records(
    store: &crate::store::Store,
    ids: &[String],
) -> Result<Vec<super::state::Record>, String> {
    let mut records = Vec::with_capacity(ids.len());
    for id in ids {
        let person = store.get_person(id).map_err(|e| e.to_string())?;
        if let Some(person) = person {
            let notes = store.notes_for(id).map_err(|e| e.to_string())?;
            records.push(super::state::Record { person, notes });
        }
    }
    Ok(records)
}
