//! RogerRoger's wire format: one serde struct per resource, shaped after the
//! examples in `../shared/api/rogerroger-people-http-examples.txt` and
//! `rogerroger-related-resources.md`. Every struct keeps the fields rolo
//! does not model in `extra` (`#[serde(flatten)]`), so nothing the server
//! sent is lost on the way back.
//!
//! Relations are IRIs (`"/tags/{id}"`) as every example shows; a [`Link`]
//! also takes an embedded object (`{"@id": …, "title": …}`), which API
//! Platform emits for relations in a normalisation group, so such a server
//! costs no dereferencing requests.
//!
//! Text fields accept numbers and booleans as text and `null` as absent:
//! one odd value must not make a whole page unreadable.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// `Option<String>` from a string, number or boolean; anything else is `None`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A list that may be `null`.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// `true`/`false`, `null` as absent.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        _ => None,
    })
}

/// A relation: an IRI, or the resource itself embedded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Link {
    Iri(String),
    Embedded(Box<Resource>),
}

impl Link {
    pub fn iri(&self) -> Option<&str> {
        match self {
            Link::Iri(s) => Some(s.as_str()),
            Link::Embedded(r) => r.iri.as_deref(),
        }
        .filter(|s| !s.trim().is_empty())
    }
}

/// Any resource a relation names (tag, organisation, user, segment, note
/// category), as far as rolo reads it. Tags: `title`, `backgroundColor`,
/// `textColor`; organisations: `title`. Users, segments and note categories
/// are not documented: a `title` like the others is assumed, and `name`,
/// `fullName`, `firstName`/`lastName` or `email` are read when present (as
/// API Platform user resources commonly have).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    #[serde(rename = "@id", default, deserialize_with = "text")]
    pub iri: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub background_color: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub text_color: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Resource {
    /// The name users know it by; empty when it has none.
    pub fn display_name(&self) -> String {
        let full = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.title.clone(),
            self.name.clone(),
            self.full_name.clone(),
            Some(full),
            self.email.clone(),
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
    }
}

/// `{"email": …}` with whatever else the server puts on it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
pub struct EmailAddress {
    #[serde(default, deserialize_with = "text")]
    pub email: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"phoneNumber": …, "phoneType": "fax"}` and the rest.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumber {
    #[serde(default, deserialize_with = "text")]
    pub phone_number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub phone_type: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"city", "postalCode", "street", "country"}`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressWire {
    #[serde(default, deserialize_with = "text")]
    pub street: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub country: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A person (`GET /people/{id}` and the members of `GET /people`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonWire {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub family_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub given_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub additional_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub honorific_prefix: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub initials: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub job_title: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub linkedin_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub archived_at: Option<String>,
    #[serde(default)]
    pub owner: Option<Link>,
    #[serde(default, deserialize_with = "list")]
    pub tags: Vec<Link>,
    #[serde(default, deserialize_with = "list")]
    pub organizations: Vec<Link>,
    #[serde(default, deserialize_with = "list")]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(default, deserialize_with = "list")]
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default)]
    pub address: Option<AddressWire>,
    /// `@context`, `@id`, `@type`, `segments`, `customerId`, `dealSize`, …
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Server-controlled keys a write must not send.
pub const READ_ONLY: [&str; 4] = ["createdAt", "updatedAt", "importedAt", "avatarUrl"];

/// A person note (`/people/{personId}/notes[/{id}]`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteWire {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub created_at: Option<String>,
    /// Not in the documents' examples; read if a server sends it.
    #[serde(default, deserialize_with = "text")]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub flagged: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    pub is_private: Option<bool>,
    #[serde(default)]
    pub author: Option<Link>,
    #[serde(default)]
    pub category: Option<Link>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Hydra collection: `member`, `totalItems`, `view.next`; older servers
/// prefix each key with `hydra:`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    #[serde(alias = "hydra:member")]
    pub member: Vec<T>,
    #[serde(default, alias = "hydra:totalItems")]
    pub total_items: Option<u64>,
    #[serde(default, alias = "hydra:view")]
    pub view: Option<View>,
}

#[derive(Debug, Default, Deserialize)]
pub struct View {
    #[serde(default, alias = "hydra:next", deserialize_with = "text")]
    pub next: Option<String>,
}

impl<T> Collection<T> {
    /// The page the `next` link names, or `current + 1` if it names none;
    /// `None` on the last page, and for a link back to this or an earlier
    /// page (that would loop forever).
    pub fn next_page(&self, current: u32) -> Option<u32> {
        let link = self.view.as_ref()?.next.as_deref()?;
        let query = link.split_once('?').map(|(_, q)| q).unwrap_or("");
        let named = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse::<u32>().ok());
        match named {
            Some(p) if p > current => Some(p),
            Some(_) => None,
            None => current.checked_add(1),
        }
    }
}

