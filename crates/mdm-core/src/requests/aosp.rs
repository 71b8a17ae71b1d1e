//! AOSP (non-GMS Android) bodies: enrollment-token create and device update.

use super::RequestBody;
use crate::schema::{
    array_max, integer, string, Dependency, Field, Schema, NON_NEGATIVE_SAFE_INTEGER, OBJECT_ID, SAFE_INTEGER,
};
use serde::{Deserialize, Serialize};

use super::build::request;

pub const MANAGEMENT_MODES: &[&str] = &["DEVICE_OWNER", "MANAGEMENT_MODE_UNSPECIFIED"];

/// Token lifetimes, in seconds (1 minute to 30 days).
pub const MIN_DURATION_SECS: i64 = 60;
pub const MAX_DURATION_SECS: i64 = 30 * 24 * 3600;
pub const DEFAULT_AOSP_DURATION_SECS: i64 = 3600;

/// A tag: free-form, but not empty and not a paragraph.
pub const TAG: Schema = string().min(1).max(128).schema();
pub const TAGS: Schema = array_max(&TAG, 64);
pub const DURATION: Schema = integer(MIN_DURATION_SECS, MAX_DURATION_SECS);

const AOS_POLICY_ASSIGNMENT: Schema = Schema::Object(&[
    Field::required("aosPolicyId", OBJECT_ID, "The assigned AOSP policy."),
    Field::required(
        "priority",
        SAFE_INTEGER,
        "Composition priority: a higher priority wins where policies overlap.",
    ),
]);
pub const AOS_POLICY_ASSIGNMENTS: Schema = array_max(&AOS_POLICY_ASSIGNMENT, 100).unique_by("aosPolicyId");

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AosPolicyAssignmentInput {
        pub aos_policy_id: String,
        pub priority: i64,
    }
}

request! {
    /// `POST .../mdm/aosp/enterprise/enrollment-tokens`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AospTokenCreate {
        pub management_mode: Option<String>,
        /// Seconds; default one hour. Ignored for perpetual tokens, which never expire.
        pub duration: Option<i64>,
        #[serde(default)]
        pub perpetual: bool,
        pub display_name: Option<String>,
        #[serde(default)]
        pub tags: Vec<String>,
        #[serde(default)]
        pub aos_policy_assignments: Vec<AosPolicyAssignmentInput>,
        pub mdm_user_id: Option<String>,
        pub segment_id: Option<i64>,
        pub dpc_build_tag: Option<String>,
        pub push_notification_provider: Option<String>,
        /// Perpetual tokens only: how many devices it may enroll in all.
        pub max_enrollments: Option<i64>,
    }
}

impl RequestBody for AospTokenCreate {
    const NAME: &'static str = "AospEnrollmentTokenCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional(
            "managementMode",
            string().one_of(MANAGEMENT_MODES).schema(),
            "Provisioning mode requested for devices enrolled with this token (default DEVICE_OWNER).",
        ),
        Field::optional(
            "duration",
            DURATION,
            "Lifetime in seconds, 60 to 2592000 (30 days); default 3600.",
        ),
        Field::optional(
            "perpetual",
            Schema::Boolean,
            "A perpetual token never expires and enrolls any number of devices.",
        ),
        Field::optional(
            "displayName",
            string().max(256).schema(),
            "Human-friendly label shown in the dashboard.",
        ),
        Field::optional("tags", TAGS, "Free-form labels."),
        Field::optional(
            "aosPolicyAssignments",
            AOS_POLICY_ASSIGNMENTS,
            "Policies for enrolled devices.",
        ),
        Field::optional("mdmUserId", OBJECT_ID, "MDM user the enrolled device belongs to."),
        Field::optional("segmentId", NON_NEGATIVE_SAFE_INTEGER, "Segment that scopes the token."),
        Field::optional(
            "dpcBuildTag",
            string().min(1).max(256).schema(),
            "DPC build to install during onboarding.",
        ),
        Field::optional(
            "pushNotificationProvider",
            OBJECT_ID,
            "Push notification provider override.",
        ),
        Field::optional(
            "maxEnrollments",
            integer(1, 100_000),
            "Perpetual tokens: enroll at most this many devices, 1 to 100000 (also under concurrent enrollments); \
             then 409 / 5010.",
        ),
    ]);

    const DEPENDENCIES: &'static [Dependency] = &[Dependency::only_when_true(
        &Self::SCHEMA,
        "maxEnrollments",
        "perpetual",
        "is allowed only with perpetual: true (a one-time token enrolls one device)",
    )];
}

impl AospTokenCreate {
    pub fn management_mode(&self) -> &str {
        self.management_mode.as_deref().unwrap_or("DEVICE_OWNER")
    }
    pub fn duration_secs(&self) -> i64 {
        self.duration.unwrap_or(DEFAULT_AOSP_DURATION_SECS)
    }
}

request! {
    /// `PUT .../mdm/aosp/enterprise/devices/:aosDeviceId`. Absent fields
    /// are left unchanged; `mdmUserId: null` unlinks the user.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AospDeviceUpdate {
        pub display_name: Option<String>,
        pub tags: Option<Vec<String>>,
        pub policy_id: Option<String>,
        pub aos_policy_assignments: Option<Vec<AosPolicyAssignmentInput>>,
        /// `None`: unchanged; `Some(None)`: unlink; `Some(Some(id))`: link.
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub mdm_user_id: Option<Option<String>>,
        pub push_notification_provider: Option<String>,
        pub segment_id: Option<i64>,
    }
}

