//! The people list: all summaries, the active filter, sort order and
//! selection. Filtering narrows incrementally while the user types.

use crate::search::engine::{Corpus, MatchEngine, MatchJob, Snapshot};
use crate::search::{Query, Searcher};
use crate::store::PersonSummary;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    FamilyName,
    GivenName,
    Company,
    RecentlyUpdated,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::FamilyName => SortKey::GivenName,
            SortKey::GivenName => SortKey::Company,
            SortKey::Company => SortKey::RecentlyUpdated,
            SortKey::RecentlyUpdated => SortKey::FamilyName,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::FamilyName => "family name",
            SortKey::GivenName => "given name",
            SortKey::Company => "company",
            SortKey::RecentlyUpdated => "recently updated",
        }
    }

    /// Bytes that sort like [`SortKey::compare`], built once per person
    /// (lowercasing inside a comparator would do it n·log n times). Parts
    /// are joined with 0x01, below every character a name can start with.
    fn key(self, p: &PersonSummary) -> Vec<u8> {
        let mut k = Vec::with_capacity(64);
        let push = |k: &mut Vec<u8>, s: &str| {
            k.extend_from_slice(s.to_lowercase().as_bytes());
            k.push(1);
        };
        match self {
            SortKey::FamilyName => {
                push(&mut k, &p.family_name);
                push(&mut k, &p.given_name);
            }
            SortKey::GivenName => {
                push(&mut k, &p.given_name);
                push(&mut k, &p.family_name);
            }
            SortKey::Company => {
                // People without a company go last.
                k.push(if p.company.is_empty() { 2 } else { 1 });
                push(&mut k, &p.company);
                push(&mut k, &p.family_name);
                push(&mut k, &p.given_name);
            }
            SortKey::RecentlyUpdated => {
                // Newest first: invert the (ASCII) timestamp's bytes.
                k.extend(p.updated_at.bytes().map(|b| 0xFF - b));
                k.push(0xFF);
                push(&mut k, &p.family_name);
                push(&mut k, &p.given_name);
            }
        }
        k.extend_from_slice(p.id.as_bytes());
        k
    }

    /// Sort `people` in this order. Compares a 16-byte prefix held inline
    /// first, so 100,000 people sort without chasing a pointer per compare.
    fn sort(self, people: Vec<PersonSummary>) -> Vec<PersonSummary> {
        let keys: Vec<Vec<u8>> = people.iter().map(|p| self.key(p)).collect();
        let prefix = |k: &[u8]| {
            let mut b = [0u8; 16];
            let n = k.len().min(16);
            b[..n].copy_from_slice(&k[..n]);
            u128::from_be_bytes(b)
        };
        let mut order: Vec<(u128, u32)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (prefix(k), i as u32))
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| keys[a.1 as usize].cmp(&keys[b.1 as usize]))
        });
        drop(keys);
        let order: Vec<u32> = order.into_iter().map(|(_, i)| i).collect();
        permute(people, order)
    }

    #[cfg(test)]
    fn compare(self, a: &PersonSummary, b: &PersonSummary) -> std::cmp::Ordering {
        let by_name = |x: &PersonSummary, y: &PersonSummary| {
            x.family_name
                .to_lowercase()
                .cmp(&y.family_name.to_lowercase())
                .then_with(|| {
                    x.given_name
                        .to_lowercase()
                        .cmp(&y.given_name.to_lowercase())
                })
        };
        match self {
            SortKey::FamilyName => by_name(a, b),
            SortKey::GivenName => a
                .given_name
                .to_lowercase()
                .cmp(&b.given_name.to_lowercase())
                .then_with(|| by_name(a, b)),
            // People without a company go last.
            SortKey::Company => (a.company.is_empty(), a.company.to_lowercase())
                .cmp(&(b.company.is_empty(), b.company.to_lowercase()))
                .then_with(|| by_name(a, b)),
            SortKey::RecentlyUpdated => b.updated_at.cmp(&a.updated_at).then_with(|| by_name(a, b)),
        }
        .then_with(|| a.id.cmp(&b.id))
    }
}

