//! vCard 3.0 and 4.0 (RFC 2426, RFC 6350), parsed and written by
//! `calcard` (the parser Stalwart's CardDAV server uses).
//!
//! A card maps onto a person through the field catalogue: [`slot`] says,
//! once per [`PersonField`], which property and component holds it. Every
//! line of an imported card is also kept, as the parser wrote it back, in
//! `extra["vcard"]` ([`KEPT`]); export writes a kept line again while what
//! rolo maps from it is unchanged (so its TYPE, PREF, group and order
//! survive) and writes the person's own value instead once it was edited.
//! Lines rolo does not map (PHOTO, BDAY, X-…, a second ADR) go back as they
//! came, so import then export loses nothing.

use super::{FormatError, Imported};
use crate::model::{Person, PersonField, Phone};
use calcard::common::IanaString;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardType, VCardValue, VCardVersion,
};
use calcard::{Entry, Parser};
use serde_json::{Value, json};

/// The key in [`Person::extra`] holding an imported card's lines.
pub const KEPT: &str = "vcard";

/// The vCard version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V3,
    V4,
}

impl Version {
    fn calcard(self) -> VCardVersion {
        match self {
            Version::V3 => VCardVersion::V3_0,
            Version::V4 => VCardVersion::V4_0,
        }
    }

    fn from_calcard(v: Option<VCardVersion>) -> Version {
        match v {
            Some(VCardVersion::V4_0) => Version::V4,
            _ => Version::V3,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Version::V3 => "3.0",
            Version::V4 => "4.0",
        }
    }
}

/// Where a catalogue field lives on a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A component of N (family; given; additional; prefix; suffix).
    Name(usize),
    Email,
    Tel,
    /// The first component of ORG (the rest are units, kept as they are).
    Org,
    Title,
    /// A component of the first ADR (box; extended; street; locality;
    /// region; code; country).
    Adr(usize),
    /// URL on linkedin.com, or SOCIALPROFILE of type linkedin.
    Linkedin,
    Categories,
    /// No vCard property: not written, nothing read into it.
    Nowhere,
}

/// The one entry per catalogue field.
fn slot(field: PersonField) -> Slot {
    use PersonField::*;
    match field {
        FamilyName => Slot::Name(0),
        GivenName => Slot::Name(1),
        AdditionalName => Slot::Name(2),
        HonorificPrefix => Slot::Name(3),
        Emails => Slot::Email,
        Phones => Slot::Tel,
        Company => Slot::Org,
        JobTitle => Slot::Title,
        Street => Slot::Adr(2),
        City => Slot::Adr(3),
        Region => Slot::Adr(4),
        PostalCode => Slot::Adr(5),
        Country => Slot::Adr(6),
        // The one-line address is a view of the parts: ADR holds them.
        AddressLine => Slot::Nowhere,
        Linkedin => Slot::Linkedin,
        Tags => Slot::Categories,
        // rolo's own: no vCard property says who owns a contact, and custom
        // fields are the CRM's (their keys mean nothing to another tool).
        Owner | CustomFields => Slot::Nowhere,
    }
}

/// What a line of a card is to rolo: mapped onto fields, kept as it is,
/// or the card's frame (BEGIN, VERSION, END) that the writer makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Mapped(Mapped),
    Kept,
    Frame,
}

/// The properties rolo maps, besides the fields' slots: FN (a view of
/// the names) and UID (who the card is, for finding them again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mapped {
    N,
    Fn,
    Uid,
    Slot(Slot),
}

/// Each entry's role; the first N, ORG, TITLE, ADR, UID, FN and LinkedIn
/// URL are mapped, a second one is kept as it is.
fn roles(card: &VCard) -> Vec<Role> {
    let mut seen: Vec<Mapped> = Vec::new();
    card.entries
        .iter()
        .map(|e| {
            let mapped = match &e.name {
                VCardProperty::Begin | VCardProperty::End | VCardProperty::Version => {
                    return Role::Frame;
                }
                VCardProperty::N => Some(Mapped::N),
                VCardProperty::Fn => Some(Mapped::Fn),
                VCardProperty::Uid => Some(Mapped::Uid),
                VCardProperty::Email => Some(Mapped::Slot(Slot::Email)),
                VCardProperty::Tel => Some(Mapped::Slot(Slot::Tel)),
                VCardProperty::Categories => Some(Mapped::Slot(Slot::Categories)),
                VCardProperty::Org => Some(Mapped::Slot(Slot::Org)),
                VCardProperty::Title => Some(Mapped::Slot(Slot::Title)),
                VCardProperty::Adr => Some(Mapped::Slot(Slot::Adr(0))),
                VCardProperty::Url | VCardProperty::Socialprofile if is_linkedin(e) => {
                    Some(Mapped::Slot(Slot::Linkedin))
                }
                _ => None,
            };
            match mapped {
                Some(m @ Mapped::Slot(Slot::Email | Slot::Tel | Slot::Categories)) => {
                    Role::Mapped(m)
                }
                Some(m) if !seen.contains(&m) => {
                    seen.push(m);
                    Role::Mapped(m)
                }
                _ => Role::Kept,
            }
        })
        .collect()
}

