//! Deserializers that accept what Go's `encoding/json` produces for the
//! controller's structs (PROTOCOL.md "Conventions"): a nil slice, map or
//! pointer is `null`, numbers of a `float64` field are whole-valued floats
//! (`864000.0`), and an unset string is `""`. Each of those would otherwise
//! reject a whole report for a cosmetic difference. Anything that is not a
//! Go rendering of a valid value (a fraction for a count, a negative size, a
//! string for a number) is still refused.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// `null` means the type's empty value (`[]`, `{}`, `""`, `false`, `0`).
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A non-negative whole number, also from a whole-valued float; `null` is 0.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(d.deserialize_any(CountVisitor)?.unwrap_or(0))
}

/// Like [`count`], but `null` (or absence) stays `None`.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(CountVisitor)
}

/// Like [`opt_count`] for a field that must fit 32 bits.
pub fn opt_count_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match d.deserialize_any(CountVisitor)? {
        None => Ok(None),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| de::Error::custom(format!("{n} is too large"))),
    }
}

/// An optional identifier where `""` (Go's unset string) means absent.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

struct CountVisitor;

/// 2^64 as a float: every whole float below it converts to `u64` exactly.
const U64_LIMIT: f64 = 18_446_744_073_709_551_616.0;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a non-negative whole number")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && (0.0..U64_LIMIT).contains(&v) {
            // Whole and in range, so the conversion is exact.
            Ok(Some(v as u64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "super::count")]
        n: u64,
        #[serde(default, deserialize_with = "super::opt_count")]
        o: Option<u64>,
        #[serde(default, deserialize_with = "super::null_default")]
        v: Vec<u8>,
        #[serde(default, deserialize_with = "super::opt_id")]
        id: Option<String>,
    }

    fn parse(s: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(s)
    }

    #[test]
    fn go_renderings_are_accepted() {
        let t = parse(r#"{"n": 864000.0, "o": 3.0, "v": null, "id": ""}"#).unwrap();
        assert_eq!(
            t,
            T {
                n: 864000,
                o: Some(3),
                v: vec![],
                id: None
            }
        );
        let t = parse(r#"{"n": null, "o": null, "id": "abc"}"#).unwrap();
        assert_eq!((t.n, t.o, t.id.as_deref()), (0, None, Some("abc")));
        assert_eq!(parse("{}").unwrap().o, None);
    }

    #[test]
    fn what_go_would_not_produce_is_refused() {
        for bad in [
            r#"{"n": 1.5}"#,
            r#"{"n": -1}"#,
            r#"{"n": -1.0}"#,
            r#"{"n": "5"}"#,
            r#"{"n": 1e300}"#,
            r#"{"o": true}"#,
            r#"{"v": 5}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
