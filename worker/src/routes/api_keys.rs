//! API keys: `POST|GET /v1/organizations/:organizationId/api-keys`,
//! `DELETE .../api-keys/:apiKeyId` (`admin.apiKey.*`).
//!
//! A key is `mdme_` and 192 random bits, shown once in the create answer; D1
//! keeps only its SHA-256 and its first characters (`prefix`). It acts only in
//! its organization, with the permissions its `permissions` cover, each of
//! which the creator must hold there (403 / 4005 otherwise; platform
//! permissions never). DELETE revokes it: its next request is 401 / 4004, and
//! lists no longer show it.

use worker::Response;

use mdm_core::model::admin::ApiKey;
use mdm_core::requests::admin::ApiKeyCreate;

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError, ViolationCode};
use crate::identity::API_KEY_PREFIX;
use crate::params;
use crate::routes::columns::{from_json, new_id, ts};
use crate::routes::credentials::{new_secret, secret_hash};
use crate::routes::list::{self, Listing, Where};

/// Characters of the key a list shows (`mdme_` and 7 more: 42 bits, enough
/// to tell keys apart, far from enough to use one).
const PREFIX_LEN: usize = 12;

row! {
    struct Row {
        id: String,
        name: String,
        prefix: String,
        permissions: String,
        expires_at: Option<i64>,
        created_at: i64,
        last_used_at: Option<i64>,
    }
}

const COLUMNS: &str = "id, name, prefix, permissions, expires_at, created_at, last_used_at";

const LISTING: Listing = Listing {
    table: "api_keys",
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("name", "name"),
        ("lastUsedAt", "last_used_at"),
    ],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

impl Row {
    fn into_model(self, key: Option<String>) -> Result<ApiKey, ApiError> {
        Ok(ApiKey {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            permissions: from_json(&self.permissions)?,
            expires_at: self.expires_at.map(ts),
            created_at: ts(self.created_at),
            last_used_at: self.last_used_at.map(ts),
            key,
        })
    }
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: ApiKeyCreate = scope.body()?;
    let org = scope.org()?;
    let now = ctx.now_ms;
    let expires_at = match input.expires_at.as_deref() {
        None => None,
        Some(text) => {
            let at = mdm_core::time::parse_rfc3339(text).ok_or_else(|| {
                ApiError::invalid("expiresAt", ViolationCode::Format, "must be an RFC 3339 timestamp")
            })?;
            if at <= now {
                return Err(ApiError::invalid(
                    "expiresAt",
                    ViolationCode::Min,
                    "must be in the future",
                ));
            }
            Some(at)
        }
    };
    let caller = scope.caller()?;
    let permissions = caller.delegate(&input.permissions, &org.id, &org.slug)?;
    let key = format!("{API_KEY_PREFIX}{}", new_secret()?);
    let row = Row {
        id: new_id(now)?,
        name: input.name,
        prefix: key.chars().take(PREFIX_LEN).collect(),
        permissions: serde_json::to_string(&permissions).map_err(ApiError::internal)?,
        expires_at,
        created_at: now,
        last_used_at: None,
    };
    scope.target(Target::new("apiKey", &row.id).detail("name", row.name.as_str()));
    ctx.db()?
        .run(
            "INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, permissions, created_by, \
             expires_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                &row.id,
                &org.id,
                &row.name,
                &row.prefix,
                secret_hash(&key),
                &row.permissions,
                &caller.sub,
                row.expires_at,
                now
            ],
        )
        .await?;
    created(&row.into_model(Some(key))?)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let w = Where::org(&org.id).and("revoked_at IS NULL", []);
    let page = list::fetch(&ctx.db()?, &LISTING, q, &org.id, w).await?.page::<Row>()?;
    ok(&page.try_map(|r| r.into_model(None))?)
}

pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id("apiKeyId")?;
    scope.target(Target::new("apiKey", &id));
    let row: Option<Row> = ctx
        .db()?
        .first(
            &format!(
                "UPDATE api_keys SET revoked_at = ?3, updated_at = ?3 \
                 WHERE id = ?1 AND organization_id = ?2 AND revoked_at IS NULL RETURNING {COLUMNS}"
            ),
            params![&id, &org.id, ctx.now_ms],
        )
        .await?;
    // This isolate's reads stop taking the key at once (`crate::identity`).
    crate::identity::forget_api_keys();
    ok(&row.ok_or(ApiError::NotFound)?.into_model(None)?)
}
