//! A Rhythm contact <-> a [`Person`], and the JSON Patch an edit sends.
//!
//! Fields [`Person`] knows are lifted out of the contact when they hold a
//! non-empty value; everything else (the address objects, `notes`,
//! `status`, `sys_locked`, ...) stays in [`Person::extra`] verbatim, so a
//! `PUT` can send back every field the server sent. `sys_version`,
//! `sys_created_at` and `sys_last_modified_at` become the person's
//! `version`, `created_at` and `updated_at` (and go back for a `PUT`).
//!
//! An edit is an RFC 6902 patch of exactly the fields the user changed:
//! the diff of the two records restricted to the fields rolo writes (names,
//! emails, phones, organisation, title, LinkedIn, status, the address object
//! and the social links an accepted enrichment fills). It never holds a
//! `sys_*` path and never a field the user did not change, so a stale copy
//! of `notes` or `sys_version` can never be written back. Each `replace`
//! and `remove` is preceded by a `test` of the value the edit started from:
//! an edit to a field someone else changed meanwhile fails as a whole
//! instead of overwriting theirs, while their changes to other fields stand.

use super::super::{BackendError, Result};
use super::wire::{Contact, Slot, text};
use crate::model::{Address, Capabilities, Person, Phone, validate_person};
use serde_json::{Map, Value, json};

/// Why a locked contact is read-only, as the app and the adapter say it.
pub const LOCKED: &str = "locked in Rhythm (sys_locked); its API refuses changes";

struct TextField {
    key: &'static str,
    get: fn(&Person) -> &str,
    set: fn(&mut Person) -> &mut String,
    wire: fn(&mut Contact) -> &mut Slot<String>,
}

/// The model's one-line fields and where a contact keeps them.
const TEXT: &[TextField] = &[
    TextField {
        key: "prefix",
        get: |p| p.honorific_prefix.as_str(),
        set: |p| &mut p.honorific_prefix,
        wire: |c| &mut c.prefix,
    },
    TextField {
        key: "first_name",
        get: |p| p.given_name.as_str(),
        set: |p| &mut p.given_name,
        wire: |c| &mut c.first_name,
    },
    TextField {
        key: "middle_name",
        get: |p| p.additional_name.as_str(),
        set: |p| &mut p.additional_name,
        wire: |c| &mut c.middle_name,
    },
    TextField {
        key: "last_name",
        get: |p| p.family_name.as_str(),
        set: |p| &mut p.family_name,
        wire: |c| &mut c.last_name,
    },
    TextField {
        key: "organization_name",
        get: |p| p.company.as_str(),
        set: |p| &mut p.company,
        wire: |c| &mut c.organization_name,
    },
    TextField {
        key: "job_title",
        get: |p| p.job_title.as_str(),
        set: |p| &mut p.job_title,
        wire: |c| &mut c.job_title,
    },
    TextField {
        key: "linked_in",
        get: |p| p.linkedin.as_str(),
        set: |p| &mut p.linkedin,
        wire: |c| &mut c.linked_in,
    },
];

type WireText = fn(&mut Contact) -> &mut Slot<String>;

/// Primary, secondary, tertiary email.
const EMAILS: &[(&str, WireText)] = &[
    ("email_address", |c| &mut c.email_address),
    ("email_address2", |c| &mut c.email_address2),
    ("email_address3", |c| &mut c.email_address3),
];

/// `(phone kind, wire key)`; kinds follow `preferred_phone_number_type`.
const PHONES: &[(&str, &str, WireText)] = &[
    ("mobile", "mobile_phone_number", |c| {
        &mut c.mobile_phone_number
    }),
    ("work", "work_phone_number", |c| &mut c.work_phone_number),
    ("home", "home_phone_number", |c| &mut c.home_phone_number),
    ("work mobile", "work_mobile_phone_number", |c| {
        &mut c.work_mobile_phone_number
    }),
    ("school", "school_phone_number", |c| {
        &mut c.school_phone_number
    }),
    ("fax", "fax_phone_number", |c| &mut c.fax_phone_number),
];

/// Where a phone without a known kind may go, in order of preference.
const GENERIC_PHONE_SLOTS: &[&str] = &["mobile", "work", "home", "work mobile", "school"];

