//! How the client spends a server's request budget (a [`RateLimit`] of
//! `n` requests per sliding window), in two lanes.
//!
//! * Never more than `n` requests in any window: the server's own rule.
//! * **Background** (sync) requests are spaced evenly, `window / (n - r)`
//!   apart, and may fill the window only up to `n - r`: `r` slots (a fifth
//!   of the budget) are always free for what the user opens or saves. None
//!   goes out while an interactive request waits.
//! * **Interactive** requests may burst `r` at once (a person and their
//!   notes), then follow at the even rate `window / n`.
//! * A server's `429 Retry-After` pauses both lanes: the server's word wins.
//!
//! Each request counts from the moment it is sent until it is answered and
//! then from the answer: the server counts it when it arrives, somewhere in
//! between, so our window never closes before the server's does.
//!
//! Pure bookkeeping, no waiting: [`super::HttpClient`] waits.

use super::RateLimit;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Which queue a request waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lane {
    /// What the user opened or saved: first in line.
    #[default]
    Interactive,
    /// Sync and other work nobody waits for.
    Background,
}

/// A reserved place in the window, to be re-stamped when answered.
pub type SlotId = u64;

#[derive(Debug, Default)]
pub struct Budget {
    /// Requests counting against the window: (slot, sent or answered at).
    window: Vec<(SlotId, Instant)>,
    next_slot: SlotId,
    last_background: Option<Instant>,
    /// Interactive burst tokens and when they were last topped up.
    tokens: Option<(f64, Instant)>,
    pub paused_until: Option<Instant>,
    /// Requests waiting for a slot, and whether each is interactive now
    /// (a background GET joined by an interactive one is promoted).
    waiting: HashMap<u64, bool>,
    next_waiter: u64,
}

/// The derived numbers of one limit.
struct Shape {
    n: usize,
    reserve: usize,
    per: Duration,
}

impl Shape {
    fn of(limit: RateLimit) -> Shape {
        let n = limit.requests.max(1) as usize;
        let reserve = if n > 1 { (n / 5).clamp(1, n - 1) } else { 0 };
        Shape {
            n,
            reserve,
            per: limit.per,
        }
    }

    fn background_cap(&self) -> usize {
        self.n - self.reserve
    }

    fn background_gap(&self) -> Duration {
        self.per / self.background_cap() as u32
    }

    fn interactive_gap(&self) -> Duration {
        self.per / self.n as u32
    }

    fn burst(&self) -> f64 {
        self.reserve.max(1) as f64
    }
}

impl Budget {
    /// Take a slot at `now` for a request in `lane`, or say when to ask
    /// again (`None`: when something changes, e.g. an interactive request
    /// stops waiting).
    pub fn reserve(
        &mut self,
        now: Instant,
        limit: Option<RateLimit>,
        lane: Lane,
        waiter: Option<u64>,
    ) -> Result<SlotId, Option<Instant>> {
        if let Some(p) = self.paused_until {
            if p > now {
                return Err(Some(p));
            }
            self.paused_until = None;
        }
        let Some(limit) = limit else {
            return Ok(self.push(now));
        };
        let shape = Shape::of(limit);
        self.window
            .retain(|&(_, t)| now.saturating_duration_since(t) < shape.per);
        let mut times: Vec<Instant> = self.window.iter().map(|&(_, t)| t).collect();
        times.sort();
        // When the window will hold fewer than `cap` requests.
        let below = |cap: usize| -> Option<Instant> {
            (times.len() >= cap).then(|| times[times.len() - cap] + shape.per)
        };
        match lane {
            Lane::Interactive => {
                if let Some(at) = below(shape.n) {
                    return Err(Some(at));
                }
                let (tokens, at) = self.tokens.unwrap_or((shape.burst(), now));
                let gap = shape.interactive_gap().as_secs_f64();
                let elapsed = now.saturating_duration_since(at).as_secs_f64();
                let tokens = (tokens + elapsed / gap).min(shape.burst());
                if tokens < 1.0 {
                    self.tokens = Some((tokens, now));
                    return Err(Some(now + Duration::from_secs_f64((1.0 - tokens) * gap)));
                }
                self.tokens = Some((tokens - 1.0, now));
            }
            Lane::Background => {
                let someone_waits = self
                    .waiting
                    .iter()
                    .any(|(id, &interactive)| interactive && Some(*id) != waiter);
                if someone_waits {
                    return Err(None);
                }
                let by_window = below(shape.background_cap());
                let by_pace = self
                    .last_background
                    .map(|t| t + shape.background_gap())
                    .filter(|&t| t > now);
                if let Some(at) = by_window.into_iter().chain(by_pace).max() {
                    return Err(Some(at));
                }
                self.last_background = Some(now);
            }
        }
        Ok(self.push(now))
    }

