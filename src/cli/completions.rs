//! `rolo completions bash|zsh|fish` and `rolo man`: both made from the
//! clap definitions of the command line itself, so they never drift from
//! what rolo accepts. They need no workspace: `main` runs them before
//! opening one ([`super::Command::needs_workspace`]).

use super::exit::{CliError, io};
use clap::ValueEnum;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
        }
    }
}

/// The completion script for `shell`, for the command line `command`.
pub(super) fn completions(
    shell: Shell,
    mut command: clap::Command,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let name = command.get_name().to_string();
    let mut buf = Vec::new();
    clap_complete::generate(shell.generator(), &mut command, name, &mut buf);
    out.write_all(&buf).map_err(io)
}

/// The man page (roff) of `command` on `out`; with `dir`, one page per
/// command there instead (`rolo.1`, `rolo-list.1`, …).
pub(super) fn man(
    command: clap::Command,
    dir: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(io)?;
            clap_mangen::generate_to(command, dir).map_err(io)?;
            writeln!(
                out,
                "{}",
                crate::sanitize::for_display(&dir.display().to_string())
            )
            .map_err(io)
        }
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut buf)
                .map_err(io)?;
            out.write_all(&buf).map_err(io)
        }
    }
}
