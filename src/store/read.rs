//! Reads that stream: everyone in list order, one row at a time (the CLI's
//! `list` and `export`), and the address index mail clients query
//! (`rolo query`). Neither loads every person into memory.

use super::{Result, Store};
use crate::model::Person;

/// One email address of one person, as the address index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressHit {
    pub person_id: String,
    pub email: String,
    pub name: String,
    pub company: String,
}

/// How many addresses a query returns at most (a mail client shows a
/// screenful; nobody picks the 500th).
pub const QUERY_LIMIT: usize = 200;

impl Store {
    /// Everyone (archived people too when `archived`), in the list's order
    /// (family name, given name, id), handed to `f` as an iterator that
    /// reads one row at a time.
    pub fn each_person<R>(
        &self,
        archived: bool,
        f: impl FnOnce(&mut dyn Iterator<Item = Result<Person>>) -> R,
    ) -> Result<R> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT data FROM people WHERE archived = 0 OR ?1
             ORDER BY family_name, given_name, id",
        )?;
        let rows = stmt.query_map([archived], |r| r.get::<_, String>(0))?;
        let mut people = rows.map(|row| {
            let data = row?;
            Ok(serde_json::from_str::<Person>(&data)?.normalize())
        });
        Ok(f(&mut people))
    }

    /// Email addresses whose person's name, the address itself or the
    /// company match `text`, best first, at most `limit`. Words match the
    /// start of words, accents and case folded (`jose` finds José), through
    /// the FTS5 index the triggers of migration step 5 keep; when no
    /// address has every word, a fuzzy match over the index's compact rows
    /// (`jsmth` finds John Smith) answers instead.
    pub fn query_addresses(
        &self,
        text: &str,
        archived: bool,
        limit: usize,
    ) -> Result<Vec<AddressHit>> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\"*"))
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.person_id, a.email, a.name, a.company
             FROM addresses_fts f JOIN addresses a ON a.rowid = f.rowid
             WHERE addresses_fts MATCH ?1 AND (a.archived = 0 OR ?2)
             ORDER BY bm25(addresses_fts, 10.0, 5.0, 1.0), a.name, a.email
             LIMIT ?3",
        )?;
        let hits = stmt
            .query_map(
                rusqlite::params![words.join(" "), archived, limit as i64],
                hit,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if !hits.is_empty() {
            return Ok(hits);
        }
        self.fuzzy_addresses(text, archived, limit)
    }

    /// The fallback of [`Store::query_addresses`]: every address row
    /// scored by nucleo (diacritics and case folded), best first.
    fn fuzzy_addresses(&self, text: &str, archived: bool, limit: usize) -> Result<Vec<AddressHit>> {
        use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
        use nucleo_matcher::{Config, Matcher, Utf32Str};
        let pattern = Pattern::parse(text, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut stmt = self.conn.prepare_cached(
            "SELECT person_id, email, name, company FROM addresses WHERE archived = 0 OR ?1",
        )?;
        let mut rows = stmt.query([archived])?;
        let mut scored: Vec<(u32, AddressHit)> = Vec::new();
        let mut buf = Vec::new();
        let mut haystack = String::new();
        while let Some(row) = rows.next()? {
            haystack.clear();
            for i in [2, 1, 3] {
                haystack.push_str(row.get_ref(i)?.as_str().unwrap_or(""));
                haystack.push(' ');
            }
            if let Some(score) = pattern.score(Utf32Str::new(&haystack, &mut buf), &mut matcher) {
                scored.push((score, hit(row)?));
            }
        }
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.name.cmp(&b.1.name))
                .then_with(|| a.1.email.cmp(&b.1.email))
        });
        Ok(scored.into_iter().take(limit).map(|(_, h)| h).collect())
    }
}

fn hit(r: &rusqlite::Row<'_>) -> rusqlite::Result<AddressHit> {
    Ok(AddressHit {
        person_id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        company: r.get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PersonWithNotes;

    fn person(id: &str, given: &str, family: &str, emails: &[&str], company: &str) -> Person {
        Person {
            id: id.into(),
            given_name: given.into(),
            family_name: family.into(),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            company: company.into(),
            ..Default::default()
        }
    }

    fn store(people: Vec<Person>) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let people: Vec<PersonWithNotes> = people
            .into_iter()
            .map(|person| PersonWithNotes {
                person,
                notes: vec![],
            })
            .collect();
        store.import(&people).unwrap();
        store
    }

    fn emails(hits: &[AddressHit]) -> Vec<&str> {
        hits.iter().map(|h| h.email.as_str()).collect()
    }

    #[test]
    fn people_stream_in_list_order_without_the_archived() {
        let mut archived = person("p3", "Old", "Able", &[], "");
        archived.archived = true;
        let store = store(vec![
            person("p1", "Zoe", "Young", &[], ""),
            person("p2", "Ann", "Baker", &[], ""),
            archived,
        ]);
        let ids = |archived| {
            store
                .each_person(archived, |people| {
                    people.map(|p| p.unwrap().id).collect::<Vec<_>>()
                })
                .unwrap()
        };
        assert_eq!(ids(false), ["p2", "p1"]);
        assert_eq!(ids(true), ["p3", "p2", "p1"]);
    }

    #[test]
    fn every_address_is_found_by_name_email_or_company_accents_folded() {
        let store = store(vec![
            person(
                "p1",
                "José",
                "Núñez",
                &["jn@acme.es", "jose@home.es"],
                "Acmé",
            ),
            person("p2", "Anna", "Smith", &["anna@example.com"], "Globex"),
        ]);
        assert_eq!(
            emails(&store.query_addresses("jose", false, 10).unwrap()),
            ["jose@home.es", "jn@acme.es"],
            "the address that matches twice first"
        );
        assert_eq!(
            emails(&store.query_addresses("NUNEZ", false, 10).unwrap()).len(),
            2
        );
        assert_eq!(
            emails(&store.query_addresses("acme", false, 10).unwrap()).len(),
            2
        );
        assert_eq!(
            emails(&store.query_addresses("glob", false, 10).unwrap()),
            ["anna@example.com"]
        );
        // Fuzzy when no word starts a word: letters in order.
        assert_eq!(
            emails(&store.query_addresses("asmth", false, 10).unwrap()),
            ["anna@example.com"]
        );
        assert!(store.query_addresses("zzzz", false, 10).unwrap().is_empty());
        assert!(
            store
                .query_addresses("\"*()", false, 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_index_follows_edits_deletions_and_archiving() {
        let mut store = store(vec![person("p1", "Ann", "Lee", &["ann@a.com"], "")]);
        let mut p = store.get_person("p1").unwrap().unwrap();
        p.emails = vec!["ann@b.com".into(), "lee@c.com".into()];
        store.upsert_person(&p).unwrap();
        assert_eq!(
            emails(&store.query_addresses("ann", false, 10).unwrap()),
            ["ann@b.com", "lee@c.com"]
        );
        p.archived = true;
        store.upsert_person(&p).unwrap();
        assert!(store.query_addresses("ann", false, 10).unwrap().is_empty());
        assert_eq!(store.query_addresses("ann", true, 10).unwrap().len(), 2);
        store.delete_person("p1").unwrap();
        assert!(store.query_addresses("ann", true, 10).unwrap().is_empty());
        assert!(store.query_addresses("nn", true, 10).unwrap().is_empty());
    }
}
