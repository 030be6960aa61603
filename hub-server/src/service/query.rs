//! The filters of the list reads, from a query string: one parser for the
//! admin API (and so `hubctl`) and the dashboard's list pages, so the same
//! `?customer=…&severity=…&limit=…` means the same thing on both.

use std::collections::HashMap;

use jiff::Timestamp;

use super::ServiceError;
use crate::store::EventFilter;

type Result<T> = std::result::Result<T, ServiceError>;

/// A query string's values; an empty value counts as absent (an empty
/// field of a GET form).
pub type Params = HashMap<String, String>;

fn get<'a>(q: &'a Params, key: &str) -> Option<&'a str> {
    q.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

/// `limit`: 1 to 1000, 100 when absent.
pub fn limit(q: &Params) -> Result<usize> {
    match get(q, "limit") {
        None => Ok(100),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| ServiceError::invalid("limit", "limit must be 1 to 1000")),
    }
}

/// An RFC 3339 time (`since`, `until`).
pub fn time(q: &Params, key: &str) -> Result<Option<Timestamp>> {
    get(q, key)
        .map(|v| {
            v.parse::<Timestamp>().map_err(|_| {
                ServiceError::invalid(key, format!("{key}: `{v}` is not an RFC 3339 timestamp"))
            })
        })
        .transpose()
}

/// `cursor`: the previous page's `next_cursor`.
pub fn cursor(q: &Params) -> Result<Option<i64>> {
    get(q, "cursor")
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ServiceError::invalid("cursor", "cursor must be a number from next_cursor")
            })
        })
        .transpose()
}

/// `customer`.
pub fn customer(q: &Params) -> Option<String> {
    get(q, "customer").map(str::to_owned)
}

/// The events filter: `customer`, `severity`, `type`, `since`, `until`,
/// `cursor`, `limit` (the values are checked by `views::events`).
pub fn events(q: &Params) -> Result<EventFilter> {
    Ok(EventFilter {
        customer_id: customer(q),
        severity: get(q, "severity").map(str::to_owned),
        event_type: get(q, "type").map(str::to_owned),
        since: time(q, "since")?,
        until: time(q, "until")?,
        before_id: cursor(q)?,
        limit: limit(q)?,
    })
}
