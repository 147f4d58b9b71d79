//! Keystroke to screen, as a user feels it: the real `rolo` binary in a
//! pseudo-terminal over generated people, words typed one letter at a
//! time, each timed from the write of the key to the frame that echoes it
//! (the first frame, maybe still marked "matching…") and to the frame with
//! its whole answer. Also the load time (start to the first full list),
//! the peak RSS, and `fzf --filter` over the same people (names and emails
//! as lines) for the same prefixes, in the same run.
//!
//! Not part of `cargo test` (a `harness = false` bench):
//!
//! ```sh
//! cargo bench --bench typing -- --people 100000 --runs 3
//! cargo bench --bench typing -- --people 1000000 --runs 2 --words 4
//! ```
//!
//! The database is generated once into `target/bench-data/` and reused;
//! `--clean` deletes it after the run.

use rolo::fake_data::generate_person;
use rolo::store::Store;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::pty::Session;
use support::sandbox::Sandbox;

const SEED: u64 = 2026;
const COLS: u16 = 120;
const ROWS: u16 = 35;

struct Args {
    people: usize,
    runs: usize,
    words: usize,
    clean: bool,
}

fn args() -> Args {
    let mut a = Args {
        people: 100_000,
        runs: 3,
        words: 6,
        clean: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || -> usize {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{arg} needs a number"))
        };
        match arg.as_str() {
            "--people" => a.people = value(),
            "--runs" => a.runs = value(),
            "--words" => a.words = value(),
            "--clean" => a.clean = true,
            _ => {} // cargo passes `--bench`
        }
    }
    a
}

