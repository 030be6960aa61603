//! The PostgreSQL side of [`super::db`]: one synchronous client per store
//! thread, the store's SQL rewritten into PostgreSQL's dialect once per
//! statement, values bound by the type PostgreSQL infers for each
//! parameter and read back as rusqlite values.

use std::collections::HashMap;
use std::error::Error;

use bytes::{BufMut, BytesMut};
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Statement};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

use super::db::DbError;

/// Statements kept prepared per connection at most; the store's are
/// static text, a few built with a varying number of placeholders.
const CACHE: usize = 256;

type BoxError = Box<dyn Error + Sync + Send>;

pub struct Pg {
    client: Client,
    cache: HashMap<String, Statement>,
}

/// A connection for one of the store's threads.
pub fn connect(url: &str) -> Result<Pg, DbError> {
    let mut config: postgres::Config = url.parse()?;
    config.application_name("felhom-hub");
    let client = config.connect(postgres::NoTls)?;
    Ok(Pg {
        client,
        cache: HashMap::new(),
    })
}

/// The database a URL names, without its user and password: for messages.
pub fn describe(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            u.path()
        ),
        Err(_) => "the PostgreSQL database".into(),
    }
}

impl Pg {
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    pub fn prepare(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.cache.get(sql) {
            return Ok(s.clone());
        }
        let pg = translate(sql);
        let s = self
            .client
            .prepare(&pg)
            .map_err(|source| DbError::Prepare { sql: pg, source })?;
        if self.cache.len() >= CACHE {
            self.cache.clear();
        }
        self.cache.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    pub fn batch(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.client.batch_execute(sql)
    }

    pub fn execute(
        &mut self,
        s: &Statement,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<u64, DbError> {
        let binds = binds(values)?;
        let refs: Vec<&(dyn ToSql + Sync)> = binds.iter().map(|b| b as _).collect();
        Ok(self.client.execute(s, &refs)?)
    }

    pub fn query(
        &mut self,
        s: &Statement,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Vec<Value>>, DbError> {
        let binds = binds(values)?;
        let refs: Vec<&(dyn ToSql + Sync)> = binds.iter().map(|b| b as _).collect();
        let rows = self.client.query(s, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut cells = Vec::with_capacity(row.len());
            for i in 0..row.len() {
                let Cell(v) = row.try_get(i).map_err(|_| DbError::Unsupported {
                    column: i,
                    ty: row.columns()[i].type_().name().to_owned(),
                })?;
                cells.push(v);
            }
            out.push(cells);
        }
        Ok(out)
    }
}

fn binds(values: &[&dyn rusqlite::ToSql]) -> Result<Vec<Bind>, DbError> {
    values
        .iter()
        .map(|v| {
            Ok(Bind(match v.to_sql()? {
                ToSqlOutput::Borrowed(r) => match r {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Integer(i),
                    ValueRef::Real(f) => Value::Real(f),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                },
                ToSqlOutput::Owned(v) => v,
                _ => {
                    return Err(DbError::Unsupported {
                        column: 0,
                        ty: "parameter".into(),
                    });
                }
            }))
        })
        .collect()
}

/// A parameter as the store gave it, written as whatever type PostgreSQL
/// inferred for its place: SQLite's integers stand for booleans too, its
/// text for JSON.
#[derive(Debug)]
struct Bind(Value);

impl ToSql for Bind {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match &self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => int(*i, ty, out),
            Value::Real(f) => {
                if *ty == Type::FLOAT4 {
                    (*f as f32).to_sql(ty, out)
                } else if *ty == Type::FLOAT8 {
                    f.to_sql(ty, out)
                } else if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    int(*f as i64, ty, out)
                } else {
                    text(&f.to_string(), ty, out)
                }
            }
            Value::Text(s) => text(s, ty, out),
            Value::Blob(b) => {
                if *ty == Type::BYTEA {
                    b.as_slice().to_sql(ty, out)
                } else {
                    text(std::str::from_utf8(b)?, ty, out)
                }
            }
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn int(i: i64, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    if *ty == Type::INT8 {
        i.to_sql(ty, out)
    } else if *ty == Type::INT4 {
        i32::try_from(i)?.to_sql(ty, out)
    } else if *ty == Type::INT2 {
        i16::try_from(i)?.to_sql(ty, out)
    } else if *ty == Type::BOOL {
        (i != 0).to_sql(ty, out)
    } else if *ty == Type::FLOAT8 {
        (i as f64).to_sql(ty, out)
    } else if *ty == Type::FLOAT4 {
        (i as f32).to_sql(ty, out)
    } else {
        text(&i.to_string(), ty, out)
    }
}

fn text(s: &str, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    if *ty == Type::JSONB {
        out.put_u8(1);
        out.put_slice(s.as_bytes());
        Ok(IsNull::No)
    } else if *ty == Type::JSON || *ty == Type::BYTEA {
        out.put_slice(s.as_bytes());
        Ok(IsNull::No)
    } else if *ty == Type::INT8 || *ty == Type::INT4 || *ty == Type::INT2 {
        int(s.trim().parse()?, ty, out)
    } else if *ty == Type::FLOAT8 {
        s.trim().parse::<f64>()?.to_sql(ty, out)
    } else {
        // text, varchar, name, unknown: as written.
        out.put_slice(s.as_bytes());
        Ok(IsNull::No)
    }
}

/// A column read as the SQLite value it stands for.
struct Cell(Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let v = if *ty == Type::BOOL {
            Value::Integer(i64::from(bool::from_sql(ty, raw)?))
        } else if *ty == Type::INT8 {
            Value::Integer(i64::from_sql(ty, raw)?)
        } else if *ty == Type::INT4 {
            Value::Integer(i64::from(i32::from_sql(ty, raw)?))
        } else if *ty == Type::INT2 {
            Value::Integer(i64::from(i16::from_sql(ty, raw)?))
        } else if *ty == Type::FLOAT8 {
            Value::Real(f64::from_sql(ty, raw)?)
        } else if *ty == Type::FLOAT4 {
            Value::Real(f64::from(f32::from_sql(ty, raw)?))
        } else if *ty == Type::BYTEA {
            Value::Blob(raw.to_vec())
        } else if *ty == Type::JSONB {
            match raw.split_first() {
                Some((1, rest)) => Value::Text(std::str::from_utf8(rest)?.to_owned()),
                _ => return Err("unknown jsonb version".into()),
            }
        } else if *ty == Type::NUMERIC {
            numeric(raw)?
        } else {
            // text, varchar, bpchar, name, json, unknown: UTF-8 text.
            Value::Text(std::str::from_utf8(raw)?.to_owned())
        };
        Ok(Cell(v))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::BOOL,
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::FLOAT4,
            Type::FLOAT8,
            Type::BYTEA,
            Type::JSON,
            Type::JSONB,
            Type::NUMERIC,
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
        ]
        .contains(ty)
    }
}

/// PostgreSQL's binary NUMERIC (what `sum` of integers gives): an integer
/// when it has no fraction, else a float.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<i16, BoxError> {
        let b = raw.get(i * 2..i * 2 + 2).ok_or("short numeric")?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    };
    let (ndigits, weight, sign) = (word(0)?, word(1)?, word(2)? as u16);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut whole: i128 = 0;
    let mut value = 0f64;
    let mut integral = true;
    for d in 0..ndigits.max(0) as usize {
        let digit = word(4 + d)?;
        let power = i32::from(weight) - d as i32;
        value += f64::from(digit) * 10000f64.powi(power);
        if power >= 0 {
            whole = whole
                .checked_mul(10000)
                .and_then(|w| w.checked_add(i128::from(digit)))
                .ok_or("numeric out of range")?;
        } else if digit != 0 {
            integral = false;
        }
    }
    let last_power = i32::from(weight) - i32::from(ndigits) + 1;
    if integral && last_power > 0 {
        whole = whole
            .checked_mul(10000i128.pow(last_power as u32))
            .ok_or("numeric out of range")?;
    }
    let negative = sign == 0x4000;
    match i64::try_from(if negative { -whole } else { whole }) {
        Ok(i) if integral => Ok(Value::Integer(i)),
        _ => Ok(Value::Real(if negative { -value } else { value })),
    }
}

