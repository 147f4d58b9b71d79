//! The person form's state: the fields the backend stores, in the
//! catalogue's words, required marks from its capabilities, custom fields
//! typed by the CRM's definitions.

use super::QueuedEdit;
use crate::app::input::LineInput;
use crate::model::field::{PersonField, validate_custom};
use crate::model::{
    Capabilities, CustomFieldDef, CustomFieldKind, FieldOption, Person, Violation, validate_person,
};
use serde_json::Value;

/// What one line of the person form edits.
#[derive(Debug, Clone, PartialEq)]
pub enum FormSlot {
    /// A field of the catalogue, as its text.
    Field(PersonField),
    /// One custom field, typed by the CRM's definition.
    Custom(CustomFieldDef),
}

/// One editable line of the person form.
#[derive(Debug, Clone)]
pub struct FormField {
    pub slot: FormSlot,
    /// What violations name: a catalogue key, or `customFields.<key>`.
    pub key: String,
    pub label: String,
    /// The backend (or the field's definition) requires a value.
    pub required: bool,
    pub input: LineInput,
    initial: String,
}

impl FormField {
    fn new(slot: FormSlot, base: &Person, caps: &Capabilities) -> FormField {
        let (key, label, required, value) = match &slot {
            FormSlot::Field(f) => (
                f.key().to_string(),
                f.label().to_string(),
                caps.requires(*f),
                f.get(base),
            ),
            FormSlot::Custom(def) => (
                format!("customFields.{}", def.key),
                def.label.clone(),
                def.required,
                base.custom_fields
                    .get(&def.key)
                    .map(|v| def.display(v))
                    .unwrap_or_default(),
            ),
        };
        FormField {
            slot,
            key,
            label,
            required,
            input: LineInput::new(value.clone()),
            initial: value,
        }
    }

    /// The options of a choice (a select with known options), by label.
    pub fn options(&self) -> Option<&[FieldOption]> {
        match &self.slot {
            FormSlot::Custom(def) if is_choice(def) => Some(&def.options),
            _ => None,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.input.value() != self.initial
    }

    /// Move a choice by `step` options (wrapping); returns whether it moved.
    pub fn cycle(&mut self, step: isize) -> bool {
        let Some(options) = self.options() else {
            return false;
        };
        let n = options.len() as isize;
        let at = options
            .iter()
            .position(|o| o.label == self.input.value())
            .map_or(if step > 0 { -1 } else { n }, |i| i as isize);
        let next = (at + step).rem_euclid(n) as usize;
        self.input = LineInput::new(options[next].label.clone());
        true
    }

    /// Pick the next option whose label starts with `c` (type-to-choose).
    pub fn choose_by_letter(&mut self, c: char) -> bool {
        let Some(options) = self.options() else {
            return false;
        };
        let starts = |o: &FieldOption| {
            o.label
                .chars()
                .next()
                .is_some_and(|f| f.to_lowercase().eq(c.to_lowercase()))
        };
        let at = options.iter().position(|o| o.label == self.input.value());
        let after = at.map_or(0, |i| i + 1);
        let found = options[after..]
            .iter()
            .find(|o| starts(o))
            .or_else(|| options.iter().find(|o| starts(o)))
            .map(|o| o.label.clone());
        match found {
            Some(label) => {
                self.input = LineInput::new(label);
                true
            }
            None => false,
        }
    }
}

/// A select whose options the server listed: offered as a choice.
fn is_choice(def: &CustomFieldDef) -> bool {
    def.kind == CustomFieldKind::Select && !def.options.is_empty()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Create,
    Edit,
}

/// The person form: the fields the backend stores, in the catalogue's
/// words, required marks from its capabilities, custom fields typed by the
/// CRM's definitions.
#[derive(Debug, Clone)]
pub struct PersonForm {
    pub kind: FormKind,
    pub base: Person,
    pub fields: Vec<FormField>,
    pub focused: usize,
    /// Problems found locally or reported by the server, per field.
    pub errors: Vec<Violation>,
    pub saving: bool,
    /// Fixing a queued change (from the queued-changes view): saving
    /// replaces it instead of queueing another.
    pub queued: Option<QueuedEdit>,
}

impl PersonForm {
    /// A form for the backend `caps` describes; `defs` are its custom-field
    /// definitions (none: custom fields are one `key=value` line).
    pub fn new(
        kind: FormKind,
        base: Person,
        caps: &Capabilities,
        defs: &[CustomFieldDef],
    ) -> PersonForm {
        let mut slots = Vec::new();
        for &field in caps.fields {
            if field == PersonField::CustomFields && !defs.is_empty() {
                slots.extend(defs.iter().cloned().map(FormSlot::Custom));
            } else {
                slots.push(FormSlot::Field(field));
            }
        }
        let fields: Vec<FormField> = slots
            .into_iter()
            .map(|slot| FormField::new(slot, &base, caps))
            .collect();
        // Start where people type first: the given name.
        let focused = fields
            .iter()
            .position(|f| f.slot == FormSlot::Field(PersonField::GivenName))
            .unwrap_or(0);
        PersonForm {
            kind,
            base,
            fields,
            focused,
            errors: Vec::new(),
            saving: false,
            queued: None,
        }
    }

