//! AOSP enrollment token and device.

use super::MdmUserRef;
use crate::lifecycle::{DeviceState, TokenStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::requests::build::{object, FromJson};

/// `aosPolicy` as embedded in assignments: a summary of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AosPolicySummary {
    pub id: String,
    pub name: String,
    /// The policy's version number, as a string.
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AosPolicyAssignment {
    pub aos_policy_id: String,
    pub aos_policy: AosPolicySummary,
    pub priority: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AospTokenSummary {
    pub management_mode: String,
    /// `null` for perpetual tokens, which never expire.
    pub expiration_timestamp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AospTokenConfig {
    /// The token value a device presents to enroll.
    pub one_time_token: String,
    pub enrollment_host: String,
    /// Android provisioning extras; encode as JSON into a QR code.
    pub qr_code: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AospEnrollmentToken {
    pub id: String,
    pub organization_id: String,
    pub aos_enterprise_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<i64>,
    /// Absent when the token is not tied to a user (the seed lists it as
    /// required; see CONTRACT notes in ARCHITECTURE.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdm_user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdm_user: Option<MdmUserRef>,
    #[serde(rename = "type")]
    pub kind: String,
    pub sub_type: String,
    pub status: TokenStatus,
    /// Always equal to `status`.
    pub state: TokenStatus,
    pub summary: AospTokenSummary,
    pub management_mode: String,
    pub perpetual: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aos_device_id: Option<String>,
    pub aos_policy_assignments: Vec<AosPolicyAssignment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpc_build_tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_notification_provider: Option<String>,
    /// Present while the token can still enroll (the value is a credential:
    /// it is not shown for consumed, expired or deleted tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<AospTokenConfig>,
    pub updated_at: String,
    pub created_at: String,
    /// How many devices enrolled with this token.
    pub enrolled_devices: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_enrollment_at: Option<String>,
    /// Perpetual tokens: the cap on `enrolledDevices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_enrollments: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateChange {
    pub state: DeviceState,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
}

/// A stored state, read without serde's derive: the worker reads its JSON
/// columns through [`FromJson`], so no typed serde reader (nor the float
/// formatting its error texts bring) is in its wasm (BENCHMARKS.md 0m).
impl FromJson for DeviceState {
    fn from_json(value: &Value) -> Result<Self, String> {
        value
            .as_str()
            .and_then(DeviceState::parse)
            .ok_or_else(|| "unknown device state".to_string())
    }
}

/// A state history entry, as serde's derive reads it (a test compares).
impl FromJson for StateChange {
    fn from_json(value: &Value) -> Result<Self, String> {
        let entry = object(value)?;
        let member = |name: &str| entry.get(name).unwrap_or(&Value::Null);
        Ok(StateChange {
            state: DeviceState::from_json(member("state"))?,
            date: String::from_json(member("date"))?,
            config: Option::<Value>::from_json(member("config"))?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DevicePolicyStatus {
    pub pushed: bool,
    pub audit: Value,
}

/// The effective policy of a device (`deviceAosPolicy`), composed from its
/// assignments (see `crate::policy::compose`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAosPolicy {
    pub id: String,
    pub organization_id: String,
    pub aos_enterprise_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub config: Value,
    pub applications: Vec<Value>,
    pub applications_info: Vec<Value>,
    pub version: i64,
    pub updated_at: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AospDevice {
    pub id: String,
    pub organization_id: String,
    pub aos_enterprise_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_notification_provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub tags: Vec<String>,
    pub state: DeviceState,
    #[serde(rename = "type")]
    pub kind: String,
    pub sub_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdm_user: Option<MdmUserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aos_policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aos_policy: Option<AosPolicySummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_aos_policy: Option<DeviceAosPolicy>,
    pub aos_policy_assignments: Vec<AosPolicyAssignment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_policy_status: Option<DevicePolicyStatus>,
    /// `{ deviceReport, managementMode, location, appliedPolicy }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    pub summary: Value,
    pub state_history: Vec<StateChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status_report_time: Option<String>,
    pub enrolled_date: String,
    pub updated_at: String,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::StateChange;
    use crate::requests::build::FromJson;

    #[test]
    fn a_state_change_reads_as_serde_reads_it() {
        let histories = [
            r#"[{"state":"PROVISIONING","date":"2024-01-01T00:00:00.000Z"}]"#,
            r#"[{"state":"ACTIVE","date":"d","config":{"a":[1]}},{"state":"DELETED","date":"e","config":null}]"#,
            r#"[]"#,
        ];
        for text in histories {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let ours = Vec::<StateChange>::from_json(&value).unwrap();
            let serde: Vec<StateChange> = serde_json::from_str(text).unwrap();
            assert_eq!(ours, serde, "{text}");
        }
        for bad in [
            r#"[{"state":"GONE","date":"d"}]"#,
            r#"[{"date":"d"}]"#,
            r#"[{"state":"ACTIVE"}]"#,
            r#"[1]"#,
            r#"{}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(bad).unwrap();
            assert!(Vec::<StateChange>::from_json(&value).is_err(), "{bad}");
            assert!(serde_json::from_str::<Vec<StateChange>>(bad).is_err(), "{bad}");
        }
    }
}
