//! The Google-compatible enrollment-token surface (seed 003): Android
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

use serde::Deserialize;
use serde_json::{json, Value};
use worker::Response;

use mdm_core::model::google::{GoogleEnrollmentToken, ListEnrollmentTokensResponse};
use mdm_core::requests::google::{format_proto_duration, GoogleTokenCreate, GoogleUser};

use crate::auth::{b64url_decode, Principal};
use crate::ctx::Ctx;
use crate::db::Db;
use crate::http::{raw_json, ApiError, ViolationCode};
use crate::params;
use crate::routes::scope::{OrgRow, ORG_COLUMNS};
use crate::routes::support;

pub const PERM: &str = "androidmanagement";
pub const DEFAULT_PAGE_SIZE: i64 = 10;
pub const MAX_PAGE_SIZE: i64 = 100;

#[derive(Debug, Deserialize)]
struct TokenRow {
    id: String,
    value: String,
    duration_seconds: f64,
    expires_at: i64,
    policy_name: String,
    additional_data: Option<String>,
    user_account_identifier: Option<String>,
    one_time_only: i64,
    extra: String,
    created_at: i64,
}

const COLUMNS: &str = "id, value, duration_seconds, expires_at, policy_name, additional_data, \
    user_account_identifier, one_time_only, extra, created_at";

impl TokenRow {
    fn render(self, enterprise_id: &str) -> GoogleEnrollmentToken {
        let extra: Value = serde_json::from_str(&self.extra).unwrap_or_default();
        GoogleEnrollmentToken {
            name: format!("enterprises/{enterprise_id}/enrollmentTokens/{}", self.id),
            qr_code: mdm_core::payload::google_qr_code(&self.value),
            value: self.value,
            duration: format_proto_duration(self.duration_seconds),
            expiration_timestamp: support::ts(self.expires_at),
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
        }
    }
}

/// Authenticate (`androidmanagement`) and resolve `:enterpriseId`. Should an
/// imported enterpriseId equal another organization's slug, the enterpriseId wins.
async fn enterprise(ctx: &Ctx) -> Result<(Principal, OrgRow, Db), ApiError> {
    let principal = ctx.require(PERM)?;
    let db = ctx.db()?;
    let reference = ctx.param("enterpriseId");
    let row: Option<OrgRow> = db
        .first(
            &format!(
                "SELECT {ORG_COLUMNS} FROM organizations \
                 WHERE enterprise_id = ?1 OR id = lower(?1) OR slug = ?1 \
                 ORDER BY enterprise_id = ?1 DESC, id = lower(?1) DESC LIMIT 1"
            ),
            params![reference],
        )
        .await?;
    match row {
        Some(org) if principal.can_see_org(&org.id, &org.slug) => Ok((principal, org, db)),
        _ => Err(ApiError::NotFound),
    }
}

async fn find(db: &Db, org_id: &str, id: &str) -> Result<TokenRow, ApiError> {
    db.first(
        &format!(
            "SELECT {COLUMNS} FROM google_enrollment_tokens \
             WHERE id = ?1 AND organization_id = ?2 AND status != 'DELETED'"
        ),
        params![id, org_id],
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// `POST /v1/enterprises/:enterpriseId/enrollmentTokens` → 200 with the token.
pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org, db) = enterprise(ctx).await?;
    let body: GoogleTokenCreate = support::body(ctx).await?;
    let id = support::new_id(ctx.now_ms)?;
    let value = support::new_secret()?;
    let secs = body.duration_secs();
    let expires_at = ctx.now_ms + (secs * 1000.0).round() as i64;
    let extra = json!({ "allowPersonalUsage": body.allow_personal_usage });
    db.run(
        "INSERT INTO google_enrollment_tokens (id, organization_id, enterprise_id, value, one_time_only, \
           duration_seconds, expires_at, policy_name, additional_data, user_account_identifier, extra, \
           created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        params![
            &id,
            &org.id,
            &org.enterprise_id,
            &value,
            body.one_time_only,
            secs,
            expires_at,
            body.policy_name(&org.enterprise_id),
            body.additional_data.clone(),
            body.user.and_then(|u| u.account_identifier),
            &extra,
            ctx.now_ms,
        ],
    )
    .await?;
    let row = find(&db, &org.id, &id).await?;
    raw_json(200, &row.render(&org.enterprise_id))
}

/// `GET /v1/enterprises/:enterpriseId/enrollmentTokens/:tokenId`.
pub async fn get(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org, db) = enterprise(ctx).await?;
    let row = find(&db, &org.id, ctx.param("tokenId")).await?;
    raw_json(200, &row.render(&org.enterprise_id))
}

