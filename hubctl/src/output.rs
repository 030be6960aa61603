//! Rendering: tables for people, the API's objects unchanged as JSON or
//! YAML for scripts. Renderers return strings; `main` prints them.

use std::io::IsTerminal;

use clap::ValueEnum;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
}

/// How to talk to the person (or script) on the other end.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub format: Format,
    pub color: bool,
    /// Both stdin and stdout are terminals: prompts are allowed.
    pub interactive: bool,
    pub yes: bool,
}

impl Ctx {
    pub fn new(format: Format, no_color: bool, yes: bool) -> Ctx {
        let tty = std::io::stdout().is_terminal();
        Ctx {
            format,
            color: tty && !no_color && std::env::var_os("NO_COLOR").is_none(),
            interactive: tty && std::io::stdin().is_terminal(),
            yes,
        }
    }

    /// JSON or YAML of `value` when asked for; `None` means "render a table".
    pub fn data<T: Serialize>(&self, value: &T) -> Option<String> {
        match self.format {
            Format::Table => None,
            Format::Json => Some(serde_json::to_string_pretty(value).unwrap_or_default()),
            Format::Yaml => Some(serde_saphyr::to_string(value).unwrap_or_default()),
        }
    }

    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header.iter().map(Cell::new));
        if !self.color {
            t.force_no_tty();
        } else {
            t.enforce_styling();
        }
        t
    }

    /// A cell coloured by meaning when colour is on.
    pub fn status_cell(&self, status: &str) -> Cell {
        let cell = Cell::new(status);
        if !self.color {
            return cell;
        }
        match status {
            "ok" | "sent" => cell.fg(Color::Green),
            "warn" | "warning" | "skipped" | "pending" => cell.fg(Color::Yellow),
            "down" | "error" | "failed" => cell.fg(Color::Red),
            _ => cell.fg(Color::DarkGrey),
        }
    }
}

/// Renders a table without trailing spaces (stable for tests and diffs).
pub fn render(t: &Table) -> String {
    let mut out: String = t
        .lines()
        .map(|l| l.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// "4m ago", "3h ago", "2d ago", or "never".
pub fn age(secs: Option<i64>) -> String {
    match secs {
        None => "never".into(),
        Some(s) if s < 60 => format!("{}s ago", s.max(0)),
        Some(s) if s < 3600 => format!("{}m ago", s / 60),
        Some(s) if s < 86_400 => format!("{}h ago", s / 3600),
        Some(s) => format!("{}d ago", s / 86_400),
    }
}

/// "61.0 GB / 250.0 GB (24%)".
pub fn usage(used: u64, total: u64) -> String {
    let gb = |b: u64| b as f64 / 1e9;
    let pct = (used.saturating_mul(100)).checked_div(total).unwrap_or(0);
    format!("{:.1} GB / {:.1} GB ({pct}%)", gb(used), gb(total))
}
