//! Bodies of the admin API (`/api/admin/v1`), shared by the server and
//! `hubctl`. Secrets appear only in [`Credentials`].

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::customer::CustomerSummary;
use crate::event::validate_email;
use crate::validate::{ValidationError, validate_customer_id};

/// Shown instead of a secret outside the credential endpoints; sent back
/// unchanged in an edit, it means "keep the stored value".
pub const REDACTED: &str = "<redacted>";

/// A managed customer's config as the operator edits it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerConfig {
    pub customer_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub contact_email: String,
    /// Infrastructure tokens (tunnel, DNS, …) by name; `NAME` lands at
    /// `NAME.token` in controller.yaml.
    #[serde(default)]
    pub tokens: BTreeMap<String, String>,
    /// Merged into the template's `monitoring` section.
    #[serde(default)]
    pub monitoring: Map<String, Value>,
    /// Deprecated: kept from the old monitoring service, not generated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legacy_monitoring_uuids: Vec<String>,
    /// Anything else, deep-merged at the root of controller.yaml.
    #[serde(default)]
    pub settings: Map<String, Value>,
}

impl CustomerConfig {
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_customer_id(&self.customer_id)?;
        if !self.contact_email.is_empty() {
            validate_email(&self.contact_email)
                .map_err(|_| ValidationError::new("contact_email", "is not an email address"))?;
        }
        let domain_ok = self
            .domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !domain_ok || self.domain.len() > 253 {
            return Err(ValidationError::new("domain", "is not a domain name"));
        }
        for name in self.tokens.keys() {
            let ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return Err(ValidationError::new(
                    "tokens",
                    format!("token name `{name}` must be lowercase letters, digits and _"),
                ));
            }
        }
        if self.display_name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "display_name",
                "must not contain control characters",
            ));
        }
        Ok(())
    }

    /// The same config with every token value, and every secret in
    /// `settings` and `monitoring` ([`crate::secrets`]), replaced by
    /// [`REDACTED`].
    pub fn redacted(&self) -> CustomerConfig {
        let mut c = self.clone();
        for v in c.tokens.values_mut().filter(|v| !v.is_empty()) {
            *v = REDACTED.to_owned();
        }
        crate::secrets::redact_map(&mut c.settings);
        crate::secrets::redact_map(&mut c.monitoring);
        c
    }

    /// The JSON pointers of the secrets in `settings` and `monitoring`,
    /// from the config's root (`/settings/smtp/password`).
    pub fn secret_pointers(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (section, map) in [
            ("settings", &self.settings),
            ("monitoring", &self.monitoring),
        ] {
            let v = Value::Object(map.clone());
            out.extend(
                crate::secrets::secret_pointers(&v)
                    .into_iter()
                    .map(|p| format!("/{section}{p}")),
            );
        }
        out
    }
}

/// The credentials the hub generated for a customer, plus its tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Credentials {
    pub customer_id: String,
    pub api_key: String,
    /// Present only in the answer that created it (a new config, an
    /// adoption, a rotation of it): the hub keeps just its digest, so it
    /// cannot show it again — rotate it to get a new one.
    #[serde(default)]
    pub retrieval_password: Option<String>,
    pub session_secret: String,
    pub tokens: BTreeMap<String, String>,
    /// The secrets kept in `settings` and `monitoring`, by JSON pointer
    /// (`/settings/smtp/password`): sealed at rest and `<redacted>`
    /// everywhere else.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, Value>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("customer_id", &self.customer_id)
            .finish_non_exhaustive()
    }
}

/// Which generated credential to rotate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    ApiKey,
    RetrievalPassword,
    SessionSecret,
}

/// Whether a managed node's live config still matches what the hub would
/// push (the drift job's verdict; see the README's "Drift").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DriftState {
    InSync,
    /// The same difference was seen on `drift.confirmations` checks.
    Drifted,
    /// The last check could not read the live config (never drift).
    Unknown,
}

