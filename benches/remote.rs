//! Listing 10,000 people from each fake remote server with 5 ms latency per
//! request: wall time, requests and requests per second. Paging is sequential
//! by nature (each page's cursor comes from the previous reply), so this
//! measures per-request overhead on top of the latency.
//!
//! Run: `cargo bench --bench remote`.

use rolo::backend::http::HttpConfig;
use rolo::backend::introzy::IntrozyBackend;
use rolo::backend::rhythm::{RhythmAuth, RhythmBackend};
use rolo::backend::rogerroger::RogerRoger;
use rolo::backend::{Backend, ListQuery};
use secrecy::SecretString;
use std::time::{Duration, Instant};
use support::{fake_introzy, fake_rhythm, fake_rogerroger};

const PEOPLE: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(5);

fn report(name: &str, people: usize, requests: usize, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    println!(
        "{name:<10} {people} people, {requests} requests in {:.0} ms: {:.0} requests/s, {:.0} people/s",
        secs * 1000.0,
        requests as f64 / secs,
        people as f64 / secs
    );
}

async fn introzy() {
    let fake = fake_introzy::FakeIntrozy::start().await;
    fake.seed_many(PEOPLE);
    fake.recorder.set_latency(LATENCY);
    let b = IntrozyBackend::new(
        HttpConfig::new(&fake.base_url),
        &SecretString::from(fake_introzy::API_KEY),
    )
    .expect("introzy backend");
    let started = Instant::now();
    let people = b
        .list_all(&ListQuery::default(), &mut |_, _| {})
        .await
        .expect("introzy list");
    report(
        "introzy",
        people.len(),
        fake.recorder.request_count(),
        started.elapsed(),
    );
    assert_eq!(people.len(), PEOPLE);
}

async fn rhythm() {
    let fake = fake_rhythm::FakeRhythm::start().await;
    fake.seed_many(PEOPLE);
    // Pages of 100 scanned records, as a DynamoDB-backed search might serve.
    fake.set_scan_sizes(vec![100]);
    fake.recorder.set_latency(LATENCY);
    let b = RhythmBackend::new(
        HttpConfig::new(&fake.base_url),
        fake_rhythm::TENANT,
        RhythmAuth::Static(SecretString::from(fake_rhythm::STATIC_KEY)),
    )
    .expect("rhythm backend");
    let started = Instant::now();
    let people = b
        .list_all(&ListQuery::default(), &mut |_, _| {})
        .await
        .expect("rhythm list");
    report(
        "rhythm",
        people.len(),
        fake.recorder.request_count(),
        started.elapsed(),
    );
    assert_eq!(people.len(), PEOPLE);
}

/// RogerRoger pages hold at most 30 people, so 10,000 people take 334
/// requests. The client-side 20 requests/minute budget is DISABLED here
/// (`rate_limit: None`); with it the same listing takes about 17 minutes.
async fn rogerroger() {
    let fake = fake_rogerroger::FakeRogerRoger::start().await;
    fake.seed_many(PEOPLE);
    fake.recorder.set_latency(LATENCY);
    let config = HttpConfig {
        rate_limit: None,
        ..RogerRoger::default_config(&fake.base_url)
    };
    let b = RogerRoger::new(config, SecretString::from(fake_rogerroger::API_KEY))
        .expect("rogerroger backend");
    let started = Instant::now();
    let people = b
        .list_all(&ListQuery::default(), &mut |_, _| {})
        .await
        .expect("rogerroger list");
    report(
        "rogerroger",
        people.len(),
        fake.recorder.request_count(),
        started.elapsed(),
    );
    assert_eq!(people.len(), PEOPLE);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        introzy().await;
        rhythm().await;
        rogerroger().await;
    });
}
