//! The enrichment review: each field an enrichment touches, its old and
//! new value, accepted, rejected or undecided.

use super::centered;
use super::text::{clean, fit, pad};
use super::theme::Theme;
use crate::app::state::Review;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Rows the review needs: borders, the hint, a blank line, each field and
/// its note.
fn height(review: &Review) -> u16 {
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

/// The review, centred over the panes in `main`.
pub fn draw(frame: &mut Frame, main: Rect, review: &Review, theme: Theme) {
    let area = centered(main, 80, height(review).min(main.height));
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
