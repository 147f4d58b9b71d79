//! The README cannot drift: its keymap tables must equal the live default
//! keymap, and its set-up block must hold exactly the two commands.
//!
//! After changing `assets/keymap.toml` or an action's description, run
//! `ROLO_BLESS=1 cargo test --test pure readme::` to rewrite the README's keymap
//! section from the live keymap (then review the diff).

use rolo::app::keymap::{KeyMode, Keymap};
use std::path::PathBuf;

const BEGIN: &str = "<!-- keymap:begin";
const END: &str = "<!-- keymap:end -->";

/// One table row: keys, action name, description.
type Row = (Vec<String>, String, String);

fn readme_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

fn readme() -> String {
    std::fs::read_to_string(readme_path()).expect("README.md is readable")
}

/// What each keymap table is for, shown under its heading.
fn mode_summary(mode: KeyMode) -> &'static str {
    match mode {
        KeyMode::Normal => "the people list",
        KeyMode::Detail => "a person's record and notes",
        KeyMode::Search => "typing in the search bar (other keys edit the query)",
        KeyMode::Editor => "the note editor (other keys edit the text)",
        KeyMode::Form => "the person form (other keys edit the field)",
        KeyMode::Confirm => "yes/no questions",
        KeyMode::Review => "reviewing enrichment proposals",
        KeyMode::Conflict => "settling an edit the server changed meanwhile",
        KeyMode::Outbox => "the queued changes (what waits to be sent, what the server refused)",
        KeyMode::Duplicates => {
            "the duplicate review (pick each field's value, merge, or not a duplicate)"
        }
        KeyMode::Help => "the help overlay",
        KeyMode::Command => "the `:` command line (other keys edit the command)",
    }
}

/// The live default keymap, per mode in `KeyMode::ALL` order.
fn live() -> Vec<(String, Vec<Row>)> {
    let keymap = Keymap::defaults();
    KeyMode::ALL
        .iter()
        .map(|&mode| {
            let rows = keymap
                .bindings(mode)
                .into_iter()
                .map(|(action, keys)| {
                    (
                        keys,
                        action.name().to_string(),
                        action.description().to_string(),
                    )
                })
                .collect();
            (mode.name().to_string(), rows)
        })
        .collect()
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {} ``", escape_cell(text))
    } else {
        format!("`{}`", escape_cell(text))
    }
}

/// The README's keymap section, as generated from the live keymap.
fn generated_section() -> String {
    let mut out = String::new();
    for (&mode, (name, rows)) in KeyMode::ALL.iter().zip(live()) {
        out.push_str(&format!("\n#### `{name}`: {}\n\n", mode_summary(mode)));
        out.push_str("| Key(s) | Action | Description |\n|---|---|---|\n");
        for (keys, action, description) in rows {
            let keys: Vec<String> = keys.iter().map(|k| code(k)).collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                keys.join(", "),
                code(&action),
                escape_cell(&description)
            ));
        }
    }
    out.push('\n');
    out
}

/// Split a table row on unescaped `|`.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().unwrap().push('|');
                chars.next();
            }
            '|' => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

fn uncode(text: &str) -> String {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("`` ").and_then(|s| s.strip_suffix(" ``")) {
        return inner.to_string();
    }
    t.trim_matches('`').to_string()
}

/// Split a keys cell: "`j`, `↓`" -> ["j", "↓"]. Commas inside code spans
/// (a key named ",") stay in their key.
fn split_keys(cell: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = cell.trim();
    while !rest.is_empty() {
        let (fence, body) = if let Some(r) = rest.strip_prefix("`` ") {
            (" ``", r)
        } else if let Some(r) = rest.strip_prefix('`') {
            ("`", r)
        } else {
            panic!("keys must be code spans: {cell:?}");
        };
        let end = body
            .find(fence)
            .unwrap_or_else(|| panic!("unclosed code span in {cell:?}"));
        keys.push(body[..end].to_string());
        rest = body[end + fence.len()..]
            .trim_start()
            .trim_start_matches(',')
            .trim_start();
    }
    keys
}

