//! The three-way field merge used when the server changed a record under a
//! queued edit, and the rebase of later queued edits onto the record the
//! server answered with.
//!
//! A person is compared field by field: every model field is one field, and
//! every key of `extra` (fields the server sent that the model does not
//! know) is a field of its own, `extra.KEY`, so a change to `dealSize` on
//! one side and to `notes` on the other merge instead of colliding as one
//! `extra` blob. Bookkeeping (ids, versions, timestamps, `sys_*`, JSON-LD
//! `@` keys) is never content: it always comes from the server's record.

use crate::model::Person;
use serde_json::{Map, Value};

/// Model fields that say nothing about content.
const BOOKKEEPING: &[&str] = &[
    "id",
    "displayName",
    "version",
    "createdAt",
    "updatedAt",
    "tagColors",
];

/// Server fields kept in `extra` that the server maintains itself. Names
/// are the documents' own: API Platform's `createdAt`/`updatedAt`/
/// `importedAt`/`avatarUrl` (read-only in the RogerRoger reference),
/// Rhythm's `sys_*` and `date_profile_last_updated`, Introzy's timestamps.
const EXTRA_BOOKKEEPING: &[&str] = &[
    "createdAt",
    "updatedAt",
    "importedAt",
    "avatarUrl",
    "created_at",
    "updated_at",
    "date_profile_last_updated",
];

/// Whether an `extra` key is the server's bookkeeping rather than content.
pub fn is_bookkeeping_extra(key: &str) -> bool {
    key.starts_with('@') || key.starts_with("sys_") || EXTRA_BOOKKEEPING.contains(&key)
}

const EXTRA_PREFIX: &str = "extra.";

/// A person's content as `field -> value`, `extra` spread out per key.
pub(crate) fn fields(p: &Person) -> Map<String, Value> {
    let Ok(Value::Object(mut m)) = serde_json::to_value(p) else {
        return Map::new();
    };
    for k in BOOKKEEPING {
        m.remove(*k);
    }
    if let Some(Value::Object(extra)) = m.remove("extra") {
        for (k, v) in extra {
            if !is_bookkeeping_extra(&k) {
                m.insert(format!("{EXTRA_PREFIX}{k}"), v);
            }
        }
    }
    m
}

/// `theirs` with its content replaced by `content` (ids, version,
/// timestamps and bookkeeping `extra` keys stay theirs).
pub(crate) fn with_fields(theirs: &Person, content: Map<String, Value>) -> Person {
    let Ok(Value::Object(mut value)) = serde_json::to_value(theirs) else {
        return theirs.clone();
    };
    let mut extra: Map<String, Value> = match value.remove("extra") {
        Some(Value::Object(e)) => e
            .into_iter()
            .filter(|(k, _)| is_bookkeeping_extra(k))
            .collect(),
        _ => Map::new(),
    };
    value.retain(|k, _| BOOKKEEPING.contains(&k.as_str()));
    for (k, v) in content {
        match k.strip_prefix(EXTRA_PREFIX) {
            Some(key) => {
                extra.insert(key.to_string(), v);
            }
            None => {
                value.insert(k, v);
            }
        }
    }
    if !extra.is_empty() {
        value.insert("extra".into(), Value::Object(extra));
    }
    serde_json::from_value::<Person>(Value::Object(value))
        .map(Person::normalize)
        .unwrap_or_else(|_| theirs.clone())
}

/// Same content, ignoring ids, versions, timestamps and bookkeeping.
pub fn content_eq(a: &Person, b: &Person) -> bool {
    fields(a) == fields(b)
}

/// The content fields that differ between `base` and `edited`, sorted.
pub fn changed_fields(base: &Person, edited: &Person) -> Vec<String> {
    let (b, e) = (fields(base), fields(edited));
    let mut keys: Vec<&String> = b.keys().chain(e.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != e.get(*k))
        .cloned()
        .collect()
}

/// Whether `server` holds every value the edit `base -> edited` set.
pub fn holds_edit(base: &Person, edited: &Person, server: &Person) -> bool {
    let (e, s) = (fields(edited), fields(server));
    changed_fields(base, edited)
        .iter()
        .all(|k| e.get(k) == s.get(k))
}

