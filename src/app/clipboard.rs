//! Copying text for the user: OSC 52 to the terminal they sit at (through
//! SSH, no display server needed), and inside tmux also into tmux's paste
//! buffer. tmux's default `set-clipboard external` drops an application's
//! OSC 52, so over SSH in tmux (the usual case) the buffer is what works;
//! `load-buffer -w` also hands it on to the outer terminal where tmux
//! is set up to (`set -g set-clipboard on`).

use std::io::Write;
use std::process::{Command, Stdio};

/// Where a copy went, for the status line ("the terminal (OSC 52) and the
/// tmux buffer").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub osc52: bool,
    pub tmux: bool,
}

impl Copied {
    pub fn places(&self) -> &'static str {
        match (self.osc52, self.tmux) {
            (true, true) => "the terminal clipboard (OSC 52) and the tmux buffer",
            (false, true) => "the tmux buffer",
            _ => "the terminal clipboard (OSC 52)",
        }
    }
}

/// Copy `text` everywhere it can go; an error only when it went nowhere.
pub fn copy(text: &str) -> Result<Copied, String> {
    let osc52 = copy_osc52(text);
    let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    let tmux = if in_tmux {
        Some(tmux_load_buffer(text))
    } else {
        None
    };
    match (osc52, tmux) {
        (Err(e), None) | (Err(_), Some(Err(e))) => Err(e),
        (osc52, tmux) => Ok(Copied {
            osc52: osc52.is_ok(),
            tmux: matches!(tmux, Some(Ok(()))),
        }),
    }
}

fn copy_osc52(text: &str) -> Result<(), String> {
    use crossterm::clipboard::CopyToClipboard;
    crossterm::execute!(std::io::stdout(), CopyToClipboard::to_clipboard_from(text))
        .map_err(|e| e.to_string())
}

/// `tmux load-buffer -w -`: the text on stdin (never in argv, where other
/// users could read it), into the server `$TMUX` names.
pub fn tmux_load_buffer(text: &str) -> Result<(), String> {
    let mut child = Command::new("tmux")
        .args(["load-buffer", "-w", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("tmux: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("tmux: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("tmux: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "tmux load-buffer: {}",
            crate::sanitize::for_display(String::from_utf8_lossy(&out.stderr).trim())
        ))
    }
}
