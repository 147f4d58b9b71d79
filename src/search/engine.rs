//! One match run: a query over a snapshot of the people, scored in blocks
//! so a newer query can cancel it between blocks and the screen can show
//! what was found so far. Recent results are kept: a query that only grows
//! re-scores just the previous matches, and a query seen a moment ago (the
//! user pressed Backspace) is answered from memory.

use super::{Compiled, Haystacks, Query, Searcher, key_index};
use crate::store::PersonSummary;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The people a match runs over, in list order, with their haystacks.
/// Cheap to clone; `generation` tells one load from the next.
#[derive(Clone, Default)]
pub struct Corpus {
    pub generation: u64,
    /// An `Arc<Vec>`, not `Arc<[T]>`: making the latter from the loaded
    /// `Vec` would copy a million summaries while both exist.
    pub people: Arc<Vec<PersonSummary>>,
    pub haystacks: Arc<Haystacks>,
}

impl Corpus {
    pub fn new(generation: u64, people: Vec<PersonSummary>) -> Corpus {
        Corpus {
            generation,
            haystacks: Arc::new(Haystacks::build(&people)),
            people: Arc::new(people),
        }
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}

// Two corpora are the same load; comparing a million people buys nothing.
impl PartialEq for Corpus {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation && Arc::ptr_eq(&self.people, &other.people)
    }
}

impl std::fmt::Debug for Corpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Corpus#{}({} people)", self.generation, self.len())
    }
}

/// What `update` asks for: `query` over `corpus`. `request` grows with
/// every job, so the newest answer is the one with the highest.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchJob {
    pub request: u64,
    pub corpus: Corpus,
    pub query: Query,
}

/// Ranked matches (indices into `corpus.people`, best first) for the job
/// `request`; `complete` is false for results found so far.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub request: u64,
    pub corpus: Corpus,
    pub query: Query,
    pub indices: Arc<[u32]>,
    pub complete: bool,
}

/// People scored between two looks at "has a newer query come?".
const BLOCK: usize = 32_768;
/// Results found so far are shown once a run takes this long...
const FIRST_PARTIAL: Duration = Duration::from_millis(25);
/// ...and again at most this often.
const PARTIAL_EVERY: Duration = Duration::from_millis(60);
/// How many of the best matches so far a partial snapshot shows: more
/// than a screenful, found in linear time instead of sorting them all.
const PARTIAL_ROWS: usize = 1_000;
/// How many recent results are kept, and how many indices in all.
const RECENT: usize = 12;
const RECENT_INDICES: usize = 8_000_000;

struct Recent {
    generation: u64,
    query: Query,
    indices: Arc<[u32]>,
}

/// Runs match jobs, keeping recent results for reuse.
pub struct MatchEngine {
    searcher: Searcher,
    recent: VecDeque<Recent>,
    /// How many people the last run scored (what narrowing saves).
    scored: usize,
    first_partial: Duration,
}

impl Default for MatchEngine {
    fn default() -> Self {
        MatchEngine {
            searcher: Searcher::default(),
            recent: VecDeque::new(),
            scored: 0,
            first_partial: FIRST_PARTIAL,
        }
    }
}

impl std::fmt::Debug for MatchEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MatchEngine({} recent)", self.recent.len())
    }
}

impl MatchEngine {
    /// Run `job` to the end, without partial results.
    pub fn run_now(&mut self, job: &MatchJob) -> Snapshot {
        self.run(job, &|| false, &mut |_| {})
            .expect("a run that is never cancelled completes")
    }

    /// Run `job`; `cancelled` is asked between blocks (a newer query came:
    /// the run ends with `None`), `partial` gets results found so far when
    /// a run is slow.
    pub fn run(
        &mut self,
        job: &MatchJob,
        cancelled: &dyn Fn() -> bool,
        partial: &mut dyn FnMut(Snapshot),
    ) -> Option<Snapshot> {
        let started = Instant::now();
        let snapshot = |indices: Arc<[u32]>, complete: bool| Snapshot {
            request: job.request,
            corpus: job.corpus.clone(),
            query: job.query.clone(),
            indices,
            complete,
        };
        self.scored = 0;
        if let Some(hit) = self.recall(job) {
            return Some(snapshot(hit, true));
        }
        let base = self.narrowest_base(job);
        let candidates: Option<&[u32]> = base.as_deref();
        let total = candidates.map_or(job.corpus.len(), <[u32]>::len);
        let compiled = Compiled::new(&job.query);
        let mut keys = Vec::new();
        let mut block = Vec::with_capacity(BLOCK.min(total));
        let mut last_partial: Option<Instant> = None;
        for start in (0..total).step_by(BLOCK) {
            if cancelled() {
                return None;
            }
            let end = (start + BLOCK).min(total);
            let slice = match candidates {
                Some(c) => &c[start..end],
                None => {
                    block.clear();
                    block.extend(start as u32..end as u32);
                    &block[..]
                }
            };
            self.scored += slice.len();
            keys.extend(self.searcher.score(
                &job.corpus.people,
                &job.corpus.haystacks,
                slice,
                &compiled,
            ));
            let due = match last_partial {
                None => started.elapsed() >= self.first_partial,
                Some(at) => at.elapsed() >= PARTIAL_EVERY,
            };
            if due && end < total {
                partial(snapshot(best_so_far(&keys), false));
                last_partial = Some(Instant::now());
            }
        }
        if cancelled() {
            return None;
        }
        keys.sort_unstable();
        let indices: Arc<[u32]> = keys.into_iter().map(key_index).collect();
        self.remember(job, indices.clone());
        Some(snapshot(indices, true))
    }