/// `DELETE ...` → 200 `{}` (Google's `Empty`); then the token is NOT_FOUND.
pub async fn remove(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org, db) = enterprise(ctx).await?;
    let changed = db
        .run(
            "UPDATE google_enrollment_tokens SET status = 'DELETED', updated_at = ?1 \
             WHERE id = ?2 AND organization_id = ?3 AND status != 'DELETED'",
            params![ctx.now_ms, ctx.param("tokenId"), &org.id],
        )
        .await?
        .changes;
    if changed == 0 {
        return Err(ApiError::NotFound);
    }
    raw_json(200, &json!({}))
}

/// Where a page starts: after the token with this `(created_at, id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: String,
}

impl Cursor {
    /// Opaque to clients: base64url of `created_at.id`.
    pub fn encode(&self) -> String {
        mdm_core::ids::base64url(format!("{}.{}", self.created_at, self.id).as_bytes())
    }

    pub fn decode(token: &str) -> Option<Cursor> {
        let text = String::from_utf8(b64url_decode(token)?).ok()?;
        let (at, id) = text.split_once('.')?;
        let created_at = at.parse().ok()?;
        mdm_core::patterns::is_object_id(id).then(|| Cursor {
            created_at,
            id: id.to_string(),
        })
    }
}

fn invalid(path: &str, message: &str) -> ApiError {
    ApiError::invalid(path, ViolationCode::Format, message)
}

/// `pageSize`: absent or 0 → 10; above 100 → 100 (Google coerces, it does
/// not reject); anything but a non-negative integer is INVALID_ARGUMENT.
pub fn page_size(raw: Option<&str>) -> Result<i64, ApiError> {
    let s = raw.map(str::trim).unwrap_or_default();
    if s.is_empty() {
        return Ok(DEFAULT_PAGE_SIZE);
    }
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("pageSize", "must be a non-negative integer"));
    }
    // Too many digits for an i64 is still just "above 100".
    Ok(match digits.parse::<i64>() {
        Ok(0) => DEFAULT_PAGE_SIZE,
        Ok(n) => n.min(MAX_PAGE_SIZE),
        Err(_) => MAX_PAGE_SIZE,
    })
}

/// `GET /v1/enterprises/:enterpriseId/enrollmentTokens`: oldest first, keyset
/// paging on `(created_at, id)`, so tokens created while a client pages never
/// shift the pages it has not read yet.
pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org, db) = enterprise(ctx).await?;
    let size = page_size(ctx.query.get("pageSize"))?;
    let cursor = match ctx.query.get("pageToken").filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(Cursor::decode(t).ok_or_else(|| invalid("pageToken", "is not a token this API issued"))?),
    };
    // No cursor: start before any creation time (D1 numbers must stay within ±2^53).
    let (after_at, after_id) = cursor.map_or((-1, String::new()), |c| (c.created_at, c.id));
    let mut rows: Vec<TokenRow> = db
        .all(
            &format!(
                "SELECT {COLUMNS} FROM google_enrollment_tokens \
                 WHERE organization_id = ?1 AND status != 'DELETED' \
                   AND (created_at > ?2 OR (created_at = ?2 AND id > ?3)) \
                 ORDER BY created_at, id LIMIT ?4"
            ),
            params![&org.id, after_at, &after_id, size + 1],
        )
        .await?;
    let next_page_token = if rows.len() as i64 > size {
        rows.truncate(size as usize);
        rows.last().map(|r| {
            Cursor {
                created_at: r.created_at,
                id: r.id.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    raw_json(
        200,
        &ListEnrollmentTokensResponse {
            enrollment_tokens: rows.into_iter().map(|r| r.render(&org.enterprise_id)).collect(),
            next_page_token,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = Cursor {
            created_at: 1_767_225_600_123,
            id: "65a1b2c3d4e5f60718293a4b".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("nope!"), None);
        assert_eq!(Cursor::decode(&mdm_core::ids::base64url(b"12.not-an-id")), None);
    }

    #[test]
    fn page_sizes() {
        assert_eq!(page_size(None).unwrap(), 10);
        assert_eq!(page_size(Some("0")).unwrap(), 10);
        assert_eq!(page_size(Some("100")).unwrap(), 100);
        assert_eq!(page_size(Some("101")).unwrap(), 100);
        assert_eq!(page_size(Some("500")).unwrap(), 100);
        assert_eq!(page_size(Some("123456789012345678901234567890")).unwrap(), 100);
        assert!(page_size(Some("-1")).is_err());
        assert!(page_size(Some("x")).is_err());
        assert!(page_size(Some("1.5")).is_err());
        assert!(page_size(Some("+")).is_err());
    }
}
