//! `POST|GET /v1/organizations/:organizationId/segments` and `GET|PUT|DELETE
//! .../segments/:segmentId` (`admin.segment.*`). Segments form a tree per
//! organization; `parentId` must name a segment of the same organization
//! (5209 `reference`), and a re-parent never makes a cycle: a parent that is
//! the segment itself or one of its descendants is a 5209 `reference` too.
//! The cycle check is a condition of the UPDATE itself (a recursive walk of
//! the segment's subtree), so two concurrent re-parents cannot close a loop.
//! A segment that child segments, policies, tokens or devices still refer to
//! is not deleted (409 / 5012).

use worker::Response;

use mdm_core::model::admin::Segment;
use mdm_core::requests::admin::{SegmentCreate, SegmentUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Param;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError, Violation, ViolationCode};
use crate::params;
use crate::routes::edit::{self, Editable, Referrer};
use crate::routes::list::{self, Listing};
use crate::routes::refs::Refs;

use crate::routes::columns::ts;

row! {
    struct Row {
        id: i64,
        organization_id: String,
        name: String,
        parent_id: Option<i64>,
        created_at: i64,
    }
}

const COLUMNS: &str = "id, organization_id, name, parent_id, created_at";

const LISTING: Listing = Listing {
    table: "segments",
    columns: COLUMNS,
    fields: &[("createdAt", "created_at"), ("name", "name"), ("id", "id")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
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
    ok(&list::org_page(ctx, &scope, &LISTING)
        .await?
        .page::<Row>()?
        .map(Row::into_model))
}

const EDIT: Editable = Editable {
    kind: "segment",
    table: "segments",
    columns: COLUMNS,
    id_param: "segmentId",
};

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&EDIT.find::<Row>(ctx, &scope).await?.into_model())
}

/// `?`s: the new parent, the organization, the parent, the segment, the
/// organization. The parent exists here and is not in the segment's subtree.
const PARENT_ALLOWED: &str = "EXISTS (SELECT 1 FROM segments p WHERE p.id = ? AND p.organization_id = ?) \
    AND ? NOT IN (WITH RECURSIVE subtree(id) AS (SELECT ? UNION \
      SELECT s.id FROM segments s JOIN subtree ON s.parent_id = subtree.id WHERE s.organization_id = ?) \
    SELECT id FROM subtree)";

/// Why a re-parent was not written (read after the conditional UPDATE
/// changed nothing): `?1` segment, `?2` organization, `?3` parent.
const WHY_NOT: &str = "SELECT EXISTS (SELECT 1 FROM segments WHERE id = ?1 AND organization_id = ?2) AS found, \
    EXISTS (SELECT 1 FROM segments WHERE id = ?3 AND organization_id = ?2) AS parent";

row! {
    struct WhyNot {
        found: i64,
        parent: i64,
    }
}

/// Absent fields stay as they are; `parentId: null` makes the segment a root.
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: SegmentUpdate = scope.body()?;
    let org = scope.org()?;
    let id = EDIT.id(&scope)?;
    let mut update = EDIT.changes();
    update.set("name", input.name.as_deref());
    if let Some(parent) = input.parent_id {
        update.set("parent_id", Some(parent));
        if let Some(parent) = parent {
            let org_id = Param::from(&org.id);
            update.guard(
                PARENT_ALLOWED,
                vec![parent.into(), org_id.clone(), parent.into(), id.clone(), org_id],
            );
        }
    }
    if let Some(row) = EDIT.update::<Row>(ctx, &scope, update).await? {
        return ok(&row.into_model());
    }
    let parent = input.parent_id.flatten();
    let why: Option<WhyNot> = ctx
        .db()?
        .first(WHY_NOT, &[id, org.id.as_str().into(), parent.into()])
        .await?;
    match why {
        Some(w) if w.found != 0 => Err(ApiError::from(Violation::new(
            "parentId",
            ViolationCode::Reference,
            if w.parent == 0 {
                "no such segment in this organization"
            } else {
                "is the segment itself or one of its descendants: the tree would have a cycle"
            },
        ))),
        _ => Err(ApiError::NotFound),
    }
}

/// What still refers to a segment: child segments, AOSP policies, tokens and devices.
fn referrers() -> Vec<Referrer> {
    let mut referrers = vec![
        Referrer::column("segments", "segments", "parent_id"),
        Referrer::column("aospPolicies", "aosp_policies", "segment_id"),
    ];
    referrers.extend(edit::tokens_and_devices("segment_id", &["segment_id"]));
    referrers
}

/// 200 with the deleted segment; 409 / 5012 while anything refers to it.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&EDIT.delete::<Row>(ctx, &scope, &referrers()).await?.into_model())
}
