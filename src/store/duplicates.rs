//! Finding duplicate candidates among the people of this store (the local
//! workspace or a remote profile's cache), and the pairs the user said are
//! not duplicates (table `not_duplicates`, migration step 6).
//!
//! People are blocked by keys (a normalised email, a phone in E.164, a
//! folded name key with the company or the work email domain) and only
//! people sharing a key are compared, never all pairs: one read of the
//! people table, keys computed on every core, one pass over the blocks.
//! Archived people are left out: they are already out of the way (a merge
//! archives the merged records).

use super::{Result, Store};
use crate::model::dedupe::{self, Group, Name, Pair, Reason};
use phonenumber::country;
use rustc_hash::FxHashMap as HashMap;
use std::collections::HashSet;

/// A key shared by more people than this says nothing about who they are
/// (a switchboard number, `info@`, a company's hundred John Smiths): such
/// blocks are skipped, which also bounds the pairs compared.
pub const MAX_BLOCK: usize = 50;

/// What one person is blocked by.
struct Keys {
    emails: Vec<String>,
    phones: Vec<String>,
    /// `name key` + company or work domain, each with its reason pair.
    named: Vec<(String, bool)>,
    name: Name,
}

/// The columns one person's keys come from.
struct Row {
    given: String,
    additional: String,
    family: String,
    company: String,
    /// Space separated, as the people table keeps them.
    emails: String,
    /// Unit-separator separated numbers.
    phones: String,
    country: String,
}

impl Store {
    /// Groups of people who look like one person, best first, leaving out
    /// pairs marked not duplicates. Numbers without a country code are
    /// read in the person's address country (a two-letter code) or else
    /// in `default_region`.
    pub fn find_duplicates(&self, default_region: country::Id) -> Result<Vec<Group>> {
        let (ids, rows) = self.duplicate_rows()?;
        let keys = keys_on_every_core(&rows, default_region);
        drop(rows);
        let dismissed = self.not_duplicate_pairs()?;
        let mut reasons: HashMap<(u32, u32), Vec<Reason>> = HashMap::default();
        let mut add = |i: u32, j: u32, reason: Reason| {
            let pair = if i < j { (i, j) } else { (j, i) };
            let list = reasons.entry(pair).or_default();
            if !list.contains(&reason) {
                list.push(reason);
            }
        };
        for block in blocks(&keys, |k| k.emails.iter().map(String::as_str).collect()) {
            for_pairs(&block, |i, j| add(i, j, Reason::SameEmail));
        }
        for block in blocks(&keys, |k| k.phones.iter().map(String::as_str).collect()) {
            for_pairs(&block, |i, j| add(i, j, Reason::SamePhone));
        }
        let mut by_name: HashMap<&str, (Vec<u32>, bool)> = HashMap::default();
        for (i, k) in keys.iter().enumerate() {
            for (key, company) in &k.named {
                let entry = by_name.entry(key).or_insert_with(|| (Vec::new(), *company));
                if entry.0.last() != Some(&(i as u32)) {
                    entry.0.push(i as u32);
                }
            }
        }
        for (members, company) in by_name.into_values() {
            if members.len() < 2 || members.len() > MAX_BLOCK {
                continue;
            }
            for_pairs(&members, |i, j| {
                let same = keys[i as usize].name.matches(&keys[j as usize].name);
                let reason = match (same, company) {
                    (None, _) => return,
                    (Some(true), true) => Reason::SameNameSameCompany,
                    (Some(false), true) => Reason::SimilarNameSameCompany,
                    (Some(true), false) => Reason::SameNameSameDomain,
                    (Some(false), false) => Reason::SimilarNameSameDomain,
                };
                add(i, j, reason)
            });
        }
        let pairs = reasons
            .into_iter()
            .map(|((i, j), mut found)| {
                // One name reason per pair: the company says more than a domain.
                if found.contains(&Reason::SameNameSameCompany)
                    || found.contains(&Reason::SimilarNameSameCompany)
                {
                    found.retain(|r| {
                        !matches!(
                            r,
                            Reason::SameNameSameDomain | Reason::SimilarNameSameDomain
                        )
                    });
                }
                Pair::new(&ids[i as usize], &ids[j as usize], found)
            })
            .filter(|p| !dismissed.contains(&(p.a.clone(), p.b.clone())))
            .collect();
        Ok(dedupe::group(pairs))
    }

