//! The connection every store query runs on, over either engine: SQLite in
//! the data dir (the default) or PostgreSQL (several replicas, issue 23).
//!
//! The store's SQL is written once, in the dialect both engines share, with
//! SQLite's `?N` placeholders; on PostgreSQL each statement is rewritten
//! once (see [`super::pg`]) and cached prepared. Values go in and come out
//! as rusqlite's types on both engines, so every `ToSql`/`FromSql`
//! conversion the store relies on means the same on each.

use std::cell::RefCell;

use rusqlite::ToSql;
pub use rusqlite::params;
use rusqlite::types::{FromSql, Value, ValueRef};

use super::pg::Pg;

/// A failure of either engine.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    /// PostgreSQL refused a statement (as rewritten for it).
    #[error("postgres: {source} in: {sql}")]
    Prepare {
        sql: String,
        source: postgres::Error,
    },
    /// A query that must return a row returned none.
    #[error("the query returned no rows")]
    NoRows,
    /// A PostgreSQL value has a type the store never writes.
    #[error("column {column}: cannot read a PostgreSQL {ty}")]
    Unsupported { column: usize, ty: String },
}

type Result<T> = std::result::Result<T, DbError>;

/// One connection of the store's threads. Not `Sync`: each thread owns its
/// own, and closures borrow it for one call.
pub enum Connection {
    Lite(rusqlite::Connection),
    Pg(RefCell<Pg>),
}

impl Connection {
    /// The SQLite connection, for what only SQLite has (pragmas, the WAL,
    /// backups); `None` on PostgreSQL.
    pub fn lite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Connection::Lite(c) => Some(c),
            Connection::Pg(_) => None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Connection::Pg(_))
    }

    pub fn execute(&self, sql: &str, args: impl Args) -> Result<usize> {
        self.prepare_cached(sql)?.execute(args)
    }

    /// Runs statements without parameters; on PostgreSQL as one simple
    /// query, untranslated (the store's batches are plain SQL).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Connection::Lite(c) => Ok(c.execute_batch(sql)?),
            Connection::Pg(p) => Ok(p.borrow_mut().batch(sql)?),
        }
    }

    pub fn query_row<T, F>(&self, sql: &str, args: impl Args, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(args, f)
    }

    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        match self {
            Connection::Lite(c) => Ok(Stmt::Lite(LiteStmt::Plain(c.prepare(sql)?))),
            Connection::Pg(p) => Ok(Stmt::Pg(p, p.borrow_mut().prepare(sql)?)),
        }
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        match self {
            Connection::Lite(c) => Ok(Stmt::Lite(LiteStmt::Cached(c.prepare_cached(sql)?))),
            Connection::Pg(p) => Ok(Stmt::Pg(p, p.borrow_mut().prepare(sql)?)),
        }
    }
}

pub enum LiteStmt<'c> {
    Cached(rusqlite::CachedStatement<'c>),
    Plain(rusqlite::Statement<'c>),
}

/// A prepared statement of either engine.
pub enum Stmt<'c> {
    Lite(LiteStmt<'c>),
    Pg(&'c RefCell<Pg>, postgres::Statement),
}

impl<'c> LiteStmt<'c> {
    fn get(&mut self) -> &mut rusqlite::Statement<'c> {
        match self {
            LiteStmt::Cached(s) => s,
            LiteStmt::Plain(s) => s,
        }
    }
}

impl Stmt<'_> {
    /// Rows changed.
    pub fn execute(&mut self, args: impl Args) -> Result<usize> {
        let values = args.values();
        match self {
            Stmt::Lite(s) => Ok(s.get().execute(values.as_slice())?),
            Stmt::Pg(p, s) => {
                let n = p.borrow_mut().execute(s, &values)?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    pub fn query_row<T, F>(&mut self, args: impl Args, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        let mut rows = self.query(args)?;
        match rows.next()? {
            Some(r) => Ok(f(&r)?),
            None => Err(DbError::NoRows),
        }
    }

    /// Every row through `f`, all read before the first is handed out
    /// (the store's lists are bounded by their queries).
    pub fn query_map<T, F>(
        &mut self,
        args: impl Args,
        mut f: F,
    ) -> Result<std::vec::IntoIter<Result<T>>>
    where
        F: FnMut(&Row<'_>) -> rusqlite::Result<T>,
    {
        let mut rows = self.query(args)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(f(&r).map_err(DbError::from));
        }
        Ok(out.into_iter())
    }

    pub fn exists(&mut self, args: impl Args) -> Result<bool> {
        Ok(self.query(args)?.next()?.is_some())
    }

    pub fn query(&mut self, args: impl Args) -> Result<Rows<'_>> {
        let values = args.values();
        match self {
            Stmt::Lite(s) => Ok(Rows::Lite(s.get().query(values.as_slice())?)),
            Stmt::Pg(p, s) => Ok(Rows::Pg(p.borrow_mut().query(s, &values)?, 0)),
        }
    }
}

/// Rows of a query, read one at a time on SQLite; on PostgreSQL already
/// fetched and decoded.
pub enum Rows<'s> {
    Lite(rusqlite::Rows<'s>),
    Pg(Vec<Vec<Value>>, usize),
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Lite(r) => Ok(r.next()?.map(Row::Lite)),
            Rows::Pg(rows, at) => {
                let row = rows.get(*at).map(|v| Row::Pg(v.as_slice()));
                *at += 1;
                Ok(row)
            }
        }
    }
}

/// One row of a result.
pub enum Row<'a> {
    Lite(&'a rusqlite::Row<'a>),
    Pg(&'a [Value]),
}

/// A column index (by position: the store never reads by name).
pub trait Idx {
    fn idx(self) -> usize;
}

impl Idx for usize {
    fn idx(self) -> usize {
        self
    }
}

impl Row<'_> {
    /// Column `i` as `T`, with rusqlite's conversions on both engines.
    pub fn get<I: Idx, T: FromSql>(&self, i: I) -> rusqlite::Result<T> {
        let i = i.idx();
        match self {
            Row::Lite(r) => r.get(i),
            Row::Pg(values) => {
                let v = values
                    .get(i)
                    .ok_or(rusqlite::Error::InvalidColumnIndex(i))?;
                let r = ValueRef::from(v);
                T::column_result(r).map_err(|e| match e {
                    rusqlite::types::FromSqlError::InvalidType => {
                        rusqlite::Error::InvalidColumnType(i, String::new(), r.data_type())
                    }
                    other => {
                        rusqlite::Error::FromSqlConversionFailure(i, r.data_type(), Box::new(other))
                    }
                })
            }
        }
    }
}

/// `optional()` on a query that may find nothing, as with rusqlite.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) | Err(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// A statement's parameters: what `params![…]`, `[a, b]`, `[]` and a
/// slice of values give, as on rusqlite.
pub trait Args {
    fn values(&self) -> Vec<&dyn ToSql>;
}

impl Args for &[&dyn ToSql] {
    fn values(&self) -> Vec<&dyn ToSql> {
        self.to_vec()
    }
}

impl Args for &[Value] {
    fn values(&self) -> Vec<&dyn ToSql> {
        self.iter().map(|v| v as &dyn ToSql).collect()
    }
}

impl Args for [&(dyn ToSql + Send + Sync); 0] {
    fn values(&self) -> Vec<&dyn ToSql> {
        Vec::new()
    }
}

macro_rules! array_args {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Args for [T; $n] {
            fn values(&self) -> Vec<&dyn ToSql> {
                self.iter().map(|v| v as &dyn ToSql).collect()
            }
        }
    )*};
}

array_args!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