impl DriftState {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftState::InSync => "in_sync",
            DriftState::Drifted => "drifted",
            DriftState::Unknown => "unknown",
        }
    }

    /// The fleet tables' cell (hubctl, the TUI, the dashboard): the
    /// verdict, or `-` for none.
    pub fn cell(d: Option<Self>) -> &'static str {
        d.map_or("-", Self::as_str)
    }

    /// What a customer's page says about it (the dashboard, the TUI and
    /// `hubctl show`); nothing while in sync.
    pub fn note(self) -> Option<&'static str> {
        match self {
            DriftState::InSync => None,
            DriftState::Drifted => Some("drift: the live config differs from the hub's"),
            DriftState::Unknown => Some("drift unknown: the live config could not be read"),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "in_sync" => Some(DriftState::InSync),
            "drifted" => Some(DriftState::Drifted),
            "unknown" => Some(DriftState::Unknown),
            _ => None,
        }
    }
}

/// One customer in the admin fleet view — the same object in the fleet
/// list and in the live stream's `row` messages, so a client replaces its
/// row with it as it is.
/// Generic over the string type, like [`CustomerSummary`], so the hub can
/// serialize rows it borrows from its live model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FleetEntry<S = String> {
    #[serde(flatten)]
    pub summary: CustomerSummary<S>,
    /// The managed config's display name (none for manual customers).
    #[serde(default)]
    pub display_name: Option<S>,
    /// Seconds since the newest report was received, when the hub answered.
    pub last_report_age_secs: Option<i64>,
    pub errors_24h: i64,
    pub warnings_24h: i64,
    /// Why the status is not a plain `ok` (see `StatusInputs::verdict`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The drift job's last verdict; `None` for manual customers and
    /// before the first check (and from hubs older than drift).
    #[serde(default)]
    pub drift: Option<DriftState>,
}

/// `GET /api/admin/v1/fleet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fleet {
    pub customers: Vec<FleetEntry>,
    pub latest_controller_version: Option<String>,
    /// The id of the last stream message this list reflects: open the
    /// stream with `Last-Event-ID: <stream_id>` to miss nothing after it.
    #[serde(default)]
    pub stream_id: u64,
}

/// `GET /api/admin/v1/customers/{id}`: everything about one customer,
/// secrets redacted.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerView {
    pub customer: crate::CustomerDetail,
    /// The managed config, tokens redacted; `None` for a manual customer.
    pub config: Option<CustomerConfig>,
    /// Newest first.
    pub recent_events: Vec<EventRecord>,
    /// Newest first.
    pub notifications: Vec<NotificationRecord>,
    /// Why the status is not a plain ok (the fleet row's reason).
    #[serde(default)]
    pub reason: Option<String>,
    /// The customer's incidents, newest first.
    #[serde(default)]
    pub incidents: Vec<crate::alerts::Incident>,
    /// Maintenance windows that cover it (its own and the fleet's), with
    /// their times as of the answer.
    #[serde(default)]
    pub maintenance: Vec<crate::alerts::MaintenanceWindow>,
    /// The drift job's verdict (the fleet row's).
    #[serde(default)]
    pub drift: Option<DriftState>,
}

/// One row of the notification log: an email sent, skipped (with the
/// reason) or failed (with the error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NotificationRecord {
    pub id: i64,
    pub created_at: Timestamp,
    /// `operator` or `customer`.
    pub channel: String,
    pub customer_id: Option<String>,
    pub event_type: String,
    pub event: Option<i64>,
    /// `sent`, `skipped` or `failed`.
    pub outcome: String,
    pub reason: String,
    pub recipient: String,
    pub subject: String,
    pub provider_id: Option<String>,
    /// Delivery attempts it took (0 for a skip).
    #[serde(default)]
    pub attempts: u32,
}

/// `POST /api/admin/v1/configs/{id}/rotate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RotateRequest {
    pub credential: CredentialKind,
}

/// An event as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventRecord {
    pub id: i64,
    pub customer_id: String,
    pub event_type: String,
    pub severity: String,
    pub message: String,
    pub details: Option<Value>,
    pub occurred_at: Timestamp,
    pub received_at: Timestamp,
    pub source: String,
}

