//! Every HTTP call the hub makes goes through this module: the one hardened
//! client (user agent, connect and total timeouts, no redirects), reading
//! answers with a size cap so a hostile or broken peer cannot fill memory,
//! and describing failures without URLs or headers (which may carry
//! secrets).

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::config::Cidr;

/// The User-Agent of every outbound call (Resend refuses requests without
/// one), naming this build.
pub const USER_AGENT: &str = concat!(
    "hub-server/",
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("HUB_GIT_COMMIT"),
    ")"
);

/// Most bytes read from a registry, template or Resend answer.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum OutboundError {
    #[error("the answer is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{0}")]
    Read(&'static str),
    #[error("the answer is not the expected JSON: {0}")]
    Json(String),
}

/// How long one call of the hub's client may take at most.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// The hub's client for Resend, the registry and the template server:
/// connect and total timeouts, no redirects (a redirect could lead a
/// credential somewhere else).
pub fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(5))
        .timeout(CLIENT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// A reqwest error in words, without its URL or headers.
pub fn kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_decode() || e.is_body() {
        "unreadable answer"
    } else if e.is_redirect() {
        "redirect refused"
    } else {
        "request failed"
    }
}

/// The policy's refusal behind a failed call, if that is why it failed
/// (reqwest reports a refused address as a connect error).
pub fn refusal(e: &reqwest::Error) -> Option<&Refused> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return Some(r);
        }
        source = s.source();
    }
    None
}

/// The answer's body, at most `limit` bytes; a larger one is refused as
/// soon as it passes the limit (or at once, when it says so up front).
pub async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Bytes, OutboundError> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(OutboundError::TooLarge { limit });
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| OutboundError::Read(kind(&e)))?
    {
        if buf.len() + chunk.len() > limit {
            return Err(OutboundError::TooLarge { limit });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// [`read_capped`] as UTF-8 text.
pub async fn read_text(resp: reqwest::Response, limit: usize) -> Result<String, OutboundError> {
    let bytes = read_capped(resp, limit).await?;
    String::from_utf8(bytes.to_vec()).map_err(|_| OutboundError::Read("answer is not UTF-8"))
}

/// [`read_capped`] parsed as JSON.
pub async fn read_json<T: DeserializeOwned>(
    resp: reqwest::Response,
    limit: usize,
) -> Result<T, OutboundError> {
    let bytes = read_capped(resp, limit).await?;
    serde_json::from_slice(&bytes).map_err(|e| OutboundError::Json(e.to_string()))
}

/// The first `max` bytes of `s`, cut at a character boundary (a Hungarian
/// error page must not panic the hub), with `…` when something was cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Where the hub may connect for a controller call or an alert channel:
/// the rules of PROTOCOL.md "Hub → controller", from `controllers.*` or
/// `channels.*` in hub.yaml (one policy, two sets of keys, so opening a
/// private webhook does not open the controllers too). Checked on the URL
/// before a call (literal addresses: hyper never resolves them), and on
/// every address a name resolves to while connecting (so a name cannot
/// point inside the cluster, even after it was checked: DNS rebinding).
#[derive(Clone)]
pub struct OutboundPolicy {
    /// `controllers` or `channels`: the keys the refusals name.
    pub section: &'static str,
    pub allow_insecure: bool,
    pub allowed_networks: Vec<Cidr>,
    pub allowed_hosts: Vec<String>,
    /// How names are resolved: the system resolver, or a test's table.
    lookup: Lookup,
}

/// The controller calls' policy.
pub type ControllerPolicy = OutboundPolicy;

/// A name resolver: the system's, or fixed answers (tests).
#[derive(Clone, Default)]
enum Lookup {
    #[default]
    System,
    Fixed(Arc<std::collections::HashMap<String, Vec<IpAddr>>>),
}

impl Lookup {
    async fn resolve(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        match self {
            Lookup::System => Ok(tokio::net::lookup_host((host, 0))
                .await?
                .map(|a| a.ip())
                .collect()),
            Lookup::Fixed(map) => Ok(map.get(host).cloned().unwrap_or_default()),
        }
    }
}

impl std::fmt::Debug for OutboundPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundPolicy")
            .field("section", &self.section)
            .field("allow_insecure", &self.allow_insecure)
            .field("allowed_networks", &self.allowed_networks)
            .field("allowed_hosts", &self.allowed_hosts)
            .finish_non_exhaustive()
    }
}

