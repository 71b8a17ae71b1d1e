//! Tenancy: the dispatcher resolves `:organizationId` (an id or a slug) or the
//! Google-compatible `:enterpriseId` to the organization row the caller may
//! see, before any handler runs.
//!
//! A malformed reference is a 5209 (`organizationId`, `pattern`); an unknown
//! organization and one outside the token's `orgs` claim are the same 404, so
//! a caller cannot probe which organizations exist.
//!
//! Reads take the row from a per-isolate cache ([`Fresh::Cached`]), so a
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

use std::cell::RefCell;

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

/// How old an organization row a read may use.
pub const TTL_MS: i64 = 30_000;

/// Rows kept per isolate; past it the oldest goes.
const CACHE_ROWS: usize = 256;

/// Where the dispatcher may take the organization row from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    /// A read without a bookmark: a row at most [`TTL_MS`] old.
    Cached { now_ms: i64 },
    /// A write, or a read that sent a bookmark: D1.
    Database,
}

/// A reference as the client wrote it, and how it was resolved.
#[derive(Clone, PartialEq, Eq)]
enum Key {
    /// `:organizationId`: an id or a slug, both case-insensitive.
    Org(String),
    /// `:enterpriseId`: an enterpriseId (exact), or an id or slug.
    Enterprise(String),
}

struct Cached {
    key: Key,
    row: OrgRow,
    at_ms: i64,
}

thread_local! {
    /// An isolate serves one request at a time per thread: no lock needed.
    static CACHE: RefCell<Vec<Cached>> = const { RefCell::new(Vec::new()) };
}

fn cached(key: &Key, now_ms: i64) -> Option<OrgRow> {
    CACHE.with_borrow(|rows| {
        rows.iter()
            .find(|c| &c.key == key && now_ms >= c.at_ms && now_ms - c.at_ms < TTL_MS)
            .map(|c| c.row.clone())
    })
}

fn remember(key: Key, row: &OrgRow, now_ms: i64) {
    CACHE.with_borrow_mut(|rows| {
        rows.retain(|c| c.key != key);
        if rows.len() >= CACHE_ROWS {
            rows.remove(0);
        }
        rows.push(Cached {
            key,
            row: row.clone(),
            at_ms: now_ms,
        });
    });
}

/// Drop every cached row of organization `id` (after a change to it).
pub fn forget(id: &str) {
    CACHE.with_borrow_mut(|rows| rows.retain(|c| c.row.id != id));
}

/// The row for `key` from the cache when `fresh` allows, else from D1 by
/// `sql` (which binds the reference as ?1); a found row is remembered.
async fn lookup(db: &Db, key: Key, reference: &str, sql: &str, fresh: Fresh) -> Result<Option<OrgRow>, ApiError> {
    if let Fresh::Cached { now_ms } = fresh {
        if let Some(row) = cached(&key, now_ms) {
            return Ok(Some(row));
        }
    }
    let row: Option<OrgRow> = db.first(sql, params![reference]).await?;
    if let (Some(row), Fresh::Cached { now_ms }) = (&row, fresh) {
        remember(key, row, now_ms);
    }
    Ok(row)
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
    let key = Key::Org(reference.to_ascii_lowercase());
    visible(lookup(db, key, reference, &sql, fresh).await?, principal)
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
    let key = Key::Enterprise(reference.to_string());
    visible(lookup(db, key, reference, &sql, fresh).await?, principal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, plan: &str) -> OrgRow {
        OrgRow {
            id: id.into(),
            slug: "acme".into(),
            name: "Acme".into(),
            plan: plan.into(),
            aos_enterprise_id: String::new(),
            win_enterprise_id: String::new(),
            enterprise_id: String::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_cached_row_lives_ttl_ms_and_is_forgotten_on_change() {
        let key = Key::Org("acme".into());
        remember(key.clone(), &row("o1", "free"), 1_000);
        assert_eq!(cached(&key, 1_000 + TTL_MS - 1).map(|r| r.plan), Some("free".into()));
        assert_eq!(cached(&key, 1_000 + TTL_MS), None);
        // A clock that went back does not make a row younger than it is.
        assert_eq!(cached(&key, 999), None);
        remember(Key::Enterprise("e1".into()), &row("o1", "free"), 2_000);
        forget("o1");
        assert_eq!(cached(&key, 2_000), None);
        assert_eq!(cached(&Key::Enterprise("e1".into()), 2_000), None);
    }

    #[test]
    fn the_cache_holds_at_most_cache_rows() {
        for i in 0..CACHE_ROWS + 10 {
            remember(Key::Org(format!("org{i}")), &row(&format!("id{i}"), "pro"), 0);
        }
        assert_eq!(CACHE.with_borrow(Vec::len), CACHE_ROWS);
        assert_eq!(cached(&Key::Org("org0".into()), 0), None);
        assert!(cached(&Key::Org(format!("org{}", CACHE_ROWS + 9)), 0).is_some());
    }
}