/// A page of a list, newest first; pass `next_cursor` as `cursor` for more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<i64>,
    /// Events only: the live stream's id when the page was read. Open the
    /// stream with `Last-Event-ID: <stream_id>` and nothing stored after
    /// the page is missed (an event may come both in the page and in the
    /// stream: skip ids the page had).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_id: Option<u64>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub customer_id: Option<String>,
    pub details: Value,
    pub outcome: String,
}

/// One difference between the hub's generated config and the controller's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiffEntry {
    /// Dotted path, e.g. `backup.keep_daily`.
    pub path: String,
    /// Value in the hub's generated config (`null` when absent there).
    pub hub: Option<Value>,
    /// Value in the controller's live config (`null` when absent there).
    pub controller: Option<Value>,
}

impl DiffEntry {
    /// What kind of difference it is, in the words every front end uses
    /// (the dashboard, the TUI and `hubctl diff`).
    pub fn change(&self) -> &'static str {
        match (&self.hub, &self.controller) {
            (Some(_), None) => "hub only",
            (None, Some(_)) => "controller only",
            _ => "differs",
        }
    }

    /// A side's value as shown: JSON, or `(absent)`.
    pub fn show(v: &Option<Value>) -> String {
        v.as_ref()
            .map(Value::to_string)
            .unwrap_or_else(|| "(absent)".into())
    }
}

/// `GET /api/admin/v1/customers/{id}/diff`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diff {
    pub customer_id: String,
    pub differences: Vec<DiffEntry>,
    /// Paths left out of the comparison because they change on their own.
    pub ignored_paths: Vec<String>,
    /// A unified text diff of the two YAML documents, for people.
    pub unified: String,
}

/// `POST /api/admin/v1/customers/{id}/update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateRequest {
    /// A version like `1.9.0`, or `latest`.
    #[serde(default = "latest")]
    pub version: String,
}

fn latest() -> String {
    "latest".to_owned()
}

/// `GET /api/admin/v1/versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Versions {
    pub latest: Option<String>,
    /// Customers per reported controller version.
    pub fleet: BTreeMap<String, i64>,
    /// Whether the hub checks the registry at all (`registry.image` set):
    /// without it `latest` stays unknown for good. Absent from older hubs,
    /// which are taken to check.
    #[serde(default = "checks")]
    pub registry_check: bool,
}

fn checks() -> bool {
    true
}

/// How one background job is doing, for `/healthz`, the admin status view
/// and the heartbeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JobStatus {
    pub name: String,
    /// How often it runs, in seconds.
    pub every_secs: u64,
    pub last_started_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    pub last_failure_at: Option<Timestamp>,
    /// Why the last failed run failed (a panic included).
    pub last_error: Option<String>,
    pub runs: u64,
    pub failures: u64,
    /// It has not succeeded for more than twice its period (plus a
    /// minute): something is wrong even if nothing failed loudly.
    pub overdue: bool,
    /// Another hub on the same database held the job at this hub's last
    /// tick (its id): that hub runs it, this one stands by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_by: Option<String>,
}

/// `GET /api/admin/v1/status`: the hub itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HubStatus {
    pub version: String,
    pub started_at: Timestamp,
    pub latest_controller_version: Option<String>,
    pub jobs: Vec<JobStatus>,
    /// Outbox entries not yet decided.
    pub outbox_pending: i64,
    /// Emails waiting to be delivered, and since when the oldest waits.
    pub deliveries_pending: i64,
    pub oldest_delivery_at: Option<Timestamp>,
}

/// `GET /api/admin/v1/whoami`: who the presented admin token is, so a
/// front end can show actions disabled for a read-only token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Whoami {
    pub name: String,
    pub read_only: bool,
}

/// An admin token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenInfo {
    pub name: String,
    pub read_only: bool,
    pub created_at: Timestamp,
}

