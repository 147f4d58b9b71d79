//! The people list: all summaries, the active filter, sort order and
//! selection. Filtering narrows incrementally while the user types.

use crate::search::{Query, Searcher, haystack};
use crate::store::PersonSummary;
use nucleo_matcher::Utf32String;
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
        let mut slots: Vec<Option<PersonSummary>> = people.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|(_, i)| slots[i as usize].take())
            .collect()
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

/// The list model. `all` is in sort order; `visible` indexes into it.
#[derive(Debug, Default)]
pub struct PeopleView {
    pub all: Arc<[PersonSummary]>,
    haystacks: Arc<[Utf32String]>,
    pub query: Query,
    pub visible: Vec<usize>,
    /// Index into `visible`.
    pub selected: usize,
    /// First visible row of the list viewport.
    pub offset: usize,
    pub sort: SortKey,
    pub loaded: bool,
    searcher: Searcher,
}

impl PeopleView {
    /// Replace everyone (initial load or reload), keeping the selection on
    /// the same person where possible.
    pub fn set_people(&mut self, people: Vec<PersonSummary>) {
        let keep = self.selected_id().map(str::to_string);
        let people = self.sort.sort(people);
        self.haystacks = people.iter().map(haystack).collect();
        self.all = people.into();
        self.loaded = true;
        self.refilter_all();
        self.select_id(keep.as_deref());
    }

    /// Insert or replace one person (after a save).
    pub fn upsert(&mut self, person: PersonSummary) {
        let id = person.id.clone();
        let mut people: Vec<PersonSummary> =
            self.all.iter().filter(|p| p.id != id).cloned().collect();
        people.push(person);
        self.set_people(people);
        self.select_id(Some(&id));
    }

    pub fn remove(&mut self, id: &str) {
        let at = self.selected;
        let people: Vec<PersonSummary> = self.all.iter().filter(|p| p.id != id).cloned().collect();
        self.set_people(people);
        self.selected = at.min(self.visible.len().saturating_sub(1));
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        let people = self.all.to_vec();
        self.set_people(people);
    }

    pub fn selected_person(&self) -> Option<&PersonSummary> {
        self.visible.get(self.selected).map(|&i| &self.all[i])
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selected_person().map(|p| p.id.as_str())
    }

    /// Select the person with `id`, if they are in the filtered list.
    pub fn select_id(&mut self, id: Option<&str>) {
        if let Some(id) = id
            && let Some(pos) = self.visible.iter().position(|&i| self.all[i].id == id)
        {
            self.selected = pos;
            return;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// Apply a new search text; narrow from the current results when the
    /// user only typed more.
    pub fn set_query(&mut self, text: &str) {
        let query = Query::parse(text);
        let narrowing = query.narrows(&self.query) && !self.query.text.is_empty();
        let previous = std::mem::take(&mut self.visible);
        self.visible = if query.is_empty() {
            (0..self.all.len()).collect()
        } else if narrowing {
            // Re-filter only what matched before; sort by the new score.
            let mut candidates = previous;
            candidates.sort_unstable();
            self.searcher
                .filter(&self.all, &self.haystacks, candidates.into_iter(), &query)
        } else {
            self.searcher
                .filter(&self.all, &self.haystacks, 0..self.all.len(), &query)
        };
        self.query = query;
        self.selected = 0;
        self.offset = 0;
    }

    fn refilter_all(&mut self) {
        let text = std::mem::take(&mut self.query.text);
        self.query = Query::default();
        self.set_query(&text);
    }

    pub fn move_by(&mut self, delta: isize, viewport: usize) {
        if self.visible.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.visible.len() - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last as isize) as usize;
        self.scroll_to_selection(viewport);
    }

    pub fn go_to(&mut self, index: usize, viewport: usize) {
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

    /// Char positions to highlight in `text` for the current query.
    /// `searcher` is the caller's scratch matcher (rendering borrows the
    /// view immutably, so it cannot use the view's own).
    pub fn highlights(&self, searcher: &mut Searcher, text: &str) -> Vec<usize> {
        searcher.highlight(text, &self.query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, given: &str, family: &str, company: &str, updated: &str) -> PersonSummary {
        PersonSummary {
            id: id.into(),
            display_name: format!("{given} {family}"),
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
        v.visible.iter().map(|&i| v.all[i].id.as_str()).collect()
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
}
