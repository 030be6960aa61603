//! Colours and symbols. Every status has a symbol and a word as well as a
//! colour, so the screen reads the same without colour (`NO_COLOR`).

use hub_proto::CustomerStatus;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn status(&self, s: CustomerStatus) -> Style {
        self.fg(match s {
            CustomerStatus::Ok => Color::Green,
            CustomerStatus::Warn => Color::Yellow,
            CustomerStatus::Down => Color::Red,
            _ => Color::DarkGray,
        })
    }

    pub fn severity(&self, s: &str) -> Style {
        self.fg(match s {
            "error" => Color::Red,
            "warning" => Color::Yellow,
            _ => Color::Gray,
        })
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// The selected row: reversed, so it shows without colour too.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// A row whose status just changed.
    pub fn flash(&self) -> Style {
        if self.color {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn banner(&self) -> Style {
        if self.color {
            Style::default()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
}

/// A status's symbol, readable without colour.
pub fn symbol(s: CustomerStatus) -> &'static str {
    match s {
        CustomerStatus::Ok => "●",
        CustomerStatus::Warn => "▲",
        CustomerStatus::Down => "✖",
        CustomerStatus::Disabled => "○",
        CustomerStatus::Pending => "◌",
        CustomerStatus::Blocked => "⊘",
    }
}
