//! The scheduled sweep (`[triggers] crons` in wrangler.toml): PENDING tokens
//! whose expiry has passed become EXPIRED. Reads apply the same rule, so the
//! sweep only keeps stored state (and list filters by status) tidy.

use crate::db::Db;
use crate::http::ApiError;
use crate::params;

/// One UPDATE per token table; `?1` is now in milliseconds.
pub const SWEEPS: &[&str] = &[
    "UPDATE aosp_enrollment_tokens SET status = 'EXPIRED', updated_at = ?1 \
     WHERE status = 'PENDING' AND perpetual = 0 AND expires_at <= ?1",
    "UPDATE win_enrollment_tokens SET state = 'EXPIRED', updated_at = ?1 \
     WHERE state = 'PENDING' AND expires_at <= ?1",
    "UPDATE google_enrollment_tokens SET status = 'EXPIRED', updated_at = ?1 \
     WHERE status = 'PENDING' AND expires_at <= ?1",
];

/// Expire every overdue token in one batch; returns how many rows changed.
pub async fn sweep_expired(db: &Db, now_ms: i64) -> Result<usize, ApiError> {
    let stmts = SWEEPS
        .iter()
        .map(|sql| db.stmt(sql, params![now_ms]))
        .collect::<Result<Vec<_>, _>>()?;
    let mut changed = 0;
    for result in db.batch(stmts).await? {
        changed += result.meta()?.changes;
    }
    Ok(changed)
}
