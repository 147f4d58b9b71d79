//! A private HOME for the real binary: a temp dir with the four XDG
//! directories, a config file when a test writes one, and the binary run
//! inside it with nothing of the test machine's environment but `PATH`.
//!
//! The binary's path comes from the test crate (`env!("CARGO_BIN_EXE_rolo")`
//! exists only there), so each tier that runs it has a `sandbox()` making
//! one: `Sandbox::new(env!("CARGO_BIN_EXE_rolo"))`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The directories under the sandbox's root that the binary is pointed at.
const DIRS: [(&str, &str); 5] = [
    ("HOME", "home"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_STATE_HOME", "state"),
    ("XDG_CACHE_HOME", "cache"),
];

pub struct Sandbox {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// Put before every command's own arguments (`--profile rr`).
    args: Vec<String>,
    /// Set for every command, after the sandbox's own variables.
    env: Vec<(String, String)>,
}

impl Sandbox {
    /// A fresh sandbox running the binary at `bin`.
    pub fn new(bin: impl Into<PathBuf>) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        for (_, sub) in DIRS {
            std::fs::create_dir_all(dir.path().join(sub)).expect("sandbox dir");
        }
        Sandbox {
            dir,
            bin: bin.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Every command starts with these arguments (`["--profile", "rr"]`).
    pub fn with_args(mut self, args: &[&str]) -> Sandbox {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }

    /// Every command gets this environment variable (an API key).
    pub fn with_env(mut self, key: &str, value: &str) -> Sandbox {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The binary the sandbox runs.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// `rel` under the sandbox's root (`cache/rolo/rr.sqlite`).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The binary's working directory: its HOME.
    pub fn home(&self) -> PathBuf {
        self.path("home")
    }

    pub fn config_file(&self) -> PathBuf {
        self.path("config/rolo/config.toml")
    }

    /// Write the config file (mode as the umask gives it).
    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.config_file();
        std::fs::create_dir_all(path.parent().expect("config dir")).expect("config dir");
        std::fs::write(&path, text).expect("write config");
        path
    }

    /// Write the config file with this mode (0o600, 0o644).
    pub fn config(&self, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write_config(text);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .expect("config mode");
        path
    }

    /// `$XDG_DATA_HOME/rolo/demo.sqlite`.
    pub fn demo_db(&self) -> PathBuf {
        self.path("data/rolo/demo.sqlite")
    }

    /// `$XDG_CACHE_HOME/rolo/<profile>.sqlite`.
    pub fn cache_db(&self, profile: &str) -> PathBuf {
        self.path(&format!("cache/rolo/{profile}.sqlite"))
    }

    /// `$XDG_STATE_HOME/rolo/drafts/note.json`.
    pub fn draft_file(&self) -> PathBuf {
        self.path("state/rolo/drafts/note.json")
    }

    /// The binary's whole environment: `PATH`, HOME and the XDG
    /// directories, then the variables given with [`Sandbox::with_env`].
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        let mut env = vec![(
            OsString::from("PATH"),
            std::env::var_os("PATH").unwrap_or_default(),
        )];
        for (key, sub) in DIRS {
            env.push((key.into(), self.path(sub).into()));
        }
        for (key, value) in &self.env {
            env.push((key.into(), value.into()));
        }
        env
    }

    /// The arguments every command starts with.
    pub fn leading_args(&self) -> &[String] {
        &self.args
    }

    /// `rolo ARGS` in the sandbox, not started yet.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(&self.args)
            .args(args)
            .env_clear()
            .envs(self.env())
            .current_dir(self.home());
        c
    }

    /// Run `rolo ARGS` to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run rolo")
    }

    /// [`Sandbox::run`] on a blocking thread, for tests whose fake server
    /// serves on the test's own runtime.
    pub async fn run_async(&self, args: &[&str]) -> Output {
        let mut c = self.cmd(args);
        tokio::task::spawn_blocking(move || c.output().expect("run rolo"))
            .await
            .expect("the blocking task ran")
    }
}
