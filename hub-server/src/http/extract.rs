//! Request extractors: bearer credentials, the retrieval password, and JSON
//! bodies that fail with the PROTOCOL error body (axum's own `Json` answers
//! in plain text) while keeping the raw bytes for verbatim storage.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use bytes::Bytes;
use hub_proto::CustomerScoped;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::AppState;
use crate::error::AppError;

/// Who a bearer credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The global report key: any customer.
    Global,
    /// A per-customer API key: that customer only.
    Customer(String),
}

impl Caller {
    /// 403 unless this caller may act for `customer_id`.
    pub fn check(&self, customer_id: &str) -> Result<(), AppError> {
        match self {
            Caller::Global => Ok(()),
            Caller::Customer(own) if own == customer_id => Ok(()),
            Caller::Customer(_) => Err(AppError::Forbidden(
                "this API key belongs to another customer",
            )),
        }
    }

    /// 403 unless this is the global key (fleet-wide reads).
    pub fn require_global(&self) -> Result<(), AppError> {
        match self {
            Caller::Global => Ok(()),
            Caller::Customer(_) => Err(AppError::Forbidden(
                "a per-customer API key cannot read the whole fleet",
            )),
        }
    }
}

/// The token of an `Authorization: Bearer …` header, if well-formed.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(AppError::Unauthorized)?;
        let global = state.report_key.as_bytes();
        if bool::from(global.ct_eq(token.as_bytes())) {
            return Ok(Caller::Global);
        }
        match state.store.customer_for_key(token.to_owned()).await? {
            Some(m) => Ok(Caller::Customer(m.customer_id)),
            None => Err(AppError::Unauthorized),
        }
    }
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
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map(|l| l.0)
            .unwrap_or(usize::MAX);
        let raw = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge { limit }
            } else {
                AppError::BadRequest("the request body could not be read".into())
            }
        })?;
        let value = parse_json(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

/// The body limit in force for a route, recorded for the error message.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Parses JSON, naming the offending field in the error.
pub fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(raw);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data if path != "." => AppError::InvalidField {
                message: format!("{path}: {inner}"),
                field: path,
            },
            serde_json::error::Category::Data => AppError::InvalidField {
                field: String::new(),
                message: inner.to_string(),
            },
            _ => AppError::MalformedJson(inner.to_string()),
        }
    })
}

/// A customer-scoped JSON body that passed the whole gate: a credential
/// (401), a readable body within the limit (400/413), the protocol's rules
/// (400), and the caller's right to act for its customer (403). Handlers
/// receive only accepted requests.
pub struct Scoped<T> {
    pub value: T,
    pub raw: Bytes,
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
        value.validate()?;
        caller.check(value.customer_id())?;
        Ok(Scoped { value, raw })
    }
}
