//! One module per resource; each handler is `async fn(&mut Ctx) -> Result<Response, ApiError>`.

pub mod debug;
pub mod health;
pub mod me;

// Shared by every organization resource: `tenancy`, `list` (paged
// lists), `refs` (same-organization reference checks), `support`.
pub mod list;
pub mod refs;
pub mod support;
pub mod tenancy;

// Supporting admin resources, AOSP tokens and devices, device-side enrollment (issue 3).
pub mod aosp_policies;
pub mod dpc_builds;
pub mod mdm_users;
pub mod organizations;
pub mod segments;

// AOSP tokens and devices, device-side enrollment (issue 3).
pub mod aosp_devices;
pub mod aosp_enroll;
pub mod aosp_expand;
pub mod aosp_tokens;

// Windows MDM and the Google-compatible surface (issue 4).
pub mod google;
pub mod windows;