    /// The person as the form currently describes it. Only fields the user
    /// changed are written back, so nothing else is rewritten by a round
    /// trip through text.
    pub fn to_person(&self) -> Person {
        let mut p = self.base.clone();
        for f in self.fields.iter().filter(|f| f.is_dirty()) {
            let text = f.input.value();
            match &f.slot {
                FormSlot::Field(field) => field.set(&mut p, text),
                FormSlot::Custom(def) => match validate_custom(def, text) {
                    Ok(Value::Null) if !self.base.custom_fields.contains_key(&def.key) => {
                        p.custom_fields.remove(&def.key);
                    }
                    Ok(value) => {
                        p.custom_fields.insert(def.key.clone(), value);
                    }
                    // Refused by `problems` before anything is saved.
                    Err(_) => {
                        p.custom_fields
                            .insert(def.key.clone(), Value::String(text.trim().to_string()));
                    }
                },
            }
        }
        p.normalize()
    }

    /// What stops a save: the backend's rules and the custom fields' types.
    pub fn problems(&self, caps: &Capabilities) -> Vec<Violation> {
        let mut out = validate_person(&self.to_person(), caps);
        for f in &self.fields {
            if let FormSlot::Custom(def) = &f.slot
                && (f.is_dirty() || def.required)
                && let Err(message) = validate_custom(def, f.input.value())
            {
                out.push(Violation::new(f.key.clone(), message));
            }
        }
        out
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(FormField::is_dirty)
    }

    /// The catalogue key a violation belongs to (server paths like
    /// `emailAddresses[0].email` included).
    pub fn field_of(violation: &Violation) -> Option<&'static str> {
        PersonField::from_name(&violation.field).map(PersonField::key)
    }

    /// The line of the form a violation belongs to.
    fn line_of(&self, violation: &Violation) -> Option<usize> {
        let name = violation.field.as_str();
        let custom = |def: &CustomFieldDef| {
            [
                format!("customFields.{}", def.key),
                format!("custom.{}", def.key),
            ]
            .iter()
            .any(|k| name == k || name.starts_with(&format!("{k}.")))
                || name == def.key
        };
        if let Some(i) = self.fields.iter().position(|f| match &f.slot {
            FormSlot::Custom(def) => custom(def),
            FormSlot::Field(_) => false,
        }) {
            return Some(i);
        }
        let field = PersonField::from_name(name)?;
        self.fields
            .iter()
            .position(|f| f.slot == FormSlot::Field(field))
    }

    pub fn errors_for(&self, key: &str) -> Vec<&Violation> {
        self.errors
            .iter()
            .filter(|v| self.line_of(v).is_some_and(|i| self.fields[i].key == key))
            .collect()
    }

