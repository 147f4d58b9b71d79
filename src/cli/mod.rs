//! The scriptable CLI: the same workspace as the TUI, no terminal UI.
//! Output is a table for people, or one normalised JSON/CSV shape for every
//! backend. Errors go to stderr with exit codes scripts can test.

//!
//! One file per command (`list.rs`, `show.rs`, `add.rs`, `edit.rs`,
//! `note.rs`, `sync.rs`, `outbox.rs`, `enrich.rs`), each with its `run`;
//! this file holds the command line and hands each command to its file.
//! What a failure exits with is decided in one place, [`exit::exit_for`].

use crate::client::Client;
use clap::{Subcommand, ValueEnum};
use std::io::Write;

mod add;
mod cached;
mod completions;
mod duplicates;
mod edit;
mod edit_in_editor;
mod enrich;
pub mod exit;
mod export;
mod import;
mod list;
mod merge;
mod note;
mod outbox;
mod output;
mod query;
mod set;
mod settle;
mod show;
mod stream;
mod sync;

pub use completions::Shell;
pub use duplicates::DuplicatesFormat;
pub use exit::{CliError, Exit};
pub use note::NoteCommand;
pub use outbox::OutboxCommand;
pub use output::{NoteOut, PersonOut};
pub use query::QueryFormat;
pub use settle::QUEUED;
pub use stream::write_people;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List people from the store (a remote profile's cache), streamed as read.
    List {
        /// Only people this fuzzy search matches, best first (`tag:vip` filters too).
        #[arg(long, short)]
        query: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Archived people too.
        #[arg(long)]
        archived: bool,
        /// Sync with the server first (remote profiles).
        #[arg(long)]
        refresh: bool,
    },
    /// Show one person with their notes, from the store (a remote profile's cache).
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Read the server's copy first (the cache's when it cannot answer).
        #[arg(long)]
        refresh: bool,
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
    /// (only fields the backend stores; Introzy keeps the address as one line: --set address=…).
    /// Without --set: the person as TOML in $VISUAL or $EDITOR.
    Edit {
        id: String,
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        sets: Vec<String>,
    },
    /// Merge duplicates into SURVIVOR: its value wins where both have one, lists are
    /// unioned, every note moves to it, the others are archived (--delete: deleted where
    /// the backend can). --pick FIELD=N takes record N's value (0 the survivor, 1.. the
    /// others in order); --pick emails=all keeps every record's entries.
    Merge {
        survivor: String,
        #[arg(required = true)]
        others: Vec<String>,
        #[arg(long)]
        delete: bool,
        #[arg(long = "pick", value_name = "FIELD=N")]
        picks: Vec<String>,
    },
    /// Notes of a person.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Email addresses matching STRING, for mail clients (mutt/neomutt query_command, aerc address-book-cmd).
    Query {
        /// Words of a name, an address or a company (accents and case ignored; fuzzy when nothing matches).
        string: String,
        #[arg(long, value_enum, default_value = "mutt")]
        format: query::QueryFormat,
        /// Archived people too.
        #[arg(long)]
        archived: bool,
        /// Sync with the server first (remote profiles).
        #[arg(long)]
        refresh: bool,
    },
    /// Groups of people who look like one person (same email, same phone, similar name at the same company), best first.
    Duplicates {
        #[arg(long, value_enum, default_value = "text")]
        format: duplicates::DuplicatesFormat,
        /// Read numbers without a country code as this country's (NL, US, ...;
        /// default: a person's address country, else the locale's, else US).
        #[arg(long, value_name = "CC")]
        region: Option<String>,
        /// Sync with the server first (remote profiles).
        #[arg(long)]
        refresh: bool,
    },
    /// Send queued changes, then refresh the cache from the server (remote profiles).
    Sync,
    /// See and settle queued changes: list, retry, drop (remote profiles).
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Print a shell completion script: `rolo completions bash > /etc/bash_completion.d/rolo`.
    Completions {
        #[arg(value_enum)]
        shell: completions::Shell,
    },
    /// Print the man page (roff): `rolo man | man -l -`; --dir writes one page per command.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
    /// Enrich a person: offline proposals (local), a server job (Introzy) or a lookup (Rhythm).
    Enrich {
        id: String,
        /// Wait for an asynchronous job to finish.
        #[arg(long)]
        wait: bool,
    },
    /// Import people from vCard 3.0/4.0 or CSV: a file, a directory of them, or - (stdin).
    /// A person already present (same UID, else same email) is updated, never doubled.
    Import { source: String },
    /// Export everyone in the local store (no network) as vCard, CSV or JSON.
    Export {
        #[arg(long, value_enum, default_value = "vcard")]
        format: export::ExportFormat,
        /// Write into this directory (vCard: one UID.vcf per person) instead of stdout.
        #[arg(long = "out", value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
        #[arg(long = "vcard-version", value_enum, default_value = "3.0")]
        version: export::VcardVersion,
        /// Include archived people.
        #[arg(long)]
        archived: bool,
    },
}

