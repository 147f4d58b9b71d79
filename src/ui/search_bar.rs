//! The search bar above the list while filtering: the query, how many
//! match, and "matching…" while the matcher has not answered it yet.

use super::text::clean;
use super::theme::Theme;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let text = if state.searching {
        state.search_input.value().to_string()
    } else {
        state.people.query.text.clone()
    };
    let count = format!(" {} match(es)", state.people.visible.len());
    let mut spans = vec![
        Span::styled("/", theme.key()),
        Span::raw(clean(&text)),
        Span::styled(count, theme.dim()),
    ];
    // The list shows an older answer or the matches found so far.
    if state.people.matching() {
        spans.push(Span::styled(" · matching…", theme.busy()));
    }
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line), area);
    if state.searching && state.overlays.is_empty() {
        let before: String = text.chars().take(state.search_input.cursor()).collect();
        let x = area.x + 1 + unicode_width::UnicodeWidthStr::width(clean(&before).as_str()) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}
