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

    /// Sort `people` in this order, names by the Unicode Collation
    /// Algorithm (CLDR root, through `feruca`): Émile before Ernie before
    /// Zimmermann, whatever the bytes say. Collating is slow per compare,
    /// so each distinct name is collated once ([`Ranks`]: a million people
    /// share a few thousand family names) and people sort by their names'
    /// ranks, four integers compared inline, ties by id.
    fn sort(self, people: Vec<PersonSummary>) -> Vec<PersonSummary> {
        let key: Vec<[u32; 4]> = {
            let family = Ranks::collated(people.iter().map(|p| p.family_name.as_str()));
            let given = Ranks::collated(people.iter().map(|p| p.given_name.as_str()));
            match self {
                SortKey::FamilyName => (0..people.len())
                    .map(|i| [family.of(i), given.of(i), 0, 0])
                    .collect(),
                SortKey::GivenName => (0..people.len())
                    .map(|i| [given.of(i), family.of(i), 0, 0])
                    .collect(),
                SortKey::Company => {
                    let company = Ranks::collated(people.iter().map(|p| p.company.as_str()));
                    people
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            // People without a company go last.
                            let none = u32::from(p.company.is_empty());
                            [none, company.of(i), family.of(i), given.of(i)]
                        })
                        .collect()
                }
                SortKey::RecentlyUpdated => {
                    // Newest first: timestamps are ASCII (RFC 3339), their
                    // bytes order them; rank them and invert.
                    let updated = Ranks::by_bytes(people.iter().map(|p| p.updated_at.as_str()));
                    (0..people.len())
                        .map(|i| [u32::MAX - updated.of(i), family.of(i), given.of(i), 0])
                        .collect()
                }
            }
        };
        let mut order: Vec<u32> = (0..u32::try_from(people.len()).unwrap_or(u32::MAX)).collect();
        order.sort_unstable_by(|&a, &b| {
            key[a as usize]
                .cmp(&key[b as usize])
                .then_with(|| people[a as usize].id.cmp(&people[b as usize].id))
        });
        drop(key);
        permute(people, order)
    }

    #[cfg(test)]
    fn compare(self, a: &PersonSummary, b: &PersonSummary) -> std::cmp::Ordering {
        let mut c = feruca::Collator::default();
        let mut collate = |x: &str, y: &str| c.collate(x, y);
        let by_name =
            |x: &PersonSummary,
             y: &PersonSummary,
             collate: &mut dyn FnMut(&str, &str) -> std::cmp::Ordering| {
                collate(&x.family_name, &y.family_name)
                    .then_with(|| collate(&x.given_name, &y.given_name))
            };
        match self {
            SortKey::FamilyName => by_name(a, b, &mut collate),
            SortKey::GivenName => {
                collate(&a.given_name, &b.given_name).then_with(|| by_name(a, b, &mut collate))
            }
            // People without a company go last.
            SortKey::Company => a
                .company
                .is_empty()
                .cmp(&b.company.is_empty())
                .then_with(|| collate(&a.company, &b.company))
                .then_with(|| by_name(a, b, &mut collate)),
            SortKey::RecentlyUpdated => b
                .updated_at
                .cmp(&a.updated_at)
                .then_with(|| by_name(a, b, &mut collate)),
        }
        .then_with(|| a.id.cmp(&b.id))
    }
}

/// Each person's rank among the distinct values of one field: equal
/// values share a rank, and ranks order like the values.
struct Ranks {
    of_person: Vec<u32>,
}

impl Ranks {
    /// Ranks in collation order (CLDR root; ties between strings that
    /// collate equal broken by bytes, so the order is total).
    fn collated<'a>(values: impl Iterator<Item = &'a str>) -> Ranks {
        let mut collator = feruca::Collator::default();
        Ranks::ranked(values, |a, b| collator.collate(a, b))
    }

    fn by_bytes<'a>(values: impl Iterator<Item = &'a str>) -> Ranks {
        Ranks::ranked(values, |a, b| a.cmp(b))
    }

    fn ranked<'a>(
        values: impl Iterator<Item = &'a str>,
        mut order: impl FnMut(&str, &str) -> std::cmp::Ordering,
    ) -> Ranks {
        let mut distinct: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let of_person: Vec<u32> = values
            .map(|v| {
                let next = distinct.len() as u32;
                *distinct.entry(v).or_insert(next)
            })
            .collect();
        let mut sorted: Vec<(&str, u32)> = distinct.into_iter().collect();
        sorted.sort_unstable_by(|a, b| order(a.0, b.0));
        let mut rank_of = vec![0u32; sorted.len()];
        for (rank, (_, first_seen)) in sorted.into_iter().enumerate() {
            rank_of[first_seen as usize] = rank as u32;
        }
        Ranks {
            of_person: of_person.into_iter().map(|d| rank_of[d as usize]).collect(),
        }
    }

    fn of(&self, person: usize) -> u32 {
        self.of_person[person]
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
    fn names_sort_by_the_language_not_the_bytes() {
        // By bytes, É (C3 89), Ç, Ö and Ø (C3 ..) all sort after Z.
        let mut v = PeopleView::default();
        v.set_people(vec![
            summary("zoe", "Zoë", "Évaluateur", "", ""),
            summary("caglar", "Çağlar", "Özdemir", "", ""),
            summary("mads", "Mads", "Østergaard", "", ""),
            summary("kathe", "Käthe", "Zimmermann", "", ""),
            summary("emma", "Emma", "Fischer", "", ""),
            summary("otto", "Otto", "Olsen", "", ""),
            summary("carl", "Carl", "Young", "", ""),
        ]);
        assert_eq!(
            order(&v),
            ["zoe", "emma", "otto", "mads", "caglar", "carl", "kathe"],
            // Ø is an O with a secondary difference in the root order, so
            // Østergaard's `s` decides before Özdemir's `z`.
            "Évaluateur, Fischer, Olsen, Østergaard, Özdemir, Young, Zimmermann"
        );
        v.cycle_sort(); // given name
        assert_eq!(
            order(&v),
            ["caglar", "carl", "emma", "kathe", "mads", "otto", "zoe"],
            "Çağlar, Carl, Emma, Käthe, Mads, Otto, Zoë"
        );
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
