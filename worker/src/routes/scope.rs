//! Tenancy: every organization route starts by resolving `:organizationId`
//! (an id or a slug) to the organization row the caller may see.
//!
//! A malformed reference is a 5209 (`organizationId`, `pattern`); an unknown
//! organization and one outside the token's `orgs` claim are the same 404, so
//! a caller cannot probe which organizations exist.

use serde::Deserialize;

use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::db::Db;
use crate::http::ApiError;
use crate::params;

/// The path parameter every organization route uses.
pub const ORG_PARAM: &str = "organizationId";

/// An `organizations` row (times in ms).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrgRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub plan: String,
    pub aos_enterprise_id: String,
    pub win_enterprise_id: String,
    /// The Google-compatible `enterprises/{enterpriseId}`.
    pub enterprise_id: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Every column of `organizations`, in `OrgRow` order.
pub const ORG_COLUMNS: &str =
    "id, slug, name, plan, aos_enterprise_id, win_enterprise_id, enterprise_id, created_at, updated_at";

impl OrgRow {
    /// Is Windows MDM part of this organization's plan? (5050 otherwise.)
    pub fn allows_windows(&self) -> bool {
        mdm_core::plans::includes_windows(&self.plan)
    }
}

/// Authenticate with `perm`, then resolve `:organizationId` to an organization
/// the caller may see. The usual first line of an organization handler:
///
/// ```ignore
/// let (principal, org) = scope::org(ctx, "mdm.aosp.enrollmentToken.list").await?;
/// ```
pub async fn org(ctx: &Ctx, perm: &str) -> Result<(Principal, OrgRow), ApiError> {
    let principal = ctx.require(perm)?;
    let org = resolve(&ctx.db()?, &principal, ctx.param(ORG_PARAM)).await?;
    Ok((principal, org))
}

/// Resolve an id or slug for `principal`: 5209 if malformed, 404 if unknown or hidden.
pub async fn resolve(db: &Db, principal: &Principal, reference: &str) -> Result<OrgRow, ApiError> {
    mdm_core::check_organization_ref(reference)?;
    // Ids are stored lowercase; slugs compare case-insensitively (COLLATE NOCASE),
    // and a slug can never look like an id, so at most one row matches.
    let row: Option<OrgRow> = db
        .first(
            &format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = lower(?1) OR slug = ?1"),
            params![reference],
        )
        .await?;
    match row {
        Some(org) if principal.can_see_org(&org.id, &org.slug) => Ok(org),
        _ => Err(ApiError::NotFound),
    }
}

/// A path id (`:aosDeviceId`, ...) must be a 24-hex id: 5209 `pattern` otherwise.
/// Returned lowercase, as ids are stored.
pub fn object_id(ctx: &Ctx, param: &str) -> Result<String, ApiError> {
    let raw = ctx.param(param);
    mdm_core::check_object_id(param, raw)?;
    Ok(raw.to_ascii_lowercase())
}
