//! Core costs with 100,000 people: filtering one keystroke, drawing one
//! frame, and loading everyone from SQLite into the list model.
//!
//! Run: `cargo bench --bench core` (figures and the machine in BENCHMARKS.md).
//! The data comes from `rolo::fake_data::generate_people(100_000, SEED)` and
//! is written to a SQLite file in a temp directory once, before any timing.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::keymap::Keymap;
use rolo::app::people::PeopleView;
use rolo::app::state::{Focus, State, Workspace};
use rolo::model::{Capabilities, PersonWithNotes};
use rolo::store::{PersonSummary, Store};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const PEOPLE: usize = 100_000;
const SEED: u64 = 2026;

/// Generated once per run: the people, their summaries as the store returns
/// them, and the SQLite file they were imported into.
struct Data {
    people: Vec<PersonWithNotes>,
    summaries: Vec<PersonSummary>,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let started = Instant::now();
        let people = rolo::fake_data::generate_people(PEOPLE, SEED);
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("people.sqlite");
        let mut store = Store::open(&db).expect("open bench db");
        store.import(&people).expect("import");
        let summaries = store.load_summaries().expect("load");
        assert_eq!(summaries.len(), PEOPLE);
        eprintln!(
            "generated and imported {PEOPLE} people in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Data {
            people,
            summaries,
            db,
            _dir: dir,
        }
    })
}

fn loaded_view() -> PeopleView {
    let mut view = PeopleView::default();
    view.set_people(data().summaries.clone());
    view
}

/// Time `set_query(to)` starting each time from the results of `from`
/// (untimed), as when the user types one more character: `to` is matched
/// among the results of `from`, never recalled from an earlier iteration.
fn keystroke(view: &mut PeopleView, from: &[&str], to: &str, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        view.forget_matches();
        view.set_query("");
        for q in from {
            view.set_query(q);
        }
        let start = Instant::now();
        view.set_query(black_box(to));
        total += start.elapsed();
        black_box(view.visible.len());
    }
    total
}

fn filter(c: &mut Criterion) {
    let mut view = loaded_view();
    for q in ["m", "ma", "mar", "company:gr"] {
        view.set_query(q);
        eprintln!("query {q:?} matches {} of {PEOPLE}", view.visible.len());
    }
    let mut group = c.benchmark_group("filter_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("first_keystroke_m", |b| {
        b.iter_custom(|iters| keystroke(&mut view, &[], "m", iters))
    });
    group.bench_function("narrow_m_to_ma", |b| {
        b.iter_custom(|iters| keystroke(&mut view, &["m"], "ma", iters))
    });
    group.bench_function("narrow_ma_to_mar", |b| {
        b.iter_custom(|iters| keystroke(&mut view, &["m", "ma"], "mar", iters))
    });
    group.bench_function("from_scratch_mar", |b| {
        b.iter_custom(|iters| keystroke(&mut view, &[], "mar", iters))
    });
    group.bench_function("field_company_g_to_gr", |b| {
        b.iter_custom(|iters| keystroke(&mut view, &["company:g"], "company:gr", iters))
    });
    group.bench_function("clear_mar", |b| {
        b.iter_custom(|iters| keystroke(&mut view, &["m", "ma", "mar"], "", iters))
    });
    group.finish();
}

/// A 200x60 state with 100k people listed and a full person with notes in
/// the detail pane.
fn frame_state(query: &str) -> State {
    let workspace = Workspace {
        profile: "demo".into(),
        backend: "local".into(),
        is_demo: true,
    };
    let mut state = State::new(
        workspace,
        Capabilities::all_local(),
        Arc::new(Keymap::defaults()),
    );
    state.size = (200, 60);
    state.people.set_people(data().summaries.clone());
    if !query.is_empty() {
        state.people.set_query(query);
    }
    // The person with the most notes, so the detail pane has the most to do.
    let entry = data()
        .people
        .iter()
        .take(1000)
        .max_by_key(|p| p.notes.len())
        .expect("people");
    state.detail.person = Some(entry.person.clone());
    state.detail.notes = entry.notes.clone();
    state.focus = Focus::List;
    state.info(format!("{PEOPLE} people"));
    state
}

fn draw(c: &mut Criterion) {
    let mut group = c.benchmark_group("draw_200x60_100k");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(4));
    for (name, query) in [("list_detail", ""), ("list_detail_filtered_mar", "mar")] {
        let state = frame_state(query);
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        group.bench_function(name, |b| {
            b.iter(|| {
                // A fresh frame each time: clear the previous buffer so the
                // diff writes every cell, as on the first frame after a jump.
                terminal.clear().expect("clear");
                terminal
                    .draw(|f| rolo::ui::draw(f, black_box(&state)))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

fn cold_load(c: &mut Criterion) {
    let db = data().db.clone();
    let mut group = c.benchmark_group("load_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("sqlite_to_list_model", |b| {
        b.iter(|| {
            let store = Store::open(&db).expect("open");
            let people = store.load_summaries().expect("load");
            let mut view = PeopleView::default();
            view.set_people(people);
            black_box(view.visible.len())
        })
    });
    group.finish();
}

criterion_group!(benches, filter, draw, cold_load);
criterion_main!(benches);
