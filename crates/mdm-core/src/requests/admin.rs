//! Bodies of the supporting resources an administrator creates so every seeded
//! route can be used end to end.

use super::RequestBody;
use crate::patterns::{is_object_id, Pattern};
use crate::scan::JsonView;
use crate::schema::{integer, string, Field, Format, Schema, NON_NEGATIVE_SAFE_INTEGER};
use crate::violation::{Path, Violation, ViolationCode};
use serde::{Deserialize, Serialize};

use super::build::request;
use serde_json::Value;

pub const PLANS: &[&str] = &["free", "pro", "enterprise"];

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct OrganizationCreate {
        pub name: String,
        pub slug: String,
        pub plan: Option<String>,
    }
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

    const RULES_READ_LEVELS: usize = 1;
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

request! {
    /// `PUT /v1/organizations/:organizationId`: absent fields stay as they are.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct OrganizationUpdate {
        pub name: Option<String>,
        pub plan: Option<String>,
    }
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

const SEGMENT_NAME: Schema = string().min(1).max(128).schema();
const USER_EMAIL: Schema = string().max(128).format(Format::Email).schema();
const USER_DISPLAY_NAME: Schema = string().max(128).schema();
const POLICY_NAME: Schema = string().min(1).max(256).schema();
const POLICY_DESCRIPTION: Schema = string().max(500).schema();
const BUILD_TAG: Schema = string().min(1).max(256).schema();
const DOWNLOAD_URL: Schema = string().max(2048).format(Format::HttpsUrl).schema();
const SIGNATURE_CHECKSUM: Schema = string().pattern(Pattern::SignatureChecksum).schema();
const COMPONENT_NAME: Schema = string().max(256).pattern(Pattern::ComponentName).schema();
const VERSION_CODE: Schema = integer(0, i32::MAX as i64);

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SegmentCreate {
        pub name: String,
        pub parent_id: Option<i64>,
    }
}

impl RequestBody for SegmentCreate {
    const NAME: &'static str = "SegmentCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", SEGMENT_NAME, "Segment name."),
        Field::optional(
            "parentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "Parent segment; absent or null for a root segment.",
        )
        .nullable(),
    ]);
}

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct MdmUserCreate {
        pub email: String,
        pub display_name: Option<String>,
    }
}

impl RequestBody for MdmUserCreate {
    const NAME: &'static str = "MdmUserCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("email", USER_EMAIL, "Email address, unique in the organization."),
        Field::optional("displayName", USER_DISPLAY_NAME, "Name shown in the dashboard."),
    ]);
}

request! {
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
}

impl RequestBody for AospPolicyCreate {
    const NAME: &'static str = "AospPolicyCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", POLICY_NAME, "Policy name."),
        Field::optional("description", POLICY_DESCRIPTION, "Human-readable description."),
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

request! {
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DpcBuildCreate {
        pub tag: String,
        pub download_url: String,
        pub signature_checksum: String,
        pub component_name: String,
        pub version_code: Option<i64>,
    }
}

impl RequestBody for DpcBuildCreate {
    const NAME: &'static str = "DpcBuildCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("tag", BUILD_TAG, "Build tag tokens refer to (dpcBuildTag)."),
        Field::required("downloadUrl", DOWNLOAD_URL, "Where devices download the DPC APK."),
        Field::required(
            "signatureChecksum",
            SIGNATURE_CHECKSUM,
            "URL-safe base64 SHA-256 of the APK signing certificate.",
        ),
        Field::required(
            "componentName",
            COMPONENT_NAME,
            "Device admin receiver, e.g. com.example.dpc/.AdminReceiver.",
        ),
        Field::optional("versionCode", VERSION_CODE, "Android versionCode of the build."),
    ]);
}

request! {
    /// `PUT /v1/organizations/:organizationId/segments/:segmentId`: absent fields
    /// stay as they are; `parentId: null` makes the segment a root. A parent
    /// that is the segment itself or one of its descendants is refused (5209
    /// `reference`: the tree would have a cycle).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SegmentUpdate {
        pub name: Option<String>,
        /// `None`: unchanged; `Some(None)`: a root; `Some(Some(id))`: re-parent.
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub parent_id: Option<Option<i64>>,
    }
}

