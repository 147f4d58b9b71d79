//! `rolo edit ID` without `--set`: the person as a small TOML document of
//! the fields the backend stores (from the field catalogue), opened in
//! `$VISUAL`, else `$EDITOR`, else `vi`. On save it is checked like any
//! edit; when it is wrong the editor opens again with the error as a
//! comment on top. A file left as it was changes nothing.

use super::exit::{CliError, Exit, io, not_done, usage};
use super::output::{PersonOut, json_line};
use super::settle::{say_queued, settle};
use crate::client::Client;
use crate::model::field::{FieldKind, PersonField, parse_phones, validate_custom};
use crate::model::{Capabilities, CustomFieldDef, Person, Phone, Violation};
use crate::sanitize::for_display;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The comment lines rolo puts on top of a document that failed its
/// checks; taken off again before the next check.
const ERROR_MARK: &str = "# error: ";

pub(super) async fn run(
    client: &Client,
    id: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let caps = client.capabilities();
    let defs = match caps.stores(PersonField::CustomFields) {
        true => client.custom_field_defs().await,
        false => Vec::new(),
    };
    let (base, _) = client.load_detail(id).await.map_err(not_done)?;
    if let Some(why) = &base.read_only {
        return Err(CliError {
            exit: Exit::Usage,
            message: format!("this person cannot be changed: {why}"),
        });
    }
    let original = document(&base, &caps);
    let file = TempFile::create(&original)?;
    let mut shown = original.clone();
    let edited = loop {
        open_editor(file.path())?;
        let text = std::fs::read_to_string(file.path()).map_err(io)?;
        if text == original {
            writeln!(err, "rolo: unchanged; nothing saved").map_err(io)?;
            return Ok(());
        }
        if text == shown {
            // Saved again as rolo showed it, error and all: the user gave up.
            return Err(CliError {
                exit: Exit::Invalid,
                message: "not saved: the document still has the error shown in it".into(),
            });
        }
        match read_document(&without_errors(&text), &base, &caps, &defs) {
            Ok(edited) => break edited,
            Err(problem) => {
                shown = with_error(&without_errors(&text), &problem);
                std::fs::write(file.path(), &shown).map_err(io)?;
            }
        }
    };
    if edited == base {
        writeln!(err, "rolo: no field changed; nothing saved").map_err(io)?;
        return Ok(());
    }
    let saved = client
        .save_person(Some(&base), &edited.normalize())
        .await
        .map_err(not_done)?;
    let settled = settle(client, &saved.id).await?;
    let shown = match client.is_remote() {
        true => {
            let key = saved.id.clone();
            client
                .with_store(move |s| s.get_person(&key))
                .await
                .ok()
                .flatten()
                .unwrap_or(saved)
        }
        false => saved,
    };
    json_line(&PersonOut::from(&shown), out)?;
    say_queued(&settled, err)
}

/// The person as TOML: one line per field the backend stores.
fn document(p: &Person, caps: &Capabilities) -> String {
    let mut doc = format!(
        "# Editing {} ({}). Save and quit to apply; quit without saving to change nothing.\n\
         # Lists are [\"a\", \"b\"]; a phone is \"NUMBER (KIND)\".\n",
        for_display(&p.full_name()),
        for_display(&p.id)
    );
    let mut table = toml::Table::new();
    let mut custom = toml::Table::new();
    for &field in caps.fields {
        match field.kind() {
            FieldKind::Text => {
                table.insert(field.key().into(), field.get(p).into());
            }
            FieldKind::List => {
                let items = crate::model::field::split_list(&field.get(p));
                let items = match field {
                    // Emails and tags may hold commas; take them as stored.
                    PersonField::Emails => p.emails.clone(),
                    PersonField::Tags => p.tags.clone(),
                    _ => items,
                };
                table.insert(field.key().into(), items.into());
            }
            FieldKind::PhoneList => {
                let phones: Vec<String> = p
                    .phones
                    .iter()
                    .map(|ph| crate::model::field::format_phones(std::slice::from_ref(ph)))
                    .collect();
                table.insert(field.key().into(), phones.into());
            }
            FieldKind::Custom => {
                for (k, v) in &p.custom_fields {
                    if let Ok(v) = toml::Value::try_from(v) {
                        custom.insert(k.clone(), v);
                    }
                }
            }
        }
    }
    if caps.stores(PersonField::CustomFields) {
        table.insert(PersonField::CustomFields.key().into(), custom.into());
    }
    doc.push_str(&toml::to_string(&table).unwrap_or_default());
    doc
}