    /// Remember that these people are not one person: none of their pairs
    /// is offered again.
    pub fn mark_not_duplicates(&self, ids: &[String]) -> Result<()> {
        // `&self`: the app and the CLI reach the store through a shared
        // handle; IMMEDIATE takes the write lock up front as `write_tx` does.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        {
            let now = jiff::Timestamp::now().to_string();
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO not_duplicates(a, b, marked_at) VALUES (?1, ?2, ?3)",
            )?;
            for (n, x) in ids.iter().enumerate() {
                for y in &ids[n + 1..] {
                    let (a, b) = if x <= y { (x, y) } else { (y, x) };
                    if a != b {
                        insert.execute(rusqlite::params![a, b, now])?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// What a duplicate listing shows of one person (name, emails, company),
    /// from the people table's own columns: no record is decoded.
    pub fn duplicate_label(&self, id: &str) -> Result<Option<(String, Vec<String>, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT display_name, emails, company FROM people WHERE id = ?1")?;
        let mut rows = stmt.query([id])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let emails: String = r.get(1)?;
        Ok(Some((
            r.get(0)?,
            emails.split_whitespace().map(str::to_string).collect(),
            r.get(2)?,
        )))
    }

    /// Every pair marked not duplicates, each `(smaller id, larger id)`.
    pub fn not_duplicate_pairs(&self) -> Result<HashSet<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT a, b FROM not_duplicates")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn duplicate_rows(&self) -> Result<(Vec<String>, Vec<Row>)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, given_name, coalesce(json_extract(data, '$.additionalName'), ''),
                    family_name, company, emails,
                    coalesce((SELECT group_concat(json_extract(p.value, '$.number'), char(31))
                              FROM json_each(data, '$.phones') p), ''),
                    coalesce(json_extract(data, '$.address.country'), '')
             FROM people WHERE archived = 0",
        )?;
        let mut ids = Vec::new();
        let mut rows = Vec::new();
        let mut query = stmt.query([])?;
        while let Some(r) = query.next()? {
            ids.push(r.get(0)?);
            rows.push(Row {
                given: r.get(1)?,
                additional: r.get(2)?,
                family: r.get(3)?,
                company: r.get(4)?,
                emails: r.get(5)?,
                phones: r.get(6)?,
                country: r.get(7)?,
            });
        }
        Ok((ids, rows))
    }
}

/// Every person's keys, the people split between the machine's cores
/// (parsing phone numbers is most of the work).
fn keys_on_every_core(rows: &[Row], default_region: country::Id) -> Vec<Keys> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = rows.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|row| keys_of(row, default_region))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(keys) => keys,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn keys_of(row: &Row, default_region: country::Id) -> Keys {
    let mut emails: Vec<String> = row
        .emails
        .split(' ')
        .filter_map(dedupe::normalise_email)
        .collect();
    emails.sort();
    emails.dedup();
    let region = dedupe::region(&row.country).unwrap_or(default_region);
    let mut phones: Vec<String> = row
        .phones
        .split('\u{1f}')
        .filter(|n| !n.trim().is_empty())
        .filter_map(|n| dedupe::phone_e164(n, region))
        .collect();
    phones.sort();
    phones.dedup();
    let name = Name::new(&[&row.given, &row.additional, &row.family]);
    let mut named = Vec::new();
    let name_keys = name.keys();
    if !name_keys.is_empty() {
        let company = dedupe::company_key(&row.company);
        let mut domains: Vec<&str> = emails
            .iter()
            .filter_map(|e| dedupe::work_domain(e))
            .collect();
        domains.dedup();
        for key in &name_keys {
            if let Some(c) = &company {
                named.push((format!("{key}\u{1f}c:{c}"), true));
            }
            for d in &domains {
                named.push((format!("{key}\u{1f}d:{d}"), false));
            }
        }
    }
    Keys {
        emails,
        phones,
        named,
        name,
    }
}

