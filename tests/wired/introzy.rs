//! The Introzy adapter against its fake server: first that the fake answers
//! in the document's own shapes, then paging, search, writes with
//! round-trip fidelity, the duplicate-email 409, the one-line address, notes
//! (listed and added, never edited), async enrichment, typed custom fields,
//! error mapping and the faults a real network produces.

use rolo::backend::http::HttpConfig;
use rolo::backend::introzy::{EnrichPolling, IntrozyBackend};
use rolo::backend::{Backend, BackendError, EnrichOutcome, ListQuery};
use rolo::model::{CustomFieldKind, Note, Person, PersonField, validate_custom_fields};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::doc_shapes::{Rules, api_doc, assert_shape, json_example};
use support::fake_introzy::{API_KEY, DUPLICATE, FakeIntrozy};
use support::faults::Fault;
use support::http::quick;

fn config(base: &str) -> HttpConfig {
    quick(HttpConfig::new(base))
}

fn backend(fake: &FakeIntrozy) -> IntrozyBackend {
    IntrozyBackend::new(config(&fake.base_url), &SecretString::from(API_KEY))
        .unwrap()
        .with_enrich_polling(EnrichPolling {
            interval: Duration::from_millis(20),
            max_wait: Duration::from_secs(3),
        })
}

fn all() -> ListQuery {
    ListQuery::default()
}

async fn list_all(b: &IntrozyBackend, q: &ListQuery) -> Vec<Person> {
    b.list_all(q, &mut |_, _| {}).await.unwrap()
}

// ------------------------------------------------- the fake follows the doc

