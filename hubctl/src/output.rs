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
            Format::Json => Some(serde_json::to_string_pretty(value).unwrap_or_default() + "\n"),
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
        let cell = cell(status);
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

/// `s` safe for a terminal: control characters (an escape sequence in a
/// hostname, a bell in an event message) are shown as `\u{1b}` and the
/// like instead of being sent to the terminal.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// C0 and C1 controls, DEL, and the bidirectional overrides that can make
/// text read differently from what it is.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A table cell holding data from the hub, cleaned for the terminal.
pub fn cell(s: impl AsRef<str>) -> Cell {
    Cell::new(clean(s.as_ref()))
}

/// A table row of data from the hub, each cell cleaned.
pub fn row<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Vec<Cell> {
    cells.into_iter().map(cell).collect()
}

/// Writes to stdout now; an error means the reader went away (`| head`),
/// which ends a command quietly.
pub fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
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
        Some(_) => format!("{} ago", hub_proto::short_age(secs)),
    }
}

/// "61.0 GB / 250.0 GB (24%)".
pub fn usage(used: u64, total: u64) -> String {
    let gb = |b: u64| b as f64 / 1e9;
    let pct = hub_proto::rules::percent(used as f64, total as f64).unwrap_or(0.0);
    format!(
        "{:.1} GB / {:.1} GB ({}%)",
        gb(used),
        gb(total),
        pct.floor()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(clean("felhom-01"), "felhom-01");
        assert_eq!(clean("evil\u{1b}[2Jhost"), "evil\\u{1b}[2Jhost");
        assert_eq!(clean("bell\u{7}"), "bell\\u{7}");
        assert_eq!(clean("rtl\u{202e}txt"), "rtl\\u{202e}txt");
        assert_eq!(clean("Kovács család ↑"), "Kovács család ↑");
    }
}
