//! Notes on a Rhythm contact: the API has one text field, `notes`. rolo
//! keeps each note it adds as its own dated paragraph,
//!
//! ```text
//! Met at the Utrecht expo.              <- text another tool wrote: one note
//!
//! [2026-04-04 15:07:31 UTC] Called: wants 40 seats
//!
//! [2026-04-05 09:12:00 UTC] Sent the quote.
//! Follow up Friday.
//! ```
//!
//! so it reads well in Rhythm's own UI and comes back as separate notes. A
//! paragraph starts at a stamp line that opens the text or follows a blank
//! line; anything before the first stamp is one undated note with the id
//! [`NOTE_ID`]. A dated note's id is its stamp in RFC 3339, so editing its
//! text keeps its id; rolo never stamps two notes with the same second
//! (text written elsewhere that does gets `#2`, `#3` for the later ones).

use crate::model::Note;
use jiff::Timestamp;

/// The id of the text before the first dated note.
pub const NOTE_ID: &str = "notes";

/// One note within the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    /// `None` for the undated text before the first stamp.
    pub at: Option<Timestamp>,
    pub text: String,
}

/// `[2026-04-04 15:07:31 UTC] rest` -> the time and the rest of the line.
fn stamp_of(line: &str) -> Option<(Timestamp, &str)> {
    let inner = line.strip_prefix('[')?;
    let (stamp, rest) = inner.split_once(']')?;
    let civil = stamp.strip_suffix(" UTC")?;
    if civil.len() != 19 {
        return None;
    }
    let at: Timestamp = format!("{}Z", civil.replacen(' ', "T", 1)).parse().ok()?;
    Some((at, rest.strip_prefix(' ').unwrap_or(rest)))
}

fn format_stamp(at: Timestamp) -> String {
    format!("[{}]", at.strftime("%Y-%m-%d %H:%M:%S UTC"))
}

/// Close the note being read, giving it its id.
fn finish(current: &mut Option<(Timestamp, Vec<&str>)>, out: &mut Vec<Entry>) {
    if let Some((at, lines)) = current.take() {
        let text = lines.join("\n").trim_end().to_string();
        let same = out.iter().filter(|e| e.at == Some(at)).count();
        let id = match same {
            0 => at.to_string(),
            n => format!("{at}#{}", n + 1),
        };
        out.push(Entry {
            id,
            at: Some(at),
            text,
        });
    }
}

/// The notes in `text`, the undated one (if any) first, then in order.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut preface: Vec<&str> = Vec::new();
    let mut current: Option<(Timestamp, Vec<&str>)> = None;
    let mut previous_blank = true;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match stamp_of(line).filter(|_| previous_blank) {
            Some((at, rest)) => {
                finish(&mut current, &mut out);
                current = Some((at, vec![rest]));
            }
            None => match &mut current {
                Some((_, lines)) => lines.push(line),
                None => preface.push(line),
            },
        }
        previous_blank = line.trim().is_empty();
    }
    finish(&mut current, &mut out);
    let preface = preface.join("\n").trim().to_string();
    if !preface.is_empty() {
        out.insert(
            0,
            Entry {
                id: NOTE_ID.to_string(),
                at: None,
                text: preface,
            },
        );
    }
    out
}

