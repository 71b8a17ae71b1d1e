//! Windows enrollment token and the expanded Windows policy.

use super::MdmUserRef;
use crate::lifecycle::{DeviceState, TokenStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WinPolicy {
    pub id: String,
    pub organization_id: String,
    pub win_enterprise_id: String,
    pub name: String,
    pub config: Value,
    pub applications: Vec<Value>,
    pub applications_info: Vec<Value>,
    pub scripts: Vec<Value>,
    pub scripts_info: Vec<Value>,
    pub admx_configs: Vec<Value>,
    pub admx_configs_info: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<Value>,
    pub assets: Vec<Value>,
    pub assets_info: Vec<Value>,
    pub version: i64,
    pub updated_at: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WinPolicyAssignment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_policy: Option<WinPolicy>,
    pub priority: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WinTokenSummary {
    pub expiration_timestamp: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WinEnrollmentToken {
    pub id: String,
    pub organization_id: String,
    pub win_enterprise_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_device_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdm_user: Option<MdmUserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub tags: Vec<String>,
    pub state: TokenStatus,
    pub config: Value,
    #[serde(rename = "type")]
    pub kind: String,
    pub sub_type: String,
    pub updated_at: String,
    pub created_at: String,
    pub expire_at: String,
    /// `ms-device-enrollment:` deep link; absent once the token cannot enroll.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrollment_link: Option<String>,
    /// The code a person types; absent once the token cannot enroll.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enroll_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_policy_id: Option<String>,
    pub win_policy_assignments: Vec<WinPolicyAssignment>,
    pub summary: WinTokenSummary,
    pub send_email: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_text: Option<String>,
    /// How many PCs enrolled with this token (a code enrolls one).
    pub enrolled_devices: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_enrollment_at: Option<String>,
}

/// A Windows PC enrolled with an enroll code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WinDevice {
    pub id: String,
    pub organization_id: String,
    pub win_enterprise_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_enrollment_token_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdm_user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mdm_user: Option<MdmUserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub tags: Vec<String>,
    pub state: DeviceState,
    pub state_history: Vec<super::aosp::StateChange>,
    #[serde(rename = "type")]
    pub kind: String,
    pub sub_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// What the PC sent at enrollment.
    pub device_info: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_policy_id: Option<String>,
    pub win_policy_assignments: Vec<WinPolicyAssignment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status_report_time: Option<String>,
    pub enrolled_date: String,
    pub updated_at: String,
    pub created_at: String,
}
