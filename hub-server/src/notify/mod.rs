//! The notification pipeline: every stored event (from a controller or the
//! hub) and every legacy relay lands in the persisted outbox in the same
//! transaction as the data; one dispatcher task drains it in order, decides
//! per channel, sends through Resend and records every decision in
//! `notification_log`. Ingest never waits for email, and a restart resumes
//! whatever was pending (retried sends reuse their idempotency key).

pub mod resend;
pub mod texts;

use std::sync::Arc;
use std::time::Duration;

use hub_proto::{EventType, LegacyNotify, Severity};
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::config::NotificationsConfig;
use crate::store::{Channel, LogEntry, OutboxItem, Store, StoreError};
use resend::{Email, Mailer};
use texts::Facts;

/// How many outbox entries are read at a time.
const BATCH: usize = 32;

/// Why a channel did not send.
pub mod reason {
    pub const COOLDOWN: &str = "cooldown";
    pub const DISABLED: &str = "disabled";
    pub const BLOCKED: &str = "blocked";
    pub const NO_ADDRESS: &str = "no_address";
    pub const NOT_APPLICABLE: &str = "not_applicable";
}

pub struct Dispatcher {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: NotificationsConfig,
    pub public_url: String,
    pub mailer: Mailer,
    /// Distinguishes this hub's idempotency keys from another hub's on the
    /// same Resend account.
    pub instance: String,
    pub wake: Arc<Notify>,
}

