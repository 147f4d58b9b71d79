//! A `[profiles.NAME]` table with `backend = "rhythm"`, and the adapter
//! built from it: a tenant, and either a static `Authorization` value
//! (`api_key…`) or OAuth2 client credentials (`token_url`, `client_id`,
//! `client_secret…`, `audience`).

use super::{OAuthSettings, RhythmAuth, RhythmBackend};
use crate::backend::http::HttpConfig;
use crate::backend::profile::{ApiKey, BuildError, Remote};
use crate::backend::secret::SecretSource;
use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    #[serde(flatten)]
    pub remote: Remote,
    /// The tenant id in `/contacts/{tenant}`.
    pub tenant: Option<String>,
    /// A static `Authorization` value, when there are no client credentials.
    #[serde(flatten)]
    pub key: ApiKey,
    #[serde(flatten)]
    pub oauth: OAuth,
}

/// OAuth2 client credentials.
#[derive(Clone, Default, PartialEq, Deserialize)]
pub struct OAuth {
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret_env: Option<String>,
    pub client_secret_cmd: Option<String>,
    /// Only in a file readable by its owner alone.
    pub client_secret: Option<String>,
    pub audience: Option<String>,
}

/// Never the inline secret itself, whoever prints a profile.
impl std::fmt::Debug for OAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret_env", &self.client_secret_env)
            .field("client_secret_cmd", &self.client_secret_cmd)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("audience", &self.audience)
            .finish()
    }
}

impl OAuth {
    fn settings(&self) -> Result<Option<OAuthSettings>, BuildError> {
        let (Some(token_url), Some(client_id)) = (&self.token_url, &self.client_id) else {
            return Ok(None);
        };
        let secret = SecretSource {
            env: self.client_secret_env.as_deref(),
            cmd: self.client_secret_cmd.as_deref(),
            inline: self.client_secret.as_deref(),
        }
        .resolve()
        .map_err(BuildError::Secret)?
        .ok_or_else(|| {
            BuildError::Setting(
                "no client secret: set client_secret_env, client_secret_cmd or client_secret"
                    .into(),
            )
        })?;
        Ok(Some(OAuthSettings {
            token_url: token_url.clone(),
            client_id: client_id.clone(),
            client_secret: secret,
            audience: self.audience.clone(),
            refresh_margin: std::time::Duration::from_secs(300),
        }))
    }
}

impl RhythmBackend {
    /// The adapter a profile describes.
    pub fn build(options: &Options) -> Result<RhythmBackend, BuildError> {
        let base_url = options.remote.base_url()?;
        let tenant = options
            .tenant
            .as_deref()
            .ok_or_else(|| BuildError::Setting("tenant is required for Rhythm".into()))?;
        let auth = match options.oauth.settings()? {
            Some(settings) => RhythmAuth::ClientCredentials(settings),
            None => RhythmAuth::Static(options.key.required()?),
        };
        let mut config = HttpConfig::new(base_url);
        options.remote.apply(&mut config);
        Ok(RhythmBackend::new(config, tenant, auth)?)
    }
}
