//! The detail pane: every non-empty field of the selected person, grouped,
//! then their notes (flagged first, newest first).

use super::text::{clean, fit, pad, wrap_line};
use super::theme::Theme;
use crate::app::state::{Focus, State};
use crate::model::{CustomFieldDef, Person, PersonField};
use crate::sanitize::for_display_multiline;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn field(lines: &mut Vec<Line<'static>>, theme: Theme, label: &str, value: &str) {
    if value.trim().is_empty() {
        return;
    }
    lines.push(Line::from(vec![
        // A long label (a custom field's) is cut, never run into its value.
        Span::styled(format!("  {} ", pad(label, 12)), theme.label()),
        // A few lines at most: a huge field must not push everything away.
        Span::raw(fit(&clean(value), 240)),
    ]));
}

/// A field of the catalogue, by its label and its text.
fn catalogue_field(lines: &mut Vec<Line<'static>>, theme: Theme, f: PersonField, p: &Person) {
    field(lines, theme, f.label(), &f.get(p));
}

fn section(lines: &mut Vec<Line<'static>>, theme: Theme, title: &str, body: Vec<Line<'static>>) {
    if body.is_empty() {
        return;
    }
    // No blank line between sections: 24 rows must show the notes too.
    lines.push(Line::styled(title.to_string(), theme.heading()));
    lines.extend(body);
}

/// "2024-01-15T10:30:00.000Z" -> "2024-01-15 10:30"; unparseable text as is.
pub fn short_time(ts: &str) -> String {
    match ts.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => ts.to_string(),
    }
}

fn person_lines(p: &Person, defs: &[CustomFieldDef], theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(reason) = &p.read_only {
        // Up front, before anything invites an edit.
        out.push(Line::styled(
            fit(&format!("Read-only: {}", clean(reason)), 240),
            theme.error(),
        ));
    }
    let mut body = Vec::new();
    field(&mut body, theme, "Name", &p.full_name());
    field(&mut body, theme, "Initials", &p.initials);
    section(&mut out, theme, "Identity", body);

    let mut body = Vec::new();
    for (i, e) in p.emails.iter().enumerate() {
        field(&mut body, theme, if i == 0 { "Email" } else { "" }, e);
    }
    for (i, ph) in p.phones.iter().enumerate() {
        let v = if ph.kind.is_empty() {
            ph.number.clone()
        } else {
            format!("{} ({})", ph.number, ph.kind)
        };
        field(&mut body, theme, if i == 0 { "Phone" } else { "" }, &v);
    }
    catalogue_field(&mut body, theme, PersonField::Linkedin, p);
    section(&mut out, theme, "Contact", body);

    let mut body = Vec::new();
    for f in [
        PersonField::Company,
        PersonField::JobTitle,
        PersonField::Owner,
    ] {
        catalogue_field(&mut body, theme, f, p);
    }
    section(&mut out, theme, "Organization", body);

    let mut body = Vec::new();
    catalogue_field(&mut body, theme, PersonField::AddressLine, p);
    section(&mut out, theme, "Address", body);

    if !p.tags.is_empty() {
        let mut spans = vec![Span::raw("  ")];
        for t in &p.tags {
            match p.tag_colors.get(t) {
                Some(color) => {
                    let text = p.tag_text_colors.get(t).map(String::as_str);
                    spans.push(Span::styled(
                        format!(" {} ", clean(t)),
                        theme.tag_in(color, text),
                    ));
                    spans.push(Span::raw(" "));
                }
                None => spans.push(Span::styled(format!("#{} ", clean(t)), theme.tag())),
            }
        }
        section(&mut out, theme, "Tags", vec![Line::from(spans)]);
    }

    let mut body = Vec::new();
    // Fields the CRM defines first, in its order, with its labels and
    // select-option labels; any others by their keys.
    for def in defs {
        if let Some(v) = p.custom_fields.get(&def.key).filter(|v| !v.is_null()) {
            field(&mut body, theme, &def.label, &def.display(v));
        }
    }
    for (k, v) in &p.custom_fields {
        if defs.iter().any(|d| &d.key == k) {
            continue;
        }
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        field(&mut body, theme, k, &v);
    }
    section(&mut out, theme, "Custom fields", body);

    let mut body = Vec::new();
    if p.archived {
        body.push(Line::styled("  archived", theme.dim()));
    }
    field(
        &mut body,
        theme,
        "Created",
        &short_time(p.created_at.as_deref().unwrap_or("")),
    );
    field(
        &mut body,
        theme,
        "Updated",
        &short_time(p.updated_at.as_deref().unwrap_or("")),
    );
    section(&mut out, theme, "Timestamps", body);
    out
}

/// How far to scroll `height` rows so the selected note (its `first` and
/// `last` rows) is on screen: all of it when it fits, its head always.
pub fn note_scroll((first, last): (usize, usize), height: usize) -> usize {
    if height == 0 {
        return 0;
    }
    (last + 1).saturating_sub(height).min(first)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let focused = state.focus == Focus::Detail && state.overlays.is_empty();
    let detail = &state.detail;
    let title = match &detail.person {
        Some(p) => format!(" {} ", clean(&p.full_name())),
        None => " Details ".to_string(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        })
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(person) = &detail.person else {
        let msg = if detail.loading.is_some() {
            "loading…"
        } else {
            "no person selected"
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
        return;
    };
    // Rows, wrapped here (not by the Paragraph) so the row a note starts
    // on is known and scrolling can keep it on screen.
    let width = inner.width as usize;
    let mut lines: Vec<Line<'static>> = person_lines(person, &state.field_defs, theme)
        .into_iter()
        .flat_map(|l| wrap_line(l, width))
        .collect();
    let caps = &state.caps;
    lines.push(Line::styled(
        format!("Notes ({})", detail.notes.len()),
        theme.heading(),
    ));
    if !caps.notes {
        lines.push(Line::styled(
            format!("  {} has no notes", state.workspace.backend),
            theme.dim(),
        ));
    } else if detail.notes.is_empty() {
        lines.push(Line::styled("  no notes — n adds one", theme.dim()));
    }
    // The selected note's first and last rows.
    let mut selected_rows = (0, 0);
    for (i, note) in detail.notes.iter().enumerate() {
        let selected = focused && i == detail.note_selected;
        let start = lines.len();
        let mut head = vec![Span::raw(if selected { "▶ " } else { "  " })];
        if note.flagged {
            head.push(Span::styled("⚑ ", theme.flag()));
        }
        let title = if note.title.is_empty() {
            "(untitled)".to_string()
        } else {
            clean(&note.title)
        };
        head.push(Span::styled(
            title,
            theme.label().add_modifier(ratatui::style::Modifier::BOLD),
        ));
        let mut meta = short_time(note.created_at.as_deref().unwrap_or(""));
        if !note.category.is_empty() {
            meta = format!("{meta} · {}", clean(&note.category));
        }
        if !note.author.is_empty() {
            meta = format!("{meta} · {}", clean(&note.author));
        }
        head.push(Span::styled(format!("  {meta}"), theme.dim()));
        let head = Line::from(head);
        lines.extend(wrap_line(
            if selected {
                head.style(theme.selected())
            } else {
                head
            },
            width,
        ));
        for text_line in for_display_multiline(&note.text).lines().take(6) {
            lines.extend(wrap_line(Line::raw(format!("    {text_line}")), width));
        }
        if selected {
            selected_rows = (start, lines.len().saturating_sub(1));
        }
    }
    let scroll = note_scroll(selected_rows, inner.height as usize);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(u16::MAX as usize) as u16, 0)),
        inner,
    );
}
