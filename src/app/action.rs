//! Every user-facing command, named once. The snake_case name is what the
//! keymap files use; the description is the help text.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($( $variant:ident => $name:literal, $desc:literal; )*) => {
        /// A command a key can be bound to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name used in keymap files (same as the serde name).
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// One line of help.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $desc,)* }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                Action::ALL.iter().copied().find(|a| a.name() == name)
            }
        }
    };
}

actions! {
    MoveDown => "move_down", "Move down";
    MoveUp => "move_up", "Move up";
    PageDown => "page_down", "Move down a page";
    PageUp => "page_up", "Move up a page";
    GoTop => "go_top", "Go to the first entry";
    GoBottom => "go_bottom", "Go to the last entry";
    Search => "search", "Search people (fuzzy; tag:, company:, email:, phone:, name:)";
    SearchAccept => "search_accept", "Keep the filter and return to the list";
    SearchCancel => "search_cancel", "Clear the filter and return to the list";
    ClearFilter => "clear_filter", "Clear the search filter";
    CycleSort => "cycle_sort", "Sort by family name, given name, company or recently updated";
    OpenDetail => "open_detail", "Open the selected person";
    FocusNotes => "focus_notes", "Move between the people list and the notes";
    Back => "back", "Go back";
    AddPerson => "add_person", "Add a person";
    EditPerson => "edit_person", "Edit the selected person";
    ArchivePerson => "archive_person", "Archive or unarchive the selected person";
    DeletePerson => "delete_person", "Delete the selected person";
    AddNote => "add_note", "Add a note to the selected person";
    EditNote => "edit_note", "Edit the selected note";
    DeleteNote => "delete_note", "Delete the selected note";
    FlagNote => "flag_note", "Flag or unflag the selected note";
    Enrich => "enrich", "Propose fields derived from what rolo knows (enrich)";
    CopyEmail => "copy_email", "Copy the primary email to the clipboard";
    CopyPhone => "copy_phone", "Copy the primary phone to the clipboard";
    Help => "help", "Show this help";
    Quit => "quit", "Quit rolo";
    NextField => "next_field", "Next field";
    PrevField => "prev_field", "Previous field";
    Save => "save", "Save";
    Cancel => "cancel", "Cancel (asks before discarding changes)";
    Confirm => "confirm", "Yes";
    Deny => "deny", "No";
    Accept => "accept", "Accept this proposal";
    Reject => "reject", "Reject this proposal";
    Apply => "apply", "Apply the accepted proposals";
    Sync => "sync", "Send queued changes and refresh from the server";
    KeepMine => "keep_mine", "Keep my value for this field";
    TakeTheirs => "take_theirs", "Take the server's value for this field";
    Outbox => "outbox", "Show the queued changes and what the server refused";
    RetryChange => "retry_change", "Send the selected change again";
    EditChange => "edit_change", "Fix the selected change and send it again";
    DropChange => "drop_change", "Drop the selected change (the server's version comes back)";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_names() {
        for a in Action::ALL {
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert_eq!(Action::from_name(a.name()), Some(*a));
            assert!(!a.description().is_empty());
        }
    }
}
