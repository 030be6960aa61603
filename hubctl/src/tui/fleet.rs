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

/// A fleet column: its heading, the least width it needs, how much of the
/// spare width it takes (0: none), and its priority (1 stays longest).
struct Column {
    head: &'static str,
    min: u16,
    fill: u16,
    priority: u8,
}

/// The columns in their order on screen, the dashboard's order: what the
/// on-call operator needs first, then the rest, which drop off (lowest
/// priority first) as the terminal narrows.
fn columns(id_width: u16) -> [Column; 11] {
    let c = |head, min, fill, priority| Column {
        head,
        min,
        fill,
        priority,
    };
    [
        c("STATUS", 10, 0, 1),
        c("CUSTOMER", id_width, 0, 1),
        c("REASON", 14, 4, 2),
        c("LAST", 6, 0, 2),
        c("ERR/WRN", 7, 0, 3),
        c("NAME", 12, 3, 7),
        c("HEALTH", 6, 0, 4),
        c("VERSION", 9, 0, 5),
        c("TYPE", 7, 0, 6),
        c("DRIFT", 7, 0, 6),
        c("HOSTNAME", 12, 2, 8),
    ]
}

/// Which columns fit in `width` (a space between columns), as a mask in
/// screen order: the lowest priority goes first until the rest fit.
fn shown(cols: &[Column], width: u16) -> Vec<bool> {
    let mut on = vec![true; cols.len()];
    let need = |on: &[bool]| -> u16 {
        let (sum, n) = cols
            .iter()
            .zip(on)
            .filter(|(_, o)| **o)
            .fold((0u16, 0u16), |(s, n), (c, _)| {
                (s.saturating_add(c.min), n + 1)
            });
        sum.saturating_add(n.saturating_sub(1))
    };
    while need(&on) > width {
        let drop = cols
            .iter()
            .enumerate()
            .filter(|(i, c)| on[*i] && c.priority > 1)
            .max_by_key(|(i, c)| (c.priority, *i))
            .map(|(i, _)| i);
        match drop {
            Some(i) => on[i] = false,
            None => break,
        }
    }
    on
}

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    // Ids are never cut: the column is as wide as the longest one.
    let id_width = app
        .rows
        .keys()
        .map(|id| id.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 40) as u16;
    let cols = columns(id_width);
    let on = shown(&cols, area.width);
    let pick = |cells: Vec<Cell<'static>>| -> Vec<Cell<'static>> {
        cells
            .into_iter()
            .zip(&on)
            .filter(|(_, o)| **o)
            .map(|(c, _)| c)
            .collect()
    };
    let widths: Vec<Constraint> = cols
        .iter()
        .zip(&on)
        .filter(|(_, o)| **o)
        .map(|(c, _)| {
            if c.fill > 0 {
                Constraint::Fill(c.fill)
            } else {
                Constraint::Length(c.min)
            }
        })
        .collect();
    let header = Row::new(pick(
        cols.iter()
            .map(|c| Cell::from(c.head).style(theme.title()))
            .collect(),
    ));
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
            let mut row = Row::new(pick(vec![
                Cell::from(format!("{} {}", symbol(s.status), s.status.as_str()))
                    .style(theme.status(s.status)),
                Cell::from(clean(&s.customer_id).into_owned()),
                Cell::from(clean(r.entry.reason.as_deref().unwrap_or("")).into_owned()),
                Cell::from(short_age(r.age(now))),
                Cell::from(format!("{}/{}", r.entry.errors_24h, r.entry.warnings_24h)),
                Cell::from(clean(r.entry.display_name.as_deref().unwrap_or("")).into_owned()),
                Cell::from(s.health.map(|h| h.as_str()).unwrap_or("-")),
                Cell::from(version),
                Cell::from(if s.managed { "managed" } else { "manual" }),
                Cell::from(hub_proto::admin::DriftState::cell(r.entry.drift)),
                Cell::from(clean(s.hostname.as_deref().unwrap_or("")).into_owned()),
            ]));
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
