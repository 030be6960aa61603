//! The service layer: every operator action and every read view the front
//! ends share (admin API, dashboard, TUI through the API). It sits between
//! the HTTP layer and the store, owns the audit log's contents, and speaks
//! [`ServiceError`], which the HTTP layer maps to status codes in one place.

pub mod alerts;
pub mod auth;
pub mod channels;
pub mod customers;
pub mod digest;
pub mod ingest;
pub mod query;
pub mod retrieval;
pub mod session;
pub mod status_link;
pub mod status_page;
pub mod views;

use hub_proto::ValidationError;
use thiserror::Error;

use crate::controller::ControllerError;
use crate::store::StoreError;

/// Why a service call failed, in terms the front ends can show: which
/// field is wrong, what is missing or taken, what the controller said.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// A refused input: `code` is the error body's code
    /// ([`hub_proto::codes`]), `field` the form or body field it names.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        field: String,
        message: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A missing or wrong credential (also: an unknown customer where ids
    /// must not be probed).
    #[error("missing or wrong credential")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    /// Too many failed attempts; retry after this many seconds.
    #[error("too many failed attempts; retry after {retry_after_secs} s")]
    Locked { retry_after_secs: u64 },
    #[error(transparent)]
    Controller(#[from] ControllerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The hub failed (a template that cannot be written, no random
    /// numbers); the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ValidationError> for ServiceError {
    fn from(e: ValidationError) -> Self {
        ServiceError::Invalid {
            code: e.code,
            field: e.field.to_owned(),
            message: e.to_string(),
        }
    }
}

impl ServiceError {
    /// An `invalid_field` refusal of `field`.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::invalid_coded(hub_proto::codes::INVALID_FIELD, field, message)
    }

    /// A refusal with a code of its own.
    pub(crate) fn invalid_coded(
        code: &'static str,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        ServiceError::Invalid {
            code,
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Who acts, as the audit log records it: the name in its `actor` column
/// (`token:ci`, `dashboard`), where from and — for the dashboard — which
/// session (a short digest, never the token) in its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub client: Option<std::net::IpAddr>,
    pub session: Option<String>,
}

impl Actor {
    /// An actor known by name only (a command on the server's host).
    pub fn named(name: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            client: None,
            session: None,
        }
    }

    /// `details` with where the action came from added (`client`,
    /// `session`).
    pub fn describe(&self, mut details: serde_json::Value) -> serde_json::Value {
        if let Some(obj) = details.as_object_mut() {
            if let Some(c) = self.client {
                obj.insert("client".into(), c.to_string().into());
            }
            if let Some(s) = &self.session {
                obj.insert("session".into(), s.clone().into());
            }
        }
        details
    }
}

/// Shorthand for service results.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
