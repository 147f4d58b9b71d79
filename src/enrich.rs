//! Enrichment, backend-neutral: offline proposals (what can be derived from
//! a record without a network), applying an accepted proposal, and the
//! field-by-field difference a server-side enrichment job made (Introzy),
//! so it can be shown and each change kept or undone. Nothing here is
//! applied without the user's say.

use crate::backend::FieldProposal;
use crate::model::{CustomFieldDef, Person, PersonField};
use phonenumber::{Mode, country};
use serde_json::Value;

/// Mail providers whose domain says nothing about the person's employer.
const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "proton.me",
    "protonmail.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "naver.com",
];

/// "sales.acme-corp.co.uk" -> "Acme Corp".
pub fn company_from_domain(domain: &str) -> Option<String> {
    let domain = domain.to_ascii_lowercase();
    if FREEMAIL.contains(&domain.as_str()) {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() < 2 {
        return None;
    }
    // Skip second-level public suffixes like co.uk, com.au.
    let second_level = ["co", "com", "org", "net", "ac", "gov", "ne", "or"];
    let idx = if labels.len() >= 3 && second_level.contains(&labels[labels.len() - 2]) {
        labels.len() - 3
    } else {
        labels.len() - 2
    };
    let name = labels[idx]
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// The ISO country of an address, when it names one we can parse numbers for.
fn region_of(person: &Person) -> Option<country::Id> {
    let c = person.address.country.trim();
    if c.len() == 2 {
        c.to_ascii_uppercase().parse().ok()
    } else {
        None
    }
}

/// A phone number in E.164, parsed in the person's country when it has no
/// leading `+`. `None` when it cannot be parsed or is not a valid number.
pub fn phone_to_e164(number: &str, region: Option<country::Id>) -> Option<String> {
    let parsed = phonenumber::parse(region, number).ok()?;
    if !phonenumber::is_valid(&parsed) {
        return None;
    }
    Some(parsed.format().mode(Mode::E164).to_string())
}

/// Canonical form of a LinkedIn profile reference: `https://www.linkedin.com/in/<slug>`.
pub fn canonical_linkedin(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let without_scheme = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let slug = if let Some(pos) = without_scheme.find("linkedin.com/in/") {
        &without_scheme[pos + "linkedin.com/in/".len()..]
    } else if !without_scheme.contains('/') && !without_scheme.contains('.') {
        without_scheme // a bare profile id
    } else {
        return None;
    };
    let slug = slug
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .trim_matches('/');
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '%')
    {
        return None;
    }
    Some(format!("https://www.linkedin.com/in/{slug}"))
}

/// Everything offline enrichment would change, one proposal per field.
pub fn offline_proposals(person: &Person) -> Vec<FieldProposal> {
    let mut out = Vec::new();
    if person.company.trim().is_empty()
        && let Some(company) = person
            .emails
            .iter()
            .filter_map(|e| e.split_once('@').map(|(_, d)| d))
            .find_map(company_from_domain)
    {
        out.push(FieldProposal {
            field: PersonField::Company.key().into(),
            current: String::new(),
            proposed: company,
        });
    }
    let region = region_of(person);
    for (i, phone) in person.phones.iter().enumerate() {
        if let Some(e164) = phone_to_e164(&phone.number, region)
            && e164 != phone.number
        {
            out.push(FieldProposal {
                field: format!("phones[{i}]"),
                current: phone.number.clone(),
                proposed: e164,
            });
        }
    }
    let initials = person.derived_initials();
    if !initials.is_empty() && person.initials != initials {
        out.push(FieldProposal {
            field: "initials".into(),
            current: person.initials.clone(),
            proposed: initials,
        });
    }
    if let Some(url) = canonical_linkedin(&person.linkedin)
        && url != person.linkedin
    {
        out.push(FieldProposal {
            field: PersonField::Linkedin.key().into(),
            current: person.linkedin.clone(),
            proposed: url,
        });
    }
    out
}

/// Apply one accepted proposal to a person: a field of the catalogue by its
/// key (`jobTitle`), a phone by index (`phones[0]`), a custom field
/// (`customFields.cf_x`), a server field rolo keeps verbatim
/// (`extra.twitter`) or `initials`. Unknown fields are ignored and
/// reported as `false`.
pub fn apply_proposal(person: &mut Person, proposal: &FieldProposal) -> bool {
    let value = proposal.proposed.clone();
    let field = proposal.field.as_str();
    if let Some(key) = field.strip_prefix("extra.") {
        // Server fields rolo does not model (Rhythm's social links).
        if key.is_empty() {
            return false;
        }
        person.extra.insert(key.to_string(), Value::String(value));
        return true;
    }
    if let Some(key) = field.strip_prefix("customFields.") {
        if key.is_empty() {
            return false;
        }
        person
            .custom_fields
            .insert(key.to_string(), Value::String(value));
        return true;
    }
    if field == "initials" {
        person.initials = value;
        return true;
    }
    if let Some(f) = catalogue_field(field) {
        f.set(person, &value);
        return true;
    }
    let Some(idx) = field
        .strip_prefix("phones[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return false;
    };
    match person.phones.get_mut(idx) {
        Some(phone) => {
            phone.number = value;
            true
        }
        None => false,
    }
}

/// The catalogue field whose key is exactly `path`.
fn catalogue_field(path: &str) -> Option<PersonField> {
    PersonField::all().find(|f| f.key() == path)
}

fn value_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What changed from `before` to `after`, one entry per field, in the
/// catalogue's order: each of `fields` (what the backend stores), then
/// custom fields by key and server fields rolo keeps verbatim (`extra`).
/// `current` is the old value and `proposed` the new one, as users read
/// them (a select shows its option's label). Bookkeeping (ids, versions,
/// timestamps) is not a change.
pub fn changes(
    before: &Person,
    after: &Person,
    fields: &[PersonField],
    defs: &[CustomFieldDef],
) -> Vec<FieldProposal> {
    let mut out = Vec::new();
    let mut push = |field: String, current: String, proposed: String| {
        if current != proposed {
            out.push(FieldProposal {
                field,
                current,
                proposed,
            });
        }
    };
    for &f in fields.iter().filter(|f| **f != PersonField::CustomFields) {
        push(f.key().to_string(), f.get(before), f.get(after));
    }
    let display = |key: &str, v: Option<&Value>| match (defs.iter().find(|d| d.key == key), v) {
        (Some(def), Some(v)) => def.display(v),
        (_, v) => value_text(v),
    };
    let mut keys: Vec<&String> = before
        .custom_fields
        .keys()
        .chain(after.custom_fields.keys())
        .collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        push(
            format!("customFields.{k}"),
            display(k, before.custom_fields.get(k)),
            display(k, after.custom_fields.get(k)),
        );
    }
    let mut keys: Vec<&String> = before.extra.keys().chain(after.extra.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        push(
            format!("extra.{k}"),
            value_text(before.extra.get(k)),
            value_text(after.extra.get(k)),
        );
    }
    out
}

