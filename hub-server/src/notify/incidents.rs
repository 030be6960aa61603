//! The incident rules, in one place for both paths (hub-made and
//! controller-pushed events go through the same decision):
//!
//! - An event opens or resolves an incident of its customer and family
//!   ([`effect`]). An opening is notified at once, or *held* — inside a
//!   maintenance window (`maintenance`), during a mass outage
//!   (`mass_outage`), while the node is down or stale (`inhibited`), while
//!   it flaps (`flapping`) — and the hold is recorded with the incident.
//! - A resolution is said on exactly the channels the opening was said
//!   on, with the duration; never suppressed by cooldown or maintenance.
//!   A node's waits `alerting.resolve_hold`, and a node that goes down
//!   again within it sends neither the "recovered" nor a second "down".
//! - Openings skip the cooldown (a second real outage within the hour is
//!   news); events that open nothing keep it.
//!
//! The timed half (reminders, held openings whose cause ended, the end of
//! a resolve hold, the fleet and flapping notices) is in [`super::tick`].

use hub_proto::EventType;
use hub_proto::alerts::{Family, MaintenanceWindow, active_window};
use jiff::{SignedDuration, Timestamp};

use super::texts::Rendered;
use super::{Dispatcher, reason};
use crate::clock::after;
use crate::store::{
    Channel, Decisions, IncidentOp, IncidentRow, LogEntry, NewDelivery, NodeState, OutboxItem,
    StoreError, StoredEvent,
};

pub use hub_proto::alerts::{Effect, effect};

/// Held while the node itself is down or stale: its news is not news.
fn inhibitable(t: EventType) -> bool {
    use EventType::*;
    matches!(
        t,
        BackupFailed
            | ExpectedBackupMissed
            | DbdumpFailed
            | ExpectedDbdumpMissed
            | DiskSpaceLow
            | DiskSpaceCritical
            | DiskSmartWarning
            | DiskMissing
            | ContainerUnhealthy
            | ContainerRestarting
            | CertExpiring
    )
}

/// Held during a mass outage: what silence produces.
fn silence_made(t: EventType) -> bool {
    use EventType::*;
    matches!(
        t,
        NodeStale | NodeDown | ExpectedBackupMissed | ExpectedDbdumpMissed
    )
}

/// What to record after the channels decided an opening.
pub enum Then {
    /// A new incident.
    New,
    /// A held incident, told now.
    Existing(i64),
    /// A worse event of a told incident.
    Escalated,
}

/// Why an opening is not notified now.
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    /// The notification log's reason.
    pub reason: &'static str,
    /// What the incident records (`maintenance:<window>`, …).
    pub tag: String,
    /// From when the opening is looked at again; `None` while the cause
    /// lasts.
    pub until: Option<Timestamp>,
    /// The node incident that inhibits, to count what it held.
    pub source: Option<i64>,
}

/// What one customer's decisions are made against.
pub struct Situation {
    pub customer_id: String,
    pub open: Vec<IncidentRow>,
    pub node: Option<(NodeState, Timestamp)>,
    pub windows: std::sync::Arc<Vec<MaintenanceWindow>>,
}

impl Situation {
    pub fn of(&self, family: Family) -> Option<&IncidentRow> {
        self.open.iter().find(|i| {
            i.inc.family == family
                && i.inc.resolved_at.is_none()
                && (family == Family::Fleet
                    || i.inc.customer_id.as_deref() == Some(self.customer_id.as_str()))
        })
    }

    fn fleet(&self) -> Option<&IncidentRow> {
        self.open.iter().find(|i| i.inc.family == Family::Fleet)
    }
}

/// The decisions of one step, written in one transaction.
#[derive(Default)]
pub struct Batch {
    pub skipped: Vec<LogEntry>,
    pub queued: Vec<NewDelivery>,
    pub ops: Vec<IncidentOp>,
}

impl Batch {
    pub fn skip(&mut self, channel: Channel, event_type: &str, event: Option<i64>, why: &str) {
        self.skipped.push(LogEntry {
            channel,
            event_type: event_type.to_owned(),
            event,
            outcome: "skipped",
            reason: why.to_owned(),
            recipient: String::new(),
            subject: String::new(),
            provider_id: None,
        });
    }

    pub fn send(
        &mut self,
        channel: Channel,
        event_type: &str,
        event: Option<i64>,
        r: Rendered,
        to: String,
        key: String,
    ) {
        self.queued.push(NewDelivery {
            channel,
            event_type: event_type.to_owned(),
            event,
            recipient: to,
            subject: r.subject,
            text: r.text,
            html: r.html,
            idempotency_key: key,
            email: true,
        });
    }

