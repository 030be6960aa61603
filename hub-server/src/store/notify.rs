//! Outbox, notification log and the small persisted job state.

use super::db::{OptionalExtension, params};
use hub_proto::admin::NotificationRecord;
use hub_proto::{EventType, Severity};
use jiff::Timestamp;

use super::customers::lookup;
use super::{Result, Store, from_ms, ms};

/// One pending outbox entry with what the dispatcher needs to decide.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: String,
    pub customer_id: String,
    pub customer_blocked: bool,
    pub event: Option<StoredEvent>,
    pub payload: String,
}

/// An event as stored.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub event_type: EventType,
    pub severity: Severity,
    pub message: String,
    pub details: Option<String>,
    pub occurred_at: Timestamp,
}

/// Which channel a notification decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Operator,
    Customer,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Operator => "operator",
            Channel::Customer => "customer",
        }
    }
}

/// One row of `notification_log`.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub channel: Channel,
    pub event_type: String,
    pub event: Option<i64>,
    pub outcome: &'static str,
    pub reason: String,
    pub recipient: String,
    pub subject: String,
    pub provider_id: Option<String>,
}

/// An email the dispatcher decided to send, rendered.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub channel: Channel,
    pub event_type: String,
    pub event: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub idempotency_key: String,
    /// Sent as an email; `false`: for the operator's other channels only
    /// (the email is off or has no address).
    pub email: bool,
}

/// A queued email with its attempt state.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub created_at: Timestamp,
    pub channel: Channel,
    pub customer_id: String,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub idempotency_key: String,
    pub attempts: u32,
}

impl Store {
    /// The oldest pending outbox entries.
    pub async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxItem>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT o.id, o.kind, cu.customer_id, cu.blocked, o.payload, \
                    e.id, e.event_type, e.severity, e.message, e.details, e.occurred_at \
                 FROM outbox o JOIN customers cu ON cu.id = o.customer \
                 LEFT JOIN events e ON e.id = o.event ORDER BY o.id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                let event = match r.get::<_, Option<i64>>(5)? {
                    None => None,
                    Some(id) => {
                        let t: String = r.get(6)?;
                        let s: String = r.get(7)?;
                        match (EventType::parse(&t), Severity::parse(&s)) {
                            (Some(event_type), Some(severity)) => Some(StoredEvent {
                                id,
                                event_type,
                                severity,
                                message: r.get(8)?,
                                details: r.get(9)?,
                                occurred_at: from_ms(r.get(10)?),
                            }),
                            _ => None,
                        }
                    }
                };
                Ok(OutboxItem {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    customer_id: r.get(2)?,
                    customer_blocked: r.get(3)?,
                    payload: r.get(4)?,
                    event,
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// When the last email of this kind was sent or queued, for cooldowns:
    /// an email waiting out a Resend outage counts, so the operator is not
    /// woken twice for one thing once Resend is back.
    pub async fn last_sent(
        &self,
        customer_id: String,
        channel: Channel,
        event_type: String,
    ) -> Result<Option<Timestamp>> {
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            let t: Option<i64> = c
                .prepare_cached(
                    "SELECT max(t) FROM ( \
                       SELECT max(created_at) AS t FROM notification_log WHERE customer = ?1 \
                         AND channel = ?2 AND event_type = ?3 AND outcome = 'sent' \
                       UNION ALL \
                       SELECT max(created_at) FROM deliveries WHERE customer = ?1 \
                         AND channel = ?2 AND event_type = ?3) AS sent",
                )?
                .query_row(params![cust.id, channel.as_str(), event_type], |r| r.get(0))?;
            Ok(t.map(from_ms))
        })
        .await
    }

    /// Records decisions — skips logged, emails queued as deliveries,
    /// incidents changed, each outbox entry decided removed — in one
    /// transaction, in order. Removing the entry is the claim: a decision
    /// whose entry another dispatcher (on another replica) already removed
    /// is dropped whole, so every entry is decided once.
    pub async fn record_decisions(&self, all: Vec<Decisions>, now: Timestamp) -> Result<()> {
        if all.is_empty() {
            return Ok(());
        }
        self.write(move |c, changes| {
            for d in &all {
                record(c, changes, d, now)?;
            }
            Ok(())
        })
        .await
    }

