//! `rolo import FILE|DIR|-`: people from vCard 3.0/4.0 or CSV files (a
//! directory: every `.vcf`, `.vcard` and `.csv` in it; `-`: standard
//! input). Never a duplicate: a card whose UID (or, without one, any email)
//! is already present updates that person. Writes go the profile's way (the
//! outbox on a remote profile). Prints what it did: created, updated,
//! skipped, and each property it kept without mapping it, by name.

use super::exit::{CliError, Exit, io, not_done, usage};
use super::settle::QUEUED;
use crate::client::Client;
use crate::format::{self, FormatError, Imported};
use crate::model::field::{FieldKind, PersonField, unstored_changes};
use crate::model::{Capabilities, Person};
use crate::sanitize::for_display;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// One file's worth of people, or why it could not be read at all.
struct Source {
    name: String,
    people: Vec<Result<Imported, FormatError>>,
}

/// What an import did, for the summary.
#[derive(Default)]
struct Tally {
    created: usize,
    updated: usize,
    unchanged: usize,
    failed: usize,
    /// Property or column name -> how many people had it.
    unmapped: BTreeMap<String, usize>,
    /// Field -> how many people had a value the backend does not store.
    unstored: BTreeMap<&'static str, usize>,
    /// Unmapped properties dropped because the profile is remote.
    dropped_extra: usize,
}

pub(super) async fn run(
    client: &Client,
    source: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let sources = read_sources(source)?;
    let caps = client.capabilities();
    let mut known = Known::load(client).await?;
    let mut tally = Tally::default();
    for src in sources {
        for (n, item) in src.people.into_iter().enumerate() {
            let place = format!("{} #{}", src.name, n + 1);
            let imported = match item {
                Ok(i) => i,
                Err(e) => {
                    tally.failed += 1;
                    say(err, &format!("skipped {place}: {e}"))?;
                    continue;
                }
            };
            if let Err(e) = import_one(client, &caps, &mut known, imported, &mut tally).await {
                if matches!(
                    e.exit,
                    Exit::Io | Exit::Locked | Exit::Damaged | Exit::Os | Exit::Auth
                ) {
                    // The store or the account is at fault, not the card:
                    // the rest would fail the same way.
                    return Err(e);
                }
                tally.failed += 1;
                say(err, &format!("skipped {place}: {}", e.message))?;
            }
        }
    }
    let queued = match client.is_remote() {
        true => send_queued(client).await?,
        false => 0,
    };
    summarize(&tally, out)?;
    if queued > 0 {
        say(err, &format!("{queued} change(s) {QUEUED}"))?;
    }
    if tally.failed > 0 {
        return Err(CliError {
            exit: Exit::Invalid,
            message: format!(
                "{} record(s) not imported (see above); the rest were",
                tally.failed
            ),
        });
    }
    Ok(())
}

fn say(err: &mut dyn Write, line: &str) -> Result<(), CliError> {
    writeln!(err, "rolo: {}", for_display(line)).map_err(io)
}

/// The files `source` names, read and parsed.
fn read_sources(source: &str) -> Result<Vec<Source>, CliError> {
    if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| usage(format!("cannot read standard input as text: {e}")))?;
        let csv = !text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("BEGIN:VCARD");
        return Ok(vec![parse_text("stdin", &text, csv)?]);
    }
    let path = Path::new(source);
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| usage(format!("cannot read {source}: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| kind_of(p).is_some())
            .collect();
        files.sort();
        files
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        return Err(CliError {
            exit: Exit::NotFound,
            message: format!("no such file or directory: {source}"),
        });
    };
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file)
                .map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
            let csv = kind_of(file) == Some(Kind::Csv);
            parse_text(&file.display().to_string(), &text, csv)
        })
        .collect()
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Vcard,
    Csv,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "vcf" | "vcard" => Some(Kind::Vcard),
        "csv" => Some(Kind::Csv),
        _ => None,
    }
}

fn parse_text(name: &str, text: &str, csv: bool) -> Result<Source, CliError> {
    let people = if csv {
        format::csv::parse(text).map_err(|e| usage(format!("{name}: {e}")))?
    } else {
        format::vcard::parse(text)
    };
    Ok(Source {
        name: name.to_string(),
        people,
    })
}

/// Who is already there: by UID (a kept card's, else rolo's id), by
/// email (lower case), and, for a card with neither, by name and phones.
struct Known {
    by_uid: HashMap<String, String>,
    by_email: HashMap<String, String>,
    by_name: HashMap<String, String>,
}

/// A card without UID or email is the same person as one with the same
/// name and phone numbers (re-importing such a file must not double it).
fn name_key(p: &Person) -> String {
    let phones: Vec<&str> = p.phones.iter().map(|ph| ph.number.as_str()).collect();
    format!("{}\t{}", p.full_name().to_lowercase(), phones.join(" "))
}

impl Known {
    async fn load(client: &Client) -> Result<Known, CliError> {
        let people: Vec<Person> = client
            .with_store(|s| {
                let ids: Vec<String> = s
                    .load_summaries()?
                    .into_iter()
                    .map(|p| p.id.into())
                    .collect();
                let mut people = Vec::with_capacity(ids.len());
                for id in ids {
                    people.extend(s.get_person(&id)?);
                }
                Ok(people)
            })
            .await?;
        let mut known = Known {
            by_uid: HashMap::new(),
            by_email: HashMap::new(),
            by_name: HashMap::new(),
        };
        for p in &people {
            known.add(p, None);
        }
        Ok(known)
    }

