//! Rendering: `draw(frame, &State)`. Reads state, never changes it, never
//! does I/O. One file per pane or popup.

pub mod cells;
pub mod command_line;
pub mod confirm;
pub mod conflict;
pub mod detail;
pub mod duplicates;
pub mod help;
pub mod list;
pub mod note_editor;
pub mod outbox;
pub mod person_form;
pub mod review;
pub mod search_bar;
pub mod status;
pub mod text;
pub mod theme;

use crate::app::state::{Focus, Overlay, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use theme::Theme;

/// A rectangle of at most `w` x `h` centred in `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn draw(frame: &mut Frame, state: &State) {
    let theme = Theme { color: state.color };
    let [main, status_area, footer] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    let (list_area, detail_area) = if state.two_panes() {
        let [l, d] = Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
            .areas(main);
        (Some(l), Some(d))
    } else if state.focus == Focus::Detail {
        (None, Some(main))
    } else {
        (Some(main), None)
    };
    if let Some(area) = list_area {
        let area = if state.search_bar_visible() {
            let [bar, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
            search_bar::draw(frame, bar, state, theme);
            rest
        } else {
            area
        };
        list::draw(frame, area, state, theme);
    }
    if let Some(area) = detail_area {
        detail::draw(frame, area, state, theme);
    }
    status::draw_status(frame, status_area, state, theme);
    status::draw_footer(frame, footer, state, theme);

    for overlay in &state.overlays {
        draw_overlay(frame, main, state, overlay, theme);
    }
    cells::settle(frame.buffer_mut());
}

/// Each overlay draws itself over the panes in `main`, bottom to top.
fn draw_overlay(frame: &mut Frame, main: Rect, state: &State, overlay: &Overlay, theme: Theme) {
    match overlay {
        Overlay::Help { scroll, mode } => help::draw(frame, main, state, *mode, *scroll, theme),
        Overlay::Confirm(c) => confirm::draw(frame, main, c, theme),
        Overlay::PersonForm(form) => person_form::draw(frame, main, form, theme),
        Overlay::NoteEditor(ed) => note_editor::draw(frame, main, ed, theme),
        Overlay::Conflict(c) => conflict::draw(frame, main, c, &state.field_defs, theme),
        Overlay::Review(r) => review::draw(frame, main, r, theme),
        Overlay::Outbox(v) => outbox::draw(frame, main, v, theme),
        Overlay::CommandLine(c) => command_line::draw(frame, frame.area(), state, c, theme),
        Overlay::Duplicates(r) => duplicates::draw(frame, main, r, &state.caps, theme),
    }
}