/// `people` reordered so that position `k` holds the person that was at
/// `order[k]`, in place: following each cycle of the permutation moves
/// every person once, without a second list of a million people.
fn permute(mut people: Vec<PersonSummary>, mut order: Vec<u32>) -> Vec<PersonSummary> {
    for start in 0..order.len() {
        if order[start] as usize == start {
            continue;
        }
        // Walk the cycle through `start`: each slot takes its source's
        // person; a slot is marked done by pointing at itself.
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start {
                break;
            }
            people.swap(at, from);
            at = from;
        }
    }
    people
}

/// The list model. `all` is in sort order; `visible` indexes into it.
///
/// Matching runs off the update path: [`PeopleView::type_query`] records
/// the query and queues a [`MatchJob`] ([`PeopleView::take_job`]); the
/// matcher thread answers with [`Snapshot`]s that [`PeopleView::apply`]
/// draws, newest first and never an older one over a newer one. `all` and
/// `visible` always come from the same snapshot, so an index never points
/// into a list it was not made for.
#[derive(Debug, Default)]
pub struct PeopleView {
    /// The people `visible` indexes into (the drawn snapshot's).
    pub all: Arc<Vec<PersonSummary>>,
    /// The newest people loaded, which new jobs run over.
    latest: Corpus,
    /// What the user typed.
    pub query: Query,
    /// The query `visible` is the answer to.
    pub shown_query: Query,
    pub visible: Arc<[u32]>,
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row of the list viewport.
    pub offset: usize,
    pub sort: SortKey,
    pub loaded: bool,
    /// The newest job asked for, and the one `visible` answers.
    requested: u64,
    applied: u64,
    applied_complete: bool,
    /// A job for `update` to hand to the matcher.
    job: Option<MatchJob>,
    /// The person to keep selected once the running match lands.
    anchor: Option<String>,
    generations: u64,
    /// Runs jobs in place for [`PeopleView::set_query`].
    engine: MatchEngine,
}

impl PeopleView {
    /// Replace everyone (initial load or reload), keeping the selection on
    /// the same person where possible.
    pub fn set_people(&mut self, people: Vec<PersonSummary>) {
        let keep = self
            .anchor
            .take()
            .or_else(|| self.selected_id().map(str::to_string));
        let people = self.sort.sort(people);
        self.generations += 1;
        self.latest = Corpus::new(self.generations, people);
        self.loaded = true;
        self.rematch(keep);
    }

    /// Insert or replace one person (after a save), and select them.
    pub fn upsert(&mut self, person: PersonSummary) {
        let id = person.id.clone();
        let mut people: Vec<PersonSummary> = self
            .latest
            .people
            .iter()
            .filter(|p| p.id != id)
            .cloned()
            .collect();
        people.push(person);
        self.anchor = Some(id.into());
        self.set_people(people);
    }

    pub fn remove(&mut self, id: &str) {
        let at = self.selected;
        let people: Vec<PersonSummary> = self
            .latest
            .people
            .iter()
            .filter(|p| p.id != id)
            .cloned()
            .collect();
        self.set_people(people);
        self.selected = at.min(self.visible.len().saturating_sub(1));
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        let people = self.latest.people.to_vec();
        self.set_people(people);
    }

    /// Everyone loaded, filtered or not.
    pub fn total(&self) -> usize {
        self.latest.len()
    }

    /// The person on row `row` of the filtered list.
    pub fn visible_person(&self, row: usize) -> Option<&PersonSummary> {
        self.visible.get(row).map(|&i| &self.all[i as usize])
    }

    pub fn selected_person(&self) -> Option<&PersonSummary> {
        self.visible_person(self.selected)
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selected_person().map(|p| p.id.as_str())
    }

