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
    Command => "command",
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

    /// Add or replace bindings; the first bad one is reported with its
    /// place. `"x" = "none"` unbinds `x`. An action must do something in
    /// its mode, and no key may be bound alone and also start a sequence
    /// (`"g" = "quit"` would make `g g` unreachable): checked once all
    /// are in, so a file may unbind the sequence as well.
    pub fn apply(&mut self, bindings: &[RawBinding], file: &str) -> Result<(), KeymapError> {
        let err = |b: &RawBinding, message: String| KeymapError {
            file: file.to_string(),
            line: b.line,
            table: b.mode.clone(),
            key: b.key.clone(),
            message,
        };
        let mut written: Vec<(KeyMode, KeySeq, &RawBinding)> = Vec::new();
        for b in bindings {
            let mode = KeyMode::from_name(&b.mode).ok_or_else(|| {
                err(
                    b,
                    format!(
                        "unknown mode '{}' (modes: {})",
                        b.mode,
                        KeyMode::ALL
                            .iter()
                            .map(|m| m.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            let seq = parse_seq(&b.key).map_err(|m| err(b, m))?;
            let table = self.modes.entry(mode).or_default();
            if b.action == UNBIND {
                table.remove(&seq);
                written.retain(|(m, s, _)| !(*m == mode && *s == seq));
                continue;
            }
            let action = Action::from_name(&b.action)
                .ok_or_else(|| err(b, unknown_action_message(&b.action, mode)))?;
            if !acts_in(mode, action) {
                return Err(err(b, does_nothing_message(action, mode)));
            }
            table.insert(seq.clone(), action);
            written.retain(|(m, s, _)| !(*m == mode && *s == seq));
            written.push((mode, seq, b));
        }
        written.sort_by_key(|(_, _, b)| b.line);
        for (mode, seq, b) in &written {
            if let Some((short, long)) = self.shadowing(*mode, seq) {
                let name = |s: &KeySeq| self.modes[mode][s].name();
                return Err(err(
                    b,
                    format!(
                        "\"{}\" ({}) shadows \"{}\" ({}): a key bound alone cannot also start a \
                         sequence; bind another key, or unbind one with = \"{UNBIND}\"",
                        format_seq(&short),
                        name(&short),
                        format_seq(&long),
                        name(&long),
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A binding that `seq` shadows or is shadowed by in `mode`: `(the
    /// shorter, the longer it starts)`.
    fn shadowing(&self, mode: KeyMode, seq: &KeySeq) -> Option<(KeySeq, KeySeq)> {
        let table = self.modes.get(&mode)?;
        if let Some(n) = (1..seq.len()).find(|n| table.contains_key(&seq[..*n])) {
            return Some((seq[..n].to_vec(), seq.clone()));
        }
        let mut longer: Vec<&KeySeq> = table
            .keys()
            .filter(|s| s.len() > seq.len() && s.starts_with(seq))
            .collect();
        longer.sort_by_key(|s| format_seq(s));
        longer.first().map(|long| (seq.clone(), (*long).clone()))
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

/// The action name that unbinds a key: `"x" = "none"`.
pub const UNBIND: &str = "none";

/// "unknown action", with the near names and every action of the mode.
fn unknown_action_message(name: &str, mode: KeyMode) -> String {
    let near = near_names(name);
    let near = if near.is_empty() {
        ".".to_string()
    } else {
        format!("; did you mean {}?", near.join(", "))
    };
    let valid: Vec<&str> = actions_in(mode).iter().map(|a| a.name()).collect();
    format!(
        "unknown action '{name}'{near} The actions of [{}]: {}; \"{UNBIND}\" unbinds the key",
        mode.name(),
        valid.join(", ")
    )
}

/// An action bound where it would do nothing, with where it works.
fn does_nothing_message(action: Action, mode: KeyMode) -> String {
    let works: Vec<&str> = modes_of(action).iter().map(|m| m.name()).collect();
    format!(
        "'{}' does nothing in [{}]; it works in [{}]",
        action.name(),
        mode.name(),
        works.join("], [")
    )
}

/// Up to four action names near `text`: those containing it, and those a
/// few edits away, nearest first.
pub fn near_names(text: &str) -> Vec<&'static str> {
    let text = text.trim().to_lowercase();
    let mut scored: Vec<(usize, &'static str)> = Action::ALL
        .iter()
        .map(|a| a.name())
        .filter_map(|name| {
            let distance = strsim::damerau_levenshtein(&text, name);
            let close = distance <= 1 + name.len().min(text.len()) / 3;
            let part = text.len() >= 3 && name.contains(&text);
            (close || part).then_some((if part { 0 } else { distance }, name))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(4).map(|(_, name)| name).collect()
}

/// Whether `action` does something in `mode`: the actions the default
/// keymap binds there (each has an arm in that layer's `handle`), and
/// `quit` everywhere. A user may rebind them to other keys, and bind no
/// other action there (it would do nothing).
pub fn acts_in(mode: KeyMode, action: Action) -> bool {
    action == Action::Quit
        || default_actions()
            .get(&mode)
            .is_some_and(|a| a.contains(&action))
}

/// The actions that do something in `mode`, in help order.
pub fn actions_in(mode: KeyMode) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| acts_in(mode, *a))
        .collect()
}

/// The modes `action` does something in, for "it works in: …".
pub fn modes_of(action: Action) -> Vec<KeyMode> {
    KeyMode::ALL
        .iter()
        .copied()
        .filter(|m| acts_in(*m, action) && action != Action::Quit)
        .collect()
}

fn default_actions() -> &'static BTreeMap<KeyMode, std::collections::BTreeSet<Action>> {
    static ACTS: std::sync::OnceLock<BTreeMap<KeyMode, std::collections::BTreeSet<Action>>> =
        std::sync::OnceLock::new();
    ACTS.get_or_init(|| {
        let mut acts: BTreeMap<KeyMode, std::collections::BTreeSet<Action>> = BTreeMap::new();
        for b in parse_keymap_toml(DEFAULT_KEYMAP).unwrap_or_default() {
            if let (Some(mode), Some(action)) =
                (KeyMode::from_name(&b.mode), Action::from_name(&b.action))
            {
                acts.entry(mode).or_default().insert(action);
            }
        }
        acts
    })
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

    fn user(src: &str) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::defaults();
        map.apply(&parse_keymap_toml(src).unwrap(), "config.toml")?;
        Ok(map)
    }

    #[test]
    fn none_unbinds_a_key() {
        let map = user("[normal]\n\"q\" = \"none\"\n\"y e\" = \"none\"\n").unwrap();
        let q = Key::parse("q").unwrap();
        assert_eq!(map.lookup(KeyMode::Normal, &[q]), Lookup::Unbound);
        assert!(
            map.key_for(KeyMode::Normal, Action::Quit).is_some(),
            "ctrl-c stays"
        );
        // With `y e` gone, `y` still starts `y p`.
        let y = Key::parse("y").unwrap();
        assert_eq!(map.lookup(KeyMode::Normal, &[y]), Lookup::Pending);
        // Unbinding a key that is not bound is no mistake.
        assert!(user("[normal]\n\"F5\" = \"none\"\n").is_ok());
    }

    #[test]
    fn a_key_that_shadows_a_sequence_is_an_error_naming_both() {
        let err = user("[normal]\n\n\"g\" = \"quit\"\n").unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (3, "g"));
        assert!(
            err.message
                .starts_with("\"g\" (quit) shadows \"g g\" (go_top)"),
            "{err}"
        );
        // The other way round: a sequence under a key bound alone.
        let err = user("[normal]\n\"j k\" = \"go_top\"\n").unwrap_err();
        assert_eq!(err.key, "j k");
        assert!(
            err.message
                .starts_with("\"j\" (move_down) shadows \"j k\" (go_top)"),
            "{err}"
        );
        // Unbinding the sequence in the same file makes room for the key.
        let map = user("[normal]\n\"g\" = \"quit\"\n\"g g\" = \"none\"\n").unwrap();
        let g = Key::parse("g").unwrap();
        assert_eq!(
            map.lookup(KeyMode::Normal, &[g]),
            Lookup::Action(Action::Quit)
        );
        // Another mode's sequences are no concern.
        assert!(user("[help]\n\"g\" = \"back\"\n").is_ok());
    }

    #[test]
    fn an_action_bound_where_it_does_nothing_is_an_error() {
        let err = user("[normal]\n\"ctrl-s\" = \"save\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "'save' does nothing in [normal]; it works in [editor], [form]"
        );
        let err = user("[help]\n\"f\" = \"flag_note\"\n").unwrap_err();
        assert!(err.message.contains("it works in [detail]"), "{err}");
    }

    #[test]
    fn the_unknown_action_error_lists_the_near_and_the_valid_ones() {
        let err = user("[confirm]\n\"x\" = \"confrim\"\n").unwrap_err();
        assert!(
            err.message
                .starts_with("unknown action 'confrim'; did you mean confirm?"),
            "{err}"
        );
        assert!(
            err.message.ends_with(
                "The actions of [confirm]: quit, confirm, deny, discard_draft; \"none\" unbinds the key"
            ),
            "{err}"
        );
        let err = user("[normal]\n\"x\" = \"zzzzzzzz\"\n").unwrap_err();
        assert!(
            err.message.starts_with(
                "unknown action 'zzzzzzzz'. The actions of [normal]: move_down, move_up,"
            ),
            "{err}"
        );
    }

    #[test]
    fn every_mode_has_its_actions_and_quit_works_everywhere() {
        for mode in KeyMode::ALL {
            assert!(acts_in(*mode, Action::Quit));
            assert!(actions_in(*mode).len() > 1, "{}", mode.name());
        }
        assert_eq!(modes_of(Action::FlagNote), [KeyMode::Detail]);
    }
}
