//! Imports point one way: a module may use its own layer and the layers
//! below it, never one above. Read from the source (like jj's test that no
//! test file is forgotten), so a new `use crate::app::…` in the client fails
//! here, naming the file, the line and both layers, rather than in review.
//!
//! Checked: `crate::…` paths and `use crate::{…}` groups (over several
//! lines too), and `super::…` paths that climb to the crate root. Not
//! checked: comments, string literals and test modules (`#[cfg(test)]`
//! items and the files of `#[cfg(test)] mod x;`), which may reach anywhere.
//! Every module `src/lib.rs` declares must have a layer, and the README's
//! layer table is this table.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

struct Layer {
    modules: &'static [&'static str],
    /// What the layer is for (the README's table says the same).
    what: &'static str,
}

/// Bottom up: layer 0 first.
const LAYERS: &[Layer] = &[
    Layer {
        modules: &["model", "sanitize"],
        what: "the vocabulary: people, notes, the field catalogue, capabilities, validation; text made safe to show. No I/O",
    },
    Layer {
        modules: &["store", "outbox", "backend", "drafts", "enrich", "format"],
        what: "storage and the wire: SQLite (migrations, cache, outbox queue), the queued changes, one adapter per CRM with its profile options and `build`, note drafts on disk, enrichment proposals, vCard and CSV files",
    },
    Layer {
        modules: &["client", "search", "config", "workspace"],
        what: "putting them together: the cached client and its two write paths, matching people, the config file and typed profiles, opening the workspace a profile names",
    },
    Layer {
        modules: &["app", "ui", "cli", "terminal", "fake_data"],
        what: "what the user touches: the TUI's state, update and loop, drawing, one file per CLI command, the terminal; generated test data (no library code may use it)",
    },
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.modules.contains(&module))
}

fn describe(layer: usize) -> String {
    format!("layer {layer}: {}", LAYERS[layer].modules.join(", "))
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are the module `a::b`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `source` with comments and the insides of string and char literals
/// blanked (newlines kept, so line numbers hold): only code is searched.
fn code_only(source: &str) -> Vec<char> {
    let chars: Vec<char> = source.chars().collect();
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev = out.last().copied().unwrap_or(' ');
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.extend([' ', ' ']);
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.extend([' ', ' ']);
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && (!is_ident(prev) || prev == 'b') {
            // A raw string `r"…"` / `r#"…"#` (or a raw identifier `r#x`).
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            let mut k = j + 1;
            while k < chars.len() {
                if chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#')) {
                    k += hashes + 1;
                    break;
                }
                k += 1;
            }
            out.extend(chars[i..k.min(chars.len())].iter().map(|&c| blank(c)));
            i = k;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    out.push(blank(c));
                }
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped char literal: '\n', '\'', '\u{1F600}'.
            let mut k = i + 3;
            while k < chars.len() && chars[k] != '\'' {
                k += 1;
            }
            out.extend(chars[i..=k.min(chars.len() - 1)].iter().map(|&c| blank(c)));
            i = k + 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.extend([' ', ' ', ' ']);
            i += 3;
        } else {
            // Code, or the quote of a lifetime.
            out.push(c);
            i += 1;
        }
    }
    out
}

fn starts_with(code: &[char], at: usize, text: &str) -> bool {
    (at..)
        .zip(text.chars())
        .all(|(i, t)| code.get(i) == Some(&t))
}

