//! Reference data: the things a CRM's records point at by the server's id
//! rather than by name (RogerRoger's IRIs `/tags/{id}`, `/users/{id}`, ...).
//!
//! Adapters that get links resolve them into [`Reference`]s; the client keeps
//! them in the cache so names show offline and without requests, and looks
//! names up in them before a write is queued. Backends whose records carry
//! names (local, Introzy, Rhythm) never produce any.

use serde::{Deserialize, Serialize};

/// What a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    Tag,
    Organization,
    User,
    Segment,
    NoteCategory,
}

impl RefKind {
    pub const ALL: [RefKind; 5] = [
        RefKind::Tag,
        RefKind::Organization,
        RefKind::User,
        RefKind::Segment,
        RefKind::NoteCategory,
    ];

    /// The stored name (`tag`, `note_category`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Tag => "tag",
            RefKind::Organization => "organization",
            RefKind::User => "user",
            RefKind::Segment => "segment",
            RefKind::NoteCategory => "note_category",
        }
    }

    pub fn parse(s: &str) -> Option<RefKind> {
        RefKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How a message names one ("tag", "note category").
    pub fn noun(self) -> &'static str {
        match self {
            RefKind::NoteCategory => "note category",
            other => other.as_str(),
        }
    }
}

/// One tag, organisation, user, segment or note category as the server
/// knows it, with the name users see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// The server's id for it (for RogerRoger its IRI, `/tags/7`).
    pub id: String,
    pub kind: RefKind,
    /// The name users see and type. Empty when the server would not tell
    /// (403/404 on dereferencing): [`Reference::label`] then names it by id.
    pub name: String,
    /// Tags: background and text colour (`#rrggbb` or `#rgb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_color: Option<String>,
}

impl Reference {
    pub fn new(kind: RefKind, id: impl Into<String>, name: impl Into<String>) -> Reference {
        Reference {
            id: id.into(),
            kind,
            name: name.into(),
            color: None,
            text_color: None,
        }
    }

    /// The name to show: the server's, or "tag 9cfe12ab" when it has none,
    /// so an unreadable link never shows as a raw path.
    pub fn label(&self) -> String {
        if self.name.trim().is_empty() {
            unnamed(self.kind, &self.id)
        } else {
            self.name.clone()
        }
    }
}

/// "organization 9cfe12ab" for a link whose name is not known.
pub fn unnamed(kind: RefKind, id: &str) -> String {
    let tail = id.rsplit('/').next().unwrap_or(id);
    let short: String = tail.chars().take(8).collect();
    format!("{} {short}", kind.noun())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unnamed_links_read_as_words() {
        for k in RefKind::ALL {
            assert_eq!(RefKind::parse(k.as_str()), Some(k));
        }
        let r = Reference::new(
            RefKind::Organization,
            "/organizations/9cfe12ab-77aa-4c1e-9a5b-0d9b1f4e2c11",
            "",
        );
        assert_eq!(r.label(), "organization 9cfe12ab");
        assert_eq!(
            Reference::new(RefKind::Tag, "/tags/1", "VIP").label(),
            "VIP"
        );
    }
}
