//! The names users read for any field path rolo shows outside the form:
//! enrichment proposals and results, change lists, conflicts. A path is a
//! [`PersonField`] key (`jobTitle`), an indexed list item (`phones[0]`), a
//! custom field (`customFields.cf_lead_source`) or a server field rolo keeps
//! verbatim (`extra.twitter`); none of them is ever shown raw.

use super::{CustomFieldDef, PersonField};

/// Server fields (kept in `Person::extra`) whose names read badly when
/// merely humanised.
const KNOWN_EXTRA: &[(&str, &str)] = &[
    ("image_url", "Photo URL"),
    ("avatar", "Photo URL"),
    ("linked_in", "LinkedIn"),
    ("linkedinUrl", "LinkedIn URL"),
    ("linkedin_url", "LinkedIn URL"),
    ("twitter", "Twitter"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("jobTitle", "Job title"),
    ("job_title", "Job title"),
];

/// Words that keep their own capitals when a key is humanised.
const WORDS: &[(&str, &str)] = &[
    ("url", "URL"),
    ("id", "ID"),
    ("api", "API"),
    ("vat", "VAT"),
    ("crm", "CRM"),
    ("linkedin", "LinkedIn"),
    ("iban", "IBAN"),
];

/// The label for `path`; custom fields use their definition's label.
pub fn field_label(path: &str, defs: &[CustomFieldDef]) -> String {
    if let Some(key) = path.strip_prefix("customFields.") {
        return defs
            .iter()
            .find(|d| d.key == key)
            .map(|d| d.label.clone())
            .unwrap_or_else(|| humanize_key(key));
    }
    if let Some(key) = path.strip_prefix("extra.") {
        return KNOWN_EXTRA
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| humanize_key(key));
    }
    if let Some((list, rest)) = path.split_once('[') {
        let index = rest
            .trim_end_matches(']')
            .parse::<usize>()
            .map(|i| format!(" {}", i + 1))
            .unwrap_or_default();
        let item = match list {
            "phones" => "Phone".to_string(),
            "emails" => "Email".to_string(),
            "tags" => "Tag".to_string(),
            other => humanize_key(other),
        };
        return format!("{item}{index}");
    }
    match path {
        "initials" => "Initials".into(),
        "archived" => "Archived".into(),
        "address" => PersonField::AddressLine.label().into(),
        _ => PersonField::all()
            .find(|f| f.key() == path)
            .map(|f| f.label().to_string())
            .unwrap_or_else(|| humanize_key(path)),
    }
}

/// `cf_lead_source` -> "Lead source", `linkedinUrl` -> "LinkedIn URL",
/// `image_url` -> "Image URL".
pub fn humanize_key(key: &str) -> String {
    let key = key.strip_prefix("cf_").unwrap_or(key);
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' || c == '.' || c == ' ' {
            words.push(std::mem::take(&mut word));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    words.push(word);
    let words: Vec<String> = words
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| {
            WORDS
                .iter()
                .find(|(k, _)| *k == w)
                .map(|(_, v)| v.to_string())
                .unwrap_or(w)
        })
        .collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => key.to_string(),
    }
}

/// Whether a custom field (by key or label) holds what rolo calls the job
/// title, so a CRM without a job-title field (Introzy) can say where it
/// keeps one.
pub fn means_job_title(key: &str, label: &str) -> bool {
    let norm = |s: &str| -> String {
        let s = s.strip_prefix("cf_").unwrap_or(s);
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    const SAME: &[&str] = &[
        "jobtitle",
        "title",
        "position",
        "jobposition",
        "role",
        "jobrole",
        "function",
        "jobfunction",
        "professionaltitle",
        "headline",
    ];
    SAME.contains(&norm(key).as_str()) || SAME.contains(&norm(label).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CustomFieldKind;

    #[test]
    fn every_kind_of_path_reads_as_words() {
        let defs = [CustomFieldDef {
            key: "cf_lead_source".into(),
            label: "Source of lead".into(),
            kind: CustomFieldKind::Select,
            filterable: false,
            sortable: false,
            required: false,
            options: vec![],
            display_order: 0,
        }];
        let l = |p: &str| field_label(p, &defs);
        assert_eq!(l("jobTitle"), "Job title");
        assert_eq!(l("givenName"), "Given name");
        assert_eq!(l("linkedin"), "LinkedIn");
        assert_eq!(l("phones[0]"), "Phone 1");
        assert_eq!(l("emails[2]"), "Email 3");
        assert_eq!(l("customFields.cf_lead_source"), "Source of lead");
        assert_eq!(l("customFields.cf_enriched_at"), "Enriched at");
        assert_eq!(l("extra.twitter"), "Twitter");
        assert_eq!(l("extra.image_url"), "Photo URL");
        assert_eq!(l("extra.linkedinUrl"), "LinkedIn URL");
        assert_eq!(l("extra.companySizeBand"), "Company size band");
        assert_eq!(l("address"), "Address");
    }

    #[test]
    fn job_title_synonyms_are_recognised() {
        assert!(means_job_title("cf_job_title", "Job title"));
        assert!(means_job_title("cf_x", "Position"));
        assert!(means_job_title("cf_title", ""));
        assert!(!means_job_title("cf_department", "Department"));
    }
}
