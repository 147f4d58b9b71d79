//! What the CLI prints: one normalised JSON shape for every backend, CSV,
//! and tables for people and their notes.

use super::{CliError, Format, io, usage};
use crate::model::{Note, Person, Phone};
use crate::sanitize::for_display;
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
        other => usage(format!("{other:?}")),
    }
}

pub(super) fn json_line<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => io(std::io::Error::from(kind)),
        None => usage(e.to_string()),
    })?;
    writeln!(out).map_err(io)
}

#[derive(Serialize)]
struct CsvRow<'a> {
    id: &'a str,
    #[serde(rename = "givenName")]
    given_name: &'a str,
    #[serde(rename = "familyName")]
    family_name: &'a str,
    #[serde(rename = "displayName")]
    display_name: String,
    emails: String,
    phones: String,
    company: &'a str,
    #[serde(rename = "jobTitle")]
    job_title: &'a str,
    tags: String,
    archived: bool,
    #[serde(rename = "createdAt")]
    created_at: &'a str,
    #[serde(rename = "updatedAt")]
    updated_at: &'a str,
}

pub(super) fn print_people(
    people: &[Person],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match format {
        Format::Json => json_line(&people.iter().map(PersonOut::from).collect::<Vec<_>>(), out),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for p in people {
                w.serialize(CsvRow {
                    id: &p.id,
                    given_name: &p.given_name,
                    family_name: &p.family_name,
                    display_name: p.full_name(),
                    emails: p.emails.join(";"),
                    phones: p
                        .phones
                        .iter()
                        .map(|p| p.number.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    company: &p.company,
                    job_title: &p.job_title,
                    tags: p.tags.join(";"),
                    archived: p.archived,
                    created_at: p.created_at.as_deref().unwrap_or(""),
                    updated_at: p.updated_at.as_deref().unwrap_or(""),
                })
                .map_err(csv_err)?;
            }
            w.flush().map_err(io)
        }
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
