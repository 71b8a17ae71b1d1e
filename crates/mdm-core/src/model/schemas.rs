//! The response shapes as `Schema` constants, for the OpenAPI document and the
//! TypeScript types. A test serializes every model and validates it against its
//! schema, so a field added to a struct but not here (or the reverse) fails CI.

use crate::pagination::{AOSP_TOKEN_STATUSES, DEVICE_STATES, WIN_TOKEN_STATES};
use crate::requests::aosp::MANAGEMENT_MODES;
use crate::schema::{array, string, Field, Schema, DATE_TIME, NON_NEGATIVE_SAFE_INTEGER, OBJECT_ID, SAFE_INTEGER};

const STRINGS: Schema = array(&string().schema());
const OBJECTS: Schema = array(&Schema::AnyObject);
const TEXT: Schema = string().schema();

pub const MDM_USER_REF: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("email", string().max(128).schema(), ""),
]);

pub const AOS_POLICY_SUMMARY: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("name", string().max(256).schema(), ""),
    Field::required("version", string().max(128).schema(), ""),
]);

const AOS_POLICY_ASSIGNMENT: Schema = Schema::Object(&[
    Field::required("aosPolicyId", OBJECT_ID, ""),
    Field::required("aosPolicy", AOS_POLICY_SUMMARY, ""),
    Field::required("priority", SAFE_INTEGER, ""),
]);

const TOKEN_STATUS: Schema = string().one_of(AOSP_TOKEN_STATUSES).schema();
const MANAGEMENT_MODE: Schema = string().one_of(MANAGEMENT_MODES).schema();

pub const AOSP_ENROLLMENT_TOKEN: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, "Identifier of the AOSP enrollment token resource."),
    Field::required("organizationId", OBJECT_ID, "Organization that owns the token."),
    Field::required(
        "aosEnterpriseId",
        OBJECT_ID,
        "AOSP enterprise configuration of the organization.",
    ),
    Field::optional("segmentId", NON_NEGATIVE_SAFE_INTEGER, "Segment that scopes the token."),
    Field::optional("mdmUserId", OBJECT_ID, "MDM user of the token."),
    Field::optional("mdmUser", MDM_USER_REF, "Expanded MDM user."),
    Field::required("type", string().one_of(&["aosp"]).schema(), ""),
    Field::required("subType", string().one_of(&["enrollment"]).schema(), ""),
    Field::required("status", TOKEN_STATUS, "Current status."),
    Field::required("state", TOKEN_STATUS, "Mirror of status."),
    Field::required(
        "summary",
        Schema::Object(&[
            Field::required("managementMode", MANAGEMENT_MODE, ""),
            Field::required("expirationTimestamp", DATE_TIME, "null for perpetual tokens.").nullable(),
        ]),
        "",
    ),
    Field::required("managementMode", MANAGEMENT_MODE, ""),
    Field::required("perpetual", Schema::Boolean, ""),
    Field::optional("aosDeviceId", OBJECT_ID, "Device enrolled with the token."),
    Field::required("aosPolicyAssignments", array(&AOS_POLICY_ASSIGNMENT), ""),
    Field::optional("displayName", string().max(256).schema(), ""),
    Field::required("tags", STRINGS, ""),
    Field::optional("dpcBuildTag", string().max(256).schema(), ""),
    Field::optional("pushNotificationProvider", OBJECT_ID, ""),
    Field::optional(
        "config",
        Schema::Object(&[
            Field::required("oneTimeToken", TEXT, "The token value a device presents."),
            Field::required("enrollmentHost", TEXT, ""),
            Field::required(
                "qrCode",
                Schema::AnyObject,
                "Android provisioning extras to encode as a QR code.",
            ),
        ]),
        "Present while the token can enroll.",
    ),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required(
        "enrolledDevices",
        NON_NEGATIVE_SAFE_INTEGER,
        "How many devices enrolled with this token.",
    ),
    Field::optional("lastEnrollmentAt", DATE_TIME, "When a device last enrolled with it."),
    Field::optional(
        "maxEnrollments",
        crate::schema::integer(1, 100_000),
        "Perpetual tokens: the cap on enrolledDevices.",
    ),
]);

