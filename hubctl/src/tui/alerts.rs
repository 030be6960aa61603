//! The incidents screen (`i`, live) and the maintenance popup (`m` on a
//! customer). The words of each incident's state come from
//! `commands::alerts`, the same functions `hubctl incidents` prints.

use crossterm::event::{KeyCode, KeyEvent};
use hub_proto::alerts::Incident;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::app::{App, Effect, Level, Popup, Screen};
use super::theme::Theme;
use crate::commands::alerts::{incident_state, parse_duration, told};
use crate::output::clean;

/// The incidents screen's data.
#[derive(Debug, Default)]
pub struct Incidents {
    /// One customer's (opened from its page), else the fleet's.
    pub customer: Option<String>,
    /// Resolved ones too (`o` toggles).
    pub all: bool,
    pub list: Option<Result<Vec<Incident>, String>>,
    pub scroll: usize,
    /// Something changed since the last load: reloaded on the next tick.
    pub stale: bool,
    pub from: Option<Screen>,
}

/// The maintenance popup's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceForm {
    pub customer: String,
    pub duration: String,
    pub reason: String,
    /// 0: duration, 1: reason.
    pub field: u8,
}

impl App {
    pub(super) fn open_incidents(&mut self, customer: Option<String>) -> Vec<Effect> {
        let from = self.screen;
        self.incidents = Incidents {
            customer,
            from: Some(from),
            ..Default::default()
        };
        self.screen = Screen::Incidents;
        vec![self.load_incidents()]
    }

    pub(super) fn load_incidents(&mut self) -> Effect {
        self.incidents.stale = false;
        Effect::LoadIncidents {
            customer: self.incidents.customer.clone(),
            all: self.incidents.all,
        }
    }

    /// Stream news while the screen is shown: reload, at most once a tick.
    pub(super) fn incidents_news(&mut self) {
        if self.screen == Screen::Incidents {
            self.incidents.stale = true;
        }
    }

    pub(super) fn incidents_tick(&mut self) -> Vec<Effect> {
        if self.screen == Screen::Incidents && self.incidents.stale {
            vec![self.load_incidents()]
        } else {
            Vec::new()
        }
    }

