//! The scheduled sweep (`[triggers] crons` in wrangler.toml): PENDING tokens
//! whose expiry has passed become EXPIRED. Reads apply the same rule, so the
//! sweep only keeps stored state (and list filters by status) tidy. It also
//! forgets old idempotency keys, deletes audit events older than
//! `AUDIT_RETENTION_DAYS`, and seals credentials left in plaintext by rows
//! from before migration 0009 (or sealed with a retired key).

use mdm_core::lifecycle::sql::{TokenTable, AOSP_TOKENS, GOOGLE_TOKENS, WIN_TOKENS};

use crate::db::row;
use crate::db::Db;
use crate::http::ApiError;
use crate::params;
use crate::routes::claim;
use crate::sealed::Keys;
use crate::webhooks::Event;

/// Every token table and how the lifecycle reads it.
const TABLES: [(&str, TokenTable); 3] = [
    ("aosp_enrollment_tokens", AOSP_TOKENS),
    ("win_enrollment_tokens", WIN_TOKENS),
    ("google_enrollment_tokens", GOOGLE_TOKENS),
];

/// The UPDATE that expires `table`'s overdue tokens; `?1` is now in ms. The
/// sweep is the only writer of an expiry: reads show it without writing
/// (`routes::list`).
fn expire(table: &str, lifecycle: TokenTable) -> String {
    format!(
        "UPDATE {table} SET {}, updated_at = ?1 WHERE {}",
        lifecycle.set_expired(),
        lifecycle.expired_at("?1"),
    )
}

row! {
    /// A token the sweep expired, for its `enrollmentToken.expired` event.
    pub struct Expired {
        id: String,
        organization_id: String,
    }
}

/// Expire every overdue token in one batch; returns the `enrollmentToken.expired`
/// events of the tokens it changed (the sweep is the only writer of an
/// expiry, so each expiry is one event).
pub async fn sweep_expired(db: &Db, now_ms: i64) -> Result<Vec<Event>, ApiError> {
    let stmts = TABLES
        .iter()
        .map(|(table, lifecycle)| {
            let sql = format!("{} RETURNING id, organization_id", expire(table, *lifecycle));
            db.stmt(&sql, params![now_ms])
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut events = Vec::new();
    for ((table, _), result) in TABLES.iter().zip(db.batch(stmts).await?) {
        let platform = match *table {
            "aosp_enrollment_tokens" => "aosp",
            "win_enrollment_tokens" => "windows",
            _ => "google",
        };
        for row in result.rows::<Expired>()? {
            let kind = mdm_core::webhooks::TOKEN_EXPIRED;
            events.push(Event::token(kind, &row.organization_id, platform, &row.id));
        }
    }
    Ok(events)
}

/// Forget idempotency keys older than their 24 hours; returns how many.
pub async fn sweep_idempotency_keys(db: &Db, now_ms: i64) -> Result<usize, ApiError> {
    db.run_counted(
        "DELETE FROM idempotency_keys WHERE created_at <= ?1 RETURNING 1 AS gone",
        params![now_ms - crate::idempotency::TTL_MS],
    )
    .await
}

/// Rows sealed per table per run: one SELECT and one UPDATE each, well
/// inside D1's queries per invocation.
const SEAL_CHUNK: i64 = 100;

/// Seal rows written before migration 0009 (plaintext in the lookup column)
/// and re-seal rows sealed with a key that is no longer the first of
/// `CREDENTIAL_SEAL_KEYS`, [`SEAL_CHUNK`] per table per run; returns how many.
pub async fn seal_credentials(db: &Db, keys: &Keys) -> Result<usize, ApiError> {
    let mut done = 0;
    for source in [&claim::AOSP, &claim::GOOGLE, &claim::WINDOWS] {
        let rows: Vec<claim::ToSeal> = db
            .all(
                &format!(
                    "SELECT id, {} AS key, sealed, {} AS link FROM {} \
                     WHERE sealed IS NULL OR substr(sealed, 1, length(?1)) != ?1 LIMIT ?2",
                    source.key_column,
                    if source.has_link { "enrollment_link" } else { "NULL" },
                    source.table
                ),
                params![format!("{}.", keys.current()), SEAL_CHUNK],
            )
            .await?;
        done += claim::seal_rows(db, keys, source, &rows).await?;
    }
    Ok(done)
}

/// The var naming how many days audit events are kept.
pub const AUDIT_RETENTION_BINDING: &str = "AUDIT_RETENTION_DAYS";
/// Days audit events are kept when the var is absent.
pub const DEFAULT_AUDIT_RETENTION_DAYS: i64 = 400;
/// Audit events deleted per statement, and statements per run: a backlog is
/// worked off over several runs, never in one long write.
const AUDIT_CHUNK: i64 = 500;
const AUDIT_CHUNKS_PER_RUN: usize = 20;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// `AUDIT_RETENTION_DAYS` as days (a whole number from 1), else the default
/// (a malformed value is logged, never a reason to delete more).
pub fn audit_retention_days(var: Option<&str>) -> i64 {
    match var.map(str::trim) {
        None | Some("") => DEFAULT_AUDIT_RETENTION_DAYS,
        Some(text) => match text.parse::<i64>() {
            Ok(days) if (1..=100_000).contains(&days) => days,
            _ => {
                worker::console_error!(
                    "{AUDIT_RETENTION_BINDING} = {text:?} is not a whole number of days from 1; \
                     keeping {DEFAULT_AUDIT_RETENTION_DAYS}"
                );
                DEFAULT_AUDIT_RETENTION_DAYS
            }
        },
    }
}

/// Delete audit events older than `days`, oldest first, in chunks of
/// [`AUDIT_CHUNK`]; returns how many.
pub async fn sweep_audit_events(db: &Db, now_ms: i64, days: i64) -> Result<usize, ApiError> {
    let before = now_ms - days * DAY_MS;
    let mut deleted = 0;
    for _ in 0..AUDIT_CHUNKS_PER_RUN {
        let n = db
            .run_counted(
                "DELETE FROM audit_events WHERE id IN \
                   (SELECT id FROM audit_events WHERE at < ?1 ORDER BY at LIMIT ?2) RETURNING 1 AS gone",
                params![before, AUDIT_CHUNK],
            )
            .await?;
        deleted += n;
        if (n as i64) < AUDIT_CHUNK {
            break;
        }
    }
    Ok(deleted)
}
