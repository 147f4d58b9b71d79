//! The config file, profiles, directories and secrets.
//!
//! Directories follow XDG (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`,
//! `XDG_STATE_HOME`, `XDG_CACHE_HOME`) through the `directories` crate.

pub mod keys;
pub mod ui;

use crate::backend::profile::Remote;
use crate::backend::{introzy, local, rhythm, rogerroger};
use keys::{KeyTables, UserKeys, bindings_from_tables};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Name of the profile used when the config names none.
pub const DEMO_PROFILE: &str = "demo";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// A profile table is wrong: an unknown backend, a key its backend does
    /// not take, a value of the wrong type.
    #[error("{path}:{line}: {message}")]
    Profile {
        path: String,
        line: usize,
        message: String,
    },
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

/// One `[profiles.NAME]` table: its `backend` key picks the options (local
/// when it has none), each backend's from its adapter. A key that backend
/// does not take is an error naming the key, its line and the backend.
///
/// serde reads an internally tagged enum by buffering the table, then reads
/// the variant's options from the buffer without the tag, so each options
/// struct's `deny_unknown_fields` holds (and the flattened shared keys,
/// `Remote` and `ApiKey`, are accepted). But the buffer has no places, so
/// toml could only point at the table, and serde's message names neither
/// the profile nor the backend: [`read_profile`] adds both, and the line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "backend", rename_all = "lowercase")]
pub enum Profile {
    Local(local::Options),
    Rogerroger(rogerroger::Options),
    Introzy(introzy::Options),
    Rhythm(rhythm::Options),
}

/// What `backend =` may say, in the order the README lists them.
pub const BACKENDS: &[&str] = &["local", "rogerroger", "introzy", "rhythm"];

impl Default for Profile {
    /// The demo workspace's: local, in the data directory.
    fn default() -> Self {
        Profile::Local(local::Options::default())
    }
}

impl Profile {
    /// The backend's name as `backend =` writes it.
    pub fn backend(&self) -> &'static str {
        match self {
            Profile::Local(_) => "local",
            Profile::Rogerroger(_) => "rogerroger",
            Profile::Introzy(_) => "introzy",
            Profile::Rhythm(_) => "rhythm",
        }
    }

    /// What every remote profile sets (none for a local one).
    pub fn remote(&self) -> Option<&Remote> {
        match self {
            Profile::Local(_) => None,
            Profile::Rogerroger(o) => Some(&o.remote),
            Profile::Introzy(o) => Some(&o.remote),
            Profile::Rhythm(o) => Some(&o.remote),
        }
    }

    fn holds_inline_secret(&self) -> bool {
        match self {
            Profile::Local(_) => false,
            Profile::Rogerroger(o) => o.key.api_key.is_some(),
            Profile::Introzy(o) => o.key.api_key.is_some(),
            Profile::Rhythm(o) => o.key.api_key.is_some() || o.oauth.client_secret.is_some(),
        }
    }
}

/// A `[profiles.NAME]` table as written, each key with its place.
type ProfileTable = BTreeMap<toml::Spanned<String>, toml::Value>;

/// Why a profile table is wrong, and the byte offset of the key at fault
/// (`None`: the table as a whole).
type ProfileError = (Option<usize>, String);

/// Read one profile: `backend` defaults to local, and an error names the
/// profile, its backend and (for an unknown key) the key.
fn read_profile(name: &str, table: ProfileTable) -> Result<Profile, ProfileError> {
    let place = |key: &str| {
        table
            .keys()
            .find(|k| k.get_ref() == key)
            .map(|k| k.span().start)
    };
    let backend = match table.iter().find(|(k, _)| k.get_ref() == "backend") {
        None => "local".to_string(),
        Some((_, toml::Value::String(b))) if BACKENDS.contains(&b.as_str()) => b.clone(),
        Some((_, other)) => {
            return Err((
                place("backend"),
                format!(
                    "[profiles.{name}]: unknown backend {other} (backends: {})",
                    BACKENDS.join(", ")
                ),
            ));
        }
    };
    let mut plain: toml::Table = table
        .iter()
        .map(|(k, v)| (k.get_ref().clone(), v.clone()))
        .collect();
    plain.insert("backend".into(), toml::Value::String(backend.clone()));
    toml::Value::Table(plain).try_into().map_err(|e| {
        let message = e.message().to_string();
        // serde names an unknown key `like this`; point at its line.
        let key = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next());
        (
            key.and_then(place),
            format!("[profiles.{name}] backend \"{backend}\": {message}"),
        )
    })
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<toml::Spanned<String>, ProfileTable>,
    #[serde(default)]
    keys: KeyTables,
    #[serde(default)]
    ui: ui::UiSettings,
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
    /// The `[ui]` table: the list's columns.
    pub ui: ui::UiSettings,
}