fn skip_ws(code: &[char], mut i: usize) -> usize {
    while code.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// The index just past the bracket that closes the one at `open`.
fn past_closing(code: &[char], open: usize) -> usize {
    let (o, c) = match code[open] {
        '[' => ('[', ']'),
        '(' => ('(', ')'),
        _ => ('{', '}'),
    };
    let mut depth = 0;
    for (i, &ch) in code.iter().enumerate().skip(open) {
        if ch == o {
            depth += 1;
        } else if ch == c {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
    }
    code.len()
}

/// Blank every `#[cfg(test)]` item (the attribute, any further attributes
/// and the item up to its `;` or closing brace). Returns the names of test
/// modules that live in files of their own (`#[cfg(test)] mod x;`).
fn blank_test_items(code: &mut [char]) -> Vec<String> {
    let mut file_modules = Vec::new();
    let mut i = 0;
    while i < code.len() {
        if !starts_with(code, i, "#[cfg(test)]") {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = skip_ws(code, i);
        while code.get(j) == Some(&'#') {
            j = skip_ws(code, past_closing(code, j + 1));
        }
        let item_start = j;
        while j < code.len() && code[j] != ';' && code[j] != '{' {
            if code[j] == '(' || code[j] == '[' {
                j = past_closing(code, j);
            } else {
                j += 1;
            }
        }
        let end = if code.get(j) == Some(&'{') {
            past_closing(code, j)
        } else {
            let head: String = code[item_start..j].iter().collect();
            let words: Vec<&str> = head.split_whitespace().collect();
            if let ["mod", name] | ["pub", "mod", name] | ["pub(crate)", "mod", name] =
                words.as_slice()
            {
                file_modules.push(name.to_string());
            }
            (j + 1).min(code.len())
        };
        for c in &mut code[start..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    file_modules
}

/// One segment of a path, with where it starts.
#[derive(Debug, Clone)]
struct Segment {
    name: String,
    at: usize,
}

fn ident_at(code: &[char], i: usize) -> Option<(String, usize)> {
    let end = (i..code.len())
        .find(|&k| !is_ident(code[k]))
        .unwrap_or(code.len());
    (end > i).then(|| (code[i..end].iter().collect(), end))
}

/// The leaf paths of the use tree at `i`: `a::b`, `a::{b, c::{d, e}}`, `*`.
fn use_tree(code: &[char], i: usize, prefix: &[Segment], out: &mut Vec<Vec<Segment>>) {
    let mut path = prefix.to_vec();
    let mut i = skip_ws(code, i);
    loop {
        if code.get(i) == Some(&'{') {
            let end = past_closing(code, i) - 1;
            let mut k = i + 1;
            while k < end {
                k = skip_ws(code, k);
                if k >= end {
                    break;
                }
                let item_end = item_end(code, k, end);
                use_tree(code, k, &path, out);
                k = item_end + 1;
            }
            return;
        }
        let Some((name, end)) = ident_at(code, i) else {
            out.push(path);
            return;
        };
        path.push(Segment { name, at: i });
        let after = skip_ws(code, end);
        if starts_with(code, after, "::") {
            i = skip_ws(code, after + 2);
        } else {
            out.push(path);
            return;
        }
    }
}

/// Where the group item starting at `k` ends (its comma, or `end`).
fn item_end(code: &[char], mut k: usize, end: usize) -> usize {
    while k < end && code[k] != ',' {
        if code[k] == '{' {
            k = past_closing(code, k);
        } else {
            k += 1;
        }
    }
    k
}

fn line_of(code: &[char], at: usize) -> usize {
    code[..at].iter().filter(|&&c| c == '\n').count() + 1
}

/// Top-level modules `code` refers to, each with the line it is named on.
/// `module` is the file's own module path (for `super::`).
fn top_modules_used(code: &[char], module: &[String]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let boundary = i == 0 || !is_ident(code[i - 1]);
        let word = ["crate", "super"].into_iter().find(|w| {
            starts_with(code, i, w) && !code.get(i + w.len()).is_some_and(|&c| is_ident(c))
        });
        let (Some(_), true) = (word, boundary) else {
            i += 1;
            continue;
        };
        let mut leaves = Vec::new();
        use_tree(code, i, &[], &mut leaves);
        for leaf in leaves {
            let supers = leaf.iter().take_while(|s| s.name == "super").count();
            let (base, rest) = if leaf[0].name == "crate" {
                (&module[..0], &leaf[1..])
            } else if supers <= module.len() {
                (&module[..module.len() - supers], &leaf[supers..])
            } else {
                continue;
            };
            // A path that stays inside the file's own top-level module is
            // fine whatever it names.
            if !base.is_empty() {
                continue;
            }
            if let Some(top) = rest.first().filter(|s| s.name != "self") {
                let used = (top.name.clone(), line_of(code, top.at));
                // `a::{x, y}` names `a` once.
                if !found.contains(&used) {
                    found.push(used);
                }
            }
        }
        // Past the whole path (its segments are not paths of their own).
        i += 5;
        while i < code.len() && (is_ident(code[i]) || code[i] == ':') {
            i += 1;
        }
    }
    found
}

/// The violations in one file, `rel` being its path under `src/`.
fn violations_in(rel: &Path, source: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let module = module_path(rel);
    let mut code = code_only(source);
    let test_files = blank_test_items(&mut code)
        .into_iter()
        .map(|name| {
            let mut m = module.clone();
            m.push(name);
            m
        })
        .collect();
    let Some(own) = module.first().and_then(|m| layer_of(m)) else {
        return (Vec::new(), test_files);
    };
    let violations = top_modules_used(&code, &module)
        .into_iter()
        .filter_map(|(top, line)| {
            let theirs = layer_of(&top)?;
            (theirs > own).then(|| {
                format!(
                    "src/{}:{line}: {} ({}) imports crate::{top} ({})",
                    rel.display(),
                    module[0],
                    describe(own),
                    describe(theirs)
                )
            })
        })
        .collect();
    (violations, test_files)
}

/// Modules `src/lib.rs` declares.
fn declared_modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).expect("src/lib.rs");
    let code: String = code_only(&lib).into_iter().collect();
    code.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub mod ")
                .or(line.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').trim().to_string())
        })
        .collect()
}

#[test]
fn imports_point_down_the_layers() {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut test_files: Vec<Vec<String>> = Vec::new();
    let mut found: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src/");
        if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
            continue;
        }
        let source = std::fs::read_to_string(path).expect("a source file");
        let (violations, tests) = violations_in(rel, &source);
        test_files.extend(tests);
        found.push((module_path(rel), violations));
    }
    assert!(found.len() > 50, "read {} files under src/", found.len());
    let violations: Vec<String> = found
        .into_iter()
        .filter(|(module, _)| !test_files.iter().any(|t| module.starts_with(t)))
        .flat_map(|(_, v)| v)
        .collect();
    assert!(
        violations.is_empty(),
        "a module imports from a layer above its own (move the shared type down, \
         or the code up):\n{}",
        violations.join("\n")
    );
}

