//! The config file, profiles, directories and secrets.
//!
//! Directories follow XDG (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`,
//! `XDG_STATE_HOME`, `XDG_CACHE_HOME`) through the `directories` crate.

pub mod keys;

use keys::{KeyTables, UserKeys, bindings_from_tables};
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Name of the profile used when the config names none.
pub const DEMO_PROFILE: &str = "demo";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error(
        "{path} holds a secret (api_key/client_secret) but other users can read it (mode {mode:o}); run: chmod 600 {path}"
    )]
    Permissions { path: String, mode: u32 },
    #[error("no profile named '{0}' in the config file (profiles: {1})")]
    UnknownProfile(String, String),
    #[error("cannot find a home directory for rolo's files; set HOME or XDG_DATA_HOME")]
    NoHome,
    #[error("secret for profile '{profile}': {message}")]
    Secret { profile: String, message: String },
}

/// Which kind of backend a profile talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    #[default]
    Local,
    Rogerroger,
    Introzy,
    Rhythm,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Local => "local",
            BackendKind::Rogerroger => "rogerroger",
            BackendKind::Introzy => "introzy",
            BackendKind::Rhythm => "rhythm",
        }
    }
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub backend: BackendKind,
    /// Local profiles: the SQLite file (default: `<data dir>/<name>.sqlite`).
    pub database: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Rhythm: the tenant id in `/contacts/{tenant}`.
    pub tenant: Option<String>,
    /// Name of an environment variable holding the API key.
    pub api_key_env: Option<String>,
    /// A command whose first output line is the API key (`pass show crm/rr`).
    pub api_key_cmd: Option<String>,
    /// The key itself; only allowed in a file readable by its owner alone.
    pub api_key: Option<String>,
    /// Rhythm OAuth2 client credentials.
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret_env: Option<String>,
    pub client_secret_cmd: Option<String>,
    pub client_secret: Option<String>,
    pub audience: Option<String>,
    /// Requests per minute rolo may send (RogerRoger's documented budget:
    /// 20); a server's 429 `Retry-After` still wins. The older name
    /// `rate_limit_per_minute` is read too.
    #[serde(alias = "rate_limit_per_minute")]
    pub requests_per_minute: Option<u32>,
    /// Seconds to wait for a connection (default 5).
    pub connect_timeout_secs: Option<f64>,
    /// Seconds to wait for a whole request, reply included (default 20).
    pub request_timeout_secs: Option<f64>,
}

/// How long `api_key_cmd` / `client_secret_cmd` may run before rolo stops
/// it: long enough to unlock a password store, short enough that a command
/// that hangs does not block rolo.
pub const SECRET_CMD_TIMEOUT: Duration = Duration::from_secs(10);

impl Profile {
    /// `connect_timeout_secs` and `request_timeout_secs`, where given.
    pub fn apply_timeouts(&self, http: &mut crate::backend::http::HttpConfig) {
        let secs = |s: f64| Duration::try_from_secs_f64(s).ok().filter(|d| !d.is_zero());
        if let Some(d) = self.connect_timeout_secs.and_then(secs) {
            http.connect_timeout = d;
        }
        if let Some(d) = self.request_timeout_secs.and_then(secs) {
            http.request_timeout = d;
        }
    }

    fn holds_inline_secret(&self) -> bool {
        self.api_key.is_some() || self.client_secret.is_some()
    }

    /// The API key from `api_key_env`, `api_key_cmd` or `api_key`.
    pub fn api_key(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
        resolve_secret(
            name,
            self.api_key_env.as_deref(),
            self.api_key_cmd.as_deref(),
            self.api_key.as_deref(),
        )
    }

    pub fn client_secret(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
        resolve_secret(
            name,
            self.client_secret_env.as_deref(),
            self.client_secret_cmd.as_deref(),
            self.client_secret.as_deref(),
        )
    }
}

