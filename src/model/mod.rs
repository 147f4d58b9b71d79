//! The data every layer shares: people, notes, edits and what a backend can do.
//! No I/O lives here; validation rules live here so the form, the CLI and every
//! backend agree on them.

pub mod custom;
pub mod dedupe;
pub mod field;
pub mod label;
pub mod merge;
pub mod reference;

pub use custom::{CustomFieldDef, CustomFieldKind, FieldOption, validate_custom_fields};
pub use field::PersonField;
pub use reference::{RefKind, Reference};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub type PersonId = String;
pub type NoteId = String;

/// A phone number with its kind ("mobile", "work", "fax", ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Phone {
    pub number: String,
    #[serde(rename = "type", default)]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub country: String,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.street.is_empty()
            && self.postal_code.is_empty()
            && self.city.is_empty()
            && self.region.is_empty()
            && self.country.is_empty()
    }

    /// One line, parts joined with commas, empty parts skipped.
    pub fn one_line(&self) -> String {
        let city = [self.postal_code.as_str(), self.city.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street.as_str(),
            city.as_str(),
            self.region.as_str(),
            self.country.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// A person as rolo sees it, whatever backend it came from.
///
/// The serialized shape is the normalised JSON of `rolo ... --format json`.
/// `extra` keeps every field a server sent that the model does not know, so a
/// full-replace write never drops data it did not mean to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    #[serde(default)]
    pub id: PersonId,
    #[serde(default)]
    pub honorific_prefix: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub additional_name: String,
    #[serde(default)]
    pub family_name: String,
    /// Derived from the names; kept in the JSON output for scripts.
    #[serde(default, skip_deserializing)]
    pub display_name: String,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub job_title: String,
    #[serde(default, skip_serializing_if = "Address::is_empty")]
    pub address: Address,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub linkedin: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub initials: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Tag name -> colour (`#rrggbb` or `#rgb`) where the CRM gives one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tag_colors: BTreeMap<String, String>,
    /// Tag name -> text colour, where the CRM gives one with the background.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tag_text_colors: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default)]
    pub custom_fields: BTreeMap<String, Value>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Version token for conflict checks (RogerRoger/Introzy `updatedAt`,
    /// Rhythm `sys_version`). `None` when the backend has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Why this record cannot be changed, when the backend says so (a
    /// Rhythm contact with `sys_locked`). The app refuses edits and notes on
    /// it up front with this reason, and adapters refuse such writes without
    /// sending them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<String>,
    /// Server fields the model does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

impl Person {
    /// "Given Family", falling back to whatever name part exists.
    pub fn full_name(&self) -> String {
        let parts: Vec<&str> = [
            self.honorific_prefix.as_str(),
            self.given_name.as_str(),
            self.additional_name.as_str(),
            self.family_name.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        if parts.is_empty() {
            self.emails
                .first()
                .cloned()
                .unwrap_or_else(|| "(no name)".to_string())
        } else {
            parts.join(" ")
        }
    }

    pub fn primary_email(&self) -> Option<&str> {
        self.emails.first().map(String::as_str)
    }

    pub fn primary_phone(&self) -> Option<&str> {
        self.phones.first().map(|p| p.number.as_str())
    }

    /// Fill derived fields (display name) after loading or editing.
    pub fn normalize(mut self) -> Self {
        self.display_name = self.full_name();
        self
    }

    pub fn derived_initials(&self) -> String {
        [&self.given_name, &self.family_name]
            .iter()
            .filter_map(|s| s.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// A note on a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(default)]
    pub id: NoteId,
    #[serde(default, skip_serializing)]
    pub person_id: PersonId,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default)]
    pub flagged: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// Sort notes the way every pane shows them: flagged first, then newest.
pub fn sort_notes(notes: &mut [Note]) {
    notes.sort_by(|a, b| {
        b.flagged
            .cmp(&a.flagged)
            .then_with(|| b.created_at.cmp(&a.created_at))
    });
}

/// A person in a bundled or exported JSON file, with their notes inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PersonWithNotes {
    #[serde(flatten)]
    pub person: Person,
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// How a backend offers enrichment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrichKind {
    /// Proposals derived from the record itself, no network.
    Offline,
    /// A server job that changes the person later (Introzy).
    AsyncJob,
    /// A lookup the user accepts field by field (Rhythm social profile).
    Lookup,
}

/// What a backend can do; the UI shows anything missing as unavailable with
/// `reason`, never as a silent no-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    pub notes: bool,
    pub multiple_notes: bool,
    pub flag_notes: bool,
    pub note_titles: bool,
    pub note_categories: bool,
    pub enrich: Option<EnrichKind>,
    pub server_search: bool,
    pub delete: bool,
    pub archive: bool,
    pub merge: bool,
    pub custom_fields: bool,
    /// Notes can be changed after they are created.
    pub note_edit: bool,
    /// Notes can be deleted.
    pub note_delete: bool,
    /// The person fields this backend stores, in the order the form shows
    /// them. Anything else is refused when the user asks, never queued.
    pub fields: &'static [PersonField],
    /// Fields a person must have on this backend.
    pub required: &'static [PersonField],
}

impl Capabilities {
    pub fn all_local() -> Self {
        Capabilities {
            notes: true,
            multiple_notes: true,
            flag_notes: true,
            note_titles: true,
            note_categories: true,
            enrich: Some(EnrichKind::Offline),
            server_search: false,
            delete: true,
            archive: true,
            merge: false,
            custom_fields: true,
            note_edit: true,
            note_delete: true,
            fields: LOCAL_FIELDS,
            required: &[PersonField::FamilyName],
        }
    }

    pub fn stores(&self, field: PersonField) -> bool {
        self.fields.contains(&field)
    }

    pub fn requires(&self, field: PersonField) -> bool {
        self.required.contains(&field)
    }
}

/// What the local workspace stores: every field but the one-line address
/// (it keeps the parts).
pub const LOCAL_FIELDS: &[PersonField] = &[
    PersonField::HonorificPrefix,
    PersonField::GivenName,
    PersonField::AdditionalName,
    PersonField::FamilyName,
    PersonField::Emails,
    PersonField::Phones,
    PersonField::Company,
    PersonField::JobTitle,
    PersonField::Street,
    PersonField::PostalCode,
    PersonField::City,
    PersonField::Region,
    PersonField::Country,
    PersonField::Linkedin,
    PersonField::Tags,
    PersonField::Owner,
    PersonField::CustomFields,
];

/// One problem with one field, from local validation or a server's 422.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub field: String,
    pub message: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A rough shape check: one `@`, something before it, a dot in the domain,
/// no spaces. Servers do the authoritative check.
pub fn email_looks_valid(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// Digits with the usual punctuation; at least 5 digits.
pub fn phone_looks_valid(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().x/".contains(c))
}

/// The rules every backend shares, with the required fields of the backend
/// `caps` describes; adapters add their own on top.
pub fn validate_person(person: &Person, caps: &Capabilities) -> Vec<Violation> {
    let mut out = Vec::new();
    let nameless = [
        PersonField::GivenName,
        PersonField::FamilyName,
        PersonField::Emails,
    ]
    .iter()
    .all(|f| !f.is_set(person));
    if nameless && caps.required.is_empty() {
        out.push(Violation::new(
            "familyName",
            "a person needs a name or an email address",
        ));
    }
    for &field in caps.required {
        if !field.is_set(person) {
            out.push(Violation::new(
                field.key(),
                format!("{} is required", field.label().to_lowercase()),
            ));
        }
    }
    for (i, email) in person.emails.iter().enumerate() {
        if !email_looks_valid(email) {
            out.push(Violation::new(
                format!("emails[{i}]"),
                format!("'{email}' is not an email address"),
            ));
        }
    }
    for (i, phone) in person.phones.iter().enumerate() {
        if !phone_looks_valid(&phone.number) {
            out.push(Violation::new(
                format!("phones[{i}]"),
                format!("'{}' is not a phone number", phone.number),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_requires_family_name_and_checks_shapes() {
        let p = Person {
            emails: vec!["ok@example.com".into(), "nope".into()],
            phones: vec![Phone {
                number: "call me".into(),
                kind: "mobile".into(),
            }],
            ..Default::default()
        };
        let v = validate_person(&p, &Capabilities::all_local());
        let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["familyName", "emails[1]", "phones[0]"]);
    }

    #[test]
    fn person_json_round_trip_keeps_unknown_fields() {
        let json = r#"{"id":"1","familyName":"Doe","extra":{"dealSize":5}}"#;
        let p: Person = serde_json::from_str(json).unwrap();
        assert_eq!(p.extra["dealSize"], 5);
        let back = serde_json::to_value(&p).unwrap();
        assert_eq!(back["extra"]["dealSize"], 5);
    }

    #[test]
    fn notes_sort_flagged_first_then_newest() {
        let n = |id: &str, flagged, at: &str| Note {
            id: id.into(),
            flagged,
            created_at: Some(at.into()),
            ..Default::default()
        };
        let mut notes = vec![
            n("old", false, "2024-01-01"),
            n("new", false, "2025-01-01"),
            n("flag", true, "2020-01-01"),
        ];
        sort_notes(&mut notes);
        let ids: Vec<_> = notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["flag", "new", "old"]);
    }
}