impl RequestBody for SegmentUpdate {
    const NAME: &'static str = "SegmentUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("name", SEGMENT_NAME, "Segment name."),
        Field::optional(
            "parentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "New parent segment (never the segment itself or one of its descendants); null makes it a root.",
        )
        .nullable(),
    ]);
}

request! {
    /// `PUT /v1/organizations/:organizationId/mdm-users/:mdmUserId`: absent
    /// fields stay as they are; `displayName: null` clears it.
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct MdmUserUpdate {
        pub email: Option<String>,
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub display_name: Option<Option<String>>,
    }
}

impl RequestBody for MdmUserUpdate {
    const NAME: &'static str = "MdmUserUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("email", USER_EMAIL, "Email address, unique in the organization."),
        Field::optional(
            "displayName",
            USER_DISPLAY_NAME,
            "Name shown in the dashboard; null clears it.",
        )
        .nullable(),
    ]);
}

request! {
    /// `PUT .../mdm/aosp/enterprise/policies/:aospPolicyId`: absent fields stay
    /// as they are (`config` is replaced whole when sent); `description` and
    /// `segmentId` take `null` to clear. The server bumps `version` whenever
    /// the policy changes.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AospPolicyUpdate {
        pub name: Option<String>,
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub description: Option<Option<String>>,
        pub config: Option<Value>,
        pub private: Option<bool>,
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub segment_id: Option<Option<i64>>,
        pub expose_to_children: Option<bool>,
    }
}

impl RequestBody for AospPolicyUpdate {
    const NAME: &'static str = "AospPolicyUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("name", POLICY_NAME, "Policy name."),
        Field::optional(
            "description",
            POLICY_DESCRIPTION,
            "Human-readable description; null clears it.",
        )
        .nullable(),
        Field::optional(
            "config",
            Schema::AnyObject,
            "Policy configuration (replaces the stored one), merged by priority into a device's effective policy.",
        ),
        Field::optional("private", Schema::Boolean, "Private to a segment or workflow."),
        Field::optional(
            "segmentId",
            NON_NEGATIVE_SAFE_INTEGER,
            "Segment that scopes the policy; null clears it.",
        )
        .nullable(),
        Field::optional("exposeToChildren", Schema::Boolean, "Inherited by child segments."),
    ]);
}

request! {
    /// `PUT .../mdm/aosp/enterprise/dpc-builds/:dpcBuildId`: absent fields stay
    /// as they are; `versionCode: null` clears it.
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DpcBuildUpdate {
        pub tag: Option<String>,
        pub download_url: Option<String>,
        pub signature_checksum: Option<String>,
        pub component_name: Option<String>,
        #[serde(default, deserialize_with = "crate::requests::aosp::present")]
        pub version_code: Option<Option<i64>>,
    }
}

impl RequestBody for DpcBuildUpdate {
    const NAME: &'static str = "DpcBuildUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional(
            "tag",
            BUILD_TAG,
            "Build tag, unique in the organization (tokens naming the old tag no longer find it).",
        ),
        Field::optional("downloadUrl", DOWNLOAD_URL, "Where devices download the DPC APK."),
        Field::optional(
            "signatureChecksum",
            SIGNATURE_CHECKSUM,
            "URL-safe base64 SHA-256 of the APK signing certificate.",
        ),
        Field::optional("componentName", COMPONENT_NAME, "Device admin receiver."),
        Field::optional("versionCode", VERSION_CODE, "Android versionCode; null clears it.").nullable(),
    ]);
}

request! {
    /// `POST /v1/organizations/:organizationId/members`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct MemberCreate {
        pub email: String,
        pub role: String,
    }
}

const MEMBER_EMAIL: Schema = string().max(254).format(Format::Email).schema();
const MEMBER_ROLE: Schema = string().one_of(crate::roles::NAMES).schema();

impl RequestBody for MemberCreate {
    const NAME: &'static str = "MemberCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required(
            "email",
            MEMBER_EMAIL,
            "The person's email, as their identity provider's `email` claim gives it (compared case-insensitively); unique in the organization.",
        ),
        Field::required(
            "role",
            MEMBER_ROLE,
            "viewer, operator, admin or owner (each a fixed set of permissions).",
        ),
    ]);
}

