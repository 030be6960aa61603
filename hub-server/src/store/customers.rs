//! The customer registry (every id the hub has heard of), managed configs and
//! the credentials bound to them.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use hub_proto::admin::{CredentialKind, Credentials, CustomerConfig};

use super::{Result, Store, StoreError, ms};
use crate::live::Delta;

/// A registry row.
#[derive(Debug, Clone, Copy)]
pub struct CustomerRow {
    pub id: i64,
    pub blocked: bool,
}

/// What a per-customer API key authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialMatch {
    pub customer_id: String,
    /// The current key (not the one a rotation replaced, still in grace).
    pub current: bool,
}

/// A managed customer's config and the credentials the hub generated for
/// it (from the OS RNG, by the config service).
#[derive(Clone)]
pub struct NewCustomerConfig {
    pub config: CustomerConfig,
    pub api_key: String,
    pub retrieval_password: String,
    pub session_secret: String,
}

impl std::fmt::Debug for NewCustomerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCustomerConfig")
            .field("customer_id", &self.config.customer_id)
            .finish_non_exhaustive()
    }
}

/// Digest under which an API key is looked up; the key itself is compared
/// in constant time afterwards.
pub fn key_digest(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

pub(super) fn lookup(c: &Connection, customer_id: &str) -> Result<Option<CustomerRow>> {
    Ok(
        c.prepare_cached("SELECT id, blocked FROM customers WHERE customer_id = ?1")?
            .query_row([customer_id], |r| {
                Ok(CustomerRow {
                    id: r.get(0)?,
                    blocked: r.get(1)?,
                })
            })
            .optional()?,
    )
}

/// The registry row of `customer_id`, created on first contact.
pub(super) fn ensure_customer(
    c: &Connection,
    customer_id: &str,
    now: Timestamp,
) -> Result<CustomerRow> {
    if let Some(row) = lookup(c, customer_id)? {
        return Ok(row);
    }
    c.prepare_cached("INSERT INTO customers (customer_id, created_at) VALUES (?1, ?2)")?
        .execute(params![customer_id, ms(now)])?;
    Ok(CustomerRow {
        id: c.last_insert_rowid(),
        blocked: false,
    })
}

impl Store {
    /// Which customer a per-customer API key belongs to, if any: its
    /// current key, or the key a rotation replaced while that one is in
    /// its grace period at `now`.
    pub async fn customer_for_key(
        &self,
        key: String,
        now: Timestamp,
    ) -> Result<Option<CredentialMatch>> {
        self.read(move |c| {
            let digest = key_digest(&key);
            let row: Option<(String, String)> = c
                .prepare_cached(
                    "SELECT c.customer_id, cc.api_key FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer WHERE cc.api_key_sha256 = ?1",
                )?
                .query_row([&digest], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((customer_id, stored)) = row {
                return Ok(
                    bool::from(stored.as_bytes().ct_eq(key.as_bytes())).then_some(
                        CredentialMatch {
                            customer_id,
                            current: true,
                        },
                    ),
                );
            }
            let row: Option<(String, String)> = c
                .prepare_cached(
                    "SELECT c.customer_id, cc.previous_api_key FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer \
                     WHERE cc.previous_api_key_sha256 = ?1 AND cc.previous_key_until > ?2",
                )?
                .query_row(params![digest, ms(now)], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(row.and_then(|(customer_id, stored)| {
                bool::from(stored.as_bytes().ct_eq(key.as_bytes())).then_some(CredentialMatch {
                    customer_id,
                    current: false,
                })
            }))
        })
        .await
    }

    /// Stores a new managed customer's config and credentials; `false`
    /// (and nothing written) if the customer already has a config, so two
    /// operators creating or adopting at once never overwrite each other's
    /// just-shown credentials.
    pub async fn insert_customer_config(
        &self,
        cfg: NewCustomerConfig,
        now: Timestamp,
    ) -> Result<bool> {
        self.write(move |c| {
            let cust = ensure_customer(c, &cfg.config.customer_id, now)?;
            let document = serde_json::to_string(&cfg.config)
                .map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
            let n = c.execute(
                "INSERT INTO customer_configs (customer, display_name, domain, contact_email, \
                    document, api_key, api_key_sha256, retrieval_password, session_secret, \
                    created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) \
                 ON CONFLICT (customer) DO NOTHING",
                params![
                    cust.id,
                    cfg.config.display_name,
                    cfg.config.domain,
                    cfg.config.contact_email,
                    document,
                    cfg.api_key,
                    key_digest(&cfg.api_key),
                    cfg.retrieval_password,
                    cfg.session_secret,
                    ms(now),
                ],
            )?;
            if n == 1 {
                crate::store::record(Delta::Config {
                    customer_id: cfg.config.customer_id.clone(),
                    display_name: cfg.config.display_name.clone(),
                });
            }
            Ok(n == 1)
        })
        .await
    }

    /// The stored config of a managed customer, for generation and for
    /// calling its controller.
    pub async fn customer_config(&self, customer_id: String) -> Result<Option<StoredConfig>> {
        self.read(move |c| {
            type Row = (String, String, Option<String>, Option<String>, Option<i64>);
            let row: Option<Row> = c
                .prepare_cached(
                    "SELECT cc.document, cc.api_key, cc.controller_url, cc.previous_api_key, \
                        cc.previous_key_until \
                     FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer WHERE c.customer_id = ?1",
                )?
                .query_row([&customer_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            row.map(|(doc, api_key, controller_url, previous, until)| {
                let config: CustomerConfig = serde_json::from_str(&doc)
                    .map_err(|e| StoreError::Corrupt(format!("config of {customer_id}: {e}")))?;
                Ok(StoredConfig {
                    config,
                    api_key,
                    controller_url,
                    previous_api_key: previous.zip(until.map(super::from_ms)),
                })
            })
            .transpose()
        })
        .await
    }

    /// Every managed customer's config, by id.
    pub async fn customer_configs(&self) -> Result<Vec<CustomerConfig>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT cc.document FROM customer_configs cc \
                 JOIN customers c ON c.id = cc.customer ORDER BY c.customer_id",
            )?;
            let docs: Vec<String> = stmt
                .query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            docs.iter()
                .map(|d| serde_json::from_str(d).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        })
        .await
    }

    /// The generated credentials and the tokens of a managed customer.
    pub async fn credentials(&self, customer_id: String) -> Result<Option<Credentials>> {
        self.read(move |c| {
            let row: Option<(String, String, String, String)> = c
                .prepare_cached(
                    "SELECT cc.api_key, cc.retrieval_password, cc.session_secret, cc.document \
                     FROM customer_configs cc JOIN customers c ON c.id = cc.customer \
                     WHERE c.customer_id = ?1",
                )?
                .query_row([&customer_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            row.map(|(api_key, retrieval_password, session_secret, doc)| {
                let config: CustomerConfig =
                    serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(Credentials {
                    customer_id: customer_id.clone(),
                    api_key,
                    retrieval_password,
                    session_secret,
                    tokens: config.tokens,
                })
            })
            .transpose()
        })
        .await
    }

    /// Replaces one generated credential; `false` if there is no config.
    /// A replaced API key stays valid until `grace_until` (or until the
    /// node reports with the new key); if an earlier replaced key is still
    /// in grace, that one is kept, since it is what the controller holds.
    pub async fn rotate_credential(
        &self,
        customer_id: String,
        kind: CredentialKind,
        value: String,
        now: Timestamp,
        grace_until: Timestamp,
    ) -> Result<bool> {
        self.write(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(false);
            };
            let n = match kind {
                CredentialKind::ApiKey => c.execute(
                    "UPDATE customer_configs SET \
                        previous_api_key = iif(previous_key_until > ?4, previous_api_key, api_key), \
                        previous_api_key_sha256 = iif(previous_key_until > ?4, \
                            previous_api_key_sha256, api_key_sha256), \
                        previous_key_until = ?5, \
                        api_key = ?2, api_key_sha256 = ?3, updated_at = ?4 \
                     WHERE customer = ?1",
                    params![cust.id, value, key_digest(&value), ms(now), ms(grace_until)],
                )?,
                CredentialKind::RetrievalPassword => c.execute(
                    "UPDATE customer_configs SET retrieval_password = ?2, updated_at = ?3 WHERE customer = ?1",
                    params![cust.id, value, ms(now)],
                )?,
                CredentialKind::SessionSecret => c.execute(
                    "UPDATE customer_configs SET session_secret = ?2, updated_at = ?3 WHERE customer = ?1",
                    params![cust.id, value, ms(now)],
                )?,
            };
            Ok(n == 1)
        })
        .await
    }

    /// Replaces the config document of an existing managed customer,
    /// keeping its credentials; `false` if there is no config.
    pub async fn update_config_document(
        &self,
        config: CustomerConfig,
        now: Timestamp,
    ) -> Result<bool> {
        self.write(move |c| {
            let document =
                serde_json::to_string(&config).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let n = c.execute(
                "UPDATE customer_configs SET display_name = ?2, domain = ?3, contact_email = ?4, \
                    document = ?5, updated_at = ?6 \
                 WHERE customer = (SELECT id FROM customers WHERE customer_id = ?1)",
                params![
                    config.customer_id,
                    config.display_name,
                    config.domain,
                    config.contact_email,
                    document,
                    ms(now)
                ],
            )?;
            if n == 1 {
                crate::store::record(Delta::Config {
                    customer_id: config.customer_id.clone(),
                    display_name: config.display_name.clone(),
                });
            }
            Ok(n == 1)
        })
        .await
    }

    /// Removes a managed config (the customer stays known: if it keeps
    /// reporting it shows as manual). `false` if there was none.
    pub async fn delete_config(&self, customer_id: String) -> Result<bool> {
        self.write(move |c| {
            let n = c.execute(
                "DELETE FROM customer_configs WHERE customer = \
                 (SELECT id FROM customers WHERE customer_id = ?1)",
                [&customer_id],
            )?;
            if n == 1 {
                crate::store::record(Delta::ConfigRemoved { customer_id });
            }
            Ok(n == 1)
        })
        .await
    }

    /// Blocks or unblocks a customer; `false` if the id is unknown.
    pub async fn set_blocked(&self, customer_id: String, blocked: bool) -> Result<bool> {
        self.write(move |c| {
            let n = c.execute(
                "UPDATE customers SET blocked = ?2 WHERE customer_id = ?1",
                params![customer_id, blocked],
            )?;
            if n == 1 {
                crate::store::record(Delta::Blocked {
                    customer_id,
                    blocked,
                });
            }
            Ok(n == 1)
        })
        .await
    }
}

/// A managed customer's config as stored, with what the hub needs to call
/// its controller.
#[derive(Clone)]
pub struct StoredConfig {
    pub config: CustomerConfig,
    /// The current key: what generated controller.yaml carries.
    pub api_key: String,
    /// Where the controller said it is, in a report sent with its own key.
    pub controller_url: Option<String>,
    /// The key a rotation replaced and until when it is honoured.
    pub previous_api_key: Option<(String, Timestamp)>,
}

impl StoredConfig {
    /// The key the controller holds at `now`: the replaced one while it is
    /// in grace (the node has not reported with the new one yet).
    pub fn controller_key(&self, now: Timestamp) -> &str {
        match &self.previous_api_key {
            Some((key, until)) if *until > now => key,
            _ => &self.api_key,
        }
    }
}
