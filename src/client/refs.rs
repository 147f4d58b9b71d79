//! Reference data between the adapter and the cache.
//!
//! Adapters whose records link to other resources by id (RogerRoger) keep a
//! directory of what the links name; the store keeps a copy (`refs` table)
//! so names show offline and a restart costs no requests. The client hands
//! the cached copy to the adapter when it is built ([`restore`]), saves what
//! the adapter learnt after every read from the server, and offers the
//! names for look-ups before a write is queued ([`Client::reference_names`];
//! the checks themselves run in `save_person` / `save_note` through
//! `Backend::check_references`).

use super::Client;
use crate::backend::Backend;
use crate::model::RefKind;
use crate::store::Store;
use std::sync::Mutex;

/// Give the adapter what the cache knows. A cache that cannot be read only
/// costs requests later, so it is logged, not fatal.
pub(super) fn restore(backend: &dyn Backend, store: &Mutex<Store>) {
    let refs = match store.lock() {
        Ok(s) => s.references(None),
        Err(_) => return,
    };
    match refs {
        Ok(refs) if !refs.is_empty() => backend.restore_references(refs),
        Ok(_) => {}
        Err(e) => tracing::warn!("could not read cached reference data: {e}"),
    }
}

impl Client {
    /// Keep what the adapter learnt from the server in the cache.
    pub(crate) async fn save_references(&self) {
        let fresh = self.backend.take_references();
        if fresh.is_empty() {
            return;
        }
        if let Err(e) = self.with_store(move |s| s.save_references(&fresh)).await {
            tracing::warn!("could not cache reference data: {e}");
        }
    }

    /// The names users can choose from for `kind` (note categories for the
    /// note form, tags, organisations), as the cache knows them; no network.
    /// Empty for backends whose records carry names.
    pub fn reference_names(&self, kind: RefKind) -> Vec<String> {
        self.backend.reference_names(kind)
    }
}