fn is_linkedin(e: &VCardEntry) -> bool {
    types(e).iter().any(|t| t == "linkedin")
        || e.values
            .first()
            .is_some_and(|v| text(v).to_ascii_lowercase().contains("linkedin.com/"))
}

/// A value as text (a list joined by commas, as vCard writes it).
fn text(v: &VCardValue) -> String {
    match v {
        VCardValue::Component(parts) => parts.join(","),
        other => other.as_text().unwrap_or_default().to_string(),
    }
}

/// The `i`th component of a structured value (N, ADR, ORG).
fn component(e: &VCardEntry, i: usize) -> String {
    e.values.get(i).map(text).unwrap_or_default()
}

fn first_text(e: &VCardEntry) -> String {
    component(e, 0)
}

/// The TYPE parameters, lower case.
fn types(e: &VCardEntry) -> Vec<String> {
    e.params
        .iter()
        .filter(|p| p.name == VCardParameterName::Type)
        .filter_map(|p| match &p.value {
            VCardParameterValue::Type(t) => Some(t.as_str().to_ascii_lowercase()),
            VCardParameterValue::Text(t) => Some(t.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A phone's kind as rolo names it, from the TEL's types.
fn phone_kind(e: &VCardEntry) -> String {
    let types = types(e);
    let kind = types
        .iter()
        .find(|t| !matches!(t.as_str(), "voice" | "pref" | "internet"))
        .cloned()
        .unwrap_or_default();
    match kind.as_str() {
        "cell" => "mobile".into(),
        _ => kind,
    }
}

fn phone_of(e: &VCardEntry) -> Phone {
    let number = first_text(e);
    let number = number.strip_prefix("tel:").unwrap_or(&number).to_string();
    Phone {
        number,
        kind: phone_kind(e),
    }
}

fn categories(e: &VCardEntry) -> Vec<String> {
    e.values
        .iter()
        .flat_map(|v| match v {
            VCardValue::Component(parts) => parts.clone(),
            other => vec![text(other)],
        })
        .flat_map(|t| {
            t.split(',')
                .map(str::trim)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// The catalogue fields held in a slot kind (N's or ADR's components).
fn fields_in(is: impl Fn(Slot) -> Option<usize>) -> impl Iterator<Item = (PersonField, usize)> {
    PersonField::all().filter_map(move |f| is(slot(f)).map(|i| (f, i)))
}

fn name_parts() -> impl Iterator<Item = (PersonField, usize)> {
    fields_in(|s| match s {
        Slot::Name(i) => Some(i),
        _ => None,
    })
}

fn adr_parts() -> impl Iterator<Item = (PersonField, usize)> {
    fields_in(|s| match s {
        Slot::Adr(i) => Some(i),
        _ => None,
    })
}

/// The field holding a single-valued slot (ORG, TITLE, LinkedIn).
fn field_at(wanted: Slot) -> Option<PersonField> {
    PersonField::all().find(|&f| slot(f) == wanted)
}

/// Every card in `text` (one file may hold many), each read into a person
/// or the reason it could not be.
pub fn parse(text: &str) -> Vec<Result<Imported, FormatError>> {
    let mut parser = Parser::new(text);
    let mut out = Vec::new();
    loop {
        match parser.entry() {
            Entry::VCard(card) => out.push(Ok(import_card(&card))),
            Entry::Eof => break,
            Entry::InvalidLine(line) => out.push(Err(FormatError(format!(
                "not a vCard line: {}",
                line.chars().take(60).collect::<String>()
            )))),
            Entry::ICalendar(_) => {
                out.push(Err(FormatError("an iCalendar entry, not a vCard".into())))
            }
            Entry::UnterminatedComponent(what) => {
                out.push(Err(FormatError(format!("a card without END ({what})"))));
                break;
            }
            _ => {
                out.push(Err(FormatError("not a vCard".into())));
                break;
            }
        }
    }
    out
}

/// One card onto a person; every line kept in `extra["vcard"]`.
fn import_card(card: &VCard) -> Imported {
    let version = Version::from_calcard(card.version());
    let mut p = Person::default();
    let mut uid = None;
    let mut full_name = None;
    let mut has_n = false;
    let mut unmapped: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for (e, role) in card.entries.iter().zip(roles(card)) {
        if role == Role::Frame {
            continue;
        }
        lines.push(Value::String(line(e, version)));
        match role {
            Role::Mapped(Mapped::N) => {
                has_n = true;
                for (field, i) in name_parts() {
                    field.set(&mut p, &component(e, i));
                }
            }
            Role::Mapped(Mapped::Fn) => full_name = Some(first_text(e)),
            Role::Mapped(Mapped::Uid) => uid = Some(first_text(e)).filter(|u| !u.is_empty()),
            Role::Mapped(Mapped::Slot(Slot::Email)) => p.emails.push(first_text(e)),
            Role::Mapped(Mapped::Slot(Slot::Tel)) => p.phones.push(phone_of(e)),
            Role::Mapped(Mapped::Slot(Slot::Categories)) => p.tags.extend(categories(e)),
            Role::Mapped(Mapped::Slot(Slot::Adr(_))) => {
                for (field, i) in adr_parts() {
                    field.set(&mut p, &component(e, i));
                }
            }
            Role::Mapped(Mapped::Slot(s)) => {
                if let Some(field) = field_at(s) {
                    field.set(&mut p, &first_text(e));
                }
            }
            Role::Kept => {
                let name = e.name.as_str().to_string();
                if !unmapped.contains(&name) {
                    unmapped.push(name);
                }
            }
            Role::Frame => {}
        }
    }
    if !has_n && let Some(name) = full_name {
        // No N (vCard 4.0 allows that): the last word is the family name.
        match name.trim().rsplit_once(' ') {
            Some((given, family)) => {
                p.given_name = given.trim().to_string();
                p.family_name = family.to_string();
            }
            None => p.family_name = name.trim().to_string(),
        }
    }
    p.extra.insert(
        KEPT.into(),
        json!({ "version": version.label(), "lines": lines }),
    );
    Imported {
        person: p.normalize(),
        uid,
        unmapped,
    }
}

/// One property as one unfolded line, written back by the parser's writer.
fn line(e: &VCardEntry, version: Version) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = e.write_to(&mut s, version == Version::V4);
    s.replace("\r\n ", "").trim_end_matches("\r\n").to_string()
}

/// The card kept from an import, read again.
fn kept_card(p: &Person) -> Option<VCard> {
    let kept = p.extra.get(KEPT)?;
    let version = kept["version"].as_str().unwrap_or("3.0");
    let lines = kept["lines"].as_array()?;
    let mut text = format!("BEGIN:VCARD\r\nVERSION:{version}\r\n");
    for l in lines {
        text.push_str(l.as_str()?);
        text.push_str("\r\n");
    }
    text.push_str("END:VCARD\r\n");
    match Parser::new(&text).entry() {
        Entry::VCard(card) => Some(card),
        _ => None,
    }
}

/// The UID a person's card carries: the imported one, else rolo's id.
pub fn uid_of(p: &Person) -> String {
    kept_card(p)
        .and_then(|c| c.uid().map(str::to_string))
        .unwrap_or_else(|| p.id.clone())
}

/// A person as one vCard of `version`, CRLF line ends, folded at 75 octets.
pub fn write(p: &Person, version: Version) -> String {
    let kept = kept_card(p).unwrap_or_default();
    let mut entries: Vec<VCardEntry> = Vec::new();
    let mut emails_left = p.emails.clone();
    let mut phones_left = p.phones.clone();
    let mut done: Vec<Mapped> = Vec::new();
    let names_now: Vec<(usize, String)> = name_parts().map(|(f, i)| (i, f.get(p))).collect();
    let names_kept = kept.entries.iter().any(|e| {
        e.name == VCardProperty::N && names_now.iter().all(|(i, v)| component(e, *i) == *v)
    });
    let kept_tags: Vec<String> = kept
        .entries
        .iter()
        .zip(roles(&kept))
        .filter(|(_, r)| *r == Role::Mapped(Mapped::Slot(Slot::Categories)))
        .flat_map(|(e, _)| categories(e))
        .collect();
    for (e, role) in kept.entries.iter().zip(roles(&kept)) {
        let keep = match role {
            Role::Frame => false,
            Role::Kept => true,
            Role::Mapped(m) => {
                let unchanged = match m {
                    Mapped::N => names_kept,
                    Mapped::Fn => names_kept || first_text(e) == p.full_name(),
                    Mapped::Uid => true,
                    Mapped::Slot(Slot::Email) => take(&mut emails_left, &first_text(e)),
                    Mapped::Slot(Slot::Tel) => take(&mut phones_left, &phone_of(e)),
                    Mapped::Slot(Slot::Categories) => kept_tags == p.tags,
                    Mapped::Slot(Slot::Adr(_)) => {
                        adr_parts().all(|(f, i)| component(e, i) == f.get(p))
                    }
                    Mapped::Slot(s) => field_at(s).is_some_and(|f| first_text(e) == f.get(p)),
                };
                if unchanged && !done.contains(&m) {
                    done.push(m);
                }
                unchanged
            }
        };
        if keep {
            entries.push(e.clone());
        }
    }
    let missing = |m: Mapped| !done.contains(&m);
    let mut fresh: Vec<VCardEntry> = Vec::new();
    if missing(Mapped::Fn) {
        fresh.push(entry(VCardProperty::Fn, vec![p.full_name()]));
    }
    if missing(Mapped::N) {
        let mut parts = vec![String::new(); 5];
        for (i, v) in &names_now {
            parts[*i] = v.clone();
        }
        fresh.push(entry(VCardProperty::N, parts));
    }
    if missing(Mapped::Uid) && !p.id.is_empty() {
        fresh.push(entry(VCardProperty::Uid, vec![p.id.clone()]));
    }
    entries.splice(0..0, fresh);
    for email in emails_left {
        entries.push(entry(VCardProperty::Email, vec![email]));
    }
    for phone in phones_left {
        let mut e = entry(VCardProperty::Tel, vec![phone.number.clone()]);
        if !phone.kind.is_empty() {
            e.params.push(VCardParameter {
                name: VCardParameterName::Type,
                value: phone_type(&phone.kind),
            });
        }
        entries.push(e);
    }
    for (s, prop) in [
        (Slot::Org, VCardProperty::Org),
        (Slot::Title, VCardProperty::Title),
        (Slot::Linkedin, VCardProperty::Url),
    ] {
        let value = field_at(s).map(|f| f.get(p)).unwrap_or_default();
        if missing(Mapped::Slot(s)) && !value.is_empty() {
            entries.push(entry(prop, vec![value]));
        }
    }
    if missing(Mapped::Slot(Slot::Adr(0))) && !p.address.is_empty() {
        let mut parts = vec![String::new(); 7];
        for (f, i) in adr_parts() {
            parts[i] = f.get(p);
        }
        entries.push(entry(VCardProperty::Adr, parts));
    }
    if missing(Mapped::Slot(Slot::Categories)) && !p.tags.is_empty() {
        entries.push(VCardEntry {
            group: None,
            name: VCardProperty::Categories,
            params: Vec::new(),
            values: p.tags.iter().cloned().map(VCardValue::Text).collect(),
        });
    }
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = VCard { entries }.write_to(&mut out, version.calcard());
    out
}

/// Remove `item` from `left` if it is there.
fn take<T: PartialEq>(left: &mut Vec<T>, item: &T) -> bool {
    match left.iter().position(|x| x == item) {
        Some(i) => {
            left.remove(i);
            true
        }
        None => false,
    }
}

fn entry(name: VCardProperty, values: Vec<String>) -> VCardEntry {
    VCardEntry {
        group: None,
        name,
        params: Vec::new(),
        values: values.into_iter().map(VCardValue::Text).collect(),
    }
}

fn phone_type(kind: &str) -> VCardParameterValue {
    match kind.to_ascii_lowercase().as_str() {
        "mobile" | "cell" => VCardParameterValue::Type(VCardType::Cell),
        "work" => VCardParameterValue::Type(VCardType::Work),
        "home" => VCardParameterValue::Type(VCardType::Home),
        "fax" => VCardParameterValue::Type(VCardType::Fax),
        "pager" => VCardParameterValue::Type(VCardType::Pager),
        other => VCardParameterValue::Text(other.to_string()),
    }
}
