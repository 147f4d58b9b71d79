//! The person form: one line per field the backend stores, required ones
//! marked `*`, problems in red under the field they concern (local checks
//! and the server's own words alike).

use super::centered;
use super::text::{clean, fit};
use super::theme::Theme;
use crate::app::state::{FormKind, FormSlot, PersonForm};
use crate::model::field::{FieldKind, PersonField};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const LABEL_W: usize = 15;

/// The form, over the panes in `main`.
pub fn draw(frame: &mut Frame, main: Rect, form: &PersonForm, theme: Theme) {
    let area = centered(main, 90, main.height);
    let title = match form.kind {
        FormKind::Create => " New person · Ctrl-S saves · Esc cancels ".to_string(),
        FormKind::Edit => format!(
            " Edit {} · Ctrl-S saves · Esc cancels ",
            clean(&form.base.full_name())
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let value_w = (inner.width as usize).saturating_sub(LABEL_W + 1);
    let mut lines = Vec::new();
    let mut cursor = None;
    for v in form.general_errors() {
        lines.push(Line::styled(
            fit(
                &format!("{}: {}", clean(&v.field), clean(&v.message)),
                inner.width as usize,
            ),
            theme.error(),
        ));
    }
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focused;
        let errors = form.errors_for(&field.key);
        let label_style = if !errors.is_empty() {
            theme.error()
        } else if focused {
            theme.key()
        } else {
            theme.label()
        };
        let choice = field.options().is_some();
        let value = match (choice, focused) {
            // A choice shows that the arrows move it.
            (true, true) => format!("◂ {} ▸", clean(field.input.value())),
            _ => clean(field.input.value()),
        };
        // Scroll long values so the cursor stays visible.
        let cursor_col = if choice { 0 } else { field.input.cursor() };
        let skip = cursor_col.saturating_sub(value_w.saturating_sub(1));
        let shown: String = value.chars().skip(skip).collect();
        if focused {
            let before: String = value.chars().skip(skip).take(cursor_col - skip).collect();
            cursor = Some((
                lines.len(),
                unicode_width::UnicodeWidthStr::width(before.as_str()),
            ));
        }
        let marker = if focused { "▶" } else { " " };
        let value_style = if focused {
            theme.selected()
        } else {
            Default::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{marker}{:<w$}",
                    fit(
                        &format!(
                            "{}{}",
                            clean(&field.label),
                            if field.required { "*" } else { "" }
                        ),
                        LABEL_W - 1
                    ),
                    w = LABEL_W - 1
                ),
                label_style,
            ),
            Span::raw(" "),
            Span::styled(format!("{:<value_w$}", fit(&shown, value_w)), value_style),
        ]));
        for e in errors {
            lines.push(Line::styled(
                fit(
                    &format!("{:LABEL_W$} ↳ {}", "", clean(&e.message)),
                    inner.width as usize,
                ),
                theme.error(),
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(hints(form), theme.dim()));
    // Keep the focused field on screen.
    let height = inner.height as usize;
    let focus_line = cursor.map_or(0, |(l, _)| l);
    let scroll = (focus_line + 2).saturating_sub(height);
    if let Some((line, col)) = cursor
        && line >= scroll
        && line - scroll < height
    {
        let x = inner.x + (LABEL_W + 1 + col) as u16;
        frame.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y + (line - scroll) as u16,
        ));
    }
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

/// How to type what this form holds, for the fields it has.
fn hints(form: &PersonForm) -> String {
    let has = |pred: &dyn Fn(&FormSlot) -> bool| form.fields.iter().any(|f| pred(&f.slot));
    let mut parts = Vec::new();
    if has(&|s| matches!(s, FormSlot::Field(f) if f.kind() == FieldKind::List)) {
        parts.push("Lists are comma separated".to_string());
    }
    if has(&|s| *s == FormSlot::Field(PersonField::Phones)) {
        parts.push("phones as \"+31 6 1234 5678 (mobile)\"".to_string());
    }
    if has(&|s| *s == FormSlot::Field(PersonField::CustomFields)) {
        parts.push("custom fields as key=value".to_string());
    }
    if form.fields.iter().any(|f| f.options().is_some()) {
        parts.push("choices with ← →".to_string());
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut text = parts.join("; ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text.push('.');
    text
}
