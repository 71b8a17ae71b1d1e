//! The one place a request's credential becomes a [`Principal`]:
//!
//! * `Authorization: Bearer mdme_...`: an API key, looked up by its SHA-256;
//!   unknown, revoked or expired is 401 / 4004. It acts only in its own
//!   organization, with the permissions stored with it.
//! * `Authorization: Bearer <JWT>` with `alg` HS256: signed with
//!   `AUTH_SECRET` (at least [`auth::MIN_SECRET_LEN`] bytes, else every such
//!   token is refused and the worker logs why); its claims are its grants.
//! * `Authorization: Bearer <JWT>` with `alg` RS256 or ES256, or the
//!   `Cf-Access-Jwt-Assertion` header (Cloudflare Access in front) when there
//!   is no `Authorization`: an OpenID Connect token checked against the
//!   identity provider's key set ([`crate::oidc`]); the person's memberships,
//!   matched by the `email` claim, are its grants, and `PLATFORM_ADMINS`
//!   adds `platform.*`.
//!
//! A signed token's verification (HS256 or OpenID Connect) is kept in the
//! isolate for [`CREDENTIAL_TTL_MS`] by the SHA-256 of the credential header,
//! and checked against the token's own `exp` / `nbf` on every use
//! ([`signed`]): the same credential is not verified again on every request.

use crate::auth::{self, Grant, Principal, Via};
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Db;
use crate::http::ApiError;
use crate::isolate_cache::{self, Fresh, TtlCache};
use crate::params;
use crate::routes::credentials::secret_hash;

/// What every API key starts with (so a leaked one is recognizable, and a
/// bearer that starts with it is never parsed as a JWT).
pub const API_KEY_PREFIX: &str = "mdme_";

/// The header Cloudflare Access adds to requests it let through.
pub const CF_ACCESS_HEADER: &str = "Cf-Access-Jwt-Assertion";

/// `last_used_at` is written at most this often per key (ms).
const LAST_USED_EVERY_MS: i64 = 60_000;

/// The grants of the platform's operators.
pub const PLATFORM_ADMINS_BINDING: &str = "PLATFORM_ADMINS";

/// Resolve the request's credential (401 / 4002 without one, 4004 if it is
/// not valid, 503 / 5030 if the identity provider's keys cannot be fetched).
pub async fn authenticate(ctx: &Ctx, fresh: Fresh) -> Result<Principal, ApiError> {
    let header = ctx.authorization()?;
    let token = match auth::bearer_token(header) {
        Ok(t) => t.to_string(),
        Err(no_token) => {
            // Cloudflare Access in front: its assertion signs the person in
            // when the request carries no credential of its own.
            let assertion = ctx.req.headers().get(CF_ACCESS_HEADER)?.unwrap_or_default();
            if header.is_none() && !assertion.trim().is_empty() {
                return match signed(ctx, assertion.trim(), Signers::OpenIdOnly).await? {
                    Signed::OpenId(identity) => oidc_principal(ctx, identity, fresh).await,
                    Signed::Hs256(_) => Err(ApiError::InvalidToken),
                };
            }
            return Err(no_token);
        }
    };
    if token.starts_with(API_KEY_PREFIX) {
        return api_key(ctx, &token, fresh).await;
    }
    match signed(ctx, &token, Signers::Any).await? {
        Signed::Hs256(principal) => Ok(principal),
        Signed::OpenId(identity) => oidc_principal(ctx, identity, fresh).await,
    }
}

/// Whom a signed token names, once verified.
#[derive(Clone)]
enum Signed {
    /// HS256, signed with `AUTH_SECRET`: its claims are its grants.
    Hs256(Principal),
    /// RS256 or ES256, from the identity provider: a person.
    OpenId(crate::oidc::Identity),
}

/// Which signers a credential may come from: Cloudflare Access' assertion
/// is an OpenID Connect token or nothing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signers {
    Any,
    OpenIdOnly,
}

