//! What the three fakes share beneath their documents' differences:
//! serving a router on 127.0.0.1 for as long as the fake lives, state
//! behind a lock, the in-memory records looked up by their `id`, an
//! offset window for paging, and the credential a request carries.
//!
//! Each fake keeps what its document decides: routes, record shapes,
//! error bodies and which credential it accepts. The core only does the
//! parts that are the same on every server, so a fix to one (a poisoned
//! lock, a listener left running) is a fix to all three.

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::AsHeaderName;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::task::JoinHandle;

/// A router served on an ephemeral port of 127.0.0.1 until this is dropped.
pub struct Served {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub base_url: String,
    task: JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serve `app` on the test's runtime; `name` says which fake failed to bind.
pub async fn serve(name: &str, app: Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind {name}: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{name}'s address: {e}"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Served {
        base_url: format!("http://{addr}"),
        task,
    }
}

/// State the handlers and the test share. A handler that panics (a failed
/// assertion inside a fake) must not poison the lock and turn every later
/// request of the test into a second, misleading panic.
#[derive(Debug, Default)]
pub struct Shared<T>(Arc<Mutex<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(Mutex::new(value)))
    }

    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Records held as JSON objects in insertion order, found by their `"id"`
/// (people, companies, notes: what the fakes keep in a `Vec<Value>`).
pub trait Records {
    fn by_id(&self, id: &str) -> Option<&Value>;
    fn by_id_mut(&mut self, id: &str) -> Option<&mut Value>;
    fn index_of(&self, id: &str) -> Option<usize>;
    fn has_id(&self, id: &str) -> bool {
        self.index_of(id).is_some()
    }
}

impl Records for [Value] {
    fn by_id(&self, id: &str) -> Option<&Value> {
        self.iter().find(|r| r["id"] == id)
    }

    fn by_id_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.iter_mut().find(|r| r["id"] == id)
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.iter().position(|r| r["id"] == id)
    }
}

/// One page of a listing: the `limit` items from `offset` on, and how many
/// there are in all.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
    /// Items remain after this page.
    pub more: bool,
}

/// The window `offset..offset + limit` of `items` (page `n` of `per` is
/// offset `(n - 1) * per`); items outside it are counted, not kept, so a
/// page of 10,000 people clones only what it sends.
pub fn page<T>(items: impl IntoIterator<Item = T>, offset: usize, limit: usize) -> Page<T> {
    let mut total = 0;
    let mut kept = Vec::with_capacity(limit.min(1024));
    for item in items {
        if total >= offset && total - offset < limit {
            kept.push(item);
        }
        total += 1;
    }
    Page {
        items: kept,
        total,
        more: offset.saturating_add(limit) < total,
    }
}

/// The text of header `name`, if the request carries it as visible ASCII.
/// `None` is "no credential"; what a wrong one gets is each document's word.
pub fn header_text(headers: &HeaderMap, name: impl AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
