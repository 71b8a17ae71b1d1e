//! `POST|GET /v1/organizations/:organizationId/mdm-users` and `GET|PUT|DELETE
//! .../mdm-users/:mdmUserId` (`admin.mdmUser.*`). An email is unique within
//! an organization (case-insensitively): a second one is 5209 `{path:
//! "email", code: "unique"}`. A user that tokens or devices still refer to
//! is not deleted (409 / 5012).

use worker::Response;

use mdm_core::model::admin::MdmUser;
use mdm_core::requests::admin::{MdmUserCreate, MdmUserUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::edit::{self, Editable};
use crate::routes::list::{self, Listing};

use crate::routes::columns::{new_id, ts, unique_as};

row! {
    struct Row {
        id: String,
        organization_id: String,
        email: String,
        display_name: Option<String>,
        created_at: i64,
    }
}

const TABLE: &str = "mdm_users";
const COLUMNS: &str = "id, organization_id, email, display_name, created_at";

const LISTING: Listing = Listing {
    table: TABLE,
    columns: COLUMNS,
    fields: &[("createdAt", "created_at"), ("email", "email")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

impl Row {
    fn into_model(self) -> MdmUser {
        MdmUser {
            id: self.id,
            organization_id: self.organization_id,
            email: self.email,
            display_name: self.display_name,
            created_at: ts(self.created_at),
        }
    }
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: MdmUserCreate = scope.body()?;
    let org = scope.org()?;
    let row = Row {
        id: new_id(ctx.now_ms)?,
        organization_id: org.id.clone(),
        email: input.email,
        display_name: input.display_name,
        created_at: ctx.now_ms,
    };
    scope.target(Target::new("mdmUser", &row.id));
    ctx.db()?
        .run(
            "INSERT INTO mdm_users (id, organization_id, email, display_name, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![
                &row.id,
                &row.organization_id,
                &row.email,
                row.display_name.as_deref(),
                row.created_at
            ],
        )
        .await
        .map_err(|e| unique_as(e, "email", "is already used in this organization"))?;
    created(&row.into_model())
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&list::org_page(ctx, &scope, &LISTING)
        .await?
        .page::<Row>()?
        .map(Row::into_model))
}

const EDIT: Editable = Editable {
    kind: "mdmUser",
    table: TABLE,
    columns: COLUMNS,
    id_param: "mdmUserId",
};

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&EDIT.find::<Row>(ctx, &scope).await?.into_model())
}

/// Absent fields stay as they are; `displayName: null` clears it.
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: MdmUserUpdate = scope.body()?;
    let mut update = EDIT.changes();
    update
        .set("email", input.email.as_deref())
        .set("display_name", input.display_name);
    let row: Option<Row> = EDIT
        .update(ctx, &scope, update)
        .await
        .map_err(|e| unique_as(e, "email", "is already used in this organization"))?;
    ok(&row.ok_or(ApiError::NotFound)?.into_model())
}

/// 200 with the deleted user; 409 / 5012 while tokens or devices refer to it.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let referrers = edit::tokens_and_devices("mdm_user_id", &["mdm_user_id"]);
    ok(&EDIT.delete::<Row>(ctx, &scope, &referrers).await?.into_model())
}
