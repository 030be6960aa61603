use thiserror::Error;

/// A request body that parsed but breaks a rule of the protocol. `field`
/// names the offending field so the error message can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A request body that belongs to one customer: the server checks the
/// caller may act for `customer_id()` after `validate()` passed.
pub trait CustomerScoped {
    fn customer_id(&self) -> &str;
    fn validate(&self) -> Result<(), ValidationError>;
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
        Err(ValidationError::new(
            "customer_id",
            "must match ^[a-z0-9][a-z0-9-]{0,62}$",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
