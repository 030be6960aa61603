//! The timed half of the incident rules, run by every dispatcher round
//! after the events were decided:
//!
//! - a resolution still to be said (a node's after `alerting.resolve_hold`,
//!   the fleet's "over", a disk's once a report is below the level);
//! - an opening held by a window or a mass outage whose hold ended and that
//!   is still open: one email, "still open after …";
//! - the fleet's and a flapping node's own emails, and "stable again";
//! - reminders, every `alerting.reminder_interval` up to
//!   `alerting.reminder_limit`, all due at once in one operator email.
//!
//! Each incident's decision is written with its emails in one
//! transaction, so a restart neither repeats nor skips one.

use hub_proto::EventType;
use hub_proto::alerts::{Family, active_window};
use jiff::{SignedDuration, Timestamp};

use super::incidents::{Batch, Situation};
use super::texts::{Facts, Rendered};
use super::{Decision, Dispatcher, Pending, alert_texts, reason};
use crate::clock::after;
use crate::store::{Channel, IncidentOp, IncidentRow, NodeState, StoreError};

impl Dispatcher {
    pub(super) async fn tick(&self) -> Result<(), StoreError> {
        let now = self.clock.now();
        let due = self
            .store
            .due_incidents(now, self.alerting.resolve_hold.0)
            .await?;
        let mut reminders: Vec<IncidentRow> = Vec::new();
        let mut pending = Pending::default();
        for row in &due {
            let inc = &row.inc;
            self.before(&mut pending, &inc.customer_id).await?;
            let mut b = Batch::default();
            match (inc.family, inc.resolved_at) {
                (_, Some(at)) => self.settle(row, at, &mut b).await?,
                (Family::Fleet, None) => self.fleet_open(row, &mut b),
                (Family::Flapping, None) => self.flapping_open(row, &mut b).await?,
                (family, None) => {
                    if row.inc.resolving_since.is_some() {
                        self.resolve_hold_over(row, &mut b).await?;
                    } else if inc.held.is_some() {
                        self.hold_over(row, &mut b).await?;
                    } else if family == Family::Disk && self.disk_clear(row) {
                        self.resolve_now(row, None, &mut b).await?;
                    }
                    if b.ops.is_empty() && self.reminder_due(row, now) {
                        reminders.push(row.clone());
                    }
                }
            }
            if !b.is_empty() {
                pending.push(
                    inc.customer_id.clone(),
                    b.into_decisions(None, inc.customer_id.clone()),
                );
            }
        }
        self.flush(&mut pending).await?;
        self.remind(reminders).await
    }

    /// Whether `row`'s reminder is due, and neither a window nor a mass
    /// outage nor its node being down holds it (it is sent after them).
    fn reminder_due(&self, row: &IncidentRow, now: Timestamp) -> bool {
        let inc = &row.inc;
        if inc.notified_operator_at.is_none()
            || inc.reminders_sent >= self.alerting.reminder_limit
            || inc.next_reminder_at.is_none_or(|t| t > now)
        {
            return false;
        }
        let Some(id) = inc.customer_id.as_deref() else {
            return true;
        };
        active_window(&self.live.windows(), id, now).is_none()
    }

    /// Sends every due reminder in one operator email.
    async fn remind(&self, due: Vec<IncidentRow>) -> Result<(), StoreError> {
        if due.is_empty() {
            return Ok(());
        }
        let now = self.clock.now();
        let mut told = Vec::new();
        let mut b = Batch::default();
        for row in &due {
            // Held while the node is down or many nodes are silent.
            if let Some(customer) = row.inc.customer_id.as_deref() {
                let s = self.situation(customer).await?;
                let node_down = row.inc.family != Family::Node && s.of(Family::Node).is_some();
                let fleet = row.inc.family == Family::Node && s.of(Family::Fleet).is_some();
                if node_down || fleet {
                    continue;
                }
            }
            told.push(&row.inc);
        }
        if told.is_empty() {
            return Ok(());
        }
        let r = alert_texts::reminders(&self.text_ctx(), &told, now);
        let first = told[0];
        let key = format!(
            "{}-remind-inc{}-r{}-x{}",
            self.instance,
            first.id,
            first.reminders_sent + 1,
            told.len()
        );
        self.to_operator(&mut b, "reminder", None, r, key);
        for inc in &told {
            let last = inc.reminders_sent + 1 >= self.alerting.reminder_limit;
            let next = (!last).then(|| after(now, self.alerting.reminder_interval.0));
            b.ops.push(IncidentOp::Reminded {
                id: inc.id,
                sent: inc.reminders_sent,
                next_reminder_at: next,
            });
        }
        self.store
            .record_decisions(vec![b.into_decisions(None, None)], now)
            .await
    }

