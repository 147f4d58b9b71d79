//! The one gate between outside text (servers, files, the database) and the
//! terminal. Every widget passes such text through [`for_display`]; the
//! CLI's tables and CSV through [`for_display`] and [`for_output`], and its
//! JSON through [`write_json`], which escapes what the others replace.

use std::borrow::Cow;
use std::io::Write;

/// Longest text shown for one field; the rest is cut with an ellipsis.
pub const MAX_FIELD_CHARS: usize = 2_000;

/// Is `c` safe to hand to the terminal as it is?
fn is_safe(c: char) -> bool {
    !(c.is_control() // C0, DEL and C1 controls
        || is_bidi_control(c)
        || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{2028}' | '\u{2029}'))
}

/// Only printable ASCII (space to `~`), which [`is_safe`] passes anyway:
/// a byte scan that spares the common case decoding every character.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Bidirectional embedding, override and isolate controls: they can make text
/// display in a different order than it is stored (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

/// Make `text` safe for one line of a cell: escape sequences dropped, other
/// controls and bidi overrides shown as visible symbols, newlines and tabs
/// as spaces, and the length capped at [`MAX_FIELD_CHARS`].
pub fn for_display(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_FIELD_CHARS && text.chars().all(is_safe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(clean(text, true))
}

/// Like [`for_display`] but keeps line breaks, for multi-line note text.
pub fn for_display_multiline(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_FIELD_CHARS * 8 && text.chars().all(|c| c == '\n' || is_safe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(clean(text, false))
}

fn clean(text: &str, single_line: bool) -> String {
    let limit = if single_line {
        MAX_FIELD_CHARS
    } else {
        MAX_FIELD_CHARS * 8
    };
    clean_with_limit(text, single_line, limit)
}

fn clean_with_limit(text: &str, single_line: bool, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit.saturating_add(4)));
    let mut chars = text.chars().peekable();
    let mut count = 0;
    while let Some(c) = chars.next() {
        if count >= limit {
            out.push('…');
            break;
        }
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            // C1 CSI/OSC/DCS introducers start sequences on their own.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' | '\u{98}' => skip_string(&mut chars),
            '\n' if !single_line => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_safe(c) => out.push(c),
            // Show what was there without letting it act.
            c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
            _ => out.push('�'),
        }
        count += 1;
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI (`[`), OSC (`]`), DCS/SOS/PM/APC (`P X ^ _`) strings, or a
/// two-character sequence.
fn skip_escape_sequence(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Intermediate bytes then a final byte (e.g. ESC ( B).
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Parameters and intermediates, up to and including the final byte.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            break; // malformed: stop eating ordinary text
        }
    }
}

/// Up to BEL, ST (`ESC \`) or the C1 ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Controls and escape sequences removed, line breaks kept, no length cap:
/// for text loaded into an editor, where cutting it would lose data.
pub fn strip_controls(text: &str) -> String {
    if text.chars().all(|c| c == '\n' || is_safe(c)) {
        return text.to_string();
    }
    clean_with_limit(text, false, usize::MAX)
}

/// Text for the CLI's CSV: cleaned like the TUI cleans it (escape sequences
/// dropped, controls shown as symbols, bidi controls neutralised) but never
/// cut, since scripts read every character. Line breaks are kept: CSV
/// quotes them.
pub fn for_output(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text) || text.chars().all(|c| c == '\n' || is_safe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(clean_with_limit(text, false, usize::MAX))
}

/// Write `value` as pretty JSON in which every character a terminal would
/// act on (C0 and C1 controls, DEL, bidi and zero-width controls, line and
/// paragraph separators) is a `\uXXXX` escape: still valid JSON that parses
/// back to the same text, nothing lost, nothing raw on the terminal.
pub fn write_json<T: serde::Serialize + ?Sized>(
    writer: &mut dyn Write,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        writer,
        EscapeUnsafe(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser)
}

/// A [`serde_json::ser::Formatter`] that escapes what [`is_safe`] rejects and
/// leaves the layout to the formatter it wraps. serde_json already escapes
/// C0 controls, quotes and backslashes; the rest reach
/// `write_string_fragment` raw, so that is where they are escaped.
struct EscapeUnsafe<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for EscapeUnsafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Printable ASCII, most of what is written, is safe as it is: no
        // need to decode it character by character.
        if is_printable_ascii(fragment) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_safe(c) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            // Every unsafe character is in the Basic Multilingual Plane, so
            // one \uXXXX is the whole escape.
            write!(writer, "\\u{:04x}", c as u32)?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// True when `text` holds nothing [`for_display`] would change. Tests use it
/// to assert that rendered buffers are clean.
pub fn is_clean(text: &str) -> bool {
    text.chars().all(is_safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(for_display("Zoë Ñúñez 王秀英"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(for_display("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(for_display("x\x1b]0;pwned title\x07y"), "xy");
        assert_eq!(for_display("x\x1b]52;c;ZXZpbA==\x1b\\y"), "xy");
        assert_eq!(for_display("x\u{9b}2Jy"), "xy");
        assert_eq!(for_display("x\x1b(By"), "xy");
    }

    #[test]
    fn controls_and_bidi_become_visible_symbols() {
        assert_eq!(for_display("a\x07b\x00c"), "a␇b␀c");
        assert_eq!(for_display("evil\u{202e}gnp.exe"), "evil�gnp.exe");
        assert_eq!(for_display("two\nlines\ttab"), "two lines tab");
        assert_eq!(for_display_multiline("two\nlines\x1b[2J"), "two\nlines");
    }

    #[test]
    fn huge_fields_are_capped() {
        let huge = "x".repeat(100_000);
        let shown = for_display(&huge);
        assert_eq!(shown.chars().count(), MAX_FIELD_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_loses_nothing() {
        let hostile =
            "a\x1b]52;c;Y3VybA==\x07b\u{9b}2J\u{202e}c\u{7f}\u{2066}d\u{200e}\u{61c}e\n\u{85}";
        let mut out = Vec::new();
        write_json(
            &mut out,
            &serde_json::json!({ "name": hostile, "list": [hostile] }),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(is_clean(&text.replace('\n', "")), "{text:?}");
        assert!(text.contains("\\u202e") && text.contains("\\u009b") && text.contains("\\u007f"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], hostile);
        assert_eq!(back["list"][0], hostile);
        assert!(text.contains("\n  \"name\""), "still pretty: {text}");
    }

    #[test]
    fn output_text_is_cleaned_but_never_cut() {
        let long = format!("{}\x1b[2J\nend\u{202e}", "x".repeat(10_000));
        let shown = for_output(&long);
        assert_eq!(shown, format!("{}\nend\u{fffd}", "x".repeat(10_000)));
        assert!(matches!(for_output("plain\ntext"), Cow::Borrowed(_)));
    }

    #[test]
    fn output_is_always_clean() {
        let nasty = "\x1b[1;31m\u{202e}\u{2066}\u{9b}\u{9d}\x1b]8;;http://x\x1b\\ok\r\n\x7f";
        assert!(is_clean(&for_display(nasty)));
    }
}