/// The id of a person or note: `id`, else the last segment of `@id`.
pub fn resource_id(id: Option<&str>, extra: &Map<String, Value>) -> String {
    if let Some(id) = id.map(str::trim).filter(|s| !s.is_empty()) {
        return id.to_string();
    }
    extra
        .get("@id")
        .and_then(Value::as_str)
        .and_then(|iri| iri.rsplit('/').next())
        .unwrap_or_default()
        .to_string()
}

/// Drop JSON-LD bookkeeping (`@context`, `@type`, `@id`) from an embedded
/// object before it is sent back.
pub fn strip_ld(extra: &Map<String, Value>) -> Map<String, Value> {
    extra
        .iter()
        .filter(|(k, _)| !k.starts_with('@'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_person_example_parses_with_its_iris() {
        // The GET /people/{id} example, verbatim.
        let p: PersonWire = serde_json::from_value(json!({
            "@context": "text", "@id": "text", "@type": "text",
            "familyName": null, "givenName": null, "additionalName": null, "initials": null,
            "customerId": null, "honorificPrefix": null, "isTracked": null, "linkedinId": null,
            "externalSource": null, "createdAt": null, "updatedAt": null, "importedAt": null,
            "archivedAt": null, "owner": "/users/{id}", "jobTitle": null,
            "tags": ["/tags/{id}"], "segments": ["/segments/{id}"],
            "organizations": ["/organizations/{id}"],
            "emailAddresses": [{"@context": "text", "@type": "text", "email": null}],
            "phoneNumbers": [{"@context": "text", "@type": "text", "phoneNumber": null, "phoneType": "fax"}],
            "address": {"@context": "text", "@id": "text", "@type": "text", "city": null,
                        "postalCode": null, "street": null, "country": "NL"},
            "avatarUrl": null, "integrationParticipants": ["https://example.com/"], "id": null
        }))
        .unwrap();
        assert_eq!(p.owner.as_ref().and_then(Link::iri), Some("/users/{id}"));
        assert_eq!(p.tags[0].iri(), Some("/tags/{id}"));
        assert_eq!(p.organizations[0].iri(), Some("/organizations/{id}"));
        assert_eq!(p.phone_numbers[0].phone_type.as_deref(), Some("fax"));
        assert_eq!(p.address.unwrap().country.as_deref(), Some("NL"));
        for key in ["segments", "customerId", "integrationParticipants", "@id"] {
            assert!(p.extra.contains_key(key), "{key}");
        }
        assert!(!p.extra.contains_key("tags"));
    }

    #[test]
    fn odd_values_do_not_spoil_a_record() {
        let p: PersonWire = serde_json::from_value(json!({
            "id": 42, "familyName": 7, "tags": null, "organizations": [{"@id": "/organizations/1", "title": "Acme"}],
            "emailAddresses": null, "address": null, "owner": null
        }))
        .unwrap();
        assert_eq!(p.id.as_deref(), Some("42"));
        assert_eq!(p.family_name.as_deref(), Some("7"));
        assert!(p.tags.is_empty() && p.email_addresses.is_empty());
        let Link::Embedded(org) = &p.organizations[0] else {
            panic!("embedded")
        };
        assert_eq!(org.display_name(), "Acme");
    }

    #[test]
    fn collections_new_and_hydra_style() {
        let new: Collection<Value> = serde_json::from_value(json!({
            "member": [{"id": "1"}], "totalItems": 40,
            "view": {"@id": "/people?page=1", "next": "/people?itemsPerPage=30&page=2"}
        }))
        .unwrap();
        assert_eq!((new.total_items, new.next_page(1)), (Some(40), Some(2)));
        let old: Collection<Value> = serde_json::from_value(json!({
            "hydra:member": [], "hydra:totalItems": 0,
            "hydra:view": {"@id": "/people?page=3"}
        }))
        .unwrap();
        assert_eq!((old.total_items, old.next_page(3)), (Some(0), None));
        let looping: Collection<Value> =
            serde_json::from_value(json!({"member": [], "view": {"next": "/people?page=1"}}))
                .unwrap();
        assert_eq!(looping.next_page(1), None);
        assert!(serde_json::from_value::<Collection<Value>>(json!({"items": []})).is_err());
        assert!(serde_json::from_value::<Collection<Value>>(json!([1])).is_err());
    }

    #[test]
    fn user_names_come_from_whatever_the_server_has() {
        let r = |v: Value| {
            serde_json::from_value::<Resource>(v)
                .unwrap()
                .display_name()
        };
        assert_eq!(
            r(json!({"firstName": "Lucía", "lastName": "Ortega"})),
            "Lucía Ortega"
        );
        assert_eq!(
            r(json!({"fullName": "Owen Owner", "email": "o@x"})),
            "Owen Owner"
        );
        assert_eq!(r(json!({"email": "o@x"})), "o@x");
        assert_eq!(r(json!({"@id": "/users/1"})), "");
    }
}
