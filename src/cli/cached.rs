//! What every read command does before it reads: on a remote profile,
//! sync first when asked (`--refresh`), and say on stderr when the cache
//! is older than the profile's `stale_after_minutes`. Reads themselves
//! come from the store and never wait for the network.

use super::exit::{CliError, Exit, exit_for, io};
use crate::client::Client;
use std::io::Write;
use std::time::Duration;

/// `--refresh`: sync first; a sync that fails fails the command.
pub(super) async fn before_reading(
    client: &Client,
    refresh: bool,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    if !client.is_remote() {
        return Ok(());
    }
    if refresh {
        // Asked for the server's copy: a failed sync fails the command
        // (with the code of what failed), never a silent cached answer.
        let report = client.sync(&mut |_, _| {}).await;
        let failed = match (report.error, report.flushed.stopped) {
            (Some(e), _) => Some((exit_for(&e), e.to_string())),
            (None, Some(why)) => Some((Exit::Unavailable, why)),
            (None, None) => None,
        };
        if let Some((exit, why)) = failed {
            return Err(CliError {
                exit,
                message: format!(
                    "could not refresh: {why}; without --refresh rolo reads the cache"
                ),
            });
        }
    }
    if let Some(notice) = stale_notice(client).await {
        writeln!(err, "rolo: {notice}").map_err(io)?;
    }
    Ok(())
}

/// `--refresh` alone: sync first, failing as the sync failed.
pub(super) async fn refresh_first(client: &Client, refresh: bool) -> Result<(), CliError> {
    if client.is_remote() && refresh {
        return before_reading(client, true, &mut std::io::sink()).await;
    }
    Ok(())
}

/// What to say about a remote profile's cache that is stale, if it is.
pub(super) async fn stale_notice(client: &Client) -> Option<String> {
    if !client.is_remote() {
        return None;
    }
    let last = client
        .last_sync()
        .await
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    staleness(last, jiff::Timestamp::now(), client.stale_after())
}

/// What to say about a cache last synced at `last`, if anything.
fn staleness(
    last: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
    stale_after: Duration,
) -> Option<String> {
    let Some(last) = last else {
        return Some("the cache was never synced: `rolo sync` or --refresh fills it".to_string());
    };
    let age = Duration::try_from(now.duration_since(last)).unwrap_or_default();
    (age > stale_after).then(|| {
        format!(
            "the cache was last synced {} ago (stale after {}): `rolo sync` or --refresh updates it",
            human(age),
            human(stale_after)
        )
    })
}

fn human(d: Duration) -> String {
    let mins = d.as_secs() / 60;
    match mins {
        0..60 => format!("{mins} min"),
        60..2880 => format!("{} h", mins / 60),
        _ => format!("{} days", mins / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_older_than_the_setting_is_called_stale() {
        let now: jiff::Timestamp = "2026-04-04T12:00:00Z".parse().unwrap();
        let at = |t: &str| Some(t.parse::<jiff::Timestamp>().unwrap());
        let hour = Duration::from_secs(3600);
        assert_eq!(staleness(at("2026-04-04T11:30:00Z"), now, hour), None);
        assert_eq!(
            staleness(at("2026-04-04T09:00:00Z"), now, hour).unwrap(),
            "the cache was last synced 3 h ago (stale after 1 h): `rolo sync` or --refresh updates it"
        );
        assert!(
            staleness(at("2026-03-01T09:00:00Z"), now, hour)
                .unwrap()
                .contains("34 days ago")
        );
        assert!(staleness(None, now, hour).unwrap().contains("never synced"));
    }
}
