//! The fleet screen: one row per customer, only the visible ones built.

use hub_proto::short_age;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::app::App;
use super::theme::{Theme, symbol};
use crate::output::clean;

/// "9,812".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let widths = [
        Constraint::Length(10),
        Constraint::Fill(3),
        Constraint::Fill(3),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Fill(3),
        Constraint::Fill(2),
    ];
    let header = Row::new(
        [
            "STATUS", "CUSTOMER", "NAME", "HEALTH", "LAST", "VERSION", "ERR/WRN", "TYPE", "REASON",
            "HOSTNAME",
        ]
        .map(|h| Cell::from(h).style(theme.title())),
    );
    // The header takes a line; the rest are rows (the model's page is
    // the same height: it was told the terminal's size).
    let page = usize::from(area.height.saturating_sub(1)).max(1);
    let offset = app.offset;
    let now = app.now;
    let rows: Vec<Row> = app
        .index
        .iter()
        .enumerate()
        .skip(offset)
        .take(page)
        .filter_map(|(i, id)| Some((i, app.rows.get(id)?)))
        .map(|(i, r)| {
            let s = &r.entry.summary;
            let version = match (&s.controller_version, s.update_available) {
                (Some(v), true) => format!("{} ↑", clean(v)),
                (Some(v), false) => clean(v).into_owned(),
                (None, _) => "-".into(),
            };
            let mut row = Row::new(vec![
                Cell::from(format!("{} {}", symbol(s.status), s.status.as_str()))
                    .style(theme.status(s.status)),
                Cell::from(clean(&s.customer_id).into_owned()),
                Cell::from(clean(r.entry.display_name.as_deref().unwrap_or("")).into_owned()),
                Cell::from(s.health.map(|h| h.as_str()).unwrap_or("-")),
                Cell::from(short_age(r.age(now))),
                Cell::from(version),
                Cell::from(format!("{}/{}", r.entry.errors_24h, r.entry.warnings_24h)),
                Cell::from(if s.managed { "managed" } else { "manual" }),
                Cell::from(clean(r.entry.reason.as_deref().unwrap_or("")).into_owned()),
                Cell::from(clean(s.hostname.as_deref().unwrap_or("")).into_owned()),
            ]);
            if i == app.selected {
                row = row.style(theme.selected());
            } else if app.highlight.contains_key(&s.customer_id) {
                row = row.style(theme.flash());
            }
            row
        })
        .collect();
    if rows.is_empty() {
        let text = if app.filter.is_empty() {
            "No customers yet: they appear when they report or get a config."
        } else {
            "No customer matches the filter (Esc clears it)."
        };
        f.render_widget(
            Paragraph::new(vec![
                Line::from(""),
                Line::from(Span::styled(text, theme.dim())),
            ]),
            area,
        );
        return;
    }
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    f.render_widget(table, area);
}
