//! mdm-core: the domain of mdm-edge, shared by the Cloudflare Worker and the npm
//! package so that a browser form and the API reject the same input with the
//! same messages.
//!
//! Plain Rust, no I/O: no clock (callers pass `now`), no HTTP, no storage. The
//! only platform service used is the CSPRNG, through `getrandom`.
//!
//! - [`schema`] + [`requests`]: every request body, validated to a full list of
//!   [`violation::Violation`]s before a typed value exists, by the single-pass
//!   validator in [`scan`] (bytes in, no DOM); [`answer`]: its violations as
//!   the npm package hands them to JavaScript.
//! - [`pagination`]: list queries and the mongoose-paginate-v2 envelope.
//! - [`lifecycle`]: token and device state machines.
//! - [`ids`], [`time`], [`payload`], [`policy`]: ids and secrets, timestamps,
//!   enrollment payloads, effective-policy composition.
//! - [`model`]: the resources the API returns.

pub mod answer;
pub mod base64url;
pub mod catalog;
pub mod google_page;
pub mod ids;
pub mod json_text;
pub mod lifecycle;
pub mod model;
pub mod pagination;
pub mod patterns;
pub mod payload;
pub mod permissions;
pub mod plans;
pub mod policy;
pub mod query_string;
pub mod requests;
pub mod roles;
pub mod scan;
pub mod schema;
pub mod time;
pub mod violation;
pub mod webhooks;
mod words;

pub use requests::{body_violations, parse_body_text, read_body, RequestBody};
#[cfg(any(test, feature = "oracle"))]
pub use requests::{parse, violations};
pub use violation::{Violation, ViolationCode};

/// Validates a path parameter that must be an entity id.
pub fn check_object_id(name: &str, value: &str) -> Result<(), Violation> {
    if patterns::is_object_id(value) {
        Ok(())
    } else {
        Err(Violation::new(
            name,
            ViolationCode::Pattern,
            patterns::Pattern::ObjectId.describe(),
        ))
    }
}

/// Validates a path parameter that must be a segment id (a non-negative
/// integer within JavaScript's safe range, digits only).
pub fn check_segment_id(name: &str, value: &str) -> Result<i64, Violation> {
    let digits = !value.is_empty() && value.len() <= 16 && value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<i64>() {
        Ok(n) if digits && n <= schema::MAX_SAFE_INTEGER => Ok(n),
        _ => Err(Violation::new(
            name,
            ViolationCode::Pattern,
            "must be a segment id (a non-negative integer)",
        )),
    }
}

/// Validates the `:organizationId` path parameter (an id or a slug).
pub fn check_organization_ref(value: &str) -> Result<(), Violation> {
    if patterns::Pattern::IdOrSlug.matches(value) {
        Ok(())
    } else {
        Err(Violation::new(
            "organizationId",
            ViolationCode::Pattern,
            patterns::Pattern::IdOrSlug.describe(),
        ))
    }
}
