//! `rolo show`: one person with their notes.

use super::Format;
use super::exit::CliError;
use super::output::{NoteOut, PersonOut, json_line, print_people, print_person_table};
use crate::client::Client;
use serde::Serialize;
use std::io::Write;

pub(super) async fn run(
    client: &Client,
    id: &str,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let (person, notes) = client.load_detail(id).await?;
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
