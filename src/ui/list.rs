//! The people list pane: a header row, then one row per person with the
//! columns the config chose (name, company and primary email unless
//! `[ui] columns` says otherwise); only the rows on screen are built.

use super::text::{clean, marked, pad};
use super::theme::Theme;
use crate::app::state::{Focus, State};
use crate::config::ui::{DEFAULT_COLUMNS, ListColumn};
use crate::store::PersonSummary;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let people = &state.people;
    let focused = state.focus == Focus::List && state.overlays.is_empty();
    let title = format!(
        " People {}/{} · by {} ",
        people.visible.len(),
        people.all.len(),
        people.sort.label()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        })
        .title(title)
        .title_bottom(position(state).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw_scrollbar(
        frame,
        area,
        state,
        inner.height.saturating_sub(1) as usize,
        theme,
    );
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if !people.loaded {
        frame.render_widget(Paragraph::new("loading people…").style(theme.dim()), inner);
        return;
    }
    if people.visible.is_empty() {
        let msg = if people.all.is_empty() {
            "no people yet — press a to add one"
        } else {
            "no matches — Esc clears the filter"
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
        return;
    }
    let widths = column_widths(&state.columns, inner.width as usize);
    let [header_area, rows_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(header(&widths, theme)), header_area);
    let rows = rows_area.height as usize;
    // One matcher for the whole frame, only when there is something to mark.
    let mut searcher = crate::search::Searcher::default();
    let start = people.offset.min(people.visible.len().saturating_sub(1));
    let lines: Vec<Line> = people.visible[start..]
        .iter()
        .take(rows)
        .enumerate()
        .map(|(row, &idx)| {
            let p = &people.all[idx as usize];
            let selected = start + row == people.selected;
            let base = if p.archived {
                theme.dim()
            } else {
                Default::default()
            };
            let mark = theme.match_char();
            // One marker column: a write waiting for the user (refused, or
            // in conflict, with the person's later writes behind it) matters
            // most, then a queued write, then archiving.
            let marker = if p.blocked {
                Span::styled("! ", theme.error())
            } else if p.pending {
                Span::styled("↑ ", theme.busy())
            } else if p.archived {
                Span::styled("⊘ ", base)
            } else {
                Span::raw("  ")
            };
            let mut spans = vec![marker];
            let last = widths.len().saturating_sub(1);
            for (i, (column, w)) in widths.iter().enumerate() {
                // A space between columns, none after the last.
                let w = if i == last { *w } else { w.saturating_sub(1) };
                let text = pad(&clean(&cell(p, *column)), w);
                let style = if *column == ListColumn::Company {
                    base.patch(theme.dim())
                } else {
                    base
                };
                let marks = people.highlights(&mut searcher, &text);
                spans.extend(marked(text, &marks, style, mark));
                if i != last {
                    spans.push(Span::raw(" "));
                }
            }
            let line = Line::from(spans);
            if selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows_area);
}

/// The marker column's width (`! `, `↑ `, `⊘ `).
const MARKER_W: usize = 2;

/// How wide each column may be at least, and its share of the room left.
fn sizing(column: ListColumn) -> (usize, usize) {
    match column {
        ListColumn::Name => (12, 5),
        ListColumn::GivenName | ListColumn::FamilyName => (10, 3),
        ListColumn::Company => (8, 3),
        ListColumn::Email => (12, 4),
        ListColumn::Phone => (14, 1),
        ListColumn::Tags => (8, 2),
        ListColumn::City => (8, 2),
        // "2025-06-01"
        ListColumn::Updated => (11, 0),
    }
}

/// The columns that fit in `width` (the marker's included) and their
/// widths, a separating space included in each but the last. The first
/// column always shows; from the right, columns that do not reach their
/// minimum are left out; the room over is shared by weight.
pub fn column_widths(columns: &[ListColumn], width: usize) -> Vec<(ListColumn, usize)> {
    let columns = if columns.is_empty() {
        DEFAULT_COLUMNS
    } else {
        columns
    };
    let room = width.saturating_sub(MARKER_W);
    let mut shown: Vec<ListColumn> = Vec::new();
    let mut used = 0;
    for (i, column) in columns.iter().enumerate() {
        let min = sizing(*column).0;
        if i > 0 && used + min > room {
            break;
        }
        used += min;
        shown.push(*column);
    }
    let spare = room.saturating_sub(used);
    let weights: usize = shown.iter().map(|c| sizing(*c).1).sum::<usize>().max(1);
    let mut out: Vec<(ListColumn, usize)> = shown
        .iter()
        .map(|c| {
            let (min, weight) = sizing(*c);
            (*c, min + spare * weight / weights)
        })
        .collect();
    // Rounding leaves a few columns over: they go to the first column,
    // and the first column never overflows a narrow list.
    let total: usize = out.iter().map(|(_, w)| w).sum();
    if let Some(first) = out.first_mut() {
        first.1 = (first.1 + room.saturating_sub(total)).min(room);
    }
    out
}

/// The header row: each shown column's name over it.
fn header(widths: &[(ListColumn, usize)], theme: Theme) -> Line<'static> {
    let mut text = " ".repeat(MARKER_W);
    let last = widths.len().saturating_sub(1);
    for (i, (column, w)) in widths.iter().enumerate() {
        if i == last {
            text.push_str(&pad(column.header(), *w));
        } else {
            text.push_str(&pad(column.header(), w.saturating_sub(1)));
            text.push(' ');
        }
    }
    Line::styled(text, theme.heading())
}

/// The text of one cell.
fn cell(p: &PersonSummary, column: ListColumn) -> String {
    match column {
        ListColumn::Name => p.display_name.to_string(),
        ListColumn::GivenName => p.given_name.to_string(),
        ListColumn::FamilyName => p.family_name.to_string(),
        ListColumn::Company => p.company.to_string(),
        ListColumn::Email => p.primary_email().to_string(),
        ListColumn::Phone => p.phones.split(' ').next().unwrap_or("").to_string(),
        // Tags are stored space separated; a comma reads better in a cell.
        ListColumn::Tags => p.tags.split_whitespace().collect::<Vec<_>>().join(", "),
        ListColumn::City => p.city.to_string(),
        ListColumn::Updated => p.updated_at.chars().take(10).collect(),
    }
}

/// Where the selection is, as `26/240` on the bottom border (`0/0` for an
/// empty list): row numbers count from 1, as `3G` does.
fn position(state: &State) -> Line<'static> {
    let people = &state.people;
    if !people.loaded {
        return Line::default();
    }
    let at = if people.visible.is_empty() {
        0
    } else {
        people.selected + 1
    };
    Line::from(format!(" {at}/{} ", people.visible.len()))
}

/// A scrollbar on the right border when the rows do not all fit: its
/// thumb is the part of the list on screen.
fn draw_scrollbar(frame: &mut Frame, area: Rect, state: &State, rows: usize, theme: Theme) {
    let people = &state.people;
    let len = people.visible.len();
    if !people.loaded || rows == 0 || len <= rows {
        return;
    }
    let max_offset = len - rows;
    let mut bar = ScrollbarState::new(max_offset + 1)
        .position(people.offset.min(max_offset))
        .viewport_content_length(rows);
    let scrollbar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None)
        .track_symbol(Some("│"))
        .thumb_symbol("█")
        .track_style(theme.border())
        .thumb_style(theme.border());
    // Beside the rows: below the top border and the header.
    let track = area.inner(Margin {
        vertical: 1,
        horizontal: 0,
    });
    let track = Rect {
        y: track.y + 1,
        height: track.height.saturating_sub(1),
        ..track
    };
    frame.render_stateful_widget(scrollbar, track, &mut bar);
}
