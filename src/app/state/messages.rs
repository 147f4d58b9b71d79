//! The status line's history: the last [`MESSAGE_LOG_LEN`] messages with
//! the time each was shown, for the message log in help (a message cut to
//! fit the status line is read whole there).

use super::StatusKind;
use std::collections::VecDeque;
use std::time::Duration;

/// How many messages the log keeps.
pub const MESSAGE_LOG_LEN: usize = 100;

/// How long a message stays on the status line: an error longer, as it
/// matters more and has more to read; progress ("saving…") until its
/// outcome replaces it.
pub fn lifetime(kind: StatusKind) -> Option<Duration> {
    match kind {
        StatusKind::Info => Some(Duration::from_secs(6)),
        StatusKind::Error => Some(Duration::from_secs(20)),
        StatusKind::Busy => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedMessage {
    /// When it was shown (the loop's clock; `None` in tests without one).
    pub at: Option<jiff::Timestamp>,
    pub kind: StatusKind,
    pub text: String,
}

/// Newest last; the oldest goes when a new one would make more than
/// [`MESSAGE_LOG_LEN`].
#[derive(Debug, Default)]
pub struct MessageLog {
    entries: VecDeque<LoggedMessage>,
}

impl MessageLog {
    pub fn push(&mut self, entry: LoggedMessage) {
        if self.entries.len() == MESSAGE_LOG_LEN {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &LoggedMessage> {
        self.entries.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
