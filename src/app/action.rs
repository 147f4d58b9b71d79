//! Every user-facing command, named once. The snake_case name is what the
//! keymap files use; the description is the help text; the hint is the
//! footer's word for it.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($( $variant:ident => $name:literal, $desc:literal, $hint:literal; )*) => {
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

            /// A word or two for the footer, so hints fit in 80 columns.
            pub fn hint(self) -> &'static str {
                match self { $(Action::$variant => $hint,)* }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                Action::ALL.iter().copied().find(|a| a.name() == name)
            }
        }
    };
}

actions! {
    MoveDown => "move_down", "Move down", "down";
    MoveUp => "move_up", "Move up", "up";
    PageDown => "page_down", "Move down a page", "page down";
    PageUp => "page_up", "Move up a page", "page up";
    GoTop => "go_top", "Go to the first entry", "top";
    GoBottom => "go_bottom", "Go to the last entry", "bottom";
    JumpToLetter => "jump_to_letter", "Jump to the next name (as sorted) starting with the letter typed next", "jump";
    Search => "search", "Search people (fuzzy; tag:, company:, email:, phone:, name:)", "search";
    SearchAccept => "search_accept", "Keep the filter and return to the list", "keep filter";
    SearchCancel => "search_cancel", "Clear the filter and return to the list", "clear";
    ClearFilter => "clear_filter", "Clear the search filter", "clear filter";
    CycleSort => "cycle_sort", "Sort by family name, given name, company or recently updated", "sort";
    OpenDetail => "open_detail", "Open the selected person", "open";
    FocusNotes => "focus_notes", "Move between the people list and the notes", "notes";
    Back => "back", "Go back", "back";
    AddPerson => "add_person", "Add a person", "add";
    EditPerson => "edit_person", "Edit the selected person", "edit";
    ArchivePerson => "archive_person", "Archive or unarchive the selected person", "archive";
    DeletePerson => "delete_person", "Delete the selected person", "delete";
    AddNote => "add_note", "Add a note to the selected person", "note";
    EditNote => "edit_note", "Edit the selected note", "edit note";
    DeleteNote => "delete_note", "Delete the selected note", "delete";
    FlagNote => "flag_note", "Flag or unflag the selected note", "flag";
    Enrich => "enrich", "Propose fields derived from what rolo knows (enrich)", "enrich";
    CopyEmail => "copy_email", "Copy the primary email to the clipboard", "copy email";
    CopyPhone => "copy_phone", "Copy the primary phone to the clipboard", "copy phone";
    CommandLine => "command_line", "Type any action by name (Tab completes, ↑ ↓ history; a number goes to that row)", "command";
    RunCommand => "run_command", "Run the command typed", "run";
    Complete => "complete", "Complete the action name; again for the next candidate", "complete";
    CompleteBack => "complete_back", "The previous candidate", "previous";
    Help => "help", "Show this help", "help";
    Undo => "undo", "Undo the last change to a person (a queued one is dropped unsent)", "undo";
    Messages => "messages", "Show the message log (the last 100, with times)", "log";
    Quit => "quit", "Quit rolo", "quit";
    NextField => "next_field", "Next field", "next field";
    PrevField => "prev_field", "Previous field", "prev field";
    Save => "save", "Save", "save";
    Cancel => "cancel", "Cancel (asks before discarding changes)", "cancel";
    Confirm => "confirm", "Yes", "yes";
    Deny => "deny", "No (Enter answers No)", "no";
    DiscardDraft => "discard_draft", "Discard the unsaved note (asks first)", "discard";
    Accept => "accept", "Accept this proposal", "accept";
    Reject => "reject", "Reject this proposal", "reject";
    Apply => "apply", "Apply the accepted proposals", "apply";
    Sync => "sync", "Send queued changes and refresh from the server", "sync";
    KeepMine => "keep_mine", "Keep my value for this field", "mine";
    TakeTheirs => "take_theirs", "Take the server's value for this field", "theirs";
    Outbox => "outbox", "Show the queued changes and what the server refused", "queued";
    RetryChange => "retry_change", "Send the selected change again", "retry";
    EditChange => "edit_change", "Fix the selected change and send it again", "fix";
    DropChange => "drop_change", "Drop the selected change (the server's version comes back)", "drop";
    FindDuplicates => "find_duplicates", "Review possible duplicates and merge them", "duplicates";
    NextGroup => "next_group", "Next group of possible duplicates", "next group";
    PrevGroup => "prev_group", "Previous group of possible duplicates", "prev group";
    PickNext => "pick_next", "Keep the next record's value for this field (or all, for lists)", "pick";
    PickPrev => "pick_prev", "Keep the previous record's value for this field", "pick back";
    NotDuplicate => "not_duplicate", "Not duplicates: never offer these people together again", "not dup";
    Merge => "merge", "Merge the group into its first record (every note moves to it)", "merge";
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
            assert!(!a.hint().is_empty() && a.hint().len() <= 12, "{a:?}");
        }
    }
}
