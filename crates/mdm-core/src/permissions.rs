//! Every permission the API checks, each defined once with what it allows.
//!
//! The worker's endpoint table names one of these per route, the OpenAPI
//! document prints it, and the dispatcher is the only code that checks it, so
//! a permission's name is written exactly once in the Rust sources (here).
//! Granted permissions may use wildcards (`*`, `prefix.*`); see [`matches`].

/// One permission: its name as tokens grant it, and a one-line description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub name: &'static str,
    pub description: &'static str,
}

/// Without the `descriptions` feature (the npm package's wasm, which only
/// matches names) the descriptions are left out of the build.
const fn p(name: &'static str, description: &'static str) -> Permission {
    let description = if cfg!(feature = "descriptions") {
        description
    } else {
        ""
    };
    Permission { name, description }
}

pub const PLATFORM_ORGANIZATION_CREATE: Permission = p(
    "platform.organization.create",
    "Create organizations and choose their plan (platform operators, never a tenant role).",
);
pub const ORGANIZATION_LIST: Permission = p("admin.organization.list", "List the organizations the caller may see.");
pub const PLATFORM_ORGANIZATION_UPDATE: Permission = p(
    "platform.organization.update",
    "Rename an organization or change its plan (platform operators, never a tenant role).",
);
pub const SEGMENT_CREATE: Permission = p("admin.segment.create", "Create segments.");
pub const SEGMENT_LIST: Permission = p("admin.segment.list", "List segments.");
pub const SEGMENT_GET: Permission = p("admin.segment.get", "Read one segment.");
pub const SEGMENT_UPDATE: Permission = p(
    "admin.segment.update",
    "Rename or re-parent segments (never into a cycle).",
);
pub const SEGMENT_REMOVE: Permission = p("admin.segment.remove", "Delete segments nothing references.");
pub const MDM_USER_CREATE: Permission = p("admin.mdmUser.create", "Create MDM users.");
pub const MDM_USER_LIST: Permission = p("admin.mdmUser.list", "List MDM users.");
pub const MDM_USER_GET: Permission = p("admin.mdmUser.get", "Read one MDM user.");
pub const MDM_USER_UPDATE: Permission = p("admin.mdmUser.update", "Change an MDM user's email or display name.");
pub const MDM_USER_REMOVE: Permission = p("admin.mdmUser.remove", "Delete MDM users nothing references.");
pub const AOSP_POLICY_CREATE: Permission = p("admin.aospPolicy.create", "Create AOSP policies.");
pub const AOSP_POLICY_LIST: Permission = p("admin.aospPolicy.list", "List AOSP policies.");
pub const AOSP_POLICY_GET: Permission = p("admin.aospPolicy.get", "Read one AOSP policy.");
pub const AOSP_POLICY_UPDATE: Permission = p(
    "admin.aospPolicy.update",
    "Change AOSP policies (each change bumps the version).",
);
pub const AOSP_POLICY_REMOVE: Permission = p("admin.aospPolicy.remove", "Delete AOSP policies nothing references.");
pub const DPC_BUILD_CREATE: Permission = p("admin.dpcBuild.create", "Register DPC builds.");
pub const DPC_BUILD_LIST: Permission = p("admin.dpcBuild.list", "List DPC builds.");
pub const DPC_BUILD_GET: Permission = p("admin.dpcBuild.get", "Read one DPC build.");
pub const DPC_BUILD_UPDATE: Permission = p("admin.dpcBuild.update", "Change DPC builds.");
pub const DPC_BUILD_REMOVE: Permission = p("admin.dpcBuild.remove", "Delete DPC builds no live token provisions.");
pub const WIN_POLICY_CREATE: Permission = p("admin.winPolicy.create", "Create Windows policies.");
pub const WIN_POLICY_LIST: Permission = p("admin.winPolicy.list", "List Windows policies.");
pub const WIN_POLICY_GET: Permission = p("admin.winPolicy.get", "Read one Windows policy.");
pub const WIN_POLICY_UPDATE: Permission = p(
    "admin.winPolicy.update",
    "Change Windows policies (each change bumps the version).",
);
pub const WIN_POLICY_REMOVE: Permission = p("admin.winPolicy.remove", "Delete Windows policies nothing references.");
pub const MEMBER_CREATE: Permission = p("admin.member.create", "Add members to the organization.");
pub const MEMBER_LIST: Permission = p("admin.member.list", "List the organization's members.");
pub const MEMBER_GET: Permission = p("admin.member.get", "Read one member.");
pub const MEMBER_UPDATE: Permission = p("admin.member.update", "Change a member's role.");
pub const MEMBER_REMOVE: Permission = p("admin.member.remove", "Remove members.");
pub const MEMBER_OWNER: Permission = p(
    "admin.member.owner",
    "Make members owners, and change or remove owners (owners only).",
);
pub const API_KEY_CREATE: Permission = p(
    "admin.apiKey.create",
    "Create API keys (never with more permissions than the creator holds).",
);
pub const API_KEY_LIST: Permission = p("admin.apiKey.list", "List API keys (never their secret).");
pub const API_KEY_REMOVE: Permission = p("admin.apiKey.remove", "Revoke API keys.");
pub const WEBHOOK_CREATE: Permission = p(
    "admin.webhook.create",
    "Subscribe a URL to events (the answer shows its signing secret once).",
);
pub const WEBHOOK_LIST: Permission = p("admin.webhook.list", "List webhook subscriptions (never their secret).");
pub const WEBHOOK_GET: Permission = p("admin.webhook.get", "Read one webhook subscription (never its secret).");
pub const WEBHOOK_UPDATE: Permission = p(
    "admin.webhook.update",
    "Change a subscription's URL, events, or enable and disable it.",
);
pub const WEBHOOK_REMOVE: Permission = p("admin.webhook.remove", "Delete webhook subscriptions.");
pub const WEBHOOK_TEST: Permission = p("admin.webhook.test", "Send a subscription a `ping` event.");
pub const WEBHOOK_DELIVERY_LIST: Permission = p(
    "admin.webhook.delivery.list",
    "List a subscription's delivery attempts and their answers.",
);
pub const AUDIT_LIST: Permission = p(
    "admin.audit.list",
    "Read the organization's audit log (who changed what, when, from which IP).",
);

