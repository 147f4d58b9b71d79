//! The Rhythm Rolodex adapter against its fake server: LastEvaluatedKey
//! paging with short and empty pages, search phases, JSON Patch writes with
//! round-trip fidelity, PUT, delete, merge, the single note, social-profile
//! proposals, OAuth2 token caching and refresh, and network faults.

#[path = "support/fake_rhythm.rs"]
mod fake_rhythm;
#[path = "support/faults.rs"]
mod faults;

use fake_rhythm::{AUDIENCE, CLIENT_ID, CLIENT_SECRET, FakeRhythm, STATIC_KEY, TENANT};
use faults::Fault;
use rolo::backend::http::{HttpConfig, MERGE_PATCH_JSON, RequestSpec};
use rolo::backend::rhythm::{NOTE_ID, OAuthSettings, RhythmAuth, RhythmBackend};
use rolo::backend::{Backend, BackendError, EnrichOutcome, ListQuery};
use rolo::model::{Note, Person};
use secrecy::SecretString;
use serde_json::json;
use std::time::{Duration, Instant};

fn config(base: &str) -> HttpConfig {
    HttpConfig {
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        request_timeout: Duration::from_secs(5),
        ..HttpConfig::new(base)
    }
}

fn backend(fake: &FakeRhythm) -> RhythmBackend {
    RhythmBackend::new(
        config(&fake.base_url),
        TENANT,
        RhythmAuth::Static(SecretString::from(STATIC_KEY)),
    )
    .unwrap()
}

fn oauth(fake: &FakeRhythm, secret: &str) -> RhythmBackend {
    RhythmBackend::new(
        config(&fake.base_url),
        TENANT,
        RhythmAuth::ClientCredentials(OAuthSettings {
            token_url: fake.token_url(),
            client_id: CLIENT_ID.into(),
            client_secret: SecretString::from(secret),
            audience: Some(AUDIENCE.into()),
            refresh_margin: Duration::from_secs(60),
        }),
    )
    .unwrap()
}

async fn list_all(b: &RhythmBackend, q: &ListQuery) -> Vec<Person> {
    b.list_all(q, &mut |_, _| {}).await.unwrap()
}

fn search_path() -> String {
    format!("/contacts/{TENANT}/search")
}

#[tokio::test]
async fn lists_every_page_through_short_and_empty_pages() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(150);
    let b = backend(&fake);
    let people = list_all(&b, &ListQuery::default()).await;
    assert_eq!(people.len(), 150);
    let log = fake.recorder.log();
    // Scan sizes cycle 40, 7, 0, 25: the third page is empty yet keyed.
    assert!(log.len() > 6, "{} requests", log.len());
    assert!(log[0].query.is_none());
    let second = log[1].query.clone().unwrap();
    assert!(
        second.starts_with("exclusiveStartKey=%7B%22"),
        "key must be URL-encoded: {second}"
    );
}

#[tokio::test]
async fn a_null_last_key_ends_the_listing() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(45);
    fake.set_null_last_key(true);
    let b = backend(&fake);
    assert_eq!(list_all(&b, &ListQuery::default()).await.len(), 45);
}

#[tokio::test]
async fn archived_contacts_are_hidden_unless_asked_for() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(5);
    fake.seed(json!({"first_name": "Gone", "last_name": "Away", "status": "inactive"}));
    let b = backend(&fake);
    assert_eq!(list_all(&b, &ListQuery::default()).await.len(), 5);
    let q = ListQuery {
        include_archived: true,
        ..Default::default()
    };
    let people = list_all(&b, &q).await;
    assert_eq!(people.len(), 6);
    assert!(people.iter().any(|p| p.archived));
}