request! {
    /// `PUT /v1/organizations/:organizationId/members/:memberId`: absent fields stay.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct MemberUpdate {
        pub email: Option<String>,
        pub role: Option<String>,
    }
}

impl RequestBody for MemberUpdate {
    const NAME: &'static str = "MemberUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("email", MEMBER_EMAIL, "The person's email."),
        Field::optional("role", MEMBER_ROLE, "The new role; the last owner cannot be demoted."),
    ]);
}

request! {
    /// `POST /v1/organizations/:organizationId/api-keys`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ApiKeyCreate {
        pub name: String,
        pub permissions: Vec<String>,
        pub expires_at: Option<String>,
    }
}

const PERMISSION_NAME: Schema = string().min(1).max(128).schema();

impl RequestBody for ApiKeyCreate {
    const NAME: &'static str = "ApiKeyCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("name", string().min(1).max(128).schema(), "What the key is for."),
        Field::required(
            "permissions",
            crate::schema::array_max(&PERMISSION_NAME, 100),
            "Permission names, `prefix.*` or `*`; the key holds the permissions they cover, which must all be the creator's (never a platform permission).",
        ),
        Field::optional(
            "expiresAt",
            string().format(Format::DateTime).schema(),
            "When the key stops working (RFC 3339, in the future); absent: never.",
        ),
    ]);

    const RULES_READ_LEVELS: usize = 2;
    fn cross_field_rules<'a, J: JsonView<'a>>(body: J, out: &mut Vec<Violation>) {
        let Some(items) = body.get("permissions").and_then(J::items) else {
            return;
        };
        for (i, item) in items.enumerate() {
            let Some(name) = item.as_str() else { continue };
            if !name.is_empty() && crate::permissions::expand(&[name.as_ref()]).is_empty() {
                out.push(Violation::new(
                    Path::Index(&Path::Key(&Path::Root, "permissions"), i).render(),
                    ViolationCode::Enum,
                    "names no permission a key can hold",
                ));
            }
        }
    }
}

const WEBHOOK_URL: Schema = string().min(1).max(2048).schema();
const WEBHOOK_EVENT: Schema = string().one_of(crate::webhooks::EVENTS).schema();
const WEBHOOK_EVENTS: Schema = crate::schema::array_max(&WEBHOOK_EVENT, 5);
const WEBHOOK_URL_DOC: &str = "Where deliveries are POSTed: https:// (plain http:// only to loopback when the \
     service runs with ENVIRONMENT=development); outside development, never a private, loopback or reserved address.";
const WEBHOOK_EVENTS_DOC: &str = "The events to deliver, at least one, each once: device.enrolled, \
     device.stateChanged, enrollmentToken.consumed, enrollmentToken.expired, enrollmentToken.deleted.";

/// `events` holds at least one event, and each once.
fn events_rule<'a, J: JsonView<'a>>(body: J, out: &mut Vec<Violation>) {
    let Some(items) = body.get("events").and_then(J::items) else {
        return;
    };
    let mut seen: Vec<String> = Vec::new();
    let mut count = 0;
    for (i, item) in items.enumerate() {
        count += 1;
        let Some(name) = item.as_str() else { continue };
        if seen.iter().any(|s| *s == *name) {
            let path = Path::Index(&Path::Key(&Path::Root, "events"), i).render();
            out.push(Violation::new(path, ViolationCode::Enum, "is listed twice"));
        } else {
            seen.push(name.to_string());
        }
    }
    if count == 0 {
        out.push(Violation::new(
            "events",
            ViolationCode::Required,
            "must name at least one event",
        ));
    }
}

request! {
    /// `POST /v1/organizations/:organizationId/webhooks`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WebhookCreate {
        pub url: String,
        pub events: Vec<String>,
        pub enabled: Option<bool>,
    }
}

