//! The two ways a client's writes reach its backend, chosen once when the
//! client is made ([`Client::new`](super::Client::new) or
//! [`Client::remote`](super::Client::remote)); each write in `write.rs`
//! takes one or the other, and reads and syncs ask the same value whether
//! the store is a cache.

/// How writes travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritePath {
    /// A local profile: the store is the backend's own database, so a
    /// write goes straight to the backend and is durable when it returns.
    Direct,
    /// A remote profile: the store is a cache, so a write is committed to
    /// the outbox together with its change to the cached copy, and
    /// [`flush`](super::flush) sends it later.
    Outbox,
}

impl WritePath {
    /// The store is a cache of a server: it is refreshed by syncs and has
    /// an outbox to flush.
    pub fn caches(self) -> bool {
        self == WritePath::Outbox
    }
}
