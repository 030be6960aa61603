//! What the status links need from the database: their signing key
//! (random, made once, sealed) and each customer's revocation counter.

use super::db::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

use super::{Result, Store, StoreError};
use crate::secrets::cipher::{Place, Sealer};

const PLACE: Place<'static> = Place {
    table: "status_link_key",
    column: "sealed",
    customer: "",
    row: 1,
};

impl Store {
    /// The links' signing key, made on first use.
    pub async fn status_link_key(&self) -> Result<Zeroizing<[u8; 32]>> {
        if let Some(k) = self.inner.link_key.get() {
            return Ok(k.clone());
        }
        let sealer = self.sealer().clone();
        let key = self.write(move |c, _| link_key(c, &sealer)).await?;
        Ok(self.inner.link_key.get_or_init(|| key).clone())
    }

    /// A token for `customer_id`'s page valid until `expires_at`, under its
    /// current revocation counter; `None` for an unknown customer.
    pub async fn status_link_token(
        &self,
        customer_id: String,
        expires_at: jiff::Timestamp,
    ) -> Result<Option<String>> {
        let key = self.status_link_key().await?;
        let Some((epoch, _)) = self.status_link_epoch(customer_id.clone()).await? else {
            return Ok(None);
        };
        let claims = crate::status_link::LinkClaims {
            customer_id,
            expires_at,
            epoch,
        };
        Ok(Some(crate::status_link::sign(&key, &claims)))
    }

    /// A customer's revocation counter and whether it is blocked; `None`
    /// for an unknown customer.
    pub async fn status_link_epoch(&self, customer_id: String) -> Result<Option<(u32, bool)>> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT status_link_epoch, blocked FROM customers WHERE customer_id = ?1",
            )?
            .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
        })
        .await
    }

    /// When the hub first knew of a customer (its first report or config).
    pub async fn customer_since(&self, customer_id: String) -> Result<Option<jiff::Timestamp>> {
        self.read(move |c| {
            let at: Option<i64> = c
                .prepare_cached("SELECT created_at FROM customers WHERE customer_id = ?1")?
                .query_row([customer_id], |r| r.get(0))
                .optional()?;
            Ok(at.map(super::from_ms))
        })
        .await
    }

    /// Ends every earlier link of a customer; returns the new counter
    /// (`None`: unknown customer).
    pub async fn revoke_status_links(&self, customer_id: String) -> Result<Option<u32>> {
        self.write(move |c, _| {
            let n = c
                .prepare_cached(
                    "UPDATE customers SET status_link_epoch = status_link_epoch + 1 \
                     WHERE customer_id = ?1",
                )?
                .execute([&customer_id])?;
            if n == 0 {
                return Ok(None);
            }
            Ok(Some(
                c.prepare_cached("SELECT status_link_epoch FROM customers WHERE customer_id = ?1")?
                    .query_row([&customer_id], |r| r.get(0))?,
            ))
        })
        .await
    }
}

/// The signing key, made and sealed on first use (inside one write, so
/// two first uses cannot make two keys).
fn link_key(c: &Connection, sealer: &Sealer) -> Result<Zeroizing<[u8; 32]>> {
    let sealed: Option<Vec<u8>> = c
        .prepare_cached("SELECT sealed FROM status_link_key WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let sealed = match sealed {
        Some(s) => s,
        None => {
            let mut key = Zeroizing::new([0u8; 32]);
            getrandom::fill(key.as_mut())
                .map_err(|e| StoreError::Corrupt(format!("no random numbers: {e}")))?;
            let s = sealer.seal(&PLACE, key.as_ref())?;
            c.execute(
                "INSERT INTO status_link_key (id, sealed) VALUES (1, ?1)",
                [&s],
            )?;
            s
        }
    };
    let plain = sealer.open(&PLACE, &sealed)?;
    let mut key = Zeroizing::new([0u8; 32]);
    if plain.len() != 32 {
        return Err(StoreError::Corrupt(
            "the status link key is not 32 bytes".into(),
        ));
    }
    key.copy_from_slice(&plain);
    Ok(key)
}

/// Re-seals the link key when it is not under the current key.
pub(super) fn reseal(c: &Connection, s: &Sealer) -> Result<usize> {
    let id = s.current_id().to_vec();
    let old: Option<Vec<u8>> = c
        .prepare_cached(
            "SELECT sealed FROM status_link_key WHERE id = 1 AND substr(sealed, 5, 4) != ?1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let Some(old) = old else {
        return Ok(0);
    };
    let sealed = s.seal(&PLACE, &s.open(&PLACE, &old)?)?;
    c.execute(
        "UPDATE status_link_key SET sealed = ?1 WHERE id = 1",
        params![sealed],
    )?;
    Ok(1)
}