impl RequestBody for WebhookCreate {
    const NAME: &'static str = "WebhookCreate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::required("url", WEBHOOK_URL, WEBHOOK_URL_DOC),
        Field::required("events", WEBHOOK_EVENTS, WEBHOOK_EVENTS_DOC),
        Field::optional("enabled", Schema::Boolean, "Deliver events now; default true."),
    ]);

    const RULES_READ_LEVELS: usize = 2;
    fn cross_field_rules<'a, J: JsonView<'a>>(body: J, out: &mut Vec<Violation>) {
        events_rule(body, out);
    }
}

request! {
    /// `PUT /v1/organizations/:organizationId/webhooks/:webhookId`: absent fields stay.
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct WebhookUpdate {
        pub url: Option<String>,
        pub events: Option<Vec<String>>,
        pub enabled: Option<bool>,
    }
}

impl RequestBody for WebhookUpdate {
    const NAME: &'static str = "WebhookUpdate";
    const SCHEMA: Schema = Schema::Object(&[
        Field::optional("url", WEBHOOK_URL, WEBHOOK_URL_DOC),
        Field::optional("events", WEBHOOK_EVENTS, WEBHOOK_EVENTS_DOC),
        Field::optional(
            "enabled",
            Schema::Boolean,
            "false: deliver nothing until enabled again.",
        ),
    ]);

    const RULES_READ_LEVELS: usize = 2;
    fn cross_field_rules<'a, J: JsonView<'a>>(body: J, out: &mut Vec<Violation>) {
        events_rule(body, out);
    }
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

    #[test]
    fn updates_are_partial_and_refuse_unknown_fields() {
        let s: SegmentUpdate = accepts(json!({}));
        assert_eq!(s, SegmentUpdate::default());
        let s: SegmentUpdate = accepts(json!({"parentId": null}));
        assert_eq!(s.parent_id, Some(None));
        let s: SegmentUpdate = accepts(json!({"name": "EU", "parentId": 3}));
        assert_eq!(s.parent_id, Some(Some(3)));
        assert_eq!(
            codes::<SegmentUpdate>(json!({"name": "", "parentId": -1, "id": 4})),
            vec![
                ("name".into(), "minLength"),
                ("parentId".into(), "min"),
                ("id".into(), "unknownField")
            ]
        );
        let u: MdmUserUpdate = accepts(json!({"displayName": null}));
        assert_eq!(u.display_name, Some(None));
        rejects::<MdmUserUpdate>(json!({"email": "ada"}), "email", "format");
        let p: AospPolicyUpdate = accepts(json!({"segmentId": null, "config": {"a": 1}}));
        assert_eq!(p.segment_id, Some(None));
        rejects::<AospPolicyUpdate>(json!({"version": 2}), "version", "unknownField");
        rejects::<AospPolicyUpdate>(json!({"config": []}), "config", "type");
        let b: DpcBuildUpdate = accepts(json!({"versionCode": null}));
        assert_eq!(b.version_code, Some(None));
        rejects::<DpcBuildUpdate>(json!({"downloadUrl": "http://x.y/z"}), "downloadUrl", "format");
    }

    #[test]
    fn webhooks() {
        let w: WebhookCreate = accepts(json!({"url": "https://h.example.com", "events": ["device.enrolled"]}));
        assert_eq!(w.enabled, None);
        assert_eq!(
            codes::<WebhookCreate>(
                json!({"url": "", "events": ["device.enrolled", "nope", "device.enrolled"], "secret": "x"})
            ),
            vec![
                ("url".into(), "minLength"),
                ("events[1]".into(), "enum"),
                ("secret".into(), "unknownField"),
                ("events[2]".into(), "enum")
            ]
        );
        assert_eq!(
            codes::<WebhookCreate>(json!({"events": [], "enabled": "yes"})),
            vec![
                ("url".into(), "required"),
                ("enabled".into(), "type"),
                ("events".into(), "required")
            ]
        );
        let u: WebhookUpdate = accepts(json!({"enabled": false}));
        assert_eq!(u.enabled, Some(false));
        assert_eq!(accepts::<WebhookUpdate>(json!({})), WebhookUpdate::default());
        rejects::<WebhookUpdate>(json!({"events": []}), "events", "required");
        rejects::<WebhookUpdate>(json!({"id": "x"}), "id", "unknownField");
    }
}