const STATE_CHANGE: Schema = Schema::Object(&[
    Field::required("state", string().one_of(DEVICE_STATES).schema(), ""),
    Field::required("date", DATE_TIME, ""),
    Field::optional("config", Schema::AnyObject, ""),
]);

const DEVICE_AOS_POLICY: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("aosEnterpriseId", OBJECT_ID, ""),
    Field::required("name", string().max(256).schema(), ""),
    Field::optional("description", string().max(500).schema(), ""),
    Field::required("config", Schema::AnyObject, "The composed configuration."),
    Field::required("applications", OBJECTS, ""),
    Field::required("applicationsInfo", OBJECTS, ""),
    Field::required("version", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::required("createdAt", DATE_TIME, ""),
]);

pub const AOSP_DEVICE: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, "Identifier of the AOSP device."),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("aosEnterpriseId", OBJECT_ID, ""),
    Field::optional("pushNotificationProvider", OBJECT_ID, ""),
    Field::optional("segmentId", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::optional("displayName", string().max(256).schema(), ""),
    Field::required("tags", STRINGS, ""),
    Field::required("state", string().one_of(DEVICE_STATES).schema(), ""),
    Field::required("type", string().one_of(&["aosp"]).schema(), ""),
    Field::required("subType", string().one_of(&["device"]).schema(), ""),
    Field::optional("mdmUser", MDM_USER_REF, ""),
    Field::optional("aosPolicyId", OBJECT_ID, "Directly assigned policy."),
    Field::optional("aosPolicy", AOS_POLICY_SUMMARY, ""),
    Field::optional(
        "deviceAosPolicy",
        DEVICE_AOS_POLICY,
        "Effective policy composed from the assignments.",
    ),
    Field::required("aosPolicyAssignments", array(&AOS_POLICY_ASSIGNMENT), ""),
    Field::optional(
        "devicePolicyStatus",
        Schema::Object(&[
            Field::required("pushed", Schema::Boolean, ""),
            Field::required("audit", Schema::AnyObject, ""),
        ]),
        "",
    ),
    Field::optional(
        "config",
        Schema::AnyObject,
        "deviceReport, managementMode, location, appliedPolicy.",
    ),
    Field::required("summary", Schema::AnyObject, ""),
    Field::required("stateHistory", array(&STATE_CHANGE), ""),
    Field::optional("lastStatusReportTime", DATE_TIME, ""),
    Field::required("enrolledDate", DATE_TIME, ""),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::required("createdAt", DATE_TIME, ""),
]);

pub const WIN_POLICY: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("winEnterpriseId", OBJECT_ID, ""),
    Field::required("name", string().max(256).schema(), ""),
    Field::required("config", Schema::AnyObject, ""),
    Field::required("applications", OBJECTS, ""),
    Field::required("applicationsInfo", OBJECTS, ""),
    Field::required("scripts", OBJECTS, ""),
    Field::required("scriptsInfo", OBJECTS, ""),
    Field::required("admxConfigs", OBJECTS, ""),
    Field::required("admxConfigsInfo", OBJECTS, ""),
    Field::optional("agentConfiguration", Schema::AnyObject, ""),
    Field::required("assets", OBJECTS, ""),
    Field::required("assetsInfo", OBJECTS, ""),
    Field::required("version", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::required("createdAt", DATE_TIME, ""),
]);

const WIN_POLICY_ASSIGNMENT: Schema = Schema::Object(&[
    Field::optional("winPolicyId", OBJECT_ID, ""),
    Field::optional("winPolicy", WIN_POLICY, ""),
    Field::required("priority", crate::schema::integer(0, 10_000), ""),
]);