    fn push(&mut self, now: Instant) -> SlotId {
        self.next_slot += 1;
        self.window.push((self.next_slot, now));
        self.next_slot
    }

    /// The request in `slot` was answered at `at`: count it from then.
    pub fn answered(&mut self, slot: SlotId, at: Instant) {
        if let Some(entry) = self.window.iter_mut().find(|(id, _)| *id == slot) {
            entry.1 = entry.1.max(at);
        }
    }

    /// The server said 429: nobody sends before `until`.
    pub fn pause(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    pub fn start_waiting(&mut self, interactive: bool) -> u64 {
        self.next_waiter += 1;
        self.waiting.insert(self.next_waiter, interactive);
        self.next_waiter
    }

    pub fn set_waiting(&mut self, waiter: u64, interactive: bool) {
        if let Some(w) = self.waiting.get_mut(&waiter) {
            *w = interactive;
        }
    }

    pub fn stop_waiting(&mut self, waiter: u64) {
        self.waiting.remove(&waiter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn limit(n: u32) -> Option<RateLimit> {
        Some(RateLimit {
            requests: n,
            per: MIN,
        })
    }

    /// Send background requests as fast as the budget lets them; the times.
    fn drain_background(b: &mut Budget, start: Instant, count: usize) -> Vec<Duration> {
        let mut now = start;
        let mut out = Vec::new();
        while out.len() < count {
            match b.reserve(now, limit(20), Lane::Background, None) {
                Ok(_) => out.push(now - start),
                Err(Some(at)) => now = at,
                Err(None) => panic!("nobody waits"),
            }
        }
        out
    }

    #[test]
    fn background_is_spaced_evenly_and_leaves_a_fifth_for_the_user() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        let sent = drain_background(&mut b, t0, 40);
        // 20 a minute less a reserve of 4: one every 3.75 s, never a burst.
        for pair in sent.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(3750), "{sent:?}");
        }
        for (i, &at) in sent.iter().enumerate() {
            let in_window = sent[..=i].iter().filter(|&&t| at - t < MIN).count();
            assert!(in_window <= 16, "at {at:?}: {in_window}");
        }
        // With the window as full as sync may fill it, the user still gets
        // four requests at once.
        let now = t0 + sent[15] + Duration::from_millis(1);
        for _ in 0..4 {
            assert!(b.reserve(now, limit(20), Lane::Interactive, None).is_ok());
        }
        assert!(b.reserve(now, limit(20), Lane::Interactive, None).is_err());
    }

    #[test]
    fn an_interactive_waiter_holds_back_the_background_lane() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        let user = b.start_waiting(true);
        assert_eq!(b.reserve(t0, limit(20), Lane::Background, None), Err(None));
        assert!(
            b.reserve(t0, limit(20), Lane::Interactive, Some(user))
                .is_ok()
        );
        b.stop_waiting(user);
        assert!(b.reserve(t0, limit(20), Lane::Background, None).is_ok());
        // A background waiter promoted to interactive counts as one.
        let joined = b.start_waiting(false);
        b.set_waiting(joined, true);
        assert_eq!(b.reserve(t0, limit(20), Lane::Background, None), Err(None));
    }

    #[test]
    fn never_more_than_n_in_a_window_and_answers_restart_the_clock() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        let mut now = t0;
        let mut sent = Vec::new();
        while sent.len() < 30 {
            match b.reserve(now, limit(20), Lane::Interactive, None) {
                Ok(slot) => {
                    sent.push(now);
                    // Answered 2 s later.
                    b.answered(slot, now + Duration::from_secs(2));
                }
                Err(Some(at)) => now = at,
                Err(None) => unreachable!(),
            }
        }
        for (i, &at) in sent.iter().enumerate() {
            // Count by answer time, as the server may have.
            let in_window = sent[..i]
                .iter()
                .filter(|&&t| at < t + Duration::from_secs(2) + MIN)
                .count();
            assert!(in_window < 20, "request {i}: {in_window} in the window");
        }
        // Four at once, then one every 3 s.
        assert!(sent[3] - sent[0] < Duration::from_millis(1));
        assert!(sent[5] - sent[4] >= Duration::from_secs(3));
    }

    #[test]
    fn a_server_pause_stops_both_lanes() {
        let t0 = Instant::now();
        let mut b = Budget::default();
        b.pause(t0 + Duration::from_secs(30));
        for lane in [Lane::Interactive, Lane::Background] {
            assert_eq!(
                b.reserve(t0, None, lane, None),
                Err(Some(t0 + Duration::from_secs(30)))
            );
        }
        assert!(
            b.reserve(t0 + Duration::from_secs(30), None, Lane::Background, None)
                .is_ok()
        );
    }
}