    /// The operator's message for the other channels only: the email is
    /// off or has no address, but the webhook, ntfy and Telegram channels
    /// still get what the email would have said.
    pub fn channels_only(
        &mut self,
        event_type: &str,
        event: Option<i64>,
        r: Rendered,
        key: String,
    ) {
        self.queued.push(NewDelivery {
            channel: Channel::Operator,
            event_type: event_type.to_owned(),
            event,
            recipient: String::new(),
            subject: r.subject,
            text: r.text,
            html: String::new(),
            idempotency_key: key,
            email: false,
        });
    }

    /// The decisions to write, about `outbox_id` (if any) and
    /// `customer_id` (`None`: the fleet).
    pub fn into_decisions(self, outbox_id: Option<i64>, customer_id: Option<String>) -> Decisions {
        Decisions {
            outbox_id,
            customer_id,
            entries: self.skipped,
            deliveries: self.queued,
            ops: self.ops,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.skipped.is_empty() && self.queued.is_empty() && self.ops.is_empty()
    }

    /// Whether a send on `channel` was queued.
    pub fn sent(&self, channel: Channel) -> bool {
        self.queued.iter().any(|d| d.channel == channel && d.email)
    }
}

impl Dispatcher {
    /// The customer's open incidents, node state and the windows.
    pub(super) async fn situation(&self, customer_id: &str) -> Result<Situation, StoreError> {
        let now = self.clock.now();
        Ok(Situation {
            customer_id: customer_id.to_owned(),
            open: self
                .store
                .incidents_for(customer_id.to_owned(), now, self.maintenance.end_grace.0)
                .await?,
            node: self.store.node_state(customer_id.to_owned()).await?,
            windows: self.live.windows(),
        })
    }

    /// Why a notification about `t` (of `family`, if it opens one) would be
    /// held now; `last_received` is when the node's silence began, for
    /// node events.
    pub(super) fn hold(
        &self,
        s: &Situation,
        t: EventType,
        last_received: Option<Timestamp>,
    ) -> Option<Hold> {
        let now = self.clock.now();
        let grace = self.maintenance.end_grace.0;
        if let Some((w, end)) = active_window(&s.windows, &s.customer_id, now) {
            return Some(Hold {
                reason: reason::MAINTENANCE,
                tag: format!("maintenance:{}", w.id),
                until: Some(after(end, grace)),
                source: None,
            });
        }
        if silence_made(t)
            && let Some(f) = s.fleet()
        {
            match f.inc.resolved_at {
                None => {
                    return Some(Hold {
                        reason: reason::MASS_OUTAGE,
                        tag: format!("mass_outage:{}", f.inc.id),
                        until: None,
                        source: None,
                    });
                }
                // A node silent since before the end gets a grace after it.
                Some(end) if last_received.is_none_or(|r| r <= end) && after(end, grace) > now => {
                    return Some(Hold {
                        reason: reason::MASS_OUTAGE,
                        tag: format!("mass_outage:{}", f.inc.id),
                        until: Some(after(end, grace)),
                        source: None,
                    });
                }
                Some(_) => {}
            }
        }
        if matches!(t, EventType::NodeStale | EventType::NodeDown)
            && let Some(f) = s.of(Family::Flapping)
        {
            return Some(Hold {
                reason: reason::FLAPPING,
                tag: format!("flapping:{}", f.inc.id),
                until: None,
                source: None,
            });
        }
        if t == EventType::NodeStale && s.of(Family::Node).is_some() {
            // Silent again while its recovery waits out the hold.
            return Some(Hold {
                reason: reason::RESOLVE_HOLD,
                tag: "resolve_hold".into(),
                until: None,
                source: None,
            });
        }
        if inhibitable(t) {
            let node = s.of(Family::Node);
            let silent = s.node.is_some_and(|(st, _)| st != NodeState::Ok);
            if node.is_some() || silent {
                return Some(Hold {
                    reason: reason::INHIBITED,
                    tag: "inhibited".into(),
                    until: None,
                    source: node.map(|n| n.inc.id),
                });
            }
        }
        None
    }