/// A channel's verdict on one outbox entry.
enum Decision {
    Skip(&'static str),
    Send(texts::Rendered, String),
}

impl Dispatcher {
    /// Drains the outbox whenever woken (or every few seconds) until shutdown.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                r = self.drain() => match r {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(processed = n, "notify: outbox drained"),
                    Err(e) => tracing::warn!(error = %e, "notify: outbox drain failed; will retry"),
                },
                _ = shutdown.changed() => return,
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Processes every pending entry in order; returns how many.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let items = self.store.pending_outbox(BATCH).await?;
            if items.is_empty() {
                return Ok(total);
            }
            for item in items {
                self.process(item).await?;
                total += 1;
            }
        }
    }

    async fn process(&self, item: OutboxItem) -> Result<(), StoreError> {
        let mut entries = Vec::new();
        match (item.kind.as_str(), &item.event) {
            ("event", Some(ev)) => {
                let occurred = ev.occurred_at.to_string();
                let type_name = ev.event_type.as_str();
                let facts = Facts {
                    customer_id: &item.customer_id,
                    event_type: type_name,
                    severity: ev.severity,
                    message: &ev.message,
                    details: ev.details.as_deref(),
                    occurred_at: &occurred,
                    public_url: &self.public_url,
                };
                if ev.severity >= Severity::Warning {
                    let d = self
                        .operator_decision(&item, type_name, true, || texts::operator(&facts, None))
                        .await?;
                    entries.push(
                        self.deliver(&item, Channel::Operator, type_name, Some(ev.id), d)
                            .await,
                    );
                }
                if ev.event_type.customer_facing() {
                    let d = self
                        .customer_decision(&item, ev.event_type, ev.details.as_deref(), &facts)
                        .await?;
                    entries.push(
                        self.deliver(&item, Channel::Customer, type_name, Some(ev.id), d)
                            .await,
                    );
                }
            }
            ("legacy_notify", _) => match serde_json::from_str::<LegacyNotify>(&item.payload) {
                Ok(n) => {
                    let now = self.clock.now().to_string();
                    let facts = Facts {
                        customer_id: &item.customer_id,
                        event_type: "legacy_notify",
                        severity: n.severity,
                        message: &n.message,
                        details: None,
                        occurred_at: &now,
                        public_url: &self.public_url,
                    };
                    let d = self
                        .operator_decision(&item, "legacy_notify", false, || {
                            texts::operator(&facts, Some(&n.subject))
                        })
                        .await?;
                    entries.push(
                        self.deliver(&item, Channel::Operator, "legacy_notify", None, d)
                            .await,
                    );
                }
                Err(e) => {
                    tracing::warn!(outbox = item.id, error = %e, "notify: unreadable legacy relay dropped")
                }
            },
            // The event was pruned before it could be dispatched.
            _ => {}
        }
        self.store
            .finish_outbox(item.id, item.customer_id.clone(), entries, self.clock.now())
            .await
    }

    async fn operator_decision(
        &self,
        item: &OutboxItem,
        event_type: &str,
        cooldown: bool,
        render: impl FnOnce() -> texts::Rendered,
    ) -> Result<Decision, StoreError> {
        if !self.config.operator_enabled {
            return Ok(Decision::Skip(reason::DISABLED));
        }
        if item.customer_blocked {
            return Ok(Decision::Skip(reason::BLOCKED));
        }
        if self.config.operator_email.trim().is_empty() {
            return Ok(Decision::Skip(reason::NO_ADDRESS));
        }
        if cooldown
            && self
                .in_cooldown(
                    item,
                    Channel::Operator,
                    event_type,
                    self.config.operator_cooldown.0,
                )
                .await?
        {
            return Ok(Decision::Skip(reason::COOLDOWN));
        }
        Ok(Decision::Send(render(), self.config.operator_email.clone()))
    }

    async fn customer_decision(
        &self,
        item: &OutboxItem,
        event_type: EventType,
        details: Option<&str>,
        facts: &Facts<'_>,
    ) -> Result<Decision, StoreError> {
        if event_type == EventType::NodeRecovered && !recovered_from_down(details) {
            // The customer only hears "back" if they could have heard "down".
            return Ok(Decision::Skip(reason::NOT_APPLICABLE));
        }
        if item.customer_blocked {
            return Ok(Decision::Skip(reason::BLOCKED));
        }
        let Some(prefs) = self.store.preferences(item.customer_id.clone()).await? else {
            return Ok(Decision::Skip(reason::NO_ADDRESS));
        };
        if !prefs.enabled_events.contains(&event_type) {
            return Ok(Decision::Skip(reason::DISABLED));
        }
        let cooldown = prefs
            .cooldown_hours
            .map(|h| Duration::from_secs(u64::from(h) * 3600))
            .unwrap_or(self.config.customer_cooldown_default.0);
        if self
            .in_cooldown(item, Channel::Customer, event_type.as_str(), cooldown)
            .await?
        {
            return Ok(Decision::Skip(reason::COOLDOWN));
        }
        match texts::customer(facts) {
            Some(r) => Ok(Decision::Send(r, prefs.email)),
            None => Ok(Decision::Skip(reason::NOT_APPLICABLE)),
        }
    }

    async fn in_cooldown(
        &self,
        item: &OutboxItem,
        channel: Channel,
        event_type: &str,
        cooldown: Duration,
    ) -> Result<bool, StoreError> {
        let last = self
            .store
            .last_sent(item.customer_id.clone(), channel, event_type.to_owned())
            .await?;
        Ok(last.is_some_and(|t| {
            let age = self.clock.now().duration_since(t);
            age.is_negative() || age.unsigned_abs() < cooldown
        }))
    }

    async fn deliver(
        &self,
        item: &OutboxItem,
        channel: Channel,
        event_type: &str,
        event: Option<i64>,
        decision: Decision,
    ) -> LogEntry {
        let mut entry = LogEntry {
            channel,
            event_type: event_type.to_owned(),
            event,
            outcome: "skipped",
            reason: String::new(),
            recipient: String::new(),
            subject: String::new(),
            provider_id: None,
        };
        match decision {
            Decision::Skip(why) => entry.reason = why.to_owned(),
            Decision::Send(r, to) => {
                let email = Email {
                    idempotency_key: format!("{}-{}-{}", self.instance, item.id, channel.as_str()),
                    to: to.clone(),
                    subject: r.subject.clone(),
                    text: r.text,
                    html: r.html,
                };
                entry.recipient = to;
                entry.subject = r.subject;
                match self.mailer.send(&email).await {
                    Ok(id) => {
                        entry.outcome = "sent";
                        entry.provider_id = Some(id);
                    }
                    Err(e) => {
                        tracing::warn!(customer = %item.customer_id, channel = channel.as_str(), error = %e, "notify: email failed");
                        entry.outcome = "failed";
                        entry.reason = e.to_string();
                    }
                }
            }
        }
        entry
    }
}

fn recovered_from_down(details: Option<&str>) -> bool {
    details
        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .is_some_and(|v| v["previous"] == "down")
}