/// Server fields rolo writes without modelling them: the social links a
/// profile lookup proposes (`extra.twitter`, ...).
pub const SOCIAL: &[&str] = &["twitter", "facebook", "instagram", "image_url"];

/// Take a non-empty value out of the contact; an empty or `null` one stays
/// so it is written back as it was.
fn lift(slot: &mut Slot<String>) -> Option<String> {
    if matches!(slot, Some(Some(s)) if !s.is_empty()) {
        slot.take().flatten()
    } else {
        None
    }
}

/// Set a lifted field back: a value is written, an empty value leaves the
/// field absent (or as the record kept it: `null`, `""`).
fn put(slot: &mut Slot<String>, value: &str) {
    if !value.is_empty() {
        *slot = Some(Some(value.to_string()));
    } else if matches!(slot, Some(Some(s)) if !s.is_empty()) {
        *slot = None;
    }
}

// ----------------------------------------------------------------- address

/// Which address object the contact's address lives in: the preferred
/// type's, else work, else home.
fn address_key(c: &Contact) -> String {
    let preferred = Some(text(&c.preferred_address_type))
        .filter(|t| !t.is_empty())
        .map(|t| format!("{}_address", t.replace(' ', "_")));
    preferred
        .into_iter()
        .chain(["work_address".to_string(), "home_address".to_string()])
        .find(|k| c.extra.get(k).is_some_and(Value::is_object))
        .unwrap_or_else(|| "work_address".to_string())
}

/// Accepted spellings per [`Address`] part: the document shows the address
/// objects empty (`"home_address": { }`), so read leniently and write back
/// under the spelling found.
const ADDRESS_PARTS: &[(&str, &[&str])] = &[
    ("street", &["line1", "address1", "street", "street_address"]),
    (
        "postalCode",
        &["postal_code", "zip", "zip_code", "postcode"],
    ),
    ("city", &["city", "locality"]),
    ("region", &["state", "region", "province"]),
    ("country", &["country", "country_code"]),
];

fn address_part<'a>(a: &'a mut Address, part: &str) -> &'a mut String {
    match part {
        "street" => &mut a.street,
        "postalCode" => &mut a.postal_code,
        "city" => &mut a.city,
        "region" => &mut a.region,
        _ => &mut a.country,
    }
}

fn address_from(c: &Contact) -> Address {
    let mut address = Address::default();
    let Some(Value::Object(a)) = c.extra.get(&address_key(c)) else {
        return address;
    };
    for (part, keys) in ADDRESS_PARTS {
        let found = keys
            .iter()
            .find_map(|k| a.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()));
        if let Some(v) = found {
            *address_part(&mut address, part) = v.to_string();
        }
    }
    address
}

/// Write `address` into the contact's address object, keeping its other keys.
fn overlay_address(c: &mut Contact, address: &Address) {
    let key = address_key(c);
    let mut target = match c.extra.get(&key) {
        Some(Value::Object(a)) => a.clone(),
        _ => Map::new(),
    };
    let mut address = address.clone();
    for (part, keys) in ADDRESS_PARTS {
        let wire_key = keys
            .iter()
            .find(|k| target.contains_key(**k))
            .unwrap_or(&keys[0]);
        let value = std::mem::take(address_part(&mut address, part));
        if value.is_empty() {
            target.remove(*wire_key);
        } else {
            target.insert((*wire_key).to_string(), json!(value));
        }
    }
    c.extra.insert(key, Value::Object(target));
}

// ------------------------------------------------------------------ mapping

/// A contact -> [`Person`]. A contact without an id is malformed.
pub fn person_from_contact(mut c: Contact) -> Result<Person> {
    let id =
        c.id.take()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| BackendError::Malformed("a contact has no id".into()))?;
    let mut p = Person {
        id,
        ..Default::default()
    };
    for t in TEXT {
        if let Some(v) = lift((t.wire)(&mut c)) {
            *(t.set)(&mut p) = v;
        }
    }
    for (_, wire) in EMAILS {
        if let Some(v) = lift(wire(&mut c)) {
            p.emails.push(v);
        }
    }
    for (kind, _, wire) in PHONES {
        if let Some(number) = lift(wire(&mut c)) {
            p.phones.push(Phone {
                number,
                kind: (*kind).to_string(),
            });
        }
    }
    p.archived = text(&c.status) == "inactive";
    p.address = address_from(&c);
    p.version = c.sys_version.take().flatten().map(|v| match v {
        Value::String(s) => s,
        other => other.to_string(),
    });
    p.created_at = c.sys_created_at.take().flatten();
    p.updated_at = c.sys_last_modified_at.take().flatten();
    p.read_only = c.is_locked().then(|| LOCKED.to_string());
    p.extra = c.to_map();
    Ok(p.normalize())
}

