//! The help overlay, generated from the live keymap: every binding of the
//! mode underneath, with its action's description.

use super::centered;
use super::theme::Theme;
use crate::app::keymap::KeyMode;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The help of `mode`, scrolled by `scroll` rows, centred over the panes
/// in `main`.
pub fn draw(
    frame: &mut Frame,
    main: Rect,
    state: &State,
    mode: KeyMode,
    scroll: u16,
    theme: Theme,
) {
    let area = centered(main, 84, main.height.saturating_sub(2).max(10));
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
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(format!(" Help · {} keys · Esc closes ", mode.name()));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}
