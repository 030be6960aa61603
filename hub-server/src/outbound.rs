//! Every HTTP call the hub makes goes through this module: the one hardened
//! client (user agent, connect and total timeouts, no redirects), reading
//! answers with a size cap so a hostile or broken peer cannot fill memory,
//! and describing failures without URLs or headers (which may carry
//! secrets).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use serde::de::DeserializeOwned;
use thiserror::Error;

/// The User-Agent of every outbound call (Resend refuses requests without
/// one), naming this build.
pub const USER_AGENT: &str = concat!("hub-server/", env!("CARGO_PKG_VERSION"));

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

/// The hub's client for Resend, the registry and the template server:
/// connect and total timeouts, no redirects (a redirect could lead a
/// credential somewhere else).
pub fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
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

#[cfg(test)]
mod tests {
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
}
