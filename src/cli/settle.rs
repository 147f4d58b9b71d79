//! What became of a write: for a remote profile, send the writes a command
//! just queued and say plainly whether they were sent, refused, in conflict
//! or still queued.

use super::exit::{CliError, Exit, io};
use crate::client::Client;
use crate::outbox::EntryState;
use crate::sanitize::for_display;
use std::io::Write;

/// The line a write accepted into the outbox but not sent now ends with.
pub const QUEUED: &str = "queued: will be sent by rolo sync or the next start";

/// How long a command waits for another rolo process that is sending
/// the person's earlier changes, before it leaves its own queued.
const WAIT_FOR_OTHERS: std::time::Duration = std::time::Duration::from_secs(20);

/// What became of a write after [`settle`].
pub(super) struct Settled {
    /// Still queued, with why it could not be sent now.
    queued: Option<String>,
}

/// For a remote profile, send the writes just queued for `person` and say
/// plainly what became of them. Queued but not sent now (offline, rate
/// limited, the server down, another rolo sending them) is success: the
/// write is on disk and will be sent. Refused, or waiting behind an earlier
/// change the server refused: exit 4, kept. In conflict, or behind one, or
/// a duplicate of an existing person: exit 7.
pub(super) async fn settle(client: &Client, person: &str) -> Result<Settled, CliError> {
    if !client.is_remote() {
        return Ok(Settled { queued: None });
    }
    let mine: Vec<i64> = client
        .outbox()
        .await?
        .iter()
        .filter(|e| e.person_id == person)
        .map(|e| e.seq)
        .collect();
    let report = client.flush_until_settled(&mine, WAIT_FOR_OTHERS).await;
    if let Some(d) = report.duplicates.iter().find(|d| d.local_id == person) {
        return Err(CliError {
            exit: Exit::Conflict,
            message: format!(
                "not created: {} (the existing person is {}: `rolo show {}`)",
                d.message, d.existing_id, d.existing_id
            ),
        });
    }
    let entries = client.outbox().await?;
    let Some(last) = entries.iter().rev().find(|e| mine.contains(&e.seq)) else {
        return Ok(Settled { queued: None });
    };
    let words = |seq: i64| {
        entries
            .iter()
            .find(|e| e.seq == seq)
            .and_then(|e| e.error.clone())
            .unwrap_or_default()
    };
    let seq = last.seq;
    let queued = |why: String| {
        Ok(Settled {
            queued: Some(format!("{QUEUED} (#{seq}; not sent now: {why})")),
        })
    };
    match last.state {
        // `words` carry whose they are: the server's ("invalid: …") or
        // rolo's own ("rolo: …").
        EntryState::Refused => Err(CliError {
            exit: Exit::Invalid,
            message: format!(
                "refused, kept in the outbox as #{seq}: {}; fix it and `rolo outbox retry {seq}`, or `rolo outbox drop {seq}`",
                words(seq)
            ),
        }),
        EntryState::Conflict => Err(CliError {
            exit: Exit::Conflict,
            message: format!(
                "conflict: the record changed on the server since it was read; your edit is kept as #{seq} (run `rolo` to choose per field, or `rolo sync` to retry)"
            ),
        }),
        EntryState::Blocked { behind } => {
            let conflict = entries
                .iter()
                .any(|e| e.seq == behind && e.state == EntryState::Conflict);
            Err(CliError {
                exit: if conflict {
                    Exit::Conflict
                } else {
                    Exit::Invalid
                },
                message: format!(
                    "queued as #{seq}, but it waits behind #{behind}, which {}: {}; settle #{behind} first (`rolo outbox list`)",
                    if conflict {
                        "is in conflict with the server"
                    } else {
                        "was refused"
                    },
                    words(behind)
                ),
            })
        }
        EntryState::Sending => queued("another rolo is sending this person's changes".into()),
        EntryState::Pending => queued(
            last.error
                .clone()
                .or(report.stopped.clone())
                .unwrap_or_else(|| "not sent yet".into()),
        ),
    }
}

/// Tell the user a write waits in the outbox.
pub(super) fn say_queued(settled: &Settled, err: &mut dyn Write) -> Result<(), CliError> {
    match &settled.queued {
        Some(line) => writeln!(err, "rolo: {}", for_display(line)).map_err(io),
        None => Ok(()),
    }
}
