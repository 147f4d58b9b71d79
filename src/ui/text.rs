//! Text helpers every widget uses: sanitising outside text and fitting it
//! into a cell by display width.

use crate::sanitize;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

/// Outside text made safe for the terminal.
pub fn clean(text: &str) -> String {
    sanitize::for_display(text).into_owned()
}

/// Cut `text` to at most `width` columns, ending in `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Pad with spaces to exactly `width` columns (after [`fit`]).
pub fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let used: usize = fitted.chars().map(|c| c.width().unwrap_or(0)).sum();
    format!("{fitted}{}", " ".repeat(width.saturating_sub(used)))
}

/// Spans of `text` with the chars at `marks` (char indices) in `mark_style`.
pub fn marked(text: String, marks: &[usize], base: Style, mark_style: Style) -> Vec<Span<'static>> {
    if marks.is_empty() {
        return vec![Span::styled(text, base)];
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (i, c) in text.chars().enumerate() {
        let m = marks.binary_search(&i).is_ok();
        if m != run_marked && !run.is_empty() {
            let style = if run_marked {
                base.patch(mark_style)
            } else {
                base
            };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_marked = m;
        run.push(c);
    }
    if !run.is_empty() {
        let style = if run_marked {
            base.patch(mark_style)
        } else {
            base
        };
        spans.push(Span::styled(run, style));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_wide_chars() {
        assert_eq!(fit("王秀英王秀英", 5), "王秀…");
        assert_eq!(fit("abc", 5), "abc");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
