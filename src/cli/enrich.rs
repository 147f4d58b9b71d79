//! `rolo enrich`: offline proposals (local), a server job (Introzy) or a
//! lookup (Rhythm); proposals are printed, changes the server made shown.

use super::exit::{CliError, io, refuse};
use super::output::{PersonOut, json_line};
use crate::backend::EnrichOutcome;
use crate::client::Client;
use crate::model::field::backend_label;
use crate::sanitize::for_display;
use std::io::Write;

pub(super) async fn run(client: &Client, id: &str, out: &mut dyn Write) -> Result<(), CliError> {
    if client.capabilities().enrich.is_none() {
        let backend = backend_label(client.kind());
        return Err(refuse(format!("{backend} offers no enrichment")));
    }
    // Adapters with an asynchronous job poll until it finishes (bounded).
    let person = client.backend().get_person(id).await?;
    match client.enrich(&person).await? {
        EnrichOutcome::Proposals(props) => {
            if props.is_empty() {
                writeln!(out, "nothing to propose").map_err(io)?;
            }
            for p in props {
                writeln!(
                    out,
                    "{}\t{}\t→ {}",
                    for_display(&p.field),
                    for_display(if p.current.is_empty() {
                        "(empty)"
                    } else {
                        &p.current
                    }),
                    for_display(&p.proposed)
                )
                .map_err(io)?;
            }
            Ok(())
        }
        EnrichOutcome::Changed { person, changed } => {
            writeln!(out, "changed: {}", for_display(&changed.join(", "))).map_err(io)?;
            json_line(&PersonOut::from(&person), out)
        }
    }
}
