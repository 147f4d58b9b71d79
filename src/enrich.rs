//! Offline enrichment: what can be derived from a record without a network.
//! Produces proposals only; applying one is a separate, explicit step, so a
//! non-empty field is never overwritten without the user accepting it.

use crate::backend::FieldProposal;
use crate::model::Person;
use phonenumber::{Mode, country};

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
            field: "company".into(),
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
            field: "linkedin".into(),
            current: person.linkedin.clone(),
            proposed: url,
        });
    }
    out
}

/// Apply one accepted proposal to a person. Unknown fields are ignored and
/// reported as `false`.
pub fn apply_proposal(person: &mut Person, proposal: &FieldProposal) -> bool {
    let value = proposal.proposed.clone();
    match proposal.field.as_str() {
        "company" => person.company = value,
        "initials" => person.initials = value,
        "linkedin" => person.linkedin = value,
        "jobTitle" => person.job_title = value,
        "givenName" => person.given_name = value,
        "familyName" => person.family_name = value,
        field if field.starts_with("extra.") => {
            // Server fields rolo does not model (Rhythm's social links).
            let key = &field["extra.".len()..];
            if key.is_empty() {
                return false;
            }
            person
                .extra
                .insert(key.to_string(), serde_json::Value::String(value));
        }
        field => {
            let Some(idx) = field
                .strip_prefix("phones[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse::<usize>().ok())
            else {
                return false;
            };
            match person.phones.get_mut(idx) {
                Some(phone) => phone.number = value,
                None => return false,
            }
        }
    }
    true
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
    }
}
