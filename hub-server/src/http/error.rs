//! The one place where failures become HTTP answers: every error carries a
//! status and a stable `code`, internal causes are logged, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hub_proto::{ErrorBody, ValidationError, codes};
use thiserror::Error;

use crate::service::ServiceError;
use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("{0}")]
    InvalidJson(String),
    /// A refused field; `code` is its error code ([`codes`]).
    #[error("{message}")]
    InvalidField {
        code: &'static str,
        field: String,
        message: String,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or wrong credential")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A controller could not be reached or refused; the sentence says which.
    #[error("{0}")]
    Controller(String),
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the request body stopped arriving")]
    BodyTimeout,
    #[error("too many failed attempts; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("the database does not answer")]
    Unavailable(#[source] StoreError),
    #[error("the hub is overloaded; retry shortly")]
    Overloaded,
    /// The cause is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Busy => AppError::Overloaded,
            e => AppError::Internal(e.to_string()),
        }
    }
}

/// The one place service failures become HTTP failures.
impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid {
                code,
                field,
                message,
            } => AppError::InvalidField {
                code,
                field,
                message,
            },
            ServiceError::NotFound(m) => AppError::NotFound(m),
            ServiceError::Conflict(m) => AppError::Conflict(m),
            ServiceError::Unauthorized => AppError::Unauthorized,
            ServiceError::Forbidden(m) => AppError::Forbidden(m),
            ServiceError::Locked { retry_after_secs } => {
                AppError::TooManyAttempts { retry_after_secs }
            }
            ServiceError::Controller(e) => AppError::Controller(e.to_string()),
            ServiceError::Store(e) => e.into(),
            ServiceError::Internal(m) => AppError::Internal(m),
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::InvalidField {
            code: e.code,
            field: e.field.to_owned(),
            message: e.to_string(),
        }
    }
}

impl AppError {
    /// An `invalid_field` refusal of a query or body field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::InvalidField {
            code: codes::INVALID_FIELD,
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::MalformedJson(_)
            | AppError::InvalidJson(_)
            | AppError::InvalidField { .. }
            | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Controller(_) => StatusCode::BAD_GATEWAY,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) | AppError::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable identifier clients branch on ([`codes`]).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::MalformedJson(_) => codes::MALFORMED_JSON,
            AppError::InvalidJson(_) => codes::INVALID_JSON,
            AppError::InvalidField { code, .. } => code,
            AppError::BadRequest(_) => codes::BAD_REQUEST,
            AppError::Unauthorized => codes::UNAUTHORIZED,
            AppError::Forbidden(_) => codes::FORBIDDEN,
            AppError::NotFound(_) => codes::NOT_FOUND,
            AppError::Conflict(_) => codes::CONFLICT,
            AppError::Controller(_) => codes::CONTROLLER_ERROR,
            AppError::PayloadTooLarge { .. } => codes::PAYLOAD_TOO_LARGE,
            AppError::BodyTimeout => codes::BODY_TIMEOUT,
            AppError::TooManyAttempts { .. } => codes::TOO_MANY_ATTEMPTS,
            AppError::Unavailable(_) => codes::UNAVAILABLE,
            AppError::Overloaded => codes::OVERLOADED,
            AppError::Internal(_) => codes::INTERNAL,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(e) => tracing::error!(error = %e, "request failed"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            _ => {}
        }
        let status = self.status();
        let body = ErrorBody::new(self.code(), self.to_string());
        let mut resp = (status, axum::Json(body)).into_response();
        let retry_after = match self {
            AppError::TooManyAttempts { retry_after_secs } => Some(retry_after_secs.max(1)),
            AppError::Overloaded => Some(1),
            _ => None,
        };
        if let Some(secs) = retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}
