//! Introzy's JSON, one serde struct per resource of
//! ../shared/api/introzy-people.txt (and ../shared/DESIGN.md §4 for notes
//! and custom-field definitions). Every struct keeps the keys it does not
//! name in `extra`, so a field a newer server adds survives a round trip
//! through rolo.
//!
//! Nullability follows the stack behind the API (Prisma): any optional
//! column may come back `null`, so every field but `id` is an `Option`.

use crate::backend::{BackendError, Result};
use crate::model::{Address, CustomFieldDef, CustomFieldKind, FieldOption, Person, Phone};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `{success, data, message}` or `{success: false, error}`.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub error: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
}

impl Envelope {
    /// `data`, or the failure the envelope reports (some servers say
    /// `success: false` with a 200).
    pub fn into_data(self) -> Result<Value> {
        if self.success == Some(false) {
            let message = match self.error {
                Some(Value::String(s)) => s,
                Some(Value::Object(o)) => o
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| Value::Object(o).to_string()),
                _ => "the server reported a failure".into(),
            };
            return Err(BackendError::Server {
                status: 200,
                message,
            });
        }
        Ok(self.data.unwrap_or(Value::Null))
    }
}

/// A record id: the API sends UUID strings; a number is accepted too.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom("a record has no id")),
    }
}

/// `company` on a person: `{id, name, industry, website}`, read-only (it is
/// written as `companyId` / `companyName`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Company {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A person as "Get Person" shows one; list rows and replies carry subsets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePerson {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    /// One free-text line ("123 Main St, San Francisco, CA 94102").
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default)]
    pub company: Option<Company>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// `latitude`, `isFullUser`, ... and anything newer.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn text(s: Option<String>) -> String {
    s.unwrap_or_default()
}

impl WirePerson {
    pub fn from_value(v: Value) -> Result<WirePerson> {
        serde_json::from_value(v)
            .map_err(|e| BackendError::Malformed(format!("an Introzy person: {e}")))
    }

    /// The model's view. `company` stays in `extra` as well (its id matters
    /// to the server) and its name becomes [`Person::company`]; custom
    /// fields set to `null` count as unset.
    pub fn into_person(self) -> Person {
        let mut extra = self.extra;
        let company = self.company.as_ref().and_then(|c| c.name.clone());
        if let Some(c) = &self.company
            && let Ok(v) = serde_json::to_value(c)
        {
            extra.insert("company".into(), v);
        }
        let custom_fields: BTreeMap<String, Value> = self
            .custom_fields
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .collect();
        let email = text(self.email);
        let phone = text(self.phone_number);
        Person {
            id: self.id,
            given_name: text(self.first_name),
            family_name: text(self.last_name),
            emails: (!email.is_empty()).then_some(email).into_iter().collect(),
            phones: (!phone.is_empty())
                .then_some(Phone {
                    number: phone,
                    kind: String::new(),
                })
                .into_iter()
                .collect(),
            company: company.unwrap_or_default(),
            // The one string Introzy stores, never split into parts.
            address: Address {
                street: text(self.address),
                ..Default::default()
            },
            custom_fields,
            created_at: self.created_at,
            version: self.updated_at.clone(),
            updated_at: self.updated_at,
            extra,
            ..Default::default()
        }
        .normalize()
    }
}

/// `data` of "List People".
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeoplePage {
    /// Rows stay raw so one bad row is skipped, not the whole page.
    pub people: Vec<Value>,
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub has_more: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of "Create Person"; empty fields are left out.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CreateBody {
    pub email: String,
    pub first_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phone_number: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub company_name: String,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_fields: Map<String, Value>,
}

/// The body of "Update Person": only what changed ("Only provided fields
/// are updated"); `customFields` merge key by key, `null` clears one.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_fields: Map<String, Value>,
}

impl PatchBody {
    pub fn is_empty(&self) -> bool {
        *self == PatchBody::default()
    }
}