/// Put `field` of `to` back to its value in `from` (undoing one change of
/// [`changes`]), keeping the value's JSON type. `false` for a field rolo
/// cannot write (`extra.*`) or does not know.
pub fn copy_field(from: &Person, to: &mut Person, field: &str) -> bool {
    if let Some(key) = field.strip_prefix("customFields.") {
        match from.custom_fields.get(key) {
            Some(v) => to.custom_fields.insert(key.to_string(), v.clone()),
            None => to.custom_fields.remove(key),
        };
        return true;
    }
    match catalogue_field(field) {
        Some(PersonField::CustomFields) | None => false,
        Some(f) => {
            f.set(to, &f.get(from));
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Phone;

    #[test]
    fn company_comes_from_a_work_domain_not_a_freemail() {
        assert_eq!(
            company_from_domain("acme-corp.com").as_deref(),
            Some("Acme Corp")
        );
        assert_eq!(
            company_from_domain("sales.initech.co.uk").as_deref(),
            Some("Initech")
        );
        assert_eq!(company_from_domain("gmail.com"), None);
    }

    #[test]
    fn phones_normalise_to_e164_in_the_persons_country() {
        let nl = "NL".parse().ok();
        assert_eq!(
            phone_to_e164("06 12345678", nl).as_deref(),
            Some("+31612345678")
        );
        assert_eq!(
            phone_to_e164("+1 (415) 555-2671", None).as_deref(),
            Some("+14155552671")
        );
        assert_eq!(phone_to_e164("not a number", None), None);
    }

    #[test]
    fn linkedin_urls_become_canonical() {
        assert_eq!(
            canonical_linkedin("http://linkedin.com/in/Jane-Doe/?trk=x").as_deref(),
            Some("https://www.linkedin.com/in/jane-doe")
        );
        assert_eq!(canonical_linkedin("example.com/foo"), None);
    }

    #[test]
    fn proposals_never_touch_a_filled_company_and_apply_one_by_one() {
        let mut p = Person {
            given_name: "Jane".into(),
            family_name: "Doe".into(),
            company: "Existing BV".into(),
            emails: vec!["jane@globex.com".into()],
            phones: vec![Phone {
                number: "+31 6 12345678".into(),
                kind: "mobile".into(),
            }],
            ..Default::default()
        };
        let props = offline_proposals(&p);
        let fields: Vec<_> = props.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["phones[0]", "initials"]);
        assert!(apply_proposal(&mut p, &props[0]));
        assert_eq!(p.phones[0].number, "+31612345678");
        assert_eq!(p.initials, "");
        let twitter = FieldProposal {
            field: "extra.twitter".into(),
            current: String::new(),
            proposed: "@jane".into(),
        };
        assert!(apply_proposal(&mut p, &twitter));
        assert_eq!(p.extra["twitter"], "@jane");
        let unknown = FieldProposal {
            field: "nonsense".into(),
            current: String::new(),
            proposed: "x".into(),
        };
        assert!(!apply_proposal(&mut p, &unknown));
    }

    #[test]
    fn a_jobs_changes_are_listed_per_field_and_undone_one_by_one() {
        use crate::model::{CustomFieldKind, FieldOption};
        let before = Person {
            given_name: "Ann".into(),
            custom_fields: [("cf_source".to_string(), serde_json::json!("web"))].into(),
            ..Default::default()
        };
        let mut after = before.clone();
        after.given_name = "Anna".into();
        after
            .custom_fields
            .insert("cf_source".into(), serde_json::json!("conf"));
        after
            .custom_fields
            .insert("cf_seats".into(), serde_json::json!(40));
        after
            .extra
            .insert("latitude".into(), serde_json::json!(1.5));
        after.version = Some("v2".into());
        let defs = [CustomFieldDef {
            key: "cf_source".into(),
            label: "Source".into(),
            kind: CustomFieldKind::Select,
            filterable: false,
            sortable: false,
            required: false,
            options: vec![
                FieldOption {
                    value: "web".into(),
                    label: "Website".into(),
                    color: None,
                },
                FieldOption {
                    value: "conf".into(),
                    label: "Conference".into(),
                    color: None,
                },
            ],
            display_order: 0,
        }];
        let fields = [PersonField::GivenName, PersonField::CustomFields];
        let list = changes(&before, &after, &fields, &defs);
        let shown: Vec<_> = list
            .iter()
            .map(|c| format!("{}: {} -> {}", c.field, c.current, c.proposed))
            .collect();
        assert_eq!(
            shown,
            [
                "givenName: Ann -> Anna",
                "customFields.cf_seats:  -> 40",
                "customFields.cf_source: Website -> Conference",
                "extra.latitude:  -> 1.5",
            ]
        );
        let mut undone = after.clone();
        assert!(copy_field(&before, &mut undone, "customFields.cf_seats"));
        assert!(copy_field(&before, &mut undone, "customFields.cf_source"));
        assert!(copy_field(&before, &mut undone, "givenName"));
        assert!(!copy_field(&before, &mut undone, "extra.latitude"));
        assert_eq!(undone.custom_fields, before.custom_fields);
        assert_eq!(undone.given_name, "Ann");
    }
}
