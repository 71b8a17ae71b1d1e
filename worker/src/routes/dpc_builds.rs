//! `POST|GET /v1/organizations/:organizationId/mdm/aosp/enterprise/dpc-builds`
//! and `GET|PUT|DELETE .../dpc-builds/:dpcBuildId` (`admin.dpcBuild.*`). A tag
//! is unique within an organization (5209 `unique`); tokens pick a build by
//! `dpcBuildTag`, else the newest build. A build whose tag AOSP tokens name
//! is not deleted (409 / 5012).

use worker::Response;

use mdm_core::model::admin::DpcBuild;
use mdm_core::requests::admin::{DpcBuildCreate, DpcBuildUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::edit::{self, Editable};
use crate::routes::list::{self, Listing};

use crate::routes::columns::{json_object_sql, new_id, ts, unique_as};

row! {
    pub struct Row {
        pub id: String,
        pub organization_id: String,
        pub tag: String,
        pub download_url: String,
        pub signature_checksum: String,
        pub component_name: String,
        pub version_code: Option<i64>,
        pub created_at: i64,
    }
}

const COLUMNS: &str =
    "id, organization_id, tag, download_url, signature_checksum, component_name, version_code, created_at";

const TABLE: &str = "dpc_builds";

const LISTING: Listing = Listing {
    table: TABLE,
    columns: COLUMNS,
    fields: &[("createdAt", "created_at"), ("tag", "tag")],
    status_column: None,
    expiry: None,
    segment_column: None,
    counted: false,
};

impl Row {
    fn into_model(self) -> DpcBuild {
        DpcBuild {
            id: self.id,
            organization_id: self.organization_id,
            tag: self.tag,
            download_url: self.download_url,
            signature_checksum: self.signature_checksum,
            component_name: self.component_name,
            version_code: self.version_code,
            created_at: ts(self.created_at),
        }
    }
}

/// The build a token row (read as `r`) uses, as a column of its own SELECT:
/// `x_build`, the build its `dpc_build_tag` names, or without a tag the
/// organization's newest (JSON, or NULL when there is none). The token's own
/// organization only; each branch is one lookup in an index.
pub fn token_build_column() -> String {
    format!(
        ", CASE WHEN r.dpc_build_tag IS NULL THEN {} ELSE {} END AS x_build",
        newest_build("r.organization_id"),
        tagged_build()
    )
}

/// [`token_build_column`] for a page of tokens: `x_build` only for a tagged
/// row. The untagged rows' build, the organization's newest, is read once
/// for the page by [`newest_build_column`] instead of once per row (the same
/// JSON ten times was a seventh of a list's work).
pub fn tagged_build_column() -> String {
    format!(
        ", CASE WHEN r.dpc_build_tag IS NULL THEN NULL ELSE {} END AS x_build",
        tagged_build()
    )
}

/// The column [`newest_build_column`] names.
pub const NEWEST_BUILD: &str = "x_newest_build";

/// The newest build of organization `?` as a column [`NEWEST_BUILD`] of a
/// statement's one row (JSON, or NULL when there is none).
pub fn newest_build_column() -> String {
    format!(", {} AS {NEWEST_BUILD}", newest_build("?"))
}

fn newest_build(org: &str) -> String {
    format!(
        "(SELECT {} FROM dpc_builds AS b WHERE b.organization_id = {org} ORDER BY b.created_at DESC, b.id DESC LIMIT 1)",
        json_object_sql("b", COLUMNS)
    )
}

fn tagged_build() -> String {
    format!(
        "(SELECT {} FROM dpc_builds AS b WHERE b.organization_id = r.organization_id AND b.tag = r.dpc_build_tag)",
        json_object_sql("b", COLUMNS)
    )
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: DpcBuildCreate = scope.body()?;
    let org = scope.org()?;
    let row = Row {
        id: new_id(ctx.now_ms)?,
        organization_id: org.id.clone(),
        tag: input.tag,
        download_url: input.download_url,
        signature_checksum: input.signature_checksum,
        component_name: input.component_name,
        version_code: input.version_code,
        created_at: ctx.now_ms,
    };
    scope.target(Target::new("dpcBuild", &row.id));
    ctx.db()?
        .run(
            "INSERT INTO dpc_builds (id, organization_id, tag, download_url, signature_checksum, \
             component_name, version_code, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                &row.id,
                &row.organization_id,
                &row.tag,
                &row.download_url,
                &row.signature_checksum,
                &row.component_name,
                row.version_code,
                row.created_at
            ],
        )
        .await
        .map_err(|e| unique_as(e, "tag", "is already used in this organization"))?;
    created(&row.into_model())
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&list::org_page(ctx, &scope, &LISTING)
        .await?
        .page::<Row>()?
        .map(Row::into_model))
}

const EDIT: Editable = Editable {
    kind: "dpcBuild",
    table: TABLE,
    columns: COLUMNS,
    id_param: "dpcBuildId",
};

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    ok(&EDIT.find::<Row>(ctx, &scope).await?.into_model())
}

/// Absent fields stay as they are; `versionCode: null` clears it.
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: DpcBuildUpdate = scope.body()?;
    let mut update = EDIT.changes();
    update
        .set("tag", input.tag.as_deref())
        .set("download_url", input.download_url.as_deref())
        .set("signature_checksum", input.signature_checksum.as_deref())
        .set("component_name", input.component_name.as_deref())
        .set("version_code", input.version_code);
    let row: Option<Row> = EDIT
        .update(ctx, &scope, update)
        .await
        .map_err(|e| unique_as(e, "tag", "is already used in this organization"))?;
    ok(&row.ok_or(ApiError::NotFound)?.into_model())
}

/// 200 with the deleted build; 409 / 5012 while AOSP tokens name its tag.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let referrers = [edit::aosp_tokens(
        "dpc_build_tag = (SELECT tag FROM dpc_builds WHERE id = ?1 AND organization_id = ?2)".into(),
        &[],
    )];
    ok(&EDIT.delete::<Row>(ctx, &scope, &referrers).await?.into_model())
}
