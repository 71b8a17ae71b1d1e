//! The Google-compatible enrollment-token surface: Android
//! Management API `enterprises.enrollmentTokens.create|get|list|delete` under
//! `/v1/enterprises/:enterpriseId/enrollmentTokens`, with Google's JSON names,
//! bare bodies (no envelope), `pageSize`/`pageToken` paging and Google's error
//! body (rendered for every path under `/v1/enterprises`, see `http::Flavor`),
//! so Google's own client libraries work with only the endpoint changed.
//!
//! Enterprise ids: `:enterpriseId` is the organization's `enterpriseId` (what
//! the Organization resource shows), or, for convenience, its organization id
//! or slug; resource names always use the `enterpriseId`. An organization the
//! token's `orgs` claim does not cover is NOT_FOUND, like an unknown one.
//! Every route needs the permission `androidmanagement`.

use serde_json::{json, Value};
use worker::Response;

use mdm_core::google_page::{page_size, PageToken};
use mdm_core::lifecycle::sql::{live_credentials, GOOGLE_TOKENS};
use mdm_core::lifecycle::TokenEvent;
use mdm_core::model::google::{GoogleEnrollmentToken, ListEnrollmentTokensResponse};
use mdm_core::requests::google::{format_proto_duration, GoogleTokenCreate, GoogleUser};
use mdm_core::schema::Schema;

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Db;
use crate::dispatch::Scope;
use crate::http::{raw_json, ApiError};
use crate::params;
use crate::routes::columns;
use crate::routes::credentials;
use crate::sealed::{row_aad, Keys, Stored};
use crate::webhooks::{publish, Event};

/// Google's `Empty`, the answer to a delete.
pub const EMPTY: Schema = Schema::Object(&[]);

row! {
    #[derive(Debug)]
    struct Row {
        id: String,
        /// HMAC of the value (`crate::sealed`); the plaintext in rows not yet sealed.
        value_key: String,
        sealed: Option<String>,
        duration_seconds: f64,
        expires_at: i64,
        policy_name: String,
        additional_data: Option<String>,
        user_account_identifier: Option<String>,
        one_time_only: i64,
        extra: String,
        max_enrollments: Option<i64>,
        enrolled_count: i64,
        last_enrollment_at: Option<i64>,
        created_at: i64,
    }
}

const COLUMNS: &str = "id, value_key, sealed, duration_seconds, expires_at, policy_name, additional_data, \
    user_account_identifier, one_time_only, extra, max_enrollments, enrolled_count, last_enrollment_at, created_at";

const TABLE: &str = "google_enrollment_tokens";

impl Row {
    /// Google's surface always shows the value (`androidmanagement` includes
    /// revealing it), so every answer opens it.
    async fn into_model(self, keys: &Keys, enterprise_id: &str) -> Result<GoogleEnrollmentToken, ApiError> {
        let stored = Stored {
            table: TABLE,
            id: &self.id,
            key: &self.value_key,
            sealed: self.sealed.as_deref(),
        };
        let value = stored.open(keys).await?;
        let extra: Value = serde_json::from_str(&self.extra).unwrap_or_default();
        Ok(GoogleEnrollmentToken {
            name: format!("enterprises/{enterprise_id}/enrollmentTokens/{}", self.id),
            qr_code: mdm_core::payload::google_qr_code(&value),
            value,
            duration: format_proto_duration(self.duration_seconds),
            expiration_timestamp: columns::ts(self.expires_at),
            additional_data: self.additional_data,
            policy_name: self.policy_name,
            one_time_only: self.one_time_only != 0,
            user: self.user_account_identifier.map(|a| GoogleUser {
                account_identifier: Some(a),
            }),
            allow_personal_usage: extra
                .get("allowPersonalUsage")
                .and_then(Value::as_str)
                .map(str::to_string),
            max_enrollments: self.max_enrollments,
            enrolled_devices: self.enrolled_count,
            last_enrollment_at: self.last_enrollment_at.map(columns::ts),
        })
    }
}

