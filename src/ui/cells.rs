//! Making the buffer agree with how terminals lay clusters out, so what
//! ratatui sends over what was there before leaves no debris.
//!
//! Ratatui puts a whole grapheme cluster in one cell and blanks the cells it
//! covers. Terminals (tmux, xterm, VTE) lay out a Devanagari conjunct such as
//! `श्री` (three columns) letter by letter instead: `श्` in the first column,
//! `र` and `ी` in the next two. When a popup later paints a space over the
//! first cell, ratatui's diff sees the covered cells as blank before and
//! after and sends nothing for them, so the terminal keeps `री` under the
//! popup. Splitting such a cluster into the cells the terminal uses makes the
//! diff send each one when it changes. The bytes sent for an unchanged row
//! are the same, so shaping is not affected.
//!
//! An emoji sequence joined with ZWJ is one cell in ratatui and in terminals
//! that join it, but several columns in those that draw each part: there the
//! parts spill over the cells to its right (the pane border at an edge).
//! Those cells are marked to be sent on every frame, after the emoji, so a
//! spill never outlives the frame that caused it.

use super::text::cluster_width;
use ratatui::buffer::{Buffer, CellDiffOption};
use unicode_width::UnicodeWidthChar;

const ZWJ: char = '\u{200d}';

/// Fix up every cell of `buf` after drawing (see the module's comment).
pub fn settle(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let symbol = buf[(x, y)].symbol().to_string();
            let w = cluster_width(&symbol);
            if w > 1 && symbol.chars().count() > 1 {
                if symbol.contains(ZWJ) {
                    mark_spill(buf, x, y, w, &symbol);
                } else {
                    split(buf, x, y, w, &symbol);
                }
            }
            x += w.max(1) as u16;
        }
    }
}

/// Letter-by-letter pieces of a cluster: each spacing character with the
/// zero-width marks after it. `None` when the cluster is not laid out that
/// way (emoji, flags, a wide base) or the pieces do not fill `w` columns.
fn pieces(symbol: &str, w: usize) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for c in symbol.chars() {
        match c.width().unwrap_or(0) {
            0 => out.last_mut()?.push(c),
            1 if !is_emoji_part(c) => out.push(c.to_string()),
            _ => return None,
        }
    }
    (out.len() == w && out.len() > 1).then_some(out)
}

/// Characters of emoji presentation sequences, which terminals keep whole.
fn is_emoji_part(c: char) -> bool {
    matches!(c, '\u{fe0f}' | '\u{20e3}' | '\u{1f1e6}'..='\u{1f1ff}')
}

fn split(buf: &mut Buffer, x: u16, y: u16, w: usize, symbol: &str) {
    let Some(parts) = pieces(symbol, w) else {
        return;
    };
    if usize::from(buf.area.right() - x) < w {
        return;
    }
    let style = buf[(x, y)].style();
    for (i, part) in parts.iter().enumerate() {
        buf[(x + i as u16, y)].set_symbol(part).set_style(style);
    }
}

fn mark_spill(buf: &mut Buffer, x: u16, y: u16, w: usize, symbol: &str) {
    let drawn_apart: usize = symbol.chars().map(|c| c.width().unwrap_or(0)).sum();
    let from = x.saturating_add(w as u16);
    let to = x.saturating_add(drawn_apart as u16).min(buf.area.right());
    for sx in from..to {
        let cell = &mut buf[(sx, y)];
        if cell.diff_option == CellDiffOption::None {
            cell.diff_option = CellDiffOption::AlwaysUpdate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn row(text: &str, width: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, 1));
        buf.set_string(0, 0, text, Style::default());
        settle(&mut buf);
        buf
    }

    #[test]
    fn a_conjunct_takes_the_cells_the_terminal_gives_it() {
        let buf = row("श्री x", 8);
        let cells: Vec<&str> = (0..5).map(|x| buf[(x, 0)].symbol()).collect();
        assert_eq!(cells, ["श\u{94d}", "र", "\u{940}", " ", "x"]);
    }

    #[test]
    fn a_popup_over_a_conjunct_sends_every_covered_cell() {
        let before = row("श्री गणेश", 12);
        let after = row("          ", 12);
        let sent: Vec<u16> = before.diff(&after).iter().map(|(x, _, _)| *x).collect();
        // Without the split only column 0 would be sent, leaving "री".
        assert_eq!(sent, [0, 1, 2, 4, 5, 6]);
    }

    #[test]
    fn emoji_wide_chars_and_accents_stay_whole() {
        let buf = row("王é❤\u{fe0f}🇩🇪", 10);
        assert_eq!(buf[(0, 0)].symbol(), "王");
        assert_eq!(buf[(2, 0)].symbol(), "é");
        assert_eq!(buf[(3, 0)].symbol(), "❤\u{fe0f}");
        assert_eq!(buf[(5, 0)].symbol(), "🇩🇪");
    }

    #[test]
    fn cells_a_split_emoji_may_cover_are_always_sent() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let buf = row(&format!("{family}ab│"), 8);
        assert_eq!(buf[(0, 0)].symbol(), family);
        // Drawn apart the family takes six columns: 2..6 may be covered.
        let marked: Vec<u16> = (0..8)
            .filter(|&x| buf[(x, 0)].diff_option == CellDiffOption::AlwaysUpdate)
            .collect();
        assert_eq!(marked, [2, 3, 4, 5]);
        let again = row(&format!("{family}ab│"), 8);
        let sent: Vec<u16> = buf.diff(&again).iter().map(|(x, _, _)| *x).collect();
        assert_eq!(sent, [2, 3, 4, 5]);
    }
}
