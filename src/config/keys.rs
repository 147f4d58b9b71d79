//! The `[keys.<mode>]` tables of the config file, read as written: each
//! binding with the line it is on. The config does not know the modes or
//! the actions (the app does: `app::keymap::Keymap::apply` checks them and
//! names the file, line and key of the first bad one); it only keeps where
//! each binding was written.

use std::collections::BTreeMap;

/// One binding as written in a file, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBinding {
    pub mode: String,
    pub key: String,
    pub action: String,
    pub line: usize,
}

/// Key tables as read from TOML: mode -> key (with its place) -> action name.
pub type KeyTables = BTreeMap<String, BTreeMap<toml::Spanned<String>, String>>;

/// Flatten key tables, turning byte offsets into line numbers of `source`.
pub fn bindings_from_tables(source: &str, tables: KeyTables) -> Vec<RawBinding> {
    let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count() + 1;
    let mut out = Vec::new();
    for (mode, table) in tables {
        for (key, action) in table {
            out.push(RawBinding {
                mode: mode.clone(),
                line: line_of(key.span().start),
                key: key.into_inner(),
                action,
            });
        }
    }
    out.sort_by_key(|b| b.line);
    out
}

/// The user's key bindings and the file they were written in (for errors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserKeys {
    pub file: String,
    pub bindings: Vec<RawBinding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_keep_the_line_they_were_written_on() {
        let source = "[normal]\n\"j\" = \"move_down\"\n\n\"x\" = \"fly\"\n";
        let tables: KeyTables = toml::from_str(source).unwrap();
        let lines: Vec<(String, usize)> = bindings_from_tables(source, tables)
            .into_iter()
            .map(|b| (b.key, b.line))
            .collect();
        assert_eq!(lines, [("j".to_string(), 2), ("x".to_string(), 4)]);
    }
}
