//! The one catalogue of a person's fields: key, label, how it reads and
//! writes as text. The person form, `rolo edit --set`, the CLI's CSV columns,
//! enrichment and the conflict view all go through it, and each backend says
//! which of these it stores in its [`Capabilities`](super::Capabilities), so
//! a field costs one entry here rather than one per place that shows it.

use super::{Capabilities, CustomFieldDef, Person, Phone};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A field of [`Person`] as users name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PersonField {
    HonorificPrefix,
    GivenName,
    AdditionalName,
    FamilyName,
    Emails,
    Phones,
    Company,
    JobTitle,
    Street,
    PostalCode,
    City,
    Region,
    Country,
    /// The whole address as one line, for CRMs that store one string
    /// (Introzy). Kept in `address.street`, the other parts empty.
    AddressLine,
    Linkedin,
    Tags,
    Owner,
    CustomFields,
}

/// How a field's text is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// A comma-separated list.
    List,
    /// Phone numbers: `+31 6 1234 (mobile), 030 123`.
    PhoneList,
    /// `key=value` pairs, comma-separated.
    Custom,
}

struct Spec {
    field: PersonField,
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    /// Other names users, servers' violation paths and older rolo versions
    /// use for this field.
    aliases: &'static [&'static str],
}

use FieldKind::*;
use PersonField::*;

/// Display order: the form shows fields in this order.
#[rustfmt::skip]
const SPECS: &[Spec] = &[
    Spec { field: HonorificPrefix, key: "honorificPrefix", label: "Prefix", kind: Text, aliases: &["prefix"] },
    Spec { field: GivenName, key: "givenName", label: "Given name", kind: Text, aliases: &["firstName", "first_name"] },
    Spec { field: AdditionalName, key: "additionalName", label: "Middle name", kind: Text, aliases: &["middle_name", "middleName"] },
    Spec { field: FamilyName, key: "familyName", label: "Family name", kind: Text, aliases: &["lastName", "last_name"] },
    Spec { field: Emails, key: "emails", label: "Emails", kind: List, aliases: &["email", "emailAddresses", "email_address"] },
    Spec { field: Phones, key: "phones", label: "Phones", kind: PhoneList, aliases: &["phone", "phoneNumbers", "phoneNumber"] },
    Spec { field: Company, key: "company", label: "Company", kind: Text, aliases: &["organizations", "organization_name", "companyName"] },
    Spec { field: JobTitle, key: "jobTitle", label: "Job title", kind: Text, aliases: &["job_title"] },
    Spec { field: Street, key: "street", label: "Street", kind: Text, aliases: &[] },
    Spec { field: PostalCode, key: "postalCode", label: "Postal code", kind: Text, aliases: &["postal_code", "zip"] },
    Spec { field: City, key: "city", label: "City", kind: Text, aliases: &[] },
    Spec { field: Region, key: "region", label: "Region", kind: Text, aliases: &["state"] },
    Spec { field: Country, key: "country", label: "Country", kind: Text, aliases: &[] },
    Spec { field: AddressLine, key: "address", label: "Address", kind: Text, aliases: &[] },
    Spec { field: Linkedin, key: "linkedin", label: "LinkedIn", kind: Text, aliases: &["linkedinId", "linked_in"] },
    Spec { field: Tags, key: "tags", label: "Tags", kind: List, aliases: &[] },
    Spec { field: Owner, key: "owner", label: "Owner", kind: Text, aliases: &[] },
    Spec { field: CustomFields, key: "customFields", label: "Custom fields", kind: Custom, aliases: &["custom"] },
];

impl PersonField {
    /// Every field, in display order.
    pub fn all() -> impl Iterator<Item = PersonField> {
        SPECS.iter().map(|s| s.field)
    }

