use jiff::{SignedDuration, Timestamp};
use thiserror::Error;

/// A request body that parsed but breaks a rule of the protocol. `field`
/// names the offending field so the error message can point at it; `code`
/// is the error body's stable code ([`crate::codes`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
    pub code: &'static str,
}

impl ValidationError {
    /// An `invalid_field` error.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self::coded(crate::codes::INVALID_FIELD, field, message)
    }

    /// An error with a code of its own.
    pub fn coded(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
            code,
        }
    }
}

/// A request body that belongs to one customer: the server checks the
/// caller may act for `customer_id()` after `validate()` passed. `now` is
/// the receiver's clock, for the timestamp rule.
pub trait CustomerScoped {
    fn customer_id(&self) -> &str;
    fn validate(&self, now: Timestamp) -> Result<(), ValidationError>;
}

/// Earliest timestamp a body may carry: Go's zero time (`0001-01-01`) and
/// other unset clocks are refused rather than stored as history.
pub const EARLIEST: Timestamp = Timestamp::constant(946_684_800, 0);

/// How far ahead of the hub's clock a timestamp may be (a node's clock
/// drifts, but not by days).
pub const MAX_FUTURE: SignedDuration = SignedDuration::from_hours(24);

/// PROTOCOL.md: timestamps before 2000-01-01 or more than 24 h after `now`
/// are a 400.
pub fn validate_timestamp(
    field: &'static str,
    t: Timestamp,
    now: Timestamp,
) -> Result<(), ValidationError> {
    if t < EARLIEST {
        return Err(ValidationError::new(
            field,
            format!("{t} is before 2000-01-01 (an unset clock?)"),
        ));
    }
    if now.checked_add(MAX_FUTURE).is_ok_and(|limit| t > limit) {
        return Err(ValidationError::new(
            field,
            format!("{t} is more than 24 h after the hub's time {now}"),
        ));
    }
    Ok(())
}

/// Checks `^[a-z0-9][a-z0-9-]{0,62}$` without a regex engine: ids are also
/// path segments and file names, so nothing else may pass.
pub fn validate_customer_id(id: &str) -> Result<(), ValidationError> {
    let bytes = id.as_bytes();
    let ok = match bytes.split_first() {
        None => false,
        Some((first, rest)) => {
            (first.is_ascii_lowercase() || first.is_ascii_digit())
                && rest.len() <= 62
                && rest
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::coded(
            crate::codes::INVALID_CUSTOMER_ID,
            "customer_id",
            "must match ^[a-z0-9][a-z0-9-]{0,62}$",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_window() {
        let now: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap_or(EARLIEST);
        let ok = |s: &str| validate_timestamp("t", s.parse().unwrap_or(EARLIEST), now).is_ok();
        assert!(ok("2000-01-01T00:00:00Z"));
        assert!(ok("2026-11-28T10:00:00Z"));
        assert!(!ok("1999-12-31T23:59:59Z"));
        assert!(!ok("0001-01-01T00:00:00Z"));
        assert!(!ok("2026-11-28T10:00:01Z"));
    }

    #[test]
    fn customer_id_pattern() {
        for ok in ["a", "0", "kovacs-csalad", "a-", &"a".repeat(63)] {
            assert!(validate_customer_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "Kovacs",
            "a_b",
            "a b",
            "á",
            "a/b",
            &"a".repeat(64),
            "../x",
        ] {
            assert!(validate_customer_id(bad).is_err(), "{bad}");
        }
    }
}
