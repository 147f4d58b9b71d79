//! Unsaved note text on disk, so a crash or a dropped SSH session loses
//! nothing. Written atomically (temp file + rename).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Unsaved note text, written to the drafts file as the user types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub person_id: String,
    pub person_name: String,
    pub note_id: Option<String>,
    pub title: String,
    pub category: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
}

impl DraftStore {
    pub fn new(dir: PathBuf) -> DraftStore {
        DraftStore { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("note.json")
    }

    pub fn save(&self, draft: &Draft) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join("note.json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(draft)?)?;
        std::fs::rename(tmp, self.path())
    }

    /// The saved draft, if any; an unreadable one is moved aside, not lost.
    pub fn load(&self) -> Option<Draft> {
        let bytes = std::fs::read(self.path()).ok()?;
        match serde_json::from_slice(&bytes) {
            Ok(d) => Some(d),
            Err(_) => {
                let _ = std::fs::rename(self.path(), self.dir.join("note.json.unreadable"));
                None
            }
        }
    }

    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path().join("drafts"));
        assert!(store.load().is_none());
        let d = Draft {
            person_id: "p".into(),
            person_name: "Ann".into(),
            note_id: None,
            title: "t".into(),
            category: String::new(),
            text: "line1\nline2".into(),
        };
        store.save(&d).unwrap();
        assert_eq!(store.load(), Some(d));
        store.clear().unwrap();
        assert!(store.load().is_none());
        store.clear().unwrap();
    }
}
