//! `rolo add`: create a person (what is required depends on the backend);
//! prints the new id.

use super::edit::edit_target;
use super::exit::{CliError, io, not_done};
use super::settle::{say_queued, settle};
use crate::backend::BackendError;
use crate::client::Client;
use crate::model::{Person, Phone};
use crate::sanitize::for_display;
use std::io::Write;

/// What `rolo add` was given.
pub(super) struct NewPerson {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
}

pub(super) async fn run(
    client: &Client,
    new: NewPerson,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let caps = client.capabilities();
    let person = Person {
        family_name: new.family_name.unwrap_or_default(),
        given_name: new.given_name.unwrap_or_default(),
        emails: new.emails,
        phones: new
            .phones
            .into_iter()
            .map(|number| Phone {
                number,
                kind: String::new(),
            })
            .collect(),
        company: new.company.unwrap_or_default(),
        job_title: new.job_title.unwrap_or_default(),
        ..Default::default()
    };
    edit_target(client, &caps, &[]).refuse_unstored(&Person::default(), &person)?;
    let violations = crate::model::validate_person(&person, &caps);
    if !violations.is_empty() {
        return Err(BackendError::Validation(violations).into());
    }
    let saved = client.save_person(None, &person).await.map_err(not_done)?;
    let settled = settle(client, &saved.id).await?;
    let id = client.server_id(&saved.id).await.unwrap_or(saved.id);
    writeln!(out, "{}", for_display(&id)).map_err(io)?;
    say_queued(&settled, err)
}
