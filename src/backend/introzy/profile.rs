//! A `[profiles.NAME]` table with `backend = "introzy"`, and the adapter
//! built from it.

use super::IntrozyBackend;
use crate::backend::http::HttpConfig;
use crate::backend::profile::{ApiKey, BuildError, Remote};
use serde::Deserialize;

/// `base_url`, the Bearer key, the budget and the waits.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    #[serde(flatten)]
    pub remote: Remote,
    #[serde(flatten)]
    pub key: ApiKey,
}

impl IntrozyBackend {
    /// The adapter a profile describes; no budget unless the profile sets
    /// one (Introzy documents none).
    pub fn build(options: &Options) -> Result<IntrozyBackend, BuildError> {
        let mut config = HttpConfig::new(options.remote.base_url()?);
        options.remote.apply(&mut config);
        Ok(IntrozyBackend::new(config, &options.key.required()?)?)
    }
}
