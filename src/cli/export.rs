//! `rolo export --format vcard|csv|json [--out DIR]`: everyone in the local
//! store (the workspace, or a remote profile's cache; no network), to
//! standard output or into DIR (vCard: one `UID.vcf` per person, as khard
//! and vdirsyncer keep them; CSV and JSON: `people.csv`, `people.json`).
//! Cards imported earlier come back with every line rolo did not map.

use super::exit::{CliError, io, usage};
use super::output::print_people;
use crate::client::Client;
use crate::format::vcard::{self, Version};
use crate::model::Person;
use crate::sanitize::for_output;
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

/// People read from the store this many at a time, so a vCard export of
/// 100,000 people streams instead of holding everyone.
const CHUNK: usize = 500;

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
    let archived = opts.archived;
    let ids: Vec<String> = client
        .with_store(move |s| {
            Ok(s.load_summaries()?
                .into_iter()
                .filter(|p| archived || !p.archived)
                .map(|p| p.id)
                .collect())
        })
        .await?;
    if let Some(dir) = opts.out_dir {
        create_private_dir(dir)?;
    }
    let version = match opts.version {
        VcardVersion::V3 => Version::V3,
        VcardVersion::V4 => Version::V4,
    };
    match opts.format {
        ExportFormat::Vcard => {
            for chunk in ids.chunks(CHUNK) {
                for p in load(client, chunk).await? {
                    let card = vcard::write(&p, version);
                    match opts.out_dir {
                        Some(dir) => write_private(&dir.join(file_name(&p)), card.as_bytes())?,
                        None => out.write_all(clean_card(&card).as_bytes()).map_err(io)?,
                    }
                }
            }
            out.flush().map_err(io)
        }
        ExportFormat::Csv | ExportFormat::Json => {
            // The list command's writer, over everyone at once (until the
            // streaming writer of `rolo list` can take a chunk at a time).
            let mut people = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(CHUNK) {
                people.extend(load(client, chunk).await?);
            }
            let format = match opts.format {
                ExportFormat::Csv => super::Format::Csv,
                _ => super::Format::Json,
            };
            match opts.out_dir {
                Some(dir) => {
                    let name = match format {
                        super::Format::Csv => "people.csv",
                        _ => "people.json",
                    };
                    let mut buf = Vec::new();
                    print_people(&people, format, &mut buf)?;
                    write_private(&dir.join(name), &buf)
                }
                None => print_people(&people, format, out),
            }
        }
    }
}

async fn load(client: &Client, ids: &[String]) -> Result<Vec<Person>, CliError> {
    let ids = ids.to_vec();
    Ok(client
        .with_store(move |s| {
            let mut people = Vec::with_capacity(ids.len());
            for id in &ids {
                people.extend(s.get_person(id)?);
            }
            Ok(people)
        })
        .await?)
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

/// A file only its owner may read: contacts are private.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    f.write_all(bytes).map_err(io)
}
