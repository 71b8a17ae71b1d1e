//! `POST|GET /v1/organizations/:organizationId/segments` (`admin.segment.*`).
//! Segments form a tree per organization; `parentId` must name a segment of
//! the same organization (5209 `reference`).

use serde::Deserialize;
use worker::Response;

use mdm_core::model::admin::Segment;
use mdm_core::pagination::SEGMENTS;
use mdm_core::requests::admin::SegmentCreate;

use crate::ctx::Ctx;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::list::{self, Listing, Where};
use crate::routes::refs::Refs;
use crate::routes::scope;
use crate::routes::support::{body, ts};

#[derive(Deserialize)]
struct Row {
    id: i64,
    organization_id: String,
    name: String,
    parent_id: Option<i64>,
    created_at: i64,
}

const COLUMNS: &str = "id, organization_id, name, parent_id, created_at";

const LISTING: Listing = Listing {
    table: "segments",
    columns: COLUMNS,
    fields: &[("createdAt", "created_at"), ("name", "name"), ("id", "id")],
    status_column: None,
    segment_column: None,
};

fn to_model(r: Row) -> Segment {
    Segment {
        id: r.id,
        organization_id: r.organization_id,
        name: r.name,
        parent_id: r.parent_id,
        created_at: ts(r.created_at),
    }
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org) = scope::org(ctx, "admin.segment.create").await?;
    let input: SegmentCreate = body(ctx).await?;
    let db = ctx.db()?;
    Refs::new()
        .segment("parentId", input.parent_id)
        .check(&db, &org.id)
        .await?;
    let row: Option<Row> = db
        .first(
            &format!(
                "INSERT INTO segments (organization_id, parent_id, name, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4) RETURNING {COLUMNS}"
            ),
            params![&org.id, input.parent_id, &input.name, ctx.now_ms],
        )
        .await?;
    let row = row.ok_or_else(|| ApiError::internal("segment INSERT returned no row"))?;
    created(&to_model(row))
}

pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org) = scope::org(ctx, "admin.segment.list").await?;
    let q = list::query(ctx, &SEGMENTS)?;
    let page = list::fetch::<Row>(&ctx.db()?, &LISTING, &q, &org.id, Where::org(&org.id)).await?;
    ok(&page.map(to_model))
}
