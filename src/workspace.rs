//! Opening the profile the user asked for: config, directories, database,
//! backend, and the bundled demo data on first start.

use crate::app::state::Workspace;
use crate::backend::Backend;
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

impl OpenError {
    pub fn exit_code(&self) -> i32 {
        match self {
            OpenError::Config(e) => e.exit_code(),
            OpenError::Store(e) => e.exit_code(),
            OpenError::Demo(_) => 70,
            OpenError::Backend { .. } => 78,
        }
    }
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

pub fn open(opts: &OpenOptions) -> Result<Opened, OpenError> {
    let dirs = Dirs::discover()?;
    let config_path = opts
        .config_file
        .clone()
        .unwrap_or_else(|| dirs.config_file());
    let config = Config::load(&config_path)?;
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

fn remote_client(name: &str, profile: &Profile, _dirs: &Dirs) -> Result<Client, OpenError> {
    Err(OpenError::Backend {
        profile: name.to_string(),
        message: format!(
            "the {} backend is not wired into this build yet",
            profile.backend.name()
        ),
    })
}
