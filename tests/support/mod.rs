//! Shared test support: fake servers and deterministic sample people.
//!
//! `tests/contract.rs` declares `mod support;`. Fake servers that use
//! `super::faults` work unchanged when declared here.

#![allow(dead_code)]

pub mod fake_introzy;
pub mod fake_rhythm;
pub mod fake_rogerroger;
pub mod faults;

use rolo::model::{Address, Person, Phone};

const GIVEN: [&str; 8] = [
    "Ada", "Brian", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro",
];
const FAMILY: [&str; 8] = [
    "Lovelace",
    "Kernighan",
    "Dubois",
    "Ivanov",
    "Jansen",
    "Haddad",
    "Hopper",
    "Tanaka",
];

/// Person `i` of a deterministic sample: unique family name and email, a
/// phone, a job title and an address, so every mapped field gets exercised.
pub fn sample_person(i: usize) -> Person {
    let given = GIVEN[i % GIVEN.len()];
    let family = format!("{}{i:04}", FAMILY[i % FAMILY.len()]);
    Person {
        given_name: given.to_string(),
        family_name: family.clone(),
        emails: vec![format!(
            "{}.{}@example.test",
            given.to_lowercase(),
            family.to_lowercase()
        )],
        phones: vec![Phone {
            number: format!("+31 6 {:08}", 10_000_000 + i),
            kind: "mobile".into(),
        }],
        job_title: ["Engineer", "Founder", "Buyer", "Director"][i % 4].to_string(),
        address: Address {
            street: format!("Keizersgracht {}", i + 1),
            postal_code: "1015 CJ".into(),
            city: "Amsterdam".into(),
            country: "NL".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// `n` sample people.
pub fn sample_people(n: usize) -> Vec<Person> {
    (0..n).map(sample_person).collect()
}
