//! Merging duplicate records into one survivor: what the user picked per
//! field, and the one record those picks give. Pure, so the review pane's
//! preview, `rolo merge`, the outbox's queued merge and its read-back all
//! compute the same survivor.
//!
//! The rule where the user picked nothing: the survivor's value wins where
//! both have one, otherwise the first other record's value is taken; lists
//! (emails, phones, tags) are unioned; custom fields and unknown server
//! fields are unioned by key, the survivor's winning. Notes are not part of a
//! person: whoever carries out the merge moves them.

use super::{Person, PersonField, PersonId, Phone};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the user chose for one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldPick {
    /// One record's value: 0 is the survivor, `n` is `others[n - 1]`.
    Record(usize),
    /// Lists only: every record's entries, the survivor's first, no repeats.
    Union,
}

/// A merge as the user asked for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergePlan {
    pub survivor: PersonId,
    /// Merged into the survivor, then archived or deleted.
    pub others: Vec<PersonId>,
    /// Fields the user decided; the rest follow the module's rule.
    #[serde(default)]
    pub picks: BTreeMap<PersonField, FieldPick>,
    /// Delete the others where the backend can, instead of archiving them.
    #[serde(default)]
    pub delete_others: bool,
}

impl MergePlan {
    pub fn new(survivor: PersonId, others: Vec<PersonId>) -> Self {
        MergePlan {
            survivor,
            others,
            picks: BTreeMap::new(),
            delete_others: false,
        }
    }
}

/// Whether the field holds a list the user may keep whole ("keep both").
pub fn is_list_field(field: PersonField) -> bool {
    matches!(
        field,
        PersonField::Emails | PersonField::Phones | PersonField::Tags
    )
}

