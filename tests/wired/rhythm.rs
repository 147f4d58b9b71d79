//! The Rhythm Rolodex adapter against its fake server: first that the fake
//! answers in the document's own shapes and statuses, then LastEvaluatedKey
//! paging with short and empty pages, search phases, JSON Patch writes of
//! only the changed fields (never `sys_*`, each write's reply the next
//! base), PUT, delete, merge, notes as dated paragraphs of the one `notes`
//! field, locked contacts, social-profile proposals, OAuth2 token caching
//! and refresh, and network faults.

use rolo::backend::http::{HttpConfig, MERGE_PATCH_JSON, RequestSpec};
use rolo::backend::rhythm::{LOCKED, NOTE_ID, OAuthSettings, RhythmAuth, RhythmBackend};
use rolo::backend::{Backend, BackendError, EnrichOutcome, ListQuery};
use rolo::model::label::field_label;
use rolo::model::{Note, Person};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::doc_shapes::{Rules, api_doc, assert_shape, bullet_sample};
use support::fake_rhythm::{AUDIENCE, CLIENT_ID, CLIENT_SECRET, FakeRhythm, STATIC_KEY, TENANT};
use support::faults::Fault;
use support::http::quick;

fn config(base: &str) -> HttpConfig {
    quick(HttpConfig::new(base))
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

fn contact_path(id: &str) -> String {
    format!("/contacts/{TENANT}/{id}")
}

/// No PATCH the adapter sent touched a `sys_*` field or `id`.
fn assert_no_managed_paths(fake: &FakeRhythm) {
    for l in fake.recorder.log().iter().filter(|l| l.method == "PATCH") {
        for op in l.json().as_array().cloned().unwrap_or_default() {
            let path = op["path"].as_str().unwrap_or_default();
            assert!(
                !path.starts_with("/sys_") && path != "/id",
                "a patch touched {path}: {}",
                l.json()
            );
        }
    }
}

/// Raw HTTP to the fake, as the document's curl samples do.
async fn call(fake: &FakeRhythm, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http
        .request(method, format!("{}{path}", fake.base_url))
        .header("Authorization", STATIC_KEY);
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

/// Items are sparse: a reply may lack keys, never add any or change a type.
const SPARSE: Rules = Rules {
    all_keys: false,
    free_maps: &[],
};

#[tokio::test]
async fn the_fake_answers_with_the_documents_keys_types_and_statuses() {
    let doc = api_doc("rhythm-rolodex-contacts.txt");
    let contact = bullet_sample(&doc, "get/contacts/{tenantId}/{id}", "Response samples");
    assert_eq!(contact.as_object().unwrap().len(), 93, "parsed the sample");
    let fake = FakeRhythm::start().await;
    fake.seed_organization("string", "Analytical Engines");
    let base = format!("/contacts/{TENANT}");

    // Create with the document's own request sample, less what a client
    // may not send (an id, server-managed fields).
    let mut create = bullet_sample(&doc, "post/contacts/{tenantId}", "Request samples");
    let obj = create.as_object_mut().unwrap();
    obj.retain(|k, _| k != "id" && !k.starts_with("sys_"));
    obj.insert("email_address".into(), json!("ada@example.com"));
    let (status, created) = call(&fake, "POST", &base, Some(create)).await;
    assert_eq!(status, 200, "create answers 200: {created}");
    let doc_created = bullet_sample(&doc, "post/contacts/{tenantId}", "Response samples");
    assert_shape("create reply", &doc_created, &created, SPARSE);
    for required in [
        "id",
        "sys_created_at",
        "sys_last_modified_at",
        "sys_created_by_id",
        "sys_last_modified_by_id",
    ] {
        assert!(created.get(required).is_some(), "{required} is required");
    }
    let id = created["id"].as_str().unwrap().to_string();

    let (status, got) = call(&fake, "GET", &format!("{base}/{id}"), None).await;
    assert_eq!(status, 200);
    assert_shape("get reply", &contact, &got, SPARSE);

    let patch = json!([{"op": "replace", "path": "/job_title", "value": "Analyst"}]);
    let (status, patched) = call(&fake, "PATCH", &format!("{base}/{id}"), Some(patch)).await;
    assert_eq!(status, 200);
    let doc_patched = bullet_sample(&doc, "patch/contacts/{tenantId}/{id}", "Response samples");
    assert_shape("patch reply", &doc_patched, &patched, SPARSE);
    assert!(patched["sys_version"].as_f64() > got["sys_version"].as_f64());

    let (status, put) = call(&fake, "PUT", &format!("{base}/{id}"), Some(patched.clone())).await;
    assert_eq!(status, 200);
    let doc_put = bullet_sample(&doc, "put/contacts/{tenantId}/{id}", "Response samples");
    assert_shape("put reply", &doc_put, &put, SPARSE);

    let (status, found) = call(&fake, "POST", &format!("{base}/search"), Some(json!({}))).await;
    assert_eq!(status, 200);
    let doc_search = bullet_sample(&doc, "post/contacts/{tenantId}/search", "Response samples");
    assert_shape("search reply", &doc_search, &found, SPARSE);
    for item in found["Items"].as_array().unwrap() {
        assert_shape("search item", &contact, item, SPARSE);
    }

    let other = fake.seed(json!({"first_name": "Dup", "last_name": "Licate"}));
    let (status, merged) = call(
        &fake,
        "PUT",
        &format!("{base}/{id}/merge"),
        Some(json!({"source_ids": [other], "options": {}})),
    )
    .await;
    assert_eq!(status, 200);
    let doc_merged = bullet_sample(
        &doc,
        "put/contacts/{tenantId}/{id}/merge",
        "Response samples",
    );
    assert_shape("merge reply", &doc_merged, &merged, SPARSE);

    let doc_social = bullet_sample(
        &doc,
        "get/contacts/{tenantId}/socialProfile/{emailAddress}",
        "Response samples",
    );
    fake.seed_social("ada@example.com", doc_social.clone());
    let (status, social) = call(
        &fake,
        "GET",
        &format!("{base}/socialProfile/ada@example.com"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_shape("social profile", &doc_social, &social, SPARSE);

    // 409: the contact refers to an organisation that does not exist.
    let mut dangling = put.clone();
    dangling["organization_id"] = json!("org-gone");
    let (status, _) = call(&fake, "PUT", &format!("{base}/{id}"), Some(dangling)).await;
    assert_eq!(status, 409);
    // 403: a locked contact cannot be changed via the API.
    fake.set_locked(&id, true);
    let patch = json!([{"op": "replace", "path": "/job_title", "value": "X"}]);
    let (status, _) = call(&fake, "PATCH", &format!("{base}/{id}"), Some(patch)).await;
    assert_eq!(status, 403);
    fake.set_locked(&id, false);

    let (status, deleted) = call(&fake, "DELETE", &format!("{base}/{id}"), None).await;
    assert_eq!(status, 200);
    let doc_deleted = bullet_sample(&doc, "delete/contacts/{tenantId}/{id}", "Response samples");
    assert_shape("delete reply", &doc_deleted, &deleted, SPARSE);
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
            {"op": "test", "path": "/last_name", "value": "Lovelace"},
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
async fn two_edits_in_a_row_each_start_from_the_last_reply() {
    let fake = FakeRhythm::start().await;
    let id =
        fake.seed(json!({"first_name": "Ada", "last_name": "Lovelace", "notes": "Met at the RS"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut first = base.clone();
    first.job_title = "Analyst".into();
    let saved = b.update_person(&base, &first).await.unwrap();
    assert_eq!(
        saved.version.as_deref(),
        Some("2"),
        "the reply is the new base"
    );
    let mut second = saved.clone();
    second.company = "Analytical Engines".into();
    let saved = b.update_person(&saved, &second).await.unwrap();
    assert_eq!(saved.version.as_deref(), Some("3"));
    let raw = fake.raw(&id).unwrap();
    assert_eq!(raw["job_title"], "Analyst");
    assert_eq!(raw["organization_name"], "Analytical Engines");
    assert_eq!(raw["notes"], "Met at the RS");
    assert_no_managed_paths(&fake);
}

#[tokio::test]
async fn a_stale_edit_keeps_their_other_changes_and_conflicts_on_the_same_field() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B", "notes": "first note"}));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    // Someone else adds a note and a title after rolo read the contact.
    fake.edit_elsewhere(
        &id,
        json!({"notes": "first note\n\n[2026-04-04 15:07:31 UTC] Called: wants 40 seats",
               "job_title": "CFO"}),
    );

    // My edit of another field lands and leaves theirs alone: the stale
    // `notes` and `sys_version` in my copy are never sent.
    let mut mine = base.clone();
    mine.given_name = "Mine".into();
    let saved = b.update_person(&base, &mine).await.unwrap();
    assert_eq!(saved.given_name, "Mine");
    assert_eq!(saved.job_title, "CFO");
    let raw = fake.raw(&id).unwrap();
    assert!(raw["notes"].as_str().unwrap().ends_with("wants 40 seats"));
    assert_eq!(
        fake.recorder.last("PATCH").unwrap().json(),
        json!([
            {"op": "test", "path": "/first_name", "value": "A"},
            {"op": "replace", "path": "/first_name", "value": "Mine"}
        ])
    );

    // The same field from the stale copy: refused, theirs kept.
    let mut clash = base.clone();
    clash.given_name = "Clash".into();
    let err = b.update_person(&base, &clash).await.unwrap_err();
    assert!(
        matches!(&err, BackendError::Conflict { existing: Some(e), message } if *e == id && message.contains("first_name")),
        "{err:?}"
    );
    assert_eq!(fake.raw(&id).unwrap()["first_name"], "Mine");

    // Filling a field they filled meanwhile: an `add` cannot be tested, so
    // the adapter looks first.
    let mut title = base.clone();
    title.job_title = "CEO".into();
    let err = b.update_person(&base, &title).await.unwrap_err();
    assert!(matches!(err, BackendError::Conflict { .. }), "{err:?}");
    assert_eq!(fake.raw(&id).unwrap()["job_title"], "CFO");
    assert_no_managed_paths(&fake);
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
async fn a_409_refers_to_a_missing_object_and_is_a_refusal_not_a_conflict() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B", "organization_id": "org-gone"}));
    let b = backend(&fake);
    let mut p = b.get_person(&id).await.unwrap();
    p.job_title = "CTO".into();
    let err = b.replace_person(&p).await.unwrap_err();
    let BackendError::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert!(v[0].message.contains("non-existent object"), "{v:?}");
    assert!(fake.raw(&id).unwrap().get("job_title").is_none());
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
async fn each_note_is_a_dated_paragraph_of_the_notes_field() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "A", "last_name": "B", "notes": "Issue resolved."}));
    let b = backend(&fake);
    let notes = b.list_notes(&id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].id, NOTE_ID);
    assert_eq!(notes[0].text, "Issue resolved.");

    let note = b
        .create_note(
            &id,
            &Note {
                text: "Called: wants 40 seats".into(),
                created_at: Some("2026-04-04T15:07:31Z".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(note.id, "2026-04-04T15:07:31Z");
    assert_eq!(note.text, "Called: wants 40 seats");
    assert_eq!(
        fake.raw(&id).unwrap()["notes"],
        "Issue resolved.\n\n[2026-04-04 15:07:31 UTC] Called: wants 40 seats"
    );
    // The write tested the text it started from.
    assert_eq!(
        fake.recorder.last("PATCH").unwrap().json()[0],
        json!({"op": "test", "path": "/notes", "value": "Issue resolved."})
    );
    let second = b
        .create_note(
            &id,
            &Note {
                text: "Sent the quote.\nFollow up Friday.".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let listed = b.list_notes(&id).await.unwrap();
    let texts: Vec<_> = listed.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Issue resolved.",
            "Called: wants 40 seats",
            "Sent the quote.\nFollow up Friday."
        ]
    );
    assert!(listed[2].created_at.is_some());

    let mut edited = note.clone();
    edited.text = "Called: wants 45 seats".into();
    let saved = b.update_note(&id, &edited).await.unwrap();
    assert_eq!(saved.id, note.id, "an edit keeps the note's id");
    b.delete_note(&id, &second.id).await.unwrap();
    assert_eq!(
        fake.raw(&id).unwrap()["notes"],
        "Issue resolved.\n\n[2026-04-04 15:07:31 UTC] Called: wants 45 seats"
    );
    b.delete_note(&id, &NOTE_ID.to_string()).await.unwrap();
    b.delete_note(&id, &note.id).await.unwrap();
    assert!(fake.raw(&id).unwrap().get("notes").is_none());
    assert!(matches!(
        b.delete_note(&id, &note.id).await,
        Err(BackendError::NotFound(_))
    ));
    assert!(matches!(
        b.set_note_flag(&id, &note.id, true).await,
        Err(BackendError::Unsupported(_))
    ));
    let caps = b.capabilities();
    assert!(caps.notes && caps.multiple_notes && caps.note_edit && caps.note_delete);
    assert!(!caps.flag_notes && !caps.note_titles);
    assert_no_managed_paths(&fake);
}

#[tokio::test]
async fn a_locked_contact_is_read_only_and_no_write_is_sent() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(
        json!({"first_name": "A", "last_name": "B", "sys_locked": true,
                              "notes": "keep"}),
    );
    let b = backend(&fake);
    let p = b.get_person(&id).await.unwrap();
    assert_eq!(p.read_only.as_deref(), Some(LOCKED));
    let mut edited = p.clone();
    edited.job_title = "CTO".into();
    let note = Note {
        text: "x".into(),
        ..Default::default()
    };
    let refused = [
        b.update_person(&p, &edited).await.unwrap_err(),
        b.create_note(&id, &note).await.unwrap_err(),
        b.set_archived(&id, true).await.unwrap_err(),
        b.enrich(&p).await.unwrap_err(),
        b.delete_person(&id).await.unwrap_err(),
    ];
    for err in refused {
        assert_eq!(err, BackendError::Unsupported(LOCKED.into()));
        assert!(!err.to_string().contains("server"), "{err}");
    }
    assert_eq!(fake.recorder.count("PATCH", &contact_path(&id)), 0);
    assert_eq!(fake.recorder.count("DELETE", &contact_path(&id)), 0);
    assert_eq!(fake.raw(&id).unwrap()["notes"], "keep");

    // Locked after rolo read it: the server's 403 is explained the same way.
    let other = fake.seed(json!({"first_name": "C", "last_name": "D"}));
    let p = b.get_person(&other).await.unwrap();
    fake.set_locked(&other, true);
    let mut edited = p.clone();
    edited.given_name = "E".into();
    assert_eq!(
        b.update_person(&p, &edited).await.unwrap_err(),
        BackendError::Unsupported(LOCKED.into())
    );
    assert_eq!(fake.raw(&other).unwrap()["first_name"], "C");
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
    let labels: Vec<_> = props.iter().map(|p| field_label(&p.field, &[])).collect();
    assert_eq!(labels, ["Company", "Job title", "LinkedIn"]);
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
async fn an_accepted_social_link_is_labelled_and_written_to_its_own_field() {
    let fake = FakeRhythm::start().await;
    let id = fake.seed(json!({"first_name": "Ada", "last_name": "Lovelace",
                              "email_address": "ada@example.com"}));
    fake.seed_social(
        "ada@example.com",
        json!({"fullName": "Ada Lovelace", "twitter": "https://twitter.com/ada",
               "avatar": "https://img.example.com/ada.png"}),
    );
    let b = backend(&fake);
    let p = b.get_person(&id).await.unwrap();
    let EnrichOutcome::Proposals(props) = b.enrich(&p).await.unwrap() else {
        panic!("expected proposals")
    };
    let labels: Vec<_> = props.iter().map(|p| field_label(&p.field, &[])).collect();
    assert_eq!(labels, ["Twitter", "Photo URL"]);
    let mut edited = p.clone();
    assert!(rolo::enrich::apply_proposal(&mut edited, &props[0]));
    b.update_person(&p, &edited).await.unwrap();
    assert_eq!(
        fake.recorder.last("PATCH").unwrap().json(),
        json!([{"op": "add", "path": "/twitter", "value": "https://twitter.com/ada"}])
    );
    assert_eq!(fake.raw(&id).unwrap()["twitter"], "https://twitter.com/ada");
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
