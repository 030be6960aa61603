//! Request extractors: bearer credentials, the retrieval password, and JSON
//! bodies that fail with the PROTOCOL error body (axum's own `Json` answers
//! in plain text) while keeping the raw bytes for verbatim storage.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use bytes::Bytes;
use hub_proto::CustomerScoped;
use serde::de::DeserializeOwned;

use crate::http::error::AppError;
use crate::service::auth::{self, Caller};
use crate::state::AppState;

/// The only value of header `name`; two or more are a 400, because
/// proxies and servers disagree on which one counts.
pub fn single_header<'a>(
    headers: &'a axum::http::HeaderMap,
    name: &axum::http::HeaderName,
) -> Result<Option<&'a axum::http::HeaderValue>, AppError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(AppError::BadRequest(format!("more than one {name} header")));
    }
    Ok(first)
}

/// The token of an `Authorization: Bearer …` header: `Ok(None)` when it is
/// missing or not a bearer token, a 400 when the header is repeated.
pub fn bearer(parts: &Parts) -> Result<Option<&str>, AppError> {
    let Some(value) = single_header(&parts.headers, &axum::http::header::AUTHORIZATION)? else {
        return Ok(None);
    };
    let Ok(value) = value.to_str() else {
        return Ok(None);
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return Ok(None);
    };
    let token = token.trim();
    Ok((scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token))
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?.ok_or(AppError::Unauthorized)?;
        Ok(auth::controller(state, token).await?)
    }
}

/// The client's address: the TCP peer, or — when the peer is one of
/// `server.trusted_proxies` — the nearest untrusted address of its
/// `X-Forwarded-For`. `None` when the server did not record a peer (a
/// router driven without a socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<Arc<AppState>> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(peer.map(|p| {
            client_address(p, &parts.headers, &state.config.server.trusted_proxies)
        })))
    }
}

/// See [`ClientAddr`]. A forged `X-Forwarded-For` from an untrusted peer
/// is ignored; from a trusted proxy, entries are read right to left (the
/// proxy appends what it saw) up to the first address it does not trust.
pub fn client_address(
    peer: IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[crate::config::Cidr],
) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// A JSON body parsed into `T`, with the bytes it was parsed from.
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let raw = read_body(req, state).await?;
        let value = parse_json(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

/// The whole request body within the route's limit. A declared
/// `Content-Length` over the limit is answered at once, before a byte of
/// the body is waited for; a body that stalls ends in a 408.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    let limit = req
        .extensions()
        .get::<BodyLimit>()
        .map(|l| l.0)
        .unwrap_or(usize::MAX);
    let declared = single_header(req.headers(), &axum::http::header::CONTENT_LENGTH)?
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge { limit }
        } else if is_timeout(&e) {
            AppError::BodyTimeout
        } else {
            AppError::BadRequest("the request body could not be read".into())
        }
    })
}

/// Whether reading the body failed because the client stopped sending.
fn is_timeout(e: &axum::extract::rejection::BytesRejection) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if s.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// The body limit in force for a route, recorded for the error message.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Parses exactly one JSON value (anything after it but whitespace is a
/// 400 `invalid_json`, so what is stored can always be read back), naming
/// the offending field in the error.
pub fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, AppError> {
    // The whole body, not only the fields the hub reads: serde_json skips
    // unknown fields without checking their bytes, and a stored body must
    // read back as text (found by the `report` fuzz target).
    let text = std::str::from_utf8(raw).map_err(|e| {
        AppError::MalformedJson(format!(
            "the body is not UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })?;
    // Good bodies are the rule: parse without tracking the path (which
    // costs an allocation per key and doubled the parse of a report), and
    // only for a refused body parse again to name the offending field.
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = match T::deserialize(&mut *de) {
        Ok(v) => v,
        Err(e) => return Err(json_error::<T>(text, e)),
    };
    de.end().map_err(|_| {
        AppError::InvalidJson("the body holds more than one JSON value (trailing data)".into())
    })?;
    Ok(value)
}

/// Why `text` is not a `T`, naming the field: the slow path of
/// [`parse_json`], run only for refused bodies. `first` is the error of
/// the fast parse, used as it is should the second parse not fail alike.
fn json_error<T: DeserializeOwned>(text: &str, first: serde_json::Error) -> AppError {
    let de = &mut serde_json::Deserializer::from_str(text);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Err(e) => (e.path().to_string(), e.into_inner()),
        Ok(_) => (".".to_owned(), first),
    };
    match inner.classify() {
        serde_json::error::Category::Data if path != "." => AppError::InvalidField {
            code: hub_proto::codes::for_wire_field(&path),
            message: format!("{path}: {inner}"),
            field: path,
        },
        serde_json::error::Category::Data => AppError::invalid("", inner.to_string()),
        _ => AppError::MalformedJson(inner.to_string()),
    }
}

/// A customer-scoped JSON body that passed the whole gate: a credential
/// (401), a readable body within the limit (400/413), the protocol's rules
/// (400), and the caller's right to act for its customer (403). Handlers
/// receive only accepted requests.
pub struct Scoped<T> {
    pub value: T,
    pub raw: Bytes,
    pub caller: Caller,
}

impl<T> FromRequest<Arc<AppState>> for Scoped<T>
where
    T: DeserializeOwned + CustomerScoped,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let JsonBody { value, raw } =
            JsonBody::<T>::from_request(Request::from_parts(parts, body), state).await?;
        value.validate(state.clock.now())?;
        // The request's span names the customer the body is about.
        tracing::Span::current().record("customer", value.customer_id());
        caller.check_writes(state, value.customer_id())?;
        Ok(Scoped { value, raw, caller })
    }
}
