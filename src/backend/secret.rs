//! Where a profile's secret comes from: an environment variable, a command
//! whose first output line it is (`pass show crm/rr`), or the config file
//! itself (only a private one; the config checks that). The secret is
//! wrapped ([`SecretString`]) the moment it is read.

use secrecy::SecretString;
use std::time::Duration;

/// How long `api_key_cmd` / `client_secret_cmd` may run before rolo stops
/// it: long enough to unlock a password store, short enough that a command
/// that hangs does not block rolo.
pub const SECRET_CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// The three ways a profile can give one secret; the first set wins.
#[derive(Clone, Copy, Default)]
pub struct SecretSource<'a> {
    /// The name of an environment variable holding it.
    pub env: Option<&'a str>,
    /// A shell command printing it on its first line.
    pub cmd: Option<&'a str>,
    /// The secret itself, written in the config file.
    pub inline: Option<&'a str>,
}

impl SecretSource<'_> {
    /// The secret, `None` when the profile gives none; the error says why
    /// it could not be read (never what it is).
    pub fn resolve(&self) -> Result<Option<SecretString>, String> {
        if let Some(var) = self.env {
            return match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Some(SecretString::from(v.trim().to_string()))),
                _ => Err(format!("environment variable {var} is not set")),
            };
        }
        if let Some(cmd) = self.cmd {
            return run_secret_cmd(cmd, SECRET_CMD_TIMEOUT).map(Some);
        }
        Ok(self.inline.map(|s| SecretString::from(s.to_string())))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn secrets_come_from_a_command() {
        let p = SecretSource {
            cmd: Some("echo from-cmd; echo second-line"),
            ..Default::default()
        };
        let key = p.resolve().unwrap().unwrap();
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
}
