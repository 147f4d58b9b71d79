//! The scriptable CLI: the same workspace as the TUI, no terminal UI.
//! Output is a table for people, or one normalised JSON/CSV shape for every
//! backend. Errors go to stderr with exit codes scripts can test.

use crate::backend::{BackendError, EnrichOutcome, ListQuery};
use crate::client::Client;
use crate::model::{Note, Person, Phone};
use crate::outbox::EntryState;
use crate::sanitize::for_display;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Write;

mod outbox;
mod output;
mod set;
mod sync;

pub use outbox::OutboxCommand;
use output::*;
pub use output::{NoteOut, PersonOut};
use set::apply_set;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List people (all pages), optionally filtered by the server's search.
    List {
        #[arg(long, short)]
        query: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show one person with their notes.
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Create a person.
    Add {
        #[arg(long)]
        family_name: String,
        #[arg(long)]
        given_name: Option<String>,
        #[arg(long = "email")]
        emails: Vec<String>,
        #[arg(long = "phone")]
        phones: Vec<String>,
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        job_title: Option<String>,
    },
    /// Change fields: --set familyName=Doe --set emails=a@x.com,b@y.com --set custom.tier=gold
    Edit {
        id: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        sets: Vec<String>,
    },
    /// Notes of a person.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Send queued changes, then refresh the cache from the server (remote profiles).
    Sync,
    /// See and settle queued changes: list, retry, drop (remote profiles).
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Enrich a person: offline proposals (local), a server job (Introzy) or a lookup (Rhythm).
    Enrich {
        id: String,
        /// Wait for an asynchronous job to finish.
        #[arg(long)]
        wait: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    List {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    Add {
        id: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        title: Option<String>,
    },
    Flag {
        id: String,
        note_id: String,
        /// Remove the flag instead.
        #[arg(long)]
        off: bool,
    },
}
/// A CLI failure with its exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl From<BackendError> for CliError {
    fn from(e: BackendError) -> Self {
        CliError {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

fn usage(message: impl Into<String>) -> CliError {
    CliError {
        code: 2,
        message: message.into(),
    }
}

fn io(e: std::io::Error) -> CliError {
    // A reader that stopped early (`| head`) is not an error.
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CliError {
            code: 0,
            message: String::new(),
        };
    }
    CliError {
        code: 74,
        message: e.to_string(),
    }
}

/// How long a command waits for another rolo process that is sending
/// the person's earlier changes, before it leaves its own queued.
const WAIT_FOR_OTHERS: std::time::Duration = std::time::Duration::from_secs(20);

/// For a remote profile, send the write just queued for `person` and say
/// plainly what became of it: sent (Ok, with the server ids of records
/// created offline); refused, or waiting behind an earlier change the
/// server refused (exit 4); in conflict, or behind one (exit 7); a
/// duplicate of an existing person (exit 4, naming it); out of reach
/// (exit 5, queued for `rolo sync`).
async fn settle(client: &Client, person: &str) -> Result<Vec<(String, String)>, CliError> {
    if !client.is_remote() {
        return Ok(Vec::new());
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
            code: 4,
            message: format!(
                "not created: {} (the existing person is {}: `rolo show {}`)",
                d.message, d.existing_id, d.existing_id
            ),
        });
    }
    let entries = client.outbox().await?;
    let Some(last) = entries.iter().rev().find(|e| mine.contains(&e.seq)) else {
        return Ok(report.created);
    };
    let words = |seq: i64| {
        entries
            .iter()
            .find(|e| e.seq == seq)
            .and_then(|e| e.error.clone())
            .unwrap_or_default()
    };
    let seq = last.seq;
    Err(match last.state {
        EntryState::Refused => CliError {
            code: 4,
            message: format!(
                "the server refused the change (kept as #{seq}): {}; fix it and `rolo outbox retry {seq}`, or `rolo outbox drop {seq}`",
                words(seq)
            ),
        },
        EntryState::Conflict => CliError {
            code: 7,
            message: format!(
                "conflict: the record changed on the server since it was read; your edit is kept as #{seq} (run `rolo` to choose per field, or `rolo sync` to retry)"
            ),
        },
        EntryState::Blocked { behind } => {
            let conflict = entries
                .iter()
                .any(|e| e.seq == behind && e.state == EntryState::Conflict);
            CliError {
                code: if conflict { 7 } else { 4 },
                message: format!(
                    "queued as #{seq}, but it waits behind #{behind}, which {}: {}; settle #{behind} first (`rolo outbox list`)",
                    if conflict {
                        "is in conflict with the server"
                    } else {
                        "the server refused"
                    },
                    words(behind)
                ),
            }
        }
        EntryState::Sending => CliError {
            code: 5,
            message: format!(
                "queued as #{seq}; another rolo is sending this person's changes and will send it"
            ),
        },
        EntryState::Pending => CliError {
            code: 5,
            message: format!(
                "{}; the change is queued and `rolo sync` will send it",
                last.error
                    .clone()
                    .or(report.stopped)
                    .unwrap_or_else(|| "not sent yet".into())
            ),
        },
    })
}

/// Run one command, writing results to `out`.
pub async fn run(client: &Client, command: Command, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        Command::Sync => sync::sync(client, out).await,
        Command::Outbox(command) => outbox::run(client, command, out).await,
        Command::List {
            query,
            limit,
            format,
        } => {
            let q = ListQuery {
                search: query,
                include_archived: false,
            };
            let mut people = client.backend().list_all(&q, &mut |_, _| {}).await?;
            if let Some(n) = limit {
                people.truncate(n);
            }
            print_people(&people, format, out)
        }
        Command::Show { id, format } => {
            let (person, notes) = client.load_detail(&id).await?;
            match format {
                Format::Json => {
                    #[derive(Serialize)]
                    struct Shown {
                        #[serde(flatten)]
                        person: PersonOut,
                        notes: Vec<NoteOut>,
                    }
                    let shown = Shown {
                        person: PersonOut::from(&person),
                        notes: notes.iter().map(NoteOut::from).collect(),
                    };
                    json_line(&shown, out)
                }
                Format::Csv => print_people(&[person], Format::Csv, out),
                Format::Table => print_person_table(&person, &notes, out),
            }
        }
        Command::Add {
            family_name,
            given_name,
            emails,
            phones,
            company,
            job_title,
        } => {
            let person = Person {
                family_name,
                given_name: given_name.unwrap_or_default(),
                emails,
                phones: phones
                    .into_iter()
                    .map(|number| Phone {
                        number,
                        kind: String::new(),
                    })
                    .collect(),
                company: company.unwrap_or_default(),
                job_title: job_title.unwrap_or_default(),
                ..Default::default()
            };
            let violations = crate::model::validate_person(&person, &client.capabilities());
            if !violations.is_empty() {
                return Err(BackendError::Validation(violations).into());
            }
            let saved = client.save_person(None, &person).await?;
            settle(client, &saved.id).await?;
            let id = client.server_id(&saved.id).await.unwrap_or(saved.id);
            writeln!(out, "{id}").map_err(io)
        }
        Command::Edit { id, sets } => {
            // From the server, or from the cache when it is out of reach.
            let (base, _) = client.load_detail(&id).await?;
            let mut edited = base.clone();
            for set in &sets {
                apply_set(&mut edited, set)?;
            }
            let violations = crate::model::validate_person(&edited, &client.capabilities());
            if !violations.is_empty() {
                return Err(BackendError::Validation(violations).into());
            }
            let saved = client.save_person(Some(&base), &edited.normalize()).await?;
            settle(client, &saved.id).await?;
            let saved = if client.is_remote() {
                client
                    .load_detail(&saved.id)
                    .await
                    .map(|(p, _)| p)
                    .unwrap_or(saved)
            } else {
                saved
            };
            json_line(&PersonOut::from(&saved), out)
        }
        Command::Note(NoteCommand::List { id, format }) => {
            let (_, notes) = client.load_detail(&id).await?;
            match format {
                Format::Json => {
                    json_line(&notes.iter().map(NoteOut::from).collect::<Vec<_>>(), out)
                }
                Format::Csv => {
                    let mut w = csv::Writer::from_writer(out);
                    for n in &notes {
                        w.serialize(NoteOut::from(n))
                            .map_err(|e| usage(e.to_string()))?;
                    }
                    w.flush().map_err(io)
                }
                Format::Table => {
                    for n in &notes {
                        writeln!(
                            out,
                            "{}\t{}\t{}\t{}",
                            for_display(&n.id),
                            if n.flagged { "⚑" } else { " " },
                            for_display(n.created_at.as_deref().unwrap_or("")),
                            for_display(note_label(n))
                        )
                        .map_err(io)?;
                    }
                    Ok(())
                }
            }
        }
        Command::Note(NoteCommand::Add { id, text, title }) => {
            let caps = client.capabilities();
            if !caps.notes {
                return Err(
                    BackendError::Unsupported(format!("{} has no notes", client.kind())).into(),
                );
            }
            let note = Note {
                person_id: id.clone(),
                title: title.unwrap_or_default(),
                text,
                ..Default::default()
            };
            let saved = client.save_note(&id, &note).await?;
            settle(client, &saved.person_id).await?;
            // The server's id for the note, never a look-up by its text
            // (an earlier note may say the same).
            let note_id = client.server_id(&saved.id).await.unwrap_or(saved.id);
            writeln!(out, "{note_id}").map_err(io)
        }
        Command::Note(NoteCommand::Flag { id, note_id, off }) => {
            if !client.capabilities().flag_notes {
                return Err(BackendError::Unsupported(format!(
                    "{} cannot flag notes",
                    client.kind()
                ))
                .into());
            }
            let saved = client.flag_note(&id, &note_id, !off).await?;
            settle(client, &saved.person_id).await?;
            json_line(&NoteOut::from(&saved), out)
        }
        Command::Enrich { id, wait: _ } => {
            // Adapters with an asynchronous job poll until it finishes (bounded).
            let person = client.backend().get_person(&id).await?;
            match client.enrich(&person).await? {
                EnrichOutcome::Proposals(props) => {
                    if props.is_empty() {
                        writeln!(out, "nothing to propose").map_err(io)?;
                    }
                    for p in props {
                        writeln!(
                            out,
                            "{}\t{}\t→ {}",
                            for_display(&p.field),
                            for_display(if p.current.is_empty() {
                                "(empty)"
                            } else {
                                &p.current
                            }),
                            for_display(&p.proposed)
                        )
                        .map_err(io)?;
                    }
                    Ok(())
                }
                EnrichOutcome::Changed { person, changed } => {
                    writeln!(out, "changed: {}", changed.join(", ")).map_err(io)?;
                    json_line(&PersonOut::from(&person), out)
                }
            }
        }
    }
}