    fn add(&mut self, p: &Person, uid: Option<&str>) {
        self.by_uid.insert(p.id.clone(), p.id.clone());
        let kept = format::vcard::uid_of(p);
        self.by_uid.insert(kept, p.id.clone());
        if let Some(uid) = uid {
            self.by_uid.insert(uid.to_string(), p.id.clone());
        }
        self.by_name
            .entry(name_key(p))
            .or_insert_with(|| p.id.clone());
        for email in &p.emails {
            self.by_email
                .entry(email.to_lowercase())
                .or_insert_with(|| p.id.clone());
        }
    }

    /// The person `imported` is, if present: same UID, else same email.
    fn find(&self, imported: &Imported) -> Option<String> {
        if let Some(id) = imported.uid.as_ref().and_then(|u| self.by_uid.get(u)) {
            return Some(id.clone());
        }
        imported
            .person
            .emails
            .iter()
            .find_map(|e| self.by_email.get(&e.to_lowercase()))
            .or_else(
                || match imported.uid.is_none() && imported.person.emails.is_empty() {
                    true => self.by_name.get(&name_key(&imported.person)),
                    false => None,
                },
            )
            .cloned()
    }
}

async fn import_one(
    client: &Client,
    caps: &Capabilities,
    known: &mut Known,
    imported: Imported,
    tally: &mut Tally,
) -> Result<(), CliError> {
    for name in &imported.unmapped {
        *tally.unmapped.entry(name.clone()).or_default() += 1;
    }
    let mut person = imported.person.clone();
    for field in fit_to(caps, &mut person) {
        *tally.unstored.entry(field.key()).or_default() += 1;
    }
    if client.is_remote() && !person.extra.is_empty() {
        // A CRM has nowhere for a card's other lines: sent as fields, they
        // would be refused or stored as junk.
        person.extra.clear();
        tally.dropped_extra += 1;
    }
    let existing = match known.find(&imported) {
        Some(id) => {
            let key = id.clone();
            client.with_store(move |s| s.get_person(&key)).await?
        }
        None => None,
    };
    let saved = match existing {
        Some(base) => {
            let merged = merge(&base, &person, caps);
            if merged == base {
                tally.unchanged += 1;
                return Ok(());
            }
            let saved = client
                .save_person(Some(&base), &merged.normalize())
                .await
                .map_err(not_done)?;
            tally.updated += 1;
            saved
        }
        None => {
            let violations = crate::model::validate_person(&person, caps);
            if !violations.is_empty() {
                return Err(crate::backend::BackendError::Validation(violations).into());
            }
            let saved = client.save_person(None, &person).await.map_err(not_done)?;
            tally.created += 1;
            saved
        }
    };
    known.add(&saved, imported.uid.as_deref());
    Ok(())
}

/// Clear what the backend does not store (a one-line address takes the
/// parts); the fields cleared, for the summary.
fn fit_to(caps: &Capabilities, p: &mut Person) -> Vec<PersonField> {
    if caps.stores(PersonField::AddressLine)
        && !PersonField::all().any(|f| f.is_address_part() && caps.stores(f))
    {
        let line = p.address.one_line();
        PersonField::AddressLine.set(p, &line);
    }
    let dropped = unstored_changes(caps, &Person::default(), p);
    for &field in &dropped {
        match field.kind() {
            FieldKind::Custom => p.custom_fields.clear(),
            _ => field.set(p, ""),
        }
    }
    dropped
}

/// `incoming` over `base`: a text field the file has replaces the stored
/// one; emails, phones and tags the file adds are added; what the file
/// kept (`extra`) replaces what an earlier import kept.
fn merge(base: &Person, incoming: &Person, caps: &Capabilities) -> Person {
    let mut out = base.clone();
    for &field in caps.fields {
        match field {
            PersonField::Emails => {
                for e in &incoming.emails {
                    if !out.emails.iter().any(|x| x.eq_ignore_ascii_case(e)) {
                        out.emails.push(e.clone());
                    }
                }
            }
            PersonField::Phones => {
                for ph in &incoming.phones {
                    if !out.phones.iter().any(|x| x.number == ph.number) {
                        out.phones.push(ph.clone());
                    }
                }
            }
            PersonField::Tags => {
                for t in &incoming.tags {
                    if !out.tags.contains(t) {
                        out.tags.push(t.clone());
                    }
                }
            }
            PersonField::CustomFields => {
                for (k, v) in &incoming.custom_fields {
                    out.custom_fields.insert(k.clone(), v.clone());
                }
            }
            f if f.is_set(incoming) => f.set(&mut out, &f.get(incoming)),
            _ => {}
        }
    }
    for (k, v) in &incoming.extra {
        out.extra.insert(k.clone(), v.clone());
    }
    out
}

/// Send what the import queued; how many changes are still waiting.
async fn send_queued(client: &Client) -> Result<usize, CliError> {
    client.flush().await;
    Ok(client.outbox().await?.len())
}

fn summarize(t: &Tally, out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "created {}, updated {}, skipped {} ({} already present and unchanged, {} not imported)",
        t.created,
        t.updated,
        t.unchanged + t.failed,
        t.unchanged,
        t.failed
    )
    .map_err(io)?;
    let list = |m: &mut dyn Iterator<Item = (String, usize)>| {
        m.map(|(name, n)| format!("{} ({n})", for_display(&name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !t.unmapped.is_empty() {
        let how = if t.dropped_extra > 0 {
            "not kept: the CRM has no field for them"
        } else {
            "kept in the person's extra fields, written back by rolo export"
        };
        writeln!(
            out,
            "not mapped to a field ({how}): {}",
            list(&mut t.unmapped.iter().map(|(k, v)| (k.clone(), *v)))
        )
        .map_err(io)?;
    }
    if !t.unstored.is_empty() {
        writeln!(
            out,
            "not stored by this backend (left out): {}",
            list(&mut t.unstored.iter().map(|(k, v)| (k.to_string(), *v)))
        )
        .map_err(io)?;
    }
    Ok(())
}
