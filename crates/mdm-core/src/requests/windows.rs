//! Windows bodies: enrollment-token create and update, and the
//! Windows policy an administrator creates.

use super::aosp::{DURATION, TAGS};
use super::RequestBody;
use crate::schema::{
    array_max, integer, string, Dependency, Field, Schema, DATE_TIME, NON_NEGATIVE_SAFE_INTEGER, OBJECT_ID,
};
use serde::{Deserialize, Serialize};

use super::build::request;
use serde_json::Value;

pub const DEFAULT_WINDOWS_DURATION_SECS: i64 = 24 * 3600;

const WIN_POLICY_ASSIGNMENT: Schema = Schema::Object(&[
    Field::optional("winPolicyId", OBJECT_ID, "The assigned Windows policy."),
    Field::required("priority", integer(0, 10_000), "Composition priority, 0 to 10000."),
]);
const WIN_POLICY_ASSIGNMENTS: Schema = array_max(&WIN_POLICY_ASSIGNMENT, 100).unique_by("winPolicyId");

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WinPolicyAssignmentInput {
        pub win_policy_id: Option<String>,
        pub priority: i64,
    }
}

const DISPLAY_NAME: Schema = string().max(128).schema();

request! {
    /// `POST .../mdm/windows/enterprise/enrollment-tokens`.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WinTokenCreate {
        pub display_name: Option<String>,
        /// Seconds; default one day.
        pub duration: Option<i64>,
        pub win_policy_id: Option<String>,
        #[serde(default)]
        pub win_policy_assignments: Vec<WinPolicyAssignmentInput>,
        #[serde(default)]
        pub tags: Vec<String>,
        pub mdm_user_id: Option<String>,
        pub segment_id: Option<i64>,
        #[serde(default)]
        pub send_email: bool,
        pub email_text: Option<String>,
    }
}

impl WinTokenCreate {
    pub fn duration_secs(&self) -> i64 {
        self.duration.unwrap_or(DEFAULT_WINDOWS_DURATION_SECS)
    }
}

impl RequestBody for WinTokenCreate {
    const NAME: &'static str = "WinEnrollmentTokenCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("displayName", DISPLAY_NAME, "Human-friendly label."),
        Field::optional(
            "duration",
            DURATION,
            "Lifetime in seconds, 60 to 2592000 (30 days); default 86400.",
        ),
        Field::optional("winPolicyId", OBJECT_ID, "Directly assigned Windows policy."),
        Field::optional(
            "winPolicyAssignments",
            WIN_POLICY_ASSIGNMENTS,
            "Ordered Windows policy assignments.",
        ),
        Field::optional("tags", TAGS, "Free-form labels."),
        Field::optional("mdmUserId", OBJECT_ID, "MDM user the enrolled PC belongs to."),
        Field::optional("segmentId", NON_NEGATIVE_SAFE_INTEGER, "Segment that scopes the token."),
        Field::optional(
            "sendEmail",
            Schema::Boolean,
            "Email the enrollment link to the MDM user.",
        ),
        Field::optional(
            "emailText",
            string().max(2000).schema(),
            "Text added to the enrollment email.",
        ),
    ]);

    const DEPENDENCIES: &'static [Dependency] = &[Dependency::required_when_true(
        &Self::SCHEMA,
        "mdmUserId",
        "sendEmail",
        "is required when sendEmail is true: the email goes to this user",
    )];
}

request! {
    /// `PUT .../mdm/windows/enterprise/enrollment-tokens/:id`. Absent
    /// fields are left unchanged.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WinTokenUpdate {
        pub display_name: Option<String>,
        pub win_policy_id: Option<String>,
        pub win_policy_assignments: Option<Vec<WinPolicyAssignmentInput>>,
        pub tags: Option<Vec<String>>,
    }
}

impl RequestBody for WinTokenUpdate {
    const NAME: &'static str = "WinEnrollmentTokenUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("displayName", DISPLAY_NAME, "Human-friendly label."),
        Field::optional("winPolicyId", OBJECT_ID, "Directly assigned Windows policy."),
        Field::optional(
            "winPolicyAssignments",
            WIN_POLICY_ASSIGNMENTS,
            "Ordered Windows policy assignments.",
        ),
        Field::optional("tags", TAGS, "Free-form labels."),
    ]);
}

request! {
    /// `PUT .../mdm/windows/enterprise/devices/:winDeviceId`. Absent fields are
    /// left unchanged; `mdmUserId: null` unlinks the user.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WinDeviceUpdate {
        pub display_name: Option<String>,
        pub tags: Option<Vec<String>>,
        pub segment_id: Option<i64>,
        /// `None`: unchanged; `Some(None)`: unlink; `Some(Some(id))`: link.
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub mdm_user_id: Option<Option<String>>,
        pub win_policy_id: Option<String>,
        pub win_policy_assignments: Option<Vec<WinPolicyAssignmentInput>>,
    }
}