async fn find(db: &Db, org_id: &str, id: &str) -> Result<Row, ApiError> {
    db.first(
        &format!(
            "SELECT {COLUMNS} FROM google_enrollment_tokens \
             WHERE id = ?1 AND organization_id = ?2 AND {}",
            GOOGLE_TOKENS.not_deleted()
        ),
        params![id, org_id],
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// `POST /v1/enterprises/:enterpriseId/enrollmentTokens` → 200 with the token.
pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let body: GoogleTokenCreate = scope.body()?;
    let db = ctx.db()?;
    let org = scope.org()?;
    let id = columns::new_id(ctx.now_ms)?;
    let value = credentials::new_secret()?;
    let keys = Keys::of(ctx)?;
    let sealed = keys.seal(&value, &row_aad(TABLE, &id)).await?;
    let secs = body.duration_secs();
    let expires_at = ctx.now_ms + (secs * 1000.0).round() as i64;
    let extra = json!({ "allowPersonalUsage": body.allow_personal_usage });
    scope.target(Target::new("googleEnrollmentToken", &id));
    // The plan's quota of live credentials, inside the INSERT (see aosp_tokens::create).
    let limit = mdm_core::plans::quota(&org.plan).credentials.map(|l| l as i64);
    let inserted = db
        .run(
            &format!(
                "INSERT INTO google_enrollment_tokens (id, organization_id, enterprise_id, value_key, sealed, \
           one_time_only, duration_seconds, expires_at, policy_name, additional_data, user_account_identifier, \
           extra, max_enrollments, created_at, updated_at) \
         SELECT ?1, ?2, ?3, ?4, ?13, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?15, ?12, ?12 \
         WHERE ?14 IS NULL OR {} < ?14",
                live_credentials("?2", "?12")
            ),
            params![
                &id,
                &org.id,
                &org.enterprise_id,
                keys.lookup(&value),
                body.one_time_only,
                secs,
                expires_at,
                body.policy_name(&org.enterprise_id),
                body.additional_data.clone(),
                body.user.and_then(|u| u.account_identifier),
                &extra,
                ctx.now_ms,
                &sealed,
                limit,
                body.max_enrollments,
            ],
        )
        .await?
        .changed();
    if !inserted {
        return Err(ApiError::LimitExceeded);
    }
    let row = find(&db, &org.id, &id).await?;
    raw_json(200, &row.into_model(&keys, &org.enterprise_id).await?)
}

/// `GET /v1/enterprises/:enterpriseId/enrollmentTokens/:tokenId`.
pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let db = ctx.db()?;
    let org = scope.org()?;
    let row = find(&db, &org.id, &scope.id("tokenId")?).await?;
    raw_json(200, &row.into_model(&Keys::of(ctx)?, &org.enterprise_id).await?)
}

/// `DELETE ...` → 200 `{}` (Google's `Empty`); then the token is NOT_FOUND.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let db = ctx.db()?;
    let org = scope.org()?;
    let id = scope.id("tokenId")?;
    scope.target(Target::new("googleEnrollmentToken", &id));
    let changed = db
        .run(
            &format!(
                "UPDATE google_enrollment_tokens SET status = {}, updated_at = ?1 \
                 WHERE id = ?2 AND organization_id = ?3 AND {}",
                GOOGLE_TOKENS.after(&[TokenEvent::Delete], None),
                GOOGLE_TOKENS.not_deleted()
            ),
            params![ctx.now_ms, &id, &org.id],
        )
        .await?
        .changed();
    if !changed {
        return Err(ApiError::NotFound);
    }
    let event = Event::token(mdm_core::webhooks::TOKEN_DELETED, &org.id, "google", &id);
    publish(&ctx.env, &db, ctx.now_ms, vec![event]).await;
    raw_json(200, &json!({}))
}

/// `GET /v1/enterprises/:enterpriseId/enrollmentTokens`: oldest first, keyset
/// paging on `(created_at, id)`, so tokens created while a client pages never
/// shift the pages it has not read yet.
pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let db = ctx.db()?;
    let org = scope.org()?;
    let size = page_size(ctx.query.get("pageSize"))? as i64;
    let cursor = PageToken::parse(ctx.query.get("pageToken"))?;
    // No cursor: start before any creation time (D1 numbers must stay within ±2^53).
    let (after_at, after_id) = cursor.map_or((-1, String::new()), |c| (c.created_at, c.id));
    let mut rows: Vec<Row> = db
        .all(
            &format!(
                "SELECT {COLUMNS} FROM google_enrollment_tokens \
                 WHERE organization_id = ?1 AND {} \
                   AND (created_at > ?2 OR (created_at = ?2 AND id > ?3)) \
                 ORDER BY created_at, id LIMIT ?4",
                GOOGLE_TOKENS.not_deleted()
            ),
            params![&org.id, after_at, &after_id, size + 1],
        )
        .await?;
    let next_page_token = if rows.len() as i64 > size {
        rows.truncate(size as usize);
        rows.last().map(|r| {
            PageToken {
                created_at: r.created_at,
                id: r.id.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    let keys = Keys::of(ctx)?;
    let mut enrollment_tokens = Vec::with_capacity(rows.len());
    for row in rows {
        enrollment_tokens.push(row.into_model(&keys, &org.enterprise_id).await?);
    }
    raw_json(
        200,
        &ListEnrollmentTokensResponse {
            enrollment_tokens,
            next_page_token,
        },
    )
}
