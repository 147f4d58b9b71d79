//! The queued-changes overlay: one entry per queued write, two lines each:
//! number, state, person and what it changes; then when it was queued and
//! the server's words. Refusals and what waits behind them stand out.

use super::centered;
use super::text::{clean, fit};
use super::theme::Theme;
use crate::app::state::OutboxView;
use crate::outbox::{EntryState, OutboxEntry};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const LINES_PER_ENTRY: usize = 2;

fn state_text(state: EntryState) -> String {
    match state {
        EntryState::Blocked { behind } => format!("waits for #{behind}"),
        other => other.label().to_string(),
    }
}

fn state_style(state: EntryState, theme: Theme) -> Style {
    match state {
        EntryState::Refused | EntryState::Conflict => theme.error(),
        EntryState::Blocked { .. } => theme.error().patch(theme.dim()),
        EntryState::Sending => theme.busy(),
        EntryState::Pending => theme.dim(),
    }
}

fn entry_lines(e: &OutboxEntry, width: usize, selected: bool, theme: Theme) -> Vec<Line<'static>> {
    let changes = e.op.changes().join(", ");
    let what = if changes.is_empty() {
        e.op.action().to_string()
    } else {
        format!("{}: {changes}", e.op.action())
    };
    let state = state_text(e.state);
    let head = format!("#{} ", e.seq);
    let name = clean(&e.person_name);
    let used = head.chars().count() + state.chars().count() + 2;
    let rest = fit(
        &format!("{name} — {}", clean(&what)),
        width.saturating_sub(used),
    );
    let mut first = Line::from(vec![
        Span::styled(head, theme.key()),
        Span::styled(state, state_style(e.state, theme)),
        Span::raw("  "),
        Span::raw(rest),
    ]);
    if selected {
        first = first.style(theme.selected());
    }
    let when = e
        .queued_at
        .get(..16)
        .unwrap_or(&e.queued_at)
        .replace('T', " ");
    // The server's words first: they are what the user acts on (the state
    // column already says "refused").
    let mut detail = String::from("   ");
    if let Some(why) = &e.error {
        let why = why.strip_prefix("refused by the server: ").unwrap_or(why);
        detail.push_str(&format!("{} · ", clean(why)));
    }
    detail.push_str(&format!("queued {}", clean(&when)));
    if e.attempts > 0 {
        detail.push_str(&format!(" · {} attempt(s)", e.attempts));
    }
    let style = if e.state.needs_user() {
        theme.error()
    } else {
        theme.dim()
    };
    vec![first, Line::styled(fit(&detail, width), style)]
}

/// The view, centred over the panes in `main`: as tall as its entries
/// need, at most as tall as the panes.
pub fn draw(frame: &mut Frame, main: Rect, view: &OutboxView, theme: Theme) {
    let h = (view.entries.len().max(1) as u16 * LINES_PER_ENTRY as u16 + 3).min(main.height);
    let area = centered(main, 96, h);
    let waiting = view.entries.iter().filter(|e| e.state.needs_user()).count();
    let title = if waiting > 0 {
        format!(
            " Queued changes ({}, {waiting} need you) ",
            view.entries.len()
        )
    } else {
        format!(" Queued changes ({}) ", view.entries.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if waiting > 0 {
            theme.error()
        } else {
            theme.focused_border()
        })
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = inner.width as usize;
    let mut lines = vec![Line::styled(
        fit(
            "Oldest first; a refused change holds up that person's later ones.",
            width,
        ),
        theme.dim(),
    )];
    if !view.loaded {
        lines.push(Line::styled("reading the outbox…", theme.dim()));
    } else if view.entries.is_empty() {
        lines.push(Line::raw(
            "Nothing is queued: every change has reached the server.",
        ));
    }
    // Keep the selection on screen.
    let rows = (inner.height as usize).saturating_sub(1) / LINES_PER_ENTRY;
    let start = view
        .selected
        .saturating_sub(rows.saturating_sub(1))
        .min(view.entries.len().saturating_sub(rows.max(1)));
    for (i, e) in view
        .entries
        .iter()
        .enumerate()
        .skip(start)
        .take(rows.max(1))
    {
        lines.extend(entry_lines(e, width, i == view.selected, theme));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