/// Wire JSON -> [`Person`].
pub fn person_from_wire(v: &Value) -> Result<Person> {
    let c = Contact::from_value(v.clone())
        .map_err(|e| BackendError::Malformed(format!("a Rhythm contact: {e}")))?;
    person_from_contact(c)
}

/// Assign phones to wire keys: by kind first, then generic slots in order.
fn phone_slots(phones: &[Phone]) -> Result<Vec<(&'static str, String)>> {
    let mut taken: Vec<(&'static str, String)> = Vec::new();
    let mut pending = Vec::new();
    for phone in phones {
        let kind = phone.kind.trim().to_lowercase();
        match PHONES.iter().find(|(k, _, _)| *k == kind) {
            Some((_, key, _)) if !taken.iter().any(|(t, _)| t == key) => {
                taken.push((key, phone.number.clone()))
            }
            _ => pending.push(phone),
        }
    }
    for phone in pending {
        let free = GENERIC_PHONE_SLOTS
            .iter()
            .filter_map(|kind| PHONES.iter().find(|(k, _, _)| k == kind))
            .map(|(_, key, _)| *key)
            .find(|key| !taken.iter().any(|(t, _)| t == key));
        match free {
            Some(key) => taken.push((key, phone.number.clone())),
            None => {
                return Err(BackendError::Unsupported(format!(
                    "Rhythm has no free phone field for '{}' (one mobile, work, home, work mobile, school and fax number per contact)",
                    phone.number
                )));
            }
        }
    }
    Ok(taken)
}

/// `sys_version` as the number the server sent.
fn version_value(v: &str) -> Value {
    v.parse::<i64>()
        .map(Value::from)
        .or_else(|_| v.parse::<f64>().map(Value::from))
        .unwrap_or_else(|_| Value::String(v.to_string()))
}

/// [`Person`] -> the whole contact (every field the server sent plus the
/// user's edits).
pub fn contact_from_person(p: &Person) -> Result<Contact> {
    let mut c = Contact::from_value(Value::Object(p.extra.clone())).map_err(|e| {
        BackendError::Malformed(format!(
            "the contact rolo holds cannot be written back: {e}"
        ))
    })?;
    c.id = (!p.id.is_empty()).then(|| p.id.clone());
    for t in TEXT {
        put((t.wire)(&mut c), (t.get)(p));
    }
    for (i, (_, wire)) in EMAILS.iter().enumerate() {
        put(
            wire(&mut c),
            p.emails.get(i).map(String::as_str).unwrap_or_default(),
        );
    }
    let slots = phone_slots(&p.phones)?;
    for (_, key, wire) in PHONES {
        let number = slots
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.as_str())
            .unwrap_or_default();
        put(wire(&mut c), number);
    }
    match (p.archived, text(&c.status)) {
        (true, "inactive") | (false, "") => {}
        (true, _) => c.status = Some(Some("inactive".into())),
        (false, "inactive") => c.status = Some(Some("active".into())),
        (false, _) => {}
    }
    // Only touch the address object when the user changed the address, so an
    // unknown address shape is never rewritten.
    if p.address != address_from(&c) {
        overlay_address(&mut c, &p.address);
    }
    if c.sys_version.is_none() {
        c.sys_version = p.version.as_deref().map(|v| Some(version_value(v)));
    }
    if c.sys_created_at.is_none() {
        c.sys_created_at = p.created_at.clone().map(Some);
    }
    if c.sys_last_modified_at.is_none() {
        c.sys_last_modified_at = p.updated_at.clone().map(Some);
    }
    Ok(c)
}

/// [`Person`] -> the whole wire record.
pub fn person_to_wire(p: &Person) -> Result<Map<String, Value>> {
    Ok(contact_from_person(p)?.to_map())
}

