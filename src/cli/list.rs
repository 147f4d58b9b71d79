//! `rolo list`: everyone (all pages), optionally filtered by the server's
//! search.

use super::Format;
use super::exit::CliError;
use super::output::print_people;
use crate::backend::ListQuery;
use crate::client::Client;
use std::io::Write;

pub(super) async fn run(
    client: &Client,
    query: Option<String>,
    limit: Option<usize>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let q = ListQuery {
        search: query,
        include_archived: false,
    };
    let mut people = client.backend().list_all(&q, &mut |_, _| {}).await?;
    if let Some(n) = limit {
        people.truncate(n);
    }
    print_people(&people, format, out)
}