    /// Decides an event that opens `family`: skipped (and recorded), or
    /// what to record once the channels decided ([`Dispatcher::opened`]).
    pub(super) async fn open(
        &self,
        item: &OutboxItem,
        ev: &StoredEvent,
        family: Family,
        s: &Situation,
        b: &mut Batch,
    ) -> Result<Option<Then>, StoreError> {
        let now = self.clock.now();
        let t = ev.event_type.as_str();
        let skip_both = |b: &mut Batch, why: &str| {
            b.skip(Channel::Operator, t, Some(ev.id), why);
            if ev.event_type.customer_facing() {
                b.skip(Channel::Customer, t, Some(ev.id), why);
            }
        };
        let silent_since = last_received(ev);
        let existing = s.of(family);
        if family == Family::Node {
            self.count_flaps(item, s, b).await?;
        }
        if let Some(inc) = existing {
            let id = inc.inc.id;
            if inc.inc.resolving_since.is_some() {
                // Down again within the resolve hold: the same outage.
                b.ops.push(IncidentOp::CancelResolving { id });
                skip_both(b, reason::RESOLVE_HOLD);
                return Ok(None);
            }
            let notified =
                inc.inc.notified_operator_at.is_some() || inc.inc.notified_customer_at.is_some();
            if notified {
                if inc.inc.opened_by != t && t == EventType::DiskSpaceCritical.as_str() {
                    // Worse news within the same incident is news.
                    b.ops.push(IncidentOp::Escalate {
                        id,
                        opened_by: t.to_owned(),
                        message: ev.message.clone(),
                    });
                    return Ok(Some(Then::Escalated));
                }
                skip_both(b, reason::OPEN_INCIDENT);
                return Ok(None);
            }
            // Held so far: told now if its cause is gone.
            if let Some(h) = self.hold(s, ev.event_type, silent_since) {
                if let Some(src) = h.source {
                    b.ops.push(IncidentOp::Inhibited {
                        id: src,
                        event_type: t.to_owned(),
                    });
                }
                skip_both(b, h.reason);
                return Ok(None);
            }
            return Ok(Some(Then::Existing(id)));
        }
        let hold = if family == Family::Node && self.flapping_now(s, b) {
            Some(Hold {
                reason: reason::FLAPPING,
                tag: "flapping".into(),
                until: None,
                source: None,
            })
        } else {
            self.hold(s, ev.event_type, silent_since)
        };
        let Some(h) = hold else {
            return Ok(Some(Then::New));
        };
        if let Some(src) = h.source {
            b.ops.push(IncidentOp::Inhibited {
                id: src,
                event_type: t.to_owned(),
            });
        }
        skip_both(b, h.reason);
        b.ops.push(self.open_op(item, ev, family, Some(h), b, now));
        Ok(None)
    }

    /// Records what the channels did with an opening `open` let through.
    pub(super) fn opened(
        &self,
        then: Then,
        item: &OutboxItem,
        ev: &StoredEvent,
        family: Family,
        b: &mut Batch,
    ) {
        let now = self.clock.now();
        match then {
            Then::New => b.ops.push(self.open_op(item, ev, family, None, b, now)),
            Then::Existing(id) => b.ops.push(self.notified_op(id, b)),
            Then::Escalated => {}
        }
    }

    fn open_op(
        &self,
        item: &OutboxItem,
        ev: &StoredEvent,
        family: Family,
        hold: Option<Hold>,
        b: &Batch,
        now: Timestamp,
    ) -> IncidentOp {
        let operator = b.sent(Channel::Operator);
        IncidentOp::Open {
            customer_id: Some(item.customer_id.clone()),
            family,
            at: now,
            event: Some(ev.id),
            opened_by: ev.event_type.as_str().to_owned(),
            message: ev.message.clone(),
            held: hold.as_ref().map(|h| h.tag.clone()),
            held_until: hold.and_then(|h| h.until),
            notified_operator: operator,
            notified_customer: b.sent(Channel::Customer),
            next_reminder_at: operator.then(|| self.next_reminder(now)).flatten(),
            detail: serde_json::json!({}),
        }
    }

    /// The op that records an opening notified by the sends in `b`.
    fn notified_op(&self, id: i64, b: &Batch) -> IncidentOp {
        let now = self.clock.now();
        let operator = b.sent(Channel::Operator);
        IncidentOp::Notified {
            id,
            at: now,
            operator,
            customer: b.sent(Channel::Customer),
            next_reminder_at: operator.then(|| self.next_reminder(now)).flatten(),
        }
    }

    pub(super) fn next_reminder(&self, from: Timestamp) -> Option<Timestamp> {
        (self.alerting.reminder_limit > 0).then(|| after(from, self.alerting.reminder_interval.0))
    }

