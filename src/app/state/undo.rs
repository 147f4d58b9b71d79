//! The last change `u` can take back.

use crate::model::Person;

/// A person as they were before the last change, and as it left them.
#[derive(Debug, Clone, PartialEq)]
pub struct LastChange {
    pub before: Person,
    pub after: Person,
}
