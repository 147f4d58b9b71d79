//! The duplicate review: the group's records side by side, one row per
//! field, `›` on the selected one, `≠` where they differ, `✓` on the value
//! the survivor keeps, and the merged survivor in the last column; the
//! notes of every record are listed as moving to it.

use super::centered;
use super::text::{clean, fit, pad};
use super::theme::Theme;
use crate::app::state::DuplicateReview;
use crate::model::merge::FieldPick;
use crate::model::{Capabilities, PersonField};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The field names' column: the selection mark, the difference mark, the
/// longest label ("Custom fields") and a space.
const LABEL_W: usize = 16;
/// A record's column is never narrower than this; records that do not fit
/// are left out and the title says how many.
const MIN_COL_W: usize = 12;

pub fn draw(frame: &mut Frame, main: Rect, r: &DuplicateReview, caps: &Capabilities, theme: Theme) {
    let area = centered(main, main.width, main.height);
    let inner_w = area.width.saturating_sub(2) as usize;
    let mut title = String::from(" Duplicates ");
    let mut lines: Vec<Line> = Vec::new();
    match (&r.groups, r.current()) {
        (None, _) => lines.push(Line::styled("Looking for duplicates…", theme.busy())),
        (Some(_), None) => lines.push(Line::raw("No duplicates found.")),
        (Some(groups), Some(group)) => {
            let reasons: Vec<&str> = group.reasons().iter().map(|x| x.label()).collect();
            title = format!(
                " Duplicates {}/{} · score {} · {} ",
                r.group + 1,
                groups.len(),
                group.score,
                reasons.join("; ")
            );
            if r.loaded() {
                table(&mut lines, r, caps, inner_w, area.height, theme, &mut title);
            } else {
                lines.push(Line::styled("Loading the records…", theme.busy()));
            }
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(fit(&title, inner_w));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn table(
    lines: &mut Vec<Line<'static>>,
    r: &DuplicateReview,
    caps: &Capabilities,
    inner_w: usize,
    height: u16,
    theme: Theme,
    title: &mut String,
) {
    let records = r.records.len();
    let room = inner_w.saturating_sub(LABEL_W);
    // Every record plus the merged column, as many as fit.
    let fitting = (room / (MIN_COL_W + 1)).max(2) - 1;
    let shown = records.min(fitting);
    if shown < records {
        title.push_str(&format!("· {} more not shown ", records - shown));
    }
    let col_w = (room / (shown + 1)).saturating_sub(1).max(1);
    let cell = |text: &str, style: Style| Span::styled(format!("{} ", pad(text, col_w)), style);
    lines.push(Line::styled(
        fit(
            "← → picks what the survivor keeps · ✓ kept · ≠ differs · every note moves",
            inner_w,
        ),
        theme.dim(),
    ));
    let mut names = vec![Span::styled(pad("", LABEL_W), theme.label())];
    let mut ids = vec![Span::raw(pad("", LABEL_W))];
    for (i, rec) in r.records.iter().take(shown).enumerate() {
        let role = if i == 0 { "survivor" } else { "merged in" };
        names.push(cell(
            &fit(&clean(&rec.person.full_name()), col_w),
            theme.heading(),
        ));
        ids.push(cell(
            &fit(&format!("{role} · {}", clean(&rec.person.id)), col_w),
            theme.dim(),
        ));
    }
    names.push(cell("After the merge", theme.heading()));
    ids.push(cell("", theme.dim()));
    lines.push(Line::from(names));
    lines.push(Line::from(ids));

    let rows = r.rows(caps);
    let preview = r.preview().unwrap_or_default();
    // Borders, the three lines above and the notes line below.
    let room_rows = (height as usize).saturating_sub(6).max(1);
    let start = r.row.saturating_sub(room_rows - 1);
    for (n, &field) in rows.iter().enumerate().skip(start).take(room_rows) {
        let line = field_line(r, field, &preview, shown, col_w, n == r.row, theme);
        lines.push(if n == r.row {
            line.style(theme.selected())
        } else {
            line
        });
    }
    let mut notes = vec![Span::styled(pad("  Notes", LABEL_W), theme.label())];
    let mut total = 0;
    for rec in r.records.iter().take(shown) {
        total += rec.notes.len();
        notes.push(cell(&count_notes(rec.notes.len()), Style::default()));
    }
    total += r
        .records
        .iter()
        .skip(shown)
        .map(|x| x.notes.len())
        .sum::<usize>();
    notes.push(cell(
        &format!("all {} kept", count_notes(total)),
        theme.key(),
    ));
    lines.push(Line::from(notes));
}

fn count_notes(n: usize) -> String {
    match n {
        1 => "1 note".into(),
        n => format!("{n} notes"),
    }
}

fn field_line(
    r: &DuplicateReview,
    field: PersonField,
    preview: &crate::model::Person,
    shown: usize,
    col_w: usize,
    selected: bool,
    theme: Theme,
) -> Line<'static> {
    // Marks in text, not only colour: they read on a monochrome terminal.
    let here = if selected { "›" } else { " " };
    let differs = if r.differs(field) { "≠" } else { " " };
    let mut spans = vec![Span::styled(
        format!("{here}{differs}{}", pad(field.label(), LABEL_W - 2)),
        theme.label(),
    )];
    let pick = r.pick(field);
    for (i, rec) in r.records.iter().take(shown).enumerate() {
        let value = field.get(&rec.person);
        let kept = match pick {
            FieldPick::Record(n) => n == i,
            FieldPick::Union => !value.trim().is_empty(),
        };
        let text = format!("{} {}", if kept { "✓" } else { " " }, clean(&value));
        let style = if kept { theme.key() } else { Style::default() };
        spans.push(Span::styled(
            format!("{} ", pad(&fit(&text, col_w), col_w)),
            style,
        ));
    }
    let merged = clean(&field.get(preview));
    spans.push(Span::raw(format!("{} ", pad(&fit(&merged, col_w), col_w))));
    Line::from(spans)
}
