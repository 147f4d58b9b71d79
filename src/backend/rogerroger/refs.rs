//! What RogerRoger's IRIs name: the adapter's directory of tags,
//! organisations, users, segments and note categories.
//!
//! People and notes link to these by IRI (`/tags/{id}`). The adapter turns
//! links into names when it reads a record (dereferencing the ones it does
//! not know yet, see `RogerRoger::resolve`) and names back into IRIs when it
//! writes one. The directory lives in memory; the client keeps a copy in
//! the cache (`Backend::restore_references` / `take_references`), so a
//! restart, or a day offline, needs no requests to show names.

use crate::model::{RefKind, Reference, reference::unnamed};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// The kind of resource an IRI names, by its collection: `/tags/7` is a
/// tag. Absolute IRIs (`https://host/tags/7`) count by their path.
pub fn kind_of(iri: &str) -> Option<RefKind> {
    let path = match iri.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => iri,
    };
    let mut parts = path.trim_start_matches('/').split('/');
    let collection = parts.next()?;
    let id = parts.next().filter(|id| !id.is_empty())?;
    if parts.next().is_some() || id.contains(['?', '#']) {
        return None;
    }
    Some(match collection {
        "tags" => RefKind::Tag,
        "organizations" => RefKind::Organization,
        "users" => RefKind::User,
        "segments" => RefKind::Segment,
        "note_categories" => RefKind::NoteCategory,
        _ => return None,
    })
}

/// The id at the end of an IRI.
pub fn tail(iri: &str) -> &str {
    iri.rsplit('/').next().unwrap_or(iri)
}

#[derive(Debug, Default)]
struct Inner {
    by_iri: HashMap<String, Reference>,
    /// Learnt since the client last took them.
    fresh: Vec<Reference>,
}

#[derive(Debug, Default)]
pub struct Directory {
    inner: Mutex<Inner>,
}

/// Why a name cannot become an IRI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Unknown {
        kind: RefKind,
        name: String,
        known: Vec<String>,
    },
    Ambiguous {
        kind: RefKind,
        name: String,
        count: usize,
    },
}

impl std::fmt::Display for NameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameProblem::Unknown { kind, name, known } if known.is_empty() => write!(
                f,
                "RogerRoger has no {} named '{name}' (rolo knows none yet: sync first)",
                kind.noun()
            ),
            NameProblem::Unknown { kind, name, known } => {
                const SHOWN: usize = 8;
                let mut list = known
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if known.len() > SHOWN {
                    list.push_str(&format!(", … {} more", known.len() - SHOWN));
                }
                write!(
                    f,
                    "RogerRoger has no {} named '{name}'; create it there first, or use one of: {list}",
                    kind.noun()
                )
            }
            NameProblem::Ambiguous { kind, name, count } => write!(
                f,
                "{count} RogerRoger {}s are named '{name}'; give the one you mean by its IRI",
                kind.noun()
            ),
        }
    }
}

impl Directory {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the cache held; not news for the client.
    pub fn restore(&self, refs: Vec<Reference>) {
        let mut inner = self.lock();
        for r in refs {
            inner.by_iri.insert(r.id.clone(), r);
        }
    }

    /// Remember `r`; the client hears of it if it is new or changed.
    pub fn learn(&self, r: Reference) {
        let mut inner = self.lock();
        if inner.by_iri.get(&r.id) != Some(&r) {
            inner.by_iri.insert(r.id.clone(), r.clone());
            inner.fresh.push(r);
        }
    }

    pub fn take_fresh(&self) -> Vec<Reference> {
        std::mem::take(&mut self.lock().fresh)
    }

    pub fn get(&self, iri: &str) -> Option<Reference> {
        self.lock().by_iri.get(iri).cloned()
    }

    pub fn knows(&self, iri: &str) -> bool {
        self.lock().by_iri.contains_key(iri)
    }

    /// The name to show for a link: the server's, or "tag 9cfe12ab" while
    /// (or when) it cannot be read. Never the raw IRI.
    pub fn label(&self, iri: &str) -> String {
        match self.get(iri) {
            Some(r) => r.label(),
            None => unnamed(kind_of(iri).unwrap_or(RefKind::Tag), iri),
        }
    }

    /// Everything of `kind` by the name users see, sorted.
    pub fn names(&self, kind: RefKind) -> Vec<String> {
        let mut names: Vec<String> = self
            .lock()
            .by_iri
            .values()
            .filter(|r| r.kind == kind && !r.name.trim().is_empty())
            .map(|r| r.name.clone())
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        names.dedup();
        names
    }