    /// Select the person with `id`, if they are in the filtered list.
    pub fn select_id(&mut self, id: Option<&str>) {
        if let Some(id) = id
            && let Some(pos) = self
                .visible
                .iter()
                .position(|&i| self.all[i as usize].id == id)
        {
            self.selected = pos;
            return;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// Record a new search text. An empty query shows everyone at once;
    /// any other queues a job for the matcher ([`PeopleView::take_job`]).
    pub fn type_query(&mut self, text: &str) {
        if text == self.query.text && self.job.is_none() {
            return;
        }
        let keep = self
            .anchor
            .take()
            .or_else(|| self.selected_id().map(str::to_string));
        self.query = Query::parse(text);
        self.rematch(keep);
    }

    /// Apply a new search text and match it here and now (for callers
    /// outside the event loop: the CLI, tests, benchmarks).
    pub fn set_query(&mut self, text: &str) {
        self.type_query(text);
        if let Some(job) = self.take_job() {
            let snapshot = self.engine.run_now(&job);
            self.apply(snapshot);
        }
    }

    /// Forget the results [`PeopleView::set_query`] remembered, so the
    /// next query is matched, not recalled (benchmarks time a keystroke).
    pub fn forget_matches(&mut self) {
        self.engine = MatchEngine::default();
    }

    /// The job `update` should hand to the matcher, once.
    pub fn take_job(&mut self) -> Option<MatchJob> {
        self.job.take()
    }

    /// Whether the list shows an older answer or results found so far.
    pub fn matching(&self) -> bool {
        self.applied < self.requested || !self.applied_complete
    }

    /// Draw `snapshot` unless something newer is drawn already. The
    /// selection stays on the same person when they are in the results.
    /// Returns whether the list changed.
    pub fn apply(&mut self, snapshot: Snapshot) -> bool {
        let older = snapshot.request < self.applied
            || (snapshot.request == self.applied && self.applied_complete);
        if older || snapshot.request > self.requested {
            return false;
        }
        let keep = self
            .anchor
            .clone()
            .or_else(|| self.selected_id().map(str::to_string));
        self.all = snapshot.corpus.people;
        self.visible = snapshot.indices;
        self.shown_query = snapshot.query;
        self.applied = snapshot.request;
        self.applied_complete = snapshot.complete;
        if snapshot.complete {
            self.anchor = None;
        }
        self.place_selection(keep.as_deref());
        true
    }

    /// A new job for the current query over the newest people; with no
    /// query, everyone is shown without one.
    fn rematch(&mut self, keep: Option<String>) {
        self.requested += 1;
        if self.query.is_empty() {
            self.job = None;
            let n = u32::try_from(self.latest.len()).unwrap_or(u32::MAX);
            self.apply(Snapshot {
                request: self.requested,
                corpus: self.latest.clone(),
                query: self.query.clone(),
                indices: (0..n).collect(),
                complete: true,
            });
            self.select_id(keep.as_deref());
            return;
        }
        self.anchor = keep;
        self.job = Some(MatchJob {
            request: self.requested,
            corpus: self.latest.clone(),
            query: self.query.clone(),
        });
    }

    /// Keep the selection on `id` if shown; else the best match.
    fn place_selection(&mut self, id: Option<&str>) {
        let found = id.and_then(|id| {
            self.visible
                .iter()
                .position(|&i| self.all[i as usize].id == id)
        });
        match found {
            Some(pos) => self.selected = pos,
            None => {
                self.selected = 0;
                self.offset = 0;
            }
        }
    }

    pub fn move_by(&mut self, delta: isize, viewport: usize) {
        self.anchor = None;
        if self.visible.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.visible.len() - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last as isize) as usize;
        self.scroll_to_selection(viewport);
    }

    pub fn go_to(&mut self, index: usize, viewport: usize) {
        self.anchor = None;
        self.selected = index.min(self.visible.len().saturating_sub(1));
        self.scroll_to_selection(viewport);
    }

    /// Keep the selection inside a viewport of `rows` rows.
    pub fn scroll_to_selection(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        let max_offset = self.visible.len().saturating_sub(rows);
        self.offset = self.offset.min(max_offset);
    }

    /// Char positions to highlight in `text` for the query the shown
    /// results answer. `searcher` is the caller's scratch matcher
    /// (rendering borrows the view immutably, so it cannot use the view's).
    pub fn highlights(&self, searcher: &mut Searcher, text: &str) -> Vec<usize> {
        searcher.highlight(text, &self.shown_query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, given: &str, family: &str, company: &str, updated: &str) -> PersonSummary {
        PersonSummary {
            id: id.into(),
            display_name: format!("{given} {family}").into(),
            given_name: given.into(),
            family_name: family.into(),
            company: company.into(),
            updated_at: updated.into(),
            ..Default::default()
        }
    }

    fn view() -> PeopleView {
        let mut v = PeopleView::default();
        v.set_people(vec![
            summary("1", "Zed", "Adams", "", "2024-03-01"),
            summary("2", "Amy", "Brown", "Globex", "2025-01-01"),
            summary("3", "Bob", "Carter", "Acme", "2023-01-01"),
        ]);
        v
    }

    fn order(v: &PeopleView) -> Vec<&str> {
        v.visible
            .iter()
            .map(|&i| v.all[i as usize].id.as_str())
            .collect()
    }

    #[test]
    fn cached_sort_keys_order_like_the_comparator() {
        let people = vec![
            summary("1", "Zed", "adams", "", "2024-03-01"),
            summary("2", "amy", "Brown", "Globex", "2025-01-01"),
            summary("3", "Bob", "Carter", "acme", "2023-01-01"),
            summary("4", "Bob", "carter", "Acme", "2025-01-01"),
            summary("5", "Ann", "", "", "2025-01-01"),
        ];
        for sort in [
            SortKey::FamilyName,
            SortKey::GivenName,
            SortKey::Company,
            SortKey::RecentlyUpdated,
        ] {
            let mut by_cmp = people.clone();
            by_cmp.sort_by(|a, b| sort.compare(a, b));
            let by_key = sort.sort(people.clone());
            let ids = |v: &[PersonSummary]| v.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&by_key), ids(&by_cmp), "{sort:?}");
        }
    }

