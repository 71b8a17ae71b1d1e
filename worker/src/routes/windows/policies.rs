//! Windows policies (a supporting resource): `POST|GET
//! /v1/organizations/:organizationId/mdm/windows/enterprise/policies` and
//! `GET|PUT|DELETE .../policies/:winPolicyId`, and the expansion of a token's
//! policy assignments (`winPolicy`). Every change bumps `version`; a policy
//! that tokens or PCs still have assigned is not deleted (409 / 5012).
//!
//! The `config` column holds the whole editable document
//! (`{config, applications, scripts, admxConfigs, agentConfiguration, assets}`);
//! the `*Info` arrays describe catalog entries this service does
//! not keep, so they are always empty.

use serde_json::{json, Map, Value};
use worker::Response;

use mdm_core::model::windows::WinPolicy;
use mdm_core::requests::windows::{WinPolicyCreate, WinPolicyUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::{Db, Param};
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::columns;
use crate::routes::edit::{self, Editable};
use crate::routes::list::{self, Listing, Where};
use crate::routes::tenancy::OrgRow;

row! {
    /// A `win_policies` row (the organization's `win_enterprise_id` comes from its row).
    #[derive(Debug)]
    pub struct Row {
        id: String,
        organization_id: String,
        name: String,
        version: i64,
        config: String,
        created_at: i64,
        updated_at: i64,
    }
}

const COLUMNS: &str = "id, organization_id, name, version, config, created_at, updated_at";

const TABLE: &str = "win_policies";

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
    fn into_model(self, win_enterprise_id: &str) -> WinPolicy {
        // Read as a `Value` (no typed serde reader in the wasm, BENCHMARKS.md 0m).
        let doc = match serde_json::from_str(&self.config) {
            Ok(Value::Object(doc)) => doc,
            _ => Map::new(),
        };
        let list = |key: &str| match doc.get(key) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        WinPolicy {
            config: doc.get("config").cloned().unwrap_or_else(|| json!({})),
            applications: list("applications"),
            applications_info: Vec::new(),
            scripts: list("scripts"),
            scripts_info: Vec::new(),
            admx_configs: list("admxConfigs"),
            admx_configs_info: Vec::new(),
            // Stored as null when the body had none; the resource omits it then.
            agent_configuration: doc.get("agentConfiguration").filter(|v| v.is_object()).cloned(),
            assets: list("assets"),
            assets_info: Vec::new(),
            version: self.version,
            updated_at: columns::ts(self.updated_at),
            created_at: columns::ts(self.created_at),
            id: self.id,
            organization_id: self.organization_id,
            win_enterprise_id: win_enterprise_id.to_string(),
            name: self.name,
        }
    }
}

/// `POST .../policies` → 201 with the policy.
pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let body: WinPolicyCreate = scope.body()?;
    let org = scope.org()?;
    let id = columns::new_id(ctx.now_ms)?;
    let doc = json!({
        "config": body.config.unwrap_or_else(|| json!({})),
        "applications": body.applications,
        "scripts": body.scripts,
        "admxConfigs": body.admx_configs,
        "agentConfiguration": body.agent_configuration,
        "assets": body.assets,
    });
    let db = ctx.db()?;
    scope.target(Target::new("winPolicy", &id));
    db.run(
        "INSERT INTO win_policies (id, organization_id, name, version, config, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![&id, &org.id, &body.name, body.version.unwrap_or(1), &doc, ctx.now_ms],
    )
    .await?;
    let mut found = fetch(&db, org, &[id]).await?;
    let policy = found
        .pop()
        .ok_or_else(|| ApiError::internal("inserted policy not found"))?;
    created(&policy)
}

/// `GET .../policies` → a page of policies.
pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let page = list::fetch(&ctx.db()?, &LISTING, q, &org.id, Where::org(&org.id))
        .await?
        .page::<Row>()?;
    ok(&page.map(|row| row.into_model(&org.win_enterprise_id)))
}

