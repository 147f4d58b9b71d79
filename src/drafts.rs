//! Unsaved note text on disk, so a crash or a dropped SSH session loses
//! nothing. Written atomically (temp file + rename), private to the user
//! (the directory 0700, each file 0600: note text is private). A draft the
//! user declined to restore is kept aside, so the next note typed does not
//! overwrite it, and offered again until it is discarded explicitly.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

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
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let tmp = self.dir.join("note.json.tmp");
        // A temp file left by a crash may carry older, looser permissions.
        let _ = std::fs::remove_file(&tmp);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(&serde_json::to_vec_pretty(draft)?)?;
        file.sync_all()?;
        std::fs::rename(tmp, self.path())
    }

    /// Set the current draft aside (the user said "not now"): it is offered
    /// again by a later [`load`](Self::load), and a new note typed
    /// meanwhile does not overwrite it.
    pub fn keep(&self) -> std::io::Result<()> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        match std::fs::rename(self.path(), self.dir.join(format!("kept-{nanos:039}.json"))) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The oldest draft set aside by [`keep`](Self::keep).
    fn oldest_kept(dir: &Path) -> Option<PathBuf> {
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("kept-") && n.ends_with(".json"))
            })
            .min()
    }

    /// The saved draft, if any (else the oldest one kept aside, which
    /// becomes the current one again); an unreadable one is moved aside,
    /// not lost.
    pub fn load(&self) -> Option<Draft> {
        if !self.path().exists()
            && let Some(kept) = Self::oldest_kept(&self.dir)
        {
            std::fs::rename(kept, self.path()).ok()?;
        }
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

    fn draft(text: &str) -> Draft {
        Draft {
            person_id: "p".into(),
            person_name: "Ann".into(),
            note_id: None,
            title: String::new(),
            category: String::new(),
            text: text.into(),
        }
    }

    #[test]
    fn a_kept_draft_survives_a_new_one_and_comes_back_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path().join("drafts"));
        store.save(&draft("first")).unwrap();
        store.keep().unwrap();
        assert!(!store.path().exists(), "set aside, not current");
        store.save(&draft("second")).unwrap();
        assert_eq!(store.load().unwrap().text, "second");
        store.clear().unwrap();
        assert_eq!(store.load().unwrap().text, "first", "offered again");
        store.clear().unwrap();
        assert!(store.load().is_none());
        store.keep().unwrap();
    }

    #[test]
    fn drafts_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path().join("drafts"));
        store.save(&draft("secret")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&store.path()), 0o600);
        assert_eq!(mode(&dir.path().join("drafts")), 0o700);
        store.keep().unwrap();
        let kept = DraftStore::oldest_kept(&dir.path().join("drafts")).unwrap();
        assert_eq!(mode(&kept), 0o600);
    }
}
