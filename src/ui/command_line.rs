//! The `:` command line on the footer row, and above it the action names
//! it completes to, each with its help line (dim where it does nothing
//! underneath), the one Tab chose highlighted.

use super::text::{clean, pad};
use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keymap::acts_in;
use crate::app::state::{CommandLine, State};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Candidate rows shown at most; a last row says how many more.
const MAX_ROWS: usize = 8;

/// `screen` is the whole frame: the line takes its last row.
pub fn draw(frame: &mut Frame, screen: Rect, _state: &State, line: &CommandLine, theme: Theme) {
    if screen.height < 3 || screen.width < 10 {
        return;
    }
    let row = Rect::new(screen.x, screen.bottom() - 1, screen.width, 1);
    frame.render_widget(Clear, row);
    let text = clean(line.input.value());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(":", theme.key()),
            Span::raw(text.to_string()),
        ])),
        row,
    );
    let before: String = line
        .input
        .value()
        .chars()
        .take(line.input.cursor())
        .collect();
    let x = row.x + 1 + unicode_width::UnicodeWidthStr::width(clean(&before).as_str()) as u16;
    frame.set_cursor_position(Position::new(x.min(row.right().saturating_sub(1)), row.y));
    draw_candidates(frame, screen, line, theme);
}

/// The completions, in a box just above the line: shown once there is
/// text or Tab was pressed.
fn draw_candidates(frame: &mut Frame, screen: Rect, line: &CommandLine, theme: Theme) {
    if line.candidates.is_empty() || (line.typed.is_empty() && line.chosen.is_none()) {
        return;
    }
    // Above the status line, which may say why a name was refused.
    let room = (screen.height as usize).saturating_sub(4);
    let rows = line.candidates.len().min(MAX_ROWS).min(room);
    if rows == 0 {
        return;
    }
    // Keep the chosen one in view.
    let chosen = line.chosen.unwrap_or(0);
    let first = chosen.saturating_sub(rows - 1);
    let more = line.candidates.len() - rows;
    let height = rows as u16 + 2;
    let area = Rect::new(screen.x, screen.bottom() - 2 - height, screen.width, height);
    let name_w = line.candidates.iter().map(|c| c.len()).max().unwrap_or(0);
    let lines: Vec<Line> = line.candidates[first..first + rows]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let action = Action::from_name(name);
            let here = action.is_some_and(|a| acts_in(line.mode, a));
            let desc = action.map_or("", Action::description);
            let style = if here { theme.key() } else { theme.dim() };
            let text = Line::from(vec![
                Span::styled(format!(" {} ", pad(name, name_w)), style),
                Span::styled(
                    desc.to_string(),
                    if here {
                        Default::default()
                    } else {
                        theme.dim()
                    },
                ),
            ]);
            if line.chosen == Some(first + i) {
                text.style(theme.selected())
            } else {
                text
            }
        })
        .collect();
    let title = if more > 0 {
        format!(
            " {} actions · Tab cycles · {more} more ",
            line.candidates.len()
        )
    } else {
        format!(" {} action(s) · Tab cycles ", line.candidates.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(title);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
