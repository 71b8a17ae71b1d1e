//! `POST|GET /v1/organizations/:organizationId/segments` (`admin.segment.*`).
//! Segments form a tree per organization; `parentId` must name a segment of
//! the same organization (5209 `reference`).

use serde::Deserialize;
use worker::Response;

use mdm_core::model::admin::Segment;
use mdm_core::requests::admin::SegmentCreate;

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::list::{self, Listing};
use crate::routes::refs::Refs;

use crate::routes::columns::ts;

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

impl Row {
    fn into_model(self) -> Segment {
        Segment {
            id: self.id,
            organization_id: self.organization_id,
            name: self.name,
            parent_id: self.parent_id,
            created_at: ts(self.created_at),
        }
    }
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: SegmentCreate = scope.body()?;
    let org = scope.org()?;
    let db = ctx.db()?;
    Refs::new()
        .segment("parentId", input.parent_id)
        .check(&db, &org.id)
        .await?;
    scope.target(Target::inserted("segment"));
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
    created(&row.into_model())
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&list::org_page::<Row>(ctx, &scope, &LISTING).await?.map(Row::into_model))
}
