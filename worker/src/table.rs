//! The endpoint table: every route the worker serves, one row each.
//!
//! Adding an endpoint is one row here, one handler (`async fn(&mut Ctx,
//! Scope) -> Result<Response, ApiError>` in its resource module under
//! `routes/`) and its tests. Routing, the gate order, `/openapi.json`, the npm
//! client's paths and the parity test's routes all follow from the row.

use mdm_core::pagination as pg;
use mdm_core::permissions as perm;
use mdm_core::plans::Feature;

use crate::endpoint::Gate::{Caller, DeviceSecret, Enterprise, Organization, OrganizationFeature, Permission, Public};
use crate::endpoint::{endpoint, Endpoint, Link, Refusal, Success};
use crate::handler;
use crate::routes::{
    aosp_devices, aosp_enroll, aosp_policies, aosp_tokens, api_keys, audit_events, debug, dpc_builds, google, health,
    mdm_users, me, members, organizations, segments, webhooks, windows,
};

const SERVICE: &str = "Service";
const ORGANIZATIONS: &str = "Organizations";
const SEGMENTS: &str = "Segments";
const MDM_USERS: &str = "MDM users";
const MEMBERS: &str = "Members";
const API_KEYS: &str = "API keys";
const AUDIT: &str = "Audit log";
const WEBHOOKS: &str = "Webhooks";
const AOSP_POLICIES: &str = "AOSP policies";
const DPC_BUILDS: &str = "DPC builds";
const AOSP_TOKENS: &str = "AOSP enrollment tokens";
const AOSP_DEVICES: &str = "AOSP devices";
const DEVICE_SIDE: &str = "Device enrollment";
const WIN_TOKENS: &str = "Windows enrollment tokens";
const WIN_POLICIES: &str = "Windows policies";
const WIN_DEVICES: &str = "Windows devices";
const GOOGLE: &str = "Android Management API (Google-compatible)";

/// An AOSP token created under `organizationId`, addressed by its `data.id`.
const AOSP_TOKEN_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("aosEnrollmentTokenId", "$response.body#/data/id"),
];
/// A Windows token created under `organizationId`, addressed by its `data.id`.
const WIN_TOKEN_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("winEnrollmentTokenId", "$response.body#/data/id"),
];

/// A segment created under `organizationId`, addressed by its `data.id`.
const SEGMENT_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("segmentId", "$response.body#/data/id"),
];

/// A MDM user created under `organizationId`, addressed by its `data.id`.
const MDM_USER_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("mdmUserId", "$response.body#/data/id"),
];

/// A AOSP policy created under `organizationId`, addressed by its `data.id`.
const AOSP_POLICY_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("aosPolicyId", "$response.body#/data/id"),
];

/// A DPC build created under `organizationId`, addressed by its `data.id`.
const DPC_BUILD_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("dpcBuildId", "$response.body#/data/id"),
];

/// A Windows policy created under `organizationId`, addressed by its `data.id`.
const WIN_POLICY_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("winPolicyId", "$response.body#/data/id"),
];

/// A webhook created under `organizationId`, addressed by its `data.id`.
const WEBHOOK_PARAMS: &[(&str, &str)] = &[
    ("organizationId", "$request.path.organizationId"),
    ("webhookId", "$response.body#/data/id"),
];

const WINDOWS: Feature = Feature::WindowsMdm;

