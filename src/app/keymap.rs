//! Keys to actions, per mode: the defaults in `assets/keymap.toml`, then the
//! user's `[keys.<mode>]` overrides. Sequences ("g g") resolve through an
//! explicit pending state.

use super::action::Action;
pub use crate::config::keys::{KeyTables, RawBinding, bindings_from_tables};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

macro_rules! key_modes {
    ($( $variant:ident => $name:literal, )*) => {
        /// A keymap table; each matches one input context of the app.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum KeyMode {
            $( $variant, )*
        }

        impl KeyMode {
            pub const ALL: &'static [KeyMode] = &[$( KeyMode::$variant, )*];

            /// The table's name in `assets/keymap.toml` and `[keys.<mode>]`.
            pub fn name(self) -> &'static str {
                match self { $( KeyMode::$variant => $name, )* }
            }

            pub fn from_name(name: &str) -> Option<KeyMode> {
                KeyMode::ALL.iter().copied().find(|m| m.name() == name)
            }
        }
    };
}

// One line per table: a new layer's keys cost one entry here (and its
// table in `assets/keymap.toml`).
key_modes! {
    Normal => "normal",
    Detail => "detail",
    Search => "search",
    Editor => "editor",
    Form => "form",
    Confirm => "confirm",
    Review => "review",
    Conflict => "conflict",
    Outbox => "outbox",
    Duplicates => "duplicates",
    Help => "help",
}

/// One key press, normalised so that `G` and `shift-g` are the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // Shift is already in the character itself.
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }

    /// Parse one key: "j", "G", "ctrl-d", "shift-tab", "enter", "f5", "space".
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::empty();
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, m) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            if rest.len() == prefix.len() {
                break; // "ctrl-" alone: let the name check fail below
            }
            mods |= m;
            rest = &rest[prefix.len()..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some('↑'), None) => KeyCode::Up,
            (Some('↓'), None) => KeyCode::Down,
            (Some('←'), None) => KeyCode::Left,
            (Some('→'), None) => KeyCode::Right,
            (Some(c), None) if !c.is_whitespace() => {
                if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                "space" => KeyCode::Char(' '),
                // Also the names help and the README show, so any key
                // shown can be written back into a config file.
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                name => match name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    Some(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("'{text}' is not a key")),
                },
            },
        };
        Ok(Key::new(code, mods))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A sequence of keys, e.g. `g g`.
pub type KeySeq = Vec<Key>;

pub fn parse_seq(text: &str) -> Result<KeySeq, String> {
    let seq: Vec<Key> = text
        .split_whitespace()
        .map(Key::parse)
        .collect::<Result<_, _>>()?;
    if seq.is_empty() {
        return Err("an empty key".into());
    }
    Ok(seq)
}

pub fn format_seq(seq: &[Key]) -> String {
    seq.iter().map(Key::to_string).collect::<Vec<_>>().join(" ")
}

/// What a key (with those pressed before it) means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// A prefix of some sequence: wait for the next key.
    Pending,
    /// Not bound.
    Unbound,
}

/// A problem in a keymap file, located for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: [{table}] \"{key}\": {message}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub table: String,
    pub key: String,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    modes: BTreeMap<KeyMode, HashMap<KeySeq, Action>>,
}

impl Keymap {
    /// The built-in defaults. They are tested, so failing here is a bug.
    pub fn defaults() -> Keymap {
        let mut map = Keymap::default();
        let bindings = parse_keymap_toml(DEFAULT_KEYMAP)
            .expect("assets/keymap.toml is valid (checked by tests)");
        map.apply(&bindings, "assets/keymap.toml")
            .expect("assets/keymap.toml is valid (checked by tests)");
        map
    }