pub const AOSP_TOKEN_CREATE: Permission = p("mdm.aosp.enrollmentToken.create", "Create AOSP enrollment tokens.");
pub const AOSP_TOKEN_LIST: Permission = p("mdm.aosp.enrollmentToken.list", "List AOSP enrollment tokens.");
pub const AOSP_TOKEN_GET: Permission = p("mdm.aosp.enrollmentToken.get", "Read one AOSP enrollment token.");
pub const AOSP_TOKEN_REMOVE: Permission = p("mdm.aosp.enrollmentToken.remove", "Delete AOSP enrollment tokens.");
pub const AOSP_TOKEN_REVEAL: Permission = p(
    "mdm.aosp.enrollmentToken.reveal",
    "See an AOSP token's value and QR payload again after its create.",
);
pub const AOSP_DEVICE_LIST: Permission = p("mdm.aosp.device.list", "List AOSP devices.");
pub const AOSP_DEVICE_GET: Permission = p("mdm.aosp.device.get", "Read one AOSP device.");
pub const AOSP_DEVICE_UPDATE: Permission = p(
    "mdm.aosp.device.update",
    "Update AOSP devices, and disable, enable or disenroll them.",
);
pub const AOSP_DEVICE_REMOVE: Permission = p(
    "mdm.aosp.device.remove",
    "Delete AOSP devices (state DELETED; their device secret stops working).",
);

pub const WIN_TOKEN_CREATE: Permission = p(
    "mdm.windows.enrollmentToken.create",
    "Create Windows enrollment tokens.",
);
pub const WIN_TOKEN_LIST: Permission = p("mdm.windows.enrollmentToken.list", "List Windows enrollment tokens.");
pub const WIN_TOKEN_GET: Permission = p("mdm.windows.enrollmentToken.get", "Read one Windows enrollment token.");
pub const WIN_TOKEN_UPDATE: Permission = p(
    "mdm.windows.enrollmentToken.update",
    "Update Windows enrollment tokens.",
);
pub const WIN_TOKEN_REMOVE: Permission = p(
    "mdm.windows.enrollmentToken.remove",
    "Delete Windows enrollment tokens.",
);
pub const WIN_TOKEN_REVEAL: Permission = p(
    "mdm.windows.enrollmentToken.reveal",
    "See a Windows token's enroll code and enrollment link again after its create.",
);

pub const WIN_DEVICE_LIST: Permission = p("mdm.windows.device.list", "List Windows devices.");
pub const WIN_DEVICE_GET: Permission = p("mdm.windows.device.get", "Read one Windows device.");
pub const WIN_DEVICE_UPDATE: Permission = p(
    "mdm.windows.device.update",
    "Update Windows devices, and disable, enable or disenroll them.",
);
pub const WIN_DEVICE_REMOVE: Permission = p("mdm.windows.device.remove", "Delete Windows devices (state DELETED).");

pub const ANDROID_MANAGEMENT: Permission = p(
    "androidmanagement",
    "The Google-compatible Android Management API surface (create, list, get and delete its enrollment tokens).",
);

