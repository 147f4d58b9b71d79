//! The Introzy adapter against its fake server: paging, search, writes with
//! round-trip fidelity, notes with mentions, async enrichment, error mapping
//! and the faults a real network produces.

#[path = "support/fake_introzy.rs"]
mod fake_introzy;
#[path = "support/faults.rs"]
mod faults;

use fake_introzy::{API_KEY, FakeIntrozy};
use faults::Fault;
use rolo::backend::http::HttpConfig;
use rolo::backend::introzy::{EnrichPolling, IntrozyBackend};
use rolo::backend::{Backend, BackendError, EnrichOutcome, ListQuery};
use rolo::model::{Note, Person};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn config(base: &str) -> HttpConfig {
    HttpConfig {
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        request_timeout: Duration::from_secs(5),
        ..HttpConfig::new(base)
    }
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
async fn duplicate_email_names_the_existing_person() {
    let fake = FakeIntrozy::start().await;
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
            message: "A person with this email already exists in your organization".into(),
            existing: Some(existing),
        }
    );
    assert_eq!(fake.people_count(), 1);
}

#[tokio::test]
async fn editing_one_field_patches_only_it_and_keeps_the_raw_record() {
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
    assert_ne!(saved.version, base.version);
    // No change, no request.
    let n = fake.recorder.request_count();
    b.update_person(&saved, &saved).await.unwrap();
    assert_eq!(fake.recorder.request_count(), n);
}

#[tokio::test]
async fn unstorable_edit_is_refused_not_dropped() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut edited = base.clone();
    edited.tags = vec!["vip".into()];
    assert!(matches!(
        b.update_person(&base, &edited).await,
        Err(BackendError::Validation(_))
    ));
    assert_eq!(
        fake.recorder.count("PATCH", &format!("/api/people/{id}")),
        0
    );
}

#[tokio::test]
async fn notes_crud_with_mentions_rendered_and_preserved() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let raw = "Intro to [@John Doe](person:550e8400-e29b-41d4-a716-446655440000) went well";
    let note_id = fake.seed_note(&id, raw);
    let b = backend(&fake);
    let notes = b.list_notes(&id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Intro to @John Doe went well");
    assert_eq!(notes[0].author, "user-1");

    let mut edited = notes[0].clone();
    edited.text = "Intro to @John Doe went well. Follow up Friday.".into();
    let saved = b.update_note(&id, &edited).await.unwrap();
    assert_eq!(saved.text, edited.text);
    let stored = &fake.raw_notes(&id)[0];
    assert_eq!(
        stored["content"],
        "Intro to [@John Doe](person:550e8400-e29b-41d4-a716-446655440000) went well. Follow up Friday."
    );
    assert_eq!(
        stored["notePeople"][0]["personId"],
        "550e8400-e29b-41d4-a716-446655440000"
    );

    let created = b
        .create_note(
            &id,
            &Note {
                text: "second".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(b.list_notes(&id).await.unwrap().len(), 2);
    b.delete_note(&id, &created.id).await.unwrap();
    let left = b.list_notes(&id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, note_id);
    assert!(matches!(
        b.set_note_flag(&id, &note_id, true).await,
        Err(BackendError::Unsupported(_))
    ));
    assert!(!b.capabilities().flag_notes);
}

#[tokio::test]
async fn update_note_without_cache_fetches_raw_content_first() {
    let fake = FakeIntrozy::start().await;
    let id = fake.seed(json!({"email": "a@b.co", "firstName": "A"}));
    let note_id = fake.seed_note(&id, "Ask [@Ann](person:u-2) about it");
    // A fresh adapter (as after a restart) has never seen the raw content.
    let b = backend(&fake);
    let note = Note {
        id: note_id.clone(),
        text: "Ask @Ann about it today".into(),
        ..Default::default()
    };
    b.update_note(&id, &note).await.unwrap();
    assert_eq!(
        fake.raw_notes(&id)[0]["content"],
        "Ask [@Ann](person:u-2) about it today"
    );
    assert_eq!(
        fake.recorder
            .count("GET", &format!("/api/people/{id}/notes/{note_id}")),
        1
    );
}

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
    assert_eq!(person.custom_fields["cf_seniority"], "senior");
    assert!(changed.contains(&"customFields.cf_seniority".to_string()));
    assert!(changed.contains(&"extra.jobTitle".to_string()));
    assert!(fake.recorder.count("GET", &format!("/api/people/{id}")) >= 3);
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
async fn enrich_without_email_is_a_validation_error() {
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
    assert!(matches!(
        b.delete_person("x").await,
        Err(BackendError::Unsupported(_))
    ));
    assert!(matches!(
        b.set_archived("x", true).await,
        Err(BackendError::Unsupported(_))
    ));
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

#[tokio::test]
async fn custom_field_definitions_drive_labels() {
    let fake = FakeIntrozy::start().await;
    let b = backend(&fake);
    let defs = b.custom_field_definitions().await.unwrap();
    let keys: Vec<_> = defs.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, ["cf_department", "cf_lead_source"]);
    assert_eq!(defs[1].display(&json!("web")), "Website");
}
