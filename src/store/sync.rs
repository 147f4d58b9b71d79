//! What a sync page by page needs from the store: forget, at the end of a
//! full listing, the people the server no longer has.

use super::{Result, Store};

impl Store {
    /// After a full listing that saw `seen`: drop everyone else, except
    /// people with queued writes (the user decides) and people created
    /// offline (the server does not know them yet). Returns how many went.
    pub fn forget_unseen(&mut self, seen: &[String]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY); DELETE FROM seen;",
        )?;
        {
            let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO seen(id) VALUES (?1)")?;
            for id in seen {
                insert.execute([id])?;
            }
        }
        tx.execute(
            "DELETE FROM notes WHERE person_id NOT IN (SELECT id FROM seen)
               AND person_id NOT IN (SELECT person_id FROM outbox)
               AND person_id NOT LIKE 'local-%'",
            [],
        )?;
        let gone = tx.execute(
            "DELETE FROM people WHERE id NOT IN (SELECT id FROM seen)
               AND id NOT IN (SELECT person_id FROM outbox)
               AND id NOT LIKE 'local-%'",
            [],
        )?;
        tx.execute("DELETE FROM seen", [])?;
        tx.commit()?;
        Ok(gone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Person;
    use crate::outbox::Op;

    fn person(id: &str) -> Person {
        Person {
            id: id.into(),
            family_name: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn people_the_listing_did_not_see_go_unless_a_write_waits_for_them() {
        let mut store = Store::open_in_memory().unwrap();
        for id in ["a", "b", "c"] {
            store.upsert_person(&person(id)).unwrap();
        }
        let mut c = person("c");
        c.job_title = "edited".into();
        store
            .enqueue(&Op::UpdatePerson {
                base: person("c"),
                edited: c,
            })
            .unwrap();
        let local = crate::outbox::new_local_id();
        store
            .enqueue(&Op::CreatePerson {
                person: person(&local),
            })
            .unwrap();
        assert_eq!(store.forget_unseen(&["a".into()]).unwrap(), 1);
        let mut left: Vec<String> = store
            .load_summaries()
            .unwrap()
            .into_iter()
            .map(|s| s.id.to_string())
            .collect();
        left.sort();
        let mut want = vec!["a".to_string(), "c".into(), local];
        want.sort();
        assert_eq!(left, want);
    }
}
