//! One module per resource. A handler is `async fn(&mut Ctx, Scope) -> Result<Response, ApiError>`,
//! named in a row of the endpoint table (`crate::table`), which also decides its gates.

pub mod debug;
pub mod health;
pub mod me;

// Shared by the resource modules: `tenancy`, `list` (paged lists), `refs`
// (same-organization reference checks), `columns` (D1 values), `credentials`,
// `edit` (get, update and delete of the supporting resources).
pub mod claim;
pub mod columns;
pub mod credentials;
pub mod edit;
pub mod list;
pub mod refs;
pub mod tenancy;

// Supporting admin resources, AOSP tokens and devices, device-side enrollment.
pub mod aosp_policies;
pub mod api_keys;
pub mod audit_events;
pub mod dpc_builds;
pub mod mdm_users;
pub mod members;
pub mod organizations;
pub mod segments;
pub mod webhooks;

// AOSP tokens and devices, device-side enrollment.
pub mod aosp_devices;
pub mod aosp_enroll;
pub mod aosp_expand;
pub mod aosp_tokens;

// Windows MDM and the Google-compatible surface.
pub mod google;
pub mod windows;