/// The people sharing each key, blocks of two up to [`MAX_BLOCK`].
fn blocks<'k>(keys: &'k [Keys], of: impl Fn(&'k Keys) -> Vec<&'k str>) -> Vec<Vec<u32>> {
    let mut map: HashMap<&str, Vec<u32>> = HashMap::default();
    for (i, k) in keys.iter().enumerate() {
        for key in of(k) {
            map.entry(key).or_default().push(i as u32);
        }
    }
    map.into_values()
        .filter(|m| (2..=MAX_BLOCK).contains(&m.len()))
        .collect()
}

fn for_pairs(members: &[u32], mut f: impl FnMut(u32, u32)) {
    for (n, &i) in members.iter().enumerate() {
        for &j in &members[n + 1..] {
            f(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, Phone};

    fn person(id: &str, given: &str, family: &str) -> Person {
        Person {
            id: id.into(),
            given_name: given.into(),
            family_name: family.into(),
            ..Default::default()
        }
    }

    fn store(people: &[Person]) -> Store {
        let s = Store::open_in_memory().unwrap();
        for p in people {
            s.upsert_person(p).unwrap();
        }
        s
    }

    fn us() -> country::Id {
        dedupe::region("US").unwrap()
    }

    #[test]
    fn same_email_same_phone_and_similar_names_are_found_with_reasons() {
        let mut a = person("a", "Zoë", "Évaluateur");
        a.company = "Acme B.V.".into();
        a.emails = vec!["zoe.evaluateur@gmail.com".into()];
        let mut b = person("b", "", "Evaluateur, Zoe");
        b.emails = vec!["ZoeEvaluateur+crm@googlemail.com".into()];
        let mut c = person("c", "Z.", "Evaluateur");
        c.company = "ACME".into();
        c.phones = vec![Phone {
            number: "06 1234 5678".into(),
            kind: "mobile".into(),
        }];
        c.address.country = "NL".into();
        let mut d = person("d", "Someone", "Else");
        d.phones = vec![Phone {
            number: "+31 6 12345678".into(),
            kind: String::new(),
        }];
        let e = person("e", "Zoe", "Evaluateur");
        let groups = store(&[a, b, c, d, e]).find_duplicates(us()).unwrap();
        assert_eq!(groups.len(), 1, "{groups:#?}");
        let g = &groups[0];
        assert_eq!(g.members.len(), 4);
        assert!(
            !g.members.contains(&"e".to_string()),
            "no company nor domain: {g:?}"
        );
        let pair = |x: &str, y: &str| g.pairs.iter().find(|p| p.a == x && p.b == y).cloned();
        assert_eq!(pair("a", "b").unwrap().reasons, vec![Reason::SameEmail]);
        assert_eq!(
            pair("a", "c").unwrap().reasons,
            vec![Reason::SimilarNameSameCompany]
        );
        assert_eq!(pair("c", "d").unwrap().reasons, vec![Reason::SamePhone]);
        assert_eq!(g.score, 90);
    }

    #[test]
    fn a_pair_marked_not_duplicates_does_not_come_back() {
        let mut a = person("a", "Ann", "Lee");
        a.emails = vec!["ann@acme.com".into()];
        let mut b = a.clone();
        b.id = "b".into();
        let s = store(&[a, b]);
        let g = s.find_duplicates(us()).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(
            g[0].reasons(),
            vec![Reason::SameEmail, Reason::SameNameSameDomain]
        );
        s.mark_not_duplicates(&["b".into(), "a".into()]).unwrap();
        s.mark_not_duplicates(&["a".into(), "b".into()]).unwrap();
        assert!(s.find_duplicates(us()).unwrap().is_empty());
        assert_eq!(s.not_duplicate_pairs().unwrap().len(), 1);
    }

    #[test]
    fn archived_people_and_huge_blocks_are_left_out() {
        let mut people = Vec::new();
        for n in 0..=MAX_BLOCK {
            let mut p = person(&format!("p{n}"), &format!("Given{n}"), "Family");
            p.emails = vec!["info@acme.com".into()];
            people.push(p);
        }
        let mut x = person("x", "Ann", "Lee");
        x.emails = vec!["ann@lee.nl".into()];
        let mut y = x.clone();
        y.id = "y".into();
        y.archived = true;
        people.extend([x, y]);
        assert!(store(&people).find_duplicates(us()).unwrap().is_empty());
    }
}
