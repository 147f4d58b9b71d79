//! Typed custom fields: what a CRM's custom-field definition says a value
//! is (a date, a number, one of a select's options, ...), and the one check
//! the person form, `rolo edit --set custom.KEY=...` and the adapters run on
//! a value before it is saved. Backend-neutral: Introzy's definitions come
//! from `GET /api/people/custom-fields`; any other CRM that types its custom
//! fields maps onto the same [`CustomFieldKind`].

use super::{Violation, email_looks_valid, phone_looks_valid};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a custom field holds, from the definition's `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomFieldKind {
    Text,
    /// Several lines of text.
    LongText,
    Number,
    /// A whole number.
    Integer,
    /// A calendar date (`2026-04-04`); a full timestamp is accepted too.
    Date,
    /// A point in time (RFC 3339).
    DateTime,
    Url,
    Email,
    Phone,
    /// One of the definition's options.
    Select,
    /// Any number of the definition's options.
    MultiSelect,
    Checkbox,
    /// A type rolo does not know, kept verbatim; its values are not checked.
    Other(String),
}

impl CustomFieldKind {
    /// The definition's `type`, case- and punctuation-insensitive, with the
    /// spellings CRMs commonly use.
    pub fn from_wire(name: &str) -> CustomFieldKind {
        let norm: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match norm.as_str() {
            "" | "text" | "string" | "shorttext" | "singleline" => CustomFieldKind::Text,
            "textarea" | "longtext" | "multiline" | "richtext" => CustomFieldKind::LongText,
            "number" | "numeric" | "decimal" | "float" | "currency" => CustomFieldKind::Number,
            "integer" | "int" => CustomFieldKind::Integer,
            "date" => CustomFieldKind::Date,
            "datetime" | "timestamp" => CustomFieldKind::DateTime,
            "url" | "link" | "website" => CustomFieldKind::Url,
            "email" => CustomFieldKind::Email,
            "phone" | "tel" | "telephone" | "phonenumber" => CustomFieldKind::Phone,
            "select" | "dropdown" | "singleselect" | "radio" | "enum" => CustomFieldKind::Select,
            "multiselect" | "multiplechoice" | "checkboxes" | "multienum" => {
                CustomFieldKind::MultiSelect
            }
            "checkbox" | "boolean" | "bool" | "toggle" => CustomFieldKind::Checkbox,
            _ => CustomFieldKind::Other(name.to_string()),
        }
    }

    /// A short name for hints ("date", "number", ...).
    pub fn name(&self) -> &str {
        match self {
            CustomFieldKind::Text => "text",
            CustomFieldKind::LongText => "long text",
            CustomFieldKind::Number => "number",
            CustomFieldKind::Integer => "whole number",
            CustomFieldKind::Date => "date",
            CustomFieldKind::DateTime => "date and time",
            CustomFieldKind::Url => "URL",
            CustomFieldKind::Email => "email address",
            CustomFieldKind::Phone => "phone number",
            CustomFieldKind::Select => "choice",
            CustomFieldKind::MultiSelect => "choices",
            CustomFieldKind::Checkbox => "yes/no",
            CustomFieldKind::Other(name) => name,
        }
    }

    /// Whether values are picked from the definition's options.
    pub fn is_choice(&self) -> bool {
        matches!(self, CustomFieldKind::Select | CustomFieldKind::MultiSelect)
    }
}

/// `"select".into()`: a definition's `type` as the server spells it.
impl From<&str> for CustomFieldKind {
    fn from(name: &str) -> Self {
        CustomFieldKind::from_wire(name)
    }
}

/// One choice of a select-like custom field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldOption {
    pub value: String,
    pub label: String,
    pub color: Option<String>,
}

/// A custom-field definition (Introzy: `GET /api/people/custom-fields`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFieldDef {
    pub key: String,
    /// The server's label when it sends one, else derived from the key
    /// (`cf_lead_source` -> "Lead source").
    pub label: String,
    pub kind: CustomFieldKind,
    pub filterable: bool,
    pub sortable: bool,
    pub required: bool,
    pub options: Vec<FieldOption>,
    pub display_order: i64,
}

/// Text of a scalar JSON value as a user types it.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

impl CustomFieldDef {
    /// The value as a user reads it: a select's option labels, else the text.
    pub fn display(&self, value: &Value) -> String {
        match value {
            Value::Array(items) => items
                .iter()
                .map(|v| self.option_label(&text_of(v)))
                .collect::<Vec<_>>()
                .join(", "),
            other => self.option_label(&text_of(other)),
        }
    }

