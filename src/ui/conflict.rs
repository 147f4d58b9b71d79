//! A queued edit in conflict: per field, mine and theirs (and what it was).

use super::centered;
use super::text::{clean, fit};
use super::theme::Theme;
use crate::app::state::ConflictReview;
use crate::model::CustomFieldDef;
use crate::model::label::field_label;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn show_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(empty)".into(),
        serde_json::Value::String(s) if s.is_empty() => "(empty)".into(),
        serde_json::Value::String(s) => clean(s),
        other => clean(&other.to_string()),
    }
}

/// The conflict, centred over the panes in `main`. Fields are named as
/// users read them ("Job title", a custom field's label), never by key.
pub fn draw(
    frame: &mut Frame,
    main: Rect,
    c: &ConflictReview,
    defs: &[CustomFieldDef],
    theme: Theme,
) {
    let h = (c.fields.len() as u16 * 3 + 5).min(main.height);
    let area = centered(main, 90, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error())
        .title(format!(" {} changed on the server ", clean(&c.name)));
    let w = area.width.saturating_sub(8) as usize;
    let mut lines = vec![Line::styled(
        "Other changes merged already. Per field: m keeps mine, t takes theirs; Enter sends, Esc later.",
        theme.dim(),
    )];
    for (i, f) in c.fields.iter().enumerate() {
        let mine = c.keep_mine.get(i).copied().unwrap_or(true);
        let head = Line::from(vec![
            Span::styled(
                format!("{} ", clean(&field_label(&f.field, defs))),
                theme.heading(),
            ),
            Span::styled(if mine { "[mine]" } else { "[theirs]" }, theme.key()),
        ]);
        lines.push(if i == c.selected {
            head.style(theme.selected())
        } else {
            head
        });
        let mark = |on: bool| if on { "▶" } else { " " };
        lines.push(Line::raw(fit(
            &format!(" {} mine   {}", mark(mine), show_value(&f.mine)),
            w,
        )));
        lines.push(Line::raw(fit(
            &format!(
                " {} theirs {}   (was {})",
                mark(!mine),
                show_value(&f.theirs),
                show_value(&f.base)
            ),
            w,
        )));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
