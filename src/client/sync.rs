//! Reading from the server into the cache: full and incremental syncs, the
//! detail of one person, and server search. Writes live in the parent
//! module and [`super::flush`].
//!
//! Requests: sync runs in the background lane of the HTTP budget (see
//! `backend::http::budget`), so whatever the user opens meanwhile goes
//! first; the writes a sync sends first, and detail reads, are interactive.
//!
//! Freshness: RogerRoger can list people by creation time but not by change
//! time, so an incremental sync sees new people and nothing else. Other
//! users' edits reach the cache three ways: a person opened is re-read at
//! once (unless read within [`DETAIL_FRESH`]); the people on screen are
//! re-read at every incremental sync; and a full listing runs as often as
//! the budget allows without crowding out the rest: when the last one is
//! older than [`FULL_SYNC_MIN_GAP`] and four times its own length, and at
//! least every [`super::FULL_SYNC_EVERY`].

use super::{Client, FOCUS_REFRESH_MAX, FULL_SYNC_EVERY, SyncReport};
use crate::backend::http::Lane;
use crate::backend::{BackendError, ListQuery};
use crate::model::{Note, Person, sort_notes};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A record or notes read this recently are not read again when opened.
pub const DETAIL_FRESH: Duration = Duration::from_secs(60);

/// Full listings run no closer together than this...
pub const FULL_SYNC_MIN_GAP: Duration = Duration::from_secs(15 * 60);
/// ...nor than this many times as long as the last one took, so listing
/// everyone uses at most a quarter of the request budget.
const FULL_SYNC_SHARE: i64 = 4;

/// Whether a full listing is due at `now`: none yet, or the last one is
/// older than [`FULL_SYNC_EVERY`], or older than both
/// [`FULL_SYNC_MIN_GAP`] and [`FULL_SYNC_SHARE`] times its own length.
fn full_listing_due(now: i64, last: Option<i64>, took_secs: Option<i64>) -> bool {
    let Some(last) = last else { return true };
    let age = now - last;
    let gap = (FULL_SYNC_MIN_GAP.as_secs() as i64).max(FULL_SYNC_SHARE * took_secs.unwrap_or(0));
    age >= gap.min(FULL_SYNC_EVERY.as_secs() as i64)
}

/// When people and their notes were last read from the server, in this
/// process (so opening someone sync just listed costs only their notes).
#[derive(Debug, Default)]
pub(crate) struct ReadLog {
    people: Mutex<HashMap<String, Instant>>,
    notes: Mutex<HashMap<String, Instant>>,
}

impl ReadLog {
    fn mark(map: &Mutex<HashMap<String, Instant>>, ids: impl IntoIterator<Item = String>) {
        let now = Instant::now();
        let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
        for id in ids {
            map.insert(id, now);
        }
    }

    fn fresh(map: &Mutex<HashMap<String, Instant>>, id: &str) -> bool {
        map.lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .is_some_and(|t| t.elapsed() < DETAIL_FRESH)
    }

    fn forget(&self, id: &str) {
        for map in [&self.people, &self.notes] {
            map.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
        }
    }
}

impl Client {
    /// Send queued writes, then fetch everyone into the cache.
    /// `progress(done, total)` after each page, once the page is cached.
    pub async fn sync(&self, progress: &mut (dyn FnMut(usize, Option<u64>) + Send)) -> SyncReport {
        self.sync_with_focus(&[], progress).await
    }

    /// Like [`Client::sync`], refreshing `focus` (the people on screen)
    /// first. Where the API can list what was created since the last sync
    /// (RogerRoger), and a full sync ran within [`FULL_SYNC_EVERY`], only
    /// that is fetched: under a 20-requests-a-minute budget a full listing
    /// of 10,000 people takes a quarter of an hour.
    pub async fn sync_with_focus(
        &self,
        focus: &[String],
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> SyncReport {
        let mut report = SyncReport::default();
        if !self.path.caches() {
            return report;
        }
        report.flushed = self.flush().await;
        // Stamp the start: whatever is created while we list is caught next time.
        let started = jiff::Timestamp::now();
        let metas = self
            .with_store(|s| {
                Ok((
                    s.newest_created_at()?,
                    s.meta("last_full_sync")?,
                    s.meta("last_full_sync_secs")?,
                ))
            })
            .await;
        let (newest, last_full, took) = metas.unwrap_or_default();
        let full_due = full_listing_due(
            started.as_second(),
            last_full
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| t.as_second()),
            took.and_then(|t| t.parse().ok()),
        );
        let result = Lane::Background
            .scope(async {
                let incremental = match newest.filter(|_| !full_due) {
                    Some(since) => self.sync_since(&since, focus, progress).await,
                    None => Ok(None),
                };
                match incremental {
                    Ok(Some(n)) => Ok(n),
                    // No incremental listing here, or a full sync is due.
                    Ok(None) => self.sync_full(started, progress).await,
                    Err(e) => Err(e),
                }
            })
            .await;
        self.save_references().await;
        match result {
            Ok(n) => {
                report.fetched = Some(n);
                let stamp = started.to_string();
                if let Err(e) = self
                    .with_store(move |s| s.set_meta("last_sync", &stamp))
                    .await
                {
                    report.error = Some(e);
                }
            }
            Err(e) => report.error = Some(e),
        }
        report
    }

