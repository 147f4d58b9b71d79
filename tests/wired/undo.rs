//! `u` on the client: the last change to a person taken back. Still queued
//! (a remote profile offline): the op is dropped, nothing reaches the server
//! and the cache shows the person as before. Already sent: the previous
//! values go out as an edit of their own. A local workspace: the store gets
//! the previous version back.

use rolo::backend::Backend;
use rolo::backend::local::LocalBackend;
use rolo::client::{Client, Undone};
use rolo::store::Store;
use std::sync::{Arc, Mutex};
use support::backends::{Fake, introzy, rhythm, rogerroger};
use support::proxy::Proxy;
use support::sample_person;

/// A synced cache of three people behind a proxy, and a server id.
async fn remote<F: Fake>(fake: &F) -> (Proxy, Client, Arc<dyn Backend>, String, tempfile::TempDir) {
    let direct = fake.backend(fake.base_url());
    let mut ids = Vec::new();
    for i in 0..3 {
        let p = fake.adapt(sample_person(i));
        ids.push(direct.create_person(&p).await.unwrap().id);
    }
    let proxy = Proxy::start(fake.base_url()).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).unwrap();
    let client = Client::remote(fake.backend(&proxy.url()), Arc::new(Mutex::new(store)));
    let report = client.sync(&mut |_, _| {}).await;
    assert_eq!(report.error, None, "{report:?}");
    (proxy, client, direct, ids[1].clone(), dir)
}

async fn a_queued_edit_is_dropped_unsent<F: Fake>(fake: F) {
    let (mut proxy, client, direct, id, _dir) = remote(&fake).await;
    let (before, _) = client.load_detail(&id).await.unwrap();
    let original = fake.mine(&before);
    proxy.down().await;
    let mut edited = before.clone();
    fake.set_mine(&mut edited, "Typed by mistake");
    let after = client.save_person(Some(&before), &edited).await.unwrap();
    assert_eq!(client.queued().await.unwrap().len(), 1);

    let (shown, how) = client.undo_person_change(&before, &after).await.unwrap();
    assert_eq!(how, Undone::Dropped);
    assert_eq!(
        fake.mine(&shown),
        original,
        "the cache shows the person as before"
    );
    assert!(client.queued().await.unwrap().is_empty(), "nothing queued");
    let (cached, _) = client.load_detail(&id).await.unwrap();
    assert_eq!(fake.mine(&cached), original);

    proxy.up().await;
    let report = client.flush().await;
    assert!(report.sent.is_empty(), "nothing to send: {report:?}");
    assert_eq!(fake.recorder().count("PATCH", &fake.person_path(&id)), 0);
    assert_eq!(fake.mine(&direct.get_person(&id).await.unwrap()), original);
}

async fn a_sent_edit_is_written_back<F: Fake>(fake: F) {
    let (_proxy, client, direct, id, _dir) = remote(&fake).await;
    let (before, _) = client.load_detail(&id).await.unwrap();
    let original = fake.mine(&before);
    let mut edited = before.clone();
    fake.set_mine(&mut edited, "Sent already");
    client.save_person(Some(&before), &edited).await.unwrap();
    let report = client.flush().await;
    assert_eq!(report.sent.len(), 1, "{report:?}");
    let (after, _) = client.load_detail(&id).await.unwrap();
    assert_eq!(
        fake.mine(&direct.get_person(&id).await.unwrap()),
        "Sent already"
    );

    let (_, how) = client.undo_person_change(&before, &after).await.unwrap();
    assert_eq!(how, Undone::Reverted);
    let report = client.flush().await;
    assert_eq!(
        report.sent.len(),
        1,
        "the inverse edit goes out: {report:?}"
    );
    assert!(
        report.conflicts.is_empty() && report.failed.is_empty(),
        "{report:?}"
    );
    assert_eq!(fake.mine(&direct.get_person(&id).await.unwrap()), original);
}

macro_rules! per_backend {
    ($($name:ident => $fake:expr, $scenario:ident;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            $scenario($fake.await).await;
        }
    )*};
}

per_backend! {
    rogerroger_queued_edit_dropped => rogerroger(), a_queued_edit_is_dropped_unsent;
    introzy_queued_edit_dropped => introzy(), a_queued_edit_is_dropped_unsent;
    rhythm_queued_edit_dropped => rhythm(), a_queued_edit_is_dropped_unsent;
    rogerroger_sent_edit_written_back => rogerroger(), a_sent_edit_is_written_back;
    rhythm_sent_edit_written_back => rhythm(), a_sent_edit_is_written_back;
}

#[tokio::test]
async fn local_edits_and_archiving_are_written_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(
        Store::open(&dir.path().join("people.sqlite")).unwrap(),
    ));
    let client = Client::new(Arc::new(LocalBackend::new(store.clone())), store);
    let before = client.save_person(None, &sample_person(7)).await.unwrap();
    let mut edited = before.clone();
    edited.job_title = "Oops".into();
    let after = client.save_person(Some(&before), &edited).await.unwrap();
    let (back, how) = client.undo_person_change(&before, &after).await.unwrap();
    assert_eq!(how, Undone::Reverted);
    assert_eq!(back.job_title, before.job_title);
    let (stored, _) = client.load_detail(&before.id).await.unwrap();
    assert_eq!(stored.job_title, before.job_title);

    let archived = client.set_archived(&before.id, true).await.unwrap();
    let (back, _) = client.undo_person_change(&stored, &archived).await.unwrap();
    assert!(!back.archived);
    let (stored, _) = client.load_detail(&before.id).await.unwrap();
    assert!(!stored.archived, "unarchived in the store");
}
