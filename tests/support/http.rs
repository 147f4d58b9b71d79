//! The HTTP settings tests give the adapters: the adapter's own defaults
//! (`HttpConfig::new(url)` or, say, `RogerRoger::default_config(url)`) with
//! millisecond backoffs and a 5 s bound per request, so a retry costs
//! milliseconds and a server that never answers fails a test in seconds.
//! A test that needs more says so with struct update syntax:
//! `HttpConfig { max_retries: 0, ..quick(HttpConfig::new(url)) }`.

use rolo::backend::http::{HttpConfig, RateLimit};
use std::time::Duration;

/// `defaults` with millisecond backoffs and a 5 s request timeout.
pub fn quick(defaults: HttpConfig) -> HttpConfig {
    HttpConfig {
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        request_timeout: Duration::from_secs(5),
        ..defaults
    }
}

/// [`quick`] with a client budget no test spends: the limiter stays in the
/// path, but the documented 20 requests a minute would make a suite take
/// minutes.
pub fn unmetered(defaults: HttpConfig) -> HttpConfig {
    HttpConfig {
        rate_limit: Some(RateLimit {
            requests: 1000,
            per: Duration::from_secs(1),
        }),
        ..quick(defaults)
    }
}