impl RequestBody for WinDeviceUpdate {
    const NAME: &'static str = "WinDeviceUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("displayName", DISPLAY_NAME, "Human-friendly label."),
        Field::optional("tags", TAGS, "Free-form labels."),
        Field::optional(
            "segmentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "Segment that scopes the device.",
        ),
        Field::optional(
            "mdmUserId",
            OBJECT_ID,
            "MDM user of the PC; null removes the association.",
        )
        .nullable(),
        Field::optional("winPolicyId", OBJECT_ID, "Directly assigned Windows policy."),
        Field::optional(
            "winPolicyAssignments",
            WIN_POLICY_ASSIGNMENTS,
            "Ordered Windows policy assignments.",
        ),
    ]);
}

const APPLICATION: Schema = Schema::Object(&[
    Field::optional("winApplicationId", OBJECT_ID, ""),
    Field::optional("configuration", Schema::AnyObject, ""),
    Field::optional(
        "action",
        string().max(128).one_of(&["forceInstall", "available"]).schema(),
        "",
    ),
]);
const SCRIPT: Schema = Schema::Object(&[
    Field::optional("type", string().one_of(&["once", "loop", "onDemand"]).schema(), ""),
    Field::optional("id", string().max(128).schema(), ""),
    Field::optional(
        "loopTime",
        NON_NEGATIVE_SAFE_INTEGER,
        "Seconds between runs of a loop script.",
    ),
    Field::optional("resetDate", DATE_TIME, ""),
    Field::optional("arguments", string().max(4096).schema(), ""),
    Field::optional("name", string().max(256).schema(), ""),
    Field::optional("description", string().max(500).schema(), ""),
    Field::optional("runner", string().max(256).schema(), ""),
]);
const ADMX_CONFIG: Schema = Schema::Object(&[Field::optional("winAdmxConfigId", OBJECT_ID, "")]);
const AGENT_CONFIGURATION: Schema = Schema::Object(&[
    Field::optional("enabled", Schema::Boolean, ""),
    Field::optional("buildTag", string().max(128).schema(), ""),
    Field::optional("allowLocation", Schema::Boolean, ""),
    Field::optional("allowNetworkStatus", Schema::Boolean, ""),
    Field::optional("allowPackageTime", Schema::Boolean, ""),
    Field::optional("allowPackageTransfer", Schema::Boolean, ""),
]);
const ASSET: Schema = Schema::Object(&[
    Field::optional("mdmAssetId", OBJECT_ID, ""),
    Field::optional("location", string().max(256).schema(), ""),
    Field::optional("assetName", string().max(256).schema(), ""),
    Field::optional("scope", string().one_of(&["user", "system", "all-users"]).schema(), ""),
]);

request! {
    /// `POST .../mdm/windows/enterprise/policies`: the editable part of the
    /// expanded `winPolicy`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WinPolicyCreate {
        pub name: String,
        pub version: Option<i64>,
        pub config: Option<Value>,
        #[serde(default)]
        pub applications: Vec<Value>,
        #[serde(default)]
        pub scripts: Vec<Value>,
        #[serde(default)]
        pub admx_configs: Vec<Value>,
        pub agent_configuration: Option<Value>,
        #[serde(default)]
        pub assets: Vec<Value>,
    }
}

impl RequestBody for WinPolicyCreate {
    const NAME: &'static str = "WinPolicyCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", WIN_POLICY_NAME, "Policy name."),
        Field::optional("version", NON_NEGATIVE_SAFE_INTEGER, "Version number; default 1."),
        Field::optional("config", Schema::AnyObject, "Raw policy configuration."),
        Field::optional("applications", APPLICATIONS, ""),
        Field::optional("scripts", SCRIPTS, ""),
        Field::optional("admxConfigs", ADMX_CONFIGS, ""),
        Field::optional("agentConfiguration", AGENT_CONFIGURATION, ""),
        Field::optional("assets", ASSETS, ""),
    ]);
}

const WIN_POLICY_NAME: Schema = string().min(1).max(256).schema();
const APPLICATIONS: Schema = array_max(&APPLICATION, 500);
const SCRIPTS: Schema = array_max(&SCRIPT, 200);
const ADMX_CONFIGS: Schema = array_max(&ADMX_CONFIG, 200);
const ASSETS: Schema = array_max(&ASSET, 200);

request! {
    /// `PUT .../mdm/windows/enterprise/policies/:winPolicyId`: absent fields
    /// stay as they are, a sent one replaces its part of the policy whole
    /// (`agentConfiguration: null` removes it). The server bumps `version`
    /// whenever the policy changes.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WinPolicyUpdate {
        pub name: Option<String>,
        pub config: Option<Value>,
        pub applications: Option<Vec<Value>>,
        pub scripts: Option<Vec<Value>>,
        pub admx_configs: Option<Vec<Value>>,
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub agent_configuration: Option<Option<Value>>,
        pub assets: Option<Vec<Value>>,
    }
}