/// Distinguishes an explicit `null` (`Some(None)`) from an absent field (`None`).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl RequestBody for AospDeviceUpdate {
    const NAME: &'static str = "AospDeviceUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional(
            "displayName",
            string().max(256).schema(),
            "Human-friendly label shown in the dashboard.",
        ),
        Field::optional("tags", TAGS, "Free-form labels."),
        Field::optional("policyId", OBJECT_ID, "Directly assigned AOSP policy."),
        Field::optional(
            "aosPolicyAssignments",
            AOS_POLICY_ASSIGNMENTS,
            "Ordered assignments used to compose the effective policy.",
        ),
        Field::optional(
            "mdmUserId",
            OBJECT_ID,
            "MDM user of the device; null removes the association.",
        )
        .nullable(),
        Field::optional(
            "pushNotificationProvider",
            OBJECT_ID,
            "Push notification provider override.",
        ),
        Field::optional(
            "segmentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "Segment that scopes the device.",
        ),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::test_support::{accepts, codes, rejects};
    use serde_json::json;

    const ID: &str = "65a1b2c3d4e5f60718293a4b";

    #[test]
    fn token_create_defaults() {
        let t: AospTokenCreate = accepts(json!({}));
        assert_eq!(t.management_mode(), "DEVICE_OWNER");
        assert_eq!(t.duration_secs(), 3600);
        assert!(!t.perpetual);
    }

    #[test]
    fn token_create_boundaries() {
        accepts::<AospTokenCreate>(json!({"duration": 60}));
        rejects::<AospTokenCreate>(json!({"duration": 59}), "duration", "min");
        accepts::<AospTokenCreate>(json!({"duration": 2592000}));
        rejects::<AospTokenCreate>(json!({"duration": 2592001}), "duration", "max");
        rejects::<AospTokenCreate>(json!({"duration": 60.5}), "duration", "type");
        accepts::<AospTokenCreate>(json!({"duration": 120.0}));
        accepts::<AospTokenCreate>(json!({"displayName": "a".repeat(256)}));
        rejects::<AospTokenCreate>(json!({"displayName": "a".repeat(257)}), "displayName", "maxLength");
        accepts::<AospTokenCreate>(json!({"dpcBuildTag": "d".repeat(256)}));
        rejects::<AospTokenCreate>(json!({"dpcBuildTag": "d".repeat(257)}), "dpcBuildTag", "maxLength");
        rejects::<AospTokenCreate>(json!({"managementMode": "PROFILE_OWNER"}), "managementMode", "enum");
        accepts::<AospTokenCreate>(json!({"managementMode": "MANAGEMENT_MODE_UNSPECIFIED"}));
        rejects::<AospTokenCreate>(json!({"perpetual": "yes"}), "perpetual", "type");
        accepts::<AospTokenCreate>(json!({"mdmUserId": ID}));
        rejects::<AospTokenCreate>(json!({"mdmUserId": &ID[..23]}), "mdmUserId", "pattern");
        rejects::<AospTokenCreate>(
            json!({"pushNotificationProvider": format!("{ID}0")}),
            "pushNotificationProvider",
            "pattern",
        );
        accepts::<AospTokenCreate>(json!({"segmentId": 9007199254740991i64}));
        rejects::<AospTokenCreate>(json!({"segmentId": 9007199254740992i64}), "segmentId", "max");
        rejects::<AospTokenCreate>(json!({"segmentId": -1}), "segmentId", "min");
        rejects::<AospTokenCreate>(json!({"tags": [""]}), "tags[0]", "minLength");
        rejects::<AospTokenCreate>(json!({"tags": "a"}), "tags", "type");
        rejects::<AospTokenCreate>(json!({"state": "DONE"}), "state", "unknownField");
    }

    #[test]
    fn assignments_report_every_problem_with_its_index() {
        let got = codes::<AospTokenCreate>(json!({
            "aosPolicyAssignments": [
                {"aosPolicyId": ID, "priority": 1},
                {"aosPolicyId": ID, "priority": 9007199254740992i64},
                {"priority": "high"}
            ]
        }));
        assert_eq!(
            got,
            vec![
                ("aosPolicyAssignments[1].priority".into(), "max"),
                ("aosPolicyAssignments[2].aosPolicyId".into(), "required"),
                ("aosPolicyAssignments[2].priority".into(), "type"),
                ("aosPolicyAssignments[1].aosPolicyId".into(), "unique"),
            ]
        );
    }

    #[test]
    fn device_update_seed_002() {
        let full: AospDeviceUpdate = accepts(json!({
            "displayName": "Front desk", "tags": ["lobby"], "policyId": ID,
            "aosPolicyAssignments": [{"aosPolicyId": ID, "priority": -9007199254740991i64}],
            "mdmUserId": ID, "pushNotificationProvider": ID, "segmentId": 0
        }));
        assert_eq!(full.mdm_user_id, Some(Some(ID.to_owned())));
        let unlink: AospDeviceUpdate = accepts(json!({"mdmUserId": null}));
        assert_eq!(unlink.mdm_user_id, Some(None));
        let untouched: AospDeviceUpdate = accepts(json!({}));
        assert_eq!(untouched.mdm_user_id, None);
        rejects::<AospDeviceUpdate>(json!({"displayName": "x".repeat(257)}), "displayName", "maxLength");
        rejects::<AospDeviceUpdate>(json!({"policyId": "zz"}), "policyId", "pattern");
        rejects::<AospDeviceUpdate>(
            json!({"aosPolicyAssignments": [{"aosPolicyId": ID, "priority": -9007199254740992i64}]}),
            "aosPolicyAssignments[0].priority",
            "min",
        );
        rejects::<AospDeviceUpdate>(
            json!({"pushNotificationProvider": null}),
            "pushNotificationProvider",
            "type",
        );
        rejects::<AospDeviceUpdate>(json!({"segmentId": 1.5}), "segmentId", "type");
        rejects::<AospDeviceUpdate>(json!([]), "", "type");
    }
}