pub const WIN_ENROLLMENT_TOKEN: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("winEnterpriseId", OBJECT_ID, ""),
    Field::optional("winDeviceId", OBJECT_ID, ""),
    Field::optional("mdmUser", MDM_USER_REF, ""),
    Field::optional("displayName", string().max(128).schema(), ""),
    Field::required("tags", STRINGS, ""),
    Field::required("state", string().one_of(WIN_TOKEN_STATES).schema(), ""),
    Field::required("config", Schema::AnyObject, ""),
    Field::required("type", string().max(128).schema(), ""),
    Field::required("subType", string().max(128).schema(), ""),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required("expireAt", DATE_TIME, ""),
    Field::optional(
        "enrollmentLink",
        string().max(500).schema(),
        "ms-device-enrollment: deep link.",
    ),
    Field::optional("enrollCode", string().max(128).schema(), "Code a person types."),
    Field::optional("winPolicyId", OBJECT_ID, ""),
    Field::required("winPolicyAssignments", array(&WIN_POLICY_ASSIGNMENT), ""),
    Field::required(
        "summary",
        Schema::Object(&[Field::required("expirationTimestamp", DATE_TIME, "")]),
        "",
    ),
    Field::required("sendEmail", Schema::Boolean, ""),
    Field::optional("emailText", TEXT, ""),
    Field::required(
        "enrolledDevices",
        NON_NEGATIVE_SAFE_INTEGER,
        "How many PCs enrolled with this token.",
    ),
    Field::optional("lastEnrollmentAt", DATE_TIME, "When a PC last enrolled with it."),
]);

pub const WIN_DEVICE: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, "Identifier of the Windows device."),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("winEnterpriseId", OBJECT_ID, ""),
    Field::optional(
        "winEnrollmentTokenId",
        OBJECT_ID,
        "The token whose enroll code the PC used.",
    ),
    Field::optional("segmentId", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::optional("mdmUserId", OBJECT_ID, ""),
    Field::optional("mdmUser", MDM_USER_REF, ""),
    Field::optional("displayName", string().max(256).schema(), ""),
    Field::required("tags", STRINGS, ""),
    Field::required("state", string().one_of(DEVICE_STATES).schema(), ""),
    Field::required("stateHistory", array(&STATE_CHANGE), ""),
    Field::required("type", string().one_of(&["windows"]).schema(), ""),
    Field::required("subType", string().one_of(&["device"]).schema(), ""),
    Field::optional("serialNumber", TEXT, ""),
    Field::required("deviceInfo", Schema::AnyObject, "What the PC sent at enrollment."),
    Field::optional("winPolicyId", OBJECT_ID, "Directly assigned Windows policy."),
    Field::required("winPolicyAssignments", array(&WIN_POLICY_ASSIGNMENT), ""),
    Field::optional("lastStatusReportTime", DATE_TIME, ""),
    Field::required("enrolledDate", DATE_TIME, ""),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::required("createdAt", DATE_TIME, ""),
]);

pub const GOOGLE_ENROLLMENT_TOKEN: Schema = Schema::Object(&[
    Field::required(
        "name",
        TEXT,
        "enterprises/{enterpriseId}/enrollmentTokens/{enrollmentTokenId}",
    ),
    Field::required("value", TEXT, ""),
    Field::required("duration", TEXT, "Protobuf Duration, e.g. 3600s."),
    Field::required("expirationTimestamp", DATE_TIME, ""),
    Field::optional("additionalData", string().max(1024).schema(), ""),
    Field::required("policyName", TEXT, ""),
    Field::required("qrCode", TEXT, "JSON string of the provisioning extras."),
    Field::required("oneTimeOnly", Schema::Boolean, ""),
    Field::optional(
        "user",
        Schema::Object(&[Field::optional("accountIdentifier", string().max(1024).schema(), "")]),
        "",
    ),
    Field::optional("allowPersonalUsage", TEXT, ""),
    Field::optional(
        "maxEnrollments",
        crate::schema::integer(1, 100_000),
        "How many devices the token may enroll at most (an extension of this service).",
    ),
    Field::required(
        "enrolledDevices",
        NON_NEGATIVE_SAFE_INTEGER,
        "How many devices enrolled with this token (an extension of this service).",
    ),
    Field::optional(
        "lastEnrollmentAt",
        DATE_TIME,
        "When a device last enrolled with it (an extension of this service).",
    ),
]);

