//! `rolo sync`.

use super::exit::{CliError, Exit, exit_for, io};
use crate::client::Client;
use crate::sanitize::for_display;
use std::io::Write;

/// `rolo sync`: a progress bar on a terminal, plain lines otherwise.
pub(super) async fn sync(client: &Client, out: &mut dyn Write) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if !client.is_remote() {
        writeln!(out, "the local workspace has nothing to sync").map_err(io)?;
        return Ok(());
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("syncing {bar:30} {pos}/{len} people")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut last_line = std::time::Instant::now();
    let mut progress = |done: usize, total: Option<u64>| match &bar {
        Some(bar) => {
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done as u64);
        }
        None => {
            // Plain lines for logs and pipes, at most one a second.
            if last_line.elapsed() >= std::time::Duration::from_secs(1) {
                last_line = std::time::Instant::now();
                match total {
                    Some(t) => eprintln!("syncing {done}/{t}"),
                    None => eprintln!("syncing {done}"),
                }
            }
        }
    };
    let report = client.sync(&mut progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for sent in &report.flushed.sent {
        writeln!(out, "sent: {}", for_display(sent)).map_err(io)?;
    }
    for (_, why) in &report.flushed.failed {
        writeln!(out, "refused (kept queued): {}", for_display(why)).map_err(io)?;
    }
    if let Some(n) = report.fetched {
        writeln!(out, "fetched {n} people").map_err(io)?;
    }
    if report.flushed.remaining > 0 {
        writeln!(out, "{} change(s) still queued", report.flushed.remaining).map_err(io)?;
    }
    if !report.flushed.conflicts.is_empty() {
        return Err(CliError {
            exit: Exit::Conflict,
            message: format!(
                "{} edit(s) conflict with changes on the server; they stay queued: open rolo to choose per field",
                report.flushed.conflicts.len()
            ),
        });
    }
    // A refusal is not success, however long ago it was refused.
    if report.flushed.needs_user() {
        return Err(CliError {
            exit: Exit::Invalid,
            message: format!(
                "{} change(s) refused by the server and {} waiting behind them; `rolo outbox list` shows them, `rolo outbox retry|drop` settles them",
                report.flushed.refused, report.flushed.blocked
            ),
        });
    }
    // The fetch's error says what kind of failure it was (a refused key is
    // not a server that is down); a flush that stopped early was offline.
    match (report.error, report.flushed.stopped) {
        (Some(e), _) => Err(CliError {
            exit: exit_for(&e),
            message: format!("sync incomplete: {e}"),
        }),
        (None, Some(why)) => Err(CliError {
            exit: Exit::Unavailable,
            message: format!("sync incomplete: {why}"),
        }),
        (None, None) => Ok(()),
    }
}
