//! Opening the profile the user asked for: config, directories, database,
//! backend (a remote one built on first use), and the bundled demo data on
//! first start.

use crate::backend::http::NetStatusRx;
use crate::backend::introzy::IntrozyBackend;
use crate::backend::lazy::LazyBackend;
use crate::backend::local::LocalBackend;
use crate::backend::profile::Remote;
use crate::backend::rhythm::RhythmBackend;
use crate::backend::rogerroger::RogerRoger;
use crate::backend::{Backend, BuildError};
use crate::client::Client;
use crate::config::{Config, ConfigError, DEMO_PROFILE, Dirs, Profile};
use crate::model::{Capabilities, PersonWithNotes};
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
    let is_demo = name == DEMO_PROFILE && profile == Profile::default();
    let client = match &profile {
        Profile::Local(options) => {
            let db = options.database_or(&dirs.data.join(format!("{name}.sqlite")));
            local_client(&db, is_demo)?
        }
        Profile::Rogerroger(options) => {
            let o = options.clone();
            lazy_remote(
                &name,
                &options.remote,
                &dirs,
                ("rogerroger", crate::backend::rogerroger::capabilities()),
                move || built(RogerRoger::build(&o), |b| b.http().status()),
            )?
        }
        Profile::Introzy(options) => {
            let o = options.clone();
            lazy_remote(
                &name,
                &options.remote,
                &dirs,
                ("introzy", crate::backend::introzy::capabilities()),
                move || built(IntrozyBackend::build(&o), |b| b.http().status()),
            )?
        }
        Profile::Rhythm(options) => {
            if options.tenant.is_none() {
                let e = BuildError::Setting("tenant is required for Rhythm".into());
                return Err(setting(&name, e));
            }
            let o = options.clone();
            lazy_remote(
                &name,
                &options.remote,
                &dirs,
                ("rhythm", crate::backend::rhythm::capabilities()),
                move || built(RhythmBackend::build(&o), |b| b.http().status()),
            )?
        }
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

/// What a profile's `build` gave, as the lazy adapter takes it: the
/// adapter and its status channel, or the message of why not (which never
/// holds the secret).
fn built<B: Backend + 'static>(
    made: Result<B, BuildError>,
    status: impl FnOnce(&B) -> NetStatusRx,
) -> crate::backend::lazy::Built {
    let backend = made.map_err(|e| e.to_string())?;
    let status = status(&backend);
    Ok((Arc::new(backend) as Arc<dyn Backend>, status))
}

/// A setting known wrong before anything is built: it stops rolo at open,
/// as a configuration mistake.
fn setting(profile: &str, e: BuildError) -> OpenError {
    OpenError::Backend {
        profile: profile.to_string(),
        message: e.to_string(),
    }
}

/// A remote profile's client: its adapter, built on first use (reads from
/// the cache never need the secret or the network), over the profile's
/// own cache database.
/// A remote profile's client: its settings checked now (a config mistake
/// stops rolo before any file is made), its adapter built on first use.
fn lazy_remote(
    name: &str,
    remote: &Remote,
    dirs: &Dirs,
    (kind, capabilities): (&'static str, Capabilities),
    build: impl Fn() -> crate::backend::lazy::Built + Send + Sync + 'static,
) -> Result<Client, OpenError> {
    remote.base_url().map_err(|e| setting(name, e))?;
    remote_client(
        name,
        remote.stale_after(),
        dirs,
        LazyBackend::new(kind, capabilities, name, build),
    )
}

fn remote_client(
    name: &str,
    stale_after: Option<std::time::Duration>,
    dirs: &Dirs,
    backend: LazyBackend,
) -> Result<Client, OpenError> {
    let status = backend.status();
    let backend: Arc<dyn Backend> = Arc::new(backend);
    let cache = dirs.cache.join(format!("{name}.sqlite"));
    let store = Arc::new(Mutex::new(Store::open(&cache)?));
    let client = Client::remote(backend, store).with_net_status(status);
    Ok(match stale_after {
        Some(after) => client.with_stale_after(after),
        None => client,
    })
}
