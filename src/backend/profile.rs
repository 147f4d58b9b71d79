//! What the options of every remote profile share, and why an adapter
//! could not be built from them. Each adapter has its own options struct
//! (`rogerroger::Options`, …, one `[profiles.NAME]` table each, read with
//! `deny_unknown_fields`) and a `build(&Options)`; the config's `Profile`
//! enum picks one by the table's `backend` key.

use super::http::{HttpConfig, RateLimit};
use super::secret::SecretSource;
use secrecy::SecretString;
use serde::Deserialize;
use std::time::Duration;

/// Why an adapter could not be built from its profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A setting is missing or wrong (`base_url is required`).
    #[error("{0}")]
    Setting(String),
    /// The secret could not be read (an unset variable, a failed command);
    /// the message never holds the secret.
    #[error("{0}")]
    Secret(String),
}

impl From<super::BackendError> for BuildError {
    fn from(e: super::BackendError) -> Self {
        BuildError::Setting(e.to_string())
    }
}

/// Where the server is and how patient to be with it; every remote profile
/// has these keys. Flattened into each adapter's options, whose
/// `deny_unknown_fields` still refuses a key neither knows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Remote {
    pub base_url: Option<String>,
    /// Requests per minute rolo may send; a server's 429 `Retry-After`
    /// still wins. The older name `rate_limit_per_minute` is read too.
    #[serde(alias = "rate_limit_per_minute")]
    pub requests_per_minute: Option<u32>,
    /// Seconds to wait for a connection (default 5).
    pub connect_timeout_secs: Option<f64>,
    /// Seconds to wait for a whole request, reply included (default 20).
    pub request_timeout_secs: Option<f64>,
    /// Minutes after a sync that `rolo list`, `show` and `query` still
    /// call the cache fresh; older, they say so on stderr (default a day).
    pub stale_after_minutes: Option<u64>,
}

impl Remote {
    pub fn base_url(&self) -> Result<&str, BuildError> {
        self.base_url
            .as_deref()
            .ok_or_else(|| BuildError::Setting("base_url is required".into()))
    }

    /// How old the cache may be before reads say so (`None`: the default).
    pub fn stale_after(&self) -> Option<Duration> {
        self.stale_after_minutes
            .map(|m| Duration::from_secs(m.saturating_mul(60)))
    }

    /// The budget and timeouts the profile sets, over `http`'s defaults.
    pub fn apply(&self, http: &mut HttpConfig) {
        if let Some(n) = self.requests_per_minute {
            http.rate_limit = Some(RateLimit::per_minute(n));
        }
        let secs = |s: f64| Duration::try_from_secs_f64(s).ok().filter(|d| !d.is_zero());
        if let Some(d) = self.connect_timeout_secs.and_then(secs) {
            http.connect_timeout = d;
        }
        if let Some(d) = self.request_timeout_secs.and_then(secs) {
            http.request_timeout = d;
        }
    }
}

/// `api_key_env`, `api_key_cmd` or `api_key` (the last only in a file
/// readable by its owner alone).
#[derive(Clone, Default, PartialEq, Deserialize)]
pub struct ApiKey {
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
    pub api_key: Option<String>,
}

impl ApiKey {
    fn source(&self) -> SecretSource<'_> {
        SecretSource {
            env: self.api_key_env.as_deref(),
            cmd: self.api_key_cmd.as_deref(),
            inline: self.api_key.as_deref(),
        }
    }

    /// The key, `None` when the profile names none.
    pub fn resolve(&self) -> Result<Option<SecretString>, BuildError> {
        self.source().resolve().map_err(BuildError::Secret)
    }

    /// The key, which the backend cannot do without.
    pub fn required(&self) -> Result<SecretString, BuildError> {
        self.resolve()?.ok_or_else(|| {
            BuildError::Setting("no API key: set api_key_env, api_key_cmd or api_key".into())
        })
    }
}

/// Never the inline key itself, whoever prints a profile.
impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("api_key_env", &self.api_key_env)
            .field("api_key_cmd", &self.api_key_cmd)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_remote_profile_sets_the_budget_and_the_waits() {
        let remote = Remote {
            base_url: Some("http://x".into()),
            requests_per_minute: Some(12),
            connect_timeout_secs: Some(2.0),
            request_timeout_secs: Some(0.5),
            stale_after_minutes: Some(90),
        };
        assert_eq!(remote.stale_after(), Some(Duration::from_secs(90 * 60)));
        let mut http = HttpConfig::new("http://x");
        remote.apply(&mut http);
        assert_eq!(http.rate_limit, Some(RateLimit::per_minute(12)));
        assert_eq!(http.connect_timeout, Duration::from_secs(2));
        assert_eq!(http.request_timeout, Duration::from_millis(500));
        let mut untouched = HttpConfig::new("http://x");
        Remote::default().apply(&mut untouched);
        assert_eq!(untouched.rate_limit, None);
        assert_eq!(
            Remote::default().base_url(),
            Err(BuildError::Setting("base_url is required".into()))
        );
    }

    #[test]
    fn a_key_is_read_but_never_printed() {
        let key = ApiKey {
            api_key: Some("s3cret".into()),
            ..Default::default()
        };
        assert_eq!(key.required().unwrap().expose_secret(), "s3cret");
        assert!(!format!("{key:?}").contains("s3cret"), "{key:?}");
        let missing = ApiKey {
            api_key_env: Some("ROLO_TEST_NO_SUCH_VARIABLE".into()),
            ..Default::default()
        };
        assert_eq!(
            missing.required().unwrap_err(),
            BuildError::Secret("environment variable ROLO_TEST_NO_SUCH_VARIABLE is not set".into())
        );
        assert_eq!(
            ApiKey::default().required().unwrap_err(),
            BuildError::Setting("no API key: set api_key_env, api_key_cmd or api_key".into())
        );
    }
}
