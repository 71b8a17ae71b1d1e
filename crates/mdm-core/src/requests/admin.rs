//! Bodies of the supporting resources an administrator creates so every seeded
//! route can be used end to end.

use super::RequestBody;
use crate::patterns::{is_object_id, Pattern};
use crate::scan::JsonView;
use crate::schema::{integer, string, Field, Format, Schema, NON_NEGATIVE_SAFE_INTEGER};
use crate::violation::{Violation, ViolationCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PLANS: &[&str] = &["free", "pro", "enterprise"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationCreate {
    pub name: String,
    pub slug: String,
    pub plan: Option<String>,
}

impl OrganizationCreate {
    pub fn plan(&self) -> &str {
        self.plan.as_deref().unwrap_or("free")
    }
}

impl RequestBody for OrganizationCreate {
    const NAME: &'static str = "OrganizationCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", string().min(1).max(128).schema(), "Display name."),
        Field::required(
            "slug",
            string().pattern(Pattern::Slug).schema(),
            "URL name, usable in place of the id in every path.",
        ),
        Field::optional(
            "plan",
            string().one_of(PLANS).schema(),
            "Billing plan; default free. Windows MDM needs pro or enterprise.",
        ),
    ]);

    fn cross_field_rules<'a, J: JsonView<'a>>(body: J, out: &mut Vec<Violation>) {
        // A 24-hex slug would be read as an id in paths.
        if body.get("slug").and_then(J::as_str).is_some_and(|s| is_object_id(&s)) {
            out.push(Violation::new(
                "slug",
                ViolationCode::Format,
                "must not look like a 24-character hexadecimal id",
            ));
        }
    }
}

/// `PUT /v1/organizations/:organizationId`: absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUpdate {
    pub name: Option<String>,
    pub plan: Option<String>,
}

impl RequestBody for OrganizationUpdate {
    const NAME: &'static str = "OrganizationUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("name", string().min(1).max(128).schema(), "Display name."),
        Field::optional(
            "plan",
            string().one_of(PLANS).schema(),
            "Billing plan. Windows MDM needs pro or enterprise.",
        ),
    ]);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentCreate {
    pub name: String,
    pub parent_id: Option<i64>,
}

impl RequestBody for SegmentCreate {
    const NAME: &'static str = "SegmentCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", string().min(1).max(128).schema(), "Segment name."),
        Field::optional(
            "parentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "Parent segment; absent or null for a root segment.",
        )
        .nullable(),
    ]);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MdmUserCreate {
    pub email: String,
    pub display_name: Option<String>,
}

impl RequestBody for MdmUserCreate {
    const NAME: &'static str = "MdmUserCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required(
            "email",
            string().max(128).format(Format::Email).schema(),
            "Email address, unique in the organization.",
        ),
        Field::optional(
            "displayName",
            string().max(128).schema(),
            "Name shown in the dashboard.",
        ),
    ]);
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AospPolicyCreate {
    pub name: String,
    pub description: Option<String>,
    pub version: Option<i64>,
    pub config: Option<Value>,
    #[serde(default)]
    pub private: bool,
    pub segment_id: Option<i64>,
    #[serde(default)]
    pub expose_to_children: bool,
}

impl RequestBody for AospPolicyCreate {
    const NAME: &'static str = "AospPolicyCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", string().min(1).max(256).schema(), "Policy name."),
        Field::optional("description", string().max(500).schema(), "Human-readable description."),
        Field::optional("version", NON_NEGATIVE_SAFE_INTEGER, "Version number; default 1."),
        Field::optional(
            "config",
            Schema::AnyObject,
            "Policy configuration, merged by priority into a device's effective policy.",
        ),
        Field::optional("private", Schema::Boolean, "Private to a segment or workflow."),
        Field::optional(
            "segmentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "Segment that scopes the policy.",
        ),
        Field::optional("exposeToChildren", Schema::Boolean, "Inherited by child segments."),
    ]);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DpcBuildCreate {
    pub tag: String,
    pub download_url: String,
    pub signature_checksum: String,
    pub component_name: String,
    pub version_code: Option<i64>,
}

impl RequestBody for DpcBuildCreate {
    const NAME: &'static str = "DpcBuildCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required(
            "tag",
            string().min(1).max(256).schema(),
            "Build tag tokens refer to (dpcBuildTag).",
        ),
        Field::required(
            "downloadUrl",
            string().max(2048).format(Format::HttpsUrl).schema(),
            "Where devices download the DPC APK.",
        ),
        Field::required(
            "signatureChecksum",
            string().pattern(Pattern::SignatureChecksum).schema(),
            "URL-safe base64 SHA-256 of the APK signing certificate.",
        ),
        Field::required(
            "componentName",
            string().max(256).pattern(Pattern::ComponentName).schema(),
            "Device admin receiver, e.g. com.example.dpc/.AdminReceiver.",
        ),
        Field::optional(
            "versionCode",
            integer(0, i32::MAX as i64),
            "Android versionCode of the build.",
        ),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::test_support::{accepts, codes, rejects};
    use serde_json::json;

    #[test]
    fn organizations() {
        let o: OrganizationCreate = accepts(json!({"name": "Acme", "slug": "acme"}));
        assert_eq!(o.plan(), "free");
        rejects::<OrganizationCreate>(json!({"name": "Acme", "slug": "Acme"}), "slug", "pattern");
        rejects::<OrganizationCreate>(json!({"name": "Acme", "slug": "ac"}), "slug", "pattern");
        rejects::<OrganizationCreate>(
            json!({"name": "Acme", "slug": "65a1b2c3d4e5f60718293a4b"}),
            "slug",
            "format",
        );
        rejects::<OrganizationCreate>(json!({"name": "Acme", "slug": "acme", "plan": "gold"}), "plan", "enum");
        assert_eq!(
            codes::<OrganizationCreate>(json!({})),
            vec![("name".into(), "required"), ("slug".into(), "required")]
        );
    }

    #[test]
    fn users_segments_policies_builds() {
        accepts::<MdmUserCreate>(json!({"email": "ada@example.com"}));
        rejects::<MdmUserCreate>(json!({"email": "ada"}), "email", "format");
        let long = format!("{}@example.com", "a".repeat(117));
        rejects::<MdmUserCreate>(json!({"email": long}), "email", "maxLength");
        accepts::<SegmentCreate>(json!({"name": "EU", "parentId": null}));
        rejects::<SegmentCreate>(json!({"name": "EU", "parentId": -1}), "parentId", "min");
        accepts::<AospPolicyCreate>(json!({"name": "Kiosk", "config": {"kiosk": true}}));
        rejects::<AospPolicyCreate>(
            json!({"name": "Kiosk", "description": "d".repeat(501)}),
            "description",
            "maxLength",
        );
        let build = json!({
            "tag": "stable",
            "downloadUrl": "https://dl.example.com/dpc.apk",
            "signatureChecksum": "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
            "componentName": "com.example.dpc/.AdminReceiver"
        });
        accepts::<DpcBuildCreate>(build.clone());
        let mut bad = build;
        bad["downloadUrl"] = json!("ftp://x");
        rejects::<DpcBuildCreate>(bad, "downloadUrl", "format");
    }
}
