//! Files people come in and go out as: vCard 3.0/4.0 ([`vcard`]) and CSV
//! ([`csv`]). Each maps to and from [`Person`](crate::model::Person) through
//! the field catalogue ([`PersonField`](crate::model::PersonField)), one
//! entry per field; what a format has that rolo does not model is kept in
//! the person's `extra` and written back, so import then export loses
//! nothing. No I/O here: text in, people out, and back.

pub mod csv;
pub mod vcard;

/// A person read from a file, with what identifies them there and what
/// could not be mapped onto a field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub person: crate::model::Person,
    /// The card's UID (vCard) or the `id` column (CSV), when it has one.
    pub uid: Option<String>,
    /// Names of the properties or columns kept but not mapped to a field
    /// (`BDAY`, `X-SKYPE`, `PHOTO`), once each, in the file's order.
    pub unmapped: Vec<String>,
}

/// Why a file could not be read; names the record where it can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);