pub const ORGANIZATION: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("name", string().max(128).schema(), ""),
    Field::required("slug", TEXT, ""),
    Field::required("plan", string().one_of(crate::requests::admin::PLANS).schema(), ""),
    Field::required(
        "aosEnterpriseId",
        OBJECT_ID,
        "AOSP enterprise of the organization (aosEnterpriseId of its AOSP resources).",
    ),
    Field::required(
        "winEnterpriseId",
        OBJECT_ID,
        "Windows enterprise of the organization (winEnterpriseId of its Windows resources).",
    ),
    Field::required("enterpriseId", TEXT, "Id of the Google-compatible enterprise."),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required("updatedAt", DATE_TIME, ""),
]);

pub const SEGMENT: Schema = Schema::Object(&[
    Field::required("id", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("name", TEXT, ""),
    Field::required("parentId", NON_NEGATIVE_SAFE_INTEGER, "").nullable(),
    Field::required("createdAt", DATE_TIME, ""),
]);

pub const MDM_USER: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("email", TEXT, ""),
    Field::optional("displayName", TEXT, ""),
    Field::required("createdAt", DATE_TIME, ""),
]);

pub const MEMBER: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("email", TEXT, ""),
    Field::required("role", string().one_of(crate::roles::NAMES).schema(), ""),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required("updatedAt", DATE_TIME, ""),
]);

pub const API_KEY: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("name", TEXT, ""),
    Field::required("prefix", TEXT, "The key's first characters, to recognize it."),
    Field::required("permissions", STRINGS, "The permissions the key holds."),
    Field::required("expiresAt", DATE_TIME, "null: never expires.").nullable(),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required(
        "lastUsedAt",
        DATE_TIME,
        "Updated at most once a minute; null: never used.",
    )
    .nullable(),
    Field::optional(
        "key",
        TEXT,
        "The key itself (`mdme_...`), only in the answer that created it: store it now.",
    ),
]);

pub const WEBHOOK: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("url", TEXT, "Where deliveries are POSTed."),
    Field::required("events", STRINGS, "The events delivered."),
    Field::required("enabled", Schema::Boolean, "false: nothing is delivered."),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required("updatedAt", DATE_TIME, ""),
    Field::optional(
        "secret",
        TEXT,
        "The signing secret (`whsec_...`), only in the answer that created it: store it now.",
    ),
]);

pub const WEBHOOK_DELIVERY: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("webhookId", OBJECT_ID, ""),
    Field::required("event", TEXT, "The event's type (`ping` for a test)."),
    Field::required(
        "messageId",
        TEXT,
        "The delivery's `webhook-id`, the same for every attempt.",
    ),
    Field::required("attempt", crate::schema::integer(1, 1000), "1 for the first attempt."),
    Field::required(
        "status",
        string().one_of(crate::webhooks::DELIVERY_STATUSES).schema(),
        "`delivered` (2xx), `failed` (retried later), `deadLettered` (failed, and no retry is left).",
    ),
    Field::required(
        "responseStatus",
        crate::schema::integer(100, 599),
        "The receiver's HTTP status; null: no answer (timeout after 10 s, or no connection).",
    )
    .nullable(),
    Field::required("at", DATE_TIME, "When the attempt was made."),
]);

/// What `POST .../webhooks/:webhookId/test` answers: the queued ping.
pub const WEBHOOK_TEST: Schema = Schema::Object(&[
    Field::required("webhookId", OBJECT_ID, ""),
    Field::required("event", string().one_of(&[crate::webhooks::PING]).schema(), "`ping`."),
    Field::required(
        "messageId",
        TEXT,
        "The delivery's `webhook-id`; its attempts are listed under the subscription's deliveries.",
    ),
]);

