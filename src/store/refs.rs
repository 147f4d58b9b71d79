//! Reference data in the cache: the tags, organisations, users, segments
//! and note categories a remote CRM's records link to (see
//! `model::reference`). Kept with the people so a restart or a day offline
//! shows names without a request, and so names can be checked before a
//! write is queued. Sync refreshes them.

use super::{Result, Store};
use crate::model::{RefKind, Reference};
use rusqlite::params;

impl Store {
    /// Insert or replace these references.
    pub fn save_references(&mut self, refs: &[Reference]) -> Result<()> {
        if refs.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO refs(id, kind, name, data, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                    data = excluded.data, fetched_at = excluded.fetched_at",
            )?;
            let now = jiff::Timestamp::now().to_string();
            for r in refs {
                stmt.execute(params![
                    r.id,
                    r.kind.as_str(),
                    r.name,
                    serde_json::to_string(r)?,
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every reference, or those of one kind, by name.
    pub fn references(&self, kind: Option<RefKind>) -> Result<Vec<Reference>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT data FROM refs WHERE ?1 IS NULL OR kind = ?1 ORDER BY kind, name, id",
        )?;
        let rows = stmt.query_map([kind.map(RefKind::as_str)], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for data in rows {
            out.push(serde_json::from_str(&data?)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_survive_a_reopen_and_are_replaced_by_newer_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        {
            let mut store = Store::open(&path).unwrap();
            let mut vip = Reference::new(RefKind::Tag, "/tags/1", "VIP");
            vip.color = Some("#c0392b".into());
            store
                .save_references(&[
                    vip,
                    Reference::new(RefKind::User, "/users/2", "Lucía Ortega"),
                ])
                .unwrap();
            store
                .save_references(&[Reference::new(RefKind::User, "/users/2", "Lucía O.")])
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let all = store.references(None).unwrap();
        assert_eq!(all.len(), 2);
        let tags = store.references(Some(RefKind::Tag)).unwrap();
        assert_eq!(tags[0].color.as_deref(), Some("#c0392b"));
        let users = store.references(Some(RefKind::User)).unwrap();
        assert_eq!(users[0].name, "Lucía O.");
    }
}