/// The keymap tables as written in the README.
fn parsed(section: &str) -> Vec<(String, Vec<Row>)> {
    let mut modes: Vec<(String, Vec<Row>)> = Vec::new();
    for line in section.lines() {
        let line = line.trim();
        if let Some(heading) = line.strip_prefix("#### ") {
            let name = heading
                .split('`')
                .nth(1)
                .unwrap_or_else(|| panic!("mode heading without `name`: {line}"));
            modes.push((name.to_string(), Vec::new()));
        } else if line.starts_with('|') {
            let c = cells(line);
            assert_eq!(c.len(), 3, "a keymap row has three cells: {line}");
            if c[0] == "Key(s)" || c[0].starts_with("---") {
                continue;
            }
            let (_, rows) = modes
                .last_mut()
                .unwrap_or_else(|| panic!("table row before any mode heading: {line}"));
            rows.push((split_keys(&c[0]), uncode(&c[1]), c[2].clone()));
        }
    }
    modes
}

/// (start of the section body, end of it) in the README text.
fn section_bounds(text: &str) -> (usize, usize) {
    let begin = text
        .find(BEGIN)
        .expect("README has a `<!-- keymap:begin` marker");
    let body = begin + text[begin..].find("-->").expect("marker closes") + 3;
    let end = text
        .find(END)
        .expect("README has a `<!-- keymap:end -->` marker");
    assert!(end > body, "keymap markers are in order");
    (body, end)
}

#[test]
fn readme_keymap_matches_the_live_default_keymap() {
    let text = readme();
    let (body, end) = section_bounds(&text);
    let generated = generated_section();
    if std::env::var_os("ROLO_BLESS").is_some() {
        let updated = format!("{}{}{}", &text[..body], generated, &text[end..]);
        std::fs::write(readme_path(), updated).expect("write README.md");
        return;
    }
    let written = parsed(&text[body..end]);
    let expected = live();
    // Compare mode by mode for a readable failure.
    for ((mode, rows), (want_mode, want_rows)) in written.iter().zip(&expected) {
        assert_eq!(mode, want_mode, "mode order in the README");
        assert_eq!(
            rows, want_rows,
            "README keymap for mode '{mode}' differs from the live keymap; \
             run `ROLO_BLESS=1 cargo test --test pure readme::` to regenerate:\n{generated}"
        );
    }
    assert_eq!(
        written.iter().map(|(m, _)| m).collect::<Vec<_>>(),
        expected.iter().map(|(m, _)| m).collect::<Vec<_>>(),
        "the README lists every keymap mode, in order"
    );
    // The parser itself reads back what the generator writes.
    assert_eq!(parsed(&generated), expected);
}

/// Fenced code blocks: (info string, body lines, line number of the fence).
fn fenced_blocks(text: &str) -> Vec<(String, Vec<String>, usize)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Vec<String>, usize)> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            match open.take() {
                Some(block) => blocks.push(block),
                None => open = Some((info.trim().to_string(), Vec::new(), n + 1)),
            }
        } else if let Some((_, lines, _)) = open.as_mut() {
            lines.push(line.to_string());
        }
    }
    assert!(open.is_none(), "README has an unclosed code block");
    blocks
}

#[test]
fn readme_has_exactly_the_two_setup_commands() {
    let text = readme();
    let shell: Vec<_> = fenced_blocks(&text)
        .into_iter()
        .filter(|(info, _, _)| matches!(info.as_str(), "sh" | "bash" | "shell" | "console"))
        .collect();
    assert_eq!(
        shell.len(),
        1,
        "README has exactly one block of shell commands: {shell:?}"
    );
    let (_, lines, at) = &shell[0];
    assert!(*at <= 40, "the set-up block is near the top (line {at})");
    let commands: Vec<&str> = lines
        .iter()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(commands, ["cargo run --release", "cargo test"]);

    // CI runs the README's test command.
    let ci = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .expect(".ci/run is readable");
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run runs `cargo test`"
    );
}

#[test]
fn keys_cells_round_trip() {
    assert_eq!(split_keys("`j`, `↓`"), ["j", "↓"]);
    assert_eq!(split_keys("`,`, `g g`"), [",", "g g"]);
    assert_eq!(split_keys("`` a`b ``"), ["a`b"]);
    assert_eq!(cells("| `\\|` | `x` | a \\| b |"), ["`|`", "`x`", "a | b"]);
}
