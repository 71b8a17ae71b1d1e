//! Members: `GET|POST /v1/organizations/:organizationId/members`,
//! `GET|PUT|DELETE .../members/:memberId` (`admin.member.*`).
//!
//! A member is a person (matched to an OpenID Connect identity by email,
//! case-insensitively) with one role in the organization. Nobody gives or
//! takes away more than they hold: the role given, and the role of a member
//! changed or removed, must be within the caller's permissions there (so only
//! owners touch owners: 403 / 4005). The last owner cannot be removed or
//! demoted (409 / 5010); the check is a condition of the write itself, so two
//! owners demoting each other at once cannot both succeed.

use worker::Response;

use mdm_core::model::admin::Member;
use mdm_core::requests::admin::{MemberCreate, MemberUpdate};
use mdm_core::roles::Role;

use crate::audit::Target;
use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Db;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::columns::{new_id, ts, unique_as};
use crate::routes::list::{self, Listing, Where};
use crate::routes::tenancy::OrgRow;

row! {
    struct Row {
        id: String,
        organization_id: String,
        email: String,
        role: String,
        created_at: i64,
        updated_at: i64,
    }
}

const COLUMNS: &str = "id, organization_id, email, role, created_at, updated_at";

const LISTING: Listing = Listing {
    table: "members",
    columns: COLUMNS,
    fields: &[("createdAt", "created_at"), ("email", "email"), ("role", "role")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

/// "The member is not an owner, or another owner remains" (`?2` the organization).
const NOT_LAST_OWNER: &str =
    "(role <> 'owner' OR (SELECT COUNT(*) FROM members WHERE organization_id = ?2 AND role = 'owner') > 1)";

impl Row {
    fn into_model(self) -> Member {
        Member {
            id: self.id,
            organization_id: self.organization_id,
            email: self.email,
            role: self.role,
            created_at: ts(self.created_at),
            updated_at: ts(self.updated_at),
        }
    }
}

/// The caller may hand out (or take away) `role` in `org`: 403 / 4005 if not.
fn may_handle(caller: &Principal, org: &OrgRow, role: &str) -> Result<(), ApiError> {
    let role = Role::parse(role).ok_or_else(|| ApiError::internal(format!("unknown role {role:?}")))?;
    caller.delegate(&role.permissions(), &org.id, &org.slug).map(|_| ())
}

async fn find(db: &Db, org: &OrgRow, id: &str) -> Result<Row, ApiError> {
    db.first(
        &format!("SELECT {COLUMNS} FROM members WHERE id = ?1 AND organization_id = ?2"),
        params![id, &org.id],
    )
    .await?
    .ok_or(ApiError::NotFound)
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: MemberCreate = scope.body()?;
    let org = scope.org()?;
    may_handle(scope.caller()?, org, &input.role)?;
    let row = Row {
        id: new_id(ctx.now_ms)?,
        organization_id: org.id.clone(),
        email: input.email,
        role: input.role,
        created_at: ctx.now_ms,
        updated_at: ctx.now_ms,
    };
    scope.target(Target::new("member", &row.id).detail("role", row.role.as_str()));
    ctx.db()?
        .run(
            "INSERT INTO members (id, organization_id, email, role, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![&row.id, &row.organization_id, &row.email, &row.role, row.created_at],
        )
        .await
        .map_err(|e| unique_as(e, "email", "is already a member of this organization"))?;
    // This isolate's reads see the change at once (`crate::identity`).
    crate::identity::forget_memberships();
    created(&row.into_model())
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let page = list::fetch(&ctx.db()?, &LISTING, q, &org.id, Where::org(&org.id))
        .await?
        .page::<Row>()?;
    ok(&page.map(Row::into_model))
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let row = find(&ctx.db()?, scope.org()?, &scope.id("memberId")?).await?;
    ok(&row.into_model())
}

pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: MemberUpdate = scope.body()?;
    let org = scope.org()?;
    let caller = scope.caller()?;
    let id = scope.id("memberId")?;
    let db = ctx.db()?;
    let current = find(&db, org, &id).await?;
    may_handle(caller, org, &current.role)?;
    let role = input.role.unwrap_or(current.role);
    may_handle(caller, org, &role)?;
    let email = input.email.unwrap_or(current.email);
    scope.target(Target::new("member", &id).detail("role", role.as_str()));
    let row: Option<Row> = db
        .first(
            &format!(
                "UPDATE members SET email = ?3, role = ?4, updated_at = ?5 \
                 WHERE id = ?1 AND organization_id = ?2 AND (?4 = 'owner' OR {NOT_LAST_OWNER}) \
                 RETURNING {COLUMNS}"
            ),
            params![&id, &org.id, &email, &role, ctx.now_ms],
        )
        .await
        .map_err(|e| unique_as(e, "email", "is already a member of this organization"))?;
    // This isolate's reads see the change at once (`crate::identity`).
    crate::identity::forget_memberships();
    match row {
        Some(row) => ok(&row.into_model()),
        // The member was there a moment ago: the condition refused the demotion.
        None => Err(last_owner_or_gone(&db, org, &id).await),
    }
}

pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id("memberId")?;
    let db = ctx.db()?;
    let current = find(&db, org, &id).await?;
    may_handle(scope.caller()?, org, &current.role)?;
    scope.target(Target::new("member", &id));
    let row: Option<Row> = db
        .first(
            &format!(
                "DELETE FROM members WHERE id = ?1 AND organization_id = ?2 AND {NOT_LAST_OWNER} \
                 RETURNING {COLUMNS}"
            ),
            params![&id, &org.id],
        )
        .await?;
    // This isolate's reads see the change at once (`crate::identity`).
    crate::identity::forget_memberships();
    match row {
        Some(row) => ok(&row.into_model()),
        None => Err(last_owner_or_gone(&db, org, &id).await),
    }
}

/// A conditional write changed nothing: 409 if the member still exists (the
/// last owner), 404 if a concurrent request removed it.
async fn last_owner_or_gone(db: &Db, org: &OrgRow, id: &str) -> ApiError {
    match find(db, org, id).await {
        Ok(_) => ApiError::InvalidStateTransition,
        Err(e) => e,
    }
}
