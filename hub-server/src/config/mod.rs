//! `hub.yaml`: one typed struct, layered defaults → file → `HUB_<SECTION>_<KEY>`
//! environment overrides, validated once at start-up so a typo fails then,
//! naming the key. Loading never writes anything.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

mod alerting;
mod layers;
mod values;
mod watch;

pub use crate::secrets::SecretsConfig;
pub use alerting::{AlertingConfig, MaintenanceConfig};
use layers::{apply_env, merge_file};
pub use values::{Cidr, GoDuration, Secret, TimeOfDay, is_loopback_host, is_loopback_url};
pub use watch::{ChannelsConfig, DigestConfig, DriftConfig, MAX_LINK_TTL, StatusPageConfig};

/// Start-up configuration errors; each names the key or file at fault.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid YAML: {message}")]
    Yaml { path: PathBuf, message: String },
    #[error("unknown key `{key}` in {origin}")]
    UnknownKey { key: String, origin: String },
    #[error("`{key}`: {message}")]
    Invalid { key: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// bcrypt hash of the dashboard password; empty disables the login.
    pub password_hash: Secret,
    /// A dashboard session ends after this long unused.
    pub session_idle: GoDuration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            password_hash: Secret::default(),
            session_idle: GoDuration::secs(30 * 60),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// The global report key; empty means "generate one in the data dir".
    pub report_api_key: Secret,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationsConfig {
    pub resend_api_key: Secret,
    pub resend_base_url: String,
    pub from_email: String,
    pub operator_email: String,
    pub operator_enabled: bool,
    pub operator_cooldown: GoDuration,
    pub customer_cooldown_default: GoDuration,
    /// How long an email keeps being retried through a Resend outage
    /// before it is logged as failed.
    pub retry_window: GoDuration,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            resend_api_key: Secret::default(),
            resend_base_url: "https://api.resend.com".into(),
            from_email: "monitoring@felhom.eu".into(),
            operator_email: String::new(),
            operator_enabled: true,
            operator_cooldown: GoDuration::secs(3600),
            customer_cooldown_default: GoDuration::secs(6 * 3600),
            retry_window: GoDuration::secs(24 * 3600),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    pub max_days: u32,
    pub prune_schedule: TimeOfDay,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            max_days: 90,
            prune_schedule: TimeOfDay {
                hour: 4,
                minute: 30,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistryConfig {
    /// `host/repository` of the controller image; empty turns the registry
    /// check off.
    pub image: String,
    pub username: String,
    pub token: Secret,
    pub check_interval: GoDuration,
    pub template_url: String,
    pub template_interval: GoDuration,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            // Empty: no registry check, so the built-in defaults contact no
            // outside host. deploy/k8s/hub.yaml names the real image.
            image: String::new(),
            username: String::new(),
            token: Secret::default(),
            check_interval: GoDuration::secs(30 * 60),
            template_url: String::new(),
            template_interval: GoDuration::secs(3600),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// `host:port`, or `:port` for every interface.
    pub listen: String,
    pub data_dir: PathBuf,
    /// Where controllers reach the hub (`hub.url` of controller.yaml).
    pub public_url: String,
    /// Where the operator opens the dashboard, when it is not on the
    /// public host (the cluster serves it on an internal ingress): the
    /// links in the operator's emails and the dashboard cookie's `Secure`.
    /// Empty: `public_url`.
    pub dashboard_url: String,
    pub max_body_bytes: usize,
    /// Connections served at once; beyond it the hub stops accepting (and
    /// says so in the log) until one closes.
    pub max_connections: usize,
    /// Proxies (the ingress) whose `X-Forwarded-For` names the real client,
    /// for the per-address retrieval limit. Empty: the peer address counts.
    pub trusted_proxies: Vec<Cidr>,
    /// `full`: every group commit is fsynced before its requests get their
    /// 2xx, so an acknowledged report survives a power cut. `normal`: it
    /// survives a crash of the hub, not of the machine.
    pub synchronous: String,
    /// Litestream replicates the database (a sidecar): the hub leaves WAL
    /// checkpoints to it.
    pub litestream: bool,
    /// How often an idle live stream sends a keep-alive (proxies keep it
    /// open, and the dashboard declares the connection lost after missing
    /// two and a half of them).
    pub stream_keepalive: GoDuration,
}

impl ServerConfig {
    /// `dashboard_url`, or `public_url` when it is not set.
    pub fn dashboard_url(&self) -> &str {
        if self.dashboard_url.is_empty() {
            &self.public_url
        } else {
            &self.dashboard_url
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./hub-data"),
            public_url: "http://127.0.0.1:8080".into(),
            dashboard_url: String::new(),
            max_body_bytes: 1024 * 1024,
            max_connections: 512,
            trusted_proxies: Vec::new(),
            synchronous: "full".into(),
            litestream: false,
            stream_keepalive: GoDuration::secs(15),
        }
    }
}

/// How the hub may call controllers (PROTOCOL.md "Hub → controller"). The
/// defaults are strict: https only, public addresses only, and for a
/// customer with a domain only hosts under that domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ControllersConfig {
    /// Allow plain `http://` controller URLs (tests, private networks).
    pub allow_insecure: bool,
    /// Address ranges a controller may resolve to although they are
    /// loopback, private, link-local, unique-local, reserved or an IPv4 relay.
    pub allowed_networks: Vec<Cidr>,
    /// Hosts a controller URL may name besides the customer's domain.
    pub allowed_hosts: Vec<String>,
    /// Limit of one hub → controller call.
    pub timeout: GoDuration,
    /// After an API key rotation the old key keeps working until the node
    /// first reports with the new one, or this long.
    pub key_rotation_grace: GoDuration,
}

impl Default for ControllersConfig {
    fn default() -> Self {
        Self {
            allow_insecure: false,
            allowed_networks: Vec::new(),
            allowed_hosts: Vec::new(),
            timeout: GoDuration::secs(10),
            key_rotation_grace: GoDuration::secs(7 * 86_400),
        }
    }
}

/// The whole of `hub.yaml`. Defaults suit someone trying the hub on a
/// laptop; `deploy/k8s/hub.yaml` sets the cluster values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub auth: AuthConfig,
    pub api: ApiConfig,
    pub notifications: NotificationsConfig,
    pub retention: RetentionConfig,
    pub alerting: AlertingConfig,
    pub maintenance: MaintenanceConfig,
    pub registry: RegistryConfig,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub controllers: ControllersConfig,
    pub secrets: SecretsConfig,
    pub backup: BackupConfig,
    pub channels: ChannelsConfig,
    pub drift: DriftConfig,
    pub digest: DigestConfig,
    pub status_page: StatusPageConfig,
}

/// Where the hub keeps its data. An empty `url` is SQLite in
/// `server.data_dir`, one pod; `postgres://…` is PostgreSQL, which several
/// replicas can share (README "Two modes").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// A libpq URL (`postgres://user:password@host/db?sslmode=…`); a
    /// secret, as it usually holds a password.
    pub url: Secret,
    /// Connections per replica: one writer, the rest readers.
    pub pool_size: usize,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: Secret::default(),
            pool_size: 8,
        }
    }
}

