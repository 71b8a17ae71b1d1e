//! The Android Management API's EnrollmentToken resource.

use crate::requests::google::GoogleUser;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleEnrollmentToken {
    /// `enterprises/{enterpriseId}/enrollmentTokens/{enrollmentTokenId}`.
    pub name: String,
    pub value: String,
    /// Protobuf Duration string, e.g. `3600s`.
    pub duration: String,
    /// RFC 3339.
    pub expiration_timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<String>,
    pub policy_name: String,
    pub qr_code: String,
    pub one_time_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<GoogleUser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_personal_usage: Option<String>,
    /// How many devices the token may enroll at most (not Google's: this service's extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_enrollments: Option<i64>,
    /// How many devices enrolled with the token (an extension, as on every token of this service).
    pub enrolled_devices: i64,
    /// RFC 3339: when a device last enrolled with it (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_enrollment_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListEnrollmentTokensResponse {
    pub enrollment_tokens: Vec<GoogleEnrollmentToken>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}