#[test]
fn every_module_has_one_layer() {
    let declared = declared_modules();
    assert!(declared.contains("model"), "{declared:?}");
    let listed: Vec<&str> = LAYERS
        .iter()
        .flat_map(|l| l.modules.iter().copied())
        .collect();
    let unplaced: Vec<&String> = declared
        .iter()
        .filter(|m| !listed.contains(&m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "src/lib.rs declares {unplaced:?} but tests/pure/layers.rs gives it no layer: add it to LAYERS (and the README's table)"
    );
    let stale: Vec<&&str> = listed.iter().filter(|m| !declared.contains(**m)).collect();
    assert!(
        stale.is_empty(),
        "LAYERS lists {stale:?}, which src/lib.rs does not declare"
    );
    let unique: BTreeSet<&&str> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "a module in two layers");
}

/// The README's layer table, as this test's table writes it.
fn readme_table() -> String {
    let mut out = String::from("| layer | modules | what |\n|---|---|---|\n");
    for (n, layer) in LAYERS.iter().enumerate() {
        let modules: Vec<String> = layer.modules.iter().map(|m| format!("`{m}`")).collect();
        out.push_str(&format!(
            "| {n} | {} | {} |\n",
            modules.join(", "),
            layer.what
        ));
    }
    out
}

#[test]
fn the_readme_shows_these_layers() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let begin = "<!-- layers:begin (generated from tests/pure/layers.rs) -->\n";
    let end = "<!-- layers:end -->";
    let start = readme
        .find(begin)
        .expect("the README's layer table markers")
        + begin.len();
    let stop = readme[start..].find(end).expect("the end marker") + start;
    assert_eq!(
        &readme[start..stop],
        readme_table(),
        "README.md's layer table drifted from tests/pure/layers.rs"
    );
}

/// The check itself: it must see what it is there to see, and only that.
#[test]
fn the_check_sees_paths_groups_and_super_but_not_comments_strings_or_tests() {
    let store = Path::new("store/mod.rs");
    let source = r#"
use crate::model::Person;
use crate::{
    outbox::Op,
    client::{Client, flush::FlushReport},
};
// use crate::app::State;
/* crate::ui::draw */
const HELP: &str = "see crate::cli::run";
const RAW: &str = r"crate::cli::run";
fn f<'a>(x: &'a str) -> char { let _ = crate::app::keymap::Keymap::defaults(); '"' }
#[cfg(test)]
mod tests {
    use crate::app::state::State;
}
#[cfg(test)]
mod more_tests;
"#;
    let (violations, test_files) = violations_in(store, source);
    assert_eq!(
        violations,
        [
            "src/store/mod.rs:5: store (layer 1: store, outbox, backend, drafts, enrich, format) imports crate::client (layer 2: client, search, config, workspace)",
            "src/store/mod.rs:11: store (layer 1: store, outbox, backend, drafts, enrich, format) imports crate::app (layer 3: app, ui, cli, terminal, fake_data)",
        ]
    );
    assert_eq!(
        test_files,
        [vec!["store".to_string(), "more_tests".to_string()]]
    );

    // `super::` that climbs to the crate root names a top-level module;
    // one that stays inside the module does not.
    let (violations, _) = violations_in(
        Path::new("config/keys.rs"),
        "use super::super::app::keymap::Keymap;\nuse super::Profile;\n",
    );
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].starts_with("src/config/keys.rs:1: config (layer 2"));
    let (violations, _) = violations_in(
        Path::new("backend/rhythm/oauth.rs"),
        "use super::super::http::Auth;\n",
    );
    assert!(violations.is_empty(), "{violations:?}");

    // Downwards and sideways is fine.
    let (violations, _) = violations_in(
        Path::new("app/state.rs"),
        "use crate::{client::Client, ui::draw, model::Person};\n",
    );
    assert!(violations.is_empty(), "{violations:?}");
}
