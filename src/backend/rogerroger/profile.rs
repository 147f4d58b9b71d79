//! A `[profiles.NAME]` table with `backend = "rogerroger"`, and the adapter
//! built from it.

use super::RogerRoger;
use crate::backend::profile::{ApiKey, BuildError, Remote};
use serde::Deserialize;

/// `base_url`, the key (`X-API-KEY`), the budget and the waits.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    #[serde(flatten)]
    pub remote: Remote,
    #[serde(flatten)]
    pub key: ApiKey,
}

impl RogerRoger {
    /// The adapter a profile describes; the budget defaults to the
    /// documented 20 requests a minute.
    pub fn build(options: &Options) -> Result<RogerRoger, BuildError> {
        let mut config = RogerRoger::default_config(options.remote.base_url()?);
        options.remote.apply(&mut config);
        Ok(RogerRoger::new(config, options.key.required()?)?)
    }
}
