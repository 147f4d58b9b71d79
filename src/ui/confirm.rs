//! A yes/no question over everything else.

use super::centered;
use super::text::clean;
use super::theme::Theme;
use crate::app::state::Confirm;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// The question, centred over the panes in `main`.
pub fn draw(frame: &mut Frame, main: Rect, confirm: &Confirm, theme: Theme) {
    let area = centered(main, 60, 6);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(" Confirm ");
    let lines = vec![
        Line::raw(clean(&confirm.question)),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes   "),
            Span::styled("n", theme.key()),
            Span::raw(" no"),
        ]),
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
