//! The duplicate review: groups of people who look like one person, best
//! first; the current group's records side by side, field by field; what
//! the user picked per field (a record's value, or every record's entries
//! for a list), and the survivor those picks give (`merged_person`).

use crate::model::dedupe::Group;
use crate::model::merge::{FieldPick, MergePlan, is_list_field, merged_person};
use crate::model::{Capabilities, Note, Person, PersonField};
use std::collections::BTreeMap;

/// One record of the group under review, with its notes (all kept).
#[derive(Debug, Clone)]
pub struct Record {
    pub person: Person,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Default)]
pub struct DuplicateReview {
    /// `None` while the store is searched.
    pub groups: Option<Vec<Group>>,
    /// The group on screen.
    pub group: usize,
    /// Its records, the survivor first; empty while they load.
    pub records: Vec<Record>,
    /// What the user decided per field; the rest follow the merge rule.
    pub picks: BTreeMap<PersonField, FieldPick>,
    /// The selected row of [`DuplicateReview::rows`].
    pub row: usize,
}

impl DuplicateReview {
    pub fn current(&self) -> Option<&Group> {
        self.groups.as_ref()?.get(self.group)
    }

    pub fn group_count(&self) -> usize {
        self.groups.as_ref().map_or(0, Vec::len)
    }

    /// The ids of the group on screen, survivor first.
    pub fn member_ids(&self) -> Vec<String> {
        self.current()
            .map(|g| g.members.clone())
            .unwrap_or_default()
    }

    /// The records loaded are the group's (not a reply for another one).
    pub fn loaded(&self) -> bool {
        !self.records.is_empty()
            && self.records.iter().map(|r| &r.person.id).eq(self
                .current()
                .map(|g| g.members.iter())
                .into_iter()
                .flatten())
    }

    /// The fields worth a row: stored by the backend and set on at least
    /// one record (the one-line address only where the backend keeps it).
    pub fn rows(&self, caps: &Capabilities) -> Vec<PersonField> {
        PersonField::all()
            .filter(|&f| caps.stores(f))
            .filter(|&f| {
                self.records
                    .iter()
                    .any(|r| !f.get(&r.person).trim().is_empty())
            })
            .collect()
    }

    /// The pick in force for `field`: the user's, else the merge rule's
    /// (lists unioned; otherwise the first record with a value).
    pub fn pick(&self, field: PersonField) -> FieldPick {
        if let Some(p) = self.picks.get(&field) {
            return *p;
        }
        if is_list_field(field) {
            return FieldPick::Union;
        }
        let first = self
            .records
            .iter()
            .position(|r| !field.get(&r.person).trim().is_empty())
            .unwrap_or(0);
        FieldPick::Record(first)
    }

    /// Whether the records disagree on `field`.
    pub fn differs(&self, field: PersonField) -> bool {
        let mut values = self.records.iter().map(|r| field.get(&r.person));
        let first = values.next().unwrap_or_default();
        values.any(|v| v != first)
    }

    /// The merge the user asked for.
    pub fn plan(&self) -> Option<MergePlan> {
        let (survivor, others) = self.records.split_first()?;
        let mut plan = MergePlan::new(
            survivor.person.id.clone(),
            others.iter().map(|r| r.person.id.clone()).collect(),
        );
        plan.picks = self.picks.clone();
        Some(plan)
    }

    /// The survivor after the merge, for the preview column.
    pub fn preview(&self) -> Option<Person> {
        let plan = self.plan()?;
        let people: Vec<Person> = self.records.iter().map(|r| r.person.clone()).collect();
        Some(merged_person(&people, &plan))
    }
}