    fn option_label(&self, raw: &str) -> String {
        self.options
            .iter()
            .find(|o| o.value == raw)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| raw.to_string())
    }

    /// The option a user means by `text`: its value, or its label
    /// (case-insensitive).
    fn option_for(&self, text: &str) -> Option<&FieldOption> {
        let t = text.trim();
        self.options.iter().find(|o| o.value == t).or_else(|| {
            self.options
                .iter()
                .find(|o| o.label.eq_ignore_ascii_case(t) || o.value.eq_ignore_ascii_case(t))
        })
    }

    fn options_hint(&self) -> String {
        self.options
            .iter()
            .map(|o| o.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether `value` is acceptable for this field; the error reads as a
    /// sentence fragment after the field's label ("is not a date").
    pub fn check(&self, value: &Value) -> Result<(), String> {
        if is_empty(value) {
            return if self.required {
                Err("is required".into())
            } else {
                Ok(())
            };
        }
        let text = text_of(value);
        let ok = match (&self.kind, value) {
            (CustomFieldKind::Number, Value::Number(_)) => true,
            (CustomFieldKind::Number, Value::String(s)) => parse_number(s).is_some(),
            (CustomFieldKind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (CustomFieldKind::Integer, Value::String(s)) => s.trim().parse::<i64>().is_ok(),
            (CustomFieldKind::Date, _) => is_date(&text) || is_timestamp(&text),
            (CustomFieldKind::DateTime, _) => is_timestamp(&text),
            (CustomFieldKind::Url, _) => is_web_url(&text),
            (CustomFieldKind::Email, _) => email_looks_valid(text.trim()),
            (CustomFieldKind::Phone, _) => phone_looks_valid(text.trim()),
            (CustomFieldKind::Checkbox, Value::Bool(_)) => true,
            (CustomFieldKind::Checkbox, Value::String(s)) => parse_bool(s).is_some(),
            (CustomFieldKind::Select, _) if self.options.is_empty() => true,
            (CustomFieldKind::Select, Value::Array(_)) => false,
            (CustomFieldKind::Select, _) => self.options.iter().any(|o| o.value == text),
            (CustomFieldKind::MultiSelect, _) if self.options.is_empty() => true,
            (CustomFieldKind::MultiSelect, Value::Array(items)) => items
                .iter()
                .all(|v| self.options.iter().any(|o| o.value == text_of(v))),
            (CustomFieldKind::MultiSelect, Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .all(|s| self.options.iter().any(|o| o.value == s)),
            (CustomFieldKind::Text | CustomFieldKind::LongText | CustomFieldKind::Other(_), _) => {
                true
            }
            _ => false,
        };
        if ok {
            return Ok(());
        }
        Err(match &self.kind {
            CustomFieldKind::Select | CustomFieldKind::MultiSelect => {
                format!("'{text}' is not one of: {}", self.options_hint())
            }
            CustomFieldKind::Date => format!("'{text}' is not a date (YYYY-MM-DD)"),
            CustomFieldKind::DateTime => {
                format!("'{text}' is not a date and time (2026-04-04T15:07:00Z)")
            }
            CustomFieldKind::Url => format!("'{text}' is not a web address (https://...)"),
            kind => format!("'{text}' is not a {}", kind.name()),
        })
    }

    /// The JSON value to store for text a user typed: a number for a number
    /// field, `true`/`false` for a checkbox, a select option's value (its
    /// label is accepted too), a list for a multi-select; `null` for empty
    /// text. Fails with [`CustomFieldDef::check`]'s words.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        let t = text.trim();
        let value = if t.is_empty() {
            Value::Null
        } else {
            match &self.kind {
                CustomFieldKind::Number => match parse_number(t) {
                    Some(n) => n,
                    None => Value::String(t.to_string()),
                },
                CustomFieldKind::Integer => match t.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::String(t.to_string()),
                },
                CustomFieldKind::Checkbox => match parse_bool(t) {
                    Some(b) => Value::Bool(b),
                    None => Value::String(t.to_string()),
                },
                CustomFieldKind::Select => match self.option_for(t) {
                    Some(o) => Value::String(o.value.clone()),
                    None => Value::String(t.to_string()),
                },
                CustomFieldKind::MultiSelect => Value::Array(
                    t.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| {
                            Value::String(
                                self.option_for(s)
                                    .map(|o| o.value.clone())
                                    .unwrap_or_else(|| s.to_string()),
                            )
                        })
                        .collect(),
                ),
                _ => Value::String(t.to_string()),
            }
        };
        self.check(&value)?;
        Ok(value)
    }
}

fn parse_number(s: &str) -> Option<Value> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f = s.parse::<f64>().ok().filter(|f| f.is_finite())?;
    serde_json::Number::from_f64(f).map(Value::Number)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" => Some(true),
        "false" | "no" | "n" | "0" | "off" => Some(false),
        _ => None,
    }
}

fn is_date(s: &str) -> bool {
    s.trim().parse::<jiff::civil::Date>().is_ok()
}

fn is_timestamp(s: &str) -> bool {
    s.trim().parse::<jiff::Timestamp>().is_ok()
}

