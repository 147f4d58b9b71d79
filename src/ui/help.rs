//! The help overlay, generated from the live keymap: every binding of the
//! mode underneath, with its action's description; then the message log,
//! newest first, each message whole. Scrolling stops at the last row, and
//! a "more" mark on the frame says there is more above or below.

use super::centered;
use super::text::{clean, wrap};
use super::theme::Theme;
use crate::app::keymap::KeyMode;
use crate::app::state::{State, StatusKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The heading the message log starts with.
const MESSAGES_HEADING: &str = " Messages, newest first";

/// Where help is drawn over the panes in `main`.
fn area(main: Rect) -> Rect {
    centered(main, 84, main.height.saturating_sub(2).max(10))
}

/// The panes' area for a terminal of `size` (less the status and footer rows).
fn main_of(state: &State) -> Rect {
    let (w, h) = state.size;
    Rect::new(0, 0, w, h.saturating_sub(2))
}

/// Every row of the help of `mode`, for a box `inner_w` columns wide.
fn lines(state: &State, mode: KeyMode, inner_w: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let keymap = &state.keymap;
    let bindings = keymap.bindings(mode);
    let key_w = bindings
        .iter()
        .map(|(_, keys)| keys.join(", ").chars().count())
        .max()
        .unwrap_or(0)
        .min(22);
    for (action, keys) in &bindings {
        let mut spans = vec![
            Span::styled(format!(" {:<key_w$}  ", keys.join(", ")), theme.key()),
            Span::raw(action.description()),
        ];
        let reason = state.unavailable(*action);
        if reason.is_some() {
            spans[1].style = theme.dim();
        }
        lines.push(Line::from(spans));
        if let Some(reason) = reason {
            lines.push(Line::styled(
                format!(" {:<key_w$}  ↳ unavailable: {reason}", ""),
                theme.dim(),
            ));
        }
    }
    if matches!(mode, KeyMode::Normal | KeyMode::Search) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(" Searching", theme.key()));
        for line in crate::search::SYNTAX_HELP {
            lines.push(Line::raw(format!(" {line}")));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " Ctrl-C quits from anywhere. Keys can be changed in [keys.<mode>] of config.toml.",
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(MESSAGES_HEADING, theme.heading()));
    if state.messages.is_empty() {
        lines.push(Line::styled("   none yet", theme.dim()));
    }
    // " 14:05:09  " then the message, wrapped under itself.
    let indent = 11;
    for m in state.messages.newest_first() {
        let time =
            m.at.map(|t| {
                t.to_zoned(jiff::tz::TimeZone::system())
                    .strftime("%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_else(|| "--:--:--".into());
        let style = match m.kind {
            StatusKind::Error => theme.error(),
            _ => Default::default(),
        };
        for (i, part) in wrap(&clean(&m.text), inner_w.saturating_sub(indent))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                format!(" {time}  ")
            } else {
                " ".repeat(indent)
            };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.dim()),
                Span::styled(part, style),
            ]));
        }
    }
    lines
}

fn inner_width(state: &State) -> usize {
    area(main_of(state)).width.saturating_sub(2) as usize
}

fn visible_rows(state: &State) -> usize {
    area(main_of(state)).height.saturating_sub(2) as usize
}

/// The furthest help of `mode` scrolls: its last row at the bottom.
pub fn max_scroll(state: &State, mode: KeyMode) -> u16 {
    let total = lines(state, mode, inner_width(state), Theme { color: false }).len();
    u16::try_from(total.saturating_sub(visible_rows(state))).unwrap_or(u16::MAX)
}

/// The row the message log starts on.
pub fn messages_row(state: &State, mode: KeyMode) -> u16 {
    let all = lines(state, mode, inner_width(state), Theme { color: false });
    let at = all
        .iter()
        .position(|l| {
            l.spans
                .first()
                .is_some_and(|s| s.content == MESSAGES_HEADING)
        })
        .unwrap_or(0);
    u16::try_from(at).unwrap_or(u16::MAX)
}

/// The help of `mode`, scrolled by `scroll` rows (at most to its end),
/// centred over the panes in `main`.
pub fn draw(
    frame: &mut Frame,
    main: Rect,
    state: &State,
    mode: KeyMode,
    scroll: u16,
    theme: Theme,
) {
    let area = area(main);
    let inner_w = area.width.saturating_sub(2) as usize;
    let lines = lines(state, mode, inner_w, theme);
    let visible = area.height.saturating_sub(2) as usize;
    let max = lines.len().saturating_sub(visible);
    let scroll = usize::from(scroll).min(max);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(format!(" Help · {} keys · Esc closes ", mode.name()));
    if scroll > 0 {
        block = block
            .title_top(Line::styled(format!(" ↑ {scroll} more "), theme.key()).right_aligned());
    }
    if scroll < max {
        block = block.title_bottom(
            Line::styled(format!(" ↓ {} more ", max - scroll), theme.key()).right_aligned(),
        );
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}
