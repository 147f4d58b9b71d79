//! CSV import: a header row, then one person per row. Columns are named
//! as the field catalogue names fields (its keys or their aliases:
//! `familyName`, `last_name`, `email`, `zip`), so `rolo export --format
//! csv` reads back in; lists are split at `;` as rolo writes them. A
//! column rolo does not know is kept in `extra["csv"]` and reported.

use super::{FormatError, Imported};
use crate::model::Person;
use crate::model::field::{FieldKind, PersonField, parse_phones};
use serde_json::{Map, Value};

/// The key in [`Person::extra`] holding the unknown columns of a row.
pub const KEPT: &str = "csv";

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Field(PersonField),
    /// rolo's id: finds the person again.
    Id,
    Archived,
    /// Derived or set by rolo (displayName, createdAt, updatedAt).
    Ignored,
    Unknown(String),
}

fn column(name: &str) -> Column {
    match name.trim() {
        "id" | "uid" | "UID" => Column::Id,
        "archived" => Column::Archived,
        "displayName" | "createdAt" | "updatedAt" => Column::Ignored,
        other => match PersonField::from_name(other).filter(|_| !other.contains(['.', '['])) {
            Some(field) => Column::Field(field),
            None => Column::Unknown(other.to_string()),
        },
    }
}

/// Every row of `text`, each read into a person or why it could not be.
pub fn parse(text: &str) -> Result<Vec<Result<Imported, FormatError>>, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| FormatError(format!("cannot read the CSV header: {e}")))?;
    let columns: Vec<Column> = header.iter().map(column).collect();
    let unmapped: Vec<String> = columns
        .iter()
        .filter_map(|c| match c {
            Column::Unknown(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    Ok(reader
        .records()
        .map(|row| {
            let row = row.map_err(|e| FormatError(format!("a row could not be read: {e}")))?;
            Ok(person_of(&columns, &row, &unmapped))
        })
        .collect())
}

fn person_of(columns: &[Column], row: &csv::StringRecord, unmapped: &[String]) -> Imported {
    let mut p = Person::default();
    let mut uid = None;
    let mut kept = Map::new();
    for (col, cell) in columns.iter().zip(row.iter()) {
        match col {
            Column::Field(field) => set(*field, &mut p, cell),
            Column::Id => uid = Some(cell.trim().to_string()).filter(|s| !s.is_empty()),
            Column::Archived => p.archived = cell.trim().eq_ignore_ascii_case("true"),
            Column::Ignored => {}
            Column::Unknown(name) => {
                if !cell.is_empty() {
                    kept.insert(name.clone(), Value::String(cell.to_string()));
                }
            }
        }
    }
    if !kept.is_empty() {
        p.extra.insert(KEPT.into(), Value::Object(kept));
    }
    Imported {
        person: p.normalize(),
        uid,
        unmapped: unmapped.to_vec(),
    }
}

/// A cell into its field; lists split at `;` (rolo's CSV) or `,`.
fn set(field: PersonField, p: &mut Person, cell: &str) {
    let items = || -> Vec<String> {
        cell.split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    match field.kind() {
        FieldKind::List => field.set(p, &items().join(", ")),
        FieldKind::PhoneList => p.phones = items().iter().flat_map(|i| parse_phones(i)).collect(),
        FieldKind::Text | FieldKind::Custom => field.set(p, cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_by_the_catalogue_and_unknown_ones_kept() {
        let text = "id,last_name,givenName,email,phones,zip,tags,Shoe size\n\
                    p1,Doe,Jane,\"j@x.org;jane@y.org\",+31 6 1234 (mobile);030 123,1011,vip;old,42\n";
        let rows = parse(text).unwrap();
        let got = rows[0].as_ref().unwrap();
        assert_eq!(got.uid.as_deref(), Some("p1"));
        let p = &got.person;
        assert_eq!(
            (p.given_name.as_str(), p.family_name.as_str()),
            ("Jane", "Doe")
        );
        assert_eq!(p.emails, ["j@x.org", "jane@y.org"]);
        assert_eq!(p.phones[0].kind, "mobile");
        assert_eq!(p.phones[1].number, "030 123");
        assert_eq!(p.address.postal_code, "1011");
        assert_eq!(p.tags, ["vip", "old"]);
        assert_eq!(p.extra[KEPT]["Shoe size"], "42");
        assert_eq!(got.unmapped, ["Shoe size"]);
    }
}
