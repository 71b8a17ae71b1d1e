//! `POST|GET /v1/organizations/:organizationId/mdm/aosp/enterprise/policies`
//! (`admin.aospPolicy.*`), and the lookups tokens and devices use to expand
//! their policy assignments.

use serde::Deserialize;
use serde_json::Value;
use worker::Response;

use mdm_core::model::admin::AospPolicy;
use mdm_core::model::aosp::AosPolicySummary;
use mdm_core::pagination::AOSP_POLICIES;
use mdm_core::requests::admin::AospPolicyCreate;

use crate::ctx::Ctx;
use crate::db::{Db, Param, Stmt};
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::list::{self, Listing, Where};
use crate::routes::refs::Refs;
use crate::routes::scope::{self, OrgRow};
use crate::routes::support::{body, from_json, new_id, ts};

#[derive(Debug, Clone, Deserialize)]
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

pub const COLUMNS: &str = "id, organization_id, name, description, version, config, private, segment_id, \
                           expose_to_children, created_at, updated_at";

const LISTING: Listing = Listing {
    table: "aosp_policies",
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("updatedAt", "updated_at"),
        ("name", "name"),
    ],
    status_column: None,
    segment_column: None,
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

fn to_model(r: Row, org: &OrgRow) -> Result<AospPolicy, ApiError> {
    Ok(AospPolicy {
        config: r.config()?,
        id: r.id,
        organization_id: r.organization_id,
        aos_enterprise_id: org.aos_enterprise_id.clone(),
        name: r.name,
        description: r.description,
        version: r.version,
        private: r.private != 0,
        segment_id: r.segment_id,
        expose_to_children: r.expose_to_children != 0,
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
    })
}

/// The organization's policies with these ids (unknown ids are simply absent).
pub async fn by_ids(db: &Db, org_id: &str, ids: &[String]) -> Result<Vec<Row>, ApiError> {
    match by_ids_query(org_id, ids) {
        Some((sql, params)) => db.all(&sql, &params).await,
        None => Ok(Vec::new()),
    }
}

/// [`by_ids`]' statement, for a batch (`None`: no ids, nothing to ask).
pub fn by_ids_stmt(db: &Db, org_id: &str, ids: &[String]) -> Result<Option<Stmt>, ApiError> {
    by_ids_query(org_id, ids)
        .map(|(sql, params)| db.stmt(&sql, &params))
        .transpose()
}

fn by_ids_query(org_id: &str, ids: &[String]) -> Option<(String, Vec<Param>)> {
    if ids.is_empty() {
        return None;
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut params = vec![Param::from(org_id)];
    params.extend(ids.iter().map(|i| Param::from(i.to_ascii_lowercase())));
    Some((
        format!("SELECT {COLUMNS} FROM aosp_policies WHERE organization_id = ? AND id IN ({marks})"),
        params,
    ))
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org) = scope::org(ctx, "admin.aospPolicy.create").await?;
    let input: AospPolicyCreate = body(ctx).await?;
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
    created(&to_model(row, &org)?)
}

pub async fn list(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let (_, org) = scope::org(ctx, "admin.aospPolicy.list").await?;
    let q = list::query(ctx, &AOSP_POLICIES)?;
    let page = list::fetch::<Row>(&ctx.db()?, &LISTING, &q, &org.id, Where::org(&org.id)).await?;
    ok(&list::try_map(page, |r| to_model(r, &org))?)
}