/// The generated database for `people`, made once.
fn database(people: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let path = dir.join(format!("people-{people}.sqlite"));
    if path.exists() {
        return path;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    let mut store = Store::open(&partial).expect("open the bench database");
    const CHUNK: usize = 50_000;
    for start in (0..people).step_by(CHUNK) {
        let chunk: Vec<_> = (start..(start + CHUNK).min(people))
            .map(|i| generate_person(i, SEED))
            .collect();
        store.import(&chunk).expect("import generated people");
    }
    store
        .set_meta("demo_seeded", "1")
        .expect("mark the database seeded");
    drop(store);
    std::fs::rename(&partial, &path).expect("move the database into place");
    eprintln!(
        "generated {people} people in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    path
}

/// Five-letter, lowercase ASCII starts of names, the most common first:
/// what a user looking for someone types.
fn words(db: &Path, n: usize) -> (Vec<String>, Vec<String>) {
    let store = Store::open(db).expect("open the bench database");
    let people = store.load_summaries().expect("load people");
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut lines = Vec::with_capacity(people.len());
    for p in &people {
        for name in [&p.given_name, &p.family_name] {
            let w: String = name.to_lowercase().chars().take(5).collect();
            if w.len() == 5 && w.chars().all(|c| c.is_ascii_lowercase()) {
                *counts.entry(w).or_default() += 1;
            }
        }
        lines.push(format!("{} {}", p.display_name, p.emails));
    }
    let mut ranked: Vec<_> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Spread over common and rarer names: every third of the top ones.
    let words = ranked
        .into_iter()
        .step_by(3)
        .take(n)
        .map(|(w, _)| w)
        .collect();
    (words, lines)
}

fn first_line(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

/// The `VmHWM` (peak resident set) of `pid`, in MB.
fn peak_rss_mb(pid: i32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Default)]
struct Timings {
    /// Per letter position (0..5): key to the frame echoing it, and key to
    /// the frame with its whole answer, in ms.
    first: Vec<Vec<f64>>,
    done: Vec<Vec<f64>>,
    load: Vec<f64>,
    rss: Vec<f64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One run: start rolo, wait for the list, type every word, quit.
fn run_rolo(db: &Path, people: usize, words: &[String], t: &mut Timings) {
    let home = Sandbox::new(env!("CARGO_BIN_EXE_rolo"));
    let demo = home.demo_db();
    std::fs::create_dir_all(demo.parent().expect("demo dir")).expect("demo dir");
    // A hard link: the same file, no copy (the run only reads it).
    std::fs::hard_link(db, &demo)
        .or_else(|_| std::fs::copy(db, &demo).map(|_| ()))
        .expect("place the database");
    let started = Instant::now();
    let mut s = Session::start(&home, COLS, ROWS);
    s.set_timeout(Duration::from_secs(120));
    s.wait_for(&format!("People {people}/{people}"));
    t.load.push(ms(started.elapsed()));
    for word in words {
        s.send("/");
        s.wait_until("the search bar", |screen| {
            first_line(screen).starts_with("/ ")
        });
        for n in 1..=word.len() {
            let prefix = &word[..n];
            let bar = format!("/{prefix} ");
            let key = Instant::now();
            s.send(&word[n - 1..n]);
            s.wait_until("the keystroke echoed", |screen| {
                first_line(screen).starts_with(&bar)
            });
            t.first[n - 1].push(ms(key.elapsed()));
            s.wait_until("the whole answer", |screen| {
                let line = first_line(screen);
                line.starts_with(&bar) && !line.contains("matching…")
            });
            t.done[n - 1].push(ms(key.elapsed()));
        }
        s.send("\x1b");
        s.wait_until("the filter cleared", |screen| {
            !first_line(screen).starts_with('/')
        });
    }
    t.rss.push(peak_rss_mb(s.pid()));
    s.send("q");
    let _ = s.wait_exit();
}

/// `fzf --filter` over the same lines, per prefix, whole-process time.
fn run_fzf(lines_file: &Path, words: &[String], per_letter: &mut [Vec<f64>]) {
    for word in words {
        for n in 1..=word.len() {
            let input = std::fs::File::open(lines_file).expect("fzf input");
            let started = Instant::now();
            let status = Command::new("fzf")
                .args(["--filter", &word[..n]])
                .stdin(input)
                .stdout(Stdio::null())
                .status()
                .expect("run fzf");
            // fzf exits 1 when nothing matches; that is a result too.
            assert!(status.code().is_some_and(|c| c <= 1), "fzf: {status:?}");
            per_letter[n - 1].push(ms(started.elapsed()));
        }
    }
}

fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let at = ((v.len() - 1) as f64 * q).round() as usize;
    v[at]
}

fn spread(values: &[f64]) -> String {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{lo:.0}–{hi:.0}")
}

fn main() {
    let a = args();
    let db = database(a.people);
    let (words, lines) = words(&db, a.words);
    let lines_file = db.with_extension("lines");
    {
        let mut f = std::fs::File::create(&lines_file).expect("fzf lines");
        for l in &lines {
            writeln!(f, "{l}").expect("write fzf lines");
        }
    }
    drop(lines);
    eprintln!("words: {words:?}; load average before: {}", loadavg());

    let mut t = Timings {
        first: vec![Vec::new(); 5],
        done: vec![Vec::new(); 5],
        ..Default::default()
    };
    let mut fzf = vec![Vec::new(); 5];
    for run in 0..a.runs {
        run_rolo(&db, a.people, &words, &mut t);
        run_fzf(&lines_file, &words, &mut fzf);
        eprintln!(
            "run {}: load {:.0} ms, peak RSS {:.0} MB, load average {}",
            run + 1,
            t.load[run],
            t.rss[run],
            loadavg()
        );
    }

    println!(
        "\n{} people, {} runs x {} words, {COLS}x{ROWS}; load average after: {}\n",
        a.people,
        a.runs,
        words.len(),
        loadavg()
    );
    println!(
        "| letters typed | rolo first frame median | p95 | rolo whole answer median | p95 | fzf --filter median | p95 |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (n, ((first, done), fz)) in t.first.iter().zip(&t.done).zip(&fzf).enumerate() {
        println!(
            "| {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            n + 1,
            quantile(first, 0.5),
            quantile(first, 0.95),
            quantile(done, 0.5),
            quantile(done, 0.95),
            quantile(fz, 0.5),
            quantile(fz, 0.95),
        );
    }
    let all = |v: &[Vec<f64>]| v.iter().flatten().copied().collect::<Vec<_>>();
    let (first, done, fz) = (all(&t.first), all(&t.done), all(&fzf));
    println!(
        "| all | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
        quantile(&first, 0.5),
        quantile(&first, 0.95),
        quantile(&done, 0.5),
        quantile(&done, 0.95),
        quantile(&fz, 0.5),
        quantile(&fz, 0.95),
    );
    println!(
        "\nload to first full list: median {:.0} ms (runs {} ms); peak RSS median {:.0} MB (runs {} MB)",
        quantile(&t.load, 0.5),
        spread(&t.load),
        quantile(&t.rss, 0.5),
        spread(&t.rss)
    );
    // The spread of each run's median whole answer, as the noise.
    let per_run = words.len() * 5;
    let run_medians: Vec<f64> = (0..a.runs)
        .map(|r| {
            let mut v = Vec::new();
            for letter in &t.done {
                let k = letter.len() / a.runs;
                v.extend_from_slice(&letter[r * k..(r + 1) * k]);
            }
            quantile(&v, 0.5)
        })
        .collect();
    println!(
        "per-run median of the whole answer ({per_run} keystrokes each): {}",
        run_medians
            .iter()
            .map(|m| format!("{m:.1} ms"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = std::fs::remove_file(&lines_file);
    if a.clean {
        let _ = std::fs::remove_file(&db);
    }
}