    /// The IRI for `name` given for a link of `kind`: one the record links
    /// already (`current`) shown under that name; the name itself when it
    /// is an IRI of that kind; else the one `kind` of that name (exactly,
    /// or else ignoring case).
    pub fn iri_for(
        &self,
        kind: RefKind,
        name: &str,
        current: &[String],
    ) -> Result<String, NameProblem> {
        let name = name.trim();
        if let Some(iri) = current.iter().find(|iri| self.label(iri) == name) {
            return Ok(iri.clone());
        }
        if kind_of(name) == Some(kind) {
            return Ok(name.to_string());
        }
        let found: Vec<String> = {
            let inner = self.lock();
            let of_kind = || inner.by_iri.values().filter(|r| r.kind == kind);
            let exact: Vec<String> = of_kind()
                .filter(|r| r.label().trim() == name)
                .map(|r| r.id.clone())
                .collect();
            if exact.is_empty() {
                let lower = name.to_lowercase();
                of_kind()
                    .filter(|r| r.label().trim().to_lowercase() == lower)
                    .map(|r| r.id.clone())
                    .collect()
            } else {
                exact
            }
        };
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(NameProblem::Unknown {
                kind,
                name: name.to_string(),
                known: self.names(kind),
            }),
            many => Err(NameProblem::Ambiguous {
                kind,
                name: name.to_string(),
                count: many.len(),
            }),
        }
    }

    /// The organisation names in a company field. Several organisations
    /// show joined by ", ", and a name may hold a comma itself ("Acme,
    /// Inc."): the whole text is one name if an organisation has it.
    pub fn org_names(&self, company: &str, current: &[String]) -> Vec<String> {
        let whole = company.trim();
        if whole.is_empty() {
            return Vec::new();
        }
        if self.iri_for(RefKind::Organization, whole, current).is_ok() {
            return vec![whole.to_string()];
        }
        whole
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> Directory {
        let d = Directory::default();
        d.restore(vec![
            Reference::new(RefKind::Tag, "/tags/1", "VIP"),
            Reference::new(RefKind::Tag, "/tags/2", "Customer"),
            Reference::new(RefKind::Tag, "/tags/3", "customer"),
            Reference::new(RefKind::Organization, "/organizations/5", "Acme, Inc."),
            Reference::new(RefKind::Organization, "/organizations/6", "Globex"),
        ]);
        d
    }

    #[test]
    fn iris_are_recognised_by_their_collection() {
        assert_eq!(kind_of("/tags/7"), Some(RefKind::Tag));
        assert_eq!(
            kind_of("https://api.rogerroger.io/users/3"),
            Some(RefKind::User)
        );
        assert_eq!(kind_of("/note_categories/2"), Some(RefKind::NoteCategory));
        assert_eq!(kind_of("/tags/"), None);
        assert_eq!(kind_of("/people/1/notes/2"), None);
        assert_eq!(kind_of("VIP"), None);
    }

    #[test]
    fn names_map_to_iris_and_unknown_names_are_refused_by_name() {
        let d = dir();
        assert_eq!(d.iri_for(RefKind::Tag, "VIP", &[]).unwrap(), "/tags/1");
        assert_eq!(d.iri_for(RefKind::Tag, "vip", &[]).unwrap(), "/tags/1");
        // Exact case wins over a case-insensitive twin.
        assert_eq!(d.iri_for(RefKind::Tag, "customer", &[]).unwrap(), "/tags/3");
        assert_eq!(
            d.iri_for(RefKind::Tag, "/tags/99", &[]).unwrap(),
            "/tags/99"
        );
        let err = d.iri_for(RefKind::Tag, "Prospect", &[]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("no tag named 'Prospect'"), "{text}");
        assert!(text.contains("VIP"), "{text}");
        assert!(matches!(
            d.iri_for(RefKind::Tag, "CUSTOMER", &[]),
            Err(NameProblem::Ambiguous { count: 2, .. })
        ));
        // A link the record already has keeps its IRI even when unnamed.
        let placeholder = d.label("/tags/77");
        assert_eq!(placeholder, "tag 77");
        assert_eq!(
            d.iri_for(RefKind::Tag, &placeholder, &["/tags/77".into()])
                .unwrap(),
            "/tags/77"
        );
    }

    #[test]
    fn company_text_splits_only_where_no_organisation_has_the_whole_name() {
        let d = dir();
        assert_eq!(d.org_names("Acme, Inc.", &[]), ["Acme, Inc."]);
        assert_eq!(d.org_names("Globex, Initech", &[]), ["Globex", "Initech"]);
        assert!(d.org_names("  ", &[]).is_empty());
    }

    #[test]
    fn only_new_or_changed_references_are_news() {
        let d = dir();
        d.learn(Reference::new(RefKind::Tag, "/tags/1", "VIP"));
        assert!(d.take_fresh().is_empty(), "already known");
        d.learn(Reference::new(RefKind::Tag, "/tags/1", "Very important"));
        d.learn(Reference::new(RefKind::User, "/users/4", "Lucía Ortega"));
        assert_eq!(d.take_fresh().len(), 2);
        assert!(d.take_fresh().is_empty());
        assert_eq!(d.label("/tags/1"), "Very important");
    }
}
