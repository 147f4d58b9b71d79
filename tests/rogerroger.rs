//! RogerRoger details the shared contract does not cover: the exact requests
//! (itemsPerPage, filters, merge-patch bodies), older `hydra:` collections,
//! 415, PUT fidelity, tag IRIs, note categories, the client-side budget and
//! its status reports, and an over-long `Retry-After`.

mod support;

use rolo::backend::http::{
    HttpConfig, MERGE_PATCH_JSON, NetStatus, RateLimit, RequestSpec, WaitReason,
};
use rolo::backend::rogerroger::RogerRoger;
use rolo::backend::{Backend, BackendError, ListQuery};
use rolo::model::Note;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::fake_rogerroger::{API_KEY, FakeRogerRoger};
use support::faults::Fault;

fn config(fake: &FakeRogerRoger, rate_limit: Option<RateLimit>) -> HttpConfig {
    HttpConfig {
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        request_timeout: Duration::from_secs(5),
        max_retry_after: Duration::from_secs(5),
        rate_limit,
        ..RogerRoger::default_config(&fake.base_url)
    }
}

fn backend(fake: &FakeRogerRoger) -> RogerRoger {
    RogerRoger::new(config(fake, None), SecretString::from(API_KEY)).unwrap()
}

fn person_json(i: usize) -> Value {
    json!({
        "givenName": "Jane", "familyName": format!("Doe{i}"),
        "emailAddresses": [{"@type": "EmailAddress", "email": format!("jane{i}@acme.test")}],
        "tags": [{"@id": "/tags/1", "title": "VIP", "backgroundColor": "#f00", "textColor": "#fff"}, "/tags/2"],
        "organizations": [{"@id": "/organizations/5", "name": "Acme"}],
        "customerId": "C-1", "dealSize": 12000, "segments": ["/segments/9"],
        "address": {"@id": "/addresses/1", "street": "Main 1", "postalCode": "1000 AA", "city": "Amsterdam", "country": "NL"},
    })
}

