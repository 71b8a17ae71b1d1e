//! `POST|GET /v1/organizations/:organizationId/mdm/aosp/enterprise/policies`
//! and `GET|PUT|DELETE .../policies/:aosPolicyId` (`admin.aospPolicy.*`), and
//! the lookups tokens and devices use to expand their policy assignments.
//! Every change bumps `version` (in the UPDATE itself); a policy that tokens
//! or devices still have assigned is not deleted (409 / 5012).

use serde_json::Value;
use worker::Response;

use mdm_core::model::admin::AospPolicy;
use mdm_core::model::aosp::AosPolicySummary;
use mdm_core::requests::admin::{AospPolicyCreate, AospPolicyUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::columns::{from_json, new_id, ts};
use crate::routes::edit::{self, Editable};
use crate::routes::list::{self, Listing, Where};
use crate::routes::refs::Refs;
use crate::routes::tenancy::OrgRow;

row! {
    #[derive(Debug, Clone)]
    pub struct Row {
        pub id: String,
        pub organization_id: String,
        pub name: String,
        pub description: Option<String>,
        pub version: i64,
        /// JSON text.
        pub config: String,
        pub private: i64,
        pub segment_id: Option<i64>,
        pub expose_to_children: i64,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

pub const COLUMNS: &str = "id, organization_id, name, description, version, config, private, segment_id, \
                           expose_to_children, created_at, updated_at";

const TABLE: &str = "aosp_policies";

const LISTING: Listing = Listing {
    table: TABLE,
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("updatedAt", "updated_at"),
        ("name", "name"),
    ],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

impl Row {
    /// `{id, name, version}` as embedded in assignments.
    pub fn summary(&self) -> AosPolicySummary {
        AosPolicySummary {
            id: self.id.clone(),
            name: self.name.clone(),
            version: self.version.to_string(),
        }
    }

    pub fn config(&self) -> Result<Value, ApiError> {
        from_json(&self.config)
    }
}

impl Row {
    fn into_model(self, org: &OrgRow) -> Result<AospPolicy, ApiError> {
        Ok(AospPolicy {
            config: self.config()?,
            id: self.id,
            organization_id: self.organization_id,
            aos_enterprise_id: org.aos_enterprise_id.clone(),
            name: self.name,
            description: self.description,
            version: self.version,
            private: self.private != 0,
            segment_id: self.segment_id,
            expose_to_children: self.expose_to_children != 0,
            created_at: ts(self.created_at),
            updated_at: ts(self.updated_at),
        })
    }
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: AospPolicyCreate = scope.body()?;
    let org = scope.org()?;
    let db = ctx.db()?;
    Refs::new()
        .segment("segmentId", input.segment_id)
        .check(&db, &org.id)
        .await?;
    let config = input.config.unwrap_or_else(|| Value::Object(Default::default()));
    let row = Row {
        id: new_id(ctx.now_ms)?,
        organization_id: org.id.clone(),
        name: input.name,
        description: input.description,
        version: input.version.unwrap_or(1),
        config: config.to_string(),
        private: i64::from(input.private),
        segment_id: input.segment_id,
        expose_to_children: i64::from(input.expose_to_children),
        created_at: ctx.now_ms,
        updated_at: ctx.now_ms,
    };
    scope.target(Target::new("aospPolicy", &row.id));
    db.run(
        "INSERT INTO aosp_policies (id, organization_id, name, description, version, config, private, \
         segment_id, expose_to_children, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            &row.id,
            &row.organization_id,
            &row.name,
            row.description.as_deref(),
            row.version,
            &row.config,
            row.private,
            row.segment_id,
            row.expose_to_children,
            row.created_at
        ],
    )
    .await?;
    created(&row.into_model(org)?)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let page = list::fetch(&ctx.db()?, &LISTING, q, &org.id, Where::org(&org.id))
        .await?
        .page::<Row>()?;
    ok(&list::try_map(page, |r| r.into_model(org))?)
}

const EDIT: Editable = Editable {
    kind: "aospPolicy",
    table: TABLE,
    columns: COLUMNS,
    id_param: "aosPolicyId",
};

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&EDIT.find::<Row>(ctx, &scope).await?.into_model(scope.org()?)?)
}

/// Absent fields stay as they are (`config` is replaced whole); `version`
/// goes up by one when anything changed (up to 2^53 - 1).
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: AospPolicyUpdate = scope.body()?;
    let org = scope.org()?;
    let mut update = EDIT.changes().versioned();
    update
        .set("name", input.name.as_deref())
        .set("description", input.description)
        .set("config", input.config.as_ref())
        .set("private", input.private)
        .set("segment_id", input.segment_id)
        .set("expose_to_children", input.expose_to_children);
    let segment = input.segment_id.flatten();
    if let Some(segment) = segment {
        update.guard(
            "EXISTS (SELECT 1 FROM segments WHERE id = ? AND organization_id = ?)",
            vec![segment.into(), org.id.as_str().into()],
        );
    }
    if let Some(row) = EDIT.update::<Row>(ctx, &scope, update).await? {
        return ok(&row.into_model(org)?);
    }
    // Nothing written: no such policy here (404), else the segment is not
    // this organization's (5209 `reference`), both read after the write.
    EDIT.find::<Row>(ctx, &scope).await?;
    Refs::new()
        .segment("segmentId", segment)
        .check(&ctx.db()?, &org.id)
        .await?;
    Err(ApiError::NotFound)
}

/// 200 with the deleted policy; 409 / 5012 while tokens or devices have it assigned.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let referrers = [
        edit::aosp_tokens(edit::assigned("policy_assignments", "aosPolicyId", None), &[]),
        edit::aosp_devices(
            edit::assigned("policy_assignments", "aosPolicyId", Some("policy_id")),
            &["policy_id"],
        ),
    ];
    ok(&EDIT
        .delete::<Row>(ctx, &scope, &referrers)
        .await?
        .into_model(scope.org()?)?)
}
