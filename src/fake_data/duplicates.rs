//! Duplicates planted among generated people, for the duplicate finder's
//! tests and benchmark: copies of existing people as another import would
//! have written them (the address in other case or Gmail spelling, the
//! number with the name's accents lost, an initial
//! for the given name at the same company).

use crate::model::{Person, PersonWithNotes};
use fastrand::Rng;

/// How a planted copy differs from its original, and what should find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planted {
    /// The first email rewritten (case; dots and `+tag` on Gmail): "same email".
    Email,
    /// The first phone as it was, the name's accents and case dropped: "same phone".
    Phone,
    /// "J. Family" at the same company, no email or phone: "similar name, same company".
    Initial,
}

/// Append about `per_thousand` copies per 1,000 people, chosen by `seed`;
/// each copy's id is `dup-N-<original id>`. Returns (copy id, original id,
/// how) for each.
pub fn plant_duplicates(
    people: &mut Vec<PersonWithNotes>,
    per_thousand: u32,
    seed: u64,
) -> Vec<(String, String, Planted)> {
    let mut rng = Rng::with_seed(seed ^ 0x00d0_b1e5);
    let mut planted = Vec::new();
    let originals = people.len();
    for i in 0..originals {
        if rng.u32(..1000) >= per_thousand {
            continue;
        }
        let original = &people[i].person;
        let how = match rng.u8(..3) {
            1 if !original.phones.is_empty() => Planted::Phone,
            // Scripts without case (Chinese, Japanese, ...) write no initials.
            2 if !original.company.is_empty()
                && original
                    .given_name
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase) =>
            {
                Planted::Initial
            }
            _ if !original.emails.is_empty() => Planted::Email,
            _ => continue,
        };
        let mut copy = variant(original, how, &mut rng);
        copy.id = format!("dup-{}-{}", planted.len() + 1, original.id);
        planted.push((copy.id.clone(), original.id.clone(), how));
        people.push(PersonWithNotes {
            person: copy,
            notes: Vec::new(),
        });
    }
    planted
}

fn variant(original: &Person, how: Planted, rng: &mut Rng) -> Person {
    let mut copy = Person {
        given_name: original.given_name.clone(),
        family_name: original.family_name.clone(),
        created_at: original.created_at.clone(),
        updated_at: original.updated_at.clone(),
        ..Default::default()
    };
    match how {
        Planted::Email => {
            let email = &original.emails[0];
            copy.emails = vec![match email.split_once('@') {
                Some((local, "gmail.com")) if rng.bool() => {
                    format!("{}+import@gmail.com", local.replace('.', ""))
                }
                _ => email.to_uppercase(),
            }];
            copy.job_title = original.job_title.clone();
        }
        Planted::Phone => {
            copy.phones = vec![original.phones[0].clone()];
            // Read in the same country as the original's number.
            copy.address.country = original.address.country.clone();
            copy.given_name = crate::model::dedupe::fold(&original.given_name);
            copy.family_name = crate::model::dedupe::fold(&original.family_name);
        }
        Planted::Initial => {
            let initial: String = original.given_name.chars().take(1).collect();
            copy.given_name = format!("{initial}.");
            copy.company = original.company.to_uppercase();
        }
    }
    copy.normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_data::generate_people;
    use crate::store::Store;

    #[test]
    fn every_planted_copy_is_found_beside_its_original() {
        let mut people = generate_people(3_000, 7);
        let planted = plant_duplicates(&mut people, 20, 7);
        assert!(planted.len() > 30, "{}", planted.len());
        for how in [Planted::Email, Planted::Phone, Planted::Initial] {
            assert!(planted.iter().any(|p| p.2 == how), "{how:?} planted");
        }
        let mut store = Store::open_in_memory().unwrap();
        store.import(&people).unwrap();
        let us = crate::model::dedupe::region("US").unwrap();
        let groups = store.find_duplicates(us).unwrap();
        let archived: std::collections::HashSet<&str> = people
            .iter()
            .filter(|p| p.person.archived)
            .map(|p| p.person.id.as_str())
            .collect();
        for (copy, original, how) in &planted {
            if archived.contains(original.as_str()) {
                continue;
            }
            assert!(
                groups
                    .iter()
                    .any(|g| g.members.contains(copy) && g.members.contains(original)),
                "{how:?}: {copy} and {original} not grouped"
            );
        }
    }
}
