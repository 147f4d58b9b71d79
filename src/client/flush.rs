//! Sending the outbox: oldest first, one person's writes in order, each op
//! claimed in SQLite so that of several rolo processes on one cache exactly
//! one sends it (see `store::outbox`). What happens to one op is decided in
//! [`super::deliver`].
//!
//! A failure that concerns one op (an unclear reply, a 5xx) sets its
//! person aside for this flush and the others go on; three in a row, or a
//! sign that the server wants nothing now (429, 401), stops the flush.

use super::Client;
use super::deliver::{self, Duplicate, Step};
use super::lease::{Owner, now_ms};
use crate::outbox::{EntryState, OutboxEntry};
use crate::store::ClaimRequest;

/// What one flush did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlushReport {
    /// Descriptions of the ops that reached the server.
    pub sent: Vec<String>,
    /// Edits the server changed underneath (now or earlier); they wait for
    /// the user.
    pub conflicts: Vec<i64>,
    /// Ops the server refused in this flush, with its words; kept, not
    /// dropped, until the user retries, edits or drops them.
    pub failed: Vec<(i64, String)>,
    /// Ops still queued after this flush.
    pub remaining: usize,
    /// Records created offline that the server has now named: (local, server).
    pub created: Vec<(String, String)>,
    /// Why sending stopped early (offline, rate limited, server down).
    pub stopped: Option<String>,
    /// Creates the server refused as duplicates of records it has.
    pub duplicates: Vec<Duplicate>,
    /// Ops refused (now or earlier) that wait for the user.
    pub refused: usize,
    /// Ops that wait behind a refused or conflicted op of the same person.
    pub blocked: usize,
    /// Ops another rolo process is sending right now.
    pub elsewhere: usize,
}

impl FlushReport {
    /// Something waits for the user (a refusal, a conflict, or an op
    /// behind one): `rolo sync` must not report success.
    pub fn needs_user(&self) -> bool {
        self.refused > 0 || !self.conflicts.is_empty() || self.blocked > 0
    }
}

/// Failures in a row that mean the server is out of reach for now.
const GIVE_UP_AFTER: usize = 3;

pub(crate) async fn flush(client: &Client) -> FlushReport {
    let mut report = FlushReport::default();
    // People whose op did not get through this time: their later ops wait.
    let mut skip: Vec<String> = Vec::new();
    let mut failures = 0;
    loop {
        let claim = match claim_next(client, &skip).await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                report.stopped = Some(e.to_string());
                break;
            }
        };
        let person = claim.op.person_id().to_string();
        let _renewing = client.keep_claimed(claim.seq);
        match deliver::process(client, claim).await {
            Step::Sent { described, created } => {
                failures = 0;
                report.sent.push(described);
                report.created.extend(created);
            }
            Step::Refused { seq, why } => {
                failures = 0;
                report.failed.push((seq, why));
                skip.push(person);
            }
            Step::Conflict => skip.push(person),
            Step::Duplicate(d) => {
                failures = 0;
                report.duplicates.push(d);
            }
            Step::Retry { why, stop } => {
                failures += 1;
                report.stopped = Some(why);
                skip.push(person);
                if stop || failures >= GIVE_UP_AFTER {
                    break;
                }
            }
            Step::Lost => skip.push(person),
        }
    }
    summarize(client, &mut report).await;
    report
}

async fn claim_next(
    client: &Client,
    skip: &[String],
) -> Result<Option<crate::store::Claim>, crate::backend::BackendError> {
    let owner = client.owner.id().to_string();
    let lease_ms = client.lease.as_millis() as i64;
    let skip = skip.to_vec();
    client
        .with_store(move |s| {
            s.claim_next(&ClaimRequest {
                owner: &owner,
                now_ms: now_ms(),
                lease_ms,
                skip: &skip,
                owner_gone: &Owner::is_gone,
            })
        })
        .await
}

/// Fill in what the outbox holds now: the conflicts still waiting (from
/// this flush or earlier), refusals, what waits behind them, and what
/// another process is sending.
async fn summarize(client: &Client, report: &mut FlushReport) {
    let entries: Vec<OutboxEntry> = match client.with_store(|s| s.entries(now_ms())).await {
        Ok(e) => e,
        Err(e) => {
            report.stopped.get_or_insert(e.to_string());
            return;
        }
    };
    report.remaining = entries.len();
    report.conflicts = entries
        .iter()
        .filter(|e| e.state == EntryState::Conflict)
        .map(|e| e.seq)
        .collect();
    report.refused = entries
        .iter()
        .filter(|e| e.state == EntryState::Refused)
        .count();
    report.blocked = entries
        .iter()
        .filter(|e| matches!(e.state, EntryState::Blocked { .. }))
        .count();
    report.elsewhere = entries
        .iter()
        .filter(|e| e.state == EntryState::Sending)
        .count();
    // Only ops that could still go out make "stopped" news.
    let sendable = entries
        .iter()
        .any(|e| matches!(e.state, EntryState::Pending | EntryState::Sending));
    if !sendable {
        report.stopped = None;
    }
}