    #[test]
    fn sorts_cycle_through_the_four_orders() {
        let mut v = view();
        assert_eq!(order(&v), ["1", "2", "3"]);
        v.cycle_sort();
        assert_eq!(v.sort, SortKey::GivenName);
        assert_eq!(order(&v), ["2", "3", "1"]);
        v.cycle_sort();
        assert_eq!(order(&v), ["3", "2", "1"]);
        v.cycle_sort();
        assert_eq!(order(&v), ["2", "1", "3"]);
    }

    #[test]
    fn typing_narrows_and_clearing_restores() {
        let mut v = view();
        v.set_query("a");
        let wide = v.visible.len();
        v.set_query("ac");
        assert_eq!(order(&v), ["3"]);
        assert!(v.visible.len() <= wide);
        v.set_query("");
        assert_eq!(v.visible.len(), 3);
    }

    #[test]
    fn selection_scrolls_within_the_viewport_and_survives_reload() {
        let mut v = view();
        v.move_by(2, 2);
        assert_eq!((v.selected, v.offset), (2, 1));
        v.move_by(-5, 2);
        assert_eq!((v.selected, v.offset), (0, 0));
        v.go_to(1, 2);
        let people = v.all.to_vec();
        v.set_people(people);
        assert_eq!(v.selected_id(), Some("2"));
    }