/// The document read back onto `base`, checked as `rolo edit --set` is.
fn read_document(
    text: &str,
    base: &Person,
    caps: &Capabilities,
    defs: &[CustomFieldDef],
) -> Result<Person, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.to_string().trim().replace('\n', " "))?;
    let mut p = base.clone();
    for (key, value) in &table {
        let field = PersonField::from_name(key)
            .filter(|f| caps.stores(*f))
            .ok_or_else(|| {
                let known: Vec<&str> = caps.fields.iter().map(|f| f.key()).collect();
                format!(
                    "unknown field '{key}' (this backend stores: {})",
                    known.join(", ")
                )
            })?;
        let strings = || -> Result<Vec<String>, String> {
            match value {
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("{key}: every item must be a \"string\""))
                    })
                    .collect(),
                toml::Value::String(s) => Ok(vec![s.clone()]),
                _ => Err(format!("{key} must be a list: [\"a\", \"b\"]")),
            }
        };
        match field.kind() {
            FieldKind::Text => match value.as_str() {
                Some(s) => field.set(&mut p, s),
                None => return Err(format!("{key} must be text in quotes")),
            },
            FieldKind::List => {
                let items: Vec<String> = strings()?
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                match field {
                    PersonField::Emails => p.emails = items,
                    PersonField::Tags => p.tags = items,
                    _ => field.set(&mut p, &items.join(", ")),
                }
            }
            FieldKind::PhoneList => {
                p.phones = strings()?
                    .iter()
                    .flat_map(|s| parse_phones(s))
                    .collect::<Vec<Phone>>();
            }
            FieldKind::Custom => p.custom_fields = custom_fields(key, value, base, defs)?,
        }
    }
    for &field in caps.fields {
        // A line taken out empties its field.
        if !table.contains_key(field.key()) && field.kind() != FieldKind::Custom {
            field.set(&mut p, "");
        }
    }
    if let Some(field) = crate::model::field::unstored_changes(caps, base, &p).first() {
        return Err(format!(
            "this backend has no {} field",
            field.label_in_sentence()
        ));
    }
    let violations = crate::model::validate_person(&p, caps);
    if !violations.is_empty() {
        return Err(describe(&violations));
    }
    Ok(p)
}

fn custom_fields(
    key: &str,
    value: &toml::Value,
    base: &Person,
    defs: &[CustomFieldDef],
) -> Result<std::collections::BTreeMap<String, serde_json::Value>, String> {
    let Some(table) = value.as_table() else {
        return Err(format!("{key} must be a table: [{key}]"));
    };
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in table {
        let json = serde_json::to_value(v).map_err(|e| format!("{key}.{k}: {e}"))?;
        let typed = match defs.iter().find(|d| &d.key == k) {
            // Unchanged values keep their stored type.
            _ if base.custom_fields.get(k) == Some(&json) => json,
            Some(def) => {
                let text = match &json {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                validate_custom(def, &text).map_err(|m| format!("{key}.{k}: {m}"))?
            }
            None if !defs.is_empty() => {
                return Err(format!("{key}: no custom field '{k}'"));
            }
            None => json,
        };
        if !typed.is_null() {
            out.insert(k.clone(), typed);
        }
    }
    Ok(out)
}

fn describe(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("{}: {}", v.field, v.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn without_errors(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(ERROR_MARK))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn with_error(text: &str, problem: &str) -> String {
    format!(
        "{ERROR_MARK}{}\n{ERROR_MARK}fix it and save, or save unchanged to give up\n{text}",
        problem.replace('\n', " ")
    )
}

/// `$VISUAL`, else `$EDITOR`, else `vi`, on `path`; the variable may hold
/// arguments (`code --wait`).
fn open_editor(path: &Path) -> Result<(), CliError> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "vi".into());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .map_err(|e| usage(format!("cannot start the editor '{program}': {e}")))?;
    if !status.success() {
        return Err(CliError {
            exit: Exit::Usage,
            message: format!("the editor '{program}' failed ({status}); nothing saved"),
        });
    }
    Ok(())
}

/// A private file (0600) removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn create(text: &str) -> Result<TempFile, CliError> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = std::env::temp_dir().join(format!("rolo-edit-{}.toml", uuid::Uuid::new_v4()));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        Ok(TempFile(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
