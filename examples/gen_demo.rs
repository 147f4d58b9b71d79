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
//! ```

use anyhow::{Context, Result, bail};
use rolo::fake_data::{DEMO_COUNT, DEMO_SEED, generate_people};
use rolo::store::Store;
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    count: usize,
    seed: u64,
    db: Option<PathBuf>,
    out: PathBuf,
    /// Only report how long generation takes; write nothing.
    time_only: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        count: DEMO_COUNT,
        seed: DEMO_SEED,
        db: None,
        out: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/people.json"),
        time_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--count" => {
                let v = value()?;
                args.count = v
                    .parse()
                    .with_context(|| format!("--count: '{v}' is not a number"))?;
            }
            "--seed" => {
                let v = value()?;
                args.seed = v
                    .parse()
                    .with_context(|| format!("--seed: '{v}' is not a number"))?;
            }
            "--db" => args.db = Some(PathBuf::from(value()?)),
            "--out" => args.out = PathBuf::from(value()?),
            "--time-only" => args.time_only = true,
            "-h" | "--help" => {
                println!(
                    "usage: gen_demo [--count N] [--seed S] [--db PATH | --out PATH | --time-only]\n\
                     default: write {DEMO_COUNT} people to assets/demo/people.json"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument '{other}' (try --help)"),
        }
    }
    Ok(args)
}

fn main() -> Result<()> {
    let args = parse_args()?;

    let started = Instant::now();
    let people = generate_people(args.count, args.seed);
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