    /// Violations that belong to no field of the form.
    pub fn general_errors(&self) -> Vec<&Violation> {
        self.errors
            .iter()
            .filter(|v| self.line_of(v).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_round_trips_a_person_and_tracks_changes() {
        use crate::model::Phone;
        let mut custom = std::collections::BTreeMap::new();
        custom.insert("tier".to_string(), serde_json::json!(3));
        let p = Person {
            id: "1".into(),
            given_name: "Ann".into(),
            family_name: "Lee".into(),
            emails: vec!["a@x.com".into(), "b@y.org".into()],
            phones: vec![Phone {
                number: "+31 6 1".into(),
                kind: "mobile".into(),
            }],
            custom_fields: custom,
            ..Default::default()
        }
        .normalize();
        let caps = Capabilities::all_local();
        let mut form = PersonForm::new(FormKind::Edit, p.clone(), &caps, &[]);
        assert!(!form.is_dirty());
        assert_eq!(form.to_person(), p);
        form.fields[7].input.insert_str("CTO");
        assert!(form.is_dirty());
        assert_eq!(form.to_person().job_title, "CTO");
        assert_eq!(form.to_person().custom_fields["tier"], serde_json::json!(3));
    }

    fn introzy_like() -> Capabilities {
        Capabilities {
            fields: &[
                PersonField::GivenName,
                PersonField::FamilyName,
                PersonField::Emails,
                PersonField::AddressLine,
                PersonField::CustomFields,
            ],
            required: &[PersonField::GivenName, PersonField::Emails],
            ..Capabilities::all_local()
        }
    }

    fn defs() -> Vec<CustomFieldDef> {
        let option = |value: &str, label: &str| FieldOption {
            value: value.into(),
            label: label.into(),
            color: None,
        };
        let def = |key: &str, kind: &str, options| CustomFieldDef {
            key: key.into(),
            label: key.trim_start_matches("cf_").into(),
            kind: kind.into(),
            filterable: false,
            sortable: false,
            required: false,
            options,
            display_order: 0,
        };
        vec![
            def(
                "cf_source",
                "select",
                vec![option("conf", "Conference"), option("web", "Website")],
            ),
            def("cf_seats", "number", vec![]),
        ]
    }

    #[test]
    fn the_form_offers_what_the_backend_stores_and_marks_its_required_fields() {
        let form = PersonForm::new(
            FormKind::Create,
            Person::default(),
            &introzy_like(),
            &defs(),
        );
        let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "givenName",
                "familyName",
                "emails",
                "address",
                "customFields.cf_source",
                "customFields.cf_seats"
            ]
        );
        let required: Vec<&str> = form
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(required, ["givenName", "emails"]);
        assert_eq!(form.focused, 0, "the given name");
    }

    #[test]
    fn custom_fields_are_chosen_or_typed_and_checked_before_saving() {
        let caps = introzy_like();
        let base = Person {
            given_name: "Ana".into(),
            emails: vec!["ana@example.es".into()],
            ..Default::default()
        };
        let mut form = PersonForm::new(FormKind::Edit, base, &caps, &defs());
        assert!(
            form.problems(&caps).is_empty(),
            "no family name needed here"
        );
        let source = &mut form.fields[4];
        assert!(source.cycle(1));
        assert_eq!(source.input.value(), "Conference");
        source.cycle(1);
        assert_eq!(source.input.value(), "Website");
        source.cycle(1);
        assert_eq!(source.input.value(), "Conference", "wraps");
        assert!(source.choose_by_letter('w'));
        assert_eq!(source.input.value(), "Website");
        form.fields[5].input.insert_str("forty");
        let problems = form.problems(&caps);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "customFields.cf_seats");
        form.errors = problems;
        assert_eq!(form.errors_for("customFields.cf_seats").len(), 1);
        form.fields[5].input.clear();
        form.fields[5].input.insert_str("40");
        assert!(form.problems(&caps).is_empty());
        let p = form.to_person();
        assert_eq!(p.custom_fields["cf_source"], serde_json::json!("web"));
        assert_eq!(p.custom_fields["cf_seats"], serde_json::json!(40));
    }

    #[test]
    fn server_violation_paths_map_to_form_fields() {
        let v = |f: &str| Violation::new(f, "bad");
        assert_eq!(
            PersonForm::field_of(&v("emailAddresses[0].email")),
            Some("emails")
        );
        assert_eq!(PersonForm::field_of(&v("familyName")), Some("familyName"));
        assert_eq!(PersonForm::field_of(&v("last_name")), Some("familyName"));
        assert_eq!(PersonForm::field_of(&v("nonsense")), None);
        let form = PersonForm {
            errors: vec![v("custom.cf_seats"), v("owner"), v("first_name")],
            ..PersonForm::new(
                FormKind::Create,
                Person::default(),
                &introzy_like(),
                &defs(),
            )
        };
        assert_eq!(form.errors_for("customFields.cf_seats").len(), 1);
        assert_eq!(form.errors_for("givenName").len(), 1);
        assert_eq!(form.general_errors().len(), 1, "no owner line on this form");
    }
}