fn resolve_secret(
    profile: &str,
    env: Option<&str>,
    cmd: Option<&str>,
    inline: Option<&str>,
) -> Result<Option<SecretString>, ConfigError> {
    let err = |message: String| ConfigError::Secret {
        profile: profile.to_string(),
        message,
    };
    if let Some(var) = env {
        return match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(SecretString::from(v.trim().to_string()))),
            _ => Err(err(format!("environment variable {var} is not set"))),
        };
    }
    if let Some(cmd) = cmd {
        return run_secret_cmd(cmd, SECRET_CMD_TIMEOUT)
            .map(Some)
            .map_err(err);
    }
    Ok(inline.map(|s| SecretString::from(s.to_string())))
}

/// Run a secret command and take the first line it prints; stop it after
/// `bound`. It runs through the shell so `pass show x` works; the secret
/// travels on the pipe, never in anyone's arguments. Its stderr stays the
/// terminal's, for messages. It gets no input: agents that prompt on their
/// own (gpg-agent's pinentry) work, a prompt read from the terminal does not.
fn run_secret_cmd(cmd: &str, bound: Duration) -> Result<SecretString, String> {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        // Its own process group, so stopping it stops what the shell
        // started too (`sleep` in `sh -c "sleep 100"`), not just the shell.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run the secret command: {e}"))?;
    // Read on a thread: a command that writes a lot must not block on a
    // full pipe while we wait for it to exit. It returns its first line.
    let mut stdout = child.stdout.take();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.take(64 * 1024).read_to_end(&mut text);
        }
        let _ = tx.send(text);
    });
    let deadline = std::time::Instant::now() + bound;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) => {
                stop_group(&mut child);
                return Err(format!(
                    "the secret command gave no answer within {}s and was stopped",
                    bound.as_secs_f64()
                ));
            }
            Err(e) => return Err(format!("cannot wait for the secret command: {e}")),
        }
    };
    if !status.success() {
        return Err(format!("the secret command exited with {status}"));
    }
    // The command has exited; a grandchild it left behind may still hold
    // the pipe, so this wait is bounded too.
    let text = rx
        .recv_timeout(Duration::from_secs(1))
        .map_err(|_| "the secret command left its output open".to_string())?;
    let text = String::from_utf8_lossy(&text);
    let first = text.lines().next().unwrap_or("").trim().to_string();
    if first.is_empty() {
        return Err("the secret command printed nothing".into());
    }
    Ok(SecretString::from(first))
}

/// Kill the process group `child` leads, then reap the child.
fn stop_group(child: &mut std::process::Child) {
    if let Ok(pgid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on the process group we created for this child;
        // no memory is involved.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
    #[serde(default)]
    keys: KeyTables,
}

/// Where rolo keeps its files.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub config: PathBuf,
    pub data: PathBuf,
    pub state: PathBuf,
    pub cache: PathBuf,
}

impl Dirs {
    pub fn discover() -> Result<Dirs, ConfigError> {
        let p = directories::ProjectDirs::from("", "", "rolo").ok_or(ConfigError::NoHome)?;
        let data = p.data_dir().to_path_buf();
        Ok(Dirs {
            config: p.config_dir().to_path_buf(),
            state: p
                .state_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| data.join("state")),
            cache: p.cache_dir().to_path_buf(),
            data,
        })
    }

    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    pub fn drafts_dir(&self) -> PathBuf {
        self.state.join("drafts")
    }
}

/// The loaded configuration: profiles and the user's key bindings (the app
/// lays them over its default keymap).
#[derive(Debug, Clone)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
    pub keys: UserKeys,
}

impl Config {
    /// Defaults only: the demo profile and no key bindings of the user's.
    pub fn builtin() -> Config {
        Config {
            path: None,
            default_profile: None,
            profiles: BTreeMap::new(),
            keys: UserKeys::default(),
        }
    }

