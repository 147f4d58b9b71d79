//! `rolo duplicates`: groups of people who look like one person, best
//! first, from the store (the local workspace or a remote profile's cache;
//! never the network unless `--refresh`). Pairs marked "not a duplicate"
//! in the review pane are left out.
//!
//! * `--format text`: per group a line `group N  score S  reasons`, then
//!   `ID<TAB>NAME<TAB>EMAILS<TAB>COMPANY` per member, the suggested
//!   survivor first. Text from servers is made safe to print.
//! * `--format json`: an array of groups, each with `score`, `reasons`
//!   (snake case), `members` (`id`, `name`, `emails`, `company`) and the
//!   `pairs` that link them, each with its own score and reasons; what a
//!   terminal would act on is escaped (`\u001b`), nothing dropped.
//!
//! Like `rolo query`, nothing found is exit 1 ("no match"), not an error.

use super::cached::before_reading;
use super::exit::{CliError, Exit, io};
use crate::client::Client;
use crate::model::dedupe::{self, Group, Pair, Reason};
use crate::sanitize::{for_display, write_json};
use clap::ValueEnum;
use serde::Serialize;
use std::io::{BufWriter, Write};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum DuplicatesFormat {
    #[default]
    Text,
    Json,
}

/// One group as printed.
#[derive(Serialize)]
struct GroupOut {
    score: u8,
    reasons: Vec<Reason>,
    members: Vec<MemberOut>,
    pairs: Vec<Pair>,
}

#[derive(Serialize)]
struct MemberOut {
    id: String,
    name: String,
    emails: Vec<String>,
    company: String,
}

impl MemberOut {
    fn new(id: &str, label: Option<(String, Vec<String>, String)>) -> MemberOut {
        let (name, emails, company) = label.unwrap_or_default();
        MemberOut {
            id: id.to_string(),
            name,
            emails,
            company,
        }
    }
}

pub(super) struct Options<'a> {
    pub format: DuplicatesFormat,
    /// A two-letter country code for numbers without a country code.
    pub region: Option<&'a str>,
    pub refresh: bool,
}

pub(super) async fn run(
    client: &Client,
    opts: Options<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let region = match opts.region {
        None => dedupe::locale_region(),
        Some(code) => dedupe::region(code).ok_or_else(|| CliError {
            exit: Exit::Usage,
            message: format!(
                "--region {}: not a two-letter country code (NL, US, DE, ...)",
                for_display(code)
            ),
        })?,
    };
    before_reading(client, opts.refresh, err).await?;
    let groups = client.read_store(move |s| -> crate::store::Result<Vec<GroupOut>> {
        let groups = s.find_duplicates(region)?;
        groups
            .into_iter()
            .map(|g| printed(s, g))
            .collect::<crate::store::Result<Vec<_>>>()
    })??;
    let mut out = BufWriter::new(out);
    match opts.format {
        DuplicatesFormat::Json => {
            write_json(&mut out, &groups).map_err(|e| io(std::io::Error::other(e)))?;
            writeln!(out).map_err(io)?;
        }
        DuplicatesFormat::Text if groups.is_empty() => {
            writeln!(out, "rolo: no duplicates found").map_err(io)?;
        }
        DuplicatesFormat::Text => write_text(&mut out, &groups).map_err(io)?,
    }
    out.flush().map_err(io)?;
    if groups.is_empty() {
        return Err(CliError {
            exit: Exit::NoMatch,
            message: String::new(),
        });
    }
    Ok(())
}

fn printed(store: &crate::store::Store, group: Group) -> crate::store::Result<GroupOut> {
    let members = group
        .members
        .iter()
        .map(|id| Ok(MemberOut::new(id, store.duplicate_label(id)?)))
        .collect::<crate::store::Result<Vec<_>>>()?;
    Ok(GroupOut {
        score: group.score,
        reasons: group.reasons(),
        members,
        pairs: group.pairs,
    })
}

fn write_text(out: &mut impl Write, groups: &[GroupOut]) -> std::io::Result<()> {
    let n = groups.len();
    let s = if n == 1 { "" } else { "s" };
    writeln!(out, "rolo: {n} group{s} of possible duplicates, best first")?;
    for (i, g) in groups.iter().enumerate() {
        let reasons: Vec<&str> = g.reasons.iter().map(|r| r.label()).collect();
        writeln!(
            out,
            "group {}  score {}  {}",
            i + 1,
            g.score,
            reasons.join("; ")
        )?;
        for m in &g.members {
            writeln!(
                out,
                "  {}\t{}\t{}\t{}",
                for_display(&m.id),
                for_display(&m.name),
                for_display(&m.emails.join(" ")),
                for_display(&m.company)
            )?;
        }
    }
    Ok(())
}