    /// Everyone, page by page: each page is cached as it arrives (the list
    /// fills during a first sync), and whoever the listing did not see is
    /// dropped at the end.
    async fn sync_full(
        &self,
        started: jiff::Timestamp,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<usize, BackendError> {
        // Tags, organisations and note categories first, so the people
        // arrive with names; a failure here only costs names.
        if let Err(e) = self.backend.refresh_references().await {
            if matches!(e, BackendError::Unauthorized(_)) {
                return Err(e);
            }
            tracing::warn!("sync: reference data not refreshed: {e}");
        }
        self.save_references().await;
        let query = ListQuery {
            search: None,
            include_archived: true,
        };
        let mut cursor = None;
        let mut seen: Vec<String> = Vec::new();
        loop {
            let page = self.backend.list_page(&query, cursor).await?;
            let ids: Vec<String> = page.people.iter().map(|p| p.id.clone()).collect();
            seen.extend(ids.iter().cloned());
            let people = page.people;
            self.with_store(move |s| s.insert_or_refresh(&people))
                .await?;
            ReadLog::mark(&self.reads.people, ids);
            self.save_references().await;
            progress(seen.len(), page.total);
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let n = seen.len();
        let stamp = started.to_string();
        let took = (jiff::Timestamp::now().as_second() - started.as_second()).to_string();
        self.with_store(move |s| {
            s.forget_unseen(&seen)?;
            s.set_meta("last_full_sync", &stamp)?;
            s.set_meta("last_full_sync_secs", &took)
        })
        .await?;
        Ok(n)
    }

    /// The people on screen, then everyone created since `since` (the
    /// newest creation time already cached).
    /// `Ok(None)` when the backend cannot list by creation time.
    async fn sync_since(
        &self,
        since: &str,
        focus: &[String],
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<Option<usize>, BackendError> {
        // What the user is looking at gets the request budget first.
        for id in focus.iter().take(FOCUS_REFRESH_MAX) {
            match self.backend.get_person(id).await {
                Ok(person) => {
                    ReadLog::mark(&self.reads.people, [person.id.clone()]);
                    self.with_store(move |s| s.insert_or_refresh(&[person]))
                        .await?;
                }
                Err(BackendError::NotFound(_)) => {
                    self.reads.forget(id);
                    let id = id.clone();
                    self.with_store(move |s| s.forget_unless_pending(&id))
                        .await?;
                }
                Err(e) => return Err(e),
            }
        }
        let mut page = match self.backend.list_created_after(since, None).await? {
            Some(page) => page,
            None => return Ok(None),
        };
        let mut fetched = 0;
        loop {
            fetched += page.people.len();
            let people = std::mem::take(&mut page.people);
            ReadLog::mark(&self.reads.people, people.iter().map(|p| p.id.clone()));
            self.with_store(move |s| s.insert_or_refresh(&people))
                .await?;
            progress(fetched, page.total);
            match page.next {
                Some(next) => match self.backend.list_created_after(since, Some(next)).await? {
                    Some(p) => page = p,
                    None => break,
                },
                None => break,
            }
        }
        Ok(Some(fetched))
    }

    /// The cached record and notes (flagged first, newest first), without
    /// the network; `None` when the person is not cached. What the detail
    /// pane shows at once, before [`Client::load_detail`] answers.
    pub async fn cached_detail(
        &self,
        id: &str,
    ) -> Result<Option<(Person, Vec<Note>)>, BackendError> {
        let key = id.to_string();
        let (person, mut notes) = self
            .with_store(move |s| Ok((s.get_person(&key)?, s.notes_for(&key)?)))
            .await?;
        sort_notes(&mut notes);
        Ok(person.map(|p| (p, notes)))
    }

    /// Whether [`Client::load_detail`] would answer from the cache without
    /// asking the server (read moments ago, or a write to it is queued).
    pub fn detail_is_fresh(&self, id: &str) -> bool {
        ReadLog::fresh(&self.reads.people, id) && ReadLog::fresh(&self.reads.notes, id)
    }

    /// The full record and notes (flagged first, newest first). Remote
    /// profiles re-read what was not read within [`DETAIL_FRESH`] (the
    /// record, the notes, or both), keep the cached copy while a write to
    /// it is queued, and fall back to the cache when offline.
    pub async fn load_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        if !self.path.caches() {
            return self.fetch_detail(id).await;
        }
        let key = id.to_string();
        let cached = self
            .with_store(move |s| {
                let pending = s.load_pending_for(&key)?;
                Ok((s.get_person(&key)?, s.notes_for(&key)?, pending))
            })
            .await?;
        if let (Some(person), notes, true) = &cached {
            return Ok((person.clone(), notes.clone()));
        }
        let person_fresh = ReadLog::fresh(&self.reads.people, id);
        let notes_fresh = ReadLog::fresh(&self.reads.notes, id);
        let fetched = match (&cached.0, person_fresh, notes_fresh) {
            (Some(p), true, true) => return Ok((p.clone(), cached.1.clone())),
            (Some(p), true, false) => self.fetch_notes(id).await.map(|notes| (p.clone(), notes)),
            _ => self.fetch_detail(id).await,
        };
        self.save_references().await;
        match fetched {
            Ok((person, notes)) => {
                ReadLog::mark(&self.reads.people, [id.to_string()]);
                ReadLog::mark(&self.reads.notes, [id.to_string()]);
                let (p, n) = (person.clone(), notes.clone());
                self.with_store(move |s| {
                    // A write queued while we read wins over what we read.
                    if !s.load_pending_for(&p.id)? {
                        s.upsert_person(&p)?;
                        s.replace_notes(&p.id, &n)?;
                    }
                    Ok(())
                })
                .await?;
                Ok((person, notes))
            }
            // Offline, or the key unreadable (nothing was asked of the
            // server): the cache's copy, so a write can still be queued.
            Err(e) if e.is_transient() || self.backend.secret_unreadable() => match cached {
                (Some(person), notes, _) => Ok((person, notes)),
                _ => Err(e),
            },
            Err(e) => {
                if matches!(e, BackendError::NotFound(_)) {
                    self.reads.forget(id);
                }
                Err(e)
            }
        }
    }

    async fn fetch_notes(&self, id: &str) -> Result<Vec<Note>, BackendError> {
        let mut notes = if self.backend.capabilities().notes {
            self.backend.list_notes(id).await?
        } else {
            Vec::new()
        };
        for n in &mut notes {
            n.person_id = id.to_string();
        }
        sort_notes(&mut notes);
        Ok(notes)
    }

    async fn fetch_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        let person = self.backend.get_person(id).await?;
        let notes = self.fetch_notes(id).await?;
        Ok((person, notes))
    }

    /// Ask the server too (first page only): people it knows that the cache
    /// does not yet are stored, so local search finds them. Returns how many.
    pub async fn server_search(&self, text: &str) -> Result<usize, BackendError> {
        if !self.path.caches() || !self.backend.capabilities().server_search {
            return Ok(0);
        }
        let query = ListQuery {
            search: Some(text.to_string()),
            include_archived: false,
        };
        let page = self.backend.list_page(&query, None).await?;
        self.save_references().await;
        let people = page.people;
        self.with_store(move |s| s.insert_missing(&people)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_listings_run_as_often_as_a_quarter_of_the_budget_allows() {
        let min = 60;
        assert!(
            full_listing_due(1000, None, None),
            "the first sync lists everyone"
        );
        assert!(
            !full_listing_due(14 * min, Some(0), Some(60)),
            "within 15 minutes"
        );
        assert!(
            full_listing_due(15 * min, Some(0), Some(60)),
            "a one-minute listing, 15 minutes on"
        );
        // A listing of 10,000 people takes about 20 minutes at 20 a minute.
        assert!(!full_listing_due(60 * min, Some(0), Some(20 * min)));
        assert!(full_listing_due(80 * min, Some(0), Some(20 * min)));
        // And at least daily, however long it took.
        assert!(full_listing_due(
            24 * 60 * min,
            Some(0),
            Some(10 * 60 * min)
        ));
    }
}
