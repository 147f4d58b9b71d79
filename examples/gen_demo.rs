//! Generate demo data.
//!
//! Without arguments, (re)writes `assets/demo/people.json`: 240 people from a
//! fixed seed, pretty-printed, for the bundled demo profile.
//!
//! With `--db PATH`, imports `--count N` generated people into a SQLite
//! database instead, for benchmarks and memory measurements:
//!
//! ```sh
//! cargo run --release --example gen_demo -- --count 100000 --db /tmp/rolo-100k.db
//! # with about 1% duplicates planted, for `rolo duplicates`:
//! cargo run --release --example gen_demo -- --count 100000 --duplicates 10 --db /tmp/d.db
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use rolo::fake_data::{DEMO_COUNT, DEMO_SEED, generate_people, plant_duplicates};
use rolo::store::Store;
use std::path::PathBuf;
use std::time::Instant;

/// Write generated people to the demo file (default), a SQLite database or
/// nowhere (to time generation).
#[derive(Parser)]
#[command(name = "gen_demo")]
struct Args {
    /// How many people to generate.
    #[arg(long, default_value_t = DEMO_COUNT)]
    count: usize,
    /// The seed; the same seed and count give the same people.
    #[arg(long, default_value_t = DEMO_SEED)]
    seed: u64,
    /// Import the people into this SQLite database instead of writing JSON.
    #[arg(long, conflicts_with_all = ["out", "time_only"])]
    db: Option<PathBuf>,
    /// The JSON file to write.
    #[arg(long, default_value_os_t = default_out())]
    out: PathBuf,
    /// Plant about this many duplicates per 1,000 people (copies written as
    /// another import would have: email case, a phone, an initial).
    #[arg(long, default_value_t = 0)]
    duplicates: u32,
    /// Only report how long generation takes; write nothing.
    #[arg(long, conflicts_with = "out")]
    time_only: bool,
}

fn default_out() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/people.json")
}

fn main() -> Result<()> {
    let args = Args::parse();

    let started = Instant::now();
    let mut people = generate_people(args.count, args.seed);
    if args.duplicates > 0 {
        let planted = plant_duplicates(&mut people, args.duplicates, args.seed);
        eprintln!("planted {} duplicates", planted.len());
    }
    let generated = started.elapsed();
    let notes: usize = people.iter().map(|p| p.notes.len()).sum();
    eprintln!(
        "generated {} people, {notes} notes in {:.1} ms",
        people.len(),
        generated.as_secs_f64() * 1000.0
    );

    if args.time_only {
        return Ok(());
    }
    match &args.db {
        Some(path) => {
            let started = Instant::now();
            let mut store = Store::open(path)
                .with_context(|| format!("opening database {}", path.display()))?;
            store
                .import(&people)
                .with_context(|| format!("importing into {}", path.display()))?;
            eprintln!(
                "imported into {} in {:.1} ms ({} people in the database)",
                path.display(),
                started.elapsed().as_secs_f64() * 1000.0,
                store.count_people().context("counting people")?
            );
        }
        None => {
            let mut json = serde_json::to_string_pretty(&people).context("serialising people")?;
            json.push('\n');
            if let Some(dir) = args.out.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&args.out, &json)
                .with_context(|| format!("writing {}", args.out.display()))?;
            eprintln!("wrote {} ({} bytes)", args.out.display(), json.len());
        }
    }
    Ok(())
}
