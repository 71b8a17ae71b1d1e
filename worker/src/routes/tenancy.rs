//! Tenancy: the dispatcher resolves `:organizationId` (an id or a slug) or the
//! Google-compatible `:enterpriseId` to the organization row the caller may
//! see, before any handler runs.
//!
//! A malformed reference is a 5209 (`organizationId`, `pattern`); an unknown
//! organization and one outside the token's `orgs` claim are the same 404, so
//! a caller cannot probe which organizations exist.

use serde::Deserialize;

use crate::auth::Principal;
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

/// Resolve the Google-compatible `:enterpriseId` (its enterpriseId, or the
/// organization's id or slug) for `principal`: 404 if unknown or hidden.
/// Should an imported enterpriseId equal another organization's slug, the
/// enterpriseId wins.
pub async fn resolve_enterprise(db: &Db, principal: &Principal, reference: &str) -> Result<OrgRow, ApiError> {
    let row: Option<OrgRow> = db
        .first(
            &format!(
                "SELECT {ORG_COLUMNS} FROM organizations \
                 WHERE enterprise_id = ?1 OR id = lower(?1) OR slug = ?1 \
                 ORDER BY enterprise_id = ?1 DESC, id = lower(?1) DESC LIMIT 1"
            ),
            params![reference],
        )
        .await?;
    match row {
        Some(org) if principal.can_see_org(&org.id, &org.slug) => Ok(org),
        _ => Err(ApiError::NotFound),
    }
}
