//! Infra backups: kept verbatim (compressed, then sealed: they hold the
//! restic passwords), the newest one served.

use super::db::params;
use jiff::Timestamp;
use serde_json::value::RawValue;

use super::customers::{ensure_customer, lookup};
use super::reports::readable;
use super::secrets::infra_place;
use super::{Result, Store, StoreError, ms};

impl Store {
    /// Stores a pushed infra backup; `raw` is the request body as received.
    pub async fn insert_infra_backup(
        &self,
        customer_id: String,
        created_at: Timestamp,
        received_at: Timestamp,
        raw: Vec<u8>,
    ) -> Result<()> {
        let body = self.codec().compress_plain(&raw)?;
        let seal = self.sealer().clone();
        self.write(move |c, _| {
            let cust = ensure_customer(c, &customer_id, received_at)?;
            // The row id is part of what the seal binds to: take the next
            // one now (the writer is the only one inserting).
            let id: i64 = c
                .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM infra_backups")?
                .query_row([], |r| r.get(0))?;
            let sealed = seal.seal(&infra_place(&customer_id, id), &body)?;
            c.prepare_cached(
                "INSERT INTO infra_backups (id, customer, created_at, received_at, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                cust.id,
                ms(created_at),
                ms(received_at),
                sealed
            ])?;
            Ok(())
        })
        .await
    }

    /// The newest readable infra backup's body exactly as it was pushed. A
    /// damaged newest row falls back to the one before it: a node being
    /// rebuilt is better served by yesterday's backup than by an error.
    pub async fn latest_infra_backup(&self, customer_id: String) -> Result<Option<Box<RawValue>>> {
        let codec = self.codec().clone();
        let seal = self.sealer().clone();
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached(
                "SELECT id, body FROM infra_backups WHERE customer = ?1 \
                 ORDER BY min(created_at, received_at) DESC, id DESC",
            )?;
            let mut rows = stmt.query([cust.id])?;
            while let Some(row) = rows.next()? {
                let (id, body): (i64, Vec<u8>) = (row.get(0)?, row.get(1)?);
                let opened = seal.open(&infra_place(&customer_id, id), &body);
                let plain = opened
                    .map_err(StoreError::from)
                    .and_then(|b| codec.decompress(0, &b));
                if let Some(v) = readable(&customer_id, plain) {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        })
        .await
    }
}