    /// Add or replace bindings; the first bad one is reported with its place.
    pub fn apply(&mut self, bindings: &[RawBinding], file: &str) -> Result<(), KeymapError> {
        for b in bindings {
            let err = |message: String| KeymapError {
                file: file.to_string(),
                line: b.line,
                table: b.mode.clone(),
                key: b.key.clone(),
                message,
            };
            let mode = KeyMode::from_name(&b.mode).ok_or_else(|| {
                err(format!(
                    "unknown mode '{}' (modes: {})",
                    b.mode,
                    KeyMode::ALL
                        .iter()
                        .map(|m| m.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let seq = parse_seq(&b.key).map_err(err)?;
            let action = Action::from_name(&b.action)
                .ok_or_else(|| err(format!("unknown action '{}'", b.action)))?;
            self.modes.entry(mode).or_default().insert(seq, action);
        }
        Ok(())
    }

    pub fn lookup(&self, mode: KeyMode, pressed: &[Key]) -> Lookup {
        let Some(table) = self.modes.get(&mode) else {
            return Lookup::Unbound;
        };
        if let Some(action) = table.get(pressed) {
            return Lookup::Action(*action);
        }
        if table
            .keys()
            .any(|seq| seq.len() > pressed.len() && seq.starts_with(pressed))
        {
            Lookup::Pending
        } else {
            Lookup::Unbound
        }
    }

    /// Bindings of one mode, grouped by action in help order:
    /// `(action, ["j", "↓"])`.
    pub fn bindings(&self, mode: KeyMode) -> Vec<(Action, Vec<String>)> {
        let mut by_action: BTreeMap<Action, Vec<String>> = BTreeMap::new();
        if let Some(table) = self.modes.get(&mode) {
            for (seq, action) in table {
                by_action.entry(*action).or_default().push(format_seq(seq));
            }
        }
        let mut out: Vec<_> = by_action.into_iter().collect();
        out.sort_by_key(|(a, _)| Action::ALL.iter().position(|x| x == a));
        for (_, keys) in &mut out {
            // Single characters first: they are what people type.
            keys.sort_by_key(|k| (k.chars().count() > 1, k.clone()));
        }
        out
    }

    /// The first key shown for `action` in `mode`, for footer hints.
    pub fn key_for(&self, mode: KeyMode, action: Action) -> Option<String> {
        self.bindings(mode)
            .into_iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, keys)| keys.into_iter().next())
    }
}

/// Read a keymap file's `[mode]` tables.
pub fn parse_keymap_toml(source: &str) -> Result<Vec<RawBinding>, String> {
    let tables: KeyTables = toml::from_str(source).map_err(|e| e.to_string())?;
    Ok(bindings_from_tables(source, tables))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(
            Key::parse("G").unwrap(),
            Key::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
        );
        assert_eq!(Key::parse("ctrl-d").unwrap().to_string(), "ctrl-d");
        assert_eq!(
            Key::parse("shift-tab").unwrap(),
            Key::parse("backtab").unwrap()
        );
        assert!(Key::parse("ctrl-").is_err());
        assert!(Key::parse("hyper").is_err());
        assert_eq!(parse_seq("g g").unwrap().len(), 2);
    }

    #[test]
    fn arrows_and_short_names_are_the_same_keys() {
        assert_eq!(Key::parse("↑").unwrap(), Key::parse("up").unwrap());
        assert_eq!(Key::parse("→").unwrap(), Key::parse("right").unwrap());
        assert_eq!(Key::parse("pgdn").unwrap(), Key::parse("pagedown").unwrap());
    }

    #[test]
    fn every_key_shown_parses_back() {
        let map = Keymap::defaults();
        for mode in KeyMode::ALL {
            for (_, keys) in map.bindings(*mode) {
                for shown in keys {
                    let seq = parse_seq(&shown).unwrap_or_else(|e| panic!("{shown}: {e}"));
                    assert_eq!(format_seq(&seq), shown);
                }
            }
        }
    }

    #[test]
    fn defaults_parse_without_duplicates() {
        let bindings = parse_keymap_toml(DEFAULT_KEYMAP).unwrap();
        let mut map = Keymap::default();
        map.apply(&bindings, "keymap.toml").unwrap();
        let mut seen = std::collections::HashSet::new();
        for b in &bindings {
            let seq = parse_seq(&b.key).unwrap();
            assert!(
                seen.insert((b.mode.clone(), seq)),
                "duplicate {} {}",
                b.mode,
                b.key
            );
        }
    }

    #[test]
    fn every_action_is_reachable_from_some_mode() {
        let map = Keymap::defaults();
        for action in Action::ALL {
            let bound = KeyMode::ALL
                .iter()
                .any(|m| map.bindings(*m).iter().any(|(a, _)| a == action));
            assert!(bound, "{} has no default key", action.name());
        }
    }

    #[test]
    fn sequences_are_pending_until_complete() {
        let map = Keymap::defaults();
        let g = Key::parse("g").unwrap();
        assert_eq!(map.lookup(KeyMode::Normal, &[g]), Lookup::Pending);
        assert_eq!(
            map.lookup(KeyMode::Normal, &[g, g]),
            Lookup::Action(Action::GoTop)
        );
        let z = Key::parse("z").unwrap();
        assert_eq!(map.lookup(KeyMode::Normal, &[z]), Lookup::Unbound);
    }

    #[test]
    fn user_errors_name_file_line_and_key() {
        let src = "[normal]\nj = \"move_down\"\n\"ctrl-\" = \"quit\"\n";
        let bindings = parse_keymap_toml(src).unwrap();
        let err = Keymap::defaults()
            .apply(&bindings, "config.toml")
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.key, "ctrl-");
        assert!(
            err.to_string()
                .starts_with("config.toml:3: [normal] \"ctrl-\""),
            "{err}"
        );

        let src = "[normal]\n\n\"x\" = \"fly_away\"\n";
        let err = Keymap::defaults()
            .apply(&parse_keymap_toml(src).unwrap(), "c.toml")
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("unknown action 'fly_away'"));
    }

    #[test]
    fn user_overrides_replace_defaults() {
        let mut map = Keymap::defaults();
        let src = "[normal]\n\"x\" = \"delete_person\"\n";
        map.apply(&parse_keymap_toml(src).unwrap(), "c.toml")
            .unwrap();
        let x = Key::parse("x").unwrap();
        assert_eq!(
            map.lookup(KeyMode::Normal, &[x]),
            Lookup::Action(Action::DeletePerson)
        );
    }
}