/// A signed token, verified: from this isolate's [`SIGNED`] when it
/// verified the same credential less than [`CREDENTIAL_TTL_MS`] ago, else
/// checked (an HMAC, or WebCrypto against the provider's key set) and kept.
/// Either way the token's own `exp` / `nbf` are checked against this
/// request's time, so a kept verification never outlives its token.
async fn signed(ctx: &Ctx, token: &str, signers: Signers) -> Result<Signed, ApiError> {
    // Any request may use a kept verification, writes too: checking a
    // signature reads nothing from D1 that a write must see fresh. (A key
    // the provider drops from its set is kept by `oidc`'s own cache of the
    // set until a token names an unknown one: this adds nothing to that.)
    let at = Fresh::Cached { now_ms: ctx.now_ms };
    // Which header the credential came in is part of the key: the same text
    // verified as a bearer is not thereby good as Access' assertion.
    let hash = ctx.credential_hash()?;
    let tagged;
    let key = match signers {
        Signers::Any => hash,
        Signers::OpenIdOnly => {
            tagged = format!("access:{hash}");
            &tagged
        }
    };
    let (signed, lifetime) = match isolate_cache::get(&SIGNED, key, at) {
        Some(kept) => kept,
        None => {
            let verified = match crate::oidc::algorithm(token).as_deref() {
                Some("HS256") if signers == Signers::Any => {
                    let (principal, lifetime) = hs256(ctx, token)?;
                    (Signed::Hs256(principal), lifetime)
                }
                Some("RS256" | "ES256") => {
                    let (identity, lifetime) = crate::oidc::verify(ctx, token).await?;
                    (Signed::OpenId(identity), lifetime)
                }
                _ => return Err(ApiError::InvalidToken),
            };
            isolate_cache::put(&SIGNED, key, &verified, at);
            verified
        }
    };
    if !lifetime.covers(ctx.now_ms.div_euclid(1000)) {
        return Err(ApiError::InvalidToken);
    }
    Ok(signed)
}

fn hs256(ctx: &Ctx, token: &str) -> Result<(Principal, auth::Lifetime), ApiError> {
    let secret = signing_secret(ctx).map_err(|why| {
        worker::console_error!(
            "{} is {why}: every HS256 token is refused (it needs at least {} bytes)",
            auth::SECRET_BINDING,
            auth::MIN_SECRET_LEN
        );
        ApiError::InvalidToken
    })?;
    auth::verify(token, secret.as_bytes(), ctx.now_ms.div_euclid(1000))
}

/// `AUTH_SECRET` when it is long enough to sign with, else why not: what
/// HS256 tokens are checked with, and what the e2e tests' SQL route
/// (`routes::debug`) wants to be shown.
pub fn signing_secret(ctx: &Ctx) -> Result<String, &'static str> {
    let secret = ctx.string_binding(auth::SECRET_BINDING).unwrap_or_default();
    match secret.len() {
        0 => Err("not configured"),
        n if n < auth::MIN_SECRET_LEN => Err("too short"),
        _ => Ok(secret),
    }
}

/// How long a read may use an API key's row or a person's memberships read
/// earlier in this isolate. A revoked key, or a removed or demoted member,
/// can still *read* for at most this long in another isolate that served
/// them in the meantime; this isolate forgets at once ([`forget_api_keys`],
/// [`forget_memberships`]), and writes always read D1.
const CREDENTIAL_TTL_MS: i64 = 10_000;

thread_local! {
    /// Live API keys by the SHA-256 of the key (never the key itself).
    static API_KEYS: TtlCache<KeyRow> = const { TtlCache::new(CREDENTIAL_TTL_MS) };
    /// A person's memberships by lowercase email (none: not kept).
    static MEMBERSHIPS: TtlCache<Vec<Grant>> = const { TtlCache::new(CREDENTIAL_TTL_MS) };
    /// Signed tokens verified in this isolate, by the SHA-256 of the
    /// credential header (never the token itself), with when their claims
    /// let them in. A token that failed is not kept.
    static SIGNED: TtlCache<(Signed, auth::Lifetime)> = const { TtlCache::new(CREDENTIAL_TTL_MS) };
}

/// After a key is revoked through this isolate.
pub fn forget_api_keys() {
    isolate_cache::forget(&API_KEYS, |_, _| true);
}

/// After a membership changes through this isolate.
pub fn forget_memberships() {
    isolate_cache::forget(&MEMBERSHIPS, |_, _| true);
}

