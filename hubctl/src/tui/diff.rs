//! The hub-vs-controller diff: the per-path table, then the unified diff.

use hub_proto::admin::DiffEntry;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::Value;

use super::app::App;
use super::theme::Theme;
use crate::output::clean;

fn show(v: &Option<Value>) -> String {
    clean(&DiffEntry::show(v)).into_owned()
}

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lines = lines(app, theme);
    f.render_widget(Paragraph::new(lines).scroll((app.diff_scroll, 0)), area);
}

/// The screen's lines (the model counts them to stop scrolling at the
/// last one).
pub fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    match &app.diff {
        None => lines.push(Line::from("Asking the controller for its live config…")),
        Some((id, Err(e))) => {
            lines.push(Line::from(Span::styled(format!("{id}: {e}"), theme.bad())));
        }
        Some((id, Ok(d))) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "{id}: {} difference(s) between the hub's config and the controller's",
                    d.differences.len()
                ),
                theme.title(),
            )));
            lines.push(Line::from(""));
            let w = d
                .differences
                .iter()
                .map(|e| e.path.len())
                .max()
                .unwrap_or(4)
                .clamp(4, 40);
            lines.push(Line::from(Span::styled(
                format!(
                    "{:<w$}  {:<15}  {:<24}  CONTROLLER",
                    "PATH", "CHANGE", "HUB"
                ),
                theme.title(),
            )));
            for e in &d.differences {
                let kind = e.change();
                let style = match kind {
                    "hub only" => theme.good(),
                    "controller only" => theme.bad(),
                    _ => theme.severity("warning"),
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("{:<w$}  ", clean(&e.path))),
                    Span::styled(format!("{kind:<15}"), style),
                    Span::raw("  "),
                    Span::styled(format!("{:<24}", show(&e.hub)), theme.good()),
                    Span::raw("  "),
                    Span::styled(show(&e.controller), theme.bad()),
                ]));
            }
            if !d.ignored_paths.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("(not compared: {})", d.ignored_paths.join(", ")),
                    theme.dim(),
                )));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "unified diff: - the hub's, + the controller's",
                theme.title(),
            )));
            for l in d.unified.lines() {
                let style = if l.starts_with('-') {
                    theme.good()
                } else if l.starts_with('+') {
                    theme.bad()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::from(Span::styled(clean(l).into_owned(), style)));
            }
        }
    }
    lines
}