    pub(super) fn incidents_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Esc => {
                self.screen = match self.incidents.from {
                    Some(Screen::Detail) if self.detail.is_some() => Screen::Detail,
                    _ => Screen::Fleet,
                };
                Vec::new()
            }
            KeyCode::Char('o') => {
                self.incidents.all = !self.incidents.all;
                self.incidents.scroll = 0;
                vec![self.load_incidents()]
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn incidents_scroll(&mut self, n: i32) {
        let total = match &self.incidents.list {
            Some(Ok(l)) => l.len(),
            _ => 0,
        };
        let last = total.saturating_sub(self.page());
        self.incidents.scroll =
            ((self.incidents.scroll as i64 + i64::from(n)).max(0) as usize).min(last);
    }

    /// `m`: asks for how long and why, for the customer acted on.
    pub(super) fn maintenance_key(&mut self) -> Vec<Effect> {
        let Some(id) = self.target() else {
            return Vec::new();
        };
        if self.read_only {
            self.say(
                "read-only token: a maintenance window needs a full token".into(),
                Level::Error,
            );
            return Vec::new();
        }
        self.popup = Some(Popup::Maintenance(MaintenanceForm {
            customer: id,
            duration: "1h".into(),
            reason: String::new(),
            field: 1,
        }));
        Vec::new()
    }

    pub(super) fn maintenance_popup_key(
        &mut self,
        mut form: MaintenanceForm,
        k: KeyEvent,
    ) -> Vec<Effect> {
        let text = if form.field == 0 {
            &mut form.duration
        } else {
            &mut form.reason
        };
        match k.code {
            KeyCode::Esc => {
                self.popup = None;
                self.say("cancelled".into(), Level::Info);
                return Vec::new();
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => form.field ^= 1,
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Enter => {
                let secs = match parse_duration("for", form.duration.trim()) {
                    Ok(s) => s,
                    Err(e) => {
                        self.say(e.to_string(), Level::Error);
                        self.popup = Some(Popup::Maintenance(form));
                        return Vec::new();
                    }
                };
                if form.reason.trim().is_empty() {
                    self.say("a maintenance window needs a reason".into(), Level::Error);
                    self.popup = Some(Popup::Maintenance(form));
                    return Vec::new();
                }
                self.popup = None;
                self.say(
                    format!("adding a window for {}…", form.customer),
                    Level::Info,
                );
                return vec![Effect::AddMaintenance {
                    customer: form.customer,
                    duration_s: secs,
                    reason: form.reason.trim().to_owned(),
                }];
            }
            KeyCode::Char(c) if !c.is_control() && text.chars().count() < 200 => text.push(c),
            _ => {}
        }
        self.popup = Some(Popup::Maintenance(form));
        Vec::new()
    }
}

/// The popup's lines.
pub fn form_lines<'a>(form: &MaintenanceForm, theme: &Theme) -> Vec<Line<'a>> {
    let mark = |i: u8| if form.field == i { "▏" } else { "" };
    vec![
        Line::from(format!(
            "Maintenance for {}: no opening emails while it lasts.",
            form.customer
        )),
        Line::from(""),
        Line::from(format!("for:    {}{}", form.duration, mark(0))),
        Line::from(format!("reason: {}{}", form.reason, mark(1))),
        Line::from(""),
        Line::styled("Tab: next field   Enter: add   Esc: cancel", theme.title()),
    ]
}

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let inc = &app.incidents;
    let list = match &inc.list {
        None => {
            f.render_widget(Paragraph::new("Loading incidents…"), area);
            return;
        }
        Some(Err(e)) => {
            f.render_widget(Paragraph::new(e.clone()).style(theme.bad()), area);
            return;
        }
        Some(Ok(l)) => l,
    };
    if list.is_empty() {
        let what = if inc.all {
            "No incidents"
        } else {
            "No open incidents"
        };
        f.render_widget(
            Paragraph::new(format!("{what}. (o: show resolved ones too)")).style(theme.dim()),
            area,
        );
        return;
    }
    let height = area.height.saturating_sub(1) as usize;
    // Who was told and the reminders only where there is room for them.
    let wide = area.width >= 120;
    let rows: Vec<Row> = list
        .iter()
        .skip(inc.scroll.min(list.len().saturating_sub(height)))
        .take(height)
        .map(|i| {
            let state = incident_state(i);
            let style = match state.as_str() {
                "resolved" => theme.dim(),
                "open" => theme.bad(),
                _ => theme.severity("warning"),
            };
            let mut cells = vec![
                Cell::from(i.id.to_string()),
                Cell::from(clean(i.customer_id.as_deref().unwrap_or("(fleet)")).into_owned()),
                Cell::from(i.family.as_str()),
                Cell::from(i.opened_at.strftime("%m-%d %H:%M").to_string()),
                Cell::from(state).style(style),
            ];
            if wide {
                cells.push(Cell::from(told(i)));
                cells.push(Cell::from(i.reminders_sent.to_string()));
            }
            cells.push(Cell::from(clean(&i.message).into_owned()));
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(4),
        Constraint::Length(14),
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Length(17),
    ];
    let mut header = vec!["ID", "CUSTOMER", "FAMILY", "OPENED UTC", "STATE"];
    if wide {
        widths.extend([Constraint::Length(17), Constraint::Length(8)]);
        header.extend(["TOLD", "REMINDED"]);
    }
    widths.push(Constraint::Fill(1));
    header.push("MESSAGE");
    let table = Table::new(rows, widths)
        .header(Row::new(header.into_iter().map(Cell::from)).style(theme.title()))
        .column_spacing(1);
    f.render_widget(table, area);
}
