//! The scriptable CLI: the same workspace as the TUI, no terminal UI.
//! Output is a table for people, or one normalised JSON/CSV shape for every
//! backend. Errors go to stderr with exit codes scripts can test.

use crate::backend::{BackendError, EnrichOutcome, ListQuery};
use crate::client::Client;
use crate::model::field::backend_label;
use crate::model::{Capabilities, Note, Person, Phone};
use crate::outbox::EntryState;
use crate::sanitize::for_display;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Write;

pub mod exit;
mod outbox;
mod output;
mod set;
mod sync;

pub use exit::Exit;
pub use outbox::OutboxCommand;
use output::*;
pub use output::{NoteOut, PersonOut};
use set::EditTarget;

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
    /// Create a person (what is required depends on the backend).
    Add {
        #[arg(long)]
        family_name: Option<String>,
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
    /// (only fields the backend stores; Introzy keeps the address as one line: --set address=…)
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
        /// The note category, by name (RogerRoger requires one).
        #[arg(long)]
        category: Option<String>,
    },
    Flag {
        id: String,
        note_id: String,
        /// Remove the flag instead.
        #[arg(long)]
        off: bool,
    },
}
/// A CLI failure: what happened (the exit code) and what to tell the user.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl From<BackendError> for CliError {
    fn from(e: BackendError) -> Self {
        let message = match &e {
            // rolo's own refusal; main adds the "rolo: " itself.
            BackendError::Unsupported(why) => why.clone(),
            other => other.to_string(),
        };
        CliError {
            exit: exit::for_backend(&e),
            message,
        }
    }
}

fn usage(message: impl Into<String>) -> CliError {
    CliError {
        exit: Exit::Usage,
        message: message.into(),
    }
}

/// rolo refuses something the backend cannot do; nothing was sent or queued.
fn refuse(message: impl Into<String>) -> CliError {
    usage(message)
}

fn internal(message: impl Into<String>) -> CliError {
    CliError {
        exit: Exit::Internal,
        message: message.into(),
    }
}

fn io(e: std::io::Error) -> CliError {
    // A reader that stopped early (`| head`) is not an error.
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CliError {
            exit: Exit::Ok,
            message: String::new(),
        };
    }
    CliError {
        exit: Exit::Io,
        message: e.to_string(),
    }
}

/// A write that failed before anything was queued says so: the user must
/// not wonder whether `rolo sync` will still send it.
fn not_done(e: BackendError) -> CliError {
    let mut err = CliError::from(e);
    if matches!(
        err.exit,
        Exit::Unavailable | Exit::Io | Exit::Damaged | Exit::Locked
    ) {
        err.message.push_str("; nothing was changed or queued");
    }
    err
}

/// The line a write accepted into the outbox but not sent now ends with.
pub const QUEUED: &str = "queued: will be sent by rolo sync or the next start";

/// How long a command waits for another rolo process that is sending
/// the person's earlier changes, before it leaves its own queued.
const WAIT_FOR_OTHERS: std::time::Duration = std::time::Duration::from_secs(20);

/// What became of a write after [`settle`].
struct Settled {
    /// Still queued, with why it could not be sent now.
    queued: Option<String>,
}

/// For a remote profile, send the writes just queued for `person` and say
/// plainly what became of them. Queued but not sent now (offline, rate
/// limited, the server down, another rolo sending them) is success: the
/// write is on disk and will be sent. Refused, or waiting behind an earlier
/// change the server refused: exit 4, kept. In conflict, or behind one, or
/// a duplicate of an existing person: exit 7.
async fn settle(client: &Client, person: &str) -> Result<Settled, CliError> {
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
fn say_queued(settled: &Settled, err: &mut dyn Write) -> Result<(), CliError> {
    match &settled.queued {
        Some(line) => writeln!(err, "rolo: {}", for_display(line)).map_err(io),
        None => Ok(()),
    }
}

/// The cached copy of a person (for remote profiles, what the last flush
/// stored): read without another round trip to a server that may be slow.
async fn cached_person(client: &Client, id: &str) -> Option<Person> {
    let key = id.to_string();
    client
        .with_store(move |s| s.get_person(&key))
        .await
        .ok()
        .flatten()
}

fn edit_target<'a>(
    client: &'a Client,
    caps: &'a Capabilities,
    defs: &'a [crate::model::CustomFieldDef],
) -> EditTarget<'a> {
    EditTarget {
        caps,
        kind: client.kind(),
        defs,
    }
}