    /// The operator's email, unless disabled or without an address (the
    /// other channels get it either way).
    pub(super) fn to_operator(
        &self,
        b: &mut Batch,
        event_type: &str,
        event: Option<i64>,
        r: Rendered,
        key: String,
    ) {
        if !self.config.operator_enabled {
            b.skip(Channel::Operator, event_type, event, reason::DISABLED);
            b.channels_only(event_type, event, r, key);
        } else if self.config.operator_email.trim().is_empty() {
            b.skip(Channel::Operator, event_type, event, reason::NO_ADDRESS);
            b.channels_only(event_type, event, r, key);
        } else {
            b.send(
                Channel::Operator,
                event_type,
                event,
                r,
                self.config.operator_email.clone(),
                key,
            );
        }
    }

    fn blocked(&self, customer_id: &str) -> bool {
        self.live
            .row(customer_id)
            .is_some_and(|r| r.record().blocked)
    }

    /// A resolved incident whose resolution is still to be said.
    async fn settle(
        &self,
        row: &IncidentRow,
        at: Timestamp,
        b: &mut Batch,
    ) -> Result<(), StoreError> {
        let inc = &row.inc;
        let id = inc.id;
        if inc.family == Family::Fleet {
            if inc.notified_operator_at.is_some() {
                let silent = self.silent_nodes();
                let r = alert_texts::mass_outage_over(&self.text_ctx(), inc, silent, at);
                let key = format!("{}-inc{id}-resolved-operator", self.instance);
                self.to_operator(b, "fleet_resolved", None, r, key);
            }
            // Per-node openings held by it get their grace from the end.
            b.ops.push(IncidentOp::Release {
                customer_id: None,
                tag: format!("mass_outage:{id}"),
                until: after(at, self.maintenance.end_grace.0),
            });
        } else if let Some(customer) = inc.customer_id.as_deref() {
            self.say_resolved(
                customer,
                self.blocked(customer),
                row,
                at,
                row.resolving_event,
                b,
            )
            .await?;
        }
        b.ops.push(IncidentOp::Settled { id });
        Ok(())
    }

    /// Resolves `row` now and says so on the channels its opening used.
    async fn resolve_now(
        &self,
        row: &IncidentRow,
        event: Option<i64>,
        b: &mut Batch,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        // Over since the event that began the resolve hold.
        let at = row.inc.resolving_since.unwrap_or(now);
        let told = row.inc.notified_operator_at.is_some() || row.inc.notified_customer_at.is_some();
        if told && let Some(customer) = row.inc.customer_id.as_deref() {
            self.say_resolved(customer, self.blocked(customer), row, at, event, b)
                .await?;
        }
        b.ops.push(IncidentOp::Resolve {
            id: row.inc.id,
            at,
            event,
            notified: true,
        });
        if row.inc.family == Family::Node {
            self.release_inhibited(row, now, b);
        }
        Ok(())
    }

    /// What the node's outage held is looked at again.
    fn release_inhibited(&self, row: &IncidentRow, now: Timestamp, b: &mut Batch) {
        b.ops.push(IncidentOp::Release {
            customer_id: row.inc.customer_id.clone(),
            tag: "inhibited".into(),
            until: now,
        });
    }

    /// A node incident whose resolve hold is over: recovered for good,
    /// unless its node flaps (then "stable again" says it).
    async fn resolve_hold_over(&self, row: &IncidentRow, b: &mut Batch) -> Result<(), StoreError> {
        let Some(customer) = row.inc.customer_id.as_deref() else {
            return Ok(());
        };
        let s = self.situation(customer).await?;
        if s.of(Family::Flapping).is_some() {
            return Ok(());
        }
        self.resolve_now(row, row.resolving_event, b).await
    }

