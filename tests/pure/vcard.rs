//! vCard import and export through `rolo::format::vcard`: what each field
//! reads from a card, and that import then export gives the same card back
//! (photos, several TEL/ADR/EMAIL with types, BDAY, X- properties, grouped
//! `item1.` lines, folded lines, non-ASCII text), in 3.0 and 4.0.

use calcard::vcard::{VCard, VCardProperty};
use calcard::{Entry, Parser};
use rolo::format::vcard::{Version, parse, write};

const V3: &str = include_str!("../fixtures/vcard/v3-full.vcf");
const V4: &str = include_str!("../fixtures/vcard/v4-full.vcf");
const TWO: &str = include_str!("../fixtures/vcard/two.vcf");

fn cards(text: &str) -> Vec<VCard> {
    let mut parser = Parser::new(text);
    let mut out = Vec::new();
    loop {
        match parser.entry() {
            Entry::VCard(c) => out.push(c),
            Entry::Eof => return out,
            other => panic!("not a card: {other:?}"),
        }
    }
}

/// A card's properties as the parser reads them, order aside.
fn properties(card: &VCard) -> Vec<String> {
    let mut props: Vec<String> = card
        .entries
        .iter()
        .filter(|e| !matches!(e.name, VCardProperty::Version))
        .map(|e| format!("{e:?}"))
        .collect();
    props.sort();
    props
}

fn one(text: &str) -> rolo::format::Imported {
    let mut all = parse(text);
    assert_eq!(all.len(), 1);
    all.remove(0).unwrap()
}

#[test]
fn a_3_0_card_maps_onto_the_catalogue_fields() {
    let got = one(V3);
    let p = &got.person;
    assert_eq!(p.honorific_prefix, "Dr.");
    assert_eq!(p.given_name, "José");
    assert_eq!(p.additional_name, "María");
    assert_eq!(p.family_name, "Núñez García");
    assert_eq!(
        p.emails,
        ["jose@nandu.es", "pepe.nunez@correo.es", "josé@例え.jp"]
    );
    let phones: Vec<(&str, &str)> = p
        .phones
        .iter()
        .map(|ph| (ph.number.as_str(), ph.kind.as_str()))
        .collect();
    assert_eq!(
        phones,
        [
            ("+34 612 345 678", "mobile"),
            ("+34 91 123 45 67", "work"),
            ("+34 91 123 45 68", "work")
        ]
    );
    assert_eq!(p.company, "Ñandú Logística S.L.");
    assert_eq!(p.job_title, "Directora de Operaciones");
    assert_eq!(p.address.street, "Calle de Alcalá 269");
    assert_eq!(p.address.city, "Madrid");
    assert_eq!(p.address.postal_code, "28027");
    assert_eq!(p.address.country, "España");
    assert_eq!(p.linkedin, "https://www.linkedin.com/in/jose-nunez");
    assert_eq!(p.tags, ["vip", "clientes"]);
    assert_eq!(
        got.uid.as_deref(),
        Some("4f1c1f4e-6a5e-4b1e-9d0a-0c7c0d9b2e11")
    );
    for name in [
        "PHOTO",
        "BDAY",
        "X-SKYPE",
        "NOTE",
        "X-ABLABEL",
        "ADR",
        "URL",
    ] {
        assert!(
            got.unmapped.iter().any(|u| u.eq_ignore_ascii_case(name)),
            "{name} not reported in {:?}",
            got.unmapped
        );
    }
    assert!(!got.unmapped.iter().any(|u| u == "EMAIL" || u == "N"));
}

#[test]
fn import_then_export_gives_the_same_card_in_3_0_and_4_0() {
    for (text, version) in [(V3, Version::V3), (V4, Version::V4)] {
        let person = one(text).person;
        let out = write(&person, version);
        let (before, after) = (cards(text), cards(&out));
        assert_eq!(after.len(), 1, "{out}");
        assert_eq!(properties(&before[0]), properties(&after[0]), "{out}");
        // Written again, it is the same again (nothing drifts).
        let again = write(&one(&out).person, version);
        assert_eq!(out, again);
        assert!(out.lines().all(|l| l.len() <= 76), "lines folded: {out}");
    }
}

