//! What the CLI prints: one normalised JSON shape for every backend, CSV,
//! and tables for people and their notes. Server text never reaches the
//! terminal raw: tables and CSV clean it the way the TUI does
//! ([`for_display`], [`for_output`]); JSON escapes it ([`write_json`]).

use super::Format;
use super::exit::{CliError, internal, io};
use crate::model::{Note, Person, Phone};
use crate::sanitize::{for_display, for_output, write_json};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// The normalised person shape of `--format json`, the same for every backend.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonOut {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub display_name: String,
    pub emails: Vec<String>,
    pub phones: Vec<Phone>,
    pub company: String,
    pub job_title: String,
    pub tags: Vec<String>,
    pub custom_fields: BTreeMap<String, serde_json::Value>,
    pub archived: bool,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<&Person> for PersonOut {
    fn from(p: &Person) -> Self {
        PersonOut {
            id: p.id.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            display_name: p.full_name(),
            emails: p.emails.clone(),
            phones: p.phones.clone(),
            company: p.company.clone(),
            job_title: p.job_title.clone(),
            tags: p.tags.clone(),
            custom_fields: p.custom_fields.clone(),
            archived: p.archived,
            created_at: p.created_at.clone(),
            updated_at: p.updated_at.clone(),
        }
    }
}

/// The normalised note shape.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteOut {
    pub id: String,
    pub title: String,
    pub text: String,
    pub flagged: bool,
    pub created_at: Option<String>,
}

impl From<&Note> for NoteOut {
    fn from(n: &Note) -> Self {
        NoteOut {
            id: n.id.clone(),
            title: n.title.clone(),
            text: n.text.clone(),
            flagged: n.flagged,
            created_at: n.created_at.clone(),
        }
    }
}

pub(super) fn csv_err(e: csv::Error) -> CliError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io(e),
        other => internal(format!("could not write CSV: {other:?}")),
    }
}

pub(super) fn json_line<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<(), CliError> {
    write_json(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => io(std::io::Error::from(kind)),
        None => internal(format!("could not write JSON: {e}")),
    })?;
    writeln!(out).map_err(io)
}

/// One CSV row of a person; every text cleaned for the terminal.
#[derive(Serialize)]
struct CsvRow {
    id: String,
    #[serde(rename = "givenName")]
    given_name: String,
    #[serde(rename = "familyName")]
    family_name: String,
    #[serde(rename = "displayName")]
    display_name: String,
    emails: String,
    phones: String,
    company: String,
    #[serde(rename = "jobTitle")]
    job_title: String,
    tags: String,
    archived: bool,
    #[serde(rename = "createdAt")]
    created_at: String,
    #[serde(rename = "updatedAt")]
    updated_at: String,
}

fn clean(text: &str) -> String {
    for_output(text).into_owned()
}

impl From<&Person> for CsvRow {
    fn from(p: &Person) -> Self {
        let phones: Vec<&str> = p.phones.iter().map(|p| p.number.as_str()).collect();
        CsvRow {
            id: clean(&p.id),
            given_name: clean(&p.given_name),
            family_name: clean(&p.family_name),
            display_name: clean(&p.full_name()),
            emails: clean(&p.emails.join(";")),
            phones: clean(&phones.join(";")),
            company: clean(&p.company),
            job_title: clean(&p.job_title),
            tags: clean(&p.tags.join(";")),
            archived: p.archived,
            created_at: clean(p.created_at.as_deref().unwrap_or("")),
            updated_at: clean(p.updated_at.as_deref().unwrap_or("")),
        }
    }
}

/// One CSV row of a note.
#[derive(Serialize)]
struct NoteCsvRow {
    id: String,
    title: String,
    text: String,
    flagged: bool,
    #[serde(rename = "createdAt")]
    created_at: String,
}

impl From<&Note> for NoteCsvRow {
    fn from(n: &Note) -> Self {
        NoteCsvRow {
            id: clean(&n.id),
            title: clean(&n.title),
            text: clean(&n.text),
            flagged: n.flagged,
            created_at: clean(n.created_at.as_deref().unwrap_or("")),
        }
    }
}

fn csv_rows<R: Serialize>(
    rows: impl Iterator<Item = R>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut w = csv::Writer::from_writer(out);
    for row in rows {
        w.serialize(row).map_err(csv_err)?;
    }
    w.flush().map_err(io)
}

pub(super) fn print_notes(
    notes: &[Note],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match format {
        Format::Json => json_line(&notes.iter().map(NoteOut::from).collect::<Vec<_>>(), out),
        Format::Csv => csv_rows(notes.iter().map(NoteCsvRow::from), out),
        Format::Table => {
            for n in notes {
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

pub(super) fn print_people(
    people: &[Person],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match format {
        Format::Json => json_line(&people.iter().map(PersonOut::from).collect::<Vec<_>>(), out),
        Format::Csv => csv_rows(people.iter().map(CsvRow::from), out),
        Format::Table => {
            for p in people {
                // Table output goes to a terminal: sanitise like the TUI does.
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    for_display(&p.id),
                    for_display(&p.full_name()),
                    for_display(&p.company),
                    for_display(p.primary_email().unwrap_or(""))
                )
                .map_err(io)?;
            }
            Ok(())
        }
    }
}

/// A note's title, or its text when it has none.
pub(super) fn note_label(n: &Note) -> &str {
    if n.title.is_empty() {
        &n.text
    } else {
        &n.title
    }
}

pub(super) fn print_person_table(
    p: &Person,
    notes: &[Note],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut row = |k: &str, v: &str| -> Result<(), CliError> {
        if !v.is_empty() {
            writeln!(out, "{k:<12} {}", for_display(v)).map_err(io)?;
        }
        Ok(())
    };
    row("id", &p.id)?;
    row("name", &p.full_name())?;
    row("emails", &p.emails.join(", "))?;
    row(
        "phones",
        &p.phones
            .iter()
            .map(|p| p.number.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )?;
    row("company", &p.company)?;
    row("job title", &p.job_title)?;
    row("address", &p.address.one_line())?;
    row("tags", &p.tags.join(", "))?;
    row("created", p.created_at.as_deref().unwrap_or(""))?;
    row("updated", p.updated_at.as_deref().unwrap_or(""))?;
    for n in notes {
        writeln!(
            out,
            "note {} {}{}",
            for_display(&n.id),
            if n.flagged { "⚑ " } else { "" },
            for_display(note_label(n))
        )
        .map_err(io)?;
    }
    Ok(())
}
