//! Forward-only schema migrations: `migrations/NNNN-name/up.sql`, embedded at
//! compile time and applied in name order. The count applied is kept in
//! `PRAGMA user_version`; a database from a newer hub is refused untouched.

use std::path::Path;

use include_dir::{Dir, include_dir};
use rusqlite::Connection;

use super::{Result, StoreError};

static MIGRATIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../migrations");

/// The embedded migrations as (name, sql), in the order they apply.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = MIGRATIONS
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

pub fn run(conn: &mut Connection, path: &Path) -> Result<()> {
    let migrations = embedded();
    let known = migrations.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            known,
        });
    }
    for (i, (name, sql)) in migrations.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = name, "store: applied migration");
    }
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
        conn.pragma_update(None, "user_version", v + 1).unwrap();
        let err = run(&mut conn, &path).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
        assert!(err.to_string().contains("newer"));
    }
}