    /// A held opening whose hold ended: told now if still open and nothing
    /// else holds it.
    async fn hold_over(&self, row: &IncidentRow, b: &mut Batch) -> Result<(), StoreError> {
        let Some(customer) = row.inc.customer_id.as_deref() else {
            return Ok(());
        };
        let s = self.situation(customer).await?;
        let opened_by = EventType::parse(&row.inc.opened_by).unwrap_or(EventType::NodeDown);
        let now = self.clock.now();
        if let Some(h) = self.hold(&s, opened_by, None) {
            b.ops.push(IncidentOp::Hold {
                id: row.inc.id,
                held: Some(h.tag),
                held_until: h.until,
            });
            return Ok(());
        }
        let (cause, ended) = self.hold_cause(row, &s);
        let id = row.inc.id;
        let r = alert_texts::operator_after_hold(&self.text_ctx(), &row.inc, &cause, ended, now);
        let key = |ch: Channel| format!("{}-inc{id}-open-{}", self.instance, ch.as_str());
        self.to_operator(
            b,
            opened_by.as_str(),
            row.opened_event,
            r,
            key(Channel::Operator),
        );
        if opened_by.customer_facing() {
            let occurred = row.inc.opened_at.to_string();
            let facts = Facts {
                customer_id: customer,
                event_type: opened_by.as_str(),
                severity: opened_by.usual_severity(),
                message: &row.inc.message,
                details: None,
                occurred_at: &occurred,
                dashboard_url: &self.dashboard_url,
            };
            let d = self
                .customer_decision(customer, self.blocked(customer), opened_by, false, &facts)
                .await?;
            match d {
                Decision::Skip(why) | Decision::ChannelsOnly(_, why) => {
                    b.skip(Channel::Customer, opened_by.as_str(), row.opened_event, why)
                }
                Decision::Send(r, to) => b.send(
                    Channel::Customer,
                    opened_by.as_str(),
                    row.opened_event,
                    r,
                    to,
                    key(Channel::Customer),
                ),
            }
        }
        let operator = b.sent(Channel::Operator);
        b.ops.push(IncidentOp::Notified {
            id,
            at: now,
            operator,
            customer: b.sent(Channel::Customer),
            next_reminder_at: operator.then(|| self.next_reminder(now)).flatten(),
        });
        if !operator && !b.sent(Channel::Customer) {
            // Nobody to tell: not looked at again.
            b.ops.push(IncidentOp::Hold {
                id,
                held: Some("untold".into()),
                held_until: None,
            });
        }
        Ok(())
    }

    /// What held `row` ("maintenance 'disk swap'", "the mass outage") and
    /// when it ended.
    fn hold_cause(&self, row: &IncidentRow, s: &Situation) -> (String, Timestamp) {
        let grace = SignedDuration::try_from(self.maintenance.end_grace.0).unwrap_or_default();
        let ended = row
            .held_until
            .and_then(|t| t.checked_sub(grace).ok())
            .unwrap_or(row.inc.opened_at);
        let cause = match row.inc.held.as_deref() {
            Some("maintenance") => {
                let reason = s
                    .windows
                    .iter()
                    .filter(|w| w.covers(row.inc.customer_id.as_deref().unwrap_or_default()))
                    .filter_map(|w| {
                        w.active_at(ended.checked_sub(SignedDuration::from_secs(1)).ok()?)
                            .map(|_| w)
                    })
                    .map(|w| w.reason.clone())
                    .next();
                match reason {
                    Some(r) => format!("maintenance '{r}'"),
                    None => "maintenance".into(),
                }
            }
            Some("mass_outage") => "the mass outage".into(),
            Some("flapping") => "flapping".into(),
            _ => "its node's outage".into(),
        };
        (cause, ended)
    }

