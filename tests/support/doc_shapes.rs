//! The vendors' own examples, read out of ../shared/api/*.txt (the repository
//! is cloned with `../shared/` beside it), and a comparison of a fake's
//! replies against them: the same keys, the same JSON value types. A fake
//! that drifts from its document fails the test that uses this.
//!
//! Two formats: Introzy's document has plain JSON blocks after
//! "Success Response (200)"-style lines; Rhythm's (a Redoc export) has
//! bulleted `• "key": value` lines whose values are placeholders of the
//! right type (`"string"`, `0`, `true`, `{ }`, `[ ]`).

use serde_json::{Map, Value, json};

/// The text of `../shared/api/<name>` (beside the repository, whose root
/// is two levels above this crate).
pub fn api_doc(name: &str) -> String {
    let path = format!("{}/../../../shared/api/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// The JSON block that starts on the first line at or after `from` that
/// begins with `{` or `[`, by bracket counting.
fn json_block(lines: &[&str], from: usize) -> Option<(String, usize)> {
    let start = (from..lines.len()).find(|&i| {
        let t = lines[i].trim_start();
        t.starts_with('{') || t.starts_with('[')
    })?;
    let mut depth = 0i32;
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate().skip(start) {
        out.push_str(line);
        out.push('\n');
        depth += line.matches(['{', '[']).count() as i32;
        depth -= line.matches(['}', ']']).count() as i32;
        if depth <= 0 {
            return Some((out, i + 1));
        }
    }
    None
}

/// Introzy style: the JSON example after the first line equal to `marker`
/// ("Success Response (201)", "Request Body", ...) within the section that
/// starts at the line `section` ("Create Person").
pub fn json_example(doc: &str, section: &str, marker: &str) -> Value {
    let lines: Vec<&str> = doc.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == section)
        .unwrap_or_else(|| panic!("no section {section:?}"));
    let at = (start..lines.len())
        .find(|&i| lines[i].trim() == marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {section:?}"));
    let (text, _) = json_block(&lines, at + 1).expect("a JSON block");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{section}/{marker}: {e}\n{text}"))
}

/// A placeholder of the type a Redoc sample value has.
fn placeholder(value: &str) -> Value {
    let v = value.trim().trim_end_matches(',').trim();
    match v.chars().next() {
        Some('"') => json!(v.trim_matches('"')),
        Some('{') => json!({}),
        Some('[') => json!([]),
        Some('t') | Some('f') => json!(v == "true"),
        Some('n') => Value::Null,
        _ => v
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| json!(v)),
    }
}

/// Rhythm style: the sample (`"Request samples"` or `"Response samples"`)
/// that follows the endpoint line `endpoint` ("get/contacts/{tenantId}/{id}").
/// Objects come back with a placeholder per top-level key.
pub fn bullet_sample(doc: &str, endpoint: &str, which: &str) -> Value {
    let lines: Vec<&str> = doc.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == endpoint)
        .unwrap_or_else(|| panic!("no endpoint {endpoint:?}"));
    let samples = (at..lines.len())
        .find(|&i| lines[i].trim() == which)
        .unwrap_or_else(|| panic!("no {which:?} after {endpoint:?}"));
    let body = (samples + 1..lines.len())
        .find(|&i| !lines[i].trim().is_empty() && lines[i].trim() != "application/json")
        .expect("a sample");
    let first = lines[body].trim();
    if first != "{" {
        return placeholder(first);
    }
    let mut out = Map::new();
    for line in &lines[body + 1..] {
        if line.trim() == "}" {
            break;
        }
        // Top-level keys are "  • "; nested lines are indented further.
        let Some(rest) = line.strip_prefix("  • ") else {
            continue;
        };
        let Some((key, value)) = rest.split_once("\": ") else {
            continue;
        };
        out.insert(key.trim_start_matches('"').to_string(), placeholder(value));
    }
    Value::Object(out)
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// How strictly [`shape_diff`] compares.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    /// Every key of the example must be there (Introzy's fixed columns);
    /// otherwise only keys the example lacks are reported (Rhythm's sparse
    /// items).
    pub all_keys: bool,
    /// Keys whose object holds data, not schema (`customFields`).
    pub free_maps: &'a [&'a str],
}

/// Differences between `doc`'s shape and `got`'s, as readable lines.
pub fn shape_diff(doc: &Value, got: &Value, path: &str, rules: Rules) -> Vec<String> {
    let mut out = Vec::new();
    if kind(doc) != kind(got) {
        out.push(format!(
            "{path}: {} in the document, {} here",
            kind(doc),
            kind(got)
        ));
        return out;
    }
    match (doc, got) {
        (Value::Object(d), Value::Object(g)) => {
            let last = path.rsplit('.').next().unwrap_or(path);
            // `{ }` in a Redoc sample, or a map of data: no key set to check.
            if d.is_empty() || rules.free_maps.contains(&last) {
                return out;
            }
            for k in g.keys().filter(|k| !d.contains_key(*k)) {
                out.push(format!("{path}.{k}: not in the document"));
            }
            for (k, dv) in d {
                match g.get(k) {
                    Some(gv) => out.extend(shape_diff(dv, gv, &format!("{path}.{k}"), rules)),
                    None if rules.all_keys => out.push(format!("{path}.{k}: missing")),
                    None => {}
                }
            }
        }
        (Value::Array(d), Value::Array(g)) => {
            if let Some(first) = d.first() {
                for (i, gv) in g.iter().enumerate() {
                    out.extend(shape_diff(first, gv, &format!("{path}[{i}]"), rules));
                }
            }
        }
        _ => {}
    }
    out
}

/// Panic with every difference when `got` does not have `doc`'s shape.
pub fn assert_shape(what: &str, doc: &Value, got: &Value, rules: Rules) {
    let diff = shape_diff(doc, got, "$", rules);
    assert!(
        diff.is_empty(),
        "{what} differs from the document:\n  {}\ngot: {got:#}",
        diff.join("\n  ")
    );
}