/// Every permission, in the order the README's tables show them.
pub const ALL: &[Permission] = &[
    PLATFORM_ORGANIZATION_CREATE,
    PLATFORM_ORGANIZATION_UPDATE,
    ORGANIZATION_LIST,
    SEGMENT_CREATE,
    SEGMENT_LIST,
    SEGMENT_GET,
    SEGMENT_UPDATE,
    SEGMENT_REMOVE,
    MDM_USER_CREATE,
    MDM_USER_LIST,
    MDM_USER_GET,
    MDM_USER_UPDATE,
    MDM_USER_REMOVE,
    AOSP_POLICY_CREATE,
    AOSP_POLICY_LIST,
    AOSP_POLICY_GET,
    AOSP_POLICY_UPDATE,
    AOSP_POLICY_REMOVE,
    DPC_BUILD_CREATE,
    DPC_BUILD_LIST,
    DPC_BUILD_GET,
    DPC_BUILD_UPDATE,
    DPC_BUILD_REMOVE,
    WIN_POLICY_CREATE,
    WIN_POLICY_LIST,
    WIN_POLICY_GET,
    WIN_POLICY_UPDATE,
    WIN_POLICY_REMOVE,
    MEMBER_CREATE,
    MEMBER_LIST,
    MEMBER_GET,
    MEMBER_UPDATE,
    MEMBER_REMOVE,
    MEMBER_OWNER,
    API_KEY_CREATE,
    API_KEY_LIST,
    API_KEY_REMOVE,
    WEBHOOK_CREATE,
    WEBHOOK_LIST,
    WEBHOOK_GET,
    WEBHOOK_UPDATE,
    WEBHOOK_REMOVE,
    WEBHOOK_TEST,
    WEBHOOK_DELIVERY_LIST,
    AUDIT_LIST,
    AOSP_TOKEN_CREATE,
    AOSP_TOKEN_LIST,
    AOSP_TOKEN_GET,
    AOSP_TOKEN_REMOVE,
    AOSP_TOKEN_REVEAL,
    AOSP_DEVICE_LIST,
    AOSP_DEVICE_GET,
    AOSP_DEVICE_UPDATE,
    AOSP_DEVICE_REMOVE,
    WIN_TOKEN_CREATE,
    WIN_TOKEN_LIST,
    WIN_TOKEN_GET,
    WIN_TOKEN_UPDATE,
    WIN_TOKEN_REMOVE,
    WIN_TOKEN_REVEAL,
    WIN_DEVICE_LIST,
    WIN_DEVICE_GET,
    WIN_DEVICE_UPDATE,
    WIN_DEVICE_REMOVE,
    ANDROID_MANAGEMENT,
];

/// Does the granted permission `granted` cover `wanted`? Exact match, `*`
/// (everything), or a trailing `.*` prefix wildcard: `mdm.aosp.*` grants
/// `mdm.aosp.device.get`, not `mdm.aosp` nor `mdm.aospx.y`.
pub fn matches(granted: &str, wanted: &str) -> bool {
    if granted == "*" || granted == wanted {
        return true;
    }
    match granted.strip_suffix('*') {
        Some(prefix) if prefix.ends_with('.') => wanted.starts_with(prefix) && wanted.len() > prefix.len(),
        _ => false,
    }
}

/// Does any of `granted` cover `wanted`?
pub fn any_matches<S: AsRef<str>>(granted: &[S], wanted: &str) -> bool {
    granted.iter().any(|g| matches(g.as_ref(), wanted))
}

/// Every platform permission, as PLATFORM_ADMINS hold them.
pub const PLATFORM_ALL: &str = "platform.*";

/// Platform permissions belong to the people who run the service, never to a
/// tenant: no role holds them, and no API key can.
pub fn is_platform(name: &str) -> bool {
    name.starts_with("platform.")
}

/// The permissions, by name, that the granted `patterns` cover, leaving out
/// the platform's (what an API key asking for `patterns` holds).
pub fn expand<S: AsRef<str>>(patterns: &[S]) -> Vec<&'static str> {
    ALL.iter()
        .filter(|p| !is_platform(p.name) && any_matches(patterns, p.name))
        .map(|p| p.name)
        .collect()
}

/// The permission called `name`.
pub fn find(name: &str) -> Option<&'static Permission> {
    ALL.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_described() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(!a.description.is_empty(), "{}", a.name);
            assert!(ALL[i + 1..].iter().all(|b| b.name != a.name), "{} twice", a.name);
            assert_eq!(find(a.name), Some(a));
        }
    }

    #[test]
    fn wildcards() {
        assert!(matches("*", "mdm.aosp.device.get"));
        assert!(matches("mdm.aosp.*", "mdm.aosp.device.get"));
        assert!(matches("mdm.*", "mdm.aosp.device.get"));
        assert!(!matches("mdm.aosp.*", "mdm.aosp"));
        assert!(!matches("mdm.aosp.*", "mdm.aospx.get"));
        assert!(!matches("mdm*", "mdmx"));
        assert!(!matches("mdm.aosp.device.get", "mdm.aosp.device.list"));
        // A tenant's `admin.*` never reaches the platform's permissions.
        for p in ALL.iter().filter(|p| is_platform(p.name)) {
            assert!(!matches("admin.*", p.name), "{}", p.name);
        }
    }
}
