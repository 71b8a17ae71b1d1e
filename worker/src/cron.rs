//! The scheduled sweep (`[triggers] crons` in wrangler.toml): PENDING tokens
//! whose expiry has passed become EXPIRED. Reads apply the same rule, so the
//! sweep only keeps stored state (and list filters by status) tidy.

use mdm_core::lifecycle::sql::{TokenTable, AOSP_TOKENS, GOOGLE_TOKENS, WIN_TOKENS};

use crate::db::Db;
use crate::http::ApiError;
use crate::params;

/// Every token table and how the lifecycle reads it.
const TABLES: [(&str, TokenTable); 3] = [
    ("aosp_enrollment_tokens", AOSP_TOKENS),
    ("win_enrollment_tokens", WIN_TOKENS),
    ("google_enrollment_tokens", GOOGLE_TOKENS),
];

/// The UPDATE that expires `table`'s overdue tokens; `?1` is now in ms.
/// With `in_org`, only one organization's (`?2`), as a list does before it reads.
pub fn expire(table: &str, lifecycle: TokenTable, in_org: bool) -> String {
    format!(
        "UPDATE {table} SET {}, updated_at = ?1 WHERE {}{}",
        lifecycle.set_expired(),
        lifecycle.expired_at("?1"),
        if in_org { " AND organization_id = ?2" } else { "" }
    )
}

/// Expire every overdue token in one batch; returns how many rows changed.
pub async fn sweep_expired(db: &Db, now_ms: i64) -> Result<usize, ApiError> {
    let stmts = TABLES
        .iter()
        .map(|(table, lifecycle)| db.stmt(&expire(table, *lifecycle, false), params![now_ms]))
        .collect::<Result<Vec<_>, _>>()?;
    let mut changed = 0;
    for result in db.batch(stmts).await? {
        changed += result.meta()?.changes;
    }
    Ok(changed)
}

/// Forget idempotency keys older than their 24 hours; returns how many.
pub async fn sweep_idempotency_keys(db: &Db, now_ms: i64) -> Result<usize, ApiError> {
    Ok(db
        .run(
            "DELETE FROM idempotency_keys WHERE created_at <= ?1",
            params![now_ms - crate::idempotency::TTL_MS],
        )
        .await?
        .changes)
}