/// A note's text made safe to store: a line that would read as a new
/// note's stamp is indented by one space, and trailing blanks go.
fn escape(text: &str) -> String {
    text.trim_end()
        .split('\n')
        .map(|line| {
            if stamp_of(line).is_some() {
                format!(" {line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_entry(e: &Entry) -> String {
    match e.at {
        Some(at) => format!("{} {}", format_stamp(at), escape(&e.text)),
        None => escape(&e.text),
    }
}

/// The text holding `entries`.
pub fn render(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(render_entry)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `text` with a new note dated `at` after everything already there (which
/// is kept byte for byte, less trailing blanks); returns the new text and
/// the new note's id.
pub fn append(text: &str, note: &str, at: Timestamp) -> (String, String) {
    // Whole seconds: the stamp shows no more, and the id must read back.
    let mut at = Timestamp::from_second(at.as_second()).unwrap_or(at);
    // A note added in the same second as another is stamped a second later,
    // so every note rolo adds has an id of its own that no later deletion
    // can shift onto another note.
    let taken: Vec<Timestamp> = parse(text).into_iter().filter_map(|e| e.at).collect();
    while taken.contains(&at) {
        match at.checked_add(jiff::SignedDuration::from_secs(1)) {
            Ok(next) => at = next,
            Err(_) => break,
        }
    }
    let entry = render_entry(&Entry {
        id: String::new(),
        at: Some(at),
        text: note.to_string(),
    });
    let kept = text.trim_end();
    let new = if kept.is_empty() {
        entry
    } else {
        format!("{kept}\n\n{entry}")
    };
    let id = parse(&new).last().map(|e| e.id.clone()).unwrap_or_default();
    (new, id)
}

/// `text` with note `id`'s text replaced; `None` when there is no such note.
pub fn replace(text: &str, id: &str, note: &str) -> Option<String> {
    let mut entries = parse(text);
    let entry = entries.iter_mut().find(|e| e.id == id)?;
    entry.text = note.trim_end().to_string();
    Some(render(&entries))
}

/// `text` without note `id`; `None` when there is no such note.
pub fn remove(text: &str, id: &str) -> Option<String> {
    let mut entries = parse(text);
    let before = entries.len();
    entries.retain(|e| e.id != id);
    (entries.len() != before).then(|| render(&entries))
}

/// The notes of a contact as rolo's model has them.
pub fn to_notes(person_id: &str, text: &str, modified: Option<&str>) -> Vec<Note> {
    parse(text)
        .into_iter()
        .map(|e| Note {
            id: e.id,
            person_id: person_id.to_string(),
            text: e.text,
            created_at: e.at.map(|t| t.to_string()),
            // Only the undated text has no time of its own.
            updated_at: match e.at {
                None => modified.map(str::to_string),
                Some(_) => None,
            },
            ..Default::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn added_notes_are_dated_paragraphs_after_the_text_there() {
        let (text, id) = append(
            "Issue resolved.",
            "Called: wants 40 seats",
            at("2026-04-04T15:07:31Z"),
        );
        assert_eq!(
            text,
            "Issue resolved.\n\n[2026-04-04 15:07:31 UTC] Called: wants 40 seats"
        );
        assert_eq!(id, "2026-04-04T15:07:31Z");
        let (text, second) = append(
            &text,
            "Sent the quote.\nFollow up Friday.",
            at("2026-04-05T09:12:00.250Z"),
        );
        assert_eq!(second, "2026-04-05T09:12:00Z");
        let notes = parse(&text);
        let texts: Vec<_> = notes.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Issue resolved.",
                "Called: wants 40 seats",
                "Sent the quote.\nFollow up Friday."
            ]
        );
        assert_eq!(notes[0].id, NOTE_ID);
        assert_eq!(notes[0].at, None);
    }

    #[test]
    fn edits_and_deletes_touch_one_note_and_keep_ids() {
        let (text, a) = append("", "first", at("2026-04-04T15:07:31Z"));
        let (text, b) = append(&text, "second", at("2026-04-04T15:07:31Z"));
        // The same second again: stamped a second later, an id of its own.
        assert_eq!(b, "2026-04-04T15:07:32Z");
        let edited = replace(&text, &b, "second, revised").unwrap();
        let notes = parse(&edited);
        assert_eq!(notes[1].id, b);
        assert_eq!(notes[1].text, "second, revised");
        assert_eq!(notes[0].text, "first");
        let gone = remove(&edited, &a).unwrap();
        assert_eq!(gone, "[2026-04-04 15:07:32 UTC] second, revised");
        assert_eq!(parse(&gone)[0].id, b, "deleting one never renames another");
        // Text written elsewhere may repeat a second: later ones get `#n`.
        let twice = "[2026-04-04 15:07:31 UTC] x\n\n[2026-04-04 15:07:31 UTC] y";
        let ids: Vec<_> = parse(twice).into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["2026-04-04T15:07:31Z", "2026-04-04T15:07:31Z#2"]);
        assert_eq!(remove(&gone, "nope"), None);
        assert_eq!(replace(&gone, "nope", "x"), None);
    }

    #[test]
    fn a_stamp_inside_a_note_does_not_split_it() {
        let (text, _) = append(
            "",
            "Quoted:\n\n[2026-01-01 00:00:00 UTC] old line",
            at("2026-04-04T15:07:31Z"),
        );
        let notes = parse(&text);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0]
                .text
                .ends_with(" [2026-01-01 00:00:00 UTC] old line")
        );
        // Mid-paragraph, a stamp-like line is text, not a new note.
        assert_eq!(parse("a\n[2026-01-01 00:00:00 UTC] b").len(), 1);
    }

    #[test]
    fn foreign_text_is_one_undated_note() {
        let notes = to_notes(
            "c-1",
            "  Met at the RS\r\nLikes maths  ",
            Some("2024-02-01T00:00:00Z"),
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].id, NOTE_ID);
        assert_eq!(notes[0].text, "Met at the RS\nLikes maths");
        assert_eq!(notes[0].updated_at.as_deref(), Some("2024-02-01T00:00:00Z"));
        assert!(to_notes("c-1", " \n ", None).is_empty());
    }
}
