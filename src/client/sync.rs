//! Reading from the server into the cache: full and incremental syncs, the
//! detail of one person, and server search. Writes live in the parent
//! module and [`super::flush`].

use super::{Client, FOCUS_REFRESH_MAX, FULL_SYNC_EVERY, SyncReport};
use crate::backend::{BackendError, ListQuery};
use crate::model::{Note, Person, sort_notes};

impl Client {
    /// Send queued writes, then fetch everyone into the cache.
    /// `progress(done, total)` after each page.
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
        if !self.remote {
            return report;
        }
        report.flushed = self.flush().await;
        // Stamp the start: whatever is created while we list is caught next time.
        let started = jiff::Timestamp::now();
        let metas = self
            .with_store(|s| Ok((s.newest_created_at()?, s.meta("last_full_sync")?)))
            .await;
        let (newest, last_full) = metas.unwrap_or_default();
        let full_due = match last_full.and_then(|t| t.parse::<jiff::Timestamp>().ok()) {
            Some(at) => started.as_second() - at.as_second() > FULL_SYNC_EVERY.as_secs() as i64,
            None => true,
        };
        let result = match newest.filter(|_| !full_due) {
            Some(since) => self.sync_since(&since, focus, progress).await,
            None => Ok(None),
        };
        let result = match result {
            Ok(Some(n)) => Ok(n),
            // No incremental listing here, or a full sync is due.
            Ok(None) => self.sync_full(started, progress).await,
            Err(e) => Err(e),
        };
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

    async fn sync_full(
        &self,
        started: jiff::Timestamp,
        progress: &mut (dyn FnMut(usize, Option<u64>) + Send),
    ) -> Result<usize, BackendError> {
        let query = ListQuery {
            search: None,
            include_archived: true,
        };
        let people = self.backend.list_all(&query, progress).await?;
        let n = people.len();
        let stamp = started.to_string();
        self.with_store(move |s| {
            s.replace_from_server(&people)?;
            s.set_meta("last_full_sync", &stamp)
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
                    self.with_store(move |s| s.insert_or_refresh(&[person]))
                        .await?;
                }
                Err(BackendError::NotFound(_)) => {
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
            progress(fetched, page.total);
            let people = std::mem::take(&mut page.people);
            self.with_store(move |s| s.insert_or_refresh(&people))
                .await?;
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

    /// The full record and notes (flagged first, newest first). Remote
    /// profiles refresh from the server, keep the cached copy while a write
    /// to it is queued, and fall back to the cache when offline.
    pub async fn load_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        if !self.remote {
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
        match self.fetch_detail(id).await {
            Ok((person, notes)) => {
                let (p, n) = (person.clone(), notes.clone());
                self.with_store(move |s| {
                    s.upsert_person(&p)?;
                    s.replace_notes(&p.id, &n)
                })
                .await?;
                Ok((person, notes))
            }
            Err(e) if e.is_transient() => match cached {
                (Some(person), notes, _) => Ok((person, notes)),
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn fetch_detail(&self, id: &str) -> Result<(Person, Vec<Note>), BackendError> {
        let person = self.backend.get_person(id).await?;
        let mut notes = if self.backend.capabilities().notes {
            self.backend.list_notes(id).await?
        } else {
            Vec::new()
        };
        for n in &mut notes {
            n.person_id = id.to_string();
        }
        sort_notes(&mut notes);
        Ok((person, notes))
    }

    /// Ask the server too (first page only): people it knows that the cache
    /// does not yet are stored, so local search finds them. Returns how many.
    pub async fn server_search(&self, text: &str) -> Result<usize, BackendError> {
        if !self.remote || !self.backend.capabilities().server_search {
            return Ok(0);
        }
        let query = ListQuery {
            search: Some(text.to_string()),
            include_archived: false,
        };
        let page = self.backend.list_page(&query, None).await?;
        let people = page.people;
        self.with_store(move |s| s.insert_missing(&people)).await
    }
}