    /// The result of this very query over this corpus, if recent.
    fn recall(&self, job: &MatchJob) -> Option<Arc<[u32]>> {
        self.recent
            .iter()
            .find(|r| r.generation == job.corpus.generation && r.query.text == job.query.text)
            .map(|r| r.indices.clone())
    }

    /// The fewest candidates a recent result narrows the job to, in list
    /// order (so ties keep it).
    fn narrowest_base(&self, job: &MatchJob) -> Option<Vec<u32>> {
        let base = self
            .recent
            .iter()
            .filter(|r| r.generation == job.corpus.generation && job.query.narrows(&r.query))
            .min_by_key(|r| r.indices.len())?;
        let mut candidates = base.indices.to_vec();
        candidates.sort_unstable();
        Some(candidates)
    }

    fn remember(&mut self, job: &MatchJob, indices: Arc<[u32]>) {
        self.recent
            .retain(|r| r.generation == job.corpus.generation && r.query.text != job.query.text);
        self.recent.push_front(Recent {
            generation: job.corpus.generation,
            query: job.query.clone(),
            indices,
        });
        let mut held = 0;
        let mut keep = 0;
        for r in &self.recent {
            held += r.indices.len();
            if keep > 0 && (keep >= RECENT || held > RECENT_INDICES) {
                break;
            }
            keep += 1;
        }
        self.recent.truncate(keep);
    }

    /// How many people the last run scored: all of them, the previous
    /// matches when the query grew, none when it was recalled.
    pub fn last_scored(&self) -> usize {
        self.scored
    }

    /// Show results found so far after `after` (tests use zero).
    pub fn with_first_partial(mut self, after: Duration) -> MatchEngine {
        self.first_partial = after;
        self
    }
}

/// The best [`PARTIAL_ROWS`] of the matches found so far, best first.
fn best_so_far(keys: &[u64]) -> Arc<[u32]> {
    let mut best = keys.to_vec();
    if best.len() > PARTIAL_ROWS {
        best.select_nth_unstable(PARTIAL_ROWS);
        best.truncate(PARTIAL_ROWS);
    }
    best.sort_unstable();
    best.into_iter().map(key_index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(n: usize) -> Corpus {
        let people = (0..n)
            .map(|i| PersonSummary {
                id: format!("p{i}").into(),
                display_name: match i % 3 {
                    0 => format!("Maria Lopez {i}").into(),
                    1 => format!("Mark Jones {i}").into(),
                    _ => format!("Otto Brand {i}").into(),
                },
                ..Default::default()
            })
            .collect();
        Corpus::new(1, people)
    }

    fn job(request: u64, corpus: &Corpus, text: &str) -> MatchJob {
        MatchJob {
            request,
            corpus: corpus.clone(),
            query: Query::parse(text),
        }
    }

    #[test]
    fn growing_rescores_only_previous_matches_and_shrinking_recalls() {
        let c = corpus(300);
        let mut engine = MatchEngine::default();
        let ma = engine.run_now(&job(1, &c, "ma"));
        assert_eq!(engine.last_scored(), 300);
        assert_eq!(ma.indices.len(), 200, "Maria and Mark");
        let mar = engine.run_now(&job(2, &c, "mar"));
        assert_eq!(engine.last_scored(), 200, "only the matches of `ma`");
        let mari = engine.run_now(&job(3, &c, "mari"));
        assert_eq!(engine.last_scored(), mar.indices.len());
        assert_eq!(mari.indices.len(), 100);
        // Backspace: `mar` again is answered from memory.
        let again = engine.run_now(&job(4, &c, "mar"));
        assert_eq!(engine.last_scored(), 0);
        assert_eq!(again.indices, mar.indices);
        assert_eq!(again.request, 4);
        // The same results as a fresh engine gives.
        let fresh = MatchEngine::default().run_now(&job(5, &c, "mari"));
        assert_eq!(fresh.indices, mari.indices);
        // Another load is another corpus: nothing is reused across loads.
        let reloaded = Corpus::new(2, c.people.to_vec());
        engine.run_now(&job(6, &reloaded, "mar"));
        assert_eq!(engine.last_scored(), 300);
    }

    #[test]
    fn a_newer_query_cancels_the_run() {
        let c = corpus(100);
        let mut engine = MatchEngine::default();
        assert!(
            engine
                .run(&job(1, &c, "ma"), &|| true, &mut |_| {})
                .is_none()
        );
        // A cancelled run is not remembered as if complete.
        engine.run_now(&job(2, &c, "ma"));
        assert_eq!(engine.last_scored(), 100);
    }

    #[test]
    fn slow_runs_show_results_found_so_far_then_the_whole_answer() {
        let c = corpus(BLOCK * 2 + 10);
        let mut engine = MatchEngine::default().with_first_partial(Duration::ZERO);
        let mut partials = Vec::new();
        let done = engine
            .run(&job(7, &c, "otto"), &|| false, &mut |s| partials.push(s))
            .unwrap();
        assert!(!partials.is_empty());
        for p in &partials {
            assert!(!p.complete);
            assert_eq!(p.request, 7);
            assert!(p.indices.len() < done.indices.len());
            assert_eq!(
                p.indices.len(),
                PARTIAL_ROWS,
                "a screenful and more, not all"
            );
            assert!(p.indices.iter().all(|i| done.indices.contains(i)));
        }
        assert!(done.complete);
        assert_eq!(done.indices.len(), c.len() / 3);
    }
}