    /// The first time the fleet incident is seen: the one operator email.
    fn fleet_open(&self, row: &IncidentRow, b: &mut Batch) {
        let inc = &row.inc;
        if inc.notified_operator_at.is_some() || inc.held.is_some() {
            return;
        }
        let silent = inc.detail["silent"].as_u64().unwrap_or(0);
        let total = inc.detail["total"].as_u64().unwrap_or(0);
        let since = inc.detail["since"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or(inc.opened_at);
        let grace = crate::config::GoDuration(self.maintenance.end_grace.0).to_string();
        let r = alert_texts::mass_outage(&self.text_ctx(), silent, total, since, &grace);
        let key = format!("{}-inc{}-mass-outage", self.instance, inc.id);
        self.to_operator(b, "mass_outage", None, r, key);
        self.told(row, b);
    }

    /// Records who an opening told, or that nobody could be told.
    fn told(&self, row: &IncidentRow, b: &mut Batch) {
        let now = self.clock.now();
        let operator = b.sent(Channel::Operator);
        if operator {
            b.ops.push(IncidentOp::Notified {
                id: row.inc.id,
                at: now,
                operator,
                customer: false,
                next_reminder_at: None,
            });
        } else {
            b.ops.push(IncidentOp::Hold {
                id: row.inc.id,
                held: Some("untold".into()),
                held_until: None,
            });
        }
    }

    /// A flapping node: its email once, then "stable again" once no
    /// transition happened for `alerting.flap_settle`.
    async fn flapping_open(&self, row: &IncidentRow, b: &mut Batch) -> Result<(), StoreError> {
        let inc = &row.inc;
        let Some(customer) = inc.customer_id.as_deref() else {
            return Ok(());
        };
        let cycles = inc.detail["cycles"].as_i64().unwrap_or(0);
        let window = crate::config::GoDuration(self.alerting.flap_window.0).to_string();
        if inc.notified_operator_at.is_none() && inc.held.is_none() {
            let r = alert_texts::flapping(&self.text_ctx(), inc, cycles, &window);
            let key = format!("{}-inc{}-flapping", self.instance, inc.id);
            self.to_operator(b, "node_flapping", None, r, key);
            self.told(row, b);
            return Ok(());
        }
        let now = self.clock.now();
        let state = self.store.node_state(customer.to_owned()).await?;
        let last_change = state.map(|(_, t)| t).unwrap_or(inc.opened_at);
        if after(last_change.max(inc.opened_at), self.alerting.flap_settle.0) > now {
            return Ok(());
        }
        let s = self.situation(customer).await?;
        let node = s.of(Family::Node);
        let down_now = state.is_some_and(|(st, _)| st != NodeState::Ok);
        let window = SignedDuration::try_from(self.alerting.flap_window.0).unwrap_or_default();
        let cycles = self
            .store
            .events_since(
                customer.to_owned(),
                "node_down",
                inc.opened_at.checked_sub(window).unwrap_or(Timestamp::MIN),
            )
            .await?
            .max(cycles);
        if inc.notified_operator_at.is_some() {
            let r = alert_texts::stable(&self.text_ctx(), inc, cycles, down_now, last_change);
            let key = format!("{}-inc{}-stable", self.instance, inc.id);
            self.to_operator(b, "node_stable", None, r, key);
        }
        b.ops.push(IncidentOp::Resolve {
            id: inc.id,
            at: now,
            event: None,
            notified: true,
        });
        if let Some(n) = node {
            if n.inc.resolving_since.is_some() || !down_now {
                // "Stable again" was the operator's "recovered".
                let mut customer_only = n.clone();
                customer_only.inc.notified_operator_at = None;
                self.resolve_now(&customer_only, n.resolving_event, b)
                    .await?;
            } else if n.inc.notified_operator_at.is_none() {
                // "Stable again" said it is down: its recovery will be told.
                b.ops.push(IncidentOp::Notified {
                    id: n.inc.id,
                    at: now,
                    operator: true,
                    customer: false,
                    next_reminder_at: self.next_reminder(now),
                });
            }
        }
        Ok(())
    }

    /// Whether the node's newest report, received after the disk incident
    /// opened, puts its fullest disk below `alerting.disk_clear_percent`.
    fn disk_clear(&self, row: &IncidentRow) -> bool {
        let Some(r) = row
            .inc
            .customer_id
            .as_deref()
            .and_then(|c| self.live.row(c))
        else {
            return false;
        };
        let rec = r.record();
        rec.last_received_at.is_some_and(|t| t > row.inc.opened_at)
            && rec
                .signals
                .disk_used_pct
                .is_some_and(|p| p < self.alerting.disk_clear_percent)
    }

    /// Watched nodes whose newest report is older than
    /// `alerting.stale_threshold` now, for the end of a mass outage.
    fn silent_nodes(&self) -> u64 {
        let now = self.clock.now();
        let stale = self.alerting.stale_threshold.0;
        self.live.read(|rows, _| {
            rows.filter(|r| {
                let rec = r.record();
                !rec.blocked
                    && !rec.monitoring_disabled
                    && rec
                        .last_received_at
                        .is_some_and(|t| now.duration_since(t).unsigned_abs() > stale)
            })
            .count() as u64
        })
    }
}
