//! The list endpoints the package knows, by the resource name JavaScript passes
//! to `parseListQuery` / `buildListQuery` (`ListSpec::name`).
//!
//! Shared with `build.rs` (through `#[path]`), which turns the same list into
//! TypeScript, so it depends on mdm-core alone.

use mdm_core::pagination::{self as p, ListSpec};

pub const LISTS: &[ListSpec] = &[
    p::AOSP_TOKENS,
    p::AOSP_DEVICES,
    p::WIN_DEVICES,
    p::WIN_TOKENS,
    p::ORGANIZATIONS,
    p::SEGMENTS,
    p::MDM_USERS,
    p::AOSP_POLICIES,
    p::WIN_POLICIES,
    p::DPC_BUILDS,
    p::MEMBERS,
    p::API_KEYS,
    p::AUDIT_EVENTS,
    p::WEBHOOKS,
    p::WEBHOOK_DELIVERIES,
];

/// The list spec called `name`.
#[allow(dead_code)] // build.rs includes this file but only walks `LISTS`.
pub fn list_spec(name: &str) -> Option<&'static ListSpec> {
    LISTS.iter().find(|s| s.name == name)
}
