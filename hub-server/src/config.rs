//! `hub.yaml`: one typed struct, layered defaults → file → `HUB_<SECTION>_<KEY>`
//! environment overrides, validated once at start-up so a typo fails then,
//! naming the key. Loading never writes anything.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use thiserror::Error;

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

/// A secret string: serialized as is, never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "<redacted>"
        })
    }
}

/// A Go-style duration (`90s`, `30m`, `1h30m`, `7d`, `500ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoDuration(pub Duration);

impl GoDuration {
    const fn secs(s: u64) -> Self {
        GoDuration(Duration::from_secs(s))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty duration".into());
        }
        let mut total = Duration::ZERO;
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return Err(format!("`{s}` is not a duration like 90s, 30m, 1h or 7d"));
            }
            let n: u64 = rest[..digits]
                .parse()
                .map_err(|_| format!("`{s}`: number too large"))?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = match &rest[..unit_len] {
                "ms" => Duration::from_millis(1),
                "s" => Duration::from_secs(1),
                "m" => Duration::from_secs(60),
                "h" => Duration::from_secs(3600),
                "d" => Duration::from_secs(86_400),
                "" => return Err(format!("`{s}` needs a unit (ms, s, m, h or d)")),
                u => return Err(format!("`{s}`: unknown unit `{u}` (use ms, s, m, h or d)")),
            };
            rest = &rest[unit_len..];
            total += unit
                .checked_mul(u32::try_from(n).map_err(|_| format!("`{s}`: number too large"))?)
                .ok_or_else(|| format!("`{s}`: too long"))?;
        }
        Ok(GoDuration(total))
    }
}

impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        for (unit, size) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1000),
        ] {
            if ms > 0 && ms.is_multiple_of(size) {
                return write!(f, "{}{unit}", ms / size);
            }
        }
        write!(f, "{ms}ms")
    }
}

impl Serialize for GoDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        GoDuration::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An address range like `10.0.0.0/8` or `fd00::/8`; a bare address is a
/// range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not an address range like 10.0.0.0/8 or fd00::/8");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }

    /// Whether `ip` lies in the range (an IPv4-mapped IPv6 address counts
    /// as the IPv4 address it carries).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cidr::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A local wall-clock time `HH:MM` for daily jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: i8,
    pub minute: i8,
}

