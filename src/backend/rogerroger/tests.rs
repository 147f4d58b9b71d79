use super::*;

/// A record shaped like the documents' examples: links as IRIs.
fn wire() -> Value {
    json!({
        "@context": "/contexts/Person", "@id": "/people/42", "@type": "Person",
        "id": "42", "familyName": "Doe", "givenName": "Jane", "additionalName": null,
        "honorificPrefix": "Dr", "initials": "JD", "customerId": "C-7", "isTracked": true,
        "linkedinId": "janedoe", "createdAt": "2024-01-01T10:00:00+00:00",
        "updatedAt": "2024-02-01T10:00:00+00:00", "archivedAt": null,
        "owner": "/users/3", "jobTitle": "CTO",
        "tags": ["/tags/1", "/tags/2"],
        "segments": ["/segments/9"],
        "organizations": ["/organizations/5"],
        "emailAddresses": [{"@context": "x", "@type": "EmailAddress", "email": "jane@acme.test"}],
        "phoneNumbers": [{"phoneNumber": "+31 20 1234567", "phoneType": "mobile"}],
        "address": {"@id": "/addresses/1", "street": "Main 1", "postalCode": "1000 AA", "city": "Amsterdam", "country": "NL"},
        "dealSize": 5000, "integrationParticipants": ["https://example.com/"]
    })
}

fn known() -> Vec<Reference> {
    let mut vip = Reference::new(RefKind::Tag, "/tags/1", "VIP");
    vip.color = Some("#f00".into());
    vip.text_color = Some("#fff".into());
    vec![
        vip,
        Reference::new(RefKind::Tag, "/tags/4", "Prospect"),
        Reference::new(RefKind::Organization, "/organizations/5", "Acme"),
        Reference::new(RefKind::Organization, "/organizations/6", "Globex"),
        Reference::new(RefKind::User, "/users/3", "Owen Owner"),
        Reference::new(RefKind::NoteCategory, "/note_categories/2", "Call"),
    ]
}

fn directory() -> Directory {
    let d = Directory::default();
    d.restore(known());
    d
}

fn read(v: Value, d: &Directory) -> (Person, PersonWire) {
    let w: PersonWire = serde_json::from_value(v).unwrap();
    (person_from(w.clone(), d).unwrap(), w)
}

#[test]
fn links_show_as_names_and_unknown_fields_are_kept() {
    let (p, _) = read(wire(), &directory());
    assert_eq!(p.id, "42");
    assert_eq!(p.full_name(), "Dr Jane Doe");
    assert_eq!(p.emails, ["jane@acme.test"]);
    assert_eq!(p.phones[0].kind, "mobile");
    assert_eq!(p.address.city, "Amsterdam");
    // /tags/2 is not known: a word, never the raw path.
    assert_eq!(p.tags, ["VIP", "tag 2"]);
    assert_eq!(p.tag_colors["VIP"], "#f00");
    assert_eq!(p.tag_text_colors["VIP"], "#fff");
    assert_eq!(p.company, "Acme");
    assert_eq!(p.owner, "Owen Owner");
    assert_eq!(p.version.as_deref(), Some("2024-02-01T10:00:00+00:00"));
    assert!(!p.archived);
    for key in [
        "@id",
        "customerId",
        "isTracked",
        "segments",
        "dealSize",
        "integrationParticipants",
    ] {
        assert!(p.extra.contains_key(key), "{key} missing from extra");
    }
    for key in ["familyName", "tags", "organizations", "owner"] {
        assert!(!p.extra.contains_key(key), "{key} in extra");
    }
}

#[test]
fn embedded_links_name_themselves() {
    let d = Directory::default();
    let mut v = wire();
    v["tags"] = json!([{"@id": "/tags/8", "title": "Key account", "backgroundColor": "#1e90ff"}]);
    let (p, _) = read(v, &d);
    assert_eq!(p.tags, ["Key account"]);
    assert_eq!(d.take_fresh().len(), 1, "remembered for the cache");
}

#[test]
fn patch_holds_only_changed_fields_with_names_as_iris() {
    let d = directory();
    let (base, current) = read(wire(), &d);
    let mut edited = base.clone();
    edited.job_title = "CEO".into();
    edited.address.city = "Utrecht".into();
    // Reorder, keep the unnamed one, add one by name.
    edited.tags = vec!["tag 2".into(), "VIP".into(), "prospect".into()];
    edited.company = "Acme, Globex".into();
    let patch = merge_patch(&base, &edited, &current, &d).unwrap();
    assert_eq!(
        Value::Object(patch),
        json!({"jobTitle": "CEO", "address": {"city": "Utrecht"},
               "tags": ["/tags/2", "/tags/1", "/tags/4"],
               "organizations": ["/organizations/5", "/organizations/6"]})
    );
    let same = merge_patch(&base, &base, &current, &d).unwrap();
    assert!(same.is_empty());
}

