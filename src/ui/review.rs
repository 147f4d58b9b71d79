//! The enrichment review: each field an enrichment touches, its old and
//! new value, accepted, rejected or undecided.

use super::centered;
use super::text::{clean, fit, pad, wrap};
use super::theme::Theme;
use crate::app::state::{Review, ReviewItem};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Rows the review needs: borders, the hint, a blank line, each field and
/// its note.
fn height(review: &Review, change_w: usize) -> u16 {
    let rows = review
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let change = if i == review.selected {
                change_rows(item, change_w).len()
            } else {
                1
            };
            change + usize::from(item.note.is_some())
        })
        .sum::<usize>();
    (rows + 4).min(u16::MAX as usize) as u16
}

/// "old → new", cleaned.
fn change_text(item: &ReviewItem) -> String {
    let current = if item.proposal.current.is_empty() {
        "(empty)".to_string()
    } else {
        clean(&item.proposal.current)
    };
    format!("{current} → {}", clean(&item.proposal.proposed))
}

/// The selected proposal is shown whole, wrapped under its value column:
/// a long URL must be read before it is accepted.
fn change_rows(item: &ReviewItem, width: usize) -> Vec<String> {
    wrap(&change_text(item), width.max(1))
}

/// Popup width, the label column and the change column inside it.
fn columns(main: Rect) -> (u16, usize, usize) {
    let width = 80.min(main.width);
    let inner_w = width.saturating_sub(2) as usize;
    let label_w = LABEL_W.min(inner_w / 3);
    (width, label_w, inner_w.saturating_sub(4 + label_w + 1))
}

/// Label column width: wide enough for most labels, never more than a
/// third of the popup.
const LABEL_W: usize = 16;

/// The review, centred over the panes in `main`.
pub fn draw(frame: &mut Frame, main: Rect, review: &Review, theme: Theme) {
    let (width, label_w, change_w) = columns(main);
    let area = centered(main, width, height(review, change_w).min(main.height));
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
    let mut lines = vec![Line::styled(fit(hint, inner_w), theme.dim())];
    lines.push(Line::raw(""));
    for (i, item) in review.items.iter().enumerate() {
        let mark = match item.decision {
            Some(true) => Span::styled("[✓] ", theme.key()),
            Some(false) => Span::styled("[✗] ", theme.error()),
            None => Span::raw("[ ] "),
        };
        let selected = i == review.selected;
        let mut rows = if selected {
            change_rows(item, change_w)
        } else {
            vec![fit(&change_text(item), change_w)]
        }
        .into_iter();
        let line = Line::from(vec![
            mark,
            Span::styled(
                format!("{} ", pad(&clean(&item.label), label_w)),
                theme.label(),
            ),
            Span::raw(rows.next().unwrap_or_default()),
        ]);
        lines.push(if selected {
            line.style(theme.selected())
        } else {
            line
        });
        let indent = " ".repeat(4 + label_w + 1);
        for row in rows {
            lines.push(Line::raw(format!("{indent}{row}")).style(theme.selected()));
        }
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