/// What a Rhythm contact holds: names, up to three emails, six typed
/// phones, organisation, title, an address and LinkedIn; notes as dated
/// paragraphs of one text; no tags or owner; no field is required.
pub fn capabilities() -> Capabilities {
    use crate::model::PersonField as F;
    Capabilities {
        notes: true,
        multiple_notes: true,
        flag_notes: false,
        note_titles: false,
        note_categories: false,
        enrich: Some(crate::model::EnrichKind::Lookup),
        server_search: true,
        delete: true,
        archive: true,
        merge: true,
        custom_fields: false,
        note_edit: true,
        note_delete: true,
        fields: &[
            F::HonorificPrefix,
            F::GivenName,
            F::AdditionalName,
            F::FamilyName,
            F::Emails,
            F::Phones,
            F::Company,
            F::JobTitle,
            F::Street,
            F::PostalCode,
            F::City,
            F::Region,
            F::Country,
            F::Linkedin,
        ],
        required: &[],
    }
}

/// Refuse, without a request, what Rhythm has no place for. With a `base`
/// only what the edit changed counts.
pub fn refuse_unstored(base: Option<&Person>, p: &Person) -> Result<()> {
    let changed = |f: fn(&Person) -> bool, same: fn(&Person, &Person) -> bool| {
        f(p) && base.is_none_or(|b| !same(b, p))
    };
    let mut reasons = Vec::new();
    if changed(|p| !p.tags.is_empty(), |a, b| a.tags == b.tags) {
        reasons.push("Rhythm contacts have no tags");
    }
    if changed(|p| !p.owner.is_empty(), |a, b| a.owner == b.owner) {
        reasons.push("Rhythm contacts have no owner field");
    }
    if changed(
        |p| !p.custom_fields.is_empty(),
        |a, b| a.custom_fields == b.custom_fields,
    ) {
        reasons.push("rolo does not edit Rhythm's custom field values");
    }
    if changed(
        |p| p.emails.len() > EMAILS.len(),
        |a, b| a.emails == b.emails,
    ) {
        reasons.push("Rhythm keeps at most three email addresses per contact");
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(BackendError::Unsupported(reasons.join("; ")))
    }
}

/// The shared rules (email and phone shapes; a name or an email).
fn check_shapes(p: &Person) -> Result<()> {
    let v = validate_person(p, &capabilities());
    if v.is_empty() {
        Ok(())
    } else {
        Err(BackendError::Validation(v))
    }
}

fn is_managed(path: &str) -> bool {
    path == "/id" || path.starts_with("/sys_")
}

/// The POST body: the contact without `id` (the API refuses one) or any
/// server-managed field.
pub fn create_body(p: &Person) -> Result<Value> {
    refuse_unstored(None, p)?;
    check_shapes(p)?;
    let mut obj = person_to_wire(p)?;
    obj.retain(|k, _| !is_managed(&format!("/{k}")));
    Ok(Value::Object(obj))
}

/// The keys an edit may write, in `old` and `new`'s terms.
fn writable_keys(old: &Contact, new: &Contact) -> Vec<String> {
    let mut keys: Vec<String> = TEXT
        .iter()
        .map(|t| t.key)
        .chain(EMAILS.iter().map(|(k, _)| *k))
        .chain(PHONES.iter().map(|(_, k, _)| *k))
        .chain(SOCIAL.iter().copied())
        .chain(["status"])
        .map(str::to_string)
        .collect();
    keys.push(address_key(old));
    keys.push(address_key(new));
    keys.dedup();
    keys
}

/// The PATCH body for an edit from `base` to `edited` (see the module
/// comment); empty when nothing rolo writes changed.
pub fn patch_ops(base: &Person, edited: &Person) -> Result<Vec<Value>> {
    refuse_unstored(Some(base), edited)?;
    check_shapes(edited)?;
    let (old, new) = (contact_from_person(base)?, contact_from_person(edited)?);
    let keys = writable_keys(&old, &new);
    let pick = |c: &Contact| -> Value {
        let m = c.to_map();
        Value::Object(
            keys.iter()
                .filter_map(|k| m.get(k).map(|v| (k.clone(), v.clone())))
                .collect(),
        )
    };
    let (was, will) = (pick(&old), pick(&new));
    let diff = json_patch::diff(&was, &will);
    let Ok(Value::Array(ops)) = serde_json::to_value(&diff) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(ops.len() * 2);
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        if is_managed(path) {
            // Unreachable by construction (no sys_* key is writable).
            debug_assert!(false, "a patch must not touch {path}");
            continue;
        }
        let guarded = matches!(
            op.get("op").and_then(Value::as_str),
            Some("replace" | "remove")
        );
        if guarded && let Some(before) = was.pointer(path) {
            out.push(json!({"op": "test", "path": path, "value": before}));
        }
        out.push(op);
    }
    Ok(out)
}