#[tokio::test]
async fn search_runs_field_phases_and_deduplicates() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(60);
    fake.seed(json!({"first_name": "Smith", "last_name": "Smith", "status": "active"}));
    fake.seed(json!({"first_name": "Ann", "last_name": "Lee", "organization_name": "Smithers"}));
    let b = backend(&fake);
    let q = ListQuery {
        search: Some("smith".into()),
        ..Default::default()
    };
    let people = list_all(&b, &q).await;
    let names: Vec<_> = people.iter().map(Person::full_name).collect();
    assert_eq!(names, ["Smith Smith", "Ann Lee"]);
    let bodies: Vec<_> = fake
        .recorder
        .log()
        .iter()
        .filter(|l| l.path == search_path())
        .map(|l| l.json())
        .collect();
    assert!(bodies.contains(&json!({"last_name": "smith"})));
    assert!(bodies.contains(&json!({"first_name": "smith"})));
    assert!(bodies.contains(&json!({"organization_name": "smith"})));

    let by_email = ListQuery {
        search: Some("p0042@example.com".into()),
        ..Default::default()
    };
    let people = list_all(&b, &by_email).await;
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].given_name, "Person0042");
}

#[tokio::test]
async fn create_sends_no_id_then_reads_back() {
    let fake = FakeRhythm::start().await;
    let b = backend(&fake);
    let created = b
        .create_person(&Person {
            given_name: "Grace".into(),
            family_name: "Hopper".into(),
            emails: vec!["grace@navy.mil".into()],
            job_title: "Rear Admiral".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let post = fake.recorder.last("POST").unwrap();
    assert_eq!(post.path, format!("/contacts/{TENANT}"));
    assert!(post.json().get("id").is_none());
    let read = b.get_person(&created.id).await.unwrap();
    assert_eq!(read.job_title, "Rear Admiral");
    assert_eq!(read.version.as_deref(), Some("1"));
}

#[tokio::test]
async fn one_field_edit_is_a_json_patch_and_keeps_the_raw_record() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({
        "first_name": "Ada", "last_name": "Lovelace", "middle_name": null,
        "email_address": "ada@example.com", "status": "active",
        "home_address": {"line1": "12 St James's Sq", "city": "London"},
        "custom_field_values": [{"id": "cf1", "value": "x"}],
        "communication_preferences": [{"type": "newsletter"}],
        "do_not_call": true, "notes": "keep me"
    }));
    let before = fake.raw(&id).unwrap();
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut edited = base.clone();
    edited.family_name = "King".into();
    let saved = b.update_person(&base, &edited).await.unwrap();

    let patch = fake.recorder.last("PATCH").unwrap();
    assert_eq!(patch.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        patch.json(),
        json!([
            {"op": "test", "path": "/sys_version", "value": 1},
            {"op": "replace", "path": "/last_name", "value": "King"}
        ])
    );
    let after = fake.raw(&id).unwrap();
    let mut expected = before.clone();
    expected["last_name"] = json!("King");
    for k in [
        "sys_version",
        "sys_last_modified_at",
        "sys_last_modified_by_id",
    ] {
        expected[k] = after[k].clone();
    }
    assert_eq!(after, expected);
    assert_eq!(saved.version.as_deref(), Some("2"));
}

#[tokio::test]
async fn stale_edit_is_a_conflict_naming_the_contact() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut other = base.clone();
    other.job_title = "changed elsewhere".into();
    b.update_person(&base, &other).await.unwrap();
    let mut mine = base.clone();
    mine.given_name = "Mine".into();
    let err = b.update_person(&base, &mine).await.unwrap_err();
    assert!(
        matches!(&err, BackendError::Conflict { existing: Some(e), .. } if *e == id),
        "{err:?}"
    );
    assert_eq!(fake.raw(&id).unwrap()["first_name"], "A");
}

#[tokio::test]
async fn patch_with_another_content_type_is_refused_with_415() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B"}));
    let b = backend(&fake);
    let spec = RequestSpec::patch(
        format!("/contacts/{TENANT}/{id}"),
        json!({"first_name": "X"}),
        MERGE_PATCH_JSON,
    );
    let err = b.http().send(spec).await.unwrap_err();
    assert!(
        matches!(err, BackendError::Server { status: 415, .. }),
        "{err:?}"
    );
    assert_eq!(fake.raw(&id).unwrap()["first_name"], "A");
}

