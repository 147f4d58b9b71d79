//! OAuth2 client credentials for Rhythm (../shared/DESIGN.md §4):
//! production auth is a Bearer token of about 24 h, fetched from a token
//! URL, cached, and fetched again before it expires or after the API
//! refused it.

use super::super::http::{Auth, HttpClient, HttpConfig, RequestSpec, TokenSource};
use super::super::{BackendError, Result};
use super::wire::TokenReply;
use async_trait::async_trait;
use secrecy::SecretString;
use std::time::{Duration, Instant};

/// OAuth2 client-credentials settings.
#[derive(Clone)]
pub struct OAuthSettings {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub audience: Option<String>,
    /// Fetch a new token this long before expiry (capped at half the
    /// token's lifetime, so short-lived tokens are still reused).
    pub refresh_margin: Duration,
}

impl std::fmt::Debug for OAuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSettings")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("audience", &self.audience)
            .finish()
    }
}

pub(super) struct CachedToken {
    header: SecretString,
    refresh_at: Instant,
}

/// A [`TokenSource`] that fetches a client-credentials token, caches it and
/// refreshes it before it expires (or after the server rejected it).
/// Concurrent callers share one fetch.
pub struct ClientCredentials {
    settings: OAuthSettings,
    http: HttpClient,
    cached: std::sync::Mutex<Option<CachedToken>>,
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// `http` supplies timeouts and the User-Agent; its base URL is replaced
    /// by the token URL.
    pub fn new(settings: OAuthSettings, http: &HttpConfig) -> Result<Self> {
        let config = HttpConfig {
            base_url: settings.token_url.clone(),
            rate_limit: None,
            ..http.clone()
        };
        Ok(ClientCredentials {
            http: HttpClient::new(config, Auth::None)?,
            settings,
            cached: std::sync::Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    fn fresh(&self) -> Option<SecretString> {
        let guard = self.cached.lock().ok()?;
        guard
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .map(|t| t.header.clone())
    }

    async fn fetch(&self) -> Result<CachedToken> {
        let s = &self.settings;
        let mut form = vec![
            (
                "grant_type".to_string(),
                SecretString::from("client_credentials"),
            ),
            (
                "client_id".to_string(),
                SecretString::from(s.client_id.clone()),
            ),
            ("client_secret".to_string(), s.client_secret.clone()),
        ];
        if let Some(aud) = &s.audience {
            form.push(("audience".to_string(), SecretString::from(aud.clone())));
        }
        // Asking twice for a token is harmless.
        let spec = RequestSpec::new(super::super::http::Method::POST, s.token_url.clone())
            .form(form)
            .idempotent(true);
        let reply = self.http.send(spec).await.map_err(|e| match e {
            BackendError::Unauthorized(m) => {
                BackendError::Unauthorized(format!("the token endpoint refused the client: {m}"))
            }
            BackendError::Validation(v) => BackendError::Unauthorized(format!(
                "the token request was refused: {}",
                v.iter()
                    .map(|v| v.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            other => other,
        })?;
        let body: TokenReply = reply.json()?;
        parse_token(&body, s.refresh_margin)
    }
}

/// `{access_token, token_type, expires_in}` -> header value and refresh time.
pub(super) fn parse_token(body: &TokenReply, margin: Duration) -> Result<CachedToken> {
    let token = body.access_token.as_deref().unwrap_or_default();
    if token.is_empty() {
        return Err(BackendError::Unauthorized(
            "the token endpoint sent no access_token".into(),
        ));
    }
    let kind = match body.token_type.as_deref().unwrap_or_default() {
        "" => "Bearer",
        t if t.eq_ignore_ascii_case("bearer") => "Bearer",
        t => t,
    };
    // Without expires_in assume an hour; the 401 path covers a wrong guess.
    let lifetime = Duration::from_secs(
        body.expires_in
            .as_ref()
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(3600),
    );
    let margin = margin.min(lifetime / 2);
    Ok(CachedToken {
        header: SecretString::from(format!("{kind} {token}")),
        refresh_at: Instant::now() + lifetime - margin,
    })
}

#[async_trait]
impl TokenSource for ClientCredentials {
    async fn header_value(&self) -> Result<SecretString> {
        if let Some(h) = self.fresh() {
            return Ok(h);
        }
        let _single_flight = self.fetching.lock().await;
        // Another caller may have fetched while we waited.
        if let Some(h) = self.fresh() {
            return Ok(h);
        }
        let token = self.fetch().await?;
        let header = token.header.clone();
        if let Ok(mut guard) = self.cached.lock() {
            *guard = Some(token);
        }
        Ok(header)
    }

    fn invalidate(&self) {
        if let Ok(mut guard) = self.cached.lock() {
            *guard = None;
        }
    }
}

/// How the adapter authenticates.
#[derive(Clone, Debug)]
pub enum RhythmAuth {
    /// Sent as the `Authorization` header verbatim, as the docs' samples do.
    Static(SecretString),
    ClientCredentials(OAuthSettings),
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use serde_json::json;

    fn reply(v: serde_json::Value) -> TokenReply {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn token_refreshes_before_expiry_and_secrets_stay_hidden() {
        let t = parse_token(
            &reply(json!({"access_token": "abc", "token_type": "bearer", "expires_in": 100})),
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(t.header.expose_secret(), "Bearer abc");
        // Margin capped at half the lifetime: refresh after ~50 s, not ~40 s.
        let left = t.refresh_at.saturating_duration_since(Instant::now());
        assert!(left > Duration::from_secs(45) && left <= Duration::from_secs(50));
        assert!(parse_token(&reply(json!({})), Duration::ZERO).is_err());
        let s = OAuthSettings {
            token_url: "https://auth.example.com/oauth/token".into(),
            client_id: "id".into(),
            client_secret: SecretString::from("very-secret"),
            audience: None,
            refresh_margin: Duration::from_secs(60),
        };
        assert!(!format!("{s:?}").contains("very-secret"));
    }
}
