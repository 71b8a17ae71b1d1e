//! Windows MDM: enrollment tokens (seed 004), Windows policies, and the
//! device-side `POST /v1/enroll/windows`.
//!
//! Every administrator route checks, in this order (the OpenAPI document and
//! the e2e tests rely on it):
//! 1. the bearer token and the route's permission (401 / 403);
//! 2. `:organizationId` (5209 if malformed, 404 if unknown or hidden);
//! 3. the plan: an organization on `free` gets 400 / 5050 on every Windows
//!    route, before any body or id is looked at, so a caller on the wrong plan
//!    learns that first and nothing else;
//! 4. path ids and the body (5209), then references (5209 `reference`);
//! 5. the row itself (404).

pub mod enroll;
pub mod policies;
pub mod tokens;

use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::http::ApiError;
use crate::routes::scope::{self, OrgRow};

/// Steps 1 to 3 above: the caller, and an organization whose plan has Windows MDM.
pub async fn org(ctx: &Ctx, perm: &str) -> Result<(Principal, OrgRow), ApiError> {
    let (principal, org) = scope::org(ctx, perm).await?;
    if !org.allows_windows() {
        return Err(ApiError::FeatureNotAllowed);
    }
    Ok((principal, org))
}
