//! `rolo export --format vcard|csv|json [--out DIR]`: everyone in the local
//! store (the workspace, or a remote profile's cache; no network), to
//! standard output or into DIR (vCard: one `UID.vcf` per person, as khard
//! and vdirsyncer keep them; CSV and JSON: `people.csv`, `people.json`).
//! Cards imported earlier come back with every line rolo did not map.

use super::Format;
use super::exit::{CliError, io, usage};
use super::stream::write_people;
use crate::client::Client;
use crate::format::vcard::{self, Version};
use crate::model::Person;
use crate::sanitize::for_output;
use crate::store::StoreError;
use clap::ValueEnum;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Vcard,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum VcardVersion {
    #[value(name = "3.0")]
    V3,
    #[value(name = "4.0")]
    V4,
}

pub(super) struct Options<'a> {
    pub format: ExportFormat,
    pub out_dir: Option<&'a Path>,
    pub version: VcardVersion,
    pub archived: bool,
}

pub(super) async fn run(
    client: &Client,
    opts: Options<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if let Some(dir) = opts.out_dir {
        create_private_dir(dir)?;
    }
    let version = match opts.version {
        VcardVersion::V3 => Version::V3,
        VcardVersion::V4 => Version::V4,
    };
    // Everyone straight off the store, one row at a time, as `rolo list`
    // reads them: 100,000 people are never held in memory at once.
    client.read_store(|store| {
        store.each_person(opts.archived, |people| match opts.format {
            ExportFormat::Vcard => write_cards(people, version, opts.out_dir, out),
            ExportFormat::Csv => write_listing(people, Format::Csv, opts.out_dir, out),
            ExportFormat::Json => write_listing(people, Format::Json, opts.out_dir, out),
        })?
    })?
}

/// One card per person: each into its own `UID.vcf` in `out_dir`, or all
/// to `out`, cleaned for a terminal.
fn write_cards(
    people: &mut dyn Iterator<Item = Result<Person, StoreError>>,
    version: Version,
    out_dir: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    for p in people {
        let p = p?;
        let card = vcard::write(&p, version);
        match out_dir {
            Some(dir) => private_file(&dir.join(file_name(&p)))?
                .write_all(card.as_bytes())
                .map_err(io)?,
            None => out.write_all(clean_card(&card).as_bytes()).map_err(io)?,
        }
    }
    out.flush().map_err(io)
}

/// CSV or JSON through the list command's streaming writer: to `out`, or
/// into `people.csv` / `people.json` in `out_dir`.
fn write_listing(
    people: &mut dyn Iterator<Item = Result<Person, StoreError>>,
    format: Format,
    out_dir: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match out_dir {
        Some(dir) => {
            let name = match format {
                Format::Csv => "people.csv",
                _ => "people.json",
            };
            write_people(people, format, &mut private_file(&dir.join(name))?)
        }
        None => write_people(people, format, out),
    }
}

/// Card text for a terminal or a pipe: each line cleaned as CSV is, the
/// CRLF line ends kept.
fn clean_card(card: &str) -> String {
    card.split("\r\n")
        .map(|l| for_output(l).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// `UID.vcf`, with anything but letters, digits, `-`, `_` and `.` as `_`
/// (a UID like `urn:uuid:…` must not name a path).
fn file_name(p: &Person) -> String {
    let uid = vcard::uid_of(p);
    let safe: String = uid
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || "-_.".contains(c) => c,
            _ => '_',
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    match safe.is_empty() {
        true => format!("{}.vcf", uuid::Uuid::new_v4()),
        false => format!("{safe}.vcf"),
    }
}

fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| usage(format!("cannot create {}: {e}", dir.display())))
}

/// A new file only its owner may read: contacts are private.
fn private_file(path: &Path) -> Result<std::fs::File, CliError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .and_then(|file| {
            // `mode` applies to a new file only: an older export kept its own.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            Ok(file)
        })
        .map_err(io)
}
