//! The people list pane: name, company and primary email per row; only the
//! rows on screen are built.

use super::text::{clean, marked, pad};
use super::theme::Theme;
use crate::app::state::{Focus, State};
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
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
    draw_scrollbar(frame, area, state, inner.height as usize, theme);
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
    let width = inner.width as usize;
    // marker, name, company, email
    let marker_w = 2;
    let rest = width.saturating_sub(marker_w);
    let (name_w, company_w) = if rest >= 60 {
        (rest * 2 / 5, rest / 4)
    } else {
        (rest / 2, rest / 4)
    };
    let email_w = rest.saturating_sub(name_w + company_w);
    let rows = inner.height as usize;
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
            let name = pad(&clean(&p.display_name), name_w.saturating_sub(1));
            let company = pad(&clean(&p.company), company_w.saturating_sub(1));
            let email = pad(&clean(p.primary_email()), email_w);
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
            spans.extend(marked(
                name.clone(),
                &people.highlights(&mut searcher, &name),
                base,
                mark,
            ));
            spans.push(Span::raw(" "));
            spans.extend(marked(
                company.clone(),
                &people.highlights(&mut searcher, &company),
                base.patch(theme.dim()),
                mark,
            ));
            spans.push(Span::raw(" "));
            spans.extend(marked(
                email.clone(),
                &people.highlights(&mut searcher, &email),
                base,
                mark,
            ));
            let line = Line::from(spans);
            if selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
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
    let track = area.inner(Margin {
        vertical: 1,
        horizontal: 0,
    });
    frame.render_stateful_widget(scrollbar, track, &mut bar);
}