impl TimeOfDay {
    pub fn parse(s: &str) -> Result<Self, String> {
        let err = || format!("`{s}` is not a time of day like 04:30");
        let (h, m) = s.trim().split_once(':').ok_or_else(err)?;
        let hour: i8 = h.parse().map_err(|_| err())?;
        let minute: i8 = m.parse().map_err(|_| err())?;
        if !(0..24).contains(&hour) || !(0..60).contains(&minute) || m.len() != 2 {
            return Err(err());
        }
        Ok(TimeOfDay { hour, minute })
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:02}:{:02}", self.hour, self.minute))
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeOfDay::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// bcrypt hash of the dashboard password; empty disables the login.
    pub password_hash: Secret,
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
pub struct AlertingConfig {
    pub stale_threshold: GoDuration,
    pub down_threshold: GoDuration,
    pub check_interval: GoDuration,
    pub backup_deadline: TimeOfDay,
    pub timezone: String,
    /// Called every `heartbeat_interval` while the hub is healthy, so an
    /// outside dead man's switch notices when the hub itself is not.
    /// Empty: none. A secret (a ping URL names its check).
    pub heartbeat_url: Secret,
    pub heartbeat_interval: GoDuration,
}

impl Default for AlertingConfig {
    fn default() -> Self {
        Self {
            stale_threshold: GoDuration::secs(30 * 60),
            down_threshold: GoDuration::secs(60 * 60),
            check_interval: GoDuration::secs(60),
            backup_deadline: TimeOfDay { hour: 5, minute: 0 },
            timezone: "Europe/Budapest".into(),
            heartbeat_url: Secret::default(),
            heartbeat_interval: GoDuration::secs(5 * 60),
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
    pub public_url: String,
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
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./hub-data"),
            public_url: "http://127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            max_connections: 512,
            trusted_proxies: Vec::new(),
            synchronous: "full".into(),
            litestream: false,
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
    /// loopback, private, link-local or unique-local.
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
    pub registry: RegistryConfig,
    pub server: ServerConfig,
    pub controllers: ControllersConfig,
    pub secrets: SecretsKeys,
    pub backup: BackupConfig,
}

/// The key the hub seals customer secrets with (64 hex characters), and
/// during a rotation the previous one. Empty: `<data_dir>/secrets.key`,
/// generated on the first start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsKeys {
    pub key: Secret,
    pub key_old: Secret,
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
    /// The store's options this config asks for.
    pub fn store_options(&self) -> crate::store::StoreOptions {
        crate::store::StoreOptions {
            synchronous_full: self.server.synchronous == "full",
            checkpoints: !self.server.litestream,
            secrets: self.secrets_config().unwrap_or_default(),
            ..Default::default()
        }
    }

    /// The secrets keys, parsed (checked at load: an invalid one stops the
    /// start, naming the key but never its value).
    pub fn secrets_config(&self) -> Result<crate::store::seal::SecretsConfig, ConfigError> {
        use crate::store::seal::SecretKey;
        let parse = |key: &str, v: &Secret| -> Result<Option<SecretKey>, ConfigError> {
            if v.expose().is_empty() {
                return Ok(None);
            }
            SecretKey::parse(v.expose())
                .map(Some)
                .map_err(|message| ConfigError::Invalid {
                    key: key.into(),
                    message,
                })
        };
        Ok(crate::store::seal::SecretsConfig {
            key: parse("secrets.key", &self.secrets.key)?,
            old: parse("secrets.key_old", &self.secrets.key_old)?,
        })
    }

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
        self.secrets_config()?;
        if self.secrets.key.expose().is_empty() && !self.secrets.key_old.expose().is_empty() {
            return Err(invalid(
                "secrets.key_old",
                "is only used together with secrets.key (the new key of a rotation)".into(),
            ));
        }
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
            ("server.public_url", &self.server.public_url),
            (
                "notifications.resend_base_url",
                &self.notifications.resend_base_url,
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
        let is_http = |u: &str| u.starts_with("http://") || u.starts_with("https://");
        if !template.is_empty() && !is_http(template) {
            return Err(invalid(
                "registry.template_url",
                "is not an http(s) URL".into(),
            ));
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

fn merge_file(
    merged: &mut Value,
    defaults: &Value,
    file: Value,
    origin: &str,
) -> Result<(), ConfigError> {
    let Value::Object(sections) = file else {
        return Err(ConfigError::Invalid {
            key: "(top level)".into(),
            message: format!("{origin} must be a mapping of sections"),
        });
    };
    for (section, body) in sections {
        let Some(known) = defaults.get(&section).and_then(Value::as_object) else {
            return Err(ConfigError::UnknownKey {
                key: section,
                origin: origin.into(),
            });
        };
        let body = match body {
            Value::Null => continue,
            Value::Object(m) => m,
            _ => {
                return Err(ConfigError::Invalid {
                    key: section,
                    message: "must be a mapping".into(),
                });
            }
        };
        for (key, value) in body {
            if !known.contains_key(&key) {
                return Err(ConfigError::UnknownKey {
                    key: format!("{section}.{key}"),
                    origin: origin.into(),
                });
            }
            merged[&section][&key] = value;
        }
    }
    Ok(())
}

/// Applies one `HUB_SECTION_KEY=value`; the type comes from the default so
/// `HUB_SERVER_MAX_BODY_BYTES=2048` is a number and a key of digits a string.
fn apply_env(
    merged: &mut Value,
    defaults: &Value,
    name: &str,
    value: &str,
) -> Result<(), ConfigError> {
    let Some(rest) = name.strip_prefix("HUB_") else {
        return Ok(());
    };
    let rest = rest.to_ascii_lowercase();
    let Some((section, key)) = rest.split_once('_') else {
        return Ok(());
    };
    let Some(known) = defaults.get(section).and_then(Value::as_object) else {
        // HUB_CONFIG and other non-section variables are not overrides.
        return Ok(());
    };
    let Some(default) = known.get(key) else {
        return Err(ConfigError::UnknownKey {
            key: format!("{section}.{key}"),
            origin: format!("environment variable {name}"),
        });
    };
    let invalid = |what: &str| ConfigError::Invalid {
        key: format!("{section}.{key}"),
        message: format!("{name} must be {what}"),
    };
    let typed = match default {
        // A list: comma-separated (`10.0.0.0/8,fd00::/8`).
        Value::Array(_) => Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_owned()))
                .collect(),
        ),
        Value::Bool(_) => match value.trim() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => return Err(invalid("true or false")),
        },
        Value::Number(_) => Value::Number(
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| invalid("a whole number"))?
                .into(),
        ),
        _ => Value::String(value.to_owned()),
    };
    merged[section][key] = typed;
    Ok(())
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
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn durations() {
        assert_eq!(GoDuration::parse("90s").unwrap().0, Duration::from_secs(90));
        assert_eq!(
            GoDuration::parse("1h30m").unwrap().0,
            Duration::from_secs(5400)
        );
        assert_eq!(
            GoDuration::parse("7d").unwrap().0,
            Duration::from_secs(7 * 86400)
        );
        assert_eq!(
            GoDuration::parse("500ms").unwrap().0,
            Duration::from_millis(500)
        );
        for bad in ["", "5", "5x", "m", "1.5h", "-1s"] {
            assert!(GoDuration::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(GoDuration::parse("90m").unwrap().to_string(), "90m");
    }

    #[test]
    fn defaults_without_file() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c.listen_addr().unwrap().to_string(), "127.0.0.1:8080");
        assert_eq!(c.server.data_dir, PathBuf::from("./hub-data"));
        assert_eq!(c.alerting.down_threshold.0, Duration::from_secs(3600));
    }

