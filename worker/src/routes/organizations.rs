//! Organizations: `POST|GET /v1/organizations`, `PUT /v1/organizations/:organizationId`.
//!
//! Each organization gets three enterprise ids at creation: `aosEnterpriseId`
//! and `winEnterpriseId` (fresh ids its AOSP and Windows resources carry), and
//! its Google-compatible `enterpriseId`, which is the organization's own id
//! (`/v1/enterprises/{organization id}/...`). The list shows only the
//! organizations where the caller holds the list permission; a platform
//! operator may create an organization it cannot list afterwards.

use worker::Response;

use mdm_core::model::admin::Organization;
use mdm_core::requests::admin::{OrganizationCreate, OrganizationUpdate};

use crate::audit::Target;
use crate::auth::Reach;
use crate::ctx::Ctx;
use crate::db::Param;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::columns::{new_id, ts, unique_as};
use crate::routes::list::{self, Listing, Where};
use crate::routes::tenancy::{OrgRow, ORG_COLUMNS};

const LISTING: Listing = Listing {
    table: "organizations",
    columns: ORG_COLUMNS,
    fields: &[("createdAt", "created_at"), ("name", "name"), ("slug", "slug")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

impl OrgRow {
    pub fn into_model(self) -> Organization {
        Organization {
            id: self.id,
            name: self.name,
            slug: self.slug,
            plan: self.plan,
            aos_enterprise_id: self.aos_enterprise_id,
            win_enterprise_id: self.win_enterprise_id,
            enterprise_id: self.enterprise_id,
            created_at: ts(self.created_at),
            updated_at: ts(self.updated_at),
        }
    }
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: OrganizationCreate = scope.body()?;
    let now = ctx.now_ms;
    let id = new_id(now)?;
    let row = OrgRow {
        enterprise_id: id.clone(),
        id,
        // Slugs are matched case-insensitively; the validator only admits lowercase.
        slug: input.slug.clone(),
        name: input.name.clone(),
        plan: input.plan().to_string(),
        aos_enterprise_id: new_id(now)?,
        win_enterprise_id: new_id(now)?,
        created_at: now,
        updated_at: now,
    };
    scope.target(Target::new("organization", &row.id));
    ctx.db()?
        .run(
            "INSERT INTO organizations (id, slug, name, plan, aos_enterprise_id, win_enterprise_id, \
             enterprise_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                &row.id,
                &row.slug,
                &row.name,
                &row.plan,
                &row.aos_enterprise_id,
                &row.win_enterprise_id,
                &row.enterprise_id,
                now
            ],
        )
        .await
        .map_err(|e| unique_as(e, "slug", "is already taken"))?;
    created(&row.into_model())
}

/// `PUT /v1/organizations/:organizationId`: rename, or move to another plan.
/// Data a plan no longer covers stays; the feature's routes answer 5050 from
/// the next request on.
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: OrganizationUpdate = scope.body()?;
    let mut row = scope.org()?.clone();
    if let Some(name) = input.name {
        row.name = name;
    }
    if let Some(plan) = input.plan {
        row.plan = plan;
    }
    row.updated_at = ctx.now_ms;
    scope.target(Target::new("organization", &row.id));
    ctx.db()?
        .run(
            "UPDATE organizations SET name = ?1, plan = ?2, updated_at = ?3 WHERE id = ?4",
            params![&row.name, &row.plan, row.updated_at, &row.id],
        )
        .await?;
    // This isolate's reads see the new plan from the next request on.
    crate::routes::tenancy::forget(&row.id);
    ok(&row.into_model())
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let principal = scope.caller()?;
    let q = scope.list()?;
    // The organizations where the caller holds this row's permission (a
    // member of several sees each organization of theirs).
    let reach = match scope.endpoint.gate.permission() {
        Some(listing) => principal.reach(listing.name),
        None => principal.reach_any(),
    };
    let mut w = Where::new();
    if let Reach::Some(refs) = reach {
        // Ids or slugs, as one bound JSON list; `slug` compares case-insensitively (NOCASE).
        let list = Param::Text(serde_json::Value::from(refs).to_string());
        w = w.and(
            "(id IN (SELECT value FROM json_each(?)) OR slug IN (SELECT value FROM json_each(?)))",
            [list.clone(), list],
        );
    }
    let page = list::fetch(&ctx.db()?, &LISTING, q, "", w).await?.page::<OrgRow>()?;
    ok(&page.map(OrgRow::into_model))
}