/// Raw HTTP to the fake, as the document's curl examples do.
async fn call(fake: &FakeIntrozy, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", fake.base_url);
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http
        .request(method, url)
        .header("Authorization", format!("Bearer {API_KEY}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

const EXACT: Rules = Rules {
    all_keys: true,
    free_maps: &["customFields"],
};

#[tokio::test]
async fn the_fake_answers_with_the_documents_keys_types_and_statuses() {
    let doc = api_doc("introzy-people.txt");
    let fake = FakeIntrozy::start().await;
    fake.seed_company("Acme Inc", "Technology", "https://acme.com");

    let create = json_example(&doc, "Create Person", "Request Body");
    let (status, created) = call(&fake, "POST", "/api/people", Some(create.clone())).await;
    assert_eq!(status, 201);
    let doc_created = json_example(&doc, "Create Person", "Success Response (201)");
    assert_shape("create reply", &doc_created, &created, EXACT);
    let id = created["data"]["id"].as_str().unwrap().to_string();

    let (status, dup) = call(&fake, "POST", "/api/people", Some(create)).await;
    assert_eq!(status, 409);
    assert_eq!(
        dup,
        json_example(&doc, "Create Person", "Error Response (409)")
    );
    assert_eq!(dup["error"], DUPLICATE);

    let (status, list) = call(&fake, "GET", "/api/people?limit=50", None).await;
    assert_eq!(status, 200);
    let doc_list = json_example(&doc, "List People", "Success Response (200)");
    assert_shape("list reply", &doc_list, &list, EXACT);

    let (status, got) = call(&fake, "GET", &format!("/api/people/{id}"), None).await;
    assert_eq!(status, 200);
    let doc_get = json_example(&doc, "Get Person", "Success Response (200)");
    assert_shape("get reply", &doc_get, &got, EXACT);

    let update = json_example(&doc, "Update Person", "Request Body");
    let (status, patched) = call(&fake, "PATCH", &format!("/api/people/{id}"), Some(update)).await;
    assert_eq!(status, 200);
    let doc_patched = json_example(&doc, "Update Person", "Success Response (200)");
    assert_shape("update reply", &doc_patched, &patched, EXACT);
    // Partial, as documented: no timestamps to take a version from.
    assert!(patched["data"].get("updatedAt").is_none());

    let (status, job) = call(&fake, "POST", &format!("/api/people/{id}/enrich"), None).await;
    assert_eq!(status, 200);
    let doc_job = json_example(&doc, "Enrich Person", "Success Response (200)");
    assert_shape("enrich reply", &doc_job, &job, EXACT);

    let no_email = fake.seed(json!({"firstName": "Nomail"}));
    let (status, err) = call(
        &fake,
        "POST",
        &format!("/api/people/{no_email}/enrich"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        err,
        json_example(&doc, "Enrich Person", "Error Response (400)")
    );

    // The document names no route for one note: Next.js answers 404.
    let (status, _) = call(&fake, "PATCH", &format!("/api/people/{id}/notes/n-1"), None).await;
    assert_eq!(status, 404);
    // And no delete for people: the route exists, the method does not.
    let (status, _) = call(&fake, "DELETE", &format!("/api/people/{id}"), None).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn custom_field_definitions_have_design_md_keys() {
    // DESIGN.md §4: `{key, type, isFilterable, isSortable, isRequired,
    // settings.options[{value,label,color}], displayOrder}`.
    let design =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/DESIGN.md"))
            .unwrap();
    let marker = "Custom-field definitions `";
    let line = design
        .lines()
        .find(|l| l.contains(marker))
        .expect("the definitions line in DESIGN.md");
    let after = &line[line.find(marker).unwrap() + marker.len()..];
    let listed = &after[..after.find('`').unwrap()];
    assert!(listed.contains("displayOrder"), "{listed}");
    let fake = FakeIntrozy::start().await;
    let (status, reply) = call(&fake, "GET", "/api/people/custom-fields", None).await;
    assert_eq!(status, 200);
    for def in reply["data"].as_array().unwrap() {
        for key in def.as_object().unwrap().keys() {
            assert!(listed.contains(key.as_str()), "{key} is not in {listed}");
        }
        for opt in def["settings"]["options"].as_array().unwrap() {
            let keys: Vec<_> = opt.as_object().unwrap().keys().cloned().collect();
            assert_eq!(keys, ["value", "label", "color"]);
        }
    }
}

// ---------------------------------------------------------------- reading

#[tokio::test]
async fn lists_every_page_with_limit_100() {
    let fake = FakeIntrozy::start().await;
    fake.seed_many(250);
    let b = backend(&fake);
    let people = list_all(&b, &all()).await;
    assert_eq!(people.len(), 250);
    let mut ids: Vec<_> = people.iter().map(|p| p.id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 250);
    let log = fake.recorder.log();
    let queries: Vec<_> = log.iter().filter_map(|l| l.query.clone()).collect();
    assert_eq!(
        queries,
        [
            "limit=100&offset=0",
            "limit=100&offset=100",
            "limit=100&offset=200"
        ]
    );
    assert!(
        log.iter()
            .all(|l| l.authorization.as_deref() == Some(&format!("Bearer {API_KEY}")))
    );
}

#[tokio::test]
async fn server_search_narrows_the_list() {
    let fake = FakeIntrozy::start().await;
    fake.seed_many(30);
    let b = backend(&fake);
    let q = ListQuery {
        search: Some("p0007@example".into()),
        ..Default::default()
    };
    let people = list_all(&b, &q).await;
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].given_name, "Person0007");
    assert!(
        fake.recorder
            .last("GET")
            .unwrap()
            .query
            .unwrap()
            .contains("search=p0007%40example")
    );
}

#[tokio::test]
async fn unset_columns_come_back_null_and_read_as_empty() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    assert_eq!(fake.raw(&id).unwrap()["lastName"], Value::Null);
    let b = backend(&fake);
    let p = b.get_person(&id).await.unwrap();
    assert_eq!(p.family_name, "");
    assert!(p.phones.is_empty());
    assert_eq!(p.company, "");
    assert_eq!(p.address.street, "");
    let listed = list_all(&b, &all()).await;
    assert_eq!(listed[0].emails, ["a@b.co"]);
}

// ---------------------------------------------------------------- writing

#[tokio::test]
async fn create_then_read_back() {
    let fake = FakeIntrozy::start().await;
    let b = backend(&fake);
    let new = Person {
        given_name: "Jane".into(),
        family_name: "Smith".into(),
        emails: vec!["jane@acme.com".into()],
        company: "Acme Inc".into(),
        ..Default::default()
    };
    let created = b.create_person(&new).await.unwrap();
    assert_eq!(
        fake.recorder.last("POST").unwrap().json(),
        json!({"email": "jane@acme.com", "firstName": "Jane", "lastName": "Smith",
               "companyName": "Acme Inc"})
    );
    let read = b.get_person(&created.id).await.unwrap();
    assert_eq!(read.full_name(), "Jane Smith");
    assert_eq!(read.company, "Acme Inc");
    assert_eq!(read.version, created.version);
}

#[tokio::test]
async fn create_requires_email_and_first_name_before_sending() {
    let fake = FakeIntrozy::start().await;
    let b = backend(&fake);
    let err = b
        .create_person(&Person {
            family_name: "Doe".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let BackendError::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert!(v.iter().any(|v| v.message.contains("requires an email")));
    assert!(
        v.iter()
            .any(|v| v.message.contains("requires a first name"))
    );
    assert_eq!(fake.recorder.request_count(), 0);
}

#[tokio::test]
async fn duplicate_email_names_the_existing_person_found_by_the_documented_search() {
    let fake = FakeIntrozy::start().await;
    // 120 people whose emails contain the duplicate's (the search matches
    // substrings), so the one that holds it is on the second page.
    for i in 0..120 {
        fake.seed(json!({"email": format!("x{i}.dup@acme.com"), "firstName": "Other"}));
    }
    let existing = fake.seed(json!({"email": "dup@acme.com", "firstName": "Old"}));
    let b = backend(&fake);
    let err = b
        .create_person(&Person {
            given_name: "New".into(),
            family_name: "Person".into(),
            emails: vec!["DUP@acme.com".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        err,
        BackendError::Conflict {
            message: DUPLICATE.into(),
            existing: Some(existing),
        }
    );
    assert_eq!(fake.people_count(), 121);
    let searches: Vec<_> = fake
        .recorder
        .log()
        .into_iter()
        .filter(|l| l.method == "GET" && l.path == "/api/people")
        .filter_map(|l| l.query)
        .collect();
    assert_eq!(
        searches,
        [
            "search=DUP%40acme.com&limit=100&offset=0",
            "search=DUP%40acme.com&limit=100&offset=100"
        ]
    );
}

#[tokio::test]
async fn an_edit_to_an_email_someone_else_holds_is_refused_on_that_field() {
    let fake = FakeIntrozy::start().await;
    fake.seed(json!({"email": "taken@acme.com", "firstName": "Other"}));
    let id = fake.seed(json!({"email": "me@acme.com", "firstName": "Me"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut edited = base.clone();
    edited.emails = vec!["taken@acme.com".into()];
    let err = b.update_person(&base, &edited).await.unwrap_err();
    let BackendError::Validation(v) = err else {
        panic!("a refusal of this edit, not a conflict: {err:?}")
    };
    assert_eq!(v[0].field, "emails");
    assert_eq!(v[0].message, DUPLICATE);
}

#[tokio::test]
async fn editing_one_field_patches_only_it_and_reads_the_new_version_back() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({
        "email": "john@acme.com", "firstName": "John", "lastName": "Doe",
        "phoneNumber": "+1 555-123-4567", "address": "123 Main St, San Francisco, CA 94102",
        "latitude": 37.7749, "isConnector": false, "isFullUser": false,
        "customFields": {"cf_department": "Engineering", "cf_lead_source": "conference"},
        "company": {"id": "company-uuid", "name": "Acme Inc", "website": "https://acme.com"}
    }));
    let before = fake.raw(&id).unwrap();
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut edited = base.clone();
    edited.given_name = "Jane".into();
    edited
        .custom_fields
        .insert("cf_department".into(), json!("Product"));
    fake.recorder.clear_log();
    let saved = b.update_person(&base, &edited).await.unwrap();
    let patch = fake.recorder.last("PATCH").unwrap();
    assert_eq!(
        patch.json(),
        json!({"firstName": "Jane", "customFields": {"cf_department": "Product"}})
    );
    assert_eq!(patch.content_type.as_deref(), Some("application/json"));
    let mut expected = before.clone();
    expected["firstName"] = json!("Jane");
    expected["customFields"]["cf_department"] = json!("Product");
    let after = fake.raw(&id).unwrap();
    expected["updatedAt"] = after["updatedAt"].clone();
    assert_eq!(after, expected);
    // The partial PATCH reply has no version: the adapter read it back, so
    // the next edit starts from the server's record.
    assert_eq!(saved.version.as_deref(), after["updatedAt"].as_str());
    assert_eq!(saved.extra["latitude"], 37.7749);
    let path = format!("/api/people/{id}");
    assert_eq!(
        fake.recorder.count("GET", &path),
        2,
        "a version check and a read back"
    );
    let mut again = saved.clone();
    again.family_name = "Smith".into();
    let twice = b.update_person(&saved, &again).await.unwrap();
    assert_eq!(twice.family_name, "Smith");
    assert_eq!(twice.given_name, "Jane");
    // No change, no request.
    let n = fake.recorder.request_count();
    b.update_person(&twice, &twice).await.unwrap();
    assert_eq!(fake.recorder.request_count(), n);
}

#[tokio::test]
async fn unstorable_edit_is_refused_in_rolos_words_without_a_request() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut edited = base.clone();
    edited.tags = vec!["vip".into()];
    edited.honorific_prefix = "Dr.".into();
    edited.job_title = "CTO".into();
    let n = fake.recorder.request_count();
    let err = b.update_person(&base, &edited).await.unwrap_err();
    assert_eq!(
        err,
        BackendError::Unsupported("Introzy has no prefix, job title or tags field".into())
    );
    assert!(
        err.to_string().starts_with("rolo: "),
        "reads as rolo's: {err}"
    );
    assert_eq!(fake.recorder.request_count(), n);
}

#[tokio::test]
async fn the_address_is_one_line_edited_as_it_is() {
    let fake = FakeIntrozy::start().await;
    let line = "Calle de Alcalá 269, 08006 Barcelona, ES";
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A", "address": line}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    assert_eq!(PersonField::AddressLine.get(&base), line);
    assert_eq!(base.address.city, "");

    // Setting a city Introzy has no column for is refused, not appended.
    let mut city = base.clone();
    PersonField::City.set(&mut city, "Utrecht");
    let n = fake.recorder.request_count();
    let err = b.update_person(&base, &city).await.unwrap_err();
    assert!(
        matches!(&err, BackendError::Unsupported(m) if m.contains("one line")),
        "{err:?}"
    );
    assert_eq!(fake.recorder.request_count(), n);
    assert_eq!(fake.raw(&id).unwrap()["address"], line);

    let mut moved = base.clone();
    PersonField::AddressLine.set(&mut moved, "Calle de Alcalá 270, 08006 Barcelona, ES");
    let saved = b.update_person(&base, &moved).await.unwrap();
    assert_eq!(
        fake.recorder.last("PATCH").unwrap().json(),
        json!({"address": "Calle de Alcalá 270, 08006 Barcelona, ES"})
    );
    assert_eq!(
        saved.address.street,
        "Calle de Alcalá 270, 08006 Barcelona, ES"
    );
    assert_eq!(
        fake.raw(&id).unwrap()["address"],
        "Calle de Alcalá 270, 08006 Barcelona, ES"
    );
}

// ------------------------------------------------------------------ notes

#[tokio::test]
async fn notes_are_listed_and_added_never_edited_or_deleted() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let raw = "Intro to [@John Doe](person:550e8400-e29b-41d4-a716-446655440000) went well";
    let note_id = fake.seed_note(&id, raw);
    let b = backend(&fake);
    let notes = b.list_notes(&id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Intro to @John Doe went well");
    assert_eq!(notes[0].author, "user-1");

    let created = b
        .create_note(
            &id,
            &Note {
                text: "Follow up with [@Ann](person:u-2) Friday".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(created.text, "Follow up with @Ann Friday");
    assert_eq!(
        fake.raw_notes(&id)[1]["content"],
        "Follow up with [@Ann](person:u-2) Friday"
    );
    assert_eq!(b.list_notes(&id).await.unwrap().len(), 2);

    let caps = b.capabilities();
    assert!(caps.notes && caps.multiple_notes);
    assert!(!caps.note_edit && !caps.note_delete && !caps.flag_notes);
    let n = fake.recorder.request_count();
    let mut edited = notes[0].clone();
    edited.text = "changed".into();
    for err in [
        b.update_note(&id, &edited).await.unwrap_err(),
        b.delete_note(&id, &note_id).await.unwrap_err(),
        b.set_note_flag(&id, &note_id, true).await.unwrap_err(),
    ] {
        assert!(matches!(err, BackendError::Unsupported(_)), "{err:?}");
    }
    assert_eq!(
        fake.recorder.request_count(),
        n,
        "refused without a request"
    );
    assert_eq!(fake.raw_notes(&id)[0]["content"], raw);
}

// ------------------------------------------------------------- enrichment

#[tokio::test]
async fn enrich_polls_until_the_job_changes_the_person() {
    let fake = FakeIntrozy::start().await;
    fake.set_enrich_delay(Duration::from_millis(150));
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let b = backend(&fake);
    let person = b.get_person(&id).await.unwrap();
    let outcome = b.enrich(&person).await.unwrap();
    let EnrichOutcome::Changed { person, changed } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(person.custom_fields["cf_job_title"], "Chief Widget Officer");
    assert_eq!(
        changed,
        [
            "customFields.cf_enriched_at",
            "customFields.cf_job_title",
            "customFields.cf_linkedin_url"
        ]
    );
    assert!(fake.recorder.count("GET", &format!("/api/people/{id}")) >= 3);
    assert_eq!(
        fake.recorder
            .count("POST", &format!("/api/people/{id}/enrich")),
        1
    );
}

#[tokio::test]
async fn enrich_gives_up_after_max_wait_with_no_changes() {
    let fake = FakeIntrozy::start().await;
    fake.set_enrichment(Value::Null);
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let b = IntrozyBackend::new(config(&fake.base_url), &SecretString::from(API_KEY))
        .unwrap()
        .with_enrich_polling(EnrichPolling {
            interval: Duration::from_millis(20),
            max_wait: Duration::from_millis(200),
        });
    let person = b.get_person(&id).await.unwrap();
    let started = Instant::now();
    let outcome = b.enrich(&person).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(outcome, EnrichOutcome::Changed { changed, .. } if changed.is_empty()));
}

#[tokio::test]
async fn enrich_without_email_is_the_servers_400_on_the_email_field() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"firstName": "A"}));
    let b = backend(&fake);
    let person = b.get_person(&id).await.unwrap();
    let err = b.enrich(&person).await.unwrap_err();
    let BackendError::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v[0].field, "emails");
    assert_eq!(v[0].message, "Person email is required for enrichment");
}

// ---------------------------------------------------------- custom fields

#[tokio::test]
async fn custom_field_definitions_are_typed_and_check_values_before_saving() {
    let fake = FakeIntrozy::start().await;
    let b = backend(&fake);
    let defs = b.custom_field_defs().await.unwrap();
    let keys: Vec<_> = defs
        .iter()
        .map(|d| (d.key.as_str(), d.kind.clone()))
        .collect();
    assert_eq!(
        keys,
        [
            ("cf_department", CustomFieldKind::Text),
            ("cf_lead_source", CustomFieldKind::Select),
            ("cf_job_title", CustomFieldKind::Text),
            ("cf_linkedin_url", CustomFieldKind::Url),
            ("cf_enriched_at", CustomFieldKind::Date),
            ("cf_seats", CustomFieldKind::Number),
        ]
    );
    // No label on the wire: derived from the key.
    assert_eq!(defs[1].label, "Lead source");
    assert_eq!(defs[3].label, "LinkedIn URL");
    assert_eq!(defs[1].display(&json!("web")), "Website");
    // A choice is offered by label and stored by value.
    assert_eq!(defs[1].parse("Website"), Ok(json!("web")));
    assert_eq!(defs[5].parse("40"), Ok(json!(40)));

    // The server only checks selects; rolo checks every type first.
    let mut values = std::collections::BTreeMap::new();
    values.insert("cf_seats".to_string(), json!("forty"));
    values.insert("cf_enriched_at".to_string(), json!("yesterday"));
    values.insert("cf_linkedin_url".to_string(), json!("linkedin.com/in/x"));
    values.insert("cf_lead_source".to_string(), json!("billboard"));
    let v = validate_custom_fields(&values, &defs);
    let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "customFields.cf_lead_source",
            "customFields.cf_linkedin_url",
            "customFields.cf_enriched_at",
            "customFields.cf_seats"
        ]
    );
}

