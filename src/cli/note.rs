//! `rolo note list|add|flag`: a person's notes.

use super::Format;
use super::exit::{CliError, io, not_done, refuse};
use super::output::{NoteOut, json_line, print_notes};
use super::settle::{say_queued, settle};
use crate::client::Client;
use crate::model::Note;
use crate::model::field::backend_label;
use crate::sanitize::for_display;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// A person's notes, from the store (a remote profile's cache).
    List {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Read the server's copy first (the cache's when it cannot answer).
        #[arg(long)]
        refresh: bool,
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

pub(super) async fn run(
    client: &Client,
    command: NoteCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let caps = client.capabilities();
    let backend = backend_label(client.kind());
    match command {
        NoteCommand::List {
            id,
            format,
            refresh,
        } => {
            let (_, notes) = super::show::read(client, &id, refresh, err).await?;
            print_notes(&notes, format, out)
        }
        NoteCommand::Add {
            id,
            text,
            title,
            category,
        } => {
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
        NoteCommand::Flag { id, note_id, off } => {
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
    }
}
