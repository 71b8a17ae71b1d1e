//! Supporting resources: organizations, segments, MDM users, AOSP policies, DPC builds.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub plan: String,
    /// `aosEnterpriseId` of the organization's AOSP tokens, devices and policies.
    pub aos_enterprise_id: String,
    /// `winEnterpriseId` of the organization's Windows tokens and devices.
    pub win_enterprise_id: String,
    /// The id of the organization's Google-compatible enterprise (`enterprises/{id}`).
    pub enterprise_id: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The kinds of entity that may still refer to a supporting resource when
/// it is deleted (the `kind` of a 409 / 5012's `details`).
pub const REFERRER_KINDS: &[&str] = &[
    "segments",
    "aospPolicies",
    "aospEnrollmentTokens",
    "aospDevices",
    "winEnrollmentTokens",
    "winDevices",
];

/// One entry of a 409 / 5012 (Entity in use): how many entities of `kind`
/// still refer to what was to be deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityInUse {
    pub kind: String,
    pub count: i64,
}

/// A person's role in an organization, matched to their identity by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub created_at: String,
    pub updated_at: String,
}

/// An API key as lists show it; `key` only in the answer that created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The key's first characters, to recognize it (not enough to use it).
    pub prefix: String,
    pub permissions: Vec<String>,
    pub expires_at: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A webhook subscription; `secret` only in the answer that created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: String,
    pub organization_id: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// One attempt to deliver one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub message_id: String,
    pub attempt: i64,
    pub status: String,
    pub response_status: Option<i64>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub id: i64,
    pub organization_id: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MdmUser {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AospPolicy {
    pub id: String,
    pub organization_id: String,
    pub aos_enterprise_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub version: i64,
    pub config: Value,
    pub private: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<i64>,
    pub expose_to_children: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DpcBuild {
    pub id: String,
    pub organization_id: String,
    pub tag: String,
    pub download_url: String,
    pub signature_checksum: String,
    pub component_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_code: Option<i64>,
    pub created_at: String,
}

/// One entry of the audit log: who changed what, when and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: String,
    pub at: String,
    pub actor: AuditActor,
    /// The route's permission (`mdm.aosp.enrollmentToken.create`), or
    /// `device.enroll` / `device.stateChanged`.
    pub action: String,
    pub target: AuditTarget,
    pub ip: String,
    /// Safe facts about the change (never a credential).
    pub details: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditActor {
    /// `apiKey`, `user`, `service` or `device`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditTarget {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}
