//! A yes/no question over everything else. Enter means No: the popup says
//! so, because a question that deletes must not be answered by habit.

use super::centered;
use super::text::{clean, wrap};
use super::theme::Theme;
use crate::app::state::{Confirm, Pending};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The question, centred over the panes in `main`, as tall as its lines
/// (a draft's first lines among them) need.
pub fn draw(frame: &mut Frame, main: Rect, confirm: &Confirm, theme: Theme) {
    let width = 60.min(main.width);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let mut lines: Vec<Line> = confirm
        .question
        .split('\n')
        .flat_map(|line| wrap(&clean(line), inner))
        .map(Line::raw)
        .collect();
    lines.push(Line::raw(""));
    let mut keys = vec![
        Span::styled("y", theme.key()),
        Span::raw(" yes   "),
        Span::styled("n", theme.key()),
        Span::raw("/"),
        Span::styled("Enter", theme.key()),
        Span::raw(" no"),
    ];
    if matches!(confirm.on_yes, Pending::RestoreDraft(_)) {
        keys.extend([
            Span::raw(" (keep it)   "),
            Span::styled("d", theme.key()),
            Span::raw(" discard"),
        ]);
    }
    lines.push(Line::from(keys));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(main, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(" Confirm ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
