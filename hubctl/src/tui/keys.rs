//! What each key does on each screen: moving, filtering, sorting, the
//! popups, and the operator actions (keys, questions and the rule of
//! when each applies from the shared action table).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hub_proto::CustomerSummary;
use hub_proto::HistoryPeriod;
use hub_proto::actions::OperatorAction;

use super::app::{Act, App, Detail, Effect, Level, Popup, Screen};

impl App {
    pub(super) fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return vec![Effect::Quit];
        }
        if let Some(p) = self.popup.clone() {
            return self.popup_key(p, k);
        }
        if self.editing_filter {
            return self.filter_key(k);
        }
        let page = self.page() as i32;
        match k.code {
            KeyCode::Char('?') => {
                self.popup = Some(Popup::Help);
                return Vec::new();
            }
            KeyCode::Char('j') | KeyCode::Down => self.scroll(1),
            KeyCode::Char('k') | KeyCode::Up => self.scroll(-1),
            KeyCode::PageDown => self.scroll(page),
            KeyCode::PageUp => self.scroll(-page),
            KeyCode::Char('g') | KeyCode::Home => self.scroll(-1_000_000),
            KeyCode::Char('G') | KeyCode::End => self.scroll(1_000_000),
            _ => {}
        }
        match self.screen {
            Screen::Fleet => self.fleet_key(k),
            Screen::Detail => self.detail_key(k),
            Screen::Events => self.events_key(k),
            Screen::Diff => self.diff_key(k),
            Screen::Incidents => self.incidents_key(k),
        }
    }

    fn filter_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let text = match self.screen {
            Screen::Events => &mut self.events_filter,
            _ => &mut self.filter,
        };
        match k.code {
            KeyCode::Enter => self.editing_filter = false,
            KeyCode::Esc => {
                text.clear();
                self.editing_filter = false;
            }
            KeyCode::Backspace => {
                text.pop();
            }
            // Ctrl-U: the line editor's "clear what I typed".
            KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
            KeyCode::Char(c) if !c.is_control() => text.push(c),
            _ => {}
        }
        if self.screen == Screen::Fleet {
            self.rebuild_index();
            self.selected = self.selected.min(self.index.len().saturating_sub(1));
        }
        Vec::new()
    }

    fn popup_key(&mut self, popup: Popup, k: KeyEvent) -> Vec<Effect> {
        match popup {
            Popup::Maintenance(form) => self.maintenance_popup_key(form, k),
            Popup::Help => {
                if matches!(
                    k.code,
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
                ) {
                    self.popup = None;
                }
                Vec::new()
            }
            Popup::Event(e) => match k.code {
                KeyCode::Enter => {
                    self.popup = None;
                    self.events_customer = None;
                    self.open_detail(e.customer_id)
                }
                KeyCode::Esc | KeyCode::Char('q') => {
                    self.popup = None;
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Popup::Confirm(action) => match k.code {
                KeyCode::Char('y') => {
                    self.popup = None;
                    self.say(
                        format!("{}…", action.question().trim_end_matches('?')),
                        Level::Info,
                    );
                    vec![Effect::Act(action)]
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.popup = None;
                    self.say("cancelled".into(), Level::Info);
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Popup::Version {
                customer,
                mut input,
            } => {
                match k.code {
                    KeyCode::Esc => {
                        self.popup = None;
                        return Vec::new();
                    }
                    KeyCode::Enter => {
                        let v = input.trim();
                        let v = if v.is_empty() { "latest" } else { v };
                        if v != "latest" && hub_proto::parse_version(v).is_none() {
                            self.say(format!("`{v}` is neither x.y.z nor latest"), Level::Error);
                            self.popup = Some(Popup::Version { customer, input });
                            return Vec::new();
                        }
                        let act = Act {
                            action: OperatorAction::Update,
                            customer,
                            version: Some(v.to_owned()),
                        };
                        self.popup = Some(Popup::Confirm(act));
                        return Vec::new();
                    }
                    KeyCode::Backspace => {
                        input.pop();
                    }
                    KeyCode::Char(c) if c.is_ascii_alphanumeric() || c == '.' => input.push(c),
                    _ => {}
                }
                self.popup = Some(Popup::Version { customer, input });
                Vec::new()
            }
        }
    }

    /// The summary of the customer actions act on.
    pub(super) fn target_summary(&self) -> Option<&CustomerSummary> {
        let id = self.target()?;
        self.rows.get(&id).map(|r| &r.entry.summary)
    }

    /// The action of key `c` for `target` (`b` blocks or unblocks).
    pub(super) fn key_action(c: char, target: Option<&CustomerSummary>) -> Option<OperatorAction> {
        let action = OperatorAction::ALL
            .into_iter()
            .find(|a| a.key() == Some(c) && *a != OperatorAction::Unblock)?;
        Some(match target {
            Some(s) if action == OperatorAction::Block && s.blocked => OperatorAction::Unblock,
            _ => action,
        })
    }

    /// The action keys of the fleet and detail screens (from the shared
    /// table of operator actions). One that cannot work for the customer
    /// says why at once, before any confirmation.
    fn action_key(&mut self, k: KeyEvent) -> Option<Vec<Effect>> {
        let KeyCode::Char(c) = k.code else {
            return None;
        };
        let action = Self::key_action(c, self.target_summary())?;
        let Some(id) = self.target() else {
            return Some(Vec::new());
        };
        if let Some(why) = self.target_summary().and_then(|s| action.refusal(s)) {
            self.say(format!("{} on {id}: {why}", action.label()), Level::Error);
            return Some(Vec::new());
        }
        if action == OperatorAction::Diff {
            self.diff = None;
            self.diff_scroll = 0;
            self.diff_from = self.screen;
            self.screen = Screen::Diff;
            return Some(vec![Effect::LoadDiff(id)]);
        }
        if self.read_only && !action.read_only_allowed() {
            self.say(
                "read-only token: actions are disabled (log in with a full token to act)".into(),
                Level::Error,
            );
            return Some(Vec::new());
        }
        self.popup = Some(if action == OperatorAction::Update {
            Popup::Version {
                customer: id,
                input: String::new(),
            }
        } else {
            Popup::Confirm(Act {
                action,
                customer: id,
                version: None,
            })
        });
        Some(Vec::new())
    }

    fn fleet_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let Some(e) = self.action_key(k) {
            return e;
        }
        match k.code {
            KeyCode::Char('q') => {
                self.quit = true;
                vec![Effect::Quit]
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.rebuild_index();
                Vec::new()
            }
            KeyCode::Char('/') => {
                self.editing_filter = true;
                Vec::new()
            }
            KeyCode::Char('s') => {
                self.sort = self.sort.next();
                self.rebuild_index();
                Vec::new()
            }
            KeyCode::Char('S') => {
                self.reverse = !self.reverse;
                self.rebuild_index();
                Vec::new()
            }
            KeyCode::Char('B') => {
                let keep = self.selected_id();
                self.show_blocked = !self.show_blocked;
                self.rebuild_index();
                self.select_id(keep.as_deref());
                Vec::new()
            }
            KeyCode::Char('e') => self.open_events(None),
            KeyCode::Char('i') => self.open_incidents(None),
            KeyCode::Char('m') => self.maintenance_key(),
            KeyCode::Enter => match self.selected_id() {
                Some(id) => self.open_detail(id),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn open_detail(&mut self, id: String) -> Vec<Effect> {
        self.screen = Screen::Detail;
        let period = HistoryPeriod::Day;
        self.detail = Some(Detail {
            customer_id: id.clone(),
            period: Some(period),
            ..Default::default()
        });
        vec![
            Effect::LoadDetail(id.clone()),
            Effect::LoadHistory(id, period),
        ]
    }

    fn detail_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let Some(e) = self.action_key(k) {
            return e;
        }
        match k.code {
            KeyCode::Esc => {
                self.screen = Screen::Fleet;
                Vec::new()
            }
            KeyCode::Char('f') => {
                if let Some(d) = self.detail.as_mut() {
                    d.min_severity = (d.min_severity + 1) % 3;
                }
                Vec::new()
            }
            KeyCode::Char('t') => {
                let Some(d) = self.detail.as_mut() else {
                    return Vec::new();
                };
                let next = match d.period {
                    Some(HistoryPeriod::Day) => HistoryPeriod::Week,
                    Some(HistoryPeriod::Week) => HistoryPeriod::Month,
                    _ => HistoryPeriod::Day,
                };
                d.period = Some(next);
                d.history = None;
                vec![Effect::LoadHistory(d.customer_id.clone(), next)]
            }
            KeyCode::Char('e') => {
                let id = self.detail.as_ref().map(|d| d.customer_id.clone());
                self.open_events(id)
            }
            KeyCode::Char('i') => {
                let id = self.detail.as_ref().map(|d| d.customer_id.clone());
                self.open_incidents(id)
            }
            KeyCode::Char('m') => self.maintenance_key(),
            _ => Vec::new(),
        }
    }

    /// The events screen: the fleet's, or one customer's when opened from
    /// its page; Esc goes back to where it was opened.
    fn open_events(&mut self, customer: Option<String>) -> Vec<Effect> {
        self.events_from = self.screen;
        self.events_customer = customer;
        self.screen = Screen::Events;
        self.events_scroll = 0;
        self.events_selected = 0;
        vec![Effect::LoadEvents]
    }

    fn events_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Esc if !self.events_filter.is_empty() => {
                self.events_filter.clear();
                Vec::new()
            }
            KeyCode::Esc => {
                self.screen = if self.events_from == Screen::Detail && self.detail.is_some() {
                    Screen::Detail
                } else {
                    Screen::Fleet
                };
                self.events_customer = None;
                Vec::new()
            }
            KeyCode::Char('/') => {
                self.editing_filter = true;
                Vec::new()
            }
            KeyCode::Char('f') => {
                self.events_min_severity = (self.events_min_severity + 1) % 3;
                self.events_selected = 0;
                self.events_scroll = 0;
                Vec::new()
            }
            KeyCode::Enter => {
                let chosen = self.shown_events().nth(self.events_selected).cloned();
                if let Some(e) = chosen {
                    self.popup = Some(Popup::Event(Box::new(e)));
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn diff_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if k.code == KeyCode::Esc {
            self.screen = self.diff_from;
        }
        Vec::new()
    }
}
