//! Text helpers every widget uses: sanitising outside text and fitting it
//! into a cell by display width.

use crate::sanitize;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

/// Outside text made safe for the terminal.
pub fn clean(text: &str) -> String {
    sanitize::for_display(text).into_owned()
}

/// Columns `cluster` takes, exactly as ratatui's buffer counts them (the
/// whole cluster's `UnicodeWidthStr` width, controls and zero-width
/// clusters taking none), so a cut here agrees with what is drawn.
pub fn cluster_width(cluster: &str) -> usize {
    if cluster.contains(char::is_control) {
        return 0;
    }
    if cluster.len() == 1 {
        return 1;
    }
    usize::from(ratatui::buffer::CellWidth::cell_width(cluster))
}

/// Display width of `text`, by grapheme cluster.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(cluster_width).sum()
}

/// Cut `text` to at most `width` columns, ending in `…` when cut. Cuts
/// fall between grapheme clusters: never half a wide character, a base
/// without its combining marks, or a piece of an emoji sequence.
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = cluster_width(g);
        if used + w + 1 > max {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// Pad with spaces to exactly `width` columns (after [`fit`]); a wide
/// cluster that does not fit leaves a space, never half of itself.
pub fn pad(text: &str, max: usize) -> String {
    let fitted = fit(text, max);
    let used = width(&fitted);
    format!("{fitted}{}", " ".repeat(max.saturating_sub(used)))
}

/// Word-wrap `text` into lines of at most `max` columns, by grapheme
/// cluster: breaks at spaces where it can, inside a word (between
/// clusters) when a word alone is wider than a line.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in para.split_word_bounds() {
            let w = width(word);
            if used + w <= max {
                line.push_str(word);
                used += w;
                continue;
            }
            if word.trim().is_empty() {
                // A space at the break is dropped, not carried over.
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                used = 0;
                continue;
            }
            if used > 0 && w <= max {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line.push_str(word);
                used = w;
                continue;
            }
            for g in word.graphemes(true) {
                let gw = cluster_width(g);
                if used + gw > max && used > 0 {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(g);
                used += gw;
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Wrap a styled `line` into rows of at most `max` columns with a hanging
/// indent: rows after the first start under where the line's text starts
/// (after its first span, the label or marker, when it has more than one;
/// after its leading spaces otherwise), so a wrapped value stays in its
/// column. Breaks at word boundaries, inside a word only when it is wider
/// than a row, always between grapheme clusters.
pub fn wrap_line(line: Line<'static>, max: usize) -> Vec<Line<'static>> {
    let line_style = line.style;
    let total: usize = line.spans.iter().map(|s| width(&s.content)).sum();
    if total <= max || max == 0 {
        return vec![line];
    }
    let mut spans = line.spans.into_iter();
    let mut head: Vec<Span<'static>> = Vec::new();
    let mut words: Vec<(String, Style)> = Vec::new();
    let mut indent = 0;
    if spans.len() > 1 {
        let first = spans.next().unwrap_or_default();
        indent = width(&first.content);
        head.push(first);
    }
    for span in spans {
        let leading = span.content.len() - span.content.trim_start().len();
        if head.is_empty() && words.is_empty() && leading > 0 {
            indent = width(&span.content[..leading]);
        }
        for w in span.content.split_word_bounds() {
            words.push((w.to_string(), span.style));
        }
    }
    // A hanging indent that leaves no room for text is no indent.
    if indent + 8 > max {
        indent = 0;
    }
    let mut rows = Vec::new();
    let mut row = head;
    let mut used: usize = row.iter().map(|s| width(&s.content)).sum();
    let new_row = |rows: &mut Vec<Line<'static>>, row: &mut Vec<Span<'static>>| {
        let done = std::mem::replace(row, vec![Span::raw(" ".repeat(indent))]);
        rows.push(Line::from(done).style(line_style));
    };
    for (word, style) in words {
        let w = width(&word);
        if used + w <= max {
            used += w;
            row.push(Span::styled(word, style));
            continue;
        }
        if word.trim().is_empty() {
            new_row(&mut rows, &mut row);
            used = indent;
            continue;
        }
        if used > indent && indent + w <= max {
            new_row(&mut rows, &mut row);
            used = indent + w;
            row.push(Span::styled(word, style));
            continue;
        }
        for g in word.graphemes(true) {
            let gw = cluster_width(g);
            if used + gw > max && used > indent {
                new_row(&mut rows, &mut row);
                used = indent;
            }
            used += gw;
            row.push(Span::styled(g.to_string(), style));
        }
    }
    rows.push(Line::from(row).style(line_style));
    rows
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

    #[test]
    fn cuts_fall_between_clusters() {
        // A conjunct with its vowel sign is one cluster of three columns.
        assert_eq!(width("श्री"), 3);
        assert_eq!(fit("श्री गणेश", 4), "श्री…");
        assert_eq!(fit("श्री गणेश", 3), "…");
        // A family emoji is one two-column cluster; VS16 makes a heart wide.
        assert_eq!(width("👨\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(width("❤\u{fe0f}"), 2);
        assert_eq!(fit("👨\u{200d}👩\u{200d}👧x", 2), "…");
        // A combining accent stays with its letter.
        assert_eq!(
            fit("e\u{301}e\u{301}e\u{301}", 3),
            "e\u{301}e\u{301}e\u{301}"
        );
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}x", 3), "e\u{301}e\u{301}…");
        // A wide character that would straddle the edge leaves a space.
        assert_eq!(pad("王秀英", 5), "王秀…");
        assert_eq!(pad("王秀英", 4), "王… ");
        assert_eq!(width(&pad("王秀英王", 6)), 6);
    }

    fn rows(line: Line<'static>, max: usize) -> Vec<String> {
        wrap_line(line, max)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wrapped_values_hang_under_their_column() {
        let line = Line::from(vec![
            Span::raw("  LinkedIn     "),
            Span::raw("https://www.linkedin.com/in/ahmet-aksoy-d45006bf/"),
        ]);
        let got = rows(line, 40);
        assert_eq!(got[0], "  LinkedIn     https://www.linkedin.com/");
        assert!(
            got[1..].iter().all(|r| r.starts_with(&" ".repeat(15))),
            "{got:?}"
        );
        let address = Line::from(vec![
            Span::raw("  Address      "),
            Span::raw("Atatürk Bulvarı No:106, 16908 Bursa, TR"),
        ]);
        assert_eq!(
            rows(address, 40),
            [
                "  Address      Atatürk Bulvarı No:106, ",
                "               16908 Bursa, TR"
            ]
        );
        // A note's meta runs under its title, not to column 0.
        let head = Line::from(vec![
            Span::raw("  "),
            Span::raw("Out of office"),
            Span::raw("  2026-04-16 09:23 · email · Lucía Ortega"),
        ]);
        let got = rows(head, 40);
        assert_eq!(got[1].trim(), "email · Lucía Ortega");
        assert!(got[1].starts_with("  e"), "{got:?}");
        for r in &got {
            assert!(width(r) <= 40, "{r:?}");
        }
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("line one line two", 9), ["line one", "line two"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 4), ["a", "b"]);
        assert_eq!(wrap("王秀英王秀英", 5), ["王秀", "英王", "秀英"]);
        for line in wrap("https://www.linkedin.com/in/ahmet-aksoy-d45006bf/", 20) {
            assert!(width(&line) <= 20, "{line}");
        }
    }
}
