//! `--set FIELD=VALUE` for `rolo edit`, through the one field catalogue
//! ([`PersonField`]) and the backend's capabilities: a field the backend
//! does not store is refused with the reason before anything is queued.

use super::exit::{CliError, refuse, usage};
use crate::model::field::{PersonField, backend_label, validate_custom};
use crate::model::{Capabilities, CustomFieldDef, Person, Violation};

/// What `--set` writes to: a field of the catalogue, or one custom field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Field(PersonField),
    Custom(String),
}

/// The backend an edit goes to: what it stores, how it is named, and its
/// custom-field definitions (empty when it has none or they are out of reach).
pub(super) struct EditTarget<'a> {
    pub caps: &'a Capabilities,
    pub kind: &'a str,
    pub defs: &'a [CustomFieldDef],
}

impl EditTarget<'_> {
    fn name(&self) -> &str {
        backend_label(self.kind)
    }

    /// The field `name` refers to, or why it cannot be set here.
    pub(super) fn target(&self, name: &str) -> Result<Target, CliError> {
        if let Some(key) = name.strip_prefix("custom.") {
            if key.is_empty() {
                return Err(usage("--set custom.KEY=VALUE needs a KEY"));
            }
            if !self.caps.stores(PersonField::CustomFields) {
                return Err(refuse(format!("{} has no custom fields", self.name())));
            }
            if !self.defs.is_empty() && !self.defs.iter().any(|d| d.key == key) {
                let keys: Vec<&str> = self.defs.iter().map(|d| d.key.as_str()).collect();
                return Err(usage(format!(
                    "{} has no custom field '{key}' (it has: {})",
                    self.name(),
                    keys.join(", ")
                )));
            }
            return Ok(Target::Custom(key.to_string()));
        }
        let Some(field) = PersonField::from_name(name).filter(|_| !name.contains(['.', '[']))
        else {
            return Err(usage(format!(
                "unknown field '{name}' ({} stores: {})",
                self.name(),
                self.field_names()
            )));
        };
        if self.caps.stores(field) {
            return Ok(Target::Field(field));
        }
        Err(refuse(self.why_not(field)))
    }

    /// The names `--set` accepts on this backend.
    fn field_names(&self) -> String {
        let mut names: Vec<String> = self
            .caps
            .fields
            .iter()
            .filter(|f| **f != PersonField::CustomFields)
            .map(|f| f.key().to_string())
            .collect();
        if self.caps.stores(PersonField::CustomFields) {
            names.push("custom.KEY".into());
        }
        names.join(", ")
    }

    /// Why this backend cannot take `field`, with what to use instead.
    fn why_not(&self, field: PersonField) -> String {
        let name = self.name();
        if field.is_address_part() && self.caps.stores(PersonField::AddressLine) {
            return format!("{name} stores the address as one line: use --set address=…");
        }
        if field == PersonField::AddressLine {
            let parts: Vec<&str> = self
                .caps
                .fields
                .iter()
                .filter(|f| f.is_address_part())
                .map(|f| f.key())
                .collect();
            if !parts.is_empty() {
                return format!(
                    "{name} stores the address in parts: use --set {}",
                    parts
                        .iter()
                        .map(|p| format!("{p}=…"))
                        .collect::<Vec<_>>()
                        .join(", --set ")
                );
            }
        }
        format!("{name} has no {} field", field.label_in_sentence())
    }

    /// `FIELD=VALUE` onto a person. Lists are comma separated; a typed
    /// custom field is checked against its definition (exit 4 when wrong).
    pub(super) fn apply(&self, p: &mut Person, set: &str) -> Result<(), CliError> {
        let (name, value) = set
            .split_once('=')
            .ok_or_else(|| usage(format!("--set needs FIELD=VALUE, got '{set}'")))?;
        match self.target(name.trim())? {
            Target::Field(field) => field.set(p, value),
            Target::Custom(key) => {
                let typed = match self.defs.iter().find(|d| d.key == key) {
                    Some(def) => validate_custom(def, value).map_err(|message| {
                        CliError::from(crate::backend::BackendError::Validation(vec![
                            Violation::new(format!("custom.{key}"), message),
                        ]))
                    })?,
                    None => serde_json::Value::String(value.to_string()),
                };
                if typed.is_null() {
                    p.custom_fields.remove(&key);
                } else {
                    p.custom_fields.insert(key, typed);
                }
            }
        }
        Ok(())
    }

    /// Refuse a person that sets fields this backend does not store (for
    /// `rolo add`, where there is no `--set` to name).
    pub(super) fn refuse_unstored(&self, base: &Person, edited: &Person) -> Result<(), CliError> {
        match crate::model::field::unstored_changes(self.caps, base, edited).first() {
            Some(&field) => Err(refuse(self.why_not(field))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::introzy;

    fn introzy_target(caps: &Capabilities) -> EditTarget<'_> {
        EditTarget {
            caps,
            kind: "introzy",
            defs: &[],
        }
    }

    #[test]
    fn introzy_refuses_what_it_does_not_store_with_the_way_out() {
        let caps = introzy::capabilities();
        let t = introzy_target(&caps);
        let mut p = Person::default();
        let err = t.apply(&mut p, "city=Utrecht").unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert_eq!(
            err.message,
            "Introzy stores the address as one line: use --set address=…"
        );
        let err = t.apply(&mut p, "jobTitle=CTO").unwrap_err();
        assert_eq!(err.message, "Introzy has no job title field");
        t.apply(&mut p, "address=Calle de Alcalá 269, 08006 Barcelona, ES")
            .unwrap();
        assert_eq!(
            PersonField::AddressLine.get(&p),
            "Calle de Alcalá 269, 08006 Barcelona, ES"
        );
        t.apply(&mut p, "first_name=Ana").unwrap();
        assert_eq!(p.given_name, "Ana");
    }

    #[test]
    fn parts_backends_point_at_the_parts_and_unknown_fields_list_the_known() {
        let caps = crate::backend::rogerroger::capabilities();
        let t = EditTarget {
            caps: &caps,
            kind: "rogerroger",
            defs: &[],
        };
        let err = t.target("address").unwrap_err();
        assert!(
            err.message
                .starts_with("RogerRoger stores the address in parts: use --set street=…"),
            "{}",
            err.message
        );
        let err = t.target("region").unwrap_err();
        assert_eq!(err.message, "RogerRoger has no region field");
        let err = t.target("custom.tier").unwrap_err();
        assert_eq!(err.message, "RogerRoger has no custom fields");
        let err = t.target("shoeSize").unwrap_err();
        assert!(err.message.contains("unknown field 'shoeSize'"));
        assert!(err.message.contains("jobTitle"));
    }
}