/// `data` of "Enrich Person": the job the server started.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrichJob {
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub person_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A note (../shared/DESIGN.md §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireNote {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub created_by_user_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// `notePeople`, `noteCompanies`, ...
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `data` of the notes listing (paged like people; the document is silent).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesPage {
    pub notes: Vec<Value>,
    #[serde(default)]
    pub has_more: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One option of a select-like definition.
#[derive(Debug, Clone, Deserialize)]
pub struct WireOption {
    pub value: Value,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WireSettings {
    #[serde(default)]
    pub options: Vec<WireOption>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A custom-field definition (../shared/DESIGN.md §4): `{key, type,
/// isFilterable, isSortable, isRequired, settings.options[{value,label,
/// color}], displayOrder}`. A `label` or `name` is used when a server sends one.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCustomField {
    pub key: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub is_filterable: Option<bool>,
    #[serde(default)]
    pub is_sortable: Option<bool>,
    #[serde(default)]
    pub is_required: Option<bool>,
    #[serde(default)]
    pub settings: Option<WireSettings>,
    #[serde(default)]
    pub display_order: Option<i64>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WireCustomField {
    pub fn into_def(self) -> CustomFieldDef {
        let option_text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let options = self
            .settings
            .unwrap_or_default()
            .options
            .into_iter()
            .map(|o| {
                let value = option_text(&o.value);
                FieldOption {
                    label: o
                        .label
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| value.clone()),
                    value,
                    color: o.color,
                }
            })
            .collect();
        let label = self
            .label
            .or(self.name)
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| crate::model::label::humanize_key(&self.key));
        CustomFieldDef {
            label,
            kind: CustomFieldKind::from_wire(self.kind.as_deref().unwrap_or("text")),
            filterable: self.is_filterable.unwrap_or(false),
            sortable: self.is_sortable.unwrap_or(false),
            required: self.is_required.unwrap_or(false),
            options,
            display_order: self.display_order.unwrap_or(0),
            key: self.key,
        }
    }
}

/// Definitions from `data`, which may be the array itself or an object
/// wrapping it (the document does not show this reply); sorted by
/// `displayOrder`. A definition without a key is skipped.
pub fn custom_fields_from_wire(data: &Value) -> Vec<CustomFieldDef> {
    let list = match data {
        Value::Array(a) => Some(a),
        Value::Object(o) => ["customFields", "fields", "items"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_array)),
        _ => None,
    };
    let mut defs: Vec<CustomFieldDef> = list
        .into_iter()
        .flatten()
        .filter_map(
            |v| match serde_json::from_value::<WireCustomField>(v.clone()) {
                Ok(d) => Some(d.into_def()),
                Err(e) => {
                    tracing::warn!("introzy: skipping a custom-field definition: {e}");
                    None
                }
            },
        )
        .collect();
    defs.sort_by(|a, b| {
        a.display_order
            .cmp(&b.display_order)
            .then(a.key.cmp(&b.key))
    });
    defs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_survive_and_nulls_are_unset() {
        let wire = WirePerson::from_value(json!({
            "id": "u-1", "email": "a@b.co", "firstName": "A", "lastName": null,
            "phoneNumber": null, "address": null, "latitude": null, "isFullUser": false,
            "customFields": {"cf_a": "x", "cf_b": null}, "company": null,
            "createdAt": "2024-01-15T10:00:00.000Z", "updatedAt": "2024-01-15T10:30:00.000Z",
            "futureField": {"k": 1}
        }))
        .unwrap();
        let p = wire.into_person();
        assert_eq!(p.family_name, "");
        assert!(p.phones.is_empty());
        assert_eq!(p.custom_fields.len(), 1);
        assert_eq!(p.extra["futureField"], json!({"k": 1}));
        assert_eq!(p.extra["isFullUser"], false);
        assert!(!p.extra.contains_key("company"));
    }

    #[test]
    fn a_person_without_id_is_malformed() {
        assert!(matches!(
            WirePerson::from_value(json!({"firstName": "x"})),
            Err(BackendError::Malformed(_))
        ));
    }

    #[test]
    fn bodies_leave_out_what_is_empty_or_unchanged() {
        let body = CreateBody {
            email: "a@b.co".into(),
            first_name: "A".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"email": "a@b.co", "firstName": "A"})
        );
        let patch = PatchBody {
            last_name: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"lastName": ""})
        );
        assert!(PatchBody::default().is_empty());
    }

    #[test]
    fn custom_field_defs_are_typed_sorted_and_labelled() {
        let defs = custom_fields_from_wire(&json!([
            {"key": "cf_lead_source", "type": "select", "displayOrder": 2,
             "settings": {"options": [{"value": "web", "label": "Website", "color": "#0f0"}]}},
            {"key": "cf_department", "type": "text", "displayOrder": 1, "isRequired": true},
            {"key": "cf_seats", "type": "number", "displayOrder": 3, "settings": {}},
            {"type": "text"}
        ]));
        let keys: Vec<_> = defs.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["cf_department", "cf_lead_source", "cf_seats"]);
        assert!(defs[0].required);
        assert_eq!(defs[1].label, "Lead source");
        assert_eq!(defs[1].kind, CustomFieldKind::Select);
        assert_eq!(defs[1].display(&json!("web")), "Website");
        assert_eq!(defs[2].kind, CustomFieldKind::Number);
    }
}
