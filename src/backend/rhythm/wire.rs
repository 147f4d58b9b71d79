//! Rhythm Rolodex's JSON, one serde struct per resource of
//! ../shared/api/rhythm-rolodex-contacts.txt. Each keeps the keys it does not
//! name in `extra`; a contact has over a hundred, and rolo names only those
//! it maps or acts on.
//!
//! DynamoDB items are sparse: a field may be absent, `null` or a value, and
//! a contact keeps the difference ([`Slot`]) so a `PUT` sends back exactly
//! what it read.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Absent (`None`), `null` (`Some(None)`) or a value.
pub type Slot<T> = Option<Option<T>>;

/// A present key is `Some`, even when its value is `null`.
fn present<'de, D, T>(d: D) -> Result<Slot<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The text in a slot ("" when absent or null).
pub fn text(slot: &Slot<String>) -> &str {
    match slot {
        Some(Some(s)) => s,
        _ => "",
    }
}

macro_rules! contact {
    ($($(#[$doc:meta])* $field:ident: $ty:ty,)*) => {
        /// A contact (the create, get, put, patch and merge replies).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct Contact {
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub id: Option<String>,
            $(
                $(#[$doc])*
                #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
                pub $field: Slot<$ty>,
            )*
            /// Every other field of the contact, verbatim.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

contact! {
    prefix: String,
    first_name: String,
    middle_name: String,
    last_name: String,
    /// Filled by the server from `organization_id` when that is set.
    organization_name: String,
    job_title: String,
    linked_in: String,
    email_address: String,
    email_address2: String,
    email_address3: String,
    mobile_phone_number: String,
    work_phone_number: String,
    home_phone_number: String,
    work_mobile_phone_number: String,
    school_phone_number: String,
    fax_phone_number: String,
    /// `active`, `duplicate`, `deceased`, `inactive` (rolo's "archived").
    status: String,
    /// The contact's one notes text; rolo keeps a dated paragraph per note.
    notes: String,
    /// `home`, `work`, `school`, `alternate`: which address object to use.
    preferred_address_type: String,
    twitter: String,
    facebook: String,
    instagram: String,
    image_url: String,
    /// "If set, this record is locked and cannot be changed via the API."
    sys_locked: bool,
    /// "A number representing the version of this record."
    sys_version: Value,
    sys_created_at: String,
    sys_last_modified_at: String,
}

impl Contact {
    pub fn from_value(v: Value) -> Result<Contact, serde_json::Error> {
        serde_json::from_value(v)
    }

    pub fn is_locked(&self) -> bool {
        matches!(self.sys_locked, Some(Some(true)))
    }

    /// The wire record as a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }
}

/// The search reply: `{Items, LastEvaluatedKey}`.
#[derive(Debug, Deserialize)]
pub struct SearchReply {
    /// Rows stay raw so one bad row is skipped, not the whole page.
    #[serde(rename = "Items")]
    pub items: Vec<Value>,
    /// A string in the document; a DynamoDB key object is accepted too.
    #[serde(rename = "LastEvaluatedKey", default)]
    pub last_evaluated_key: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SearchReply {
    /// The key to send back as `exclusiveStartKey`; absent, `null` or empty
    /// ends the listing. An object key is passed back as its JSON text.
    pub fn next_key(&self) -> Option<String> {
        match &self.last_evaluated_key {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        }
    }
}

/// The social profile lookup's reply.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocialProfile {
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub twitter: Option<String>,
    #[serde(default)]
    pub facebook: Option<String>,
    #[serde(default)]
    pub linkedin: Option<String>,
    /// `gender`, `bio`, `details`, ...
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An OAuth2 token reply.
#[derive(Debug, Deserialize)]
pub struct TokenReply {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub token_type: Option<String>,
    /// Seconds, as a number or a numeric string.
    #[serde(default)]
    pub expires_in: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_null_and_values_survive_a_round_trip() {
        let raw = json!({"id": "c-1", "first_name": "Ada", "middle_name": null,
                         "prefix": "", "sys_locked": true, "sys_version": 3,
                         "home_address": {"city": "London"}, "number": 7});
        let c = Contact::from_value(raw.clone()).unwrap();
        assert_eq!(c.middle_name, Some(None));
        assert_eq!(c.last_name, None);
        assert!(c.is_locked());
        assert_eq!(c.extra["home_address"]["city"], "London");
        assert_eq!(Value::Object(c.to_map()), raw);
    }

    #[test]
    fn the_last_key_ends_on_absent_null_or_empty() {
        let key = |v: Value| serde_json::from_value::<SearchReply>(v).unwrap().next_key();
        assert_eq!(key(json!({"Items": []})), None);
        assert_eq!(key(json!({"Items": [], "LastEvaluatedKey": null})), None);
        assert_eq!(key(json!({"Items": [], "LastEvaluatedKey": ""})), None);
        assert_eq!(
            key(json!({"Items": [], "LastEvaluatedKey": "k"})).as_deref(),
            Some("k")
        );
        assert_eq!(
            key(json!({"Items": [], "LastEvaluatedKey": {"id": "c-1"}})).as_deref(),
            Some(r#"{"id":"c-1"}"#)
        );
    }
}