#[tokio::test]
async fn put_replaces_with_every_field_the_server_sent() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(
        json!({"first_name": "A", "last_name": "B", "nickname": "ab",
                              "portal_delegates": [{"id": "d1"}], "sys_locked": false}),
    );
    let b = backend(&fake);
    let mut p = b.get_person(&id).await.unwrap();
    p.company = "Initech".into();
    b.replace_person(&p).await.unwrap();
    let put = fake.recorder.last("PUT").unwrap().json();
    for key in [
        "id",
        "nickname",
        "portal_delegates",
        "sys_locked",
        "sys_created_at",
    ] {
        assert!(put.get(key).is_some(), "PUT dropped {key}");
    }
    let raw = fake.raw(&id).unwrap();
    assert_eq!(raw["organization_name"], "Initech");
    assert_eq!(raw["portal_delegates"], json!([{"id": "d1"}]));
}

#[tokio::test]
async fn delete_and_merge() {
    let fake = FakeRhythm::start().await;
    let keep = fake.seed(json!({"first_name": "A", "last_name": "B"}));
    let dup = fake.seed(json!({"first_name": "A", "last_name": "B", "job_title": "CFO"}));
    let gone = fake.seed(json!({"first_name": "C", "last_name": "D"}));
    let b = backend(&fake);
    b.delete_person(&gone).await.unwrap();
    assert!(matches!(
        b.get_person(&gone).await,
        Err(BackendError::NotFound(_))
    ));
    let merged = b
        .merge_people(&keep, std::slice::from_ref(&dup))
        .await
        .unwrap();
    assert_eq!(merged.job_title, "CFO");
    assert_eq!(merged.extra["merged_ids"], json!([dup]));
    assert!(fake.raw(&dup).is_none());
    assert!(matches!(
        b.merge_people(&keep, &[]).await,
        Err(BackendError::Validation(_))
    ));
}

#[tokio::test]
async fn the_single_note_is_the_contacts_notes_field() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B"}));
    let b = backend(&fake);
    assert!(b.list_notes(&id).await.unwrap().is_empty());
    let note = b
        .create_note(
            &id,
            &Note {
                text: "first words".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(note.id, NOTE_ID);
    assert_eq!(fake.raw(&id).unwrap()["notes"], "first words");
    assert!(matches!(
        b.create_note(
            &id,
            &Note {
                text: "second".into(),
                ..Default::default()
            }
        )
        .await,
        Err(BackendError::Unsupported(_))
    ));
    let mut edited = note.clone();
    edited.text = "revised".into();
    b.update_note(&id, &edited).await.unwrap();
    assert_eq!(b.list_notes(&id).await.unwrap()[0].text, "revised");
    b.delete_note(&id, &NOTE_ID.to_string()).await.unwrap();
    assert!(fake.raw(&id).unwrap().get("notes").is_none());
    let caps = b.capabilities();
    assert!(caps.notes && !caps.multiple_notes && !caps.flag_notes);
}

#[tokio::test]
async fn social_profile_becomes_proposals() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "Ada", "last_name": "Lovelace",
                              "email_address": "ada+rs@example.com", "organization_name": "AE"}));
    fake.seed_social(
        "ada+rs@example.com",
        json!({"fullName": "Ada Lovelace", "organization": "Analytical Engines",
               "title": "Countess", "linkedin": "https://linkedin.com/in/ada"}),
    );
    let b = backend(&fake);
    let p = b.get_person(&id).await.unwrap();
    let EnrichOutcome::Proposals(props) = b.enrich(&p).await.unwrap() else {
        panic!("expected proposals")
    };
    let fields: Vec<_> = props.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["company", "jobTitle", "linkedin"]);
    assert_eq!(props[0].current, "AE");
    // Nothing was written.
    assert_eq!(fake.raw(&id).unwrap()["organization_name"], "AE");
    let path = fake.recorder.last("GET").unwrap().path;
    assert_eq!(
        path,
        format!("/contacts/{TENANT}/socialProfile/ada%2Brs@example.com")
    );

    let other = fake.seed(json!({"first_name": "N", "last_name": "P", "email_address": "np@x.io"}));
    let p = b.get_person(&other).await.unwrap();
    assert_eq!(
        b.enrich(&p).await.unwrap(),
        EnrichOutcome::Proposals(vec![])
    );
}