row! {
    #[derive(Clone)]
    struct KeyRow {
        id: String,
        organization_id: String,
        permissions: String,
        expires_at: Option<i64>,
        last_used_at: Option<i64>,
    }
}

async fn api_key(ctx: &Ctx, key: &str, fresh: Fresh) -> Result<Principal, ApiError> {
    let db = ctx.db()?;
    let hash = secret_hash(key);
    let now = ctx.now_ms;
    // `last_used_at` is kept when the row is read from D1 (at least every
    // CREDENTIAL_TTL_MS while the key is in use), never on a cache hit.
    let load = || async {
        let row: Option<KeyRow> = db
            .first(
                "SELECT id, organization_id, permissions, expires_at, last_used_at FROM api_keys \
                 WHERE key_hash = ?1 AND revoked_at IS NULL",
                params![&hash],
            )
            .await?;
        let Some(mut row) = row else {
            return Ok(None);
        };
        if row.last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY_MS) {
            // Conditional, so concurrent requests write it once a minute at most.
            db.run(
                "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2 \
                 AND (last_used_at IS NULL OR last_used_at <= ?1 - ?3)",
                params![now, &row.id, LAST_USED_EVERY_MS],
            )
            .await?;
            row.last_used_at = Some(now);
        }
        Ok(Some(row))
    };
    let row = isolate_cache::get_or_load(&API_KEYS, &hash, fresh, load)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if row.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::InvalidToken);
    }
    let perms: Vec<String> = crate::routes::columns::from_json(&row.permissions)?;
    Ok(Principal::new(
        format!("apiKey:{}", row.id),
        Via::ApiKey,
        Grant {
            orgs: vec![row.organization_id],
            perms,
            role: None,
        },
    ))
}

row! {
    struct MembershipRow {
        organization_id: String,
        role: String,
    }
}

/// An OpenID Connect identity, its token verified: its memberships as grants.
async fn oidc_principal(ctx: &Ctx, identity: crate::oidc::Identity, fresh: Fresh) -> Result<Principal, ApiError> {
    let db = ctx.db()?;
    let mut principal = Principal {
        sub: identity.sub,
        email: identity.email.clone(),
        via: Via::Oidc,
        grants: Vec::new(),
    };
    let Some(email) = identity.email else {
        return Ok(principal);
    };
    let key = email.to_ascii_lowercase();
    // No membership is not kept: a person added elsewhere is seen at once.
    let load = || async { Ok(Some(memberships(&db, &email).await?).filter(|g: &Vec<Grant>| !g.is_empty())) };
    principal.grants = isolate_cache::get_or_load(&MEMBERSHIPS, &key, fresh, load)
        .await?
        .unwrap_or_default();
    let admins = ctx.string_binding(PLATFORM_ADMINS_BINDING).unwrap_or_default();
    if is_listed(&admins, &email) {
        principal.grants.push(Grant {
            orgs: vec!["*".into()],
            perms: vec![mdm_core::permissions::PLATFORM_ALL.into()],
            role: None,
        });
    }
    Ok(principal)
}

/// The person's memberships as grants (email compared case-insensitively).
async fn memberships(db: &Db, email: &str) -> Result<Vec<Grant>, ApiError> {
    let rows: Vec<MembershipRow> = db
        .all(
            "SELECT organization_id, role FROM members WHERE email = ?1",
            params![email],
        )
        .await?;
    rows.into_iter()
        .map(|m| {
            let role = mdm_core::roles::Role::parse(&m.role)
                .ok_or_else(|| ApiError::internal(format!("unknown stored role {:?}", m.role)))?;
            Ok(Grant {
                orgs: vec![m.organization_id],
                perms: role.permissions().into_iter().map(str::to_string).collect(),
                role: Some(role.name()),
            })
        })
        .collect()
}

/// Is `email` in the comma-separated list (case-insensitively)?
pub fn is_listed(list: &str, email: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|e| !e.is_empty() && e.eq_ignore_ascii_case(email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_admins_list() {
        let list = " ops@example.com, Root@Example.com ,,";
        assert!(is_listed(list, "ops@example.com"));
        assert!(is_listed(list, "root@example.com"));
        assert!(!is_listed(list, "example.com"));
        assert!(!is_listed("", ""));
    }
}