/// One message of the admin live stream (`GET /api/admin/v1/stream`):
/// Server-Sent Events whose `event:` is [`StreamMessage::kind`] and whose
/// `id:` is the message's place in the stream (send it back as
/// `Last-Event-ID` when reconnecting to get everything missed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamMessage {
    /// A fleet row changed (a report, an event, a status transition, an
    /// operator action, a config change): the whole row, as in the list.
    Row { row: FleetEntry },
    /// A customer left the fleet view.
    Removed { customer_id: String },
    /// An event was stored (from a controller or the hub).
    Event { event: EventRecord },
    /// An operator action on a customer (config, block, push, …).
    Action {
        customer_id: String,
        action: String,
        actor: String,
    },
    /// The client missed messages that are no longer kept (it reconnected
    /// too late, or read too slowly): fetch the fleet again, then go on.
    Reset { reason: String },
}

impl StreamMessage {
    pub fn kind(&self) -> &'static str {
        match self {
            StreamMessage::Row { .. } => "row",
            StreamMessage::Removed { .. } => "removed",
            StreamMessage::Event { .. } => "event",
            StreamMessage::Action { .. } => "action",
            StreamMessage::Reset { .. } => "reset",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_token_is_shown_empty_and_a_set_one_redacted() {
        let mut c = CustomerConfig {
            customer_id: "kovacs".into(),
            ..Default::default()
        };
        c.tokens.insert("tunnel".into(), String::new());
        c.tokens.insert("dns".into(), "t0ken".into());
        let r = c.redacted();
        assert_eq!(r.tokens["tunnel"], "");
        assert_eq!(r.tokens["dns"], REDACTED);
    }
}

/// One of the operator's channels beside email (`GET /channels`): never
/// its secret, and its URL as scheme and host only (a path can be a
/// credential).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelInfo {
    pub name: String,
    /// `webhook`, `ntfy` or `telegram`.
    pub kind: String,
    pub url: String,
    #[serde(default)]
    pub chat_id: String,
    /// Event types it gets; empty: what the operator email gets.
    #[serde(default)]
    pub events: Vec<String>,
    pub created_at: Timestamp,
    /// `enabled` or `disabled` (after a permanent refusal).
    pub state: String,
    #[serde(default)]
    pub disabled_reason: Option<String>,
    #[serde(default)]
    pub last_ok_at: Option<Timestamp>,
    #[serde(default)]
    pub last_error: String,
    #[serde(default)]
    pub last_error_at: Option<Timestamp>,
    /// A webhook secret or token is kept (sealed).
    #[serde(default)]
    pub has_secret: bool,
    /// Messages waiting to be sent.
    #[serde(default)]
    pub queued: i64,
}

/// `POST /channels`. `secret` signs webhooks; `token` authenticates to
/// ntfy (Bearer) or is the Telegram bot token.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChannelRequest {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub chat_id: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
}

impl std::fmt::Debug for ChannelRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelRequest")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("chat_id", &self.chat_id)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// `POST /channels/{name}/test`: whether the test message went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelTest {
    pub name: String,
    pub ok: bool,
    /// Why not, when not.
    #[serde(default)]
    pub error: Option<String>,
}

/// `GET /channels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelList {
    pub channels: Vec<ChannelInfo>,
}

/// The operator's daily digest (`GET /digest`, `POST /digest/send`): the
/// email's subject and text, and its counts for scripts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Digest {
    /// The local date it is for (`alerting.timezone`).
    pub date: String,
    pub subject: String,
    pub text: String,
    pub nodes: usize,
    pub down: usize,
    pub warn: usize,
    pub open_incidents: usize,
    pub missed_backups: usize,
    pub missed_dumps: usize,
    pub drifted: usize,
    /// `POST /digest/send`: it was queued for the operator's email.
    #[serde(default)]
    pub sent: bool,
}

/// A customer's status page link (`POST /customers/{id}/status-link`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusLink {
    pub url: String,
    pub expires_at: Timestamp,
}

/// `POST /customers/{id}/status-link`: how long the link lives (`30d`,
/// `12h`; default `status_page.ttl`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusLinkRequest {
    #[serde(default)]
    pub ttl: Option<String>,
}
