//! rolo's shared test support, a library every test binary (and the
//! benches) links: fake servers for the three CRMs that answer as their
//! documents do, with faults on demand; fixtures for driving the app; and
//! helpers for running the real binary.
//!
//! - [`fake_rogerroger`], [`fake_introzy`], [`fake_rhythm`]: the fakes, on
//!   [`fake_core`] (serving, the in-memory records, paging, auth) and
//!   [`faults`] (request log, injected and seeded faults); [`doc_shapes`]
//!   reads the documents' own examples to check the fakes against.
//! - [`backends`]: the three fakes behind one trait, for suites that run
//!   the same scenario on each; [`proxy`]: a TCP proxy that takes a server
//!   down and brings it back.
//! - [`app`]: a cast of people and key presses for `update` and the UI.
//! - [`http`]: the HTTP settings tests use; [`sandbox`]: a private HOME for
//!   the binary; [`pty`]: the binary in a pseudo-terminal.

pub mod app;
pub mod backends;
pub mod doc_shapes;
pub mod fake_core;
pub mod fake_introzy;
pub mod fake_rhythm;
pub mod fake_rogerroger;
pub mod faults;
pub mod http;
pub mod output;
pub mod proxy;
pub mod pty;
pub mod sandbox;

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