/// The store's SQL in PostgreSQL's dialect: `?N` becomes `$N`, scalar
/// `max(a, b)`/`min(a, b)` become `greatest`/`least`, and
/// `json_extract(x, '$.k')` becomes `(x)::jsonb ->> 'k'`. Everything else
/// the store writes is already common to both.
pub fn translate(sql: &str) -> String {
    let placeholders = placeholders(sql);
    let scalars = scalar_minmax(&placeholders);
    json_extract(&scalars)
}

fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quoted = false;
    let mut next = 0;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\'' {
            quoted = !quoted;
        }
        if ch == '?' && !quoted {
            out.push('$');
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            if digits.is_empty() {
                next += 1;
                out.push_str(&next.to_string());
            } else {
                next = digits.parse().unwrap_or(next);
                out.push_str(&digits);
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// Byte offsets of the call `name(` (a whole word) from `from`, with the
/// offset of its closing paren and of its top-level commas.
fn call(sql: &str, name: &str, from: usize) -> Option<(usize, usize, Vec<usize>)> {
    let lower = sql.to_ascii_lowercase();
    let mut at = from;
    loop {
        let start = at + lower.get(at..)?.find(&format!("{name}("))?;
        let word_start = start == 0
            || !lower.as_bytes()[start - 1].is_ascii_alphanumeric()
                && lower.as_bytes()[start - 1] != b'_';
        if word_start {
            let open = start + name.len();
            let (mut depth, mut quoted, mut commas) = (0i32, false, Vec::new());
            for (i, b) in sql.bytes().enumerate().skip(open) {
                match b {
                    b'\'' => quoted = !quoted,
                    b'(' if !quoted => depth += 1,
                    b')' if !quoted => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((start, i, commas));
                        }
                    }
                    b',' if !quoted && depth == 1 => commas.push(i),
                    _ => {}
                }
            }
            return None;
        }
        at = start + 1;
    }
}