#[tokio::test]
async fn oauth_token_is_cached_refreshed_and_renewed_after_401() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(3);
    fake.set_token_lifetime(Duration::from_secs(2));
    let b = oauth(&fake, CLIENT_SECRET);
    for _ in 0..3 {
        list_all(&b, &ListQuery::default()).await;
    }
    assert_eq!(fake.token_requests(), 1);
    let token_req = fake
        .recorder
        .log()
        .into_iter()
        .find(|l| l.path == "/oauth/token")
        .unwrap();
    assert_eq!(
        token_req.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    // Margin is capped at half the 2 s lifetime: refreshed after ~1 s.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    list_all(&b, &ListQuery::default()).await;
    assert_eq!(fake.token_requests(), 2);
    fake.revoke_tokens();
    list_all(&b, &ListQuery::default()).await;
    assert_eq!(fake.token_requests(), 3);
}

#[tokio::test]
async fn bad_credentials_are_unauthorized_without_the_secret() {
    let fake = FakeRhythm::start().await;
    let b = oauth(&fake, "wrong-secret-value");
    let err = b.list_page(&ListQuery::default(), None).await.unwrap_err();
    assert!(matches!(err, BackendError::Unauthorized(_)), "{err:?}");
    assert!(!format!("{err} {err:?} {b:?}").contains("wrong-secret-value"));
    let b = RhythmBackend::new(
        config(&fake.base_url),
        TENANT,
        RhythmAuth::Static(SecretString::from("nope-static-key")),
    )
    .unwrap();
    let err = b.get_person("x").await.unwrap_err();
    assert!(matches!(err, BackendError::Unauthorized(_)));
    assert!(!format!("{err:?} {b:?}").contains("nope-static-key"));
}

#[tokio::test]
async fn rate_limit_and_server_errors_are_retried() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(3);
    let b = backend(&fake);
    fake.inject(Some("POST"), Some(&search_path()), Fault::RateLimited(1), 1);
    let started = Instant::now();
    assert_eq!(list_all(&b, &ListQuery::default()).await.len(), 3);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(fake.recorder.count("POST", &search_path()), 2);

    fake.recorder.clear_log();
    fake.inject(Some("POST"), Some(&search_path()), Fault::Status(502), 2);
    assert_eq!(list_all(&b, &ListQuery::default()).await.len(), 3);
    assert_eq!(fake.recorder.count("POST", &search_path()), 3);
}

#[tokio::test]
async fn lost_create_reply_makes_exactly_one_contact() {
    let fake = FakeRhythm::start().await;
    fake.seed_many(20);
    let path = format!("/contacts/{TENANT}");
    fake.inject(Some("POST"), Some(&path), Fault::DropAfterApply, 1);
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
    assert_eq!(fake.contacts_count(), 21);
    assert_eq!(fake.recorder.count("POST", &path), 1);
    assert!(fake.recorder.count("POST", &search_path()) >= 1);
    assert_eq!(
        fake.raw(&created.id).unwrap()["email_address"],
        "lost@reply.co"
    );
}

#[tokio::test]
async fn lost_patch_reply_is_recognised_as_applied() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    fake.inject(Some("PATCH"), None, Fault::DropAfterApply, 1);
    let mut edited = base.clone();
    edited.given_name = "Z".into();
    let saved = b.update_person(&base, &edited).await.unwrap();
    assert_eq!(saved.given_name, "Z");
    let path = format!("/contacts/{TENANT}/{id}");
    assert_eq!(fake.recorder.count("PATCH", &path), 1);
    // The initial read plus the recovery read after the lost reply.
    assert_eq!(fake.recorder.count("GET", &path), 2);
}

#[tokio::test]
async fn truncated_reply_and_missing_contact_map_cleanly() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B"}));
    let b = backend(&fake);
    fake.inject(Some("GET"), None, Fault::Truncated, 1);
    assert!(matches!(
        b.get_person(&id).await,
        Err(BackendError::Malformed(_))
    ));
    assert!(matches!(
        b.get_person("c-missing").await,
        Err(BackendError::NotFound(m)) if m == "The contact could not be found."
    ));
}