/// The organization's policies with these ids (any order; unknown ids are skipped).
pub async fn fetch(db: &Db, org: &OrgRow, ids: &[String]) -> Result<Vec<WinPolicy>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids_json = Value::from(ids.to_vec());
    let rows: Vec<Row> = db
        .all(
            &format!(
                "SELECT {COLUMNS} FROM win_policies WHERE organization_id = ?1 \
                 AND id IN (SELECT value FROM json_each(?2))"
            ),
            params![&org.id, &ids_json],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| row.into_model(&org.win_enterprise_id))
        .collect())
}

/// One row's SELECT (a token or a device, at most one row) and its values.
pub struct RowSql {
    pub sql: String,
    pub params: Vec<Param>,
}

/// One row (`rows`, a token or a device) and the policies it assigns
/// (`policy_assignments`' `winPolicyId`s), in one statement: the row's
/// SELECT becomes a subquery `r`, and its policies a JSON column computed
/// for it, in its own organization (`+` keeps SQLite on the policies'
/// primary key rather than scanning the organization's). `None` without the row.
pub async fn row_with_policies<T: crate::db::FromRow>(
    db: &Db,
    org: &OrgRow,
    rows: &RowSql,
) -> Result<Option<(T, Vec<WinPolicy>)>, ApiError> {
    let sql = format!(
        "SELECT r.*, (SELECT json_group_array({}) FROM win_policies AS p \
         WHERE +p.organization_id = r.organization_id AND p.id IN \
         (SELECT json_extract(a.value, '$.winPolicyId') FROM json_each(r.policy_assignments) AS a)) AS x_policies \
         FROM ({}) AS r",
        columns::json_object_sql("p", COLUMNS),
        rows.sql
    );
    let Some(found) = db.first_row(&sql, &rows.params, None).await? else {
        return Ok(None);
    };
    row! {
        struct Expanded {
            x_policies: String,
        }
    }
    let expanded: Expanded = found.decode()?;
    let policies = columns::rows_from_json::<Row>(&expanded.x_policies)?
        .into_iter()
        .map(|p| p.into_model(&org.win_enterprise_id))
        .collect();
    Ok(Some((found.decode::<T>()?, policies)))
}

const EDIT: Editable = Editable {
    kind: "winPolicy",
    table: TABLE,
    columns: COLUMNS,
    id_param: "winPolicyId",
};

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let row: Row = EDIT.find(ctx, &scope).await?;
    ok(&row.into_model(&scope.org()?.win_enterprise_id))
}

/// Absent fields stay as they are, a sent part of the policy replaces the
/// stored one (`agentConfiguration: null` removes it); `version` goes up by
/// one when anything changed (up to 2^53 - 1).
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: WinPolicyUpdate = scope.body()?;
    let list = |items: Option<Vec<Value>>| items.map(Value::Array);
    let (applications, scripts, admx_configs, assets) = (
        list(input.applications),
        list(input.scripts),
        list(input.admx_configs),
        list(input.assets),
    );
    let agent = input.agent_configuration.map(|a| a.unwrap_or(Value::Null));
    let mut update = EDIT.changes().versioned();
    update
        .set("name", input.name.as_deref())
        .set_json_part("config", "config", input.config.as_ref())
        .set_json_part("config", "applications", applications.as_ref())
        .set_json_part("config", "scripts", scripts.as_ref())
        .set_json_part("config", "admxConfigs", admx_configs.as_ref())
        .set_json_part("config", "agentConfiguration", agent.as_ref())
        .set_json_part("config", "assets", assets.as_ref());
    let row: Option<Row> = EDIT.update(ctx, &scope, update).await?;
    ok(&row
        .ok_or(ApiError::NotFound)?
        .into_model(&scope.org()?.win_enterprise_id))
}

/// 200 with the deleted policy; 409 / 5012 while tokens or PCs have it assigned.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let refers = || edit::assigned("policy_assignments", "winPolicyId", Some("win_policy_id"));
    let referrers = [
        edit::win_tokens(refers(), &["win_policy_id"]),
        edit::win_devices(refers(), &["win_policy_id"]),
    ];
    let row: Row = EDIT.delete(ctx, &scope, &referrers).await?;
    ok(&row.into_model(&scope.org()?.win_enterprise_id))
}