/// Who made a change: `actor.type` of an audit event.
pub const AUDIT_ACTOR_TYPES: &[&str] = &["apiKey", "user", "service", "device"];

pub const AUDIT_EVENT: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("at", DATE_TIME, "When the change was made."),
    Field::required(
        "actor",
        Schema::Object(&[
            Field::required(
                "type",
                string().one_of(AUDIT_ACTOR_TYPES).schema(),
                "`apiKey` (an API key), `user` (an OpenID Connect identity), `service` (an HS256 token), \
                 `device` (a device with its enrollment credential or secret).",
            ),
            Field::required("id", TEXT, "The API key's id, the token's `sub`, or the device's id."),
            Field::optional("email", TEXT, "A person's email, when the credential names one."),
        ]),
        "",
    ),
    Field::required(
        "action",
        TEXT,
        "The permission of the route that made the change (`mdm.aosp.enrollmentToken.create`), or \
         `device.enroll` / `device.stateChanged` for what devices do.",
    ),
    Field::required(
        "target",
        Schema::Object(&[
            Field::required(
                "type",
                TEXT,
                "What was changed (`aospEnrollmentToken`, `aospDevice`, ...).",
            ),
            Field::required("id", TEXT, "Its id."),
        ]),
        "",
    ),
    Field::required(
        "ip",
        TEXT,
        "The client's address (`CF-Connecting-IP`); empty when unknown.",
    ),
    Field::required(
        "details",
        Schema::AnyObject,
        "Safe facts about the change: `operation` (the OpenAPI operationId) and, for some, \
         more (a device's states `from` and `to`). Never a credential.",
    ),
]);

pub const AOSP_POLICY: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("aosEnterpriseId", OBJECT_ID, ""),
    Field::required("name", TEXT, ""),
    Field::optional("description", TEXT, ""),
    Field::required("version", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("config", Schema::AnyObject, ""),
    Field::required("private", Schema::Boolean, ""),
    Field::optional("segmentId", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("exposeToChildren", Schema::Boolean, ""),
    Field::required("createdAt", DATE_TIME, ""),
    Field::required("updatedAt", DATE_TIME, ""),
]);

pub const DPC_BUILD: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, ""),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("tag", TEXT, ""),
    Field::required("downloadUrl", TEXT, ""),
    Field::required("signatureChecksum", TEXT, ""),
    Field::required("componentName", TEXT, ""),
    Field::optional("versionCode", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("createdAt", DATE_TIME, ""),
]);

pub const VIOLATION: Schema = Schema::Object(&[
    Field::required(
        "path",
        TEXT,
        "Where: aosPolicyAssignments[1].priority; empty for the whole body.",
    ),
    Field::required("code", string().one_of(crate::violation::CODES).schema(), ""),
    Field::required("message", TEXT, ""),
]);

/// One entry of a 409 / 5012's `details`: referrers of one kind.
pub const ENTITY_IN_USE: Schema = Schema::Object(&[
    Field::required(
        "kind",
        string().one_of(crate::model::admin::REFERRER_KINDS).schema(),
        "What still refers to the entity.",
    ),
    Field::required(
        "count",
        crate::schema::integer(1, crate::schema::MAX_SAFE_INTEGER),
        "How many of them.",
    ),
]);

/// Pagination counters that come with `items`.
pub const PAGE_FIELDS: &[Field] = &[
    Field::required("totalDocs", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("limit", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("hasPrevPage", Schema::Boolean, ""),
    Field::required("hasNextPage", Schema::Boolean, ""),
    Field::required("page", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("totalPages", NON_NEGATIVE_SAFE_INTEGER, ""),
    Field::required("prevPage", NON_NEGATIVE_SAFE_INTEGER, "null on the first page.").nullable(),
    Field::required("nextPage", NON_NEGATIVE_SAFE_INTEGER, "null on the last page.").nullable(),
];
