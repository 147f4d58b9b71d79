//! The cached client's two costs that users feel:
//!
//! 1. First frame from a warm cache of 100,000 people: open the cache
//!    SQLite file, `load_summaries`, `PeopleView::set_people`, and one
//!    `ui::draw` to a 200x60 `TestBackend` (no network involved).
//! 2. A full background sync of 10,000 people from the fake RogerRoger with
//!    20 ms latency per request and the client-side budget off: wall time,
//!    requests, average requests in flight (requests x latency / wall time,
//!    Little's law) and people per second, the cache write included.
//!
//! Run: `cargo bench --bench cache` (a plain timing main; figures in
//! BENCHMARKS.md, "Cached client").

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::keymap::Keymap;
use rolo::app::state::{State, Workspace};
use rolo::backend::Backend;
use rolo::backend::http::HttpConfig;
use rolo::backend::rogerroger::RogerRoger;
use rolo::client::Client;
use rolo::model::Capabilities;
use rolo::store::Store;
use secrecy::SecretString;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::fake_rogerroger;

const CACHED: usize = 100_000;
const SYNCED: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(20);
const SEED: u64 = 2026;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn first_frame() {
    let started = Instant::now();
    let people = rolo::fake_data::generate_people(CACHED, SEED);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rr.sqlite");
    Store::open(&db)
        .expect("open cache")
        .import(&people)
        .expect("import");
    drop(people);
    eprintln!(
        "generated and cached {CACHED} people in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let workspace = Workspace {
        profile: "rr".into(),
        backend: "rogerroger".into(),
        is_demo: false,
    };
    let keymap = Arc::new(Keymap::defaults());
    let (mut open_t, mut load_t, mut model_t, mut draw_t, mut total_t) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..7 {
        let t0 = Instant::now();
        let store = Store::open(&db).expect("open");
        let t1 = Instant::now();
        let summaries = store.load_summaries().expect("load");
        let t2 = Instant::now();
        let mut state = State::new(workspace.clone(), Capabilities::all_local(), keymap.clone());
        state.size = (200, 60);
        state.sync.remote = true;
        state.people.set_people(summaries);
        let t3 = Instant::now();
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        terminal
            .draw(|f| rolo::ui::draw(f, black_box(&state)))
            .expect("draw");
        let t4 = Instant::now();
        assert_eq!(state.people.all.len(), CACHED);
        open_t.push(t1 - t0);
        load_t.push(t2 - t1);
        model_t.push(t3 - t2);
        draw_t.push(t4 - t3);
        total_t.push(t4 - t0);
    }
    println!("first frame from a warm cache of {CACHED} people (median of 7):");
    println!("  open cache        {:8.1} ms", ms(median(open_t)));
    println!("  load_summaries    {:8.1} ms", ms(median(load_t)));
    println!("  set_people        {:8.1} ms", ms(median(model_t)));
    println!("  draw 200x60       {:8.1} ms", ms(median(draw_t)));
    let total = total_t.clone();
    println!(
        "  total             {:8.1} ms (min {:.1}, max {:.1})",
        ms(median(total_t)),
        ms(total.iter().copied().min().unwrap_or_default()),
        ms(total.iter().copied().max().unwrap_or_default())
    );
}

async fn full_sync() {
    let fake = fake_rogerroger::FakeRogerRoger::start().await;
    fake.seed_many(SYNCED);
    fake.set_latency(LATENCY);
    let config = HttpConfig {
        rate_limit: None,
        ..RogerRoger::default_config(&fake.base_url)
    };
    let backend: Arc<dyn Backend> = Arc::new(
        RogerRoger::new(config, SecretString::from(fake_rogerroger::API_KEY)).expect("backend"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("rr.sqlite")).expect("cache");
    let client = Client::remote(backend, Arc::new(Mutex::new(store)));

    let mut pages = 0usize;
    let started = Instant::now();
    let report = client.sync(&mut |_, _| pages += 1).await;
    let wall = started.elapsed();
    assert_eq!(report.error, None, "{report:?}");
    assert_eq!(report.fetched, Some(SYNCED));
    let synced = client.load_summaries().await.expect("cached people");
    assert_eq!(synced.len(), SYNCED);
    let requests = fake.recorder.request_count();
    let in_flight = requests as f64 * LATENCY.as_secs_f64() / wall.as_secs_f64();
    println!(
        "full sync of {SYNCED} people from RogerRoger at {} ms/request, budget off:",
        LATENCY.as_millis()
    );
    println!(
        "  {requests} requests ({pages} progress reports) in {:.2} s: {:.1} requests/s, \
         {:.0} people/s, {in_flight:.2} requests in flight on average",
        wall.as_secs_f64(),
        requests as f64 / wall.as_secs_f64(),
        SYNCED as f64 / wall.as_secs_f64()
    );
    println!(
        "  floor from latency alone: {:.2} s",
        requests as f64 * LATENCY.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument picks one part.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wants = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if wants("first_frame") {
        first_frame();
    }
    if wants("sync") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(full_sync());
    }
}
