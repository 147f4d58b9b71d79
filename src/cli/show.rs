//! `rolo show`: one person with their notes, from the store (the local
//! workspace or a remote profile's cache); `--refresh` reads the server's
//! copy first.

use super::Format;
use super::cached::before_reading;
use super::exit::CliError;
use super::output::{NoteOut, PersonOut, json_line, print_people, print_person_table};
use crate::backend::BackendError;
use crate::client::Client;
use crate::model::{Note, Person};
use serde::Serialize;
use std::io::Write;

pub(super) async fn run(
    client: &Client,
    id: &str,
    format: Format,
    refresh: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let (person, notes) = read(client, id, refresh, err).await?;
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Shown<'a> {
                #[serde(flatten)]
                person: PersonOut<'a>,
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

/// A person and their notes from the store, never waiting for the
/// network; with `refresh` on a remote profile, the server's copy first
/// (the cache's when the server cannot answer).
pub(super) async fn read(
    client: &Client,
    id: &str,
    refresh: bool,
    err: &mut dyn Write,
) -> Result<(Person, Vec<Note>), CliError> {
    before_reading(client, false, err).await?;
    if refresh && client.is_remote() {
        return Ok(client.load_detail(id).await?);
    }
    match client.cached_detail(id).await? {
        Some(found) => Ok(found),
        None => {
            let mut e = CliError::from(BackendError::NotFound(format!("person {id}")));
            if client.is_remote() {
                e.message
                    .push_str(" (not in the cache; --refresh asks the server)");
            }
            Err(e)
        }
    }
}
