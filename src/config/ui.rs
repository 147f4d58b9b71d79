//! The `[ui]` table: which columns the people list shows, in order.
//!
//! ```toml
//! [ui]
//! columns = ["name", "company", "tags", "city"]
//! ```
//!
//! A column name that is not one of [`ListColumn`]'s is an error naming
//! the file, line and the valid names (serde's "unknown variant").

use serde::Deserialize;

/// A column of the people list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListColumn {
    /// The name as shown (honorific, given, family).
    Name,
    GivenName,
    FamilyName,
    Company,
    /// The primary email.
    Email,
    /// The primary phone.
    Phone,
    Tags,
    City,
    /// The date of the last change.
    Updated,
}

impl ListColumn {
    /// The header drawn over the column.
    pub fn header(self) -> &'static str {
        match self {
            ListColumn::Name => "Name",
            ListColumn::GivenName => "Given name",
            ListColumn::FamilyName => "Family name",
            ListColumn::Company => "Company",
            ListColumn::Email => "Email",
            ListColumn::Phone => "Phone",
            ListColumn::Tags => "Tags",
            ListColumn::City => "City",
            ListColumn::Updated => "Updated",
        }
    }
}

/// The list's columns when the config names none.
pub const DEFAULT_COLUMNS: &[ListColumn] =
    &[ListColumn::Name, ListColumn::Company, ListColumn::Email];

fn default_columns() -> Vec<ListColumn> {
    DEFAULT_COLUMNS.to_vec()
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    /// The people list's columns, left to right (at least one).
    #[serde(default = "default_columns")]
    pub columns: Vec<ListColumn>,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            columns: default_columns(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        ui: UiSettings,
    }

    #[test]
    fn columns_read_as_written() {
        let f: File = toml::from_str("[ui]\ncolumns = [\"name\", \"tags\", \"city\"]\n").unwrap();
        assert_eq!(
            f.ui.columns,
            [ListColumn::Name, ListColumn::Tags, ListColumn::City]
        );
        let f: File = toml::from_str("[ui]\n").unwrap();
        assert_eq!(f.ui, UiSettings::default());
    }

    #[test]
    fn an_unknown_column_names_its_line_and_the_valid_ones() {
        let err = toml::from_str::<File>("[ui]\n\ncolumns = [\"name\", \"citty\"]\n")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("citty") && err.contains("`city`"), "{err}");
    }
}