    fn spec(self) -> &'static Spec {
        // SPECS lists every variant once (a test checks it).
        SPECS.iter().find(|s| s.field == self).unwrap_or(&SPECS[0])
    }

    /// The name in `--set KEY=VALUE`, CSV headers and the JSON output.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    pub fn label(self) -> &'static str {
        self.spec().label
    }

    pub fn kind(self) -> FieldKind {
        self.spec().kind
    }

    /// The field a name refers to: its key, or an alias (case-insensitive).
    /// Server violation paths like `emailAddresses[0].email` name their
    /// first segment.
    pub fn from_name(name: &str) -> Option<PersonField> {
        let head = name.split(['[', '.']).next().unwrap_or_default();
        SPECS
            .iter()
            .find(|s| {
                s.key.eq_ignore_ascii_case(head)
                    || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(head))
            })
            .map(|s| s.field)
    }

    /// The value as one line of text (what the form and `--set` edit).
    pub fn get(self, p: &Person) -> String {
        match self {
            HonorificPrefix => p.honorific_prefix.clone(),
            GivenName => p.given_name.clone(),
            AdditionalName => p.additional_name.clone(),
            FamilyName => p.family_name.clone(),
            Emails => p.emails.join(", "),
            Phones => format_phones(&p.phones),
            Company => p.company.clone(),
            JobTitle => p.job_title.clone(),
            Street => p.address.street.clone(),
            PostalCode => p.address.postal_code.clone(),
            City => p.address.city.clone(),
            Region => p.address.region.clone(),
            Country => p.address.country.clone(),
            AddressLine => p.address.one_line(),
            Linkedin => p.linkedin.clone(),
            Tags => p.tags.join(", "),
            Owner => p.owner.clone(),
            CustomFields => format_custom(&p.custom_fields),
        }
    }

    /// Set the field from text in the shape [`PersonField::get`] writes.
    /// Custom fields keep their JSON type where the text did not change.
    pub fn set(self, p: &mut Person, text: &str) {
        let v = text.trim().to_string();
        match self {
            HonorificPrefix => p.honorific_prefix = v,
            GivenName => p.given_name = v,
            AdditionalName => p.additional_name = v,
            FamilyName => p.family_name = v,
            Emails => p.emails = split_list(&v),
            Phones => p.phones = parse_phones(&v),
            Company => p.company = v,
            JobTitle => p.job_title = v,
            Street => p.address.street = v,
            PostalCode => p.address.postal_code = v,
            City => p.address.city = v,
            Region => p.address.region = v,
            Country => p.address.country = v,
            AddressLine => {
                p.address = super::Address {
                    street: v,
                    ..Default::default()
                }
            }
            Linkedin => p.linkedin = v,
            Tags => p.tags = split_list(&v),
            Owner => p.owner = v,
            CustomFields => p.custom_fields = parse_custom(&v, &p.custom_fields),
        }
    }

    /// Whether the person has a value here.
    pub fn is_set(self, p: &Person) -> bool {
        !self.get(p).trim().is_empty()
    }

    /// The label as it reads inside a sentence: "job title", but "LinkedIn".
    pub fn label_in_sentence(self) -> String {
        let label = self.label();
        // A name with capitals inside ("LinkedIn") keeps its spelling.
        if label.chars().skip(1).any(char::is_uppercase) {
            return label.to_string();
        }
        let mut chars = label.chars();
        chars
            .next()
            .map(|first| first.to_lowercase().chain(chars).collect())
            .unwrap_or_default()
    }

    /// A part of the structured address.
    pub fn is_address_part(self) -> bool {
        matches!(self, Street | PostalCode | City | Region | Country)
    }
}

/// How users name a backend in messages ("Introzy", not "introzy").
pub fn backend_label(kind: &str) -> &str {
    match kind {
        "rogerroger" => "RogerRoger",
        "introzy" => "Introzy",
        "rhythm" => "Rhythm",
        "local" => "The local workspace",
        other => other,
    }
}

/// The fields an edit from `base` to `edited` changes that the backend
/// `caps` describes does not store: what rolo must refuse before anything
/// is queued. The one-line address and its parts are two views of one
/// address, so a change is fine when the backend stores either view.
pub fn unstored_changes(caps: &Capabilities, base: &Person, edited: &Person) -> Vec<PersonField> {
    let stores_parts = PersonField::all().any(|f| f.is_address_part() && caps.stores(f));
    PersonField::all()
        .filter(|f| f.get(base) != f.get(edited))
        .filter(|&f| {
            !(caps.stores(f)
                || (f.is_address_part() && caps.stores(AddressLine))
                || (f == AddressLine && stores_parts))
        })
        .collect()
}

/// Check the text a user typed for a custom field against its definition
/// and turn it into the JSON value to store ([`CustomFieldDef::parse`]); the
/// error is shown beside the field (or after its name in the CLI), so it
/// does not repeat the label: "'many' is not a number", "is required".
pub fn validate_custom(def: &CustomFieldDef, text: &str) -> Result<Value, String> {
    def.parse(text)
}

