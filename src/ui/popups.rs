//! Small overlays: confirmation and enrichment review.

use super::text::{clean, fit, pad};
use super::theme::Theme;
use crate::app::state::{Confirm, ConflictReview, Review};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw_confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, theme: Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(" Confirm ");
    let lines = vec![
        Line::raw(clean(&confirm.question)),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes   "),
            Span::styled("n", theme.key()),
            Span::raw(" no"),
        ]),
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// Rows the review needs: borders, the hint, a blank line, each field and
/// its note.
pub fn review_height(review: &Review) -> u16 {
    let rows = review
        .items
        .iter()
        .map(|i| 1 + usize::from(i.note.is_some()))
        .sum::<usize>();
    (rows + 4).min(u16::MAX as usize) as u16
}

/// Label column width: wide enough for most labels, never more than a
/// third of the popup.
const LABEL_W: usize = 16;

pub fn draw_review(frame: &mut Frame, area: Rect, review: &Review, theme: Theme) {
    let name = clean(&review.person.full_name());
    let (title, hint) = if review.applied() {
        (
            format!(" Enrichment changed {name} "),
            "Done by the server. a keep · r undo · Enter confirm · Esc keep all",
        )
    } else {
        (
            format!(" Enrich {name} "),
            "Nothing changes until accepted. a accept · r reject · Enter apply · Esc cancel",
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(title);
    let inner_w = area.width.saturating_sub(2) as usize;
    let label_w = LABEL_W.min(inner_w / 3);
    let mut lines = vec![Line::styled(fit(hint, inner_w), theme.dim())];
    lines.push(Line::raw(""));
    for (i, item) in review.items.iter().enumerate() {
        let mark = match item.decision {
            Some(true) => Span::styled("[✓] ", theme.key()),
            Some(false) => Span::styled("[✗] ", theme.error()),
            None => Span::raw("[ ] "),
        };
        let current = if item.proposal.current.is_empty() {
            "(empty)".to_string()
        } else {
            clean(&item.proposal.current)
        };
        let change = fit(
            &format!("{current} → {}", clean(&item.proposal.proposed)),
            inner_w.saturating_sub(4 + label_w + 1),
        );
        let line = Line::from(vec![
            mark,
            Span::styled(
                format!("{} ", pad(&clean(&item.label), label_w)),
                theme.label(),
            ),
            Span::raw(change),
        ]);
        lines.push(if i == review.selected {
            line.style(theme.selected())
        } else {
            line
        });
        if let Some(note) = &item.note {
            lines.push(Line::styled(
                fit(&format!("    ↳ {}", clean(note)), inner_w),
                theme.dim(),
            ));
        }
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn show_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(empty)".into(),
        serde_json::Value::String(s) if s.is_empty() => "(empty)".into(),
        serde_json::Value::String(s) => clean(s),
        other => clean(&other.to_string()),
    }
}

pub fn draw_conflict(frame: &mut Frame, area: Rect, c: &ConflictReview, theme: Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error())
        .title(format!(" {} changed on the server ", clean(&c.name)));
    let w = area.width.saturating_sub(8) as usize;
    let mut lines = vec![Line::styled(
        "Other changes merged already. Per field: m keeps mine, t takes theirs; Enter sends, Esc later.",
        theme.dim(),
    )];
    for (i, f) in c.fields.iter().enumerate() {
        let mine = c.keep_mine.get(i).copied().unwrap_or(true);
        let head = Line::from(vec![
            Span::styled(format!("{} ", clean(f.label())), theme.heading()),
            Span::styled(if mine { "[mine]" } else { "[theirs]" }, theme.key()),
        ]);
        lines.push(if i == c.selected {
            head.style(theme.selected())
        } else {
            head
        });
        let mark = |on: bool| if on { "▶" } else { " " };
        lines.push(Line::raw(fit(
            &format!(" {} mine   {}", mark(mine), show_value(&f.mine)),
            w,
        )));
        lines.push(Line::raw(fit(
            &format!(
                " {} theirs {}   (was {})",
                mark(!mine),
                show_value(&f.theirs),
                show_value(&f.base)
            ),
            w,
        )));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