// ------------------------------------------------------ errors and faults

#[tokio::test]
async fn errors_map_and_never_leak_the_key() {
    let fake = FakeIntrozy::start().await;
    let b = backend(&fake);
    assert!(matches!(
        b.get_person("nope").await,
        Err(BackendError::NotFound(m)) if m == "Person not found"
    ));
    let wrong = IntrozyBackend::new(
        config(&fake.base_url),
        &SecretString::from("introzy_wrong_key"),
    )
    .unwrap();
    let err = wrong.list_page(&all(), None).await.unwrap_err();
    assert!(matches!(err, BackendError::Unauthorized(_)));
    assert!(!format!("{err} {err:?} {wrong:?}").contains("introzy_wrong_key"));
    let n = fake.recorder.request_count();
    assert!(matches!(
        b.delete_person("x").await,
        Err(BackendError::Unsupported(_))
    ));
    assert!(matches!(
        b.set_archived("x", true).await,
        Err(BackendError::Unsupported(_))
    ));
    assert_eq!(fake.recorder.request_count(), n);
}

#[tokio::test]
async fn rate_limit_is_waited_out() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    fake.inject(Some("GET"), None, Fault::RateLimited(1), 1);
    let b = backend(&fake);
    let started = Instant::now();
    b.get_person(&id).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(fake.recorder.request_count(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_not_for_creates() {
    let fake = FakeIntrozy::start().await;
    fake.seed_many(3);
    fake.inject(Some("GET"), None, Fault::Status(503), 2);
    let b = backend(&fake);
    assert_eq!(list_all(&b, &all()).await.len(), 3);
    assert_eq!(fake.recorder.count("GET", "/api/people"), 3);

    fake.inject(Some("POST"), Some("/api/people"), Fault::Status(500), 1);
    let err = b
        .create_person(&Person {
            given_name: "X".into(),
            family_name: "Y".into(),
            emails: vec!["x@y.co".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Server { status: 500, .. }));
    assert_eq!(fake.recorder.count("POST", "/api/people"), 1);
    assert_eq!(fake.people_count(), 3);
}

#[tokio::test]
async fn lost_create_reply_makes_exactly_one_person() {
    let fake = FakeIntrozy::start().await;
    fake.inject(Some("POST"), Some("/api/people"), Fault::DropAfterApply, 1);
    let b = backend(&fake);
    let created = b
        .create_person(&Person {
            given_name: "Lost".into(),
            family_name: "Reply".into(),
            emails: vec!["lost@reply.co".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(fake.people_count(), 1);
    assert_eq!(fake.recorder.count("POST", "/api/people"), 1);
    // The recovery looked the email up instead of posting again.
    assert_eq!(fake.recorder.count("GET", "/api/people"), 1);
    assert_eq!(fake.raw(&created.id).unwrap()["email"], "lost@reply.co");
}

#[tokio::test]
async fn truncated_reply_is_malformed() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    fake.inject(Some("GET"), None, Fault::Truncated, 1);
    let b = backend(&fake);
    assert!(matches!(
        b.get_person(&id).await,
        Err(BackendError::Malformed(_))
    ));
    assert!(b.get_person(&id).await.is_ok());
}
