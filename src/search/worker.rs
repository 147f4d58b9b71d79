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

/// Stopping ends a run at its next block and joins the thread.
impl Drop for MatchWorker {
    fn drop(&mut self) {
        // Under the lock: the thread checks `stop` and starts waiting while
        // holding it, so the wake-up cannot fall between the two.
        {
            let _held = self.shared.next.lock().unwrap_or_else(|e| e.into_inner());
            self.shared.stop.store(true, Ordering::SeqCst);
        }
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;
    use crate::search::engine::Corpus;
    use crate::store::PersonSummary;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn the_newest_job_is_answered_and_dropping_stops_the_thread() {
        let people = (0..50)
            .map(|i| PersonSummary {
                id: format!("p{i}").into(),
                display_name: if i % 2 == 0 { "Ann" } else { "Bob" }.into(),
                ..Default::default()
            })
            .collect();
        let corpus = Corpus::new(1, people);
        for _ in 0..50 {
            let (tx, rx) = mpsc::channel();
            let worker = MatchWorker::spawn(move |s| {
                let _ = tx.send(s);
            })
            .unwrap();
            for (request, text) in [(1, "a"), (2, "an"), (3, "bo")] {
                worker.submit(MatchJob {
                    request,
                    corpus: corpus.clone(),
                    query: Query::parse(text),
                });
            }
            let last = loop {
                let s = rx.recv_timeout(Duration::from_secs(10)).unwrap();
                if s.request == 3 && s.complete {
                    break s;
                }
            };
            assert_eq!(last.indices.len(), 25);
            // Dropped while idle: must not hang (a lost wake-up would).
            drop(worker);
        }
    }
}