fn scalar_minmax(sql: &str) -> String {
    let mut s = sql.to_owned();
    for (name, pg) in [("max", "greatest"), ("min", "least")] {
        let mut from = 0;
        while let Some((start, _, commas)) = call(&s, name, from) {
            if commas.is_empty() {
                from = start + 1;
            } else {
                s.replace_range(start..start + name.len(), pg);
                from = start + pg.len();
            }
        }
    }
    s
}

fn json_extract(sql: &str) -> String {
    let mut s = sql.to_owned();
    while let Some((start, close, commas)) = call(&s, "json_extract", 0) {
        let Some(&comma) = commas.first() else { break };
        let doc = s[start + "json_extract(".len()..comma].trim().to_owned();
        let path = s[comma + 1..close].trim();
        let key = path
            .trim_matches('\'')
            .trim_start_matches("$.")
            .replace('\'', "''");
        s.replace_range(start..=close, &format!("(({doc})::jsonb ->> '{key}')"));
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_store_dialect_is_rewritten_for_postgres() {
        assert_eq!(
            translate("SELECT max(a, ?2), max(b) FROM t WHERE x = ?1 AND y = '?'"),
            "SELECT greatest(a, $2), max(b) FROM t WHERE x = $1 AND y = '?'"
        );
        assert_eq!(
            translate("SELECT coalesce(json_extract(d.alert, '$.subject'), '') FROM d"),
            "SELECT coalesce(((d.alert)::jsonb ->> 'subject'), '') FROM d"
        );
        assert_eq!(translate("VALUES (?, ?)"), "VALUES ($1, $2)");
        assert_eq!(
            translate("SELECT min(x, max(y, 1)), admin(z) FROM t"),
            "SELECT least(x, greatest(y, 1)), admin(z) FROM t"
        );
    }

    #[test]
    fn numeric_sums_read_back_as_integers() {
        // 1234 5678: ndigits 2, weight 1, positive, scale 0.
        let raw = [0, 2, 0, 1, 0, 0, 0, 0, 0x04, 0xD2, 0x16, 0x2E];
        assert_eq!(numeric(&raw).unwrap(), Value::Integer(12_345_678));
        // 20000: one digit 2 with weight 1.
        let raw = [0, 1, 0, 1, 0x40, 0, 0, 0, 0, 2];
        assert_eq!(numeric(&raw).unwrap(), Value::Integer(-20_000));
        // zero: no digits.
        assert_eq!(
            numeric(&[0, 0, 0, 0, 0, 0, 0, 0]).unwrap(),
            Value::Integer(0)
        );
    }
}