/// One field as the three parties see it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    /// `jobTitle`, or `extra.KEY` for a field the model does not know.
    pub field: String,
    pub base: Value,
    pub mine: Value,
    pub theirs: Value,
}

impl FieldConflict {
    /// The field as users and servers name it (`dealSize`, not `extra.dealSize`).
    pub fn label(&self) -> &str {
        self.field
            .strip_prefix(EXTRA_PREFIX)
            .unwrap_or(self.field.as_str())
    }
}

/// The result of merging my edit onto their newer record.
#[derive(Debug, Clone, PartialEq)]
pub enum Merge {
    /// No field was changed by both: `merged` carries both sets of changes.
    Clean(Person),
    /// Fields both changed differently; everything else is merged already
    /// into `partial`.
    Conflicts {
        partial: Person,
        fields: Vec<FieldConflict>,
    },
}

/// Three-way merge at field level: a field changed only by me takes mine,
/// only by them takes theirs, by both to the same value is fine, by both
/// differently is a conflict.
pub fn merge(base: &Person, mine: &Person, theirs: &Person) -> Merge {
    let (partial, fields) = merge_fields(base, mine, theirs);
    if fields.is_empty() {
        Merge::Clean(partial)
    } else {
        Merge::Conflicts { partial, fields }
    }
}

