//! Infra backups: kept verbatim (compressed), the newest one served.

use jiff::Timestamp;
use rusqlite::params;
use serde_json::value::RawValue;

use super::customers::{ensure_customer, lookup};
use super::reports::readable;
use super::{Result, Store, ms};

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
        self.write(move |c| {
            let cust = ensure_customer(c, &customer_id, received_at)?;
            c.prepare_cached(
                "INSERT INTO infra_backups (customer, created_at, received_at, body) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![cust.id, ms(created_at), ms(received_at), body])?;
            Ok(())
        })
        .await
    }

    /// The newest readable infra backup's body exactly as it was pushed. A
    /// damaged newest row falls back to the one before it: a node being
    /// rebuilt is better served by yesterday's backup than by an error.
    pub async fn latest_infra_backup(&self, customer_id: String) -> Result<Option<Box<RawValue>>> {
        let codec = self.codec().clone();
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached(
                "SELECT body FROM infra_backups WHERE customer = ?1 \
                 ORDER BY created_at DESC, id DESC",
            )?;
            let mut rows = stmt.query([cust.id])?;
            while let Some(row) = rows.next()? {
                let body: Vec<u8> = row.get(0)?;
                if let Some(v) = readable(&customer_id, codec.decompress(0, &body)) {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        })
        .await
    }
}
