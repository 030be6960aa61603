//! The customer registry (every id the hub has heard of), managed configs and
//! the credentials bound to them.

use super::db::{Connection, OptionalExtension, params};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use hub_proto::admin::{CredentialKind, Credentials, CustomerConfig};

use super::secrets::{config_place, join_secrets, split_tokens};
use super::{Change, Result, Store, StoreError, ms};

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
    let id = c
        .prepare_cached(
            "INSERT INTO customers (customer_id, created_at) VALUES (?1, ?2) RETURNING id",
        )?
        .query_row(params![customer_id, ms(now)], |r| r.get(0))?;
    Ok(CustomerRow { id, blocked: false })
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
        // The key is sealed at rest: it is found by its SHA-256 digest (a
        // preimage of a 256-bit digest is as hard to find as the key).
        self.read(move |c| {
            let digest = key_digest(&key);
            let current: Option<String> = c
                .prepare_cached(
                    "SELECT c.customer_id FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer WHERE cc.api_key_sha256 = ?1",
                )?
                .query_row([&digest], |r| r.get(0))
                .optional()?;
            if let Some(customer_id) = current {
                return Ok(Some(CredentialMatch {
                    customer_id,
                    current: true,
                }));
            }
            let previous: Option<String> = c
                .prepare_cached(
                    "SELECT c.customer_id FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer \
                     WHERE cc.previous_api_key_sha256 = ?1 AND cc.previous_key_until > ?2",
                )?
                .query_row(params![digest, ms(now)], |r| r.get(0))
                .optional()?;
            Ok(previous.map(|customer_id| CredentialMatch {
                customer_id,
                current: false,
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
        let seal = self.sealer().clone();
        self.write(move |c, changes| {
            let id = cfg.config.customer_id.as_str();
            let cust = ensure_customer(c, id, now)?;
            let document = serde_json::to_string(&cfg.config)
                .map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
            let (document, tokens) = split_tokens(&seal, id, &document)?;
            let n = c.execute(
                "INSERT INTO customer_configs (customer, display_name, domain, contact_email, \
                    document, api_key, api_key_sha256, retrieval_password, session_secret, \
                    tokens, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) \
                 ON CONFLICT (customer) DO NOTHING",
                params![
                    cust.id,
                    cfg.config.display_name,
                    cfg.config.domain,
                    cfg.config.contact_email,
                    document,
                    seal.seal_str(&config_place(id, "api_key"), &cfg.api_key)?,
                    key_digest(&cfg.api_key),
                    key_digest(&cfg.retrieval_password),
                    seal.seal_str(&config_place(id, "session_secret"), &cfg.session_secret)?,
                    tokens,
                    ms(now),
                ],
            )?;
            if n == 1 {
                changes.push(Change::Config {
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
        let seal = self.sealer().clone();
        self.read(move |c| {
            type Row = (
                String,
                Vec<u8>,
                Option<String>,
                Option<Vec<u8>>,
                Option<i64>,
                Option<Vec<u8>>,
            );
            let row: Option<Row> = c
                .prepare_cached(
                    "SELECT cc.document, cc.api_key, cc.controller_url, cc.previous_api_key, \
                        cc.previous_key_until, cc.tokens \
                     FROM customer_configs cc \
                     JOIN customers c ON c.id = cc.customer WHERE c.customer_id = ?1",
                )?
                .query_row([&customer_id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .optional()?;
            row.map(|(doc, api_key, controller_url, previous, until, tokens)| {
                let id = customer_id.as_str();
                let joined = join_secrets(&seal, id, &doc, tokens.as_deref())?;
                let config: CustomerConfig = serde_json::from_value(joined.document)
                    .map_err(|e| StoreError::Corrupt(format!("config of {id}: {e}")))?;
                let previous = previous
                    .map(|p| seal.open_str(&config_place(id, "previous_api_key"), &p))
                    .transpose()?;
                Ok(StoredConfig {
                    config,
                    api_key: seal.open_str(&config_place(id, "api_key"), &api_key)?,
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

    /// The credentials and tokens of a managed customer, opened. The
    /// retrieval password is not among them: only its digest is kept.
    pub async fn credentials(&self, customer_id: String) -> Result<Option<Credentials>> {
        let seal = self.sealer().clone();
        self.read(move |c| {
            type Row = (Vec<u8>, Vec<u8>, Option<Vec<u8>>, String);
            let row: Option<Row> = c
                .prepare_cached(
                    "SELECT cc.api_key, cc.session_secret, cc.tokens, cc.document \
                     FROM customer_configs cc JOIN customers c ON c.id = cc.customer \
                     WHERE c.customer_id = ?1",
                )?
                .query_row([&customer_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            row.map(|(api_key, session_secret, tokens, doc)| {
                let id = customer_id.as_str();
                let joined = join_secrets(&seal, id, &doc, tokens.as_deref())?;
                Ok(Credentials {
                    customer_id: customer_id.clone(),
                    api_key: seal.open_str(&config_place(id, "api_key"), &api_key)?,
                    retrieval_password: None,
                    session_secret: seal
                        .open_str(&config_place(id, "session_secret"), &session_secret)?,
                    tokens: joined.tokens,
                    secrets: joined.secrets,
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
        let seal = self.sealer().clone();
        self.write(move |c, _| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(false);
            };
            let id = customer_id.as_str();
            let n = match kind {
                CredentialKind::ApiKey => {
                    type Row = (Vec<u8>, Vec<u8>, Option<i64>);
                    let row: Option<Row> = c
                        .prepare_cached(
                            "SELECT api_key, api_key_sha256, previous_key_until \
                             FROM customer_configs WHERE customer = ?1",
                        )?
                        .query_row([cust.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                        .optional()?;
                    let Some((sealed, digest, until)) = row else {
                        return Ok(false);
                    };
                    // The key the controller holds stays valid: the replaced
                    // one, unless an earlier replaced key is still in grace.
                    if until.is_none_or(|u| u <= ms(now)) {
                        let key = seal.open_str(&config_place(id, "api_key"), &sealed)?;
                        c.prepare_cached(
                            "UPDATE customer_configs SET previous_api_key = ?2, \
                                previous_api_key_sha256 = ?3 WHERE customer = ?1",
                        )?
                        .execute(params![
                            cust.id,
                            seal.seal_str(&config_place(id, "previous_api_key"), &key)?,
                            digest
                        ])?;
                    }
                    c.execute(
                        "UPDATE customer_configs SET previous_key_until = ?5, \
                            api_key = ?2, api_key_sha256 = ?3, updated_at = ?4 \
                         WHERE customer = ?1",
                        params![
                            cust.id,
                            seal.seal_str(&config_place(id, "api_key"), &value)?,
                            key_digest(&value),
                            ms(now),
                            ms(grace_until)
                        ],
                    )?
                }
                CredentialKind::RetrievalPassword => c.execute(
                    "UPDATE customer_configs SET retrieval_password = ?2, updated_at = ?3 WHERE customer = ?1",
                    params![cust.id, key_digest(&value), ms(now)],
                )?,
                CredentialKind::SessionSecret => c.execute(
                    "UPDATE customer_configs SET session_secret = ?2, updated_at = ?3 WHERE customer = ?1",
                    params![
                        cust.id,
                        seal.seal_str(&config_place(id, "session_secret"), &value)?,
                        ms(now)
                    ],
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
        let seal = self.sealer().clone();
        self.write(move |c, changes| {
            let document =
                serde_json::to_string(&config).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let (document, tokens) = split_tokens(&seal, &config.customer_id, &document)?;
            let n = c.execute(
                "UPDATE customer_configs SET display_name = ?2, domain = ?3, contact_email = ?4, \
                    document = ?5, tokens = ?6, updated_at = ?7 \
                 WHERE customer = (SELECT id FROM customers WHERE customer_id = ?1)",
                params![
                    config.customer_id,
                    config.display_name,
                    config.domain,
                    config.contact_email,
                    document,
                    tokens,
                    ms(now)
                ],
            )?;
            if n == 1 {
                changes.push(Change::Config {
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
        self.write(move |c, changes| {
            let n = c.execute(
                "DELETE FROM customer_configs WHERE customer = \
                 (SELECT id FROM customers WHERE customer_id = ?1)",
                [&customer_id],
            )?;
            if n == 1 {
                // A manual customer has nothing to drift from; its status
                // links end with the deletion.
                c.execute(
                    "DELETE FROM drift_states WHERE customer = \
                     (SELECT id FROM customers WHERE customer_id = ?1)",
                    [&customer_id],
                )?;
                c.execute(
                    "UPDATE customers SET status_link_epoch = status_link_epoch + 1 \
                     WHERE customer_id = ?1",
                    [&customer_id],
                )?;
                changes.push(Change::ConfigRemoved { customer_id });
            }
            Ok(n == 1)
        })
        .await
    }

    /// Blocks or unblocks a customer; `false` if the id is unknown.
    pub async fn set_blocked(&self, customer_id: String, blocked: bool) -> Result<bool> {
        self.write(move |c, changes| {
            let n = c.execute(
                "UPDATE customers SET blocked = ?2 WHERE customer_id = ?1",
                params![customer_id, blocked],
            )?;
            if n == 1 {
                changes.push(Change::Blocked {
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