pub static ENDPOINTS: &[Endpoint] = &[
    endpoint("GET", "/health", "Health", Public, handler!(health::get))
        .doc(SERVICE, "Liveness: the worker runs and D1 answers")
        .ok(Success::EnvelopeInline(&health::HEALTH)),
    endpoint("GET", "/v1/me", "Me", Caller, handler!(me::get))
        .doc(
            SERVICE,
            "The caller, and what it may do in each organization it can see",
        )
        .ok(Success::EnvelopeInline(&me::ME)),
    endpoint(
        "GET",
        "/openapi.json",
        "OpenApi",
        Public,
        handler!(crate::openapi::serve),
    )
    .doc(SERVICE, "This OpenAPI document"),
    endpoint("POST", "/v1/_debug/echo", "DebugEcho", Public, handler!(debug::echo))
        .hidden("exists only when the var DEBUG_ROUTES is \"true\" (the e2e tests); everywhere else it is a 404"),
    endpoint("POST", "/v1/_debug/sql", "DebugSql", Public, handler!(debug::sql)).hidden(
        "exists only when the var DEBUG_SQL is \"true\" and x-debug-secret is the worker's AUTH_SECRET (the e2e tests); everywhere else it is a 404",
    ),
    // Organizations and the resources an administrator sets up.
    endpoint(
        "GET",
        "/v1/organizations",
        "OrganizationsList",
        Permission(perm::ORGANIZATION_LIST),
        handler!(organizations::list),
    )
    .doc(ORGANIZATIONS, "List the organizations the token may see")
    .client("listOrganizations")
    .list(&pg::ORGANIZATIONS, "Organization"),
    endpoint(
        "POST",
        "/v1/organizations",
        "OrganizationsCreate",
        Permission(perm::PLATFORM_ORGANIZATION_CREATE),
        handler!(organizations::create),
    )
    .doc(
        ORGANIZATIONS,
        "Create an organization and choose its plan (platform operators)",
    )
    .idempotent()
    .client("createOrganization")
    .body("OrganizationCreate")
    .created(Success::Envelope("Organization")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId",
        "OrganizationUpdate",
        Organization(perm::PLATFORM_ORGANIZATION_UPDATE),
        handler!(organizations::update),
    )
    .doc(
        ORGANIZATIONS,
        "Rename an organization or change its plan (platform operators)",
    )
    .client("updateOrganization")
    .body("OrganizationUpdate")
    .ok(Success::Envelope("Organization")),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/segments",
        "SegmentsList",
        Organization(perm::SEGMENT_LIST),
        handler!(segments::list),
    )
    .doc(SEGMENTS, "List segments")
    .client("listSegments")
    .list(&pg::SEGMENTS, "Segment"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/segments",
        "SegmentsCreate",
        Organization(perm::SEGMENT_CREATE),
        handler!(segments::create),
    )
    .doc(SEGMENTS, "Create a segment")
    .idempotent()
    .client("createSegment")
    .body("SegmentCreate")
    .created(Success::Envelope("Segment"))
    .links(&[
        Link {
            op: "SegmentGet",
            params: SEGMENT_PARAMS,
        },
        Link {
            op: "SegmentUpdate",
            params: SEGMENT_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/segments/:segmentId",
        "SegmentGet",
        Organization(perm::SEGMENT_GET),
        handler!(segments::get),
    )
    .doc(SEGMENTS, "Get a segment")
    .client("getSegment")
    .ok(Success::Envelope("Segment")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/segments/:segmentId",
        "SegmentUpdate",
        Organization(perm::SEGMENT_UPDATE),
        handler!(segments::update),
    )
    .doc(SEGMENTS, "Update a segment (absent fields stay as they are); a parent that is the segment itself or one of its descendants is refused")
    .client("updateSegment")
    .body("SegmentUpdate")
    .ok(Success::Envelope("Segment")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/segments/:segmentId",
        "SegmentRemove",
        Organization(perm::SEGMENT_REMOVE),
        handler!(segments::remove),
    )
    .doc(SEGMENTS, "Delete a segment (409 / 5012 while anything still refers to it)")
    .client("deleteSegment")
    .ok(Success::Envelope("Segment"))
    .refuses(&[Refusal::InUse]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm-users",
        "MdmUsersList",
        Organization(perm::MDM_USER_LIST),
        handler!(mdm_users::list),
    )
    .doc(MDM_USERS, "List MDM users")
    .client("listMdmUsers")
    .list(&pg::MDM_USERS, "MdmUser"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm-users",
        "MdmUsersCreate",
        Organization(perm::MDM_USER_CREATE),
        handler!(mdm_users::create),
    )
    .doc(MDM_USERS, "Create an MDM user")
    .idempotent()
    .client("createMdmUser")
    .body("MdmUserCreate")
    .created(Success::Envelope("MdmUser"))
    .links(&[
        Link {
            op: "MdmUserGet",
            params: MDM_USER_PARAMS,
        },
        Link {
            op: "MdmUserUpdate",
            params: MDM_USER_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm-users/:mdmUserId",
        "MdmUserGet",
        Organization(perm::MDM_USER_GET),
        handler!(mdm_users::get),
    )
    .doc(MDM_USERS, "Get an MDM user")
    .client("getMdmUser")
    .ok(Success::Envelope("MdmUser")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm-users/:mdmUserId",
        "MdmUserUpdate",
        Organization(perm::MDM_USER_UPDATE),
        handler!(mdm_users::update),
    )
    .doc(MDM_USERS, "Update an MDM user (absent fields stay as they are)")
    .client("updateMdmUser")
    .body("MdmUserUpdate")
    .ok(Success::Envelope("MdmUser")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm-users/:mdmUserId",
        "MdmUserRemove",
        Organization(perm::MDM_USER_REMOVE),
        handler!(mdm_users::remove),
    )
    .doc(MDM_USERS, "Delete an MDM user (409 / 5012 while anything still refers to it)")
    .client("deleteMdmUser")
    .ok(Success::Envelope("MdmUser"))
    .refuses(&[Refusal::InUse]),
    // Who may act in an organization: members (people) and API keys (automation).
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/members",
        "MembersList",
        Organization(perm::MEMBER_LIST),
        handler!(members::list),
    )
    .doc(MEMBERS, "List the organization's members")
    .client("listMembers")
    .list(&pg::MEMBERS, "Member"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/members",
        "MembersCreate",
        Organization(perm::MEMBER_CREATE),
        handler!(members::create),
    )
    .doc(
        MEMBERS,
        "Add a member with a role (within the caller's own permissions)",
    )
    .client("createMember")
    .body("MemberCreate")
    .created(Success::Envelope("Member"))
    .refuses(&[Refusal::Delegation]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/members/:memberId",
        "MemberGet",
        Organization(perm::MEMBER_GET),
        handler!(members::get),
    )
    .doc(MEMBERS, "Get a member")
    .client("getMember")
    .ok(Success::Envelope("Member")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/members/:memberId",
        "MemberUpdate",
        Organization(perm::MEMBER_UPDATE),
        handler!(members::update),
    )
    .doc(MEMBERS, "Change a member's role or email (the last owner stays owner)")
    .client("updateMember")
    .body("MemberUpdate")
    .ok(Success::Envelope("Member"))
    .refuses(&[Refusal::Delegation, Refusal::LastOwner]),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/members/:memberId",
        "MemberRemove",
        Organization(perm::MEMBER_REMOVE),
        handler!(members::remove),
    )
    .doc(MEMBERS, "Remove a member (never the last owner)")
    .client("removeMember")
    .ok(Success::Envelope("Member"))
    .refuses(&[Refusal::Delegation, Refusal::LastOwner]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/api-keys",
        "ApiKeysList",
        Organization(perm::API_KEY_LIST),
        handler!(api_keys::list),
    )
    .doc(
        API_KEYS,
        "List the organization's live API keys (never the keys themselves)",
    )
    .client("listApiKeys")
    .list(&pg::API_KEYS, "ApiKey"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/api-keys",
        "ApiKeysCreate",
        Organization(perm::API_KEY_CREATE),
        handler!(api_keys::create),
    )
    .doc(
        API_KEYS,
        "Create an API key; the answer is the only one that shows `key`",
    )
    .client("createApiKey")
    .body("ApiKeyCreate")
    .created(Success::Envelope("ApiKey"))
    .refuses(&[Refusal::Delegation]),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/api-keys/:apiKeyId",
        "ApiKeyRemove",
        Organization(perm::API_KEY_REMOVE),
        handler!(api_keys::remove),
    )
    .doc(API_KEYS, "Revoke an API key (its next request is 401)")
    .client("revokeApiKey")
    .ok(Success::Envelope("ApiKey")),
    // Events delivered to subscribers' URLs (`crate::webhooks`).
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/webhooks",
        "WebhooksCreate",
        Organization(perm::WEBHOOK_CREATE),
        handler!(webhooks::create),
    )
    .doc(
        WEBHOOKS,
        "Subscribe a URL to events; the answer is the only one that shows the signing `secret`",
    )
    .client("createWebhook")
    .body("WebhookCreate")
    .idempotent()
    .created(Success::Envelope("Webhook"))
    .links(&[
        Link {
            op: "WebhookGet",
            params: WEBHOOK_PARAMS,
        },
        Link {
            op: "WebhookUpdate",
            params: WEBHOOK_PARAMS,
        },
        Link {
            op: "WebhookDeliveriesList",
            params: WEBHOOK_PARAMS,
        },
        Link {
            op: "WebhookTest",
            params: WEBHOOK_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/webhooks",
        "WebhooksList",
        Organization(perm::WEBHOOK_LIST),
        handler!(webhooks::list),
    )
    .doc(WEBHOOKS, "List the organization's webhook subscriptions (never their secret)")
    .client("listWebhooks")
    .list(&pg::WEBHOOKS, "Webhook"),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/webhooks/:webhookId",
        "WebhookGet",
        Organization(perm::WEBHOOK_GET),
        handler!(webhooks::get),
    )
    .doc(WEBHOOKS, "Read a webhook subscription (never its secret)")
    .client("getWebhook")
    .ok(Success::Envelope("Webhook")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/webhooks/:webhookId",
        "WebhookUpdate",
        Organization(perm::WEBHOOK_UPDATE),
        handler!(webhooks::update),
    )
    .doc(WEBHOOKS, "Change a subscription's URL or events, or enable / disable it")
    .client("updateWebhook")
    .body("WebhookUpdate")
    .ok(Success::Envelope("Webhook")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/webhooks/:webhookId",
        "WebhookRemove",
        Organization(perm::WEBHOOK_REMOVE),
        handler!(webhooks::remove),
    )
    .doc(WEBHOOKS, "Delete a subscription (nothing more is delivered to it)")
    .client("deleteWebhook")
    .ok(Success::Envelope("Webhook")),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/webhooks/:webhookId/deliveries",
        "WebhookDeliveriesList",
        Organization(perm::WEBHOOK_DELIVERY_LIST),
        handler!(webhooks::deliveries),
    )
    .doc(
        WEBHOOKS,
        "List a subscription's delivery attempts, newest first (one row per attempt)",
    )
    .client("listWebhookDeliveries")
    .list(&pg::WEBHOOK_DELIVERIES, "WebhookDelivery"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/webhooks/:webhookId/test",
        "WebhookTest",
        Organization(perm::WEBHOOK_TEST),
        handler!(webhooks::test),
    )
    .doc(WEBHOOKS, "Queue a `ping` event to the subscription (sent even when it is disabled)")
    .client("testWebhook")
    .ok(Success::Envelope("WebhookTest")),
    // Who changed what: written with every change (`crate::audit`), read here.
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/audit-events",
        "AuditEventsList",
        Organization(perm::AUDIT_LIST),
        handler!(audit_events::list),
    )
    .doc(
        AUDIT,
        "List the organization's audit events, newest first (filters: action, actorId, targetId, from, to)",
    )
    .client("listAuditEvents")
    .list(&pg::AUDIT_EVENTS, "AuditEvent"),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/policies",
        "AospPoliciesList",
        Organization(perm::AOSP_POLICY_LIST),
        handler!(aosp_policies::list),
    )
    .doc(AOSP_POLICIES, "List AOSP policies")
    .client("listAospPolicies")
    .list(&pg::AOSP_POLICIES, "AospPolicy"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/policies",
        "AospPoliciesCreate",
        Organization(perm::AOSP_POLICY_CREATE),
        handler!(aosp_policies::create),
    )
    .doc(AOSP_POLICIES, "Create an AOSP policy")
    .idempotent()
    .client("createAospPolicy")
    .body("AospPolicyCreate")
    .created(Success::Envelope("AospPolicy"))
    .links(&[
        Link {
            op: "AospPolicyGet",
            params: AOSP_POLICY_PARAMS,
        },
        Link {
            op: "AospPolicyUpdate",
            params: AOSP_POLICY_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/policies/:aosPolicyId",
        "AospPolicyGet",
        Organization(perm::AOSP_POLICY_GET),
        handler!(aosp_policies::get),
    )
    .doc(AOSP_POLICIES, "Get an AOSP policy")
    .client("getAospPolicy")
    .ok(Success::Envelope("AospPolicy")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/policies/:aosPolicyId",
        "AospPolicyUpdate",
        Organization(perm::AOSP_POLICY_UPDATE),
        handler!(aosp_policies::update),
    )
    .doc(AOSP_POLICIES, "Update an AOSP policy (absent fields stay as they are); every change bumps its version by one, up to 2^53 - 1, where it stays")
    .client("updateAospPolicy")
    .body("AospPolicyUpdate")
    .ok(Success::Envelope("AospPolicy")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/policies/:aosPolicyId",
        "AospPolicyRemove",
        Organization(perm::AOSP_POLICY_REMOVE),
        handler!(aosp_policies::remove),
    )
    .doc(AOSP_POLICIES, "Delete an AOSP policy (409 / 5012 while anything still refers to it)")
    .client("deleteAospPolicy")
    .ok(Success::Envelope("AospPolicy"))
    .refuses(&[Refusal::InUse]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds",
        "DpcBuildsList",
        Organization(perm::DPC_BUILD_LIST),
        handler!(dpc_builds::list),
    )
    .doc(DPC_BUILDS, "List DPC builds")
    .client("listDpcBuilds")
    .list(&pg::DPC_BUILDS, "DpcBuild"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds",
        "DpcBuildsCreate",
        Organization(perm::DPC_BUILD_CREATE),
        handler!(dpc_builds::create),
    )
    .doc(DPC_BUILDS, "Register a DPC build")
    .idempotent()
    .client("createDpcBuild")
    .body("DpcBuildCreate")
    .created(Success::Envelope("DpcBuild"))
    .links(&[
        Link {
            op: "DpcBuildGet",
            params: DPC_BUILD_PARAMS,
        },
        Link {
            op: "DpcBuildUpdate",
            params: DPC_BUILD_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds/:dpcBuildId",
        "DpcBuildGet",
        Organization(perm::DPC_BUILD_GET),
        handler!(dpc_builds::get),
    )
    .doc(DPC_BUILDS, "Get a DPC build")
    .client("getDpcBuild")
    .ok(Success::Envelope("DpcBuild")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds/:dpcBuildId",
        "DpcBuildUpdate",
        Organization(perm::DPC_BUILD_UPDATE),
        handler!(dpc_builds::update),
    )
    .doc(DPC_BUILDS, "Update a DPC build (absent fields stay as they are)")
    .client("updateDpcBuild")
    .body("DpcBuildUpdate")
    .ok(Success::Envelope("DpcBuild")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds/:dpcBuildId",
        "DpcBuildRemove",
        Organization(perm::DPC_BUILD_REMOVE),
        handler!(dpc_builds::remove),
    )
    .doc(DPC_BUILDS, "Delete a DPC build (409 / 5012 while anything still refers to it)")
    .client("deleteDpcBuild")
    .ok(Success::Envelope("DpcBuild"))
    .refuses(&[Refusal::InUse]),
    // AOSP enrollment tokens and devices.
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens",
        "AospTokensList",
        Organization(perm::AOSP_TOKEN_LIST),
        handler!(aosp_tokens::list),
    )
    .doc(AOSP_TOKENS, "List AOSP enrollment tokens")
    .client("listAospEnrollmentTokens")
    .reveals(perm::AOSP_TOKEN_REVEAL)
    .list(&pg::AOSP_TOKENS, "AospEnrollmentToken"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens",
        "AospTokensCreate",
        Organization(perm::AOSP_TOKEN_CREATE),
        handler!(aosp_tokens::create),
    )
    .doc(AOSP_TOKENS, "Create an AOSP enrollment token")
    .idempotent()
    .client("createAospEnrollmentToken")
    .body("AospEnrollmentTokenCreate")
    .created(Success::Envelope("AospEnrollmentToken"))
    .refuses(&[Refusal::Quota])
    .links(&[
        Link {
            op: "AospTokenGet",
            params: AOSP_TOKEN_PARAMS,
        },
        Link {
            op: "AospTokenRemove",
            params: AOSP_TOKEN_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId",
        "AospTokenGet",
        Organization(perm::AOSP_TOKEN_GET),
        handler!(aosp_tokens::get),
    )
    .doc(AOSP_TOKENS, "Get an AOSP enrollment token")
    .client("getAospEnrollmentToken")
    .reveals(perm::AOSP_TOKEN_REVEAL)
    .ok(Success::Envelope("AospEnrollmentToken")),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId/devices",
        "AospTokenDevicesList",
        Organization(perm::AOSP_DEVICE_LIST),
        handler!(aosp_devices::list_by_token),
    )
    .doc(AOSP_TOKENS, "List the devices enrolled with an AOSP enrollment token")
    .client("listAospEnrollmentTokenDevices")
    .list(&pg::AOSP_DEVICES, "AospDevice"),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens/:aosEnrollmentTokenId",
        "AospTokenRemove",
        Organization(perm::AOSP_TOKEN_REMOVE),
        handler!(aosp_tokens::remove),
    )
    .doc(AOSP_TOKENS, "Delete an AOSP enrollment token (afterwards 404)")
    .client("deleteAospEnrollmentToken")
    .ok(Success::Envelope("AospEnrollmentToken"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices",
        "AospDevicesList",
        Organization(perm::AOSP_DEVICE_LIST),
        handler!(aosp_devices::list),
    )
    .doc(AOSP_DEVICES, "List AOSP devices")
    .client("listAospDevices")
    .list(&pg::AOSP_DEVICES, "AospDevice"),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId",
        "AospDeviceGet",
        Organization(perm::AOSP_DEVICE_GET),
        handler!(aosp_devices::get),
    )
    .doc(AOSP_DEVICES, "Get an AOSP device")
    .client("getAospDevice")
    .ok(Success::Envelope("AospDevice")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId",
        "AospDeviceUpdate",
        Organization(perm::AOSP_DEVICE_UPDATE),
        handler!(aosp_devices::update),
    )
    .doc(AOSP_DEVICES, "Update an AOSP device")
    .client("updateAospDevice")
    .body("AospDeviceUpdate")
    .ok(Success::Envelope("AospDevice")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId",
        "AospDeviceRemove",
        Organization(perm::AOSP_DEVICE_REMOVE),
        handler!(aosp_devices::remove),
    )
    .doc(
        AOSP_DEVICES,
        "Delete an AOSP device (state DELETED, still listed with state=DELETED; its device secret stops working)",
    )
    .client("deleteAospDevice")
    .ok(Success::Envelope("AospDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId/disable",
        "AospDeviceDisable",
        Organization(perm::AOSP_DEVICE_UPDATE),
        handler!(aosp_devices::disable),
    )
    .doc(
        AOSP_DEVICES,
        "Disable an AOSP device (PROVISIONING or ACTIVE → DISABLED; its next status report says `disable`)",
    )
    .client("disableAospDevice")
    .ok(Success::Envelope("AospDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId/enable",
        "AospDeviceEnable",
        Organization(perm::AOSP_DEVICE_UPDATE),
        handler!(aosp_devices::enable),
    )
    .doc(AOSP_DEVICES, "Enable a disabled AOSP device (DISABLED → ACTIVE)")
    .client("enableAospDevice")
    .ok(Success::Envelope("AospDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/aosp/enterprise/devices/:aosDeviceId/disenroll",
        "AospDeviceDisenroll",
        Organization(perm::AOSP_DEVICE_UPDATE),
        handler!(aosp_devices::disenroll),
    )
    .doc(
        AOSP_DEVICES,
        "Disenroll an AOSP device (→ PENDING_DISENROLL; its next status report says `wipe` and makes it DELETED)",
    )
    .client("disenrollAospDevice")
    .ok(Success::Envelope("AospDevice"))
    .refuses(&[Refusal::StateTransition]),
    // The device side: the enrollment credential is in the body, then the device secret.
    endpoint(
        "POST",
        "/v1/enroll/aosp",
        "EnrollAosp",
        Public,
        handler!(aosp_enroll::enroll),
    )
    .doc(
        DEVICE_SIDE,
        "A device enrolls with an AOSP or Google-compatible enrollment token (consumed atomically)",
    )
    .device_side()
    .body("EnrollAosp")
    .created(Success::EnvelopeInline(&aosp_enroll::ENROLLED))
    .refuses(&[Refusal::UnknownCredential, Refusal::StateTransition, Refusal::Quota]),
    endpoint(
        "POST",
        "/v1/devices/aosp/:aosDeviceId/status",
        "AospStatusReport",
        DeviceSecret,
        handler!(aosp_enroll::status_report),
    )
    .doc(
        DEVICE_SIDE,
        "A device reports its status (X-Device-Secret); the first moves it to ACTIVE",
    )
    .device_side()
    .body("AospStatusReport")
    .ok(Success::EnvelopeInline(&aosp_enroll::REPORTED)),
    // Windows MDM (plans that include it).
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens",
        "WinTokensList",
        OrganizationFeature(perm::WIN_TOKEN_LIST, WINDOWS),
        handler!(windows::tokens::list),
    )
    .doc(WIN_TOKENS, "List Windows enrollment tokens")
    .client("listWinEnrollmentTokens")
    .reveals(perm::WIN_TOKEN_REVEAL)
    .list(&pg::WIN_TOKENS, "WinEnrollmentToken"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens",
        "WinTokensCreate",
        OrganizationFeature(perm::WIN_TOKEN_CREATE, WINDOWS),
        handler!(windows::tokens::create),
    )
    .doc(WIN_TOKENS, "Create a Windows enrollment token")
    .idempotent()
    .client("createWinEnrollmentToken")
    .refuses(&[Refusal::Quota])
    .body("WinEnrollmentTokenCreate")
    .created(Success::Envelope("WinEnrollmentToken"))
    .links(&[
        Link {
            op: "WinTokenGet",
            params: WIN_TOKEN_PARAMS,
        },
        Link {
            op: "WinTokenUpdate",
            params: WIN_TOKEN_PARAMS,
        },
        Link {
            op: "WinTokenRemove",
            params: WIN_TOKEN_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId",
        "WinTokenGet",
        OrganizationFeature(perm::WIN_TOKEN_GET, WINDOWS),
        handler!(windows::tokens::get),
    )
    .doc(WIN_TOKENS, "Get a Windows enrollment token")
    .client("getWinEnrollmentToken")
    .reveals(perm::WIN_TOKEN_REVEAL)
    .ok(Success::Envelope("WinEnrollmentToken")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId",
        "WinTokenUpdate",
        OrganizationFeature(perm::WIN_TOKEN_UPDATE, WINDOWS),
        handler!(windows::tokens::update),
    )
    .doc(WIN_TOKENS, "Update a Windows enrollment token")
    .client("updateWinEnrollmentToken")
    .reveals(perm::WIN_TOKEN_REVEAL)
    .body("WinEnrollmentTokenUpdate")
    .ok(Success::Envelope("WinEnrollmentToken")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens/:winEnrollmentTokenId",
        "WinTokenRemove",
        OrganizationFeature(perm::WIN_TOKEN_REMOVE, WINDOWS),
        handler!(windows::tokens::remove),
    )
    .doc(
        WIN_TOKENS,
        "Delete a Windows enrollment token (state DELETED; afterwards 404)",
    )
    .client("deleteWinEnrollmentToken")
    .ok(Success::Envelope("WinEnrollmentToken")),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices",
        "WinDevicesList",
        OrganizationFeature(perm::WIN_DEVICE_LIST, WINDOWS),
        handler!(windows::devices::list),
    )
    .doc(WIN_DEVICES, "List Windows devices")
    .client("listWinDevices")
    .list(&pg::WIN_DEVICES, "WinDevice"),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId",
        "WinDeviceGet",
        OrganizationFeature(perm::WIN_DEVICE_GET, WINDOWS),
        handler!(windows::devices::get),
    )
    .doc(WIN_DEVICES, "Get a Windows device")
    .client("getWinDevice")
    .ok(Success::Envelope("WinDevice")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId",
        "WinDeviceUpdate",
        OrganizationFeature(perm::WIN_DEVICE_UPDATE, WINDOWS),
        handler!(windows::devices::update),
    )
    .doc(WIN_DEVICES, "Update a Windows device")
    .client("updateWinDevice")
    .body("WinDeviceUpdate")
    .ok(Success::Envelope("WinDevice")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId",
        "WinDeviceRemove",
        OrganizationFeature(perm::WIN_DEVICE_REMOVE, WINDOWS),
        handler!(windows::devices::remove),
    )
    .doc(
        WIN_DEVICES,
        "Delete a Windows device (state DELETED, still listed with state=DELETED; its device secret stops working)",
    )
    .client("deleteWinDevice")
    .ok(Success::Envelope("WinDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId/disable",
        "WinDeviceDisable",
        OrganizationFeature(perm::WIN_DEVICE_UPDATE, WINDOWS),
        handler!(windows::devices::disable),
    )
    .doc(
        WIN_DEVICES,
        "Disable a Windows device (PROVISIONING or ACTIVE → DISABLED)",
    )
    .client("disableWinDevice")
    .ok(Success::Envelope("WinDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId/enable",
        "WinDeviceEnable",
        OrganizationFeature(perm::WIN_DEVICE_UPDATE, WINDOWS),
        handler!(windows::devices::enable),
    )
    .doc(WIN_DEVICES, "Enable a disabled Windows device (DISABLED → ACTIVE)")
    .client("enableWinDevice")
    .ok(Success::Envelope("WinDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/devices/:winDeviceId/disenroll",
        "WinDeviceDisenroll",
        OrganizationFeature(perm::WIN_DEVICE_UPDATE, WINDOWS),
        handler!(windows::devices::disenroll),
    )
    .doc(WIN_DEVICES, "Disenroll a Windows device (→ PENDING_DISENROLL)")
    .client("disenrollWinDevice")
    .ok(Success::Envelope("WinDevice"))
    .refuses(&[Refusal::StateTransition]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/policies",
        "WinPoliciesList",
        OrganizationFeature(perm::WIN_POLICY_LIST, WINDOWS),
        handler!(windows::policies::list),
    )
    .doc(WIN_POLICIES, "List Windows policies")
    .client("listWinPolicies")
    .list(&pg::WIN_POLICIES, "WinPolicy"),
    endpoint(
        "POST",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/policies",
        "WinPoliciesCreate",
        OrganizationFeature(perm::WIN_POLICY_CREATE, WINDOWS),
        handler!(windows::policies::create),
    )
    .doc(WIN_POLICIES, "Create a Windows policy")
    .idempotent()
    .client("createWinPolicy")
    .body("WinPolicyCreate")
    .created(Success::Envelope("WinPolicy"))
    .links(&[
        Link {
            op: "WinPolicyGet",
            params: WIN_POLICY_PARAMS,
        },
        Link {
            op: "WinPolicyUpdate",
            params: WIN_POLICY_PARAMS,
        },
    ]),
    endpoint(
        "GET",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/policies/:winPolicyId",
        "WinPolicyGet",
        OrganizationFeature(perm::WIN_POLICY_GET, WINDOWS),
        handler!(windows::policies::get),
    )
    .doc(WIN_POLICIES, "Get a Windows policy")
    .client("getWinPolicy")
    .ok(Success::Envelope("WinPolicy")),
    endpoint(
        "PUT",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/policies/:winPolicyId",
        "WinPolicyUpdate",
        OrganizationFeature(perm::WIN_POLICY_UPDATE, WINDOWS),
        handler!(windows::policies::update),
    )
    .doc(WIN_POLICIES, "Update a Windows policy (absent fields stay as they are); every change bumps its version by one, up to 2^53 - 1, where it stays")
    .client("updateWinPolicy")
    .body("WinPolicyUpdate")
    .ok(Success::Envelope("WinPolicy")),
    endpoint(
        "DELETE",
        "/v1/organizations/:organizationId/mdm/windows/enterprise/policies/:winPolicyId",
        "WinPolicyRemove",
        OrganizationFeature(perm::WIN_POLICY_REMOVE, WINDOWS),
        handler!(windows::policies::remove),
    )
    .doc(WIN_POLICIES, "Delete a Windows policy (409 / 5012 while anything still refers to it)")
    .client("deleteWinPolicy")
    .ok(Success::Envelope("WinPolicy"))
    .refuses(&[Refusal::InUse]),
    endpoint(
        "POST",
        "/v1/enroll/windows",
        "EnrollWindows",
        Public,
        handler!(windows::enroll::enroll),
    )
    .doc(
        DEVICE_SIDE,
        "A PC enrolls with a Windows enrollCode (consumed atomically)",
    )
    .device_side()
    .body("EnrollWindows")
    .created(Success::EnvelopeInline(&windows::enroll::ENROLLED))
    .refuses(&[Refusal::UnknownCredential, Refusal::StateTransition, Refusal::Quota]),
    // The Google-compatible surface.
    endpoint(
        "GET",
        "/v1/enterprises/:enterpriseId/enrollmentTokens",
        "GoogleTokensList",
        Enterprise(perm::ANDROID_MANAGEMENT),
        handler!(google::list),
    )
    .doc(GOOGLE, "enterprises.enrollmentTokens.list")
    .google_list("GoogleEnrollmentToken"),
    endpoint(
        "POST",
        "/v1/enterprises/:enterpriseId/enrollmentTokens",
        "GoogleTokensCreate",
        Enterprise(perm::ANDROID_MANAGEMENT),
        handler!(google::create),
    )
    .doc(GOOGLE, "enterprises.enrollmentTokens.create")
    .idempotent()
    .body("GoogleEnrollmentTokenCreate")
    .refuses(&[Refusal::Quota])
    .ok(Success::Raw("GoogleEnrollmentToken")),
    endpoint(
        "GET",
        "/v1/enterprises/:enterpriseId/enrollmentTokens/:tokenId",
        "GoogleTokenGet",
        Enterprise(perm::ANDROID_MANAGEMENT),
        handler!(google::get),
    )
    .doc(GOOGLE, "enterprises.enrollmentTokens.get")
    .ok(Success::Raw("GoogleEnrollmentToken")),
    endpoint(
        "DELETE",
        "/v1/enterprises/:enterpriseId/enrollmentTokens/:tokenId",
        "GoogleTokenRemove",
        Enterprise(perm::ANDROID_MANAGEMENT),
        handler!(google::remove),
    )
    .doc(GOOGLE, "enterprises.enrollmentTokens.delete")
    .ok(Success::RawInline(&google::EMPTY)),
];