impl RequestBody for WinPolicyUpdate {
    const NAME: &'static str = "WinPolicyUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("name", WIN_POLICY_NAME, "Policy name."),
        Field::optional(
            "config",
            Schema::AnyObject,
            "Raw policy configuration (replaces the stored one).",
        ),
        Field::optional("applications", APPLICATIONS, ""),
        Field::optional("scripts", SCRIPTS, ""),
        Field::optional("admxConfigs", ADMX_CONFIGS, ""),
        Field::optional("agentConfiguration", AGENT_CONFIGURATION, "null removes it.").nullable(),
        Field::optional("assets", ASSETS, ""),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::test_support::{accepts, codes, rejects};
    use serde_json::json;

    const ID: &str = "65a1b2c3d4e5f60718293a4b";

    #[test]
    fn update_seed_004_boundaries() {
        accepts::<WinTokenUpdate>(json!({
            "displayName": "x".repeat(128), "winPolicyId": ID,
            "winPolicyAssignments": [{"winPolicyId": ID, "priority": 10000}, {"priority": 0}],
            "tags": ["a"]
        }));
        rejects::<WinTokenUpdate>(json!({"displayName": "x".repeat(129)}), "displayName", "maxLength");
        rejects::<WinTokenUpdate>(
            json!({"winPolicyAssignments": [{"priority": 10001}]}),
            "winPolicyAssignments[0].priority",
            "max",
        );
        rejects::<WinTokenUpdate>(
            json!({"winPolicyAssignments": [{"priority": -1}]}),
            "winPolicyAssignments[0].priority",
            "min",
        );
        rejects::<WinTokenUpdate>(
            json!({"winPolicyAssignments": [{"winPolicyId": ID}]}),
            "winPolicyAssignments[0].priority",
            "required",
        );
        rejects::<WinTokenUpdate>(json!({"tags": [1]}), "tags[0]", "type");
    }

    #[test]
    fn device_update_unlinks_with_null_and_follows_seed_004() {
        let d: WinDeviceUpdate = accepts(json!({"mdmUserId": null, "winPolicyAssignments": [{"priority": 0}]}));
        assert_eq!(d.mdm_user_id, Some(None));
        let d: WinDeviceUpdate = accepts(json!({"displayName": "PC"}));
        assert_eq!(d.mdm_user_id, None);
        rejects::<WinDeviceUpdate>(json!({"displayName": "x".repeat(129)}), "displayName", "maxLength");
        rejects::<WinDeviceUpdate>(
            json!({"winPolicyAssignments": [{"priority": 10001}]}),
            "winPolicyAssignments[0].priority",
            "max",
        );
        rejects::<WinDeviceUpdate>(json!({"state": "ACTIVE"}), "state", "unknownField");
        rejects::<WinDeviceUpdate>(json!({"segmentId": -1}), "segmentId", "min");
    }

    #[test]
    fn create_defaults_to_one_day_and_checks_email_dependency() {
        let t: WinTokenCreate = accepts(json!({}));
        assert_eq!(t.duration_secs(), 86_400);
        rejects::<WinTokenCreate>(json!({"sendEmail": true}), "mdmUserId", "dependency");
        accepts::<WinTokenCreate>(json!({"sendEmail": true, "mdmUserId": ID, "emailText": "Welcome"}));
        rejects::<WinTokenCreate>(json!({"duration": 59}), "duration", "min");
        rejects::<WinTokenCreate>(json!({"duration": 2592001}), "duration", "max");
    }

    #[test]
    fn policy_shape() {
        accepts::<WinPolicyCreate>(json!({
            "name": "Kiosk",
            "applications": [{"winApplicationId": ID, "configuration": {}, "action": "forceInstall"}],
            "scripts": [{"type": "loop", "loopTime": 60, "resetDate": "2024-01-01T00:00:00Z", "name": "s"}],
            "agentConfiguration": {"enabled": true, "buildTag": "stable"},
            "assets": [{"mdmAssetId": ID, "scope": "all-users"}]
        }));
        assert_eq!(
            codes::<WinPolicyCreate>(json!({
                "scripts": [{"type": "weekly", "resetDate": "2024-01-01T00: 00:00Z"}],
                "assets": [{"scope": "everyone"}]
            })),
            vec![
                ("name".to_owned(), "required"),
                ("scripts[0].type".to_owned(), "enum"),
                ("scripts[0].resetDate".to_owned(), "format"),
                ("assets[0].scope".to_owned(), "enum"),
            ]
        );
    }

    #[test]
    fn policy_updates_are_partial() {
        let u: WinPolicyUpdate = accepts(json!({}));
        assert_eq!(u, WinPolicyUpdate::default());
        let u: WinPolicyUpdate = accepts(json!({"agentConfiguration": null, "scripts": []}));
        assert_eq!(u.agent_configuration, Some(None));
        assert_eq!(u.scripts, Some(vec![]));
        assert_eq!(
            codes::<WinPolicyUpdate>(json!({"name": "", "version": 3, "scripts": [{"type": "x"}]})),
            vec![
                ("name".into(), "minLength"),
                ("scripts[0].type".into(), "enum"),
                ("version".into(), "unknownField")
            ]
        );
    }
}
