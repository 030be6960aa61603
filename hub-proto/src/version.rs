//! Controller versions: `1.8.2` or `v1.8.2`. Pre-releases and anything else
//! are not versions for "update available" purposes.

/// `(major, minor, patch)`, comparable.
pub type Version = (u64, u64, u64);

pub fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts = s.split('.');
    let v = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    parts.next().is_none().then_some(v)
}

/// Whether a controller at `current` should update to `newest`.
pub fn update_available(current: Option<&str>, newest: Option<Version>) -> bool {
    match (current.and_then(parse_version), newest) {
        (Some(c), Some(n)) => c < n,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("1.8.2"), Some((1, 8, 2)));
        assert_eq!(parse_version("v1.10.0"), Some((1, 10, 0)));
        for bad in ["latest", "1.8", "1.8.2-rc1", "1.8.2.1", "", "sha-abc"] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
        assert!(update_available(Some("1.8.2"), Some((1, 10, 0))));
        assert!(!update_available(Some("1.10.0"), Some((1, 10, 0))));
        assert!(!update_available(Some("dev"), Some((1, 10, 0))));
        assert!(!update_available(Some("1.0.0"), None));
    }
}
