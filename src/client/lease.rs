//! Who this process is when it claims outbox ops, and how long a claim
//! lasts. An owner is `host/pid/token`: the token tells two clients in one
//! process apart; host and pid let a process on the same machine see that
//! the owner of a claim is gone (killed with `kill -9`, say) and take the
//! op over at once instead of waiting for the claim to expire.

use std::sync::Arc;
use std::time::Duration;

/// How long a claim holds without being renewed. A sending process renews
/// it every third of this while it waits for the server, so only a dead or
/// frozen process lets it lapse.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    id: Arc<str>,
}

impl Owner {
    /// A fresh owner for this process.
    pub fn new() -> Owner {
        let token = uuid::Uuid::new_v4().simple().to_string();
        Owner {
            id: format!("{}/{}/{}", hostname(), std::process::id(), &token[..12]).into(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the process that wrote `other` has certainly ended: it ran
    /// on this host and its pid no longer exists. Unknown shapes, other
    /// hosts and live pids are left to the claim's expiry.
    pub fn is_gone(other: &str) -> bool {
        let mut parts = other.splitn(3, '/');
        let (Some(host), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            return false;
        };
        host == hostname() && pid != std::process::id() && !pid_alive(pid)
    }
}

impl Default for Owner {
    fn default() -> Self {
        Owner::new()
    }
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most
    // that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).replace('/', "_")
}

fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    // EPERM: it exists but belongs to someone else.
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Unix milliseconds, the clock claims are written in.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_pid_on_this_host_is_gone_a_live_one_is_not() {
        let me = Owner::new();
        assert!(!Owner::is_gone(me.id()), "this process is alive");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let dead = format!("{}/{pid}/abc", hostname());
        assert!(Owner::is_gone(&dead));
        assert!(!Owner::is_gone(&format!("elsewhere/{pid}/abc")));
        assert!(!Owner::is_gone("garbage"));
    }
}
