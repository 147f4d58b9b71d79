//! Entering and leaving the full-screen terminal, on every exit path.

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Raw mode, alternate screen, bracketed paste; and a panic hook that puts
/// the terminal back before the panic message is printed.
pub fn enter() -> std::io::Result<Tui> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(stdout())).inspect_err(|_| restore())
}

/// Leave raw mode and the alternate screen. Safe to call more than once.
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            // The UI is going down: give the user their terminal back first.
            restore();
            previous(info);
        } else {
            // A background task failed; the UI goes on. Printing would
            // scribble over the screen, so the log gets it instead.
            tracing::error!(panic = %info, "background task panicked");
        }
    }));
}