fn merge_fields(base: &Person, mine: &Person, theirs: &Person) -> (Person, Vec<FieldConflict>) {
    let (b, m, t) = (fields(base), fields(mine), fields(theirs));
    let mut keys: Vec<&String> = b.keys().chain(m.keys()).chain(t.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut merged = t.clone();
    let mut conflicts = Vec::new();
    for k in keys {
        let (bv, mv, tv) = (b.get(k), m.get(k), t.get(k));
        let i_changed = mv != bv;
        let they_changed = tv != bv;
        if i_changed && (!they_changed || mv == tv) {
            match mv {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        } else if i_changed && they_changed {
            conflicts.push(FieldConflict {
                field: k.clone(),
                base: bv.cloned().unwrap_or(Value::Null),
                mine: mv.cloned().unwrap_or(Value::Null),
                theirs: tv.cloned().unwrap_or(Value::Null),
            });
        }
    }
    (with_fields(theirs, merged), conflicts)
}

/// Apply the user's choice for each conflicting field (`true` = mine).
pub fn resolve(partial: &Person, conflicts: &[FieldConflict], keep_mine: &[bool]) -> Person {
    let mut m = fields(partial);
    for (c, &mine) in conflicts.iter().zip(keep_mine) {
        let v = if mine { &c.mine } else { &c.theirs };
        if v.is_null() {
            m.remove(&c.field);
        } else {
            m.insert(c.field.clone(), v.clone());
        }
    }
    with_fields(partial, m)
}

/// A later queued edit `base -> edited`, moved onto `server`: the record an
/// earlier write of this person came back with. The fields the user changed
/// keep the user's values (the server's newer value there came from our own
/// earlier write, not from someone else); everything else is the server's,
/// so the edit's patch touches only what the user changed. Returns the new
/// `(base, edited)`.
pub fn rebase(base: &Person, edited: &Person, server: &Person) -> (Person, Person) {
    let (partial, conflicts) = merge_fields(base, edited, server);
    let mine = vec![true; conflicts.len()];
    (server.clone(), resolve(&partial, &conflicts, &mine))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(job: &str, company: &str, version: &str) -> Person {
        Person {
            id: "1".into(),
            family_name: "Doe".into(),
            job_title: job.into(),
            company: company.into(),
            version: Some(version.into()),
            ..Default::default()
        }
        .normalize()
    }

    fn with_extra(mut person: Person, extra: Value) -> Person {
        person.extra = extra.as_object().cloned().unwrap_or_default();
        person
    }

    #[test]
    fn changes_to_different_fields_merge_on_their_own() {
        let base = p("Engineer", "Acme", "v1");
        let mine = p("CTO", "Acme", "v1");
        let theirs = p("Engineer", "Globex", "v2");
        let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
            panic!("expected a clean merge")
        };
        assert_eq!(merged.job_title, "CTO");
        assert_eq!(merged.company, "Globex");
        assert_eq!(merged.version.as_deref(), Some("v2"), "based on theirs now");
    }

    #[test]
    fn the_same_field_changed_twice_is_a_conflict() {
        let base = p("Engineer", "Acme", "v1");
        let mine = p("CTO", "Acme", "v1");
        let theirs = p("VP", "Globex", "v2");
        let Merge::Conflicts { partial, fields } = merge(&base, &mine, &theirs) else {
            panic!("expected a conflict")
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "jobTitle");
        assert_eq!(
            (fields[0].mine.as_str(), fields[0].theirs.as_str()),
            (Some("CTO"), Some("VP"))
        );
        assert_eq!(partial.company, "Globex");
        assert_eq!(resolve(&partial, &fields, &[true]).job_title, "CTO");
        assert_eq!(resolve(&partial, &fields, &[false]).job_title, "VP");
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = p("Engineer", "Acme", "v1");
        let both = p("CTO", "Acme", "v1");
        assert!(matches!(
            merge(&base, &both, &p("CTO", "Acme", "v2")),
            Merge::Clean(_)
        ));
    }

    #[test]
    fn unknown_server_fields_merge_key_by_key_and_bookkeeping_is_theirs() {
        // Rhythm: the server's write bumped sys_version and changed the
        // notes; I changed another unknown field.
        let base = with_extra(
            p("Engineer", "Acme", "3"),
            json!({"notes": "old", "nickname": "Jo", "sys_version": 3, "@id": "/c/1"}),
        );
        let mine = with_extra(
            p("Engineer", "Acme", "3"),
            json!({"notes": "old", "nickname": "Joey", "sys_version": 3, "@id": "/c/1"}),
        );
        let theirs = with_extra(
            p("Engineer", "Acme", "4"),
            json!({"notes": "new", "nickname": "Jo", "sys_version": 4, "@id": "/c/1"}),
        );
        let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
            panic!("different extra keys must merge")
        };
        assert_eq!(merged.extra["notes"], "new");
        assert_eq!(merged.extra["nickname"], "Joey");
        assert_eq!(
            merged.extra["sys_version"], 4,
            "bookkeeping is the server's"
        );
        assert_eq!(changed_fields(&theirs, &merged), ["extra.nickname"]);

        // Both changed the same unknown field: one named conflict, not `extra`.
        let mut mine2 = mine.clone();
        mine2.extra.insert("notes".into(), json!("mine"));
        let Merge::Conflicts { fields, partial } = merge(&base, &mine2, &theirs) else {
            panic!("expected a conflict")
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].label(), "notes");
        let chosen = resolve(&partial, &fields, &[true]);
        assert_eq!(chosen.extra["notes"], "mine");
        assert_eq!(chosen.extra["sys_version"], 4, "never my old version");
        assert_eq!(chosen.version.as_deref(), Some("4"));
    }

    #[test]
    fn a_rebased_edit_touches_only_what_the_user_changed() {
        // Edit 1 (job title) landed; the server answered with version 2 and
        // a field it filled itself. Edit 2 (company) was queued on version 1.
        let v1 = p("CTO", "Acme", "1");
        let server = with_extra(p("CTO", "Acme", "2"), json!({"score": 7}));
        let edited = p("CTO", "Globex", "1");
        let (base, rebased) = rebase(&v1, &edited, &server);
        assert_eq!(base, server);
        assert_eq!(rebased.version.as_deref(), Some("2"));
        assert_eq!(rebased.company, "Globex");
        assert_eq!(rebased.extra["score"], 7, "the server's field is kept");
        assert_eq!(changed_fields(&base, &rebased), ["company"]);
        assert!(holds_edit(
            &v1,
            &edited,
            &with_extra(p("CTO", "Globex", "3"), json!({}))
        ));
        assert!(!holds_edit(&v1, &edited, &server));
    }
}
