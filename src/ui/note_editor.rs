//! The note editor: title and category lines over a multi-line
//! ratatui-textarea body.

use super::centered;
use super::text::{clean, fit};
use super::theme::Theme;
use crate::app::state::{EditorFocus, NoteEditor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The editor, over the panes in `main`.
pub fn draw(frame: &mut Frame, main: Rect, ed: &NoteEditor, theme: Theme) {
    let area = centered(main, 90, main.height);
    let verb = if ed.base.is_some() {
        "Edit note"
    } else {
        "New note"
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(format!(
            " {verb} · {} · Ctrl-S saves · Esc cancels ",
            clean(&ed.person_name)
        ));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let header_rows = if ed.has_title { 2 } else { 0 };
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(header_rows),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    if ed.has_title {
        let rows = [
            ("Title", &ed.title, EditorFocus::Title),
            ("Category", &ed.category, EditorFocus::Category),
        ];
        for (i, (label, input, focus)) in rows.iter().enumerate() {
            let focused = ed.focus == *focus;
            let y = header.y + i as u16;
            let value = clean(input.value());
            let w = (header.width as usize).saturating_sub(11);
            let line = Line::from(vec![
                Span::styled(
                    format!("{label:<10} "),
                    if focused { theme.key() } else { theme.label() },
                ),
                Span::styled(
                    fit(&value, w),
                    if focused {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ),
            ]);
            frame.render_widget(
                Paragraph::new(line),
                Rect::new(header.x, y, header.width, 1),
            );
            if focused {
                let before: String = value.chars().take(input.cursor()).collect();
                let x =
                    header.x + 11 + unicode_width::UnicodeWidthStr::width(before.as_str()) as u16;
                frame
                    .set_cursor_position(Position::new(x.min(header.right().saturating_sub(1)), y));
            }
        }
    }
    let mut body_area = ed.body.clone();
    let body_block =
        Block::default()
            .borders(Borders::TOP)
            .border_style(if ed.focus == EditorFocus::Body {
                theme.focused_border()
            } else {
                theme.border()
            });
    body_area.set_block(body_block);
    body_area.set_cursor_line_style(Style::default());
    if ed.focus != EditorFocus::Body {
        body_area.set_cursor_style(Style::default());
    }
    frame.render_widget(&body_area, body);
    let status = match &ed.error {
        Some(e) => Line::styled(fit(&clean(e), footer.width as usize), theme.error()),
        None if ed.saving => Line::styled("saving…", theme.busy()),
        None if ed.focus == EditorFocus::Category && !ed.categories.is_empty() => {
            let choices = ed
                .categories
                .iter()
                .map(|c| clean(c))
                .collect::<Vec<_>>()
                .join(" · ");
            Line::styled(
                fit(&format!("↑/↓ choose: {choices}"), footer.width as usize),
                theme.dim(),
            )
        }
        None => Line::styled(
            "Ctrl-U undo · Ctrl-R redo · Alt-F/B words · saved to drafts as you type",
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(status), footer);
}
