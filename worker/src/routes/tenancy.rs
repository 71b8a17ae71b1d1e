//! Tenancy: the dispatcher resolves `:organizationId` (an id or a slug) or the
//! Google-compatible `:enterpriseId` to the organization row the caller may
//! see, before any handler runs.
//!
//! A malformed reference is a 5209 (`organizationId`, `pattern`); an unknown
//! organization and one outside the token's `orgs` claim are the same 404, so
//! a caller cannot probe which organizations exist.
//!
//! Reads take the row from a per-isolate cache ([`crate::isolate_cache`]), so a
//! read costs the round trips of its data alone. Why that is safe:
//! - an organization's id, slug and enterprise ids never change, and no
//!   route deletes one: a cached row always names the right organization,
//!   and tenancy (`can_see_org`) is decided on those fields alone;
//! - only `name` and `plan` change (`PUT /v1/organizations/:id`), and a read
//!   shows neither: a plan is only a feature gate there. A downgrade reaches
//!   reads in other isolates within [`TTL_MS`]; this isolate forgets the row
//!   at once ([`forget`]);
//! - writes, and reads that send an `x-d1-bookmark` (they asked to see at
//!   least a given state), always read the row from D1 ([`Fresh::Database`]):
//!   quotas and plans in a write are never stale;
//! - a miss is never cached, so a new organization is found at once.

use crate::auth::Principal;
use crate::db::row;
use crate::db::Db;
use crate::http::ApiError;
use crate::isolate_cache::{self, Fresh, TtlCache};
use crate::params;

/// The path parameter every organization route uses.
pub const ORG_PARAM: &str = "organizationId";

row! {
    /// An `organizations` row (times in ms).
    #[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// Every column of `organizations`, in `OrgRow` order.
pub const ORG_COLUMNS: &str =
    "id, slug, name, plan, aos_enterprise_id, win_enterprise_id, enterprise_id, created_at, updated_at";

/// How old an organization row a read may use (see the module docs).
pub const TTL_MS: i64 = 30_000;

thread_local! {
    /// Organization rows by the reference a path used: `o:` + an id or slug
    /// (lowercase), `e:` + an enterpriseId.
    static ORGS: TtlCache<OrgRow> = const { TtlCache::new(TTL_MS) };
}

/// Drop every cached row of organization `id` (after a change to it).
pub fn forget(id: &str) {
    isolate_cache::forget(&ORGS, |_, row| row.id == id);
}

/// The row for `key` from the cache when `fresh` allows, else from D1 by
/// `sql` (which binds the reference as ?1); a found row is remembered.
async fn lookup(db: &Db, key: &str, reference: &str, sql: &str, fresh: Fresh) -> Result<Option<OrgRow>, ApiError> {
    let params = params![reference].to_vec();
    isolate_cache::get_or_load(&ORGS, key, fresh, || db.first(sql, &params)).await
}

fn visible(row: Option<OrgRow>, principal: &Principal) -> Result<OrgRow, ApiError> {
    match row {
        Some(org) if principal.can_see_org(&org.id, &org.slug) => Ok(org),
        _ => Err(ApiError::NotFound),
    }
}

/// Resolve an id or slug for `principal`: 5209 if malformed, 404 if unknown or hidden.
pub async fn resolve(db: &Db, principal: &Principal, reference: &str, fresh: Fresh) -> Result<OrgRow, ApiError> {
    mdm_core::check_organization_ref(reference)?;
    // Ids are stored lowercase; slugs compare case-insensitively (COLLATE NOCASE),
    // and a slug can never look like an id, so at most one row matches.
    let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = lower(?1) OR slug = ?1");
    let key = format!("o:{}", reference.to_ascii_lowercase());
    visible(lookup(db, &key, reference, &sql, fresh).await?, principal)
}

/// Resolve the Google-compatible `:enterpriseId` (its enterpriseId, or the
/// organization's id or slug) for `principal`: 404 if unknown or hidden.
/// Should an imported enterpriseId equal another organization's slug, the
/// enterpriseId wins.
pub async fn resolve_enterprise(
    db: &Db,
    principal: &Principal,
    reference: &str,
    fresh: Fresh,
) -> Result<OrgRow, ApiError> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM organizations \
         WHERE enterprise_id = ?1 OR id = lower(?1) OR slug = ?1 \
         ORDER BY enterprise_id = ?1 DESC, id = lower(?1) DESC LIMIT 1"
    );
    let key = format!("e:{reference}");
    visible(lookup(db, &key, reference, &sql, fresh).await?, principal)
}