/// The survivor after the merge. `records[0]` is the survivor, the rest are
/// `plan.others` in order. The survivor's id, version and bookkeeping stay.
pub fn merged_person(records: &[Person], plan: &MergePlan) -> Person {
    let Some(survivor) = records.first() else {
        return Person::default();
    };
    let mut merged = survivor.clone();
    let record = |n: usize| records.get(n).unwrap_or(survivor);
    for field in PersonField::all() {
        let pick = plan.picks.get(&field).copied();
        match field {
            PersonField::Emails => {
                merged.emails = match pick {
                    Some(FieldPick::Record(n)) => record(n).emails.clone(),
                    _ => union_by(records, |p| &p.emails, |e| e.trim().to_lowercase()),
                }
            }
            PersonField::Phones => {
                merged.phones = match pick {
                    Some(FieldPick::Record(n)) => record(n).phones.clone(),
                    _ => union_by(records, |p| &p.phones, phone_key),
                }
            }
            PersonField::Tags => {
                merged.tags = match pick {
                    Some(FieldPick::Record(n)) => record(n).tags.clone(),
                    _ => union_by(records, |p| &p.tags, |t| t.trim().to_lowercase()),
                };
                for other in records.iter().skip(1) {
                    for (tag, colour) in &other.tag_colors {
                        merged
                            .tag_colors
                            .entry(tag.clone())
                            .or_insert_with(|| colour.clone());
                    }
                    for (tag, colour) in &other.tag_text_colors {
                        merged
                            .tag_text_colors
                            .entry(tag.clone())
                            .or_insert_with(|| colour.clone());
                    }
                }
            }
            PersonField::CustomFields => {
                // Every key of every record survives; a pick decides collisions.
                let winner = match pick {
                    Some(FieldPick::Record(n)) => n,
                    _ => 0,
                };
                let mut custom = BTreeMap::new();
                for (n, p) in records.iter().enumerate().rev() {
                    if n != winner {
                        custom.extend(p.custom_fields.clone());
                    }
                }
                custom.extend(record(winner).custom_fields.clone());
                merged.custom_fields = custom;
            }
            // The structured parts carry the address; the one-line form only
            // matters when the user picked it.
            PersonField::AddressLine => {
                if let Some(FieldPick::Record(n)) = pick {
                    merged.address = record(n).address.clone();
                }
            }
            _ => {
                let value = match pick {
                    Some(FieldPick::Record(n)) => field.get(record(n)),
                    _ => records
                        .iter()
                        .map(|p| field.get(p))
                        .find(|v| !v.trim().is_empty())
                        .unwrap_or_default(),
                };
                field.set(&mut merged, &value);
            }
        }
    }
    if merged.initials.is_empty()
        && let Some(p) = records.iter().find(|p| !p.initials.is_empty())
    {
        merged.initials = p.initials.clone();
    }
    for other in records.iter().skip(1) {
        for (key, value) in &other.extra {
            merged
                .extra
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    merged.normalize()
}

/// Every record's entries in order, the first of each key kept.
fn union_by<T: Clone, K: PartialEq>(
    records: &[Person],
    list: impl Fn(&Person) -> &Vec<T>,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut seen: Vec<K> = Vec::new();
    let mut out = Vec::new();
    for item in records.iter().flat_map(|p| list(p).iter()) {
        let k = key(item);
        if !seen.contains(&k) {
            seen.push(k);
            out.push(item.clone());
        }
    }
    out
}

/// Two spellings of one number are the same entry: digits and a leading `+`.
fn phone_key(phone: &Phone) -> String {
    phone
        .number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person(id: &str) -> Person {
        Person {
            id: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn survivor_wins_where_both_have_a_value_and_gaps_are_filled() {
        let mut a = person("a");
        a.given_name = "Ann".into();
        a.company = "Acme".into();
        let mut b = person("b");
        b.given_name = "Anne".into();
        b.job_title = "CTO".into();
        let plan = MergePlan::new("a".into(), vec!["b".into()]);
        let m = merged_person(&[a, b], &plan);
        assert_eq!(m.id, "a");
        assert_eq!(m.given_name, "Ann");
        assert_eq!(m.company, "Acme");
        assert_eq!(m.job_title, "CTO");
        assert_eq!(m.display_name, "Ann");
    }

    #[test]
    fn lists_are_unioned_without_repeats_and_picks_override() {
        let mut a = person("a");
        a.emails = vec!["ann@acme.com".into()];
        a.phones = vec![Phone {
            number: "+31 6 1234".into(),
            kind: "mobile".into(),
        }];
        a.tags = vec!["vip".into()];
        let mut b = person("b");
        b.emails = vec!["ANN@acme.com".into(), "ann@home.nl".into()];
        b.phones = vec![Phone {
            number: "+3161234".into(),
            kind: String::new(),
        }];
        b.tags = vec!["lead".into()];
        b.tag_colors.insert("lead".into(), "#ff0000".into());
        let mut plan = MergePlan::new("a".into(), vec!["b".into()]);
        let m = merged_person(&[a.clone(), b.clone()], &plan);
        assert_eq!(m.emails, vec!["ann@acme.com", "ann@home.nl"]);
        assert_eq!(m.phones.len(), 1);
        assert_eq!(m.tags, vec!["vip", "lead"]);
        assert_eq!(
            m.tag_colors.get("lead").map(String::as_str),
            Some("#ff0000")
        );
        plan.picks.insert(PersonField::Emails, FieldPick::Record(1));
        plan.picks
            .insert(PersonField::GivenName, FieldPick::Record(1));
        let m = merged_person(&[a, b], &plan);
        assert_eq!(m.emails, vec!["ANN@acme.com", "ann@home.nl"]);
    }

    #[test]
    fn custom_fields_and_unknown_server_fields_are_never_dropped() {
        let mut a = person("a");
        a.custom_fields.insert("tier".into(), json!("gold"));
        a.extra.insert("crm_score".into(), json!(3));
        let mut b = person("b");
        b.custom_fields.insert("tier".into(), json!("silver"));
        b.custom_fields.insert("source".into(), json!("fair"));
        b.extra.insert("crm_score".into(), json!(9));
        b.extra.insert("legacy_id".into(), json!("L-7"));
        let mut plan = MergePlan::new("a".into(), vec!["b".into()]);
        let m = merged_person(&[a.clone(), b.clone()], &plan);
        assert_eq!(m.custom_fields["tier"], json!("gold"));
        assert_eq!(m.custom_fields["source"], json!("fair"));
        assert_eq!(m.extra["crm_score"], json!(3));
        assert_eq!(m.extra["legacy_id"], json!("L-7"));
        plan.picks
            .insert(PersonField::CustomFields, FieldPick::Record(1));
        let m = merged_person(&[a, b], &plan);
        assert_eq!(m.custom_fields["tier"], json!("silver"));
        assert_eq!(m.custom_fields.len(), 2);
    }

    #[test]
    fn a_plan_round_trips_through_json_for_the_outbox() {
        let mut plan = MergePlan::new("a".into(), vec!["b".into(), "c".into()]);
        plan.picks
            .insert(PersonField::Company, FieldPick::Record(2));
        plan.picks.insert(PersonField::Tags, FieldPick::Union);
        let text = serde_json::to_string(&plan).unwrap();
        let back: MergePlan = serde_json::from_str(&text).unwrap();
        assert_eq!(back, plan);
    }
}
