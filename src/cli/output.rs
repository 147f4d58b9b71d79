//! What the CLI prints: one normalised JSON shape for every backend, CSV,
//! and tables for people and their notes. Server text never reaches the
//! terminal raw: tables and CSV clean it the way the TUI does
//! ([`for_display`], [`for_output`]); JSON escapes it ([`write_json`]).

use super::Format;
use super::exit::{CliError, internal, io};
use crate::model::field::{FieldKind, PersonField, split_list};
use crate::model::{Note, Person};
use crate::sanitize::{for_display, for_output, write_json};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::borrow::Cow;
use std::io::Write;

/// The catalogue fields `--format json` and `--format csv` print, in
/// their order; a key is the catalogue's [`PersonField::key`]. Printing
/// another field costs one entry here.
const PRINTED: &[PersonField] = &[
    PersonField::GivenName,
    PersonField::FamilyName,
    PersonField::Emails,
    PersonField::Phones,
    PersonField::Company,
    PersonField::JobTitle,
    PersonField::Tags,
    PersonField::CustomFields,
];

/// One field's value in `--format json`, typed by its kind, serialised
/// straight from the person (no `serde_json::Value` built on the way).
struct FieldOut<'a>(PersonField, &'a Person);

impl Serialize for FieldOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let FieldOut(field, p) = *self;
        match field.kind() {
            FieldKind::Text => s.serialize_str(&field.get(p)),
            FieldKind::List => match field {
                PersonField::Emails => p.emails.serialize(s),
                PersonField::Tags => p.tags.serialize(s),
                // Every list field is named above (a test checks it).
                _ => split_list(&field.get(p)).serialize(s),
            },
            FieldKind::PhoneList => p.phones.serialize(s),
            FieldKind::Custom => p.custom_fields.serialize(s),
        }
    }
}

/// The field as one CSV cell: lists joined by `;`, phones by their
/// numbers; custom fields have no column.
fn csv_cell(field: PersonField, p: &Person) -> Option<Cow<'_, str>> {
    match field.kind() {
        FieldKind::Text => Some(Cow::Owned(field.get(p))),
        FieldKind::List => Some(match field {
            PersonField::Emails => Cow::Owned(p.emails.join(";")),
            PersonField::Tags => Cow::Owned(p.tags.join(";")),
            _ => Cow::Owned(split_list(&field.get(p)).join(";")),
        }),
        FieldKind::PhoneList => Some(Cow::Owned(
            p.phones
                .iter()
                .map(|phone| phone.number.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        )),
        FieldKind::Custom => None,
    }
}

/// The normalised person shape of `--format json`, the same for every
/// backend: the id, the [`PRINTED`] fields (the display name after the
/// family name), whether archived, and when created and updated.
/// Serialised as a map straight from the borrowed person, so a stream of
/// 100,000 builds no per-person map of values (and `#[serde(flatten)]`
/// still takes it).
#[derive(Debug, Clone, Copy)]
pub struct PersonOut<'a>(&'a Person);

impl<'a> From<&'a Person> for PersonOut<'a> {
    fn from(p: &'a Person) -> Self {
        PersonOut(p)
    }
}

impl Serialize for PersonOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        // id, the printed fields, displayName, archived, createdAt, updatedAt.
        let mut map = s.serialize_map(Some(PRINTED.len() + 5))?;
        map.serialize_entry("id", &p.id)?;
        for &field in PRINTED {
            map.serialize_entry(field.key(), &FieldOut(field, p))?;
            if field == PersonField::FamilyName {
                map.serialize_entry("displayName", &p.full_name())?;
            }
        }
        map.serialize_entry("archived", &p.archived)?;
        map.serialize_entry("createdAt", &p.created_at)?;
        map.serialize_entry("updatedAt", &p.updated_at)?;
        map.end()
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

/// The header of `--format csv` for people, in the order of [`csv_row`].
pub(super) fn csv_header() -> Vec<&'static str> {
    let mut header = vec!["id"];
    for &field in PRINTED {
        if field.kind() != FieldKind::Custom {
            header.push(field.key());
        }
        if field == PersonField::FamilyName {
            header.push("displayName");
        }
    }
    header.extend(["archived", "createdAt", "updatedAt"]);
    header
}

/// One CSV row of a person; every text cleaned for the terminal.
pub(super) fn csv_row(p: &Person) -> Vec<Cow<'_, str>> {
    let mut row = vec![for_output(&p.id)];
    for &field in PRINTED {
        if let Some(cell) = csv_cell(field, p) {
            row.push(clean_owned(cell));
        }
        if field == PersonField::FamilyName {
            row.push(clean_owned(Cow::Owned(p.full_name())));
        }
    }
    row.push(Cow::Borrowed(if p.archived { "true" } else { "false" }));
    row.push(for_output(p.created_at.as_deref().unwrap_or("")));
    row.push(for_output(p.updated_at.as_deref().unwrap_or("")));
    row
}

/// `text` cleaned for the terminal, reusing it when it is already clean.
fn clean_owned(text: Cow<'_, str>) -> Cow<'_, str> {
    match for_output(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cleaned) => Cow::Owned(cleaned),
    }
}

fn clean(text: &str) -> String {
    for_output(text).into_owned()
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

/// People as CSV: the header, then one row each (nothing at all for
/// nobody, as for notes).
fn csv_records(people: &[Person], out: &mut dyn Write) -> Result<(), CliError> {
    if people.is_empty() {
        return Ok(());
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(csv_header()).map_err(csv_err)?;
    for p in people {
        w.write_record(csv_row(p).iter().map(|c| c.as_bytes()))
            .map_err(csv_err)?;
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
        Format::Csv => csv_records(people, out),
        Format::Table => {
            for p in people {
                table_line(p, out)?;
            }
            Ok(())
        }
    }
}

/// One person as a line of `--format table`: id, name, company, email.
pub(super) fn table_line(p: &Person, out: &mut dyn Write) -> Result<(), CliError> {
    // Table output goes to a terminal: sanitise like the TUI does.
    writeln!(
        out,
        "{}\t{}\t{}\t{}",
        for_display(&p.id),
        for_display(&p.full_name()),
        for_display(&p.company),
        for_display(p.primary_email().unwrap_or(""))
    )
    .map_err(io)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_field_prints_as_its_list() {
        let lists: Vec<PersonField> = PersonField::all()
            .filter(|f| f.kind() == FieldKind::List)
            .collect();
        assert_eq!(
            lists,
            [PersonField::Emails, PersonField::Tags],
            "a new list field needs its arm in FieldOut and csv_cell"
        );
    }

    #[test]
    fn json_and_csv_print_the_same_fields() {
        let p = Person {
            id: "p1".into(),
            given_name: "Grace".into(),
            family_name: "Hopper".into(),
            emails: vec!["g@navy.mil".into(), "grace@x.org".into()],
            phones: crate::model::field::parse_phones("+1 555 (work)"),
            tags: vec!["vip, old".into()],
            ..Default::default()
        };
        let json = serde_json::to_value(PersonOut::from(&p)).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut header = csv_header();
        header.insert(header.len() - 3, "customFields");
        assert_eq!(keys, header);
        assert_eq!(json["tags"], serde_json::json!(["vip, old"]));
        assert_eq!(json["phones"][0]["number"], "+1 555");
        let row = csv_row(&p);
        assert_eq!(row.len(), csv_header().len());
        assert_eq!(row[4], "g@navy.mil;grace@x.org");
        assert_eq!(row[5], "+1 555");
        assert_eq!(row[8], "vip, old");
    }
}
