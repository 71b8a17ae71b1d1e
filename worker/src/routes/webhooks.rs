//! Webhook subscriptions: `POST|GET /v1/organizations/:organizationId/webhooks`,
//! `GET|PUT|DELETE .../webhooks/:webhookId`, `GET .../deliveries`,
//! `POST .../test` (`admin.webhook.*`).
//!
//! The signing secret (`whsec_` + base64 of 32 random bytes) is shown in the
//! create answer only; D1 keeps it sealed (`crate::sealed`, additional data
//! `webhooks/<id>`), for the queue consumer to sign with. The URL rules are
//! `mdm_core::webhooks::url_problem`, with development as `ENVIRONMENT` says.

use serde::Serialize;
use worker::Response;

use mdm_core::model::admin::{Webhook, WebhookDelivery};
use mdm_core::requests::admin::{WebhookCreate, WebhookUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError, ViolationCode};
use crate::params;
use crate::routes::columns::{from_json, new_id, ts};
use crate::routes::list::{self, Listing, Where};
use crate::sealed::{row_aad, Keys};
use crate::webhooks::{self as hooks, TABLE};

const ID_PARAM: &str = "webhookId";

row! {
    struct Row {
        id: String,
        organization_id: String,
        url: String,
        events: String,
        enabled: i64,
        created_at: i64,
        updated_at: i64,
    }
}

const COLUMNS: &str = "id, organization_id, url, events, enabled, created_at, updated_at";

const LISTING: Listing = Listing {
    table: "webhooks",
    columns: COLUMNS,
    fields: &[("createdAt", "created_at"), ("url", "url")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

impl Row {
    fn into_model(self, secret: Option<String>) -> Result<Webhook, ApiError> {
        Ok(Webhook {
            id: self.id,
            organization_id: self.organization_id,
            url: self.url,
            events: from_json(&self.events)?,
            enabled: self.enabled != 0,
            created_at: ts(self.created_at),
            updated_at: ts(self.updated_at),
            secret,
        })
    }
}

/// A 5209 on `url` if this deployment may not deliver there.
fn check_url(ctx: &Ctx, url: &str) -> Result<(), ApiError> {
    let development = ctx.string_binding("ENVIRONMENT").as_deref() == Some("development");
    match mdm_core::webhooks::url_problem(url, development) {
        Some(problem) => Err(ApiError::invalid("url", ViolationCode::Format, problem)),
        None => Ok(()),
    }
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: WebhookCreate = scope.body()?;
    check_url(ctx, &input.url)?;
    let org = scope.org()?;
    let now = ctx.now_ms;
    let id = new_id(now)?;
    let secret = mdm_core::webhooks::new_secret().map_err(ApiError::internal)?;
    let sealed = Keys::of(ctx)?.seal(&secret, &row_aad(TABLE, &id)).await?;
    let row = Row {
        id,
        organization_id: org.id.clone(),
        url: input.url,
        events: serde_json::to_string(&input.events).map_err(ApiError::internal)?,
        enabled: i64::from(input.enabled.unwrap_or(true)),
        created_at: now,
        updated_at: now,
    };
    scope.target(Target::new("webhook", &row.id).detail("url", row.url.as_str()));
    ctx.db()?
        .run(
            "INSERT INTO webhooks (id, organization_id, url, events, enabled, secret_sealed, created_by, \
             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                &row.id,
                &org.id,
                &row.url,
                &row.events,
                row.enabled,
                &sealed,
                &scope.caller()?.sub,
                now
            ],
        )
        .await?;
    created(&row.into_model(Some(secret))?)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let w = Where::org(&org.id).and("deleted_at IS NULL", []);
    let page = list::fetch(&ctx.db()?, &LISTING, q, &org.id, w).await?.page::<Row>()?;
    ok(&page.try_map(|r| r.into_model(None))?)
}

async fn find(ctx: &Ctx, scope: &Scope) -> Result<Row, ApiError> {
    let row: Option<Row> = ctx
        .db()?
        .first(
            &format!("SELECT {COLUMNS} FROM webhooks WHERE id = ?1 AND organization_id = ?2 AND deleted_at IS NULL"),
            params![&scope.id(ID_PARAM)?, &scope.org()?.id],
        )
        .await?;
    row.ok_or(ApiError::NotFound)
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&find(ctx, &scope).await?.into_model(None)?)
}

pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: WebhookUpdate = scope.body()?;
    if let Some(url) = &input.url {
        check_url(ctx, url)?;
    }
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let events = input
        .events
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(ApiError::internal)?;
    let mut target = Target::new("webhook", &id);
    if let Some(enabled) = input.enabled {
        target = target.detail("enabled", enabled);
    }
    scope.target(target);
    let row: Option<Row> = ctx
        .db()?
        .first(
            &format!(
                "UPDATE webhooks SET url = coalesce(?3, url), events = coalesce(?4, events), \
                 enabled = coalesce(?5, enabled), updated_at = ?6 \
                 WHERE id = ?1 AND organization_id = ?2 AND deleted_at IS NULL RETURNING {COLUMNS}"
            ),
            params![
                &id,
                &org.id,
                input.url.as_deref(),
                events,
                input.enabled.map(i64::from),
                ctx.now_ms
            ],
        )
        .await?;
    ok(&row.ok_or(ApiError::NotFound)?.into_model(None)?)
}

pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    scope.target(Target::new("webhook", &id));
    let row: Option<Row> = ctx
        .db()?
        .first(
            &format!(
                "UPDATE webhooks SET deleted_at = ?3, enabled = 0, updated_at = ?3 \
                 WHERE id = ?1 AND organization_id = ?2 AND deleted_at IS NULL RETURNING {COLUMNS}"
            ),
            params![&id, &org.id, ctx.now_ms],
        )
        .await?;
    ok(&row.ok_or(ApiError::NotFound)?.into_model(None)?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TestSent {
    webhook_id: String,
    event: &'static str,
    message_id: String,
}

pub async fn test(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    scope.target(Target::new("webhook", &id).detail("event", mdm_core::webhooks::PING));
    let row: Option<Row> = ctx
        .db()?
        .first(
            &format!(
                "UPDATE webhooks SET tested_at = ?3 \
                 WHERE id = ?1 AND organization_id = ?2 AND deleted_at IS NULL RETURNING {COLUMNS}"
            ),
            params![&id, &org.id, ctx.now_ms],
        )
        .await?;
    let row = row.ok_or(ApiError::NotFound)?;
    let data = serde_json::json!({ "webhookId": &row.id });
    let message_id = hooks::publish_to(&ctx.env, &row.id, &org.id, mdm_core::webhooks::PING, ctx.now_ms, data).await?;
    ok(&TestSent {
        webhook_id: row.id,
        event: mdm_core::webhooks::PING,
        message_id,
    })
}

row! {
    struct DeliveryRow {
        id: String,
        webhook_id: String,
        event_type: String,
        message_id: String,
        attempt: i64,
        status: String,
        response_status: Option<i64>,
        at: i64,
    }
}

const DELIVERIES: Listing = Listing {
    table: "webhook_deliveries",
    columns: "id, webhook_id, event_type, message_id, attempt, status, response_status, at",
    fields: &[("at", "at")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

pub async fn deliveries(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    // 404 for a subscription that is not (or no longer) the organization's.
    let hook = find(ctx, &scope).await?;
    let org = scope.org()?;
    let q = scope.list()?;
    let w = Where::org(&org.id).and("webhook_id = ?", [hook.id.as_str().into()]);
    let page = list::fetch(&ctx.db()?, &DELIVERIES, q, &org.id, w)
        .await?
        .page::<DeliveryRow>()?;
    ok(&page.map(|d| WebhookDelivery {
        id: d.id,
        webhook_id: d.webhook_id,
        event: d.event_type,
        message_id: d.message_id,
        attempt: d.attempt,
        status: d.status,
        response_status: d.response_status,
        at: ts(d.at),
    }))
}
