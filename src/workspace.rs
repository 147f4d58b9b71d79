//! Opening the profile the user asked for: config, directories, database,
//! backend, and the bundled demo data on first start.

use crate::backend::Backend;
use crate::backend::http::NetStatusRx;
use crate::backend::local::LocalBackend;
use crate::client::Client;
use crate::config::{BackendKind, Config, ConfigError, DEMO_PROFILE, Dirs, Profile};
use crate::model::PersonWithNotes;
use crate::store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The bundled demo people, seeded into the demo database on first start.
pub const DEMO_PEOPLE: &str = include_str!("../assets/demo/people.json");

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the bundled demo data is unreadable: {0}")]
    Demo(String),
    #[error("profile '{profile}': {message}")]
    Backend { profile: String, message: String },
}

/// Where the data comes from, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub profile: String,
    pub backend: String,
    pub is_demo: bool,
}

/// What the app and the CLI need to run.
pub struct Opened {
    pub client: Client,
    pub workspace: Workspace,
    pub config: Config,
    pub dirs: Dirs,
}

/// Options that pick the workspace.
#[derive(Debug, Default, Clone)]
pub struct OpenOptions {
    pub profile: Option<String>,
    pub config_file: Option<PathBuf>,
    /// Open this local database instead of a profile's.
    pub database: Option<PathBuf>,
}

/// The config file and rolo's directories, read before anything else so a
/// mistake in the config stops rolo before any file is created.
pub fn read_config(opts: &OpenOptions) -> Result<(Config, Dirs), OpenError> {
    let dirs = Dirs::discover()?;
    let config_path = opts
        .config_file
        .clone()
        .unwrap_or_else(|| dirs.config_file());
    let config = Config::load(&config_path)?;
    Ok((config, dirs))
}

/// Open the workspace `opts` picks: its database or cache, and its backend.
pub fn open(opts: &OpenOptions, config: Config, dirs: Dirs) -> Result<Opened, OpenError> {
    if let Some(db) = &opts.database {
        let client = local_client(db, false)?;
        let workspace = Workspace {
            profile: db.display().to_string(),
            backend: "local".into(),
            is_demo: false,
        };
        return Ok(Opened {
            client,
            workspace,
            config,
            dirs,
        });
    }
    let (name, profile) = config.select(opts.profile.as_deref())?;
    let is_demo = name == DEMO_PROFILE && profile.database.is_none();
    let client = match profile.backend {
        BackendKind::Local => {
            let db = profile
                .database
                .clone()
                .unwrap_or_else(|| dirs.data.join(format!("{name}.sqlite")));
            local_client(&db, is_demo)?
        }
        _ => remote_client(&name, &profile, &dirs)?,
    };
    let workspace = Workspace {
        profile: name,
        backend: client.kind().to_string(),
        is_demo,
    };
    Ok(Opened {
        client,
        workspace,
        config,
        dirs,
    })
}

fn local_client(db: &Path, seed_demo: bool) -> Result<Client, OpenError> {
    let mut store = Store::open(db)?;
    if seed_demo && store.meta("demo_seeded")?.is_none() {
        let people: Vec<PersonWithNotes> =
            serde_json::from_str(DEMO_PEOPLE).map_err(|e| OpenError::Demo(e.to_string()))?;
        store.import(&people)?;
        store.set_meta("demo_seeded", "1")?;
    }
    let store = Arc::new(Mutex::new(store));
    let backend: Arc<dyn Backend> = Arc::new(LocalBackend::new(store.clone()));
    Ok(Client::new(backend, store))
}

fn remote_client(name: &str, profile: &Profile, dirs: &Dirs) -> Result<Client, OpenError> {
    let (backend, status) = remote_backend(name, profile)?;
    // Every remote profile gets its own cache database.
    let cache = dirs.cache.join(format!("{name}.sqlite"));
    let store = Arc::new(Mutex::new(Store::open(&cache)?));
    Ok(Client::remote(backend, store).with_net_status(status))
}

/// Build the adapter a remote profile names, with its secret.
pub fn remote_backend(
    name: &str,
    profile: &Profile,
) -> Result<(Arc<dyn Backend>, NetStatusRx), OpenError> {
    use crate::backend::http::{HttpConfig, RateLimit};
    use crate::backend::introzy::IntrozyBackend;
    use crate::backend::rhythm::{OAuthSettings, RhythmAuth, RhythmBackend};
    use crate::backend::rogerroger::RogerRoger;
    let fail = |message: String| OpenError::Backend {
        profile: name.to_string(),
        message,
    };
    let base_url = profile
        .base_url
        .clone()
        .ok_or_else(|| fail("base_url is required".into()))?;
    let need_key = || -> Result<secrecy::SecretString, OpenError> {
        profile
            .api_key(name)?
            .ok_or_else(|| fail("no API key: set api_key_env, api_key_cmd or api_key".into()))
    };
    type Built = Result<(Arc<dyn Backend>, NetStatusRx), crate::backend::BackendError>;
    let built: Built = match profile.backend {
        BackendKind::Local => unreachable!("local profiles are opened by local_client"),
        BackendKind::Rogerroger => {
            let mut config = RogerRoger::default_config(base_url);
            if let Some(n) = profile.requests_per_minute {
                config.rate_limit = Some(RateLimit::per_minute(n));
            }
            profile.apply_timeouts(&mut config);
            RogerRoger::new(config, need_key()?).map(|b| {
                let status = b.http().status();
                (Arc::new(b) as Arc<dyn Backend>, status)
            })
        }
        BackendKind::Introzy => {
            let mut config = HttpConfig::new(base_url);
            config.rate_limit = profile.requests_per_minute.map(RateLimit::per_minute);
            profile.apply_timeouts(&mut config);
            IntrozyBackend::new(config, &need_key()?).map(|b| {
                let status = b.http().status();
                (Arc::new(b) as Arc<dyn Backend>, status)
            })
        }
        BackendKind::Rhythm => {
            let tenant = profile
                .tenant
                .clone()
                .ok_or_else(|| fail("tenant is required for Rhythm".into()))?;
            let auth = match (&profile.token_url, &profile.client_id) {
                (Some(token_url), Some(client_id)) => RhythmAuth::ClientCredentials(OAuthSettings {
                    token_url: token_url.clone(),
                    client_id: client_id.clone(),
                    client_secret: profile.client_secret(name)?.ok_or_else(|| {
                        fail("no client secret: set client_secret_env, client_secret_cmd or client_secret".into())
                    })?,
                    audience: profile.audience.clone(),
                    refresh_margin: std::time::Duration::from_secs(300),
                }),
                _ => RhythmAuth::Static(need_key()?),
            };
            let mut config = HttpConfig::new(base_url);
            config.rate_limit = profile.requests_per_minute.map(RateLimit::per_minute);
            profile.apply_timeouts(&mut config);
            RhythmBackend::new(config, &tenant, auth).map(|b| {
                let status = b.http().status();
                (Arc::new(b) as Arc<dyn Backend>, status)
            })
        }
    };
    built.map_err(|e| fail(e.to_string()))
}