impl Command {
    /// Whether the command reads a profile (completions and the man page
    /// do not, and run before any file is opened).
    pub fn needs_workspace(&self) -> bool {
        !matches!(self, Command::Completions { .. } | Command::Man { .. })
    }
}

/// Run a command that needs no workspace, for the command line `root`
/// (`rolo`'s own, global options included).
pub fn run_standalone(
    command: Command,
    root: clap::Command,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        Command::Completions { shell } => completions::completions(shell, root, out),
        Command::Man { dir } => completions::man(root, dir.as_deref(), out),
        _ => Err(exit::internal("this command needs a workspace")),
    }
}

/// Run one command: results to `out`, notices (queued writes) to `err`.
pub async fn run(
    client: &Client,
    command: Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        Command::Sync => sync::sync(client, out).await,
        Command::Outbox(command) => outbox::run(client, command, out).await,
        Command::List {
            query,
            limit,
            format,
            archived,
            refresh,
        } => {
            let args = list::ListArgs {
                query,
                limit,
                format: Some(format),
                archived,
                refresh,
            };
            list::run(client, args, out, err).await
        }
        Command::Query {
            string,
            format,
            archived,
            refresh,
        } => query::run(client, &string, format, archived, refresh, out, err).await,
        Command::Duplicates {
            format,
            region,
            refresh,
        } => {
            let opts = duplicates::Options {
                format,
                region: region.as_deref(),
                refresh,
            };
            duplicates::run(client, opts, out, err).await
        }
        Command::Show {
            id,
            format,
            refresh,
        } => show::run(client, &id, format, refresh, out, err).await,
        Command::Add {
            family_name,
            given_name,
            emails,
            phones,
            company,
            job_title,
        } => {
            let new = add::NewPerson {
                family_name,
                given_name,
                emails,
                phones,
                company,
                job_title,
            };
            add::run(client, new, out, err).await
        }
        Command::Edit { id, sets } if sets.is_empty() => {
            edit_in_editor::run(client, &id, out, err).await
        }
        Command::Edit { id, sets } => edit::run(client, &id, &sets, out, err).await,
        Command::Merge {
            survivor,
            others,
            delete,
            picks,
        } => {
            let args = merge::Args {
                survivor: &survivor,
                others: &others,
                delete,
                picks: &picks,
            };
            merge::run(client, args, out, err).await
        }
        Command::Note(command) => note::run(client, command, out, err).await,
        Command::Completions { .. } | Command::Man { .. } => {
            let root = <Command as Subcommand>::augment_subcommands(clap::Command::new("rolo"));
            run_standalone(command, root, out)
        }
        Command::Enrich { id, wait: _ } => enrich::run(client, &id, out).await,
        Command::Import { source } => import::run(client, &source, out, err).await,
        Command::Export {
            format,
            out_dir,
            version,
            archived,
        } => {
            let opts = export::Options {
                format,
                out_dir: out_dir.as_deref(),
                version,
                archived,
            };
            export::run(client, opts, out).await
        }
    }
}