/// Run one command: results to `out`, notices (queued writes) to `err`.
pub async fn run(
    client: &Client,
    command: Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let caps = client.capabilities();
    let backend = backend_label(client.kind());
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
                family_name: family_name.unwrap_or_default(),
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
            edit_target(client, &caps, &[]).refuse_unstored(&Person::default(), &person)?;
            let violations = crate::model::validate_person(&person, &caps);
            if !violations.is_empty() {
                return Err(BackendError::Validation(violations).into());
            }
            let saved = client.save_person(None, &person).await.map_err(not_done)?;
            let settled = settle(client, &saved.id).await?;
            let id = client.server_id(&saved.id).await.unwrap_or(saved.id);
            writeln!(out, "{}", for_display(&id)).map_err(io)?;
            say_queued(&settled, err)
        }
        Command::Edit { id, sets } => {
            // Typed custom fields need their definitions (Introzy).
            let defs = if sets.iter().any(|s| s.starts_with("custom.")) {
                client.custom_field_defs().await
            } else {
                Vec::new()
            };
            let target = edit_target(client, &caps, &defs);
            // Refuse what the backend cannot store before any network wait.
            for set in &sets {
                let name = set.split_once('=').map_or(set.as_str(), |(n, _)| n);
                target.target(name.trim())?;
            }
            // From the server, or from the cache when it is out of reach.
            let (base, _) = client.load_detail(&id).await.map_err(not_done)?;
            let mut edited = base.clone();
            for set in &sets {
                target.apply(&mut edited, set)?;
            }
            target.refuse_unstored(&base, &edited)?;
            let violations = crate::model::validate_person(&edited, &caps);
            if !violations.is_empty() {
                return Err(BackendError::Validation(violations).into());
            }
            let saved = client
                .save_person(Some(&base), &edited.normalize())
                .await
                .map_err(not_done)?;
            let settled = settle(client, &saved.id).await?;
            let shown = match client.is_remote() {
                true => cached_person(client, &saved.id).await.unwrap_or(saved),
                false => saved,
            };
            json_line(&PersonOut::from(&shown), out)?;
            say_queued(&settled, err)
        }
        Command::Note(NoteCommand::List { id, format }) => {
            let (_, notes) = client.load_detail(&id).await?;
            print_notes(&notes, format, out)
        }
        Command::Note(NoteCommand::Add {
            id,
            text,
            title,
            category,
        }) => {
            if !caps.notes {
                return Err(refuse(format!("{backend} has no notes")));
            }
            if title.is_some() && !caps.note_titles {
                return Err(refuse(format!("{backend} notes have no title")));
            }
            if !caps.multiple_notes {
                let (_, notes) = client.load_detail(&id).await.map_err(not_done)?;
                if !notes.is_empty() {
                    return Err(refuse(format!(
                        "{backend} keeps one note per contact and this one has it already"
                    )));
                }
            }
            let note = Note {
                person_id: id.clone(),
                title: title.unwrap_or_default(),
                text,
                category: category.unwrap_or_default(),
                ..Default::default()
            };
            let saved = client.save_note(&id, &note).await.map_err(not_done)?;
            let settled = settle(client, &saved.person_id).await?;
            // The server's id for the note, never a look-up by its text
            // (an earlier note may say the same).
            let note_id = client.server_id(&saved.id).await.unwrap_or(saved.id);
            writeln!(out, "{}", for_display(&note_id)).map_err(io)?;
            say_queued(&settled, err)
        }
        Command::Note(NoteCommand::Flag { id, note_id, off }) => {
            if !caps.flag_notes {
                return Err(refuse(format!("{backend} cannot flag notes")));
            }
            let saved = client
                .flag_note(&id, &note_id, !off)
                .await
                .map_err(not_done)?;
            let settled = settle(client, &saved.person_id).await?;
            json_line(&NoteOut::from(&saved), out)?;
            say_queued(&settled, err)
        }
        Command::Enrich { id, wait: _ } => {
            if caps.enrich.is_none() {
                return Err(refuse(format!("{backend} offers no enrichment")));
            }
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
                    writeln!(out, "changed: {}", for_display(&changed.join(", "))).map_err(io)?;
                    json_line(&PersonOut::from(&person), out)
                }
            }
        }
    }
}
