//! How state reads as text on screen, kept out of the state types
//! themselves: the status line's summary of a remote cache.

use super::state::SyncView;

impl SyncView {
    /// "synced 4 min ago", "offline", "syncing 1,230/10,000" (empty for local).
    pub fn describe(&self) -> String {
        if !self.remote {
            return String::new();
        }
        let mut out = match (&self.progress, &self.offline, &self.last_sync) {
            (Some((done, Some(total))), _, _) => {
                format!("syncing {}/{}", thousands(*done as u64), thousands(*total))
            }
            (Some((done, None)), _, _) => format!("syncing {}", thousands(*done as u64)),
            (None, Some(_), _) => "offline".to_string(),
            (None, None, Some(at)) => format!("synced {}", ago(*at, self.now)),
            (None, None, None) => "never synced".to_string(),
        };
        if self.queued > 0 {
            out.push_str(&format!(" · {} change(s) queued", self.queued));
        }
        out
    }
}

/// 1230 -> "1,230".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "just now", "4 min ago", "2 h ago", "3 days ago"; "earlier" before the
/// clock's first tick.
fn ago(at: jiff::Timestamp, now: Option<jiff::Timestamp>) -> String {
    let Some(now) = now else {
        return "earlier".into();
    };
    let secs = now.as_second() - at.as_second();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_by_thousands_and_times_read_as_ago() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let now = jiff::Timestamp::from_second(100_000).ok();
        let at = |s: i64| jiff::Timestamp::from_second(100_000 - s).unwrap_or_default();
        assert_eq!(ago(at(59), now), "just now");
        assert_eq!(ago(at(240), now), "4 min ago");
        assert_eq!(ago(at(7_200), now), "2 h ago");
        assert_eq!(ago(at(3 * 86_400), now), "3 days ago");
        assert_eq!(ago(at(10), None), "earlier");
    }
}