/// Split a comma-separated list, dropping empty items.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// "+31 6 1234 (mobile), 030 123" from phones with kinds.
pub fn format_phones(phones: &[Phone]) -> String {
    phones
        .iter()
        .map(|p| {
            if p.kind.is_empty() {
                p.number.clone()
            } else {
                format!("{} ({})", p.number, p.kind)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inverse of [`format_phones`].
pub fn parse_phones(text: &str) -> Vec<Phone> {
    split_list(text)
        .into_iter()
        .map(|item| match item.rsplit_once(" (") {
            Some((number, kind)) if kind.ends_with(')') => Phone {
                number: number.trim().to_string(),
                kind: kind.trim_end_matches(')').trim().to_string(),
            },
            _ => Phone {
                number: item,
                kind: String::new(),
            },
        })
        .collect()
}

type CustomMap = std::collections::BTreeMap<String, serde_json::Value>;

fn custom_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `key=value, key=value`.
pub fn format_custom(fields: &CustomMap) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", custom_text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inverse of [`format_custom`]; a value whose text is unchanged keeps
/// its JSON type from `base` (a number stays a number).
pub fn parse_custom(text: &str, base: &CustomMap) -> CustomMap {
    split_list(text)
        .into_iter()
        .filter_map(|item| {
            let (k, v) = item.split_once('=')?;
            let (k, v) = (k.trim().to_string(), v.trim());
            let value = match base.get(&k) {
                Some(orig) if custom_text(orig) == v => orig.clone(),
                _ => serde_json::Value::String(v.to_string()),
            };
            Some((k, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_lists_every_field_once() {
        let all: Vec<PersonField> = PersonField::all().collect();
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len(), "a field listed twice");
        // One per variant: the last variant's spec is found by itself.
        assert_eq!(CustomFields.spec().field, CustomFields);
        assert_eq!(all.len(), 18);
    }

    #[test]
    fn every_field_reads_back_what_it_wrote() {
        let mut p = Person::default();
        for f in PersonField::all() {
            let text = match f.kind() {
                FieldKind::Text => "Some text".to_string(),
                FieldKind::List => "a, b".to_string(),
                FieldKind::PhoneList => "+31 6 1234 (mobile), 030 123".to_string(),
                FieldKind::Custom => "seats=40, tier=gold".to_string(),
            };
            f.set(&mut p, &text);
            assert_eq!(f.get(&p), text, "{f:?}");
        }
    }

    #[test]
    fn names_and_server_paths_find_their_field() {
        assert_eq!(
            PersonField::from_name("emailAddresses[0].email"),
            Some(Emails)
        );
        assert_eq!(PersonField::from_name("last_name"), Some(FamilyName));
        assert_eq!(PersonField::from_name("JOBTITLE"), Some(JobTitle));
        assert_eq!(PersonField::from_name("address"), Some(AddressLine));
        assert_eq!(PersonField::from_name("nonsense"), None);
    }

    fn def(kind: &str, required: bool) -> CustomFieldDef {
        CustomFieldDef {
            key: "cf".into(),
            label: "Lead source".into(),
            kind: kind.into(),
            filterable: false,
            sortable: false,
            required,
            options: ["web", "conf"]
                .iter()
                .map(|v| super::super::FieldOption {
                    value: v.to_string(),
                    label: format!("{}!", v.to_uppercase()),
                    color: None,
                })
                .collect(),
            display_order: 0,
        }
    }

    #[test]
    fn custom_values_are_checked_and_typed_by_their_definition() {
        use serde_json::json;
        let ok = |kind: &str, text: &str| validate_custom(&def(kind, false), text).unwrap();
        let bad = |kind: &str, text: &str| validate_custom(&def(kind, false), text).unwrap_err();
        assert_eq!(ok("number", "40"), json!(40));
        assert_eq!(ok("number", "2.5"), json!(2.5));
        assert!(bad("number", "forty").contains("not a number"));
        assert!(bad("integer", "2.5").contains("whole number"));
        assert_eq!(ok("date", "2025-01-31"), json!("2025-01-31"));
        assert!(bad("date", "31/01/2025").contains("YYYY-MM-DD"));
        assert_eq!(
            ok("url", "https://example.com/x"),
            json!("https://example.com/x")
        );
        assert!(bad("url", "javascript:alert(1)").contains("web address"));
        assert!(bad("url", "example.com").contains("web address"));
        assert!(bad("email", "nope").contains("email"));
        assert!(bad("phone", "call me").contains("phone"));
        assert_eq!(ok("boolean", "yes"), json!(true));
        assert_eq!(ok("select", "conf"), json!("conf"));
        assert_eq!(
            ok("select", "web!"),
            json!("web"),
            "an option's label names it"
        );
        assert!(bad("select", "radio").contains("WEB!, CONF!"));
        assert_eq!(ok("multiselect", "web, CONF!"), json!(["web", "conf"]));
        assert_eq!(ok("text", "anything"), json!("anything"));
        assert_eq!(ok("number", " "), Value::Null);
        assert!(
            validate_custom(&def("text", true), "")
                .unwrap_err()
                .contains("required")
        );
    }

    #[test]
    fn unstored_changes_are_found_and_address_views_are_one() {
        let caps = Capabilities {
            fields: &[GivenName, FamilyName, AddressLine],
            ..Capabilities::all_local()
        };
        let base = Person::default();
        let mut edited = base.clone();
        edited.job_title = "CTO".into();
        edited.address.city = "Utrecht".into();
        assert_eq!(unstored_changes(&caps, &base, &edited), [JobTitle]);
        let parts = Capabilities::all_local();
        let mut line = base.clone();
        AddressLine.set(&mut line, "Calle 1, Madrid");
        assert!(unstored_changes(&parts, &base, &line).is_empty());
        assert_eq!(JobTitle.label_in_sentence(), "job title");
        assert_eq!(Linkedin.label_in_sentence(), "LinkedIn");
    }

    #[test]
    fn custom_values_keep_their_type_when_unchanged() {
        let mut base = CustomMap::new();
        base.insert("seats".into(), serde_json::json!(40));
        let parsed = parse_custom("seats=40, tier=gold", &base);
        assert_eq!(parsed["seats"], serde_json::json!(40));
        assert_eq!(parsed["tier"], serde_json::json!("gold"));
    }
}