    #[test]
    fn file_then_env() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hub.yaml");
        std::fs::write(
            &p,
            "api:\n  report_api_key: \"from-file\"\nserver:\n  listen: \":9000\"\n  max_body_bytes: 4096\nalerting:\n  stale_threshold: 10m\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&p),
            env(&[
                ("HUB_API_REPORT_API_KEY", "123456"),
                ("HUB_SERVER_MAX_BODY_BYTES", "2048"),
                ("HUB_NOTIFICATIONS_OPERATOR_ENABLED", "false"),
                ("HUB_CONFIG", "/elsewhere"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(c.api.report_api_key.expose(), "123456");
        assert_eq!(c.server.max_body_bytes, 2048);
        assert!(!c.notifications.operator_enabled);
        assert_eq!(c.listen_addr().unwrap().to_string(), "0.0.0.0:9000");
        assert_eq!(c.alerting.stale_threshold.0, Duration::from_secs(600));
        assert!(!format!("{c:?}").contains("123456"));
    }

    #[test]
    fn errors_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hub.yaml");
        let cases = [
            ("server:\n  lisen: \":1\"\n", "server.lisen"),
            ("servers: {}\n", "servers"),
            (
                "alerting:\n  stale_threshold: 5x\n",
                "alerting.stale_threshold",
            ),
            ("alerting:\n  timezone: Mars/Olympus\n", "alerting.timezone"),
            (
                "retention:\n  prune_schedule: \"25:00\"\n",
                "retention.prune_schedule",
            ),
            (
                "alerting:\n  stale_threshold: 2h\n",
                "alerting.stale_threshold",
            ),
            ("server:\n  listen: nowhere\n", "server.listen"),
        ];
        for (yaml, key) in cases {
            std::fs::write(&p, yaml).unwrap();
            let err = Config::load(Some(&p), env(&[])).unwrap_err().to_string();
            assert!(err.contains(key), "{yaml}: {err}");
        }
        let err = Config::load(None, env(&[("HUB_SERVER_LISEN", "x")])).unwrap_err();
        assert!(err.to_string().contains("server.lisen"), "{err}");
        let err = Config::load(None, env(&[("HUB_SERVER_MAX_BODY_BYTES", "lots")])).unwrap_err();
        assert!(err.to_string().contains("server.max_body_bytes"), "{err}");
    }

    #[test]
    fn ranges_and_lists() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(c.contains("::ffff:10.0.0.1".parse().unwrap()));
        let c = Cidr::parse("fd00::/8").unwrap();
        assert!(c.contains("fd12::1".parse().unwrap()));
        assert!(!c.contains("fe80::1".parse().unwrap()));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert_eq!(Cidr::parse("127.0.0.1").unwrap().prefix, 32);
        for bad in ["10.0.0.0/33", "x", "10.0.0.0/", "::/129"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        let c = Config::load(
            None,
            env(&[
                ("HUB_CONTROLLERS_ALLOWED_NETWORKS", "127.0.0.0/8, fd00::/8"),
                ("HUB_CONTROLLERS_ALLOW_INSECURE", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(c.controllers.allowed_networks.len(), 2);
        assert!(c.controllers.allow_insecure);
        let err =
            Config::load(None, env(&[("HUB_CONTROLLERS_ALLOWED_NETWORKS", "nope")])).unwrap_err();
        assert!(
            err.to_string().contains("controllers.allowed_networks"),
            "{err}"
        );
        let err = Config::load(None, env(&[("HUB_RETENTION_MAX_DAYS", "4000000000")])).unwrap_err();
        assert!(err.to_string().contains("retention.max_days"), "{err}");
    }

    #[test]
    fn secrets_keys_are_checked_without_echoing_them() {
        let good = "ab".repeat(32);
        let c = Config::load(None, env(&[("HUB_SECRETS_KEY", &good)])).unwrap();
        assert!(c.secrets_config().unwrap().key.is_some());
        for (var, key) in [
            ("HUB_SECRETS_KEY", "secrets.key"),
            ("HUB_SECRETS_KEY_OLD", "secrets.key_old"),
        ] {
            let err = Config::load(
                None,
                env(&[("HUB_SECRETS_KEY", &good), (var, "hunter2-not-a-key")]),
            )
            .unwrap_err()
            .to_string();
            assert!(err.contains(key), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
        let err = Config::load(None, env(&[("HUB_SECRETS_KEY_OLD", &good)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("secrets.key_old"), "{err}");
    }

    #[test]
    fn seed_example_parses() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hub.yaml");
        std::fs::write(&p, include_str!("../../deploy/k8s/hub.yaml")).unwrap();
        let c = Config::load(Some(&p), env(&[])).unwrap();
        assert_eq!(c.server.data_dir, PathBuf::from("/data"));
        assert_eq!(c.listen_addr().unwrap().port(), 8080);
    }
}
