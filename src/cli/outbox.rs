//! `rolo outbox list|retry|drop`: the queued changes of a remote profile,
//! each with its person, what it changes, when it was queued, where it
//! stands and the server's words; send a refused one again, or drop it
//! (the cache then gets the server's version back).

use super::Format;
use super::exit::{CliError, Exit, io, usage};
use super::output::json_line;
use crate::client::Client;
use crate::outbox::{EntryState, OutboxEntry};
use crate::sanitize::for_display;
use clap::Subcommand;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Every queued change, oldest first.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Send refused (or conflicted) changes again: one by number, or all.
    Retry {
        #[arg(required_unless_present = "all")]
        seq: Option<i64>,
        #[arg(long, conflicts_with = "seq")]
        all: bool,
    },
    /// Drop a queued change for good; the cache gets the server's version back.
    Drop { seq: i64 },
}

/// One queued change as `--format json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryOut<'a> {
    seq: i64,
    person_id: &'a str,
    person: &'a str,
    action: String,
    changes: Vec<String>,
    queued_at: &'a str,
    state: &'static str,
    /// The change it waits behind, when blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    behind: Option<i64>,
    attempts: u32,
    error: Option<&'a str>,
    maybe_sent: bool,
}

impl<'a> From<&'a OutboxEntry> for EntryOut<'a> {
    fn from(e: &'a OutboxEntry) -> Self {
        EntryOut {
            seq: e.seq,
            person_id: &e.person_id,
            person: &e.person_name,
            action: e.op.action().to_string(),
            changes: e.op.changes(),
            queued_at: &e.queued_at,
            state: e.state.label(),
            behind: match e.state {
                EntryState::Blocked { behind } => Some(behind),
                _ => None,
            },
            attempts: e.attempts,
            error: e.error.as_deref(),
            maybe_sent: e.maybe_sent,
        }
    }
}

pub(super) async fn run(
    client: &Client,
    command: OutboxCommand,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if !client.is_remote() {
        return match command {
            OutboxCommand::List {
                format: Format::Json,
            } => json_line(&[(); 0], out),
            OutboxCommand::List { .. } => writeln!(
                out,
                "the local workspace writes straight to its database; nothing is queued"
            )
            .map_err(io),
            _ => Err(usage("the local workspace has no outbox")),
        };
    }
    match command {
        OutboxCommand::List { format } => {
            let entries = client.outbox().await?;
            match format {
                Format::Json => {
                    let rows: Vec<EntryOut> = entries.iter().map(EntryOut::from).collect();
                    json_line(&rows, out)
                }
                Format::Csv => Err(usage("rolo outbox list prints a table or JSON")),
                Format::Table => print_table(&entries, out),
            }
        }
        OutboxCommand::Retry { seq, all } => {
            let targets: Vec<i64> = match (seq, all) {
                (Some(seq), _) => vec![seq],
                (None, _) => client
                    .outbox()
                    .await?
                    .iter()
                    .filter(|e| matches!(e.state, EntryState::Refused | EntryState::Conflict))
                    .map(|e| e.seq)
                    .collect(),
            };
            for seq in &targets {
                client.retry_op(*seq).await?;
            }
            let report = client.flush().await;
            for sent in &report.sent {
                writeln!(out, "sent: {}", for_display(sent)).map_err(io)?;
            }
            let left = client.outbox().await?;
            let still: Vec<&OutboxEntry> =
                left.iter().filter(|e| targets.contains(&e.seq)).collect();
            if still.is_empty() {
                return Ok(());
            }
            print_table(&left, out)?;
            Err(waiting(&still))
        }
        OutboxCommand::Drop { seq } => {
            let settled = client.drop_op(seq).await?;
            writeln!(out, "dropped #{seq}").map_err(io)?;
            for other in &settled.also_dropped {
                writeln!(out, "dropped #{other} (it could only follow #{seq})").map_err(io)?;
            }
            if settled.forgotten {
                writeln!(
                    out,
                    "the server no longer has this person; removed from the cache"
                )
                .map_err(io)?;
            } else if settled.restored {
                writeln!(out, "the cache shows the server's version again").map_err(io)?;
            }
            Ok(())
        }
    }
}

/// Why changes the user asked about are still queued, as an exit code.
fn waiting(still: &[&OutboxEntry]) -> CliError {
    let conflict = still.iter().any(|e| e.state == EntryState::Conflict);
    CliError {
        exit: if conflict {
            Exit::Conflict
        } else {
            Exit::Invalid
        },
        message: format!(
            "{} change(s) still wait: {}",
            still.len(),
            still
                .iter()
                .map(|e| format!("#{} {}", e.seq, e.state.label()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn print_table(entries: &[OutboxEntry], out: &mut dyn Write) -> Result<(), CliError> {
    if entries.is_empty() {
        return writeln!(out, "nothing queued").map_err(io);
    }
    writeln!(out, "#\tstate\tperson\tchange\tqueued\twhy").map_err(io)?;
    for e in entries {
        let state = match e.state {
            EntryState::Blocked { behind } => format!("blocked by #{behind}"),
            other => other.label().to_string(),
        };
        let changes = e.op.changes().join(", ");
        let change = if changes.is_empty() {
            e.op.action().to_string()
        } else {
            format!("{} ({changes})", e.op.action())
        };
        let queued = e
            .queued_at
            .get(..16)
            .unwrap_or(&e.queued_at)
            .replace('T', " ");
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.seq,
            state,
            for_display(&e.person_name),
            for_display(&change),
            queued,
            for_display(e.error.as_deref().unwrap_or(""))
        )
        .map_err(io)?;
    }
    Ok(())
}
