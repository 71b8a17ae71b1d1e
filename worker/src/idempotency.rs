//! Safe retries: a create sent with `Idempotency-Key` (1 to 255 printable
//! ASCII characters) is done once per key and credential within 24 hours.
//!
//! - The first request claims the key in the same D1 batch as its create
//!   (`Db::with_first_write`), so there is never a create without its claim;
//!   its answer is stored right after.
//! - A repeat with the same request (method, path, JSON body) gets the stored
//!   answer, byte for byte, and creates nothing. One that races the first
//!   request waits for that answer (at most [`WAIT_MS`]).
//! - The same key with another request is 409 / 5013.
//! - A first request that fails (any error) leaves no claim, so a retry runs
//!   the create again; it created nothing.
//!
//! Device-side routes do not take keys: their answers carry the device's
//! secret, which must not be stored.

use worker::{Headers, Response};

use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Db;
use crate::http::{ApiError, ViolationCode};
use crate::params;
use crate::routes::credentials;
use crate::sealed::Keys;

pub const HEADER: &str = "Idempotency-Key";
/// How long a key is remembered.
pub const TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a repeat waits for a first request still running.
const WAIT_MS: i64 = 10_000;
const POLL_MS: u64 = 100;

/// A key this request claimed, or the answer it must give instead.
pub enum Outcome {
    /// Run the create; the claim goes with its first write.
    Claimed(Claim),
    /// A repeat: this is the first request's answer.
    Replay(Response),
}

pub struct Claim {
    scope: String,
    key: String,
    owner: String,
}

row! {
    struct Stored {
        request_hash: String,
        owner: String,
        status: Option<u16>,
        body: Option<String>,
        /// 1 when `body` is sealed (it may carry the create's credential).
        sealed: i64,
        created_at: i64,
    }
}

/// What names a stored answer in its seal's additional data.
fn aad(scope: &str, key: &str) -> String {
    crate::sealed::row_aad("idempotency_keys", &format!("{scope}/{key}"))
}

/// The request's key, if it sent one (5209 when it is not 1 to 255 printable ASCII).
pub fn key(ctx: &Ctx) -> Result<Option<String>, ApiError> {
    let Some(key) = ctx.req.headers().get(HEADER)? else {
        return Ok(None);
    };
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(ApiError::invalid(
            HEADER,
            ViolationCode::Format,
            "must be 1 to 255 printable ASCII characters",
        ));
    }
    Ok(Some(key))
}

/// What identifies "the same request": method, path and the body's bytes.
pub fn request_hash(method: &str, path: &str, body: Option<&[u8]>) -> String {
    let body = String::from_utf8_lossy(body.unwrap_or_default());
    credentials::secret_hash(&format!("{method} {path}\n{body}"))
}

/// Claim `key` for this request, or find the answer to give instead.
pub async fn begin(ctx: &Ctx, scope: String, key: String, hash: String) -> Result<Outcome, ApiError> {
    let db = ctx.db()?;
    if let Some(answer) = existing(ctx, &db, &scope, &key, &hash).await? {
        return Ok(Outcome::Replay(answer));
    }
    let owner = credentials::new_secret()?;
    db.with_first_write(
        "INSERT INTO idempotency_keys (scope, key, request_hash, owner, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![&scope, &key, &hash, &owner, ctx.now_ms],
    );
    Ok(Outcome::Claimed(Claim { scope, key, owner }))
}

/// A stored answer for (scope, key), waiting for one still being made.
async fn existing(ctx: &Ctx, db: &Db, scope: &str, key: &str, hash: &str) -> Result<Option<Response>, ApiError> {
    let deadline = ctx.now_ms + WAIT_MS;
    loop {
        let row: Option<Stored> = db
            .first(
                "SELECT request_hash, owner, status, body, sealed, created_at FROM idempotency_keys \
                 WHERE scope = ?1 AND key = ?2",
                params![scope, key],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        if row.created_at + TTL_MS <= ctx.now_ms {
            // Forgotten: the key starts afresh.
            db.run(
                "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND owner = ?3",
                params![scope, key, &row.owner],
            )
            .await?;
            return Ok(None);
        }
        if row.request_hash != hash {
            return Err(ApiError::IdempotencyKeyReused);
        }
        if let (Some(status), Some(body)) = (row.status, row.body) {
            let body = match row.sealed {
                0 => body,
                _ => Keys::of(ctx)?.open(&body, &aad(scope, key)).await?,
            };
            return replay(status, body).map(Some);
        }
        if crate::now_ms() >= deadline {
            // The first request is still running (or died after its create):
            // never run the create twice.
            return Err(ApiError::IdempotencyKeyReused);
        }
        worker::Delay::from(std::time::Duration::from_millis(POLL_MS)).await;
    }
}

fn replay(status: u16, body: String) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Idempotent-Replayed", "true")?;
    Ok(Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body.into_bytes()))
}

/// After the handler: store a success's answer, or drop the claim of a
/// failure. An error from a create whose claim lost a race (another request
/// holds the key) becomes that request's answer.
pub async fn finish(
    ctx: &Ctx,
    claim: Claim,
    hash: &str,
    result: Result<Response, ApiError>,
) -> Result<Response, ApiError> {
    let db = ctx.db()?;
    match result {
        Ok(mut resp) if !db.first_write_pending() => {
            let body = resp.cloned()?.text().await?;
            // The answer of a create shows its credential: stored sealed.
            let sealed = Keys::of(ctx)?.seal(&body, &aad(&claim.scope, &claim.key)).await?;
            db.run(
                "UPDATE idempotency_keys SET status = ?1, body = ?2, sealed = 1 \
                 WHERE scope = ?3 AND key = ?4 AND owner = ?5",
                params![resp.status_code(), &sealed, &claim.scope, &claim.key, &claim.owner],
            )
            .await?;
            let _ = resp.headers_mut().set("Idempotent-Replayed", "false");
            Ok(resp)
        }
        // A success that wrote nothing claimed nothing.
        Ok(resp) => Ok(resp),
        Err(err) => {
            let row: Option<Stored> = db
                .first(
                    "SELECT request_hash, owner, status, body, sealed, created_at FROM idempotency_keys \
                     WHERE scope = ?1 AND key = ?2",
                    params![&claim.scope, &claim.key],
                )
                .await?;
            match row {
                Some(row) if row.owner == claim.owner => {
                    db.run(
                        "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND owner = ?3",
                        params![&claim.scope, &claim.key, &claim.owner],
                    )
                    .await?;
                    Err(err)
                }
                // Our create's claim collided with another request's: its answer is ours.
                Some(_) => match existing(ctx, &db, &claim.scope, &claim.key, hash).await? {
                    Some(answer) => Ok(answer),
                    None => Err(err),
                },
                None => Err(err),
            }
        }
    }
}
