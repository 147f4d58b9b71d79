//! The matcher thread: takes the newest [`MatchJob`], runs it, and hands
//! snapshots to `deliver`. Latest query wins: a job submitted while
//! another runs replaces any job still waiting and cancels the running one
//! at its next block, so typing never queues stale work.

use super::engine::{MatchEngine, MatchJob, Snapshot};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

struct Shared {
    next: Mutex<Option<MatchJob>>,
    wake: Condvar,
    /// The request of the newest job submitted.
    latest: AtomicU64,
    stop: AtomicBool,
}

pub struct MatchWorker {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl MatchWorker {
    /// Start the thread; `deliver` is called on it with every snapshot.
    pub fn spawn(deliver: impl Fn(Snapshot) + Send + 'static) -> std::io::Result<MatchWorker> {
        let shared = Arc::new(Shared {
            next: Mutex::new(None),
            wake: Condvar::new(),
            latest: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let inner = shared.clone();
        let thread = std::thread::Builder::new()
            .name("rolo-match".into())
            .spawn(move || work(&inner, &deliver))?;
        Ok(MatchWorker {
            shared,
            thread: Some(thread),
        })
    }

    pub fn submit(&self, job: MatchJob) {
        self.shared.latest.store(job.request, Ordering::SeqCst);
        *self.shared.next.lock().unwrap_or_else(|e| e.into_inner()) = Some(job);
        self.shared.wake.notify_one();
    }
}

fn work(shared: &Shared, deliver: &dyn Fn(Snapshot)) {
    let mut engine = MatchEngine::default();
    loop {
        let job = {
            let mut next = shared.next.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if shared.stop.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(job) = next.take() {
                    break job;
                }
                next = shared.wake.wait(next).unwrap_or_else(|e| e.into_inner());
            }
        };
        let cancelled = || {
            shared.stop.load(Ordering::SeqCst)
                || shared.latest.load(Ordering::SeqCst) != job.request
        };
        if let Some(done) = engine.run(&job, &cancelled, &mut |partial| deliver(partial)) {
            deliver(done);
        }
    }
}

impl Drop for MatchWorker {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
