//! Listing and searching: `POST /contacts/{tenant}/search` takes field
//! filters (no free text), and pages by `LastEvaluatedKey` ->
//! `?exclusiveStartKey=`. One free-text search becomes a few filter bodies
//! ("phases") run one after the other.

use super::super::{BackendError, Cursor, Result};
use serde_json::{Value, json};

/// The filter bodies one free-text search runs, in order. Rhythm filters by
/// field, so a single word is tried as last name, first name and
/// organization; the adapter's listing de-duplicates the results.
pub fn search_bodies(search: Option<&str>) -> Vec<Value> {
    let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) else {
        return vec![json!({})];
    };
    if q.contains('@') {
        return vec![json!({"email_address": q})];
    }
    let words: Vec<&str> = q.split_whitespace().collect();
    match words.as_slice() {
        [one] => vec![
            json!({"last_name": one}),
            json!({"first_name": one}),
            json!({"organization_name": one}),
        ],
        [first, rest @ ..] => vec![
            json!({"first_name": first, "last_name": rest.join(" ")}),
            json!({"organization_name": q}),
        ],
        [] => vec![json!({})],
    }
}

/// Position in a (possibly multi-phase) search: phase index and the server's
/// key within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchCursor {
    pub phase: usize,
    pub key: Option<String>,
}

impl SearchCursor {
    pub fn start() -> SearchCursor {
        SearchCursor {
            phase: 0,
            key: None,
        }
    }

    pub fn encode(&self) -> Cursor {
        Cursor(json!({"phase": self.phase, "key": self.key}).to_string())
    }

    pub fn decode(c: &Cursor) -> Result<Self> {
        let bad = || BackendError::Malformed(format!("bad cursor {}", c.0));
        let v: Value = serde_json::from_str(&c.0).map_err(|_| bad())?;
        let phase = v.get("phase").and_then(Value::as_u64).ok_or_else(bad)?;
        Ok(SearchCursor {
            phase: usize::try_from(phase).unwrap_or(usize::MAX),
            key: v.get("key").and_then(Value::as_str).map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_phases() {
        assert_eq!(search_bodies(None), [json!({})]);
        assert_eq!(
            search_bodies(Some("a@b.c")),
            [json!({"email_address": "a@b.c"})]
        );
        assert_eq!(search_bodies(Some("Ada")).len(), 3);
        assert_eq!(
            search_bodies(Some("Ada King Lovelace"))[0],
            json!({"first_name": "Ada", "last_name": "King Lovelace"})
        );
    }

    #[test]
    fn cursors_round_trip() {
        let c = SearchCursor {
            phase: 2,
            key: Some(r#"{"id":"c-1"}"#.into()),
        };
        assert_eq!(SearchCursor::decode(&c.encode()).unwrap(), c);
        assert!(SearchCursor::decode(&Cursor("nope".into())).is_err());
    }
}
