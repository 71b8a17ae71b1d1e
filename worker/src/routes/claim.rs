//! What every enrollment does before its write batch: find the credential's
//! token by its lookup key with one read, and answer a junk, used, expired or
//! over-quota attempt from that read alone, so a flood of bad attempts never
//! reaches a write (contract: "Abuse limits"). The claim itself stays atomic
//! in the handler's batch; when a racing device wins it, the same read
//! explains the refusal.
//!
//! A token from before migration 0009 still has its plaintext in the lookup
//! column; the first enrollment that finds it seals it (as the cron does).

use mdm_core::lifecycle::sql::{device_room, TokenTable, AOSP_TOKENS, GOOGLE_TOKENS, WIN_TOKENS};
use serde_json::json;

use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Db;
use crate::http::ApiError;
use crate::params;
use crate::sealed::{row_aad, Keys};

/// A token table a device credential can name.
pub struct Source {
    pub table: &'static str,
    pub tokens: TokenTable,
    /// The lookup column (HMAC of the credential; plaintext in legacy rows).
    pub key_column: &'static str,
    /// Windows keeps its enrollment link sealed beside the code.
    pub has_link: bool,
}

pub const AOSP: Source = Source {
    table: "aosp_enrollment_tokens",
    tokens: AOSP_TOKENS,
    key_column: "value_key",
    has_link: false,
};
pub const GOOGLE: Source = Source {
    table: "google_enrollment_tokens",
    tokens: GOOGLE_TOKENS,
    key_column: "value_key",
    has_link: false,
};
pub const WINDOWS: Source = Source {
    table: "win_enrollment_tokens",
    tokens: WIN_TOKENS,
    key_column: "enroll_code_key",
    has_link: true,
};

row! {
    struct Found {
        source: usize,
        id: String,
        legacy: i64,
        can_enroll: i64,
        room: i64,
        link: Option<String>,
    }
}

/// The read: `?1` lookup key, `?2` the credential (legacy rows), `?3` now.
fn lookup_sql(sources: &[&Source]) -> String {
    let parts: Vec<String> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "SELECT {i} AS source, id, sealed IS NULL AS legacy, ({can}) AS can_enroll, {room} AS room, \
                   {link} AS link \
                 FROM {table} WHERE ({key} = ?1 OR ({key} = ?2 AND sealed IS NULL)) AND {live}",
                can = s.tokens.can_enroll_at("?3"),
                room = device_room(&format!("{}.organization_id", s.table)),
                link = if s.has_link { "enrollment_link" } else { "NULL" },
                table = s.table,
                key = s.key_column,
                live = s.tokens.not_deleted(),
            )
        })
        .collect();
    format!("{} LIMIT 1", parts.join(" UNION ALL "))
}

/// Read-only: may `credential` enroll a device now? `Ok` when its token can
/// enroll and the organization has room for a device (the claim checks both
/// again, atomically); else 404 / 3001 (unknown or deleted), 409 / 5010 (used,
/// expired, at its cap) or 400 / 5017 (the plan's device quota).
pub async fn precheck(ctx: &Ctx, keys: &Keys, sources: &[&Source], credential: &str, now: i64) -> Result<(), ApiError> {
    let found: Option<Found> = ctx
        .db()?
        .first(&lookup_sql(sources), params![keys.lookup(credential), credential, now])
        .await?;
    let found = found.ok_or(ApiError::NotFound)?;
    if found.can_enroll == 0 {
        return Err(ApiError::InvalidStateTransition);
    }
    if found.room == 0 {
        return Err(ApiError::LimitExceeded);
    }
    if found.legacy != 0 {
        let source = sources
            .get(found.source)
            .ok_or_else(|| ApiError::internal("claim: no source"))?;
        // Upkeep, not the request's change: outside its session, so the
        // change's audit event still rides with the claim.
        let upkeep = Db::from_env(&ctx.env)?;
        let row = ToSeal {
            id: found.id,
            key: credential.to_string(),
            sealed: None,
            link: found.link,
        };
        seal_rows(&upkeep, keys, source, std::slice::from_ref(&row)).await?;
    }
    Ok(())
}

/// Why the claim changed nothing (a racing device won it, or the quota
/// filled): the precheck's answer now.
pub async fn refusal(ctx: &Ctx, keys: &Keys, sources: &[&Source], credential: &str, now: i64) -> ApiError {
    match precheck(ctx, keys, sources, credential, now).await {
        Ok(()) => ApiError::InvalidStateTransition,
        Err(e) => e,
    }
}

row! {
    /// A stored credential to (re)seal: plaintext in `key` while `sealed` is
    /// NULL (rows from before migration 0009), else sealed under some key.
    pub struct ToSeal {
        pub id: String,
        pub key: String,
        pub sealed: Option<String>,
        pub link: Option<String>,
    }
}

/// Seal `rows` of `source` under the current key, in one UPDATE: a legacy
/// row gets its lookup key and sealed copy (Windows: code and link, and its
/// plaintext link cleared); a row sealed with an older key is re-sealed and
/// keeps its lookup key. Returns how many rows changed. The enrollment that
/// finds a legacy row and the cron both seal through here.
pub async fn seal_rows(db: &Db, keys: &Keys, source: &Source, rows: &[ToSeal]) -> Result<usize, ApiError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut updates = Vec::new();
    for row in rows {
        let aad = row_aad(source.table, &row.id);
        let (material, key) = match &row.sealed {
            None if source.has_link => (
                json!({ "enrollCode": row.key, "enrollmentLink": row.link }).to_string(),
                keys.lookup(&row.key),
            ),
            None => (row.key.clone(), keys.lookup(&row.key)),
            Some(old) => (keys.open(old, &aad).await?, row.key.clone()),
        };
        let sealed = keys.seal(&material, &aad).await?;
        updates.push(json!({ "id": row.id, "key": key, "sealed": sealed }));
    }
    let clear_link = if source.has_link {
        ", enrollment_link = NULL"
    } else {
        ""
    };
    db.run_counted(
        &format!(
            "UPDATE {table} SET {key} = json_extract(j.value, '$.key'), \
                   sealed = json_extract(j.value, '$.sealed'){clear_link} \
                 FROM json_each(?1) AS j WHERE {table}.id = json_extract(j.value, '$.id') RETURNING id",
            table = source.table,
            key = source.key_column
        ),
        params![&serde_json::Value::from(updates)],
    )
    .await
}