impl Default for OutboundPolicy {
    fn default() -> Self {
        Self {
            section: "controllers",
            allow_insecure: false,
            allowed_networks: Vec::new(),
            allowed_hosts: Vec::new(),
            lookup: Lookup::System,
        }
    }
}

/// Why a URL or an address is refused, in words for the operator: the
/// rule, and the key that would allow it.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum Refused {
    #[error("`{0}` is not a URL")]
    NotUrl(String),
    #[error("only https:// URLs are called ({section}.allow_insecure allows http)")]
    NotHttps { section: &'static str },
    #[error("the URL must not carry a user name or password")]
    Credentials,
    #[error(
        "host `{host}` is not the customer's domain `{domain}` or under it (controllers.allowed_hosts can allow it)"
    )]
    ForeignHost { host: String, domain: String },
    #[error("host `{host}` is not in {section}.allowed_hosts")]
    NotListed { host: String, section: &'static str },
    #[error(
        "address {ip} is loopback, private, link-local, unique-local or reserved, not the internet ({section}.allowed_networks can allow it)"
    )]
    InternalAddress { ip: IpAddr, section: &'static str },
    #[error("`{0}` has no address")]
    NoAddress(String),
}

/// Ranges a controller must not resolve to unless allowed: loopback,
/// private (RFC 1918, CGNAT), link-local, unique-local, unspecified,
/// multicast and broadcast; the IETF protocol block, benchmarking,
/// documentation and reserved (240/4) ranges; and the IPv6 forms that
/// carry an IPv4 address to somewhere else (IPv4-compatible `::/96`,
/// NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`), whose
/// embedded address a gateway would reach on the hub's behalf.
/// (IPv4-mapped `::ffff:0:0/96` counts as the IPv4 it carries, see
/// [`Cidr::contains`].)
const INTERNAL: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/96",
    "64:ff9b::/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001:db8::/32",
    "2002::/16",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// [`INTERNAL`], parsed once.
static INTERNAL_NETS: LazyLock<Vec<Cidr>> = LazyLock::new(|| {
    INTERNAL
        .iter()
        .filter_map(|r| Cidr::parse(r).ok())
        .collect()
});

impl OutboundPolicy {
    pub fn from_config(c: &crate::config::ControllersConfig) -> Self {
        Self::new(
            "controllers",
            c.allow_insecure,
            &c.allowed_networks,
            &c.allowed_hosts,
        )
    }

    pub fn for_channels(c: &crate::config::ChannelsConfig) -> Self {
        Self::new(
            "channels",
            c.allow_insecure,
            &c.allowed_networks,
            &c.allowed_hosts,
        )
    }

    fn new(
        section: &'static str,
        allow_insecure: bool,
        networks: &[Cidr],
        hosts: &[String],
    ) -> Self {
        Self {
            section,
            allow_insecure,
            allowed_networks: networks.to_vec(),
            allowed_hosts: hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            lookup: Lookup::System,
        }
    }

    /// The same policy resolving names from `table` only (tests: a name
    /// that "resolves" inside the cluster, with no DNS on the machine).
    pub fn with_fixed_names(mut self, table: &[(&str, IpAddr)]) -> Self {
        let mut map: std::collections::HashMap<String, Vec<IpAddr>> = Default::default();
        for (name, ip) in table {
            map.entry((*name).to_owned()).or_default().push(*ip);
        }
        self.lookup = Lookup::Fixed(Arc::new(map));
        self
    }

    /// Whether the hub may connect to `ip`.
    pub fn address_allowed(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.allowed_networks.iter().any(|n| n.contains(ip)) {
            return Ok(());
        }
        if INTERNAL_NETS.iter().any(|n| n.contains(ip)) {
            Err(Refused::InternalAddress {
                ip,
                section: self.section,
            })
        } else {
            Ok(())
        }
    }