#[tokio::test]
async fn pages_of_30_with_archived_filter_follow_view_next() {
    let fake = FakeRogerRoger::start().await;
    fake.seed_many(65);
    let b = backend(&fake);
    let people = b
        .list_all(&ListQuery::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(people.len(), 65);
    let queries: Vec<String> = fake
        .recorder
        .log()
        .iter()
        .filter(|l| l.path == "/people")
        .filter_map(|l| l.query.clone())
        .collect();
    assert_eq!(queries.len(), 3);
    for (i, q) in queries.iter().enumerate() {
        assert!(q.contains(&format!("page={}", i + 1)), "{q}");
        assert!(q.contains("itemsPerPage=30"), "{q}");
        assert!(q.contains("exists%5BarchivedAt%5D=false"), "{q}");
    }
    // Unknown fields arrive in `extra`.
    assert_eq!(people[0].extra["customerId"], "C-0");
}

#[tokio::test]
async fn older_hydra_prefixed_collections() {
    let fake = FakeRogerRoger::start().await;
    fake.set_hydra_prefix(true);
    fake.seed_many(35);
    let b = backend(&fake);
    let page = b.list_page(&ListQuery::default(), None).await.unwrap();
    assert_eq!((page.people.len(), page.total), (30, Some(35)));
    let all = b
        .list_all(&ListQuery::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(all.len(), 35);
}

#[tokio::test]
async fn edit_sends_merge_patch_of_changes_only() {
    let fake = FakeRogerRoger::start().await;
    let id = fake.seed(person_json(1));
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    assert_eq!(base.tags, ["VIP", "/tags/2"]);
    assert_eq!(base.company, "Acme");
    let mut edited = base.clone();
    edited.job_title = "CFO".into();
    edited.tags = vec!["VIP".into()];
    b.update_person(&base, &edited).await.unwrap();
    let patch = fake.recorder.last("PATCH").unwrap();
    assert_eq!(patch.content_type.as_deref(), Some(MERGE_PATCH_JSON));
    assert_eq!(
        patch.json(),
        json!({"jobTitle": "CFO", "tags": ["/tags/1"]})
    );
    let raw = fake.raw(&id).unwrap();
    assert_eq!(raw["tags"], json!(["/tags/1"]));
    assert_eq!(raw["dealSize"], 12000);
}

#[tokio::test]
async fn patch_with_the_wrong_content_type_is_415() {
    let fake = FakeRogerRoger::start().await;
    let id = fake.seed(person_json(1));
    let b = backend(&fake);
    let spec = RequestSpec::patch(
        format!("/people/{id}"),
        json!({"jobTitle": "x"}),
        "application/json",
    );
    let err = b.http().send(spec).await.unwrap_err();
    match err {
        BackendError::Server {
            status: 415,
            message,
        } => {
            assert!(message.contains("merge-patch+json"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn put_replace_sends_every_field_the_server_sent() {
    let fake = FakeRogerRoger::start().await;
    let id = fake.seed(person_json(1));
    let before = fake.raw(&id).unwrap();
    let b = backend(&fake);
    let base = b.get_person(&id).await.unwrap();
    let mut edited = base.clone();
    edited.given_name = "Janet".into();
    let saved = b.replace_person(&base, &edited).await.unwrap();
    assert_eq!(saved.given_name, "Janet");
    let put = fake.recorder.last("PUT").unwrap().json();
    for key in [
        "customerId",
        "dealSize",
        "segments",
        "organizations",
        "address",
    ] {
        assert_eq!(put[key], before[key], "{key} sent back unchanged");
    }
    let mut after = fake.raw(&id).unwrap();
    let mut before = before;
    for v in [&mut after, &mut before] {
        let o = v.as_object_mut().unwrap();
        o.remove("updatedAt");
        o.remove("givenName");
    }
    // The fake stores tags as sent; embedded tag objects are sent back as is.
    assert_eq!(after, before);
}

#[tokio::test]
async fn notes_use_the_first_category_and_cache_the_list() {
    let fake = FakeRogerRoger::start().await;
    let id = fake.seed(person_json(1));
    let b = backend(&fake);
    for text in ["one", "two"] {
        let note = Note {
            text: text.into(),
            ..Default::default()
        };
        b.create_note(&id, &note).await.unwrap();
    }
    let raw = fake.raw_notes(&id);
    assert!(raw.iter().all(|n| n["category"] == "/note_categories/1"));
    assert_eq!(fake.recorder.count("GET", "/note_categories"), 1);
    let cats = b.note_categories().await.unwrap();
    assert_eq!(cats[1].name, "Call");
    let post = fake.recorder.last("POST").unwrap();
    assert_eq!(post.content_type.as_deref(), Some("application/ld+json"));
}

#[tokio::test]
async fn budget_waits_instead_of_failing_and_reports_it() {
    let fake = FakeRogerRoger::start().await;
    let id = fake.seed(person_json(1));
    let limit = RateLimit {
        requests: 2,
        per: Duration::from_millis(700),
    };
    let b = RogerRoger::new(config(&fake, Some(limit)), SecretString::from(API_KEY)).unwrap();
    let mut status = b.http().status();
    let seen = tokio::spawn(async move {
        let mut waits = Vec::new();
        while status.changed().await.is_ok() {
            let s = *status.borrow_and_update();
            if let NetStatus::Waiting { reason, .. } = s {
                waits.push((reason, s.describe(Instant::now())));
            }
        }
        waits
    });
    let started = Instant::now();
    for _ in 0..4 {
        b.get_person(&id).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(650),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.recorder.request_count(), 4);
    drop(b);
    let waits = seen.await.unwrap();
    assert!(!waits.is_empty());
    assert_eq!(waits[0].0, WaitReason::RateBudget);
    assert!(
        waits[0]
            .1
            .as_deref()
            .unwrap()
            .starts_with("waiting for rate limit (")
    );
}

#[tokio::test]
async fn a_long_retry_after_is_reported_not_slept() {
    let fake = FakeRogerRoger::start().await;
    fake.inject(Some("GET"), Some("/people"), Fault::RateLimited(3600), 1);
    let b = backend(&fake);
    let started = Instant::now();
    let err = b.list_page(&ListQuery::default(), None).await.unwrap_err();
    assert_eq!(
        err,
        BackendError::RateLimited {
            retry_after: Duration::from_secs(3600)
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn search_and_identifier_filters_reach_the_server() {
    let fake = FakeRogerRoger::start().await;
    fake.seed_many(10);
    let archived =
        fake.seed(json!({"familyName": "Gone", "archivedAt": "2024-01-01T00:00:00+00:00"}));
    let b = backend(&fake);
    let q = ListQuery {
        search: Some("family00007".into()),
        ..Default::default()
    };
    let page = b.list_page(&q, None).await.unwrap();
    assert_eq!(page.people.len(), 1);
    assert!(
        fake.recorder
            .log()
            .last()
            .unwrap()
            .query
            .as_deref()
            .unwrap()
            .contains("q=family00007")
    );
    let with = ListQuery {
        include_archived: true,
        ..Default::default()
    };
    let all = b.list_all(&with, &mut |_, _| {}).await.unwrap();
    assert!(all.iter().any(|p| p.id == archived && p.archived));
}

#[tokio::test]
async fn the_api_key_never_shows_in_debug_output() {
    let fake = FakeRogerRoger::start().await;
    let b = backend(&fake);
    assert!(!format!("{b:?}").contains(API_KEY));
    let sent = {
        b.list_page(&ListQuery::default(), None).await.unwrap();
        fake.recorder.log()
    };
    assert_eq!(sent.len(), 1, "the key was sent (auth passed)");
}
