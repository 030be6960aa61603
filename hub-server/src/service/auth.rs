//! Who is asking: controllers (the global report key or a customer's own
//! key) and operators (admin tokens). Keys are compared in constant time;
//! per-customer keys and admin tokens are looked up by digest.

use subtle::ConstantTimeEq;

use super::{Result, ServiceError};
use crate::state::AppState;
pub use crate::store::AdminIdentity;

/// Who a controller credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The global report key: any customer.
    Global,
    /// A per-customer API key: that customer only. `current` is false for
    /// a key a rotation replaced that is still in its grace period.
    Customer { id: String, current: bool },
}

impl Caller {
    /// Forbidden unless this caller may act for `customer_id`.
    pub fn check(&self, customer_id: &str) -> Result<()> {
        match self {
            Caller::Global => Ok(()),
            Caller::Customer { id, .. } if id == customer_id => Ok(()),
            Caller::Customer { .. } => Err(ServiceError::Forbidden(
                "this API key belongs to another customer",
            )),
        }
    }

    /// Forbidden unless this caller may write for `customer_id`: its own
    /// key, or the global key while the customer is manual or has not yet
    /// reported with its own key (the adoption window).
    pub fn check_writes(&self, st: &AppState, customer_id: &str) -> Result<()> {
        self.check(customer_id)?;
        if *self == Caller::Global && st.live().speaks_for_itself(customer_id) {
            return Err(ServiceError::Forbidden(
                "this customer reports with its own API key; the global key no longer speaks for it",
            ));
        }
        Ok(())
    }

    /// Forbidden unless this caller may read `customer_id`'s infra backup
    /// (restic passwords): its own key; the global key only for a manual
    /// customer.
    pub fn check_infra_read(&self, st: &AppState, customer_id: &str) -> Result<()> {
        self.check(customer_id)?;
        if *self == Caller::Global && st.live().is_managed(customer_id) {
            return Err(ServiceError::Forbidden(
                "the global key does not read a managed customer's infra backup",
            ));
        }
        Ok(())
    }

    /// Forbidden unless this is the global key (fleet-wide reads).
    pub fn require_global(&self) -> Result<()> {
        match self {
            Caller::Global => Ok(()),
            Caller::Customer { .. } => Err(ServiceError::Forbidden(
                "a per-customer API key cannot read the whole fleet",
            )),
        }
    }

    /// `Some(current)` for a customer's own key, `None` for the global key.
    pub fn own_key(&self) -> Option<bool> {
        match self {
            Caller::Global => None,
            Caller::Customer { current, .. } => Some(*current),
        }
    }
}

/// The controller credential `token`.
pub async fn controller(st: &AppState, token: &str) -> Result<Caller> {
    if bool::from(st.report_key.as_bytes().ct_eq(token.as_bytes())) {
        return Ok(Caller::Global);
    }
    match st
        .store
        .customer_for_key(token.to_owned(), st.clock.now())
        .await?
    {
        Some(m) => Ok(Caller::Customer {
            id: m.customer_id,
            current: m.current,
        }),
        None => Err(ServiceError::Unauthorized),
    }
}

/// The operator behind admin token `token`.
pub async fn admin(st: &AppState, token: &str) -> Result<AdminIdentity> {
    st.store
        .admin_identity(token.to_owned())
        .await?
        .ok_or(ServiceError::Unauthorized)
}