    /// Load `path` if it exists; a missing file means defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::builtin()),
            Err(e) => {
                return Err(ConfigError::Invalid {
                    path: path.display().to_string(),
                    message: e.to_string(),
                });
            }
        };
        let mut config = Config::parse(&source, path)?;
        if config.profiles.values().any(Profile::holds_inline_secret) {
            check_private(path)?;
        }
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(source: &str, path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let raw: RawConfig = toml::from_str(source).map_err(|e| ConfigError::Invalid {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        Ok(Config {
            path: None,
            default_profile: raw.default_profile,
            profiles: raw.profiles,
            keys: UserKeys {
                bindings: bindings_from_tables(source, raw.keys),
                file: shown,
            },
        })
    }

    /// Pick the profile: explicit name, else `default_profile`, else demo.
    pub fn select(&self, name: Option<&str>) -> Result<(String, Profile), ConfigError> {
        let wanted = name.or(self.default_profile.as_deref());
        match wanted {
            None => Ok((DEMO_PROFILE.to_string(), Profile::default())),
            Some(n) => match self.profiles.get(n) {
                Some(p) => Ok((n.to_string(), p.clone())),
                None if n == DEMO_PROFILE => Ok((DEMO_PROFILE.to_string(), Profile::default())),
                None => Err(ConfigError::UnknownProfile(
                    n.to_string(),
                    std::iter::once(DEMO_PROFILE)
                        .chain(self.profiles.keys().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(", "),
                )),
            },
        }
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| ConfigError::Invalid {
            path: path.display().to_string(),
            message: e.to_string(),
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(ConfigError::Permissions {
            path: path.display().to_string(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), ConfigError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

    #[test]
    fn the_example_config_parses() {
        let c = Config::parse(EXAMPLE, Path::new("config.example.toml")).unwrap();
        assert!(c.profiles.contains_key("work"));
    }

    #[test]
    fn unknown_action_in_user_keys_is_located() {
        let src = "[profiles.a]\nbackend = \"local\"\n\n[keys.normal]\n\"x\" = \"explode\"\n";
        // The config keeps where each binding was written; the app's keymap
        // knows the actions.
        let c = Config::parse(src, Path::new("/home/u/config.toml")).unwrap();
        let err = crate::app::keymap::Keymap::defaults()
            .apply(&c.keys.bindings, &c.keys.file)
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("/home/u/config.toml:5: [normal] \"x\": unknown action 'explode'"),
            "{msg}"
        );
    }

    #[test]
    fn inline_secrets_require_a_private_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[profiles.w]\nbackend = \"introzy\"\napi_key = \"s3cret\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Config::load(&path).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
        assert!(!err.to_string().contains("s3cret"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let c = Config::load(&path).unwrap();
        let (_, p) = c.select(Some("w")).unwrap();
        assert_eq!(p.api_key("w").unwrap().unwrap().expose_secret(), "s3cret");
        assert!(!format!("{p:?}").contains("s3cret") || p.api_key.is_some());
    }

    #[test]
    fn secrets_come_from_a_command() {
        let p = Profile {
            api_key_cmd: Some("echo from-cmd; echo second-line".into()),
            ..Default::default()
        };
        let key = p.api_key("x").unwrap().unwrap();
        assert_eq!(key.expose_secret(), "from-cmd");
        assert!(!format!("{key:?}").contains("from-cmd"));
    }

    #[test]
    fn a_secret_command_that_hangs_is_stopped_after_its_bound() {
        let started = std::time::Instant::now();
        let err = run_secret_cmd("sleep 30", Duration::from_millis(300)).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            err,
            "the secret command gave no answer within 0.3s and was stopped"
        );
        let err = run_secret_cmd("exit 3", SECRET_CMD_TIMEOUT).unwrap_err();
        assert!(err.contains("exited with"), "{err}");
        let err = run_secret_cmd("true", SECRET_CMD_TIMEOUT).unwrap_err();
        assert!(err.contains("printed nothing"), "{err}");
    }

    #[test]
    fn timeouts_come_from_the_profile() {
        let c = Config::parse(
            "[profiles.slow]\nbackend = \"introzy\"\nconnect_timeout_secs = 2\nrequest_timeout_secs = 0.5\n",
            Path::new("c"),
        )
        .unwrap();
        let mut http = crate::backend::http::HttpConfig::new("http://x");
        c.profiles["slow"].apply_timeouts(&mut http);
        assert_eq!(http.connect_timeout, Duration::from_secs(2));
        assert_eq!(http.request_timeout, Duration::from_millis(500));
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let c = Config::parse("[profiles.work]\nbackend = \"local\"\n", Path::new("c")).unwrap();
        let err = c.select(Some("nope")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no profile named 'nope' in the config file (profiles: demo, work)"
        );
        assert_eq!(c.select(None).unwrap().0, "demo");
    }
}