#[test]
fn unknown_names_are_refused_with_the_known_ones_not_dropped() {
    let d = directory();
    let (base, current) = read(wire(), &d);
    let mut edited = base.clone();
    edited.tags.push("Brand new".into());
    let err = merge_patch(&base, &edited, &current, &d).unwrap_err();
    let BackendError::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v[0].field, "tags");
    assert!(v[0].message.contains("'Brand new'"), "{}", v[0].message);
    assert!(v[0].message.contains("Prospect"), "{}", v[0].message);
    edited = base.clone();
    edited.address.region = "Noord-Holland".into();
    assert!(merge_patch(&base, &edited, &current, &d).is_err());
}

#[test]
fn emails_keep_server_objects_and_removals_become_null() {
    let d = directory();
    let (base, current) = read(wire(), &d);
    let mut edited = base.clone();
    edited.emails.push("j@home.test".into());
    edited.extra.remove("dealSize");
    let patch = merge_patch(&base, &edited, &current, &d).unwrap();
    assert_eq!(
        patch["emailAddresses"],
        json!([{"email": "jane@acme.test"}, {"email": "j@home.test"}])
    );
    assert_eq!(patch["dealSize"], Value::Null);
}

#[test]
fn create_body_sends_model_fields_links_as_iris_and_our_uuid() {
    let d = directory();
    let (mut p, _) = read(wire(), &d);
    p.tags = vec!["VIP".into()];
    p.owner = "Owen Owner".into();
    let body = create_body(&p, &d).unwrap();
    assert_eq!(body["familyName"], "Doe");
    assert_eq!(body["customerId"], "C-7");
    assert_eq!(body["tags"], json!(["/tags/1"]));
    assert_eq!(body["organizations"], json!(["/organizations/5"]));
    assert_eq!(body["owner"], "/users/3");
    assert_eq!(body["segments"], json!(["/segments/9"]));
    assert!(!body.contains_key("@id") && !body.contains_key("createdAt"));
    assert_eq!(body["additionalName"], Value::Null);
    assert!(!body.contains_key("id"), "'42' is not an id we chose");
    p.id = "0b6f3c1e-8d2a-4f57-9c1b-2e4d6a8f0c13".into();
    assert_eq!(create_body(&p, &d).unwrap()["id"], p.id.as_str());
    p.id = "local-0b6f3c1e8d2a4f579c1b2e4d6a8f0c13".into();
    assert!(!create_body(&p, &d).unwrap().contains_key("id"));
}

#[test]
fn ids_cannot_escape_the_path() {
    assert!(person_path("../admin").is_err());
    assert!(person_path("a/b").is_err());
    assert!(person_path("").is_err());
    assert!(person_path("..").is_err());
    assert_eq!(person_path("0193-ab_c").unwrap(), "/people/0193-ab_c");
    assert_eq!(safe_kind("/users/.."), None);
    assert_eq!(safe_kind("/tags/7"), Some(RefKind::Tag));
}

#[test]
fn notes_read_description_flag_category_and_author_names() {
    let d = directory();
    let w: NoteWire = serde_json::from_value(json!({
        "@id": "/people/1/notes/7", "description": "Called", "title": null,
        "flagged": true, "category": "/note_categories/2",
        "author": "/users/3", "createdAt": "2024-01-01T00:00:00+00:00"}))
    .unwrap();
    let n = note_from(w, "1", &d).unwrap();
    assert_eq!(
        (n.id.as_str(), n.text.as_str(), n.flagged),
        ("7", "Called", true)
    );
    assert_eq!(
        (n.category.as_str(), n.author.as_str()),
        ("Call", "Owen Owner")
    );
    assert!(serde_json::from_value::<NoteWire>(json!("x")).is_err());
}

#[test]
fn references_are_checked_before_anything_is_queued() {
    let b = RogerRoger::new(
        RogerRoger::default_config("http://127.0.0.1:9"),
        SecretString::from("k"),
    )
    .unwrap();
    b.restore_references(known());
    let base = Person {
        tags: vec!["tag 2".into()],
        company: "organization 9".into(),
        ..Default::default()
    };
    let mut edited = base.clone();
    assert!(
        b.check_references(Some(&base), &edited).is_ok(),
        "unchanged"
    );
    edited.tags.push("VIP".into());
    edited.company = "organization 9, Globex".into();
    assert!(b.check_references(Some(&base), &edited).is_ok());
    edited.tags.push("Nonexistent".into());
    edited.company = "Initech".into();
    let err = b.check_references(Some(&base), &edited).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, BackendError::Unsupported(_)), "{err:?}");
    assert!(text.contains("no tag named 'Nonexistent'"), "{text}");
    assert!(text.contains("no organization named 'Initech'"), "{text}");

    let note = |category: &str| Note {
        text: "x".into(),
        category: category.into(),
        ..Default::default()
    };
    assert!(b.check_note_references(&note("Call")).is_ok());
    assert!(matches!(
        b.check_note_references(&note("")),
        Err(BackendError::Validation(v)) if v[0].message.contains("choose one of Call")
    ));
    assert!(matches!(
        b.check_note_references(&note("Lunch")),
        Err(BackendError::Unsupported(m)) if m.contains("'Lunch'")
    ));
}