/// An absolute `http(s)` URL with a host.
fn is_web_url(s: &str) -> bool {
    url::Url::parse(s.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Check every value in `values` that has a definition in `defs`, and that
/// every required definition has a value. Violations name
/// `customFields.KEY` and speak in the definition's label. Keys without a
/// definition pass: the server is the judge of those.
pub fn validate_custom_fields(
    values: &BTreeMap<String, Value>,
    defs: &[CustomFieldDef],
) -> Vec<Violation> {
    defs.iter()
        .filter_map(|def| {
            let value = values.get(&def.key).unwrap_or(&Value::Null);
            def.check(value).err().map(|e| {
                Violation::new(
                    format!("customFields.{}", def.key),
                    format!("{} {e}", def.label),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(kind: &str) -> CustomFieldDef {
        CustomFieldDef {
            key: "cf_x".into(),
            label: "X".into(),
            kind: CustomFieldKind::from_wire(kind),
            filterable: false,
            sortable: false,
            required: false,
            options: vec![
                FieldOption {
                    value: "web".into(),
                    label: "Website".into(),
                    color: None,
                },
                FieldOption {
                    value: "conference".into(),
                    label: "Conference".into(),
                    color: None,
                },
            ],
            display_order: 0,
        }
    }

    #[test]
    fn wire_types_map_onto_kinds() {
        assert_eq!(
            CustomFieldKind::from_wire("Multi-Select"),
            CustomFieldKind::MultiSelect
        );
        assert_eq!(
            CustomFieldKind::from_wire("textarea"),
            CustomFieldKind::LongText
        );
        assert_eq!(CustomFieldKind::from_wire("tel"), CustomFieldKind::Phone);
        assert_eq!(
            CustomFieldKind::from_wire("geo"),
            CustomFieldKind::Other("geo".into())
        );
    }

    #[test]
    fn each_kind_checks_its_values() {
        let ok = |kind: &str, v: Value| def(kind).check(&v).is_ok();
        assert!(ok("date", json!("2026-04-04")));
        assert!(ok("date", json!("2026-04-04T15:07:00.000Z")));
        assert!(!ok("date", json!("04/04/2026")));
        assert!(!ok("date", json!("2026-02-30")));
        assert!(ok("number", json!(40)));
        assert!(ok("number", json!("40.5")));
        assert!(!ok("number", json!("forty")));
        assert!(ok("url", json!("https://acme.com/team")));
        assert!(!ok("url", json!("acme.com")));
        assert!(!ok("url", json!("javascript:alert(1)")));
        assert!(ok("email", json!("a@b.co")));
        assert!(!ok("email", json!("a@b")));
        assert!(ok("phone", json!("+31 6 1234 5678")));
        assert!(!ok("phone", json!("call me")));
        assert!(ok("select", json!("web")));
        assert!(!ok("select", json!("billboard")));
        assert!(ok("multiselect", json!(["web", "conference"])));
        assert!(!ok("multiselect", json!(["web", "tv"])));
        assert!(ok("checkbox", json!(true)));
        assert!(ok("text", json!("anything")));
        assert!(ok("geo", json!({"lat": 1})));
        // Empty is fine unless the field is required.
        assert!(ok("date", Value::Null));
        let mut required = def("date");
        required.required = true;
        assert_eq!(required.check(&json!("")), Err("is required".into()));
    }

    #[test]
    fn typed_text_becomes_the_stored_value() {
        assert_eq!(def("number").parse(" 40 "), Ok(json!(40)));
        assert_eq!(def("number").parse("2.5"), Ok(json!(2.5)));
        assert_eq!(def("checkbox").parse("yes"), Ok(json!(true)));
        assert_eq!(def("select").parse("website"), Ok(json!("web")));
        assert_eq!(
            def("multiselect").parse("Website, conference"),
            Ok(json!(["web", "conference"]))
        );
        assert_eq!(def("date").parse(""), Ok(Value::Null));
        let err = def("select").parse("billboard").unwrap_err();
        assert_eq!(err, "'billboard' is not one of: Website, Conference");
        assert!(
            def("date")
                .parse("tomorrow")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn validation_names_the_field_and_its_label() {
        let mut d = def("url");
        d.label = "Website".into();
        let mut values = BTreeMap::new();
        values.insert("cf_x".to_string(), json!("not a url"));
        values.insert("cf_unknown".to_string(), json!("free"));
        let v = validate_custom_fields(&values, &[d]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].field, "customFields.cf_x");
        assert!(
            v[0].message
                .starts_with("Website 'not a url' is not a web address")
        );
    }

    #[test]
    fn display_uses_option_labels() {
        assert_eq!(def("select").display(&json!("web")), "Website");
        assert_eq!(
            def("multiselect").display(&json!(["web", "x"])),
            "Website, x"
        );
        assert_eq!(def("select").display(&json!(3)), "3");
    }
}
