//! Events, notification preferences and the outbox the notifier drains.

use super::db::{Connection, OptionalExtension, params};
use hub_proto::{EventType, Preferences, Severity};
use jiff::Timestamp;

use super::customers::ensure_customer;
use super::{Change, Changes, Result, Store, ms};
use hub_proto::admin::EventRecord;

/// A validated event, from a controller or from the hub itself.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub customer_id: String,
    pub event_type: EventType,
    pub severity: Severity,
    pub message: String,
    /// JSON object text, if any.
    pub details: Option<String>,
    pub occurred_at: Timestamp,
    pub received_at: Timestamp,
    pub from_hub: bool,
    pub event_id: Option<String>,
}

/// Outcome of storing an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInsert {
    pub id: i64,
    /// The `event_id` was seen before for this customer; `id` is the first's.
    pub duplicate: bool,
}

impl Store {
    pub async fn insert_event(&self, e: NewEvent) -> Result<EventInsert> {
        self.write(move |c, changes| insert_event(c, &e, changes))
            .await
    }

    /// Replaces a customer's email preferences.
    pub async fn set_preferences(&self, p: Preferences, now: Timestamp) -> Result<()> {
        self.write(move |c, _| {
            let cust = ensure_customer(c, &p.customer_id, now)?;
            let events: Vec<&str> = p.enabled_events.iter().map(|t| t.as_str()).collect();
            c.execute(
                "INSERT INTO customer_notifications (customer, email, enabled_events, \
                    cooldown_hours, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (customer) DO UPDATE SET email = excluded.email, \
                    enabled_events = excluded.enabled_events, \
                    cooldown_hours = excluded.cooldown_hours, updated_at = excluded.updated_at",
                params![
                    cust.id,
                    p.email,
                    serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()),
                    p.cooldown_hours,
                    ms(now),
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// A customer's stored preferences, if any.
    pub async fn preferences(&self, customer_id: String) -> Result<Option<Preferences>> {
        self.read(move |c| {
            let row: Option<(String, String, Option<u32>)> = c
                .prepare_cached(
                    "SELECT n.email, n.enabled_events, n.cooldown_hours \
                     FROM customer_notifications n JOIN customers c ON c.id = n.customer \
                     WHERE c.customer_id = ?1",
                )?
                .query_row([&customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            Ok(row.map(|(email, events, cooldown_hours)| {
                let names: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
                Preferences {
                    customer_id,
                    email,
                    enabled_events: names.iter().filter_map(|n| EventType::parse(n)).collect(),
                    cooldown_hours,
                }
            }))
        })
        .await
    }

    /// Queues one message for the notifier (the legacy relay uses it).
    pub async fn enqueue_outbox(
        &self,
        kind: &'static str,
        customer_id: String,
        payload: serde_json::Value,
        now: Timestamp,
    ) -> Result<i64> {
        self.write(move |c, _| {
            let cust = ensure_customer(c, &customer_id, now)?;
            Ok(c.query_row(
                "INSERT INTO outbox (created_at, kind, customer, payload) \
                 VALUES (?1, ?2, ?3, ?4) RETURNING id",
                params![ms(now), kind, cust.id, payload.to_string()],
                |r| r.get(0),
            )?)
        })
        .await
    }

    /// Number of stored events of one customer, for tests and views.
    pub async fn event_count(&self, customer_id: String) -> Result<i64> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT count(*) FROM events e JOIN customers c ON c.id = e.customer \
                 WHERE c.customer_id = ?1",
            )?
            .query_row([&customer_id], |r| r.get(0))?)
        })
        .await
    }
}

pub(super) fn insert_event(
    c: &Connection,
    e: &NewEvent,
    changes: &mut Changes,
) -> Result<EventInsert> {
    let cust = ensure_customer(c, &e.customer_id, e.received_at)?;
    insert_event_for(c, cust.id, e, changes)
}

/// [`insert_event`] for a caller that already holds the customer's row id
/// (the switch, recording thousands of transitions in a mass outage).
pub(super) fn insert_event_for(
    c: &Connection,
    customer: i64,
    e: &NewEvent,
    changes: &mut Changes,
) -> Result<EventInsert> {
    if let Some(event_id) = &e.event_id {
        let first: Option<i64> = c
            .prepare_cached("SELECT id FROM events WHERE customer = ?1 AND event_id = ?2")?
            .query_row(params![customer, event_id], |r| r.get(0))
            .optional()?;
        if let Some(id) = first {
            return Ok(EventInsert {
                id,
                duplicate: true,
            });
        }
    }
    let id = c
        .prepare_cached(
            "INSERT INTO events (customer, event_type, severity, message, details, occurred_at, \
            received_at, source, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         RETURNING id",
        )?
        .query_row(
            params![
                customer,
                e.event_type.as_str(),
                e.severity.as_str(),
                e.message,
                e.details,
                ms(e.occurred_at),
                ms(e.received_at),
                if e.from_hub { "hub" } else { "controller" },
                e.event_id,
            ],
            |r| r.get::<_, i64>(0),
        )?;
    changes.push(Change::Event(EventRecord {
        id,
        customer_id: e.customer_id.clone(),
        event_type: e.event_type.as_str().to_owned(),
        severity: e.severity.as_str().to_owned(),
        message: e.message.clone(),
        details: e
            .details
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok()),
        occurred_at: e.occurred_at,
        received_at: e.received_at,
        source: if e.from_hub { "hub" } else { "controller" }.to_owned(),
    }));
    // Every stored event goes through the dispatcher; queued in the same
    // transaction so a 2xx always has its notification decision pending.
    c.prepare_cached(
        "INSERT INTO outbox (created_at, kind, customer, event, payload) \
         VALUES (?1, 'event', ?2, ?3, '{}')",
    )?
    .execute(params![ms(e.received_at), customer, id])?;
    Ok(EventInsert {
        id,
        duplicate: false,
    })
}

impl Store {
    /// A customer's newest events first (hub and controller alike).
    pub async fn recent_events(
        &self,
        customer_id: String,
        limit: usize,
    ) -> Result<Vec<super::StoredEvent>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.id, e.event_type, e.severity, e.message, e.details, e.occurred_at \
                 FROM events e JOIN customers cu ON cu.id = e.customer \
                 WHERE cu.customer_id = ?1 ORDER BY e.id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![customer_id, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, t, s, message, details, occurred) = row?;
                if let (Some(event_type), Some(severity)) =
                    (EventType::parse(&t), Severity::parse(&s))
                {
                    out.push(super::StoredEvent {
                        id,
                        event_type,
                        severity,
                        message,
                        details,
                        occurred_at: super::from_ms(occurred),
                    });
                }
            }
            Ok(out)
        })
        .await
    }
}
