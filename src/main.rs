//! rolo's entry point: parse arguments, open the workspace, run the TUI.

use clap::Parser;
use rolo::app::keymap::Keymap;
use rolo::app::state::State;
use rolo::cli::{Exit, exit};
use rolo::drafts::DraftStore;
use rolo::workspace::{OpenOptions, open, read_config};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// A keyboard-driven terminal contact manager for CRMs.
#[derive(Debug, Parser)]
#[command(name = "rolo", version, about)]
struct Args {
    /// Profile from the config file (default: the config's default_profile, else the demo workspace).
    #[arg(long, env = "ROLO_PROFILE", global = true)]
    profile: Option<String>,
    /// Config file to read instead of ~/.config/rolo/config.toml.
    #[arg(long, env = "ROLO_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Open this local SQLite database instead of a profile.
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Load every person into the list model, print the timing, and exit
    /// (for measuring start-up time and memory without a terminal).
    #[arg(long, hide = true)]
    load_only: bool,
    #[command(subcommand)]
    command: Option<rolo::cli::Command>,
}

/// The log may name people and servers: create it 0600 before the
/// appender opens it (which would use the umask), tighten an older one.
fn private_log(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?
        .set_permissions(std::fs::Permissions::from_mode(0o600))
}

fn init_logging(dir: &std::path::Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    private_log(&dir.join("rolo.log")).ok()?;
    let file = tracing_appender::rolling::never(dir, "rolo.log");
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("ROLO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    if let Some(command) = args.command.take_if(|c| !c.needs_workspace()) {
        return run_standalone(command);
    }
    let opts = OpenOptions {
        profile: args.profile.clone(),
        config_file: args.config.clone(),
        database: args.db.clone(),
    };
    let fail = |e: &rolo::workspace::OpenError| {
        eprintln!("rolo: {}", rolo::sanitize::for_display(&e.to_string()));
        exit::exit_for(e).process()
    };
    let (config, dirs) = match read_config(&opts) {
        Ok(read) => read,
        Err(e) => return fail(&e),
    };
    // The user's keys over the defaults: a bad binding stops every command,
    // before any file is created.
    let mut keymap = Keymap::defaults();
    if let Err(e) = keymap.apply(&config.keys.bindings, &config.keys.file) {
        eprintln!("rolo: {}", rolo::sanitize::for_display(&e.to_string()));
        return Exit::Config.process();
    }
    let ui = config.ui.clone();
    let opened = match open(&opts, config, dirs) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let _log = init_logging(&opened.dirs.state);
    tracing::info!(profile = %opened.workspace.profile, backend = %opened.workspace.backend, "starting");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rolo: cannot start the async runtime: {e}");
            return Exit::Os.process();
        }
    };
    if args.load_only {
        return runtime.block_on(load_only(opened.client));
    }
    if let Some(command) = args.command {
        return runtime.block_on(run_cli(opened.client, command));
    }
    runtime.block_on(run_tui(opened, keymap, ui))
}

/// Completions and the man page, from this very command line.
fn run_standalone(command: rolo::cli::Command) -> ExitCode {
    use clap::CommandFactory;
    let mut out = std::io::stdout().lock();
    match rolo::cli::run_standalone(command, Args::command(), &mut out) {
        Ok(()) => Exit::Ok.process(),
        Err(e) => {
            eprintln!("rolo: {}", rolo::sanitize::for_display(&e.message));
            e.exit.process()
        }
    }
}

async fn run_cli(client: rolo::client::Client, command: rolo::cli::Command) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    match rolo::cli::run(&client, command, &mut out, &mut err).await {
        Ok(()) => Exit::Ok.process(),
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("rolo: {}", rolo::sanitize::for_display(&e.message));
            }
            e.exit.process()
        }
    }
}

async fn load_only(client: rolo::client::Client) -> ExitCode {
    let started = std::time::Instant::now();
    match client.load_summaries().await {
        Ok(people) => {
            let mut view = rolo::app::people::PeopleView::default();
            view.set_people(people);
            println!(
                "loaded {} people into the list model in {:.1} ms",
                view.all.len(),
                started.elapsed().as_secs_f64() * 1000.0
            );
            Exit::Ok.process()
        }
        Err(e) => {
            eprintln!("rolo: {e}");
            Exit::Io.process()
        }
    }
}

async fn run_tui(
    opened: rolo::workspace::Opened,
    keymap: Keymap,
    ui: rolo::config::ui::UiSettings,
) -> ExitCode {
    let mut state = State::new(
        opened.workspace,
        opened.client.capabilities(),
        Arc::new(keymap),
    );
    state.columns = ui.columns;
    state.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    state.busy("loading people…");
    let drafts = DraftStore::new(opened.dirs.drafts_dir());
    let mut terminal = match rolo::terminal::enter() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("rolo: cannot use this terminal: {e}");
            return Exit::Io.process();
        }
    };
    let client = opened.client.clone();
    let result = rolo::app::event_loop::run(&mut terminal, state, opened.client, drafts).await;
    rolo::terminal::restore();
    say_what_is_still_queued(&client).await;
    match result {
        Ok(exit) => {
            tracing::info!(?exit, "stopped");
            Exit::Ok.process()
        }
        Err(e) => {
            eprintln!("rolo: terminal error: {e}");
            Exit::Io.process()
        }
    }
}

/// Leaving with changes unsent, or refused, says so on the way out.
async fn say_what_is_still_queued(client: &rolo::client::Client) {
    if !client.is_remote() {
        return;
    }
    let Ok(entries) = client.outbox().await else {
        return;
    };
    if entries.is_empty() {
        return;
    }
    let need_you = entries.iter().filter(|e| e.state.needs_user()).count();
    let why = if need_you > 0 {
        format!(", {need_you} waiting for you (refused by the server, in conflict, or behind one)")
    } else {
        String::new()
    };
    eprintln!(
        "rolo: {} change(s) not sent yet{why}; they stay queued: `rolo outbox list` shows them, `rolo sync` sends them",
        entries.len()
    );
}
