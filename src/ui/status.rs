//! The status line (workspace, message, counts) and the footer of key hints,
//! both generated from state and the live keymap.

use super::text::{clean, fit};
use super::theme::Theme;
use crate::app::state::{State, StatusKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn workspace_label(state: &State) -> String {
    let ws = &state.workspace;
    if ws.is_demo {
        "demo workspace".to_string()
    } else {
        format!("{} · {}", ws.profile, ws.backend)
    }
}

pub fn draw_status(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let label = format!(" {} ", workspace_label(state));
    let style = match state.status.kind {
        StatusKind::Info => Default::default(),
        StatusKind::Busy => theme.busy(),
        StatusKind::Error => theme.error(),
    };
    let net = state
        .net
        .as_deref()
        .map(|n| format!("{n} · "))
        .unwrap_or_default();
    // "synced 4 min ago", "offline", "syncing 1,230/10,000" (remote only).
    let sync = match state.sync.describe() {
        s if s.is_empty() => s,
        s => format!("{s} · "),
    };
    let sync_style = if state.sync.offline.is_some() {
        theme.error()
    } else {
        Default::default()
    };
    let room = (area.width as usize)
        .saturating_sub(label.chars().count() + sync.chars().count() + net.chars().count() + 2);
    let message = fit(&clean(&state.status.message), room);
    let line = Line::from(vec![
        Span::styled(label, theme.selected()),
        Span::raw(" "),
        Span::styled(sync, sync_style),
        Span::styled(net, theme.busy()),
        Span::styled(message, style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub fn draw_footer(frame: &mut Frame, area: Rect, state: &State, theme: Theme) {
    let layer = state.top_layer();
    let mode = layer.mode();
    let mut spans = Vec::new();
    let mut used = 0usize;
    for &action in layer.hints() {
        // Offer only what this backend can do.
        if state.unavailable(action).is_some() {
            continue;
        }
        let Some(key) = state.keymap.key_for(mode, action) else {
            continue;
        };
        let word = action.hint();
        let len = key.chars().count() + word.len() + 3;
        if used + len > area.width as usize {
            break;
        }
        used += len;
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::styled(format!(" {word} "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