/// The value each write op in `ops` leaves at its path (`None`: removed).
fn intended(op: &Value) -> Option<Option<&Value>> {
    match op.get("op").and_then(Value::as_str) {
        Some("test") | None => None,
        Some("remove") => Some(None),
        Some(_) => Some(op.get("value")),
    }
}

fn path_of(op: &Value) -> &str {
    op.get("path").and_then(Value::as_str).unwrap_or_default()
}

/// Did `current` already receive `ops`? (A PATCH whose reply was lost.)
pub fn ops_applied(current: &Value, ops: &[Value]) -> bool {
    ops.iter().all(|op| match intended(op) {
        None => true,
        Some(want) => current.pointer(path_of(op)) == want,
    })
}

/// Paths of `ops` that someone else changed: on the server now neither
/// what the edit started from (`base`) nor what it writes.
pub fn changed_elsewhere(current: &Value, base: &Value, ops: &[Value]) -> Vec<String> {
    ops.iter()
        .filter_map(|op| {
            let want = intended(op)?;
            let path = path_of(op);
            let now = current.pointer(path);
            (now != want && now != base.pointer(path)).then(|| path.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({
            "id": "c-1",
            "number": 17,
            "first_name": "Ada",
            "middle_name": "",
            "last_name": "Lovelace",
            "email_address": "ada@example.com",
            "mobile_phone_number": "+44 20 7946 0000",
            "organization_name": "Analytical Engines",
            "status": "active",
            "preferred_address_type": "home",
            "home_address": {"line1": "12 St James's Sq", "city": "London", "country": "UK", "geo": [1, 2]},
            "custom_field_values": [{"id": "cf1", "value": "x"}],
            "notes": "Met at the RS",
            "sys_version": 4,
            "sys_locked": false,
            "sys_created_at": "2024-01-01T00:00:00Z",
            "sys_last_modified_at": "2024-02-01T00:00:00Z",
        })
    }

    #[test]
    fn maps_known_fields_and_keeps_the_rest() {
        let p = person_from_wire(&sample()).unwrap();
        assert_eq!(p.given_name, "Ada");
        assert_eq!(p.emails, ["ada@example.com"]);
        assert_eq!(p.phones[0].kind, "mobile");
        assert_eq!(p.company, "Analytical Engines");
        assert_eq!(p.address.street, "12 St James's Sq");
        assert_eq!(p.address.city, "London");
        assert_eq!(p.version.as_deref(), Some("4"));
        assert_eq!(p.read_only, None);
        assert_eq!(p.extra["middle_name"], "");
        assert_eq!(p.extra["notes"], "Met at the RS");
        assert!(!p.extra.contains_key("first_name"));
        assert!(!p.extra.contains_key("sys_version"));
    }

    #[test]
    fn unchanged_person_round_trips_to_the_same_record() {
        let raw = sample();
        let p = person_from_wire(&raw).unwrap();
        assert_eq!(Value::Object(person_to_wire(&p).unwrap()), raw);
        assert!(patch_ops(&p, &p).unwrap().is_empty());
    }

    #[test]
    fn an_edit_tests_and_writes_only_the_fields_it_changed() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.job_title = "Analyst".into();
        edited.given_name = "Augusta Ada".into();
        let ops = patch_ops(&base, &edited).unwrap();
        assert_eq!(
            Value::Array(ops),
            json!([
                {"op": "test", "path": "/first_name", "value": "Ada"},
                {"op": "replace", "path": "/first_name", "value": "Augusta Ada"},
                {"op": "add", "path": "/job_title", "value": "Analyst"},
            ])
        );
    }

    #[test]
    fn stale_notes_and_versions_are_never_written() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        // A copy that is behind the server: old notes, old version.
        edited.extra.insert("notes".into(), json!("old text"));
        edited
            .extra
            .insert("sys_last_modified_by_id".into(), json!("me"));
        edited.version = Some("1".into());
        edited.company = "Difference Engines".into();
        let ops = patch_ops(&base, &edited).unwrap();
        let paths: Vec<&str> = ops.iter().map(path_of).collect();
        assert_eq!(paths, ["/organization_name", "/organization_name"]);
    }

    #[test]
    fn a_locked_contact_is_read_only_with_the_reason() {
        let mut raw = sample();
        raw["sys_locked"] = json!(true);
        let p = person_from_wire(&raw).unwrap();
        assert_eq!(p.read_only.as_deref(), Some(LOCKED));
        assert_eq!(p.extra["sys_locked"], true);
    }

    #[test]
    fn address_edit_keeps_unknown_address_keys() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.address.city = "Marylebone".into();
        let wire = person_to_wire(&edited).unwrap();
        assert_eq!(wire["home_address"]["city"], "Marylebone");
        assert_eq!(wire["home_address"]["geo"], json!([1, 2]));
        let ops = patch_ops(&base, &edited).unwrap();
        assert_eq!(
            Value::Array(ops),
            json!([
                {"op": "test", "path": "/home_address/city", "value": "London"},
                {"op": "replace", "path": "/home_address/city", "value": "Marylebone"},
            ])
        );
    }

    #[test]
    fn archive_maps_to_status_and_clearing_removes_a_key() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited.archived = true;
        edited.phones.clear();
        let ops = patch_ops(&base, &edited).unwrap();
        assert!(ops.contains(&json!({"op": "replace", "path": "/status", "value": "inactive"})));
        assert!(ops.contains(
            &json!({"op": "test", "path": "/mobile_phone_number", "value": "+44 20 7946 0000"})
        ));
        assert!(ops.contains(&json!({"op": "remove", "path": "/mobile_phone_number"})));
    }

    #[test]
    fn an_accepted_social_link_is_written() {
        let base = person_from_wire(&sample()).unwrap();
        let mut edited = base.clone();
        edited
            .extra
            .insert("twitter".into(), json!("https://twitter.com/ada"));
        let ops = patch_ops(&base, &edited).unwrap();
        assert_eq!(
            Value::Array(ops),
            json!([{"op": "add", "path": "/twitter", "value": "https://twitter.com/ada"}])
        );
    }

    #[test]
    fn phones_without_kind_take_free_slots() {
        let phone = |n: &str, k: &str| Phone {
            number: n.into(),
            kind: k.into(),
        };
        let slots =
            phone_slots(&[phone("1", "work"), phone("2", ""), phone("3", "pager")]).unwrap();
        assert_eq!(
            slots,
            [
                ("work_phone_number", "1".to_string()),
                ("mobile_phone_number", "2".to_string()),
                ("home_phone_number", "3".to_string())
            ]
        );
        let many: Vec<Phone> = (0..7).map(|i| phone(&i.to_string(), "")).collect();
        assert!(matches!(
            phone_slots(&many),
            Err(BackendError::Unsupported(_))
        ));
    }

    #[test]
    fn create_body_has_no_id_or_sys_fields() {
        let p = Person {
            given_name: "Grace".into(),
            family_name: "Hopper".into(),
            ..Default::default()
        };
        assert_eq!(
            create_body(&p).unwrap(),
            json!({"first_name": "Grace", "last_name": "Hopper"})
        );
        assert!(matches!(
            create_body(&Person::default()),
            Err(BackendError::Validation(_))
        ));
        let tagged = Person {
            tags: vec!["vip".into()],
            ..p
        };
        assert_eq!(
            create_body(&tagged),
            Err(BackendError::Unsupported(
                "Rhythm contacts have no tags".into()
            ))
        );
    }

    #[test]
    fn lost_replies_and_concurrent_changes_are_told_apart() {
        let base = json!({"a": 1, "b": "x"});
        let ops = [
            json!({"op": "test", "path": "/a", "value": 1}),
            json!({"op": "replace", "path": "/a", "value": 2}),
            json!({"op": "remove", "path": "/b"}),
        ];
        assert!(ops_applied(&json!({"a": 2}), &ops));
        assert!(!ops_applied(&base, &ops));
        assert!(changed_elsewhere(&base, &base, &ops).is_empty());
        assert_eq!(
            changed_elsewhere(&json!({"a": 5, "b": "x"}), &base, &ops),
            ["/a"]
        );
    }
}
