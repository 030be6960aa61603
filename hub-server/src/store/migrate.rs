//! Forward-only schema migrations: `migrations/NNNN-name/up.sql` for SQLite
//! and `migrations-pg/NNNN-name/up.sql` for PostgreSQL, embedded at compile
//! time and applied in name order. The count applied is kept in `PRAGMA
//! user_version` (SQLite) or `hub_schema` (PostgreSQL); a database from a
//! newer hub is refused untouched.

use std::path::Path;

use include_dir::{Dir, include_dir};
use rusqlite::{Connection, TransactionBehavior};

use super::db::DbError;
use super::{Result, StoreError};

static MIGRATIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../migrations");
static MIGRATIONS_PG: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../migrations-pg");

/// The embedded SQLite migrations as (name, sql), in the order they apply.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    in_order(&MIGRATIONS)
}

fn in_order(dir: &'static Dir<'static>) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = dir
        .dirs()
        .filter_map(|d| {
            let name = d.path().to_str()?;
            let sql = d.get_file(d.path().join("up.sql"))?.contents_utf8()?;
            Some((name, sql))
        })
        .collect();
    out.sort_by_key(|(name, _)| *name);
    out
}

/// Applies what is missing, one migration per `BEGIN IMMEDIATE`
/// transaction that first re-reads the version: two processes starting on
/// a fresh data dir (the server and `hub-server token create`, say)
/// serialize on the write lock instead of both creating the same tables.
pub fn run(conn: &mut Connection, path: &Path) -> Result<()> {
    let migrations = embedded();
    let known = migrations.len() as i64;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > known {
            return Err(StoreError::NewerSchema {
                path: path.to_owned(),
                found,
                known,
            });
        }
        let Some((name, sql)) = migrations.get(found as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
        tracing::info!(migration = name, "store: applied migration");
    }
}

/// Any fixed number: the advisory lock replicas starting together take
/// while one of them migrates.
const PG_LOCK: i64 = 0x6665_6c68_6f6d; // "felhom"

/// [`run`] for PostgreSQL: every missing migration in one transaction under
/// an advisory lock, so replicas starting together apply each once and the
/// others wait, then find nothing to do.
pub fn run_pg(client: &mut postgres::Client, what: &str) -> Result<()> {
    let migrations = in_order(&MIGRATIONS_PG);
    let known = migrations.len() as i64;
    let mut tx = client.transaction().map_err(DbError::from)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PG_LOCK])
        .map_err(DbError::from)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS hub_schema (version BIGINT NOT NULL); \
         INSERT INTO hub_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM hub_schema)",
    )
    .map_err(DbError::from)?;
    let found: i64 = tx
        .query_one("SELECT version FROM hub_schema", &[])
        .map_err(DbError::from)?
        .get(0);
    if found > known {
        return Err(StoreError::NewerSchema {
            path: what.into(),
            found,
            known,
        });
    }
    for (name, sql) in migrations.iter().skip(found as usize) {
        tx.batch_execute(sql).map_err(DbError::from)?;
        tracing::info!(migration = name, "store: applied migration");
    }
    tx.execute("UPDATE hub_schema SET version = $1", &[&known])
        .map_err(DbError::from)?;
    tx.commit().map_err(DbError::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database_and_refuse_newer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        run(&mut conn, &path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, embedded().len() as i64);
        // Idempotent on a second start.
        run(&mut conn, &path).unwrap();
        // A second process starting on the same file at the same time
        // waits for the first and applies nothing twice.
        let racers: Vec<_> = (0..4)
            .map(|_| {
                let path = dir.path().join("race.db");
                std::thread::spawn(move || {
                    let mut c = Connection::open(&path).unwrap();
                    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
                    run(&mut c, &path)
                })
            })
            .collect();
        for r in racers {
            r.join().unwrap().unwrap();
        }
        conn.pragma_update(None, "user_version", v + 1).unwrap();
        let err = run(&mut conn, &path).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
        assert!(err.to_string().contains("newer"));
    }
}
