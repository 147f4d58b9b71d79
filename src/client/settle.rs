//! What the user does with the outbox: see each queued change and where it
//! stands, send a refused one again, change it, or drop it. Dropping puts
//! the server's version back in the cache (and a person the server deleted
//! leaves the cache).

use super::Client;
use super::lease::now_ms;
use crate::backend::BackendError;
use crate::outbox::{EntryState, Op, OutboxEntry};
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, BackendError>;

/// What dropping an op did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settled {
    /// Ops dropped with it (they could only follow a dropped create).
    pub also_dropped: Vec<i64>,
    /// The cache now holds the server's version of the person.
    pub restored: bool,
    /// The server no longer has the person; the cache no longer either.
    pub forgotten: bool,
}

impl Client {
    /// Every queued change, oldest first, with where it stands.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        self.with_store(|s| s.entries(now_ms())).await
    }

    /// Send a refused (or conflicted) change again as it is.
    pub async fn retry_op(&self, seq: i64) -> Result<()> {
        match self.with_store(move |s| s.retry_op(seq)).await? {
            true => Ok(()),
            false => Err(no_such(seq)),
        }
    }

    /// Replace a queued change with `op` (the user fixed a refused value);
    /// it must change the same record.
    pub async fn edit_op(&self, seq: i64, op: Op) -> Result<()> {
        let entries = self.outbox().await?;
        let entry = entries
            .iter()
            .find(|e| e.seq == seq)
            .ok_or_else(|| no_such(seq))?;
        let same_target = std::mem::discriminant(&entry.op) == std::mem::discriminant(&op)
            && entry.op.person_id() == op.person_id()
            && entry.op.note_id() == op.note_id();
        if !same_target {
            return Err(BackendError::Unsupported(format!(
                "change #{seq} can only be replaced by the same kind of change to the same record"
            )));
        }
        match &op {
            Op::UpdatePerson { base, edited } => self.check_edit(Some(base), edited)?,
            Op::CreatePerson { person } => self.check_edit(None, person)?,
            _ => {}
        }
        self.with_store(move |s| s.replace_op(seq, &op)).await
    }

    /// Drop a queued change for good. The cache gets the server's version
    /// of the person back (remote profiles, when the server answers; else
    /// the version the change started from, until the next sync).
    pub async fn drop_op(&self, seq: i64) -> Result<Settled> {
        let dropped = self
            .with_store(move |s| s.drop_op(seq))
            .await?
            .ok_or_else(|| no_such(seq))?;
        let mut settled = Settled {
            also_dropped: dropped.also_dropped,
            ..Default::default()
        };
        if let Some(id) = dropped.refresh.filter(|_| self.path.caches()) {
            match self.fetch_for_restore(&id).await {
                Ok((person, notes)) => {
                    self.with_store(move |s| s.restore_person(&person, &notes))
                        .await?;
                    settled.restored = true;
                }
                Err(BackendError::NotFound(_)) => {
                    self.with_store(move |s| s.forget_unless_pending(&id))
                        .await?;
                    settled.forgotten = true;
                }
                // Out of reach or an unreadable reply: the change is
                // dropped all the same; the next sync brings the server's
                // version.
                Err(e) => tracing::info!("outbox: restoring after a drop: {e}"),
            }
        }
        Ok(settled)
    }

    async fn fetch_for_restore(
        &self,
        id: &str,
    ) -> Result<(crate::model::Person, Vec<crate::model::Note>)> {
        let person = self.backend.get_person(id).await?;
        let notes = if self.capabilities().notes {
            self.backend.list_notes(id).await?
        } else {
            Vec::new()
        };
        Ok((person, notes))
    }

    /// Flush until none of `seqs` is waiting for another rolo process, or
    /// until `patience` runs out: a `rolo note add` started while a
    /// `rolo sync` sends that person's earlier notes waits for it (or sends
    /// its note itself once the other is done) instead of leaving its note
    /// behind. An op that failed on its own (the server unreachable, say)
    /// is not waited for.
    pub async fn flush_until_settled(
        &self,
        seqs: &[i64],
        patience: Duration,
    ) -> super::flush::FlushReport {
        let deadline = Instant::now() + patience;
        loop {
            let report = self.flush().await;
            let waiting = match self.outbox().await {
                Ok(entries) => waits_elsewhere(&entries, seqs, report.stopped.is_none()),
                Err(_) => false,
            };
            if !waiting || Instant::now() >= deadline {
                return report;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Whether one of `seqs` is held up only by another process: it is being
/// sent, or an earlier op of its person is, or it is still pending after a
/// flush that failed at nothing (so someone else held it meanwhile).
fn waits_elsewhere(entries: &[OutboxEntry], seqs: &[i64], flush_was_clean: bool) -> bool {
    entries
        .iter()
        .filter(|e| seqs.contains(&e.seq))
        .any(|mine| match mine.state {
            EntryState::Sending => true,
            EntryState::Pending => {
                flush_was_clean
                    || entries.iter().any(|e| {
                        e.seq < mine.seq
                            && e.person_id == mine.person_id
                            && e.state == EntryState::Sending
                    })
            }
            _ => false,
        })
}

fn no_such(seq: i64) -> BackendError {
    BackendError::NotFound(format!("no queued change #{seq} (see `rolo outbox list`)"))
}