    #[test]
    fn upsert_and_remove_keep_the_list_sorted() {
        let mut v = view();
        v.upsert(summary("4", "Cy", "Aaron", "", "2026-01-01"));
        assert_eq!(order(&v), ["4", "1", "2", "3"]);
        assert_eq!(v.selected_id(), Some("4"));
        v.remove("4");
        assert_eq!(order(&v), ["1", "2", "3"]);
    }

    fn answer(job: &MatchJob) -> Snapshot {
        MatchEngine::default().run_now(job)
    }

    #[test]
    fn typing_queues_a_job_and_the_list_waits_for_its_answer() {
        let mut v = view();
        v.type_query("ac");
        assert_eq!(v.visible.len(), 3, "nothing matched on the update path");
        assert!(v.matching());
        let job = v.take_job().expect("a job for the matcher");
        assert!(v.take_job().is_none(), "handed out once");
        assert!(v.apply(answer(&job)));
        assert_eq!(order(&v), ["3"]);
        assert!(!v.matching());
        // Clearing needs no matcher.
        v.type_query("");
        assert!(v.take_job().is_none());
        assert_eq!(v.visible.len(), 3);
    }

    #[test]
    fn an_older_answer_is_never_drawn_over_a_newer_one() {
        let mut v = view();
        v.type_query("a");
        let first = v.take_job().unwrap();
        v.type_query("ac");
        let second = v.take_job().unwrap();
        assert!(v.apply(answer(&second)));
        assert!(!v.apply(answer(&first)), "stale");
        assert_eq!(order(&v), ["3"]);
        // An older answer arriving first is drawn (it is the newest there
        // is) and marked as still matching.
        v.type_query("b");
        let b = v.take_job().unwrap();
        v.type_query("bro");
        let br = v.take_job().unwrap();
        assert!(v.apply(answer(&b)));
        assert!(v.matching());
        assert!(v.apply(answer(&br)));
        assert!(!v.matching());
        assert_eq!(order(&v), ["2"]);
        // Results found so far, then the whole answer; a partial after the
        // whole answer is stale.
        v.type_query("o");
        let o = v.take_job().unwrap();
        let whole = answer(&o);
        let partial = Snapshot {
            complete: false,
            indices: whole.indices[..1].into(),
            ..whole.clone()
        };
        assert!(v.apply(partial.clone()));
        assert!(v.matching());
        assert!(v.apply(whole));
        assert!(!v.apply(partial));
        assert!(!v.matching());
    }

    #[test]
    fn the_selection_stays_on_the_same_person_while_they_match() {
        let mut v = view();
        v.go_to(2, 10); // Bob Carter, Acme
        assert_eq!(v.selected_id(), Some("3"));
        v.set_query("a");
        assert!(v.visible.len() > 1 && v.visible[0] != 2);
        assert_eq!(v.selected_id(), Some("3"));
        // A partial answer without them moves to the top, the whole
        // answer brings the selection back.
        v.type_query("ar");
        let job = v.take_job().unwrap();
        let whole = answer(&job);
        let without: Vec<u32> = whole.indices.iter().copied().filter(|&i| i != 2).collect();
        v.apply(Snapshot {
            complete: false,
            indices: without.into(),
            ..whole.clone()
        });
        assert_ne!(v.selected_id(), Some("3"));
        v.apply(whole);
        assert_eq!(v.selected_id(), Some("3"));
        // No longer matching: the best match is selected.
        v.set_query("brown");
        assert_eq!(v.selected_id(), Some("2"));
    }

    #[test]
    fn a_reload_under_a_filter_rematches_and_keeps_the_saved_person() {
        let mut v = view();
        v.set_query("a");
        v.upsert(summary("4", "Cy", "Aaron", "Acme", "2026-01-01"));
        let job = v.take_job().expect("reloaded people are matched again");
        assert_eq!(job.corpus.len(), 4);
        assert_eq!(v.all.len(), 3, "the old answer stays until the new one");
        v.apply(answer(&job));
        assert_eq!(v.selected_id(), Some("4"));
        assert_eq!(v.total(), 4);
    }
}