#[test]
fn a_card_converts_between_versions_keeping_its_values() {
    let person = one(V3).person;
    let v4 = write(&person, Version::V4);
    assert!(v4.contains("VERSION:4.0"), "{v4}");
    let back = one(&v4);
    assert_eq!(back.person.emails, person.emails);
    assert_eq!(back.person.phones, person.phones);
    assert_eq!(back.person.address, person.address);
    assert_eq!(
        back.uid.as_deref(),
        Some("4f1c1f4e-6a5e-4b1e-9d0a-0c7c0d9b2e11")
    );
    let bday = |c: &VCard| {
        c.entries
            .iter()
            .find(|e| e.name == VCardProperty::Bday)
            .map(|e| format!("{:?}", e.values))
    };
    assert_eq!(bday(&cards(&v4)[0]), bday(&cards(V3)[0]));
    let photo = |c: &VCard| {
        c.entries
            .iter()
            .find(|e| e.name == VCardProperty::Photo)
            .map(|e| format!("{:?}", e.values))
    };
    assert_eq!(photo(&cards(&v4)[0]), photo(&cards(V3)[0]));
}

#[test]
fn an_edited_field_is_written_from_the_person_and_the_rest_kept() {
    let mut person = one(V3).person;
    person.emails[1] = "new@correo.es".into();
    person.job_title = "CEO".into();
    person.family_name = "Núñez".into();
    let out = write(&person, Version::V3);
    let back = one(&out);
    assert_eq!(back.person.emails.len(), 3);
    assert!(back.person.emails.contains(&"new@correo.es".to_string()));
    assert!(!out.contains("pepe.nunez@correo.es"), "{out}");
    assert_eq!(back.person.job_title, "CEO");
    assert_eq!(back.person.family_name, "Núñez");
    assert!(
        out.contains(":Dr. José María Núñez\r\n"),
        "FN from the names: {out}"
    );
    // The typed email that did not change keeps its TYPE; the photo stays.
    assert!(
        out.contains("EMAIL;TYPE=INTERNET,WORK,pref:jose@nandu.es"),
        "{out}"
    );
    assert!(out.contains("PHOTO"));
    assert!(out.contains("X-SKYPE:jose.nunez"));
}

#[test]
fn a_person_rolo_made_becomes_a_card_and_reads_back() {
    let p = rolo::model::Person {
        id: "local-7".into(),
        given_name: "Zoë".into(),
        family_name: "O'Brien".into(),
        emails: vec!["zoe@example.ie".into()],
        phones: rolo::model::field::parse_phones("+353 1 234 (work)"),
        company: "Harbour, Ltd.".into(),
        tags: vec!["vip".into()],
        ..Default::default()
    };
    for version in [Version::V3, Version::V4] {
        let out = write(&p, version);
        let back = one(&out);
        assert_eq!(back.uid.as_deref(), Some("local-7"));
        assert_eq!(back.person.given_name, "Zoë");
        assert_eq!(back.person.company, "Harbour, Ltd.");
        assert_eq!(back.person.phones, p.phones);
        assert_eq!(back.person.tags, p.tags);
        assert!(back.unmapped.is_empty(), "{:?}", back.unmapped);
    }
}

#[test]
fn a_file_of_several_cards_and_a_card_without_n() {
    let all: Vec<_> = parse(TWO).into_iter().map(Result::unwrap).collect();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].person.given_name, "Ana");
    assert_eq!(all[0].person.family_name, "López");
    assert_eq!(all[1].person.phones[0].number, "555-0100");
    assert!(
        parse("hello\r\n").iter().all(|r| r.is_err()),
        "no card in text"
    );
}
