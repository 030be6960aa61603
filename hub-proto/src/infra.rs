use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, value::RawValue};

use crate::go;
use crate::validate::{CustomerScoped, ValidationError, validate_customer_id, validate_timestamp};

/// Everything needed to rebuild a node after its system drive dies. The hub
/// stores the body verbatim; these types exist so tools can read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InfraBackup {
    pub customer_id: String,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller_yaml_b64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_json_b64: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub disks: Vec<InfraDisk>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub bind_mounts: Vec<BindMount>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub stacks: Vec<InfraStack>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restic: Option<ResticSecrets>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CustomerScoped for InfraBackup {
    fn customer_id(&self) -> &str {
        &self.customer_id
    }

    fn validate(&self, now: Timestamp) -> Result<(), ValidationError> {
        validate_customer_id(&self.customer_id)?;
        validate_timestamp("created_at", self.created_at, now)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InfraDisk {
    #[serde(default, deserialize_with = "go::null_default")]
    pub uuid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_point: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fstab_options: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BindMount {
    #[serde(default, deserialize_with = "go::null_default")]
    pub source: String,
    #[serde(default, deserialize_with = "go::null_default")]
    pub target: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InfraStack {
    #[serde(default, deserialize_with = "go::null_default")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hdd_path: Option<String>,
}

/// The restic repository passwords. `Debug` is redacted so they cannot reach
/// a log line through `{:?}`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResticSecrets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_drive_password: Option<String>,
}

impl fmt::Debug for ResticSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResticSecrets")
            .field("primary_password", &"<redacted>")
            .field("cross_drive_password", &"<redacted>")
            .finish()
    }
}

/// Answer of `GET /api/v1/recovery/{id}`. The infra backup is carried as raw
/// JSON so it reaches the node byte for byte as the controller pushed it.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecoveryResponse {
    pub customer_id: String,
    pub config_yaml: String,
    pub infra_backup: Option<Box<RawValue>>,
    pub has_infra_backup: bool,
}