    /// Takes the deliveries whose next attempt is due at `now`, oldest
    /// first, for one sender: each one's next attempt moves to `now +
    /// lease` in the same transaction, so no other dispatcher (on another
    /// replica) sends it meanwhile. The send's outcome replaces that time
    /// (a retry) or removes the delivery; a sender that dies leaves it to
    /// be sent again after the lease, with the same idempotency key.
    pub async fn lease_deliveries(
        &self,
        now: Timestamp,
        limit: usize,
        lease: std::time::Duration,
    ) -> Result<Vec<Delivery>> {
        let until = crate::clock::after(now, lease);
        self.write(move |c, _| {
            let mut stmt = c.prepare_cached(
                "SELECT d.id, d.created_at, d.channel, coalesce(cu.customer_id, ''), d.recipient, \
                    d.subject, d.text, d.html, d.idempotency_key, d.attempts \
                 FROM deliveries d LEFT JOIN customers cu ON cu.id = d.customer \
                 WHERE d.next_attempt_at <= ?1 ORDER BY d.next_attempt_at, d.id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![ms(now), limit as i64], |r| {
                let channel: String = r.get(2)?;
                Ok(Delivery {
                    id: r.get(0)?,
                    created_at: from_ms(r.get(1)?),
                    channel: if channel == "customer" {
                        Channel::Customer
                    } else {
                        Channel::Operator
                    },
                    customer_id: r.get(3)?,
                    recipient: r.get(4)?,
                    subject: r.get(5)?,
                    text: r.get(6)?,
                    html: r.get(7)?,
                    idempotency_key: r.get(8)?,
                    attempts: r.get(9)?,
                })
            })?;
            let due: Vec<Delivery> = rows.collect::<std::result::Result<_, _>>()?;
            let mut take =
                c.prepare_cached("UPDATE deliveries SET next_attempt_at = ?2 WHERE id = ?1")?;
            for d in &due {
                take.execute(params![d.id, ms(until)])?;
            }
            Ok(due)
        })
        .await
    }

    /// Logs a delivery as sent and removes it, in one transaction.
    pub async fn delivery_sent(
        &self,
        id: i64,
        provider_id: String,
        attempts: u32,
        now: Timestamp,
    ) -> Result<()> {
        self.write(move |c, _| {
            finish_delivery(c, id, "sent", "", Some(&provider_id), attempts, now)
        })
        .await
    }

    /// Logs a delivery as failed for good and removes it.
    pub async fn delivery_failed(
        &self,
        id: i64,
        reason: String,
        attempts: u32,
        now: Timestamp,
    ) -> Result<()> {
        self.write(move |c, _| finish_delivery(c, id, "failed", &reason, None, attempts, now))
            .await
    }

    /// Moves a delivery's next attempt out after a transient failure.
    pub async fn delivery_retry(
        &self,
        id: i64,
        attempts: u32,
        next: Timestamp,
        error: String,
    ) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached(
                "UPDATE deliveries SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 \
                 WHERE id = ?1",
            )?
            .execute(params![id, attempts, ms(next), error])?;
            Ok(())
        })
        .await
    }

    /// Emails queued and not yet delivered, and the oldest one's queue time.
    pub async fn pending_deliveries(&self) -> Result<(i64, Option<Timestamp>)> {
        self.read(|c| {
            let (n, oldest): (i64, Option<i64>) = c.query_row(
                "SELECT count(*), min(created_at) FROM deliveries",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok((n, oldest.map(from_ms)))
        })
        .await
    }

    /// The notification log, newest first, optionally of one customer.
    pub async fn notification_log_for(
        &self,
        customer_id: Option<String>,
        limit: usize,
    ) -> Result<Vec<NotificationRecord>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT n.id, n.created_at, n.channel, cu.customer_id, n.event_type, n.event, \
                    n.outcome, n.reason, n.recipient, n.subject, n.provider_id, n.attempts \
                 FROM notification_log n LEFT JOIN customers cu ON cu.id = n.customer \
                 WHERE (cu.customer_id = ?2 OR ?2 IS NULL) \
                 ORDER BY n.id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map(params![limit as i64, customer_id], |r| {
                Ok(NotificationRecord {
                    id: r.get(0)?,
                    created_at: from_ms(r.get(1)?),
                    channel: r.get(2)?,
                    customer_id: r.get(3)?,
                    event_type: r.get(4)?,
                    event: r.get(5)?,
                    outcome: r.get(6)?,
                    reason: r.get(7)?,
                    recipient: r.get(8)?,
                    subject: r.get(9)?,
                    provider_id: r.get(10)?,
                    attempts: r.get(11)?,
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// When the oldest outbox entry still to be processed was queued.
    pub async fn oldest_outbox(&self) -> Result<Option<Timestamp>> {
        self.read(|c| {
            let ms: Option<i64> =
                c.query_row("SELECT min(created_at) FROM outbox", [], |r| r.get(0))?;
            Ok(ms.map(super::from_ms))
        })
        .await
    }

    /// The notification log by channel and outcome (as far back as
    /// retention keeps it).
    pub async fn notification_counts(&self) -> Result<Vec<(String, String, i64)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT channel, outcome, count(*) FROM notification_log \
                 GROUP BY channel, outcome",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// Number of outbox entries still to be processed.
    pub async fn outbox_len(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?))
            .await
    }

    pub async fn get_state(&self, key: &'static str) -> Result<Option<String>> {
        self.read(move |c| state_value(c, key)).await
    }

    /// `key`'s value, set to `value` first if it has none: whoever sets it
    /// first wins, and every caller gets that value (two hubs starting on
    /// one fresh database get one instance id, not two).
    pub async fn state_or_insert(
        &self,
        key: &'static str,
        value: String,
        now: Timestamp,
    ) -> Result<String> {
        self.write(move |c, _| {
            c.prepare_cached(
                "INSERT INTO hub_state (key, value, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (key) DO NOTHING",
            )?
            .execute(params![key, value, ms(now)])?;
            state_value(c, key)?
                .ok_or_else(|| super::StoreError::Corrupt(format!("hub_state `{key}` vanished")))
        })
        .await
    }

    pub async fn set_state(&self, key: &'static str, value: String, now: Timestamp) -> Result<()> {
        self.write(move |c, _| put_state(c, key, &value, now)).await
    }
}

/// A `hub_state` value, inside the caller's transaction.
pub(super) fn state_value(c: &super::db::Connection, key: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT value FROM hub_state WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?,
    )
}

/// Sets a `hub_state` value, inside the caller's transaction.
pub(super) fn put_state(
    c: &super::db::Connection,
    key: &str,
    value: &str,
    now: Timestamp,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO hub_state (key, value, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute(params![key, value, ms(now)])?;
    Ok(())
}

/// Moves a delivery into the log with its outcome; nothing if it is gone
/// (already finished by another round).
fn finish_delivery(
    c: &super::db::Connection,
    id: i64,
    outcome: &str,
    reason: &str,
    provider_id: Option<&str>,
    attempts: u32,
    now: Timestamp,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO notification_log (created_at, channel, customer, event_type, event, outcome, \
            reason, recipient, subject, provider_id, attempts) \
         SELECT ?2, channel, customer, event_type, event, ?3, ?4, recipient, subject, ?5, ?6 \
         FROM deliveries WHERE id = ?1",
    )?
    .execute(params![id, ms(now), outcome, reason, provider_id, attempts])?;
    c.prepare_cached("DELETE FROM deliveries WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// What was decided about one outbox entry (`outbox_id`), or by the
/// dispatcher's tick about one customer or (`None`) the fleet.
#[derive(Debug, Default)]
pub struct Decisions {
    pub outbox_id: Option<i64>,
    pub customer_id: Option<String>,
    pub entries: Vec<LogEntry>,
    pub deliveries: Vec<NewDelivery>,
    pub ops: Vec<super::IncidentOp>,
}

/// Writes one entry's decisions; nothing when its outbox entry is
/// already gone (another dispatcher decided it), or when another
/// dispatcher sent one of its reminders first.
pub(super) fn record(
    c: &super::db::Connection,
    changes: &mut super::Changes,
    d: &Decisions,
    now: Timestamp,
) -> Result<()> {
    if let Some(id) = d.outbox_id {
        let claimed = c
            .prepare_cached("DELETE FROM outbox WHERE id = ?1")?
            .execute([id])?;
        if claimed == 0 {
            return Ok(());
        }
    }
    if !super::incidents::claim_reminders(c, &d.ops)? {
        return Ok(());
    }
    super::incidents::apply(c, changes, &d.ops)?;
    let cust = match &d.customer_id {
        Some(id) => lookup(c, id)?.map(|r| r.id),
        None => None,
    };
    let mut queue = c.prepare_cached(
        "INSERT INTO deliveries (created_at, channel, customer, event_type, event, \
            recipient, subject, text, html, idempotency_key, next_attempt_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1)",
    )?;
    for q in &d.deliveries {
        if q.channel == Channel::Operator {
            super::channels::fan_out(c, cust, d.customer_id.as_deref(), q, now)?;
        }
        if !q.email {
            continue;
        }
        queue.execute(params![
            ms(now),
            q.channel.as_str(),
            cust,
            q.event_type,
            q.event,
            q.recipient,
            q.subject,
            q.text,
            q.html,
            q.idempotency_key,
        ])?;
    }
    let mut ins = c.prepare_cached(
        "INSERT INTO notification_log (created_at, channel, customer, event_type, event, \
            outcome, reason, recipient, subject, provider_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for e in &d.entries {
        ins.execute(params![
            ms(now),
            e.channel.as_str(),
            cust,
            e.event_type,
            e.event,
            e.outcome,
            e.reason,
            e.recipient,
            e.subject,
            e.provider_id,
        ])?;
    }
    Ok(())
}
