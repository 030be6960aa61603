//! Infra backups: kept verbatim (compressed), the newest one served.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::customers::{ensure_customer, lookup};
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

    /// The newest infra backup's body exactly as it was pushed.
    pub async fn latest_infra_backup(&self, customer_id: String) -> Result<Option<String>> {
        let codec = self.codec().clone();
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            let body: Option<Vec<u8>> = c
                .prepare_cached(
                    "SELECT body FROM infra_backups WHERE customer = ?1 \
                     ORDER BY created_at DESC, id DESC LIMIT 1",
                )?
                .query_row([cust.id], |r| r.get(0))
                .optional()?;
            body.map(|b| {
                String::from_utf8(codec.decompress(0, &b)?)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .transpose()
        })
        .await
    }
}