    /// Opens the flapping incident when this down makes one cycle too
    /// many within `alerting.flap_window`.
    async fn count_flaps(
        &self,
        item: &OutboxItem,
        s: &Situation,
        b: &mut Batch,
    ) -> Result<(), StoreError> {
        if s.of(Family::Flapping).is_some() {
            return Ok(());
        }
        let now = self.clock.now();
        let window = SignedDuration::try_from(self.alerting.flap_window.0).unwrap_or_default();
        let since = now.checked_sub(window).unwrap_or(Timestamp::MIN);
        let downs = self
            .store
            .events_since(item.customer_id.clone(), "node_down", since)
            .await?;
        if downs >= i64::from(self.alerting.flap_transitions) {
            b.ops.push(IncidentOp::Open {
                customer_id: Some(item.customer_id.clone()),
                family: Family::Flapping,
                at: now,
                event: None,
                opened_by: "node_down".into(),
                message: format!(
                    "{downs} down/up cycles within {}",
                    self.alerting.flap_window
                ),
                held: None,
                held_until: None,
                notified_operator: false,
                notified_customer: false,
                next_reminder_at: None,
                detail: serde_json::json!({"cycles": downs}),
            });
        }
        Ok(())
    }

    /// Whether a flapping incident is being opened in this batch.
    fn flapping_now(&self, _s: &Situation, b: &Batch) -> bool {
        b.ops.iter().any(|op| {
            matches!(
                op,
                IncidentOp::Open {
                    family: Family::Flapping,
                    ..
                }
            )
        })
    }

    /// Decides an event that resolves `family`.
    pub(super) async fn resolve(
        &self,
        item: &OutboxItem,
        ev: &StoredEvent,
        family: Family,
        s: &Situation,
        b: &mut Batch,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let Some(inc) = s.of(family) else {
            return Ok(());
        };
        let id = inc.inc.id;
        let notified =
            inc.inc.notified_operator_at.is_some() || inc.inc.notified_customer_at.is_some();
        if !notified {
            // Nothing was said, so nothing is to be said now.
            b.ops.push(IncidentOp::Resolve {
                id,
                at: now,
                event: Some(ev.id),
                notified: true,
            });
            return Ok(());
        }
        if family == Family::Node && !self.alerting.resolve_hold.0.is_zero() {
            b.ops.push(IncidentOp::StartResolving {
                id,
                at: now,
                event: Some(ev.id),
            });
            return Ok(());
        }
        self.say_resolved(
            &item.customer_id,
            item.customer_blocked,
            inc,
            now,
            Some(ev.id),
            b,
        )
        .await?;
        b.ops.push(IncidentOp::Resolve {
            id,
            at: now,
            event: Some(ev.id),
            notified: true,
        });
        Ok(())
    }

    /// Queues the resolution on the channels the opening went out on.
    pub(super) async fn say_resolved(
        &self,
        customer_id: &str,
        blocked: bool,
        inc: &IncidentRow,
        at: Timestamp,
        event: Option<i64>,
        b: &mut Batch,
    ) -> Result<(), StoreError> {
        let t = format!("{}_resolved", inc.inc.family.as_str());
        let key = |ch: Channel| {
            format!(
                "{}-inc{}-resolved-{}",
                self.instance,
                inc.inc.id,
                ch.as_str()
            )
        };
        let ctx = self.text_ctx();
        if inc.inc.notified_operator_at.is_some() {
            let r = super::alert_texts::operator_resolved(&ctx, &inc.inc, at);
            self.to_operator(b, &t, event, r, key(Channel::Operator));
        }
        if inc.inc.notified_customer_at.is_some() {
            let prefs = self.store.preferences(customer_id.to_owned()).await?;
            let link = self.page_link(customer_id).await?;
            let text = super::alert_texts::customer_resolved(&inc.inc, at, link.as_ref());
            match (prefs, text) {
                _ if blocked => b.skip(Channel::Customer, &t, event, reason::BLOCKED),
                (Some(p), Some(r)) => b.send(
                    Channel::Customer,
                    &t,
                    event,
                    r,
                    p.email,
                    key(Channel::Customer),
                ),
                _ => b.skip(Channel::Customer, &t, event, reason::NO_ADDRESS),
            }
        }
        Ok(())
    }

    pub(super) fn text_ctx(&self) -> super::alert_texts::Ctx<'_> {
        super::alert_texts::Ctx {
            dashboard_url: &self.dashboard_url,
            tz: &self.tz,
        }
    }
}

/// When the node's silence began, from a node event's details.
fn last_received(ev: &StoredEvent) -> Option<Timestamp> {
    let v: serde_json::Value = serde_json::from_str(ev.details.as_deref()?).ok()?;
    v["last_received_at"].as_str()?.parse().ok()
}
