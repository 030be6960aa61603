//! Registry check: list the controller image's tags through the Docker
//! Registry HTTP API v2 and keep the newest semver tag. Registries such as
//! Gitea's answer the first request with a 401 and a `WWW-Authenticate:
//! Bearer realm=…,service=…,scope=…` challenge; the hub then fetches a token
//! from the realm with basic credentials and repeats the request.

use std::collections::HashMap;
use std::sync::Arc;

use hub_proto::{Version, parse_version};
use serde::Deserialize;

use super::JobError;
use crate::outbound::{MAX_ANSWER_BYTES, kind, read_json};
use crate::state::AppState;

pub const STATE_KEY: &str = "latest_controller_version";
const MAX_PAGES: usize = 20;

/// `registry.image` as (base URL, repository). An explicit `http://` or
/// `https://` prefix is kept (a registry on a private network); otherwise
/// https. A `:tag` suffix is ignored.
pub fn parse_image(image: &str) -> Option<(String, String)> {
    let (scheme, rest) = match image.split_once("://") {
        Some((s, r)) if s == "http" || s == "https" => (s, r),
        Some(_) => return None,
        None => ("https", image),
    };
    let (host, repo) = rest.split_once('/')?;
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    (!host.is_empty() && !repo.is_empty()).then(|| (format!("{scheme}://{host}"), repo.to_owned()))
}

#[derive(Deserialize)]
struct Tags {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

/// Runs one check; returns the newest version found and stores it.
pub async fn check(st: &Arc<AppState>) -> Result<String, JobError> {
    let cfg = &st.config.registry;
    let (base, repo) = parse_image(&cfg.image).ok_or_else(|| {
        JobError::Remote(format!(
            "registry.image `{}` is not host/repository",
            cfg.image
        ))
    })?;
    let mut url = format!("{base}/v2/{repo}/tags/list");
    let mut bearer: Option<String> = None;
    let mut newest: Option<Version> = None;
    for _ in 0..MAX_PAGES {
        let mut resp = get(st, &url, bearer.as_deref()).await?;
        if resp.status() == reqwest::StatusCode::UNAUTHORIZED && bearer.is_none() {
            let challenge = resp
                .headers()
                .get(reqwest::header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            bearer = Some(token(st, &challenge, &repo).await?);
            resp = get(st, &url, bearer.as_deref()).await?;
        }
        if !resp.status().is_success() {
            return Err(JobError::Remote(format!(
                "registry answered HTTP {} for {repo}",
                resp.status().as_u16()
            )));
        }
        let next = resp
            .headers()
            .get(reqwest::header::LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(next_link);
        let tags: Tags = read_json(resp, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| JobError::Remote(format!("registry tag list: {e}")))?;
        for v in tags
            .tags
            .unwrap_or_default()
            .iter()
            .filter_map(|t| parse_version(t))
        {
            newest = newest.max(Some(v));
        }
        match next {
            Some(path) if path.starts_with('/') => url = format!("{base}{path}"),
            _ => break,
        }
    }
    let Some((a, b, c)) = newest else {
        return Err(JobError::Remote(format!("no semver tag found for {repo}")));
    };
    let version = format!("{a}.{b}.{c}");
    st.store
        .set_state(STATE_KEY, version.clone(), st.clock.now())
        .await?;
    st.set_latest_version(Some(version.clone()));
    Ok(version)
}

async fn get(
    st: &AppState,
    url: &str,
    bearer: Option<&str>,
) -> Result<reqwest::Response, JobError> {
    let mut req = st.http.get(url);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    req.send()
        .await
        .map_err(|e| JobError::Remote(format!("registry: {}", kind(&e))))
}

/// Answers a `Bearer realm=…` challenge with the configured credentials.
async fn token(st: &AppState, challenge: &str, repo: &str) -> Result<String, JobError> {
    let params = parse_challenge(challenge).ok_or_else(|| {
        JobError::Remote("registry demanded credentials without a bearer challenge".into())
    })?;
    let realm = params
        .get("realm")
        .ok_or_else(|| JobError::Remote("registry challenge has no realm".into()))?;
    let scope = params
        .get("scope")
        .cloned()
        .unwrap_or_else(|| format!("repository:{repo}:pull"));
    let mut query = vec![("scope", scope)];
    if let Some(service) = params.get("service") {
        query.push(("service", service.clone()));
    }
    let cfg = &st.config.registry;
    let mut req = st.http.get(realm).query(&query);
    if !cfg.username.is_empty() || !cfg.token.is_empty() {
        req = req.basic_auth(&cfg.username, Some(cfg.token.expose()));
    }
    let resp = req
        .send()
        .await
        .map_err(|e| JobError::Remote(format!("registry token: {}", kind(&e))))?;
    if !resp.status().is_success() {
        return Err(JobError::Remote(format!(
            "registry token endpoint answered HTTP {} (check registry.username/token)",
            resp.status().as_u16()
        )));
    }
    let t: Token = read_json(resp, MAX_ANSWER_BYTES)
        .await
        .map_err(|e| JobError::Remote(format!("registry token: {e}")))?;
    t.token
        .or(t.access_token)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| JobError::Remote("registry token answer had no token".into()))
}

/// `Bearer realm="…",service="…",scope="…"` → its parameters.
fn parse_challenge(h: &str) -> Option<HashMap<String, String>> {
    let (scheme, rest) = h.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut out = HashMap::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (value, remaining) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.insert(key.trim().to_ascii_lowercase(), value.to_owned());
        rest = remaining.trim_start_matches([',', ' ']);
    }
    Some(out)
}

/// The path of a `Link: </v2/…>; rel="next"` header.
fn next_link(h: &str) -> Option<String> {
    h.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn images() {
        assert_eq!(
            parse_image("gitea.dooplex.hu/admin/felhom-controller"),
            Some((
                "https://gitea.dooplex.hu".into(),
                "admin/felhom-controller".into()
            ))
        );
        assert_eq!(
            parse_image("http://127.0.0.1:5000/admin/x:latest"),
            Some(("http://127.0.0.1:5000".into(), "admin/x".into()))
        );
        assert_eq!(parse_image("nohost"), None);
        assert_eq!(parse_image("ftp://h/r"), None);
    }

    #[test]
    fn challenges_and_links() {
        let p = parse_challenge(
            r#"Bearer realm="https://g.example/v2/token",service="container_registry",scope="*""#,
        )
        .unwrap();
        assert_eq!(p["realm"], "https://g.example/v2/token");
        assert_eq!(p["service"], "container_registry");
        assert_eq!(p["scope"], "*");
        assert!(parse_challenge("Basic realm=x").is_none());
        assert_eq!(
            next_link(r#"</v2/a/tags/list?last=1.2.0&n=100>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?last=1.2.0&n=100")
        );
    }
}