impl DatabaseConfig {
    pub fn is_postgres(&self) -> bool {
        !self.url.is_empty()
    }
}

/// The hub's own scheduled backups: a consistent copy of the database at
/// `schedule` (local time in alerting.timezone; empty: none), into `dir`
/// (empty: `<data_dir>/backups`), the newest `keep` kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    pub schedule: String,
    pub dir: String,
    pub keep: u32,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self {
            schedule: "03:30".into(),
            dir: String::new(),
            keep: 14,
        }
    }
}

impl BackupConfig {
    /// When the daily backup runs, if it does.
    pub fn time(&self) -> Option<TimeOfDay> {
        TimeOfDay::parse(&self.schedule).ok()
    }
}

impl Config {
    /// Where scheduled backups go.
    pub fn backup_dir(&self) -> PathBuf {
        if self.backup.dir.is_empty() {
            self.server.data_dir.join("backups")
        } else {
            PathBuf::from(&self.backup.dir)
        }
    }
}

/// Longest retention the date arithmetic of pruning is asked to handle.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Body limit of infra-backup pushes, larger than reports': they carry
/// base64 config files.
pub const INFRA_BACKUP_MAX_BYTES: usize = 8 * 1024 * 1024;

impl Config {
    /// Defaults, then the file (if any), then `HUB_*` variables from `env`.
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let text = match path {
            Some(path) => {
                Some(
                    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                        path: path.to_owned(),
                        source,
                    })?,
                )
            }
            None => None,
        };
        let origin = path.map(Path::to_owned).unwrap_or_default();
        Config::parse(text.as_deref(), &origin, env)
    }

    /// [`Config::load`] from the file's text (`origin` names it in errors).
    pub fn parse(
        text: Option<&str>,
        origin: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut merged =
            serde_json::to_value(Config::default()).map_err(|e| ConfigError::Invalid {
                key: "(defaults)".into(),
                message: e.to_string(),
            })?;
        let defaults = merged.clone();
        if let Some(text) = text {
            let file: Value = if text.trim().is_empty() {
                Value::Object(Map::new())
            } else {
                serde_saphyr::from_str(text).map_err(|e| ConfigError::Yaml {
                    path: origin.to_owned(),
                    message: e.to_string(),
                })?
            };
            merge_file(&mut merged, &defaults, file, &origin.display().to_string())?;
        }
        let env: BTreeMap<String, String> = env.into_iter().collect();
        for (name, value) in &env {
            apply_env(&mut merged, &defaults, name, value)?;
        }
        let config: Config =
            serde_path_to_error::deserialize(merged).map_err(|e| ConfigError::Invalid {
                key: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        config.validate()?;
        Ok(config)
    }

    /// What PostgreSQL needs and what it replaces.
    fn validate_database(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: &str| ConfigError::Invalid {
            key: key.into(),
            message: message.into(),
        };
        let db = &self.database;
        if !(2..=64).contains(&db.pool_size) {
            return Err(invalid("database.pool_size", "must be 2 to 64"));
        }
        if !db.is_postgres() {
            return Ok(());
        }
        let url = db.url.expose();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            // Never echo the value: it holds a password.
            return Err(invalid(
                "database.url",
                "must be empty (SQLite in server.data_dir) or a postgres:// URL",
            ));
        }
        if self.secrets.key.is_none() {
            return Err(invalid(
                "secrets.key",
                "must be set with database.url: every replica seals and opens the secrets \
                 with the same key (HUB_SECRETS_KEY; make one with `hub-server secrets generate-key`)",
            ));
        }
        const OWN_BACKUPS: &str = "PostgreSQL's own backups (pg_dump, or your PostgreSQL \
            operator's base backups and WAL archive) replace it";
        if self.server.litestream {
            return Err(invalid(
                "server.litestream",
                &format!("replicates SQLite only; with database.url {OWN_BACKUPS}"),
            ));
        }
        if !self.backup.dir.is_empty() {
            return Err(invalid(
                "backup.dir",
                &format!("the hub's own backups copy SQLite only; with database.url {OWN_BACKUPS}"),
            ));
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            key: key.into(),
            message,
        };
        self.listen_addr()
            .map_err(|m| invalid("server.listen", m))?;
        let a = &self.alerting;
        if a.stale_threshold >= a.down_threshold {
            return Err(invalid(
                "alerting.stale_threshold",
                format!(
                    "must be shorter than alerting.down_threshold ({} >= {})",
                    a.stale_threshold, a.down_threshold
                ),
            ));
        }
        for (key, d) in [
            ("alerting.check_interval", a.check_interval),
            ("alerting.stale_threshold", a.stale_threshold),
            ("registry.check_interval", self.registry.check_interval),
            (
                "registry.template_interval",
                self.registry.template_interval,
            ),
        ] {
            if d.0 < Duration::from_secs(1) {
                return Err(invalid(key, "must be at least 1s".into()));
            }
        }
        jiff::tz::TimeZone::get(&a.timezone)
            .map_err(|e| invalid("alerting.timezone", format!("unknown time zone: {e}")))?;
        alerting::validate(a, &self.maintenance)?;
        watch::validate(&self.channels, &self.drift, &self.digest, &self.status_page)?;
        if self.secrets.key.is_none() && self.secrets.key_old.is_some() {
            return Err(invalid(
                "secrets.key_old",
                "is only used together with secrets.key (the new key of a rotation)".into(),
            ));
        }
        self.validate_database()?;
        if !self.backup.schedule.is_empty() {
            TimeOfDay::parse(&self.backup.schedule).map_err(|m| invalid("backup.schedule", m))?;
        }
        if !(1..=365).contains(&self.backup.keep) {
            return Err(invalid("backup.keep", "must be 1 to 365".into()));
        }
        let hash = self.auth.password_hash.expose();
        if !hash.is_empty() && !is_bcrypt_hash(hash) {
            // Never echo the value: it is a secret's hash.
            return Err(invalid(
                "auth.password_hash",
                "is not a bcrypt hash ($2b$…, 60 characters); make one with `hub-server hash-password`"
                    .into(),
            ));
        }
        if !hash.is_empty() && bcrypt_cost(hash) < MIN_BCRYPT_COST {
            return Err(invalid(
                "auth.password_hash",
                format!(
                    "has a bcrypt cost below {MIN_BCRYPT_COST}: too cheap to guess against; make a new one with `hub-server hash-password`"
                ),
            ));
        }
        let idle = self.auth.session_idle.0;
        if idle < Duration::from_secs(60) || idle > Duration::from_secs(12 * 3600) {
            return Err(invalid(
                "auth.session_idle",
                "must be 1m to 12h (a session ends 12 h after login anyway)".into(),
            ));
        }
        if !(1..=MAX_RETENTION_DAYS).contains(&self.retention.max_days) {
            return Err(invalid(
                "retention.max_days",
                format!("must be 1 to {MAX_RETENTION_DAYS} (ten years)"),
            ));
        }
        if !matches!(self.server.synchronous.as_str(), "full" | "normal") {
            return Err(invalid(
                "server.synchronous",
                format!("`{}` is not full or normal", self.server.synchronous),
            ));
        }
        if !(Duration::from_secs(1)..=Duration::from_secs(300))
            .contains(&self.server.stream_keepalive.0)
        {
            return Err(invalid(
                "server.stream_keepalive",
                "must be 1s to 5m".into(),
            ));
        }
        if self.server.max_connections < 8 {
            return Err(invalid(
                "server.max_connections",
                "must be at least 8".into(),
            ));
        }
        if self.controllers.timeout.0 < Duration::from_millis(100) {
            return Err(invalid(
                "controllers.timeout",
                "must be at least 100ms".into(),
            ));
        }
        if self.server.max_body_bytes < 1024 {
            return Err(invalid(
                "server.max_body_bytes",
                "must be at least 1024".into(),
            ));
        }
        for (key, url) in [
            ("server.public_url", self.server.public_url.as_str()),
            ("server.dashboard_url", self.server.dashboard_url()),
            (
                "notifications.resend_base_url",
                self.notifications.resend_base_url.as_str(),
            ),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid(key, format!("`{url}` is not an http(s) URL")));
            }
        }
        let beat = self.alerting.heartbeat_url.expose();
        if !(beat.is_empty() || beat.starts_with("http://") || beat.starts_with("https://")) {
            return Err(invalid(
                "alerting.heartbeat_url",
                "is not an http(s) URL".into(),
            ));
        }
        if self.alerting.heartbeat_interval.0 < Duration::from_secs(10) {
            return Err(invalid(
                "alerting.heartbeat_interval",
                "must be at least 10s".into(),
            ));
        }
        let template = &self.registry.template_url;
        if !template.is_empty() {
            template_url_allowed(template).map_err(|e| invalid("registry.template_url", e))?;
        }
        Ok(())
    }

    /// `server.listen` as a socket address; `:8080` means every interface.
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        let l = self.server.listen.trim();
        let full = if l.starts_with(':') {
            format!("0.0.0.0{l}")
        } else {
            l.to_owned()
        };
        full.parse()
            .map_err(|_| format!("`{l}` is not host:port or :port"))
    }
}

/// The template flows into every config the hub pushes, so it comes only
/// over https, where no one on the way can change it; plain http only
/// from this machine (tests, a sidecar).
fn template_url_allowed(u: &str) -> Result<(), String> {
    let url = url::Url::parse(u).map_err(|_| "is not an http(s) URL".to_owned())?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback_url(u) => Ok(()),
        "http" => Err(
            "must be https:// (plain http only on loopback): the template goes into every push"
                .into(),
        ),
        _ => Err("is not an http(s) URL".into()),
    }
}

/// The least bcrypt cost a dashboard password hash may have.
pub const MIN_BCRYPT_COST: u32 = 10;

/// The cost of a checked bcrypt hash (its two digits after `$2b$`).
fn bcrypt_cost(h: &str) -> u32 {
    h.get(4..6).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// `$2a$`, `$2b$` or `$2y$`, a two-digit cost and 53 characters of salt
/// and hash: what bcrypt produces and verifies.
fn is_bcrypt_hash(h: &str) -> bool {
    let b = h.as_bytes();
    h.len() == 60
        && (h.starts_with("$2a$") || h.starts_with("$2b$") || h.starts_with("$2y$"))
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
        && b[6] == b'$'
        && b[7..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'/')
}

#[cfg(test)]
mod tests;
