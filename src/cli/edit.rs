//! `rolo edit --set FIELD=VALUE…`: change fields the backend stores;
//! prints the person as saved.

use super::exit::{CliError, not_done};
use super::output::{PersonOut, json_line};
use super::set::EditTarget;
use super::settle::{say_queued, settle};
use crate::backend::BackendError;
use crate::client::Client;
use crate::model::{Capabilities, Person};
use std::io::Write;

pub(super) async fn run(
    client: &Client,
    id: &str,
    sets: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let caps = client.capabilities();
    // Typed custom fields need their definitions (Introzy).
    let defs = if sets.iter().any(|s| s.starts_with("custom.")) {
        client.custom_field_defs().await
    } else {
        Vec::new()
    };
    let target = edit_target(client, &caps, &defs);
    // Refuse what the backend cannot store before any network wait.
    for set in sets {
        let name = set.split_once('=').map_or(set.as_str(), |(n, _)| n);
        target.target(name.trim())?;
    }
    // From the server, or from the cache when it is out of reach.
    let (base, _) = client.load_detail(id).await.map_err(not_done)?;
    let mut edited = base.clone();
    for set in sets {
        target.apply(&mut edited, set)?;
    }
    target.refuse_unstored(&base, &edited)?;
    let violations = crate::model::validate_person(&edited, &caps);
    if !violations.is_empty() {
        return Err(BackendError::Validation(violations).into());
    }
    let saved = client
        .save_person(Some(&base), &edited.normalize())
        .await
        .map_err(not_done)?;
    let settled = settle(client, &saved.id).await?;
    let shown = match client.is_remote() {
        true => cached_person(client, &saved.id).await.unwrap_or(saved),
        false => saved,
    };
    json_line(&PersonOut::from(&shown), out)?;
    say_queued(&settled, err)
}

/// What `--set` may change for this client's backend.
pub(super) fn edit_target<'a>(
    client: &'a Client,
    caps: &'a Capabilities,
    defs: &'a [crate::model::CustomFieldDef],
) -> EditTarget<'a> {
    EditTarget {
        caps,
        kind: client.kind(),
        defs,
    }
}

/// The cached copy of a person (for remote profiles, what the last flush
/// stored): read without another round trip to a server that may be slow.
async fn cached_person(client: &Client, id: &str) -> Option<Person> {
    let key = id.to_string();
    client
        .with_store(move |s| s.get_person(&key))
        .await
        .ok()
        .flatten()
}
