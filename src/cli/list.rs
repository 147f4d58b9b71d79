//! `rolo list`: everyone, from the store (the local workspace or a remote
//! profile's cache), streamed as it is read; `--query` filters with the
//! list pane's fuzzy search, best match first.

use super::Format;
use super::cached::before_reading;
use super::exit::CliError;
use super::stream::write_people;
use crate::client::Client;
use crate::search::{Haystacks, Query, Searcher};
use crate::store::StoreError;
use std::io::Write;

/// What `rolo list` was asked for.
#[derive(Debug, Clone, Default)]
pub(super) struct ListArgs {
    pub query: Option<String>,
    pub limit: Option<usize>,
    pub format: Option<Format>,
    pub archived: bool,
    pub refresh: bool,
}

pub(super) async fn run(
    client: &Client,
    args: ListArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    before_reading(client, args.refresh, err).await?;
    let format = args.format.unwrap_or(Format::Table);
    let limit = args.limit.unwrap_or(usize::MAX);
    let query = args
        .query
        .as_deref()
        .map(Query::parse)
        .filter(|q| !q.is_empty());
    client.read_store(|store| match query {
        None => store.each_person(args.archived, |people| {
            write_people(&mut people.take(limit), format, out)
        })?,
        Some(query) => {
            let ids = matching_ids(store, &query, args.archived)?;
            let mut people = ids
                .iter()
                .filter_map(|id| store.get_person(id).transpose())
                .take(limit);
            write_people(&mut people, format, out)
        }
    })?
}

/// Ids of the people `query` matches, best first (ties in list order).
fn matching_ids(
    store: &crate::store::Store,
    query: &Query,
    archived: bool,
) -> Result<Vec<String>, StoreError> {
    let mut people = store.load_summaries()?;
    people.retain(|p| archived || !p.archived);
    people.sort_by(|a, b| {
        (&a.family_name, &a.given_name, &a.id).cmp(&(&b.family_name, &b.given_name, &b.id))
    });
    let haystacks = Haystacks::build(&people);
    let hits = Searcher::default().filter(&people, &haystacks, 0..people.len(), query);
    Ok(hits.into_iter().map(|i| people[i].id.to_string()).collect())
}