    /// Parses `url` and applies the URL's rules: the scheme, no user
    /// info, a literal address allowed; returns it with its host.
    fn parse(&self, url: &str) -> Result<(reqwest::Url, String), Refused> {
        let parsed = reqwest::Url::parse(url.trim_end_matches('/'))
            .map_err(|_| Refused::NotUrl(url.to_owned()))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_insecure => {}
            _ => {
                return Err(Refused::NotHttps {
                    section: self.section,
                });
            }
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Refused::Credentials);
        }
        let host = match parsed.host() {
            Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => {
                self.address_allowed(IpAddr::V4(ip))?;
                ip.to_string()
            }
            Some(url::Host::Ipv6(ip)) => {
                self.address_allowed(IpAddr::V6(ip))?;
                ip.to_string()
            }
            None => return Err(Refused::NotUrl(url.to_owned())),
        };
        Ok((parsed, host))
    }

    /// Checks a channel's URL before every send: the URL's rules and
    /// `allowed_hosts` (when set, the only hosts). The addresses of a name
    /// are checked while connecting.
    pub fn check_url(&self, url: &str) -> Result<reqwest::Url, Refused> {
        let (parsed, host) = self.parse(url)?;
        if !self.allowed_hosts.is_empty() && !self.allowed_hosts.contains(&host) {
            return Err(Refused::NotListed {
                host,
                section: self.section,
            });
        }
        Ok(parsed)
    }

    /// Checks a channel's URL as it is saved: [`Self::check_url`], and the
    /// addresses its name resolves to now (each send checks them again).
    pub async fn check_channel(&self, url: &str) -> Result<reqwest::Url, Refused> {
        let parsed = self.check_url(url)?;
        if let Some(url::Host::Domain(d)) = parsed.host() {
            let found = self
                .lookup
                .resolve(d)
                .await
                .map_err(|_| Refused::NoAddress(d.to_owned()))?;
            if found.is_empty() {
                return Err(Refused::NoAddress(d.to_owned()));
            }
            for ip in found {
                self.address_allowed(ip)?;
            }
        }
        Ok(parsed)
    }

    /// Checks a controller URL for a customer with `domain` (empty: none)
    /// and returns it parsed, without a trailing slash.
    pub fn check(&self, url: &str, domain: &str) -> Result<reqwest::Url, Refused> {
        let (parsed, host) = self.parse(url)?;
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let host_ok = domain.is_empty()
            || host == domain
            || host.ends_with(&format!(".{domain}"))
            || self.allowed_hosts.contains(&host);
        if !host_ok {
            return Err(Refused::ForeignHost { host, domain });
        }
        Ok(parsed)
    }

    /// The client for controller calls: no redirects, https only unless
    /// insecure is allowed, and a resolver that drops addresses the policy
    /// refuses (a name resolving only to such addresses cannot connect).
    pub fn client(&self, timeout: Duration) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!self.allow_insecure)
            // A proxy would resolve the name itself, past the guard.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver(self.clone())))
            .build()
    }
}

