//! `rolo query STRING`: email addresses for mail clients, from the store's
//! address index (never the network, never every person in memory).
//!
//! * `--format mutt` (mutt's and neomutt's `query_command`): a first line
//!   of text, then `email<TAB>name<TAB>company` per address; nothing found
//!   is exit 1 with the first line saying so.
//! * `--format aerc` (aerc's `address-book-cmd`): `email<TAB>name` per
//!   address, no header; nothing found prints nothing.
//!
//! One line per address, best match first.

use super::cached::{refresh_first, stale_notice};
use super::exit::{CliError, Exit, io};
use crate::client::Client;
use crate::sanitize::for_display;
use crate::store::{AddressHit, QUERY_LIMIT};
use clap::ValueEnum;
use std::collections::HashSet;
use std::io::{BufWriter, Write};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum QueryFormat {
    /// mutt/neomutt `query_command`: a header line, then email, name, company.
    #[default]
    Mutt,
    /// aerc `address-book-cmd`: email and name, no header.
    Aerc,
}

pub(super) async fn run(
    client: &Client,
    text: &str,
    format: QueryFormat,
    archived: bool,
    refresh: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    refresh_first(client, refresh).await?;
    let notice = stale_notice(client).await;
    let query = text.to_string();
    let hits = client.read_store(move |s| s.query_addresses(&query, archived, QUERY_LIMIT))??;
    let hits = one_per_address(hits);
    let mut out = BufWriter::new(out);
    match format {
        QueryFormat::Mutt => {
            // mutt shows the first line and ignores stderr (it owns the
            // screen): a stale cache is said here.
            let stale = notice.map(|n| format!(" ({n})")).unwrap_or_default();
            if hits.is_empty() {
                writeln!(out, "rolo: no address matches '{}'{stale}", cell(text)).map_err(io)?;
                out.flush().map_err(io)?;
                return Err(CliError {
                    exit: Exit::NoMatch,
                    message: String::new(),
                });
            }
            let n = hits.len();
            let s = if n == 1 { "" } else { "es" };
            writeln!(out, "rolo: {n} address{s} matching '{}'{stale}", cell(text)).map_err(io)?;
            for h in &hits {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    cell(&h.email),
                    cell(&h.name),
                    cell(&h.company)
                )
                .map_err(io)?;
            }
        }
        QueryFormat::Aerc => {
            if let Some(notice) = notice {
                writeln!(err, "rolo: {notice}").map_err(io)?;
            }
            for h in &hits {
                writeln!(out, "{}\t{}", cell(&h.email), cell(&h.name)).map_err(io)?;
            }
        }
    }
    out.flush().map_err(io)
}

/// The first (best) hit of each address; the same address on two people
/// is offered once.
fn one_per_address(hits: Vec<AddressHit>) -> Vec<AddressHit> {
    let mut seen = HashSet::new();
    hits.into_iter()
        .filter(|h| seen.insert(h.email.to_lowercase()))
        .collect()
}

/// A field made safe for one tab-separated cell: no escapes, no tabs or
/// newlines (they would split the line), as the terminal shows it.
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    for_display(text)
}
