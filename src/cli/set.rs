//! `--set FIELD=VALUE` for `rolo edit`.

use super::{CliError, usage};
use crate::model::{Person, Phone};

/// `FIELD=VALUE` onto a person. Lists are comma separated.
pub(super) fn apply_set(p: &mut Person, set: &str) -> Result<(), CliError> {
    let (field, value) = set
        .split_once('=')
        .ok_or_else(|| usage(format!("--set needs FIELD=VALUE, got '{set}'")))?;
    let list = || {
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    match field {
        "givenName" => p.given_name = value.into(),
        "familyName" => p.family_name = value.into(),
        "additionalName" => p.additional_name = value.into(),
        "honorificPrefix" => p.honorific_prefix = value.into(),
        "company" => p.company = value.into(),
        "jobTitle" => p.job_title = value.into(),
        "linkedin" => p.linkedin = value.into(),
        "emails" | "email" => p.emails = list(),
        "phones" | "phone" => {
            p.phones = list()
                .into_iter()
                .map(|number| Phone {
                    number,
                    kind: String::new(),
                })
                .collect()
        }
        "tags" => p.tags = list(),
        "street" => p.address.street = value.into(),
        "postalCode" => p.address.postal_code = value.into(),
        "city" => p.address.city = value.into(),
        "region" => p.address.region = value.into(),
        "country" => p.address.country = value.into(),
        other => match other.strip_prefix("custom.") {
            Some(key) if !key.is_empty() => {
                p.custom_fields
                    .insert(key.to_string(), serde_json::Value::String(value.into()));
            }
            _ => {
                return Err(usage(format!(
                    "unknown field '{other}' (givenName, familyName, emails, phones, company, jobTitle, tags, street, postalCode, city, region, country, linkedin, custom.KEY)"
                )));
            }
        },
    }
    Ok(())
}