/// Resolves with the policy's resolver, then keeps only allowed addresses.
struct GuardedResolver(OutboundPolicy);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = policy
                .lookup
                .resolve(&host)
                .await?
                .into_iter()
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match policy.address_allowed(a.ip()) {
                    Ok(()) => true,
                    Err(e) => {
                        refused = Some(e);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let why: Box<dyn std::error::Error + Send + Sync> = match refused {
                    Some(e) => Box::new(e),
                    None => format!("`{host}` has no address").into(),
                };
                return Err(why);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn truncation_respects_characters() {
        let s = "á".repeat(150);
        // Byte 200 falls inside no character here, byte 199 does.
        assert_eq!(truncate_chars(&s, 200).chars().count(), 101);
        assert_eq!(truncate_chars(&s, 199).chars().count(), 100);
        assert_eq!(truncate_chars("short", 200), "short");
        assert_eq!(truncate_chars("", 0), "");
    }

    #[test]
    fn internal_and_relay_ranges_are_refused_and_the_internet_is_not() {
        let policy = ControllerPolicy::default();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "100.64.0.1",
            "169.254.169.254",
            "172.31.255.255",
            "192.168.1.1",
            "192.0.0.8",
            "198.18.0.7",
            "198.19.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "240.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "0.0.0.0",
            "::",
            "::1",
            "::a00:1",
            "::ffff:10.0.0.1",
            "::ffff:198.18.0.7",
            "64:ff9b::a00:1",
            "64:ff9b::808:808",
            "64:ff9b:1::1",
            "2002:a00:1::1",
            "2002:808:808::1",
            "2001:db8::1",
            "100::1",
            "fd00::1",
            "fe80::1",
            "ff02::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            let err = policy.address_allowed(ip).unwrap_err();
            assert_eq!(
                err,
                Refused::InternalAddress {
                    ip,
                    section: "controllers"
                }
            );
            assert!(
                err.to_string().contains("controllers.allowed_networks"),
                "{err}"
            );
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "192.0.1.1",
            "::ffff:8.8.8.8",
            "2001:4860:4860::8888",
            "2a00:1450::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(policy.address_allowed(ip), Ok(()), "{ip}");
        }
        // An allowed network opens a refused range, and only it.
        let lab = ControllerPolicy {
            allowed_networks: vec![Cidr::parse("198.18.0.0/24").unwrap()],
            ..ControllerPolicy::default()
        };
        assert_eq!(lab.address_allowed("198.18.0.7".parse().unwrap()), Ok(()));
        assert!(lab.address_allowed("198.18.1.7".parse().unwrap()).is_err());
        // A URL naming such an address is refused before any call.
        let internal = |ip: &str| Refused::InternalAddress {
            ip: ip.parse().unwrap(),
            section: "controllers",
        };
        assert_eq!(
            policy.check("https://198.18.0.7:8443/", ""),
            Err(internal("198.18.0.7"))
        );
        assert_eq!(
            policy.check("https://[64:ff9b::a9fe:a9fe]/", ""),
            Err(internal("64:ff9b::a9fe:a9fe"))
        );
    }

    #[tokio::test]
    async fn a_name_that_resolves_inside_is_refused_when_saved_and_when_connecting() {
        let channels = OutboundPolicy {
            section: "channels",
            allow_insecure: true,
            ..OutboundPolicy::default()
        };
        // Saved: the name resolves to a private address.
        let inside = channels
            .clone()
            .with_fixed_names(&[("hooks.example.test", "10.1.2.3".parse().unwrap())]);
        let err = inside
            .check_channel("https://hooks.example.test/h")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("10.1.2.3"), "{err}");
        assert!(
            err.to_string().contains("channels.allowed_networks"),
            "{err}"
        );
        let public = channels
            .clone()
            .with_fixed_names(&[("hooks.example.test", "8.8.8.8".parse().unwrap())]);
        assert!(
            public
                .check_channel("https://hooks.example.test/h")
                .await
                .is_ok()
        );
        assert!(matches!(
            public.check_channel("https://unknown.example.test/h").await,
            Err(Refused::NoAddress(_))
        ));
        // Sent later, after the name moved to a loopback listener (DNS
        // rebinding): the connection is refused, the listener never hit.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let h = hits.clone();
        tokio::spawn(async move {
            while let Ok((_s, _)) = listener.accept().await {
                h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        let rebound = channels
            .clone()
            .with_fixed_names(&[("hooks.example.test", "127.0.0.1".parse().unwrap())]);
        let client = rebound.client(Duration::from_secs(2)).unwrap();
        let err = client
            .post(format!("http://hooks.example.test:{port}/h"))
            .send()
            .await
            .unwrap_err();
        let mut found = None;
        let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&err);
        while let Some(s) = src {
            if let Some(r) = s.downcast_ref::<Refused>() {
                found = Some(r.to_string());
            }
            src = s.source();
        }
        assert!(
            found.as_deref().is_some_and(|m| m.contains("127.0.0.1")),
            "{err:?}"
        );
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
        // The same double once its network is allowed.
        let allowed = OutboundPolicy {
            allowed_networks: vec![Cidr::parse("127.0.0.0/8").unwrap()],
            ..rebound
        };
        let _ = allowed
            .client(Duration::from_secs(2))
            .unwrap()
            .post(format!("http://hooks.example.test:{port}/h"))
            .timeout(Duration::from_millis(300))
            .send()
            .await;
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
