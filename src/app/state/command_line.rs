//! The `:` command line: what is typed, the action names it could
//! complete to, and where Tab and the history have got to.

use crate::app::input::LineInput;
use crate::app::keymap::KeyMode;

/// How many commands the history keeps (in memory, for this session).
pub const COMMAND_HISTORY_LEN: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub input: LineInput,
    /// The keymap table of the layer underneath, where a command runs.
    pub mode: KeyMode,
    /// The text completions are for (what was typed before Tab).
    pub typed: String,
    /// Action names that complete `typed`, those that do something in
    /// `mode` first.
    pub candidates: Vec<&'static str>,
    /// The candidate Tab has put in the input, if any.
    pub chosen: Option<usize>,
    /// Where Up/Down are in the history (0 = the newest), if browsing it.
    pub history_at: Option<usize>,
}

impl CommandLine {
    pub fn new(mode: KeyMode) -> CommandLine {
        CommandLine {
            input: LineInput::default(),
            mode,
            typed: String::new(),
            candidates: Vec::new(),
            chosen: None,
            history_at: None,
        }
    }
}