impl Config {
    /// Defaults only: the demo profile and no key bindings of the user's.
    pub fn builtin() -> Config {
        Config {
            path: None,
            default_profile: None,
            profiles: BTreeMap::new(),
            keys: UserKeys::default(),
            ui: ui::UiSettings::default(),
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
        let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count() + 1;
        let mut profiles = BTreeMap::new();
        for (name, table) in raw.profiles {
            let profile = read_profile(name.get_ref(), table).map_err(|(at, message)| {
                ConfigError::Profile {
                    path: shown.clone(),
                    line: line_of(at.unwrap_or(name.span().start)),
                    message,
                }
            })?;
            profiles.insert(name.into_inner(), profile);
        }
        Ok(Config {
            path: None,
            default_profile: raw.default_profile,
            profiles,
            keys: UserKeys {
                bindings: bindings_from_tables(source, raw.keys),
                file: shown,
            },
            ui: raw.ui,
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
    use std::time::Duration;

    const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

    #[test]
    fn the_ui_table_reaches_the_config() {
        let src = "[ui]\ncolumns = [\"name\", \"city\"]\n";
        let c = Config::parse(src, Path::new("c.toml")).unwrap();
        assert_eq!(c.ui.columns, [ui::ListColumn::Name, ui::ListColumn::City]);
        let err = Config::parse("[ui]\ncolumns = \"name\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("c.toml: ") && err.contains("line 2"),
            "{err}"
        );
    }

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
        let Profile::Introzy(options) = &p else {
            panic!("{p:?}")
        };
        assert_eq!(
            options.key.resolve().unwrap().unwrap().expose_secret(),
            "s3cret"
        );
        assert!(!format!("{p:?}").contains("s3cret"), "{p:?}");
    }

    #[test]
    fn timeouts_come_from_the_profile() {
        let c = Config::parse(
            "[profiles.slow]\nbackend = \"introzy\"\nconnect_timeout_secs = 2\nrequest_timeout_secs = 0.5\n",
            Path::new("c"),
        )
        .unwrap();
        let mut http = crate::backend::http::HttpConfig::new("http://x");
        c.profiles["slow"].remote().unwrap().apply(&mut http);
        assert_eq!(http.connect_timeout, Duration::from_secs(2));
        assert_eq!(http.request_timeout, Duration::from_millis(500));
    }

    fn parse_err(source: &str) -> String {
        Config::parse(source, Path::new("c.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn each_backend_takes_its_own_keys() {
        let c = Config::parse(EXAMPLE, Path::new("config.example.toml")).unwrap();
        let backends: Vec<&str> = c.profiles.values().map(Profile::backend).collect();
        assert_eq!(backends, ["introzy", "local", "rhythm", "rogerroger"]);
        let Profile::Rhythm(rhythm) = &c.profiles["rhythm"] else {
            panic!("{:?}", c.profiles["rhythm"])
        };
        assert_eq!(rhythm.tenant.as_deref(), Some("my-tenant"));
        assert_eq!(rhythm.oauth.client_id.as_deref(), Some("rolo"));
        assert_eq!(
            rhythm.remote.base_url.as_deref(),
            Some("https://api.rhythm.example")
        );
        let c = Config::parse(
            "[profiles.plain]\ndatabase = \"/tmp/p.sqlite\"\n",
            Path::new("c"),
        )
        .unwrap();
        assert_eq!(
            c.profiles["plain"],
            Profile::Local(local::Options {
                database: Some("/tmp/p.sqlite".into())
            }),
            "no backend key means local"
        );
        assert_eq!(c.select(Some("demo")).unwrap().1, Profile::default());
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line_and_the_backend() {
        let err = parse_err(
            "[profiles.work]\nbackend = \"rogerroger\"\nbase_url = \"http://x\"\ntennant = \"t\"\n",
        );
        assert_eq!(
            err,
            "c.toml:4: [profiles.work] backend \"rogerroger\": unknown field `tennant`"
        );
        // A key of another backend is unknown here too.
        let err = parse_err("[profiles.mine]\nbackend = \"local\"\nbase_url = \"http://x\"\n");
        assert_eq!(
            err,
            "c.toml:3: [profiles.mine] backend \"local\": unknown field `base_url`, expected `database`"
        );
        let err = parse_err("[profiles.iz]\nbackend = \"introzy\"\ntenant = \"t\"\n");
        assert_eq!(
            err,
            "c.toml:3: [profiles.iz] backend \"introzy\": unknown field `tenant`"
        );
        // No backend key: read as local, and said so.
        let err = parse_err("\n[profiles.old]\ntenant = \"t\"\n");
        assert_eq!(
            err,
            "c.toml:3: [profiles.old] backend \"local\": unknown field `tenant`, expected `database`"
        );
        let err = parse_err("[profiles.x]\nbackend = \"salesforce\"\n");
        assert_eq!(
            err,
            "c.toml:2: [profiles.x]: unknown backend \"salesforce\" (backends: local, rogerroger, introzy, rhythm)"
        );
        // A value of the wrong type: the profile's line, and the backend.
        let err =
            parse_err("[profiles.rr]\nbackend = \"rogerroger\"\nrequests_per_minute = \"lots\"\n");
        assert!(
            err.starts_with("c.toml:1: [profiles.rr] backend \"rogerroger\": invalid type"),
            "{err}"
        );
    }

    #[test]
    fn every_backend_name_reads_as_its_variant() {
        for name in BACKENDS {
            let c = Config::parse(
                &format!("[profiles.p]\nbackend = \"{name}\"\n"),
                Path::new("c"),
            )
            .unwrap();
            assert_eq!(c.profiles["p"].backend(), *name);
        }
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
