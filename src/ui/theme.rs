//! Styles. Only the 16 ANSI colours are used, and every distinction also
//! has a non-colour form (bold, reverse, underline) so `NO_COLOR` stays readable.

use ratatui::style::{Color, Modifier, Style};

/// `#rgb` or `#rrggbb`.
fn parse_hex(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.trim().strip_prefix('#')?;
    let digit = |i: usize, n: usize| u8::from_str_radix(h.get(i..i + n)?, 16).ok();
    match h.len() {
        3 => Some((digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
        6 => Some((digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        _ => None,
    }
}

fn nearest_ansi(rgb: (u8, u8, u8)) -> Color {
    const PALETTE: [(Color, (u8, u8, u8)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::Gray, (229, 229, 229)),
        (Color::DarkGray, (127, 127, 127)),
        (Color::LightRed, (255, 0, 0)),
        (Color::LightGreen, (0, 255, 0)),
        (Color::LightYellow, (255, 255, 0)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 0, 255)),
        (Color::LightCyan, (0, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let dist = |c: (u8, u8, u8)| {
        let d = |a: u8, b: u8| (a as i32 - b as i32).pow(2);
        d(c.0, rgb.0) + d(c.1, rgb.1) + d(c.2, rgb.2)
    };
    PALETTE
        .iter()
        .min_by_key(|(_, c)| dist(*c))
        .map_or(Color::Magenta, |(color, _)| *color)
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn match_char(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn label(self) -> Style {
        self.fg(Color::Blue)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn busy(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn flag(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn tag(self) -> Style {
        self.fg(Color::Magenta)
    }

    /// A tag in its CRM background and text colours, both mapped to the
    /// nearest of the 16 ANSI colours (so it works on 16-colour terminals).
    /// Text that would vanish into its background (both
    /// mapped to one colour) or is not given becomes black or white,
    /// whichever reads on the background.
    pub fn tag_in(self, background: &str, text: Option<&str>) -> Style {
        match (self.color, parse_hex(background)) {
            (true, Some(rgb)) => {
                let bg = nearest_ansi(rgb);
                let light = 299 * rgb.0 as u32 + 587 * rgb.1 as u32 + 114 * rgb.2 as u32 > 128_000;
                let readable = if light { Color::Black } else { Color::White };
                let fg = text
                    .and_then(parse_hex)
                    .map(nearest_ansi)
                    .filter(|&fg| fg != bg)
                    .unwrap_or(readable);
                Style::default().bg(bg).fg(fg)
            }
            _ => self.tag(),
        }
    }

    pub fn key(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn border(self) -> Style {
        self.fg(Color::Gray)
    }

    pub fn focused_border(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}
