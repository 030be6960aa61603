//! The stable `code` of every error body ([`crate::ErrorBody`]): scripts
//! branch on these, so each is a constant here, beside the wire types, and
//! never derived from a Rust name. docs/api.md lists when each is answered.

pub const MALFORMED_JSON: &str = "malformed_json";
pub const INVALID_JSON: &str = "invalid_json";
pub const BAD_REQUEST: &str = "bad_request";
/// A field missing, of the wrong type or value; the message names it.
pub const INVALID_FIELD: &str = "invalid_field";
pub const INVALID_CUSTOMER_ID: &str = "invalid_customer_id";
/// An unknown event type, or one only the hub may emit.
pub const INVALID_EVENT_TYPE: &str = "invalid_event_type";
pub const INVALID_SEVERITY: &str = "invalid_severity";
pub const INVALID_PERIOD: &str = "invalid_period";
pub const UNAUTHORIZED: &str = "unauthorized";
pub const FORBIDDEN: &str = "forbidden";
pub const NOT_FOUND: &str = "not_found";
pub const CONFLICT: &str = "conflict";
pub const CONTROLLER_ERROR: &str = "controller_error";
pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
pub const BODY_TIMEOUT: &str = "body_timeout";
pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
pub const UNAVAILABLE: &str = "unavailable";
pub const OVERLOADED: &str = "overloaded";
pub const INTERNAL: &str = "internal";

/// The code of a body field that failed to parse, by its name on the wire
/// (`event_type`, `severity`, `customer_id` are part of PROTOCOL.md and
/// have codes of their own; any other field is `invalid_field`).
pub fn for_wire_field(path: &str) -> &'static str {
    match path {
        "event_type" => INVALID_EVENT_TYPE,
        "severity" => INVALID_SEVERITY,
        "customer_id" => INVALID_CUSTOMER_ID,
        _ => INVALID_FIELD,
    }
}
