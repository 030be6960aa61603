//! The customer registry (every id the hub has heard of), managed configs and
//! the credentials bound to them.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Result, Store, ms};

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
}

/// The identity and credentials of a managed customer. Credentials are made
/// by the caller (the config service) from the OS RNG.
#[derive(Clone)]
pub struct NewCustomerConfig {
    pub customer_id: String,
    pub display_name: String,
    pub domain: String,
    pub contact_email: String,
    /// JSON object of the customer's settings that go into controller.yaml.
    pub settings: serde_json::Value,
    pub api_key: String,
    pub retrieval_password: String,
    pub session_secret: String,
}

impl std::fmt::Debug for NewCustomerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCustomerConfig")
            .field("customer_id", &self.customer_id)
            .field("display_name", &self.display_name)
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
    /// Which customer a per-customer API key belongs to, if any.
    pub async fn customer_for_key(&self, key: String) -> Result<Option<CredentialMatch>> {
        self.read(move |c| {
            let row: Option<(String, String)> = c
                .prepare_cached(
                    "SELECT c.customer_id, cc.api_key FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer WHERE cc.api_key_sha256 = ?1",
                )?
                .query_row([key_digest(&key)], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(row.and_then(|(customer_id, stored)| {
                bool::from(stored.as_bytes().ct_eq(key.as_bytes()))
                    .then_some(CredentialMatch { customer_id })
            }))
        })
        .await
    }

    /// Whether `password` is the retrieval password of `customer_id`. An
    /// unknown customer costs the same comparison as a known one.
    pub async fn check_retrieval_password(
        &self,
        customer_id: String,
        password: String,
    ) -> Result<bool> {
        self.read(move |c| {
            let stored: Option<String> = c
                .prepare_cached(
                    "SELECT cc.retrieval_password FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer WHERE c.customer_id = ?1",
                )?
                .query_row([&customer_id], |r| r.get(0))
                .optional()?;
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| "\u{0}".repeat(password.len().max(1)));
            let same: bool = stored.as_bytes().ct_eq(password.as_bytes()).into();
            Ok(known && same)
        })
        .await
    }

    /// Stores (or replaces) a managed customer's config and credentials.
    pub async fn upsert_customer_config(
        &self,
        cfg: NewCustomerConfig,
        now: Timestamp,
    ) -> Result<()> {
        self.write(move |c| {
            let cust = ensure_customer(c, &cfg.customer_id, now)?;
            c.execute(
                "INSERT INTO customer_configs (customer, display_name, domain, contact_email, \
                    settings, api_key, api_key_sha256, retrieval_password, session_secret, \
                    created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) \
                 ON CONFLICT (customer) DO UPDATE SET display_name = excluded.display_name, \
                    domain = excluded.domain, contact_email = excluded.contact_email, \
                    settings = excluded.settings, api_key = excluded.api_key, \
                    api_key_sha256 = excluded.api_key_sha256, \
                    retrieval_password = excluded.retrieval_password, \
                    session_secret = excluded.session_secret, updated_at = excluded.updated_at",
                params![
                    cust.id,
                    cfg.display_name,
                    cfg.domain,
                    cfg.contact_email,
                    cfg.settings.to_string(),
                    cfg.api_key,
                    key_digest(&cfg.api_key),
                    cfg.retrieval_password,
                    cfg.session_secret,
                    ms(now),
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The stored config of a managed customer, for generation.
    pub async fn customer_config(&self, customer_id: String) -> Result<Option<StoredConfig>> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT c.customer_id, cc.display_name, cc.domain, cc.contact_email, cc.settings, \
                    cc.api_key FROM customer_configs cc \
                 JOIN customers c ON c.id = cc.customer WHERE c.customer_id = ?1",
            )?
            .query_row([&customer_id], |r| {
                Ok(StoredConfig {
                    customer_id: r.get(0)?,
                    display_name: r.get(1)?,
                    domain: r.get(2)?,
                    contact_email: r.get(3)?,
                    settings: serde_json::from_str(&r.get::<_, String>(4)?)
                        .unwrap_or(serde_json::Value::Null),
                    api_key: r.get(5)?,
                })
            })
            .optional()?)
        })
        .await
    }

    /// Blocks or unblocks a customer; `false` if the id is unknown.
    pub async fn set_blocked(&self, customer_id: String, blocked: bool) -> Result<bool> {
        self.write(move |c| {
            Ok(c.execute(
                "UPDATE customers SET blocked = ?2 WHERE customer_id = ?1",
                params![customer_id, blocked],
            )? == 1)
        })
        .await
    }

    /// Whether the hub has heard of `customer_id` at all.
    pub async fn customer_exists(&self, customer_id: String) -> Result<bool> {
        self.read(move |c| Ok(lookup(c, &customer_id)?.is_some()))
            .await
    }
}

/// A managed customer's config as stored (no credentials but the API key
/// that goes into controller.yaml).
#[derive(Clone)]
pub struct StoredConfig {
    pub customer_id: String,
    pub display_name: String,
    pub domain: String,
    pub contact_email: String,
    pub settings: serde_json::Value,
    pub api_key: String,
}
