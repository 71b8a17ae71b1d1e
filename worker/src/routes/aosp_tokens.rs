//! AOSP enrollment tokens:
//! `GET|POST /v1/organizations/:organizationId/mdm/aosp/enterprise/enrollment-tokens`,
//! `GET|DELETE .../enrollment-tokens/:aosEnrollmentTokenId`
//! (`mdm.aosp.enrollmentToken.create|list|get|remove`).
//!
//! Expiry is a rule of reads (`TokenFacts::effective_status`): a PENDING token
//! past its expiry is shown EXPIRED, and the list's `status` filter and sort
//! compute the same (`routes::list`). Reads never write it back: the cron
//! sweep alone persists an expiry.
//! A DELETED token is not found (404), also for a second DELETE.

use worker::Response;

use mdm_core::lifecycle::sql::live_credentials;
use mdm_core::lifecycle::sql::AOSP_TOKENS;
use mdm_core::lifecycle::{Platform, TokenEvent, TokenFacts, TokenStatus};
use mdm_core::model::aosp::{AospEnrollmentToken, AospTokenConfig, AospTokenSummary};
use mdm_core::payload::{aosp_provisioning_extras, DpcBuild};
use mdm_core::requests::aosp::{AosPolicyAssignmentInput, AospTokenCreate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::{Db, Param};
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::aosp_expand::{Expansions, PolicyFields};
use crate::routes::columns::{from_json, new_id, row_from_json, token_status, ts};
use crate::routes::credentials::new_secret;
use crate::routes::dpc_builds;
use crate::routes::list::{self, Expand, Listing, Where};
use crate::routes::refs::{Refs, Table};
use crate::routes::tenancy::OrgRow;
use crate::sealed::{open_each, row_aad, Keys, Stored};
use crate::webhooks::{publish, Event};

/// Path parameter of the single-token routes.
pub const ID_PARAM: &str = "aosEnrollmentTokenId";

row! {
    #[derive(Debug, Clone)]
    pub struct Row {
        pub id: String,
        pub organization_id: String,
        pub aos_enterprise_id: String,
        pub segment_id: Option<i64>,
        pub mdm_user_id: Option<String>,
        pub status: String,
        pub management_mode: String,
        pub perpetual: i64,
        /// HMAC of the value (`crate::sealed`); the plaintext in rows not yet sealed.
        pub value_key: String,
        /// The value, sealed; NULL in rows from before migration 0009.
        pub sealed: Option<String>,
        pub expires_at: Option<i64>,
        pub aos_device_id: Option<String>,
        /// JSON `[{aosPolicyId, priority}]`.
        pub policy_assignments: String,
        pub display_name: Option<String>,
        /// JSON `[string]`.
        pub tags: String,
        pub dpc_build_tag: Option<String>,
        pub push_notification_provider: Option<String>,
        pub enrolled_count: i64,
        pub max_enrollments: Option<i64>,
        pub last_enrollment_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
        /// The row's expansions, on reads that select [`Context::columns`].
        x_user: Option<String>,
        x_policies: Option<String>,
        x_build: Option<String>;
        /// The value, opened for this answer (the create's, or a caller allowed to reveal).
        pub revealed: Option<String>,
    }
}

const TABLE: &str = "aosp_enrollment_tokens";

pub const COLUMNS: &str = "id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, status, \
    management_mode, perpetual, value_key, sealed, expires_at, aos_device_id, policy_assignments, display_name, tags, \
    dpc_build_tag, push_notification_provider, enrolled_count, max_enrollments, last_enrollment_at, \
    created_at, updated_at";

const LISTING: Listing = Listing {
    table: TABLE,
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("updatedAt", "updated_at"),
        ("expirationTimestamp", "expires_at"),
        ("displayName", "display_name"),
        ("status", "status"),
        ("mdmUserId", "mdm_user_id"),
    ],
    status_column: Some("status"),
    expiry: Some(AOSP_TOKENS),
    segment_column: Some("segment_id"),
    counted: true,
};

impl Row {
    fn into_model(self, context: &Context, now: i64) -> Result<AospEnrollmentToken, ApiError> {
        let status = self.facts()?.effective_status(now);
        let build = match &self.dpc_build_tag {
            Some(tag) => context.builds.iter().find(|b| &b.tag == tag),
            None => context.newest_build.as_ref(),
        };
        let dpc = build.map(|b| DpcBuild {
            component_name: &b.component_name,
            download_url: &b.download_url,
            signature_checksum: &b.signature_checksum,
        });
        // The value is a credential: show it (and the QR payload carrying it)
        // only while the token can still enroll a device, and only when it
        // was opened for this answer.
        let config = match (&self.revealed, status == TokenStatus::Pending) {
            (Some(value), true) => Some(AospTokenConfig {
                qr_code: aosp_provisioning_extras(dpc.as_ref(), value, &context.host),
                one_time_token: value.clone(),
                enrollment_host: context.host.clone(),
            }),
            _ => None,
        };
        let expiration = (self.perpetual == 0).then_some(self.expires_at).flatten().map(ts);
        Ok(AospEnrollmentToken {
            mdm_user: context.expansions.user(self.mdm_user_id.as_deref()),
            aos_policy_assignments: context.expansions.assignments(&self.assignments()?),
            tags: from_json(&self.tags)?,
            id: self.id,
            organization_id: self.organization_id,
            aos_enterprise_id: self.aos_enterprise_id,
            segment_id: self.segment_id,
            mdm_user_id: self.mdm_user_id,
            kind: "aosp".into(),
            sub_type: "enrollment".into(),
            status,
            state: status,
            summary: AospTokenSummary {
                management_mode: self.management_mode.clone(),
                expiration_timestamp: expiration,
            },
            management_mode: self.management_mode,
            perpetual: self.perpetual != 0,
            aos_device_id: self.aos_device_id,
            display_name: self.display_name,
            dpc_build_tag: self.dpc_build_tag,
            push_notification_provider: self.push_notification_provider,
            config,
            enrolled_devices: self.enrolled_count,
            last_enrollment_at: self.last_enrollment_at.map(ts),
            max_enrollments: self.max_enrollments,
            updated_at: ts(self.updated_at),
            created_at: ts(self.created_at),
        })
    }

    fn facts(&self) -> Result<TokenFacts, ApiError> {
        Ok(TokenFacts {
            platform: Platform::Aosp,
            status: token_status(&self.status)?,
            perpetual: self.perpetual != 0,
            expires_at: self.expires_at,
        })
    }

    fn assignments(&self) -> Result<Vec<AosPolicyAssignmentInput>, ApiError> {
        from_json(&self.policy_assignments)
    }

    fn stored(&self) -> Stored<'_> {
        Stored {
            table: TABLE,
            id: &self.id,
            key: &self.value_key,
            sealed: self.sealed.as_deref(),
        }
    }
}

/// Opens the values of the rows that can still enroll, for a caller allowed
/// to see them; nothing is opened for anyone else.
async fn reveal(ctx: &Ctx, scope: &Scope, rows: &mut [Row]) -> Result<(), ApiError> {
    if !scope.reveals() {
        return Ok(());
    }
    let now = ctx.now_ms;
    let live: Vec<bool> = rows
        .iter()
        .map(|row| {
            row.facts()
                .is_ok_and(|f| f.effective_status(now) == TokenStatus::Pending)
        })
        .collect();
    if !live.contains(&true) {
        return Ok(());
    }
    let keys = Keys::of(ctx)?;
    let opened = open_each(
        rows.iter()
            .zip(&live)
            .map(|(row, live)| live.then(|| row.stored().open(&keys))),
    )
    .await?;
    for (row, value) in rows.iter_mut().zip(opened) {
        row.revealed = value;
    }
    Ok(())
}

/// Everything a page of tokens needs besides the rows: users, policies, DPC builds.
struct Context {
    expansions: Expansions,
    builds: Vec<dpc_builds::Row>,
    newest_build: Option<dpc_builds::Row>,
    host: String,
}

impl Context {
    /// The columns that carry a token row's context in its own SELECT (the
    /// row read as `r`): a read of tokens is one statement.
    fn columns() -> String {
        Expansions::columns(PolicyFields::Summary, false) + &dpc_builds::token_build_column()
    }

    /// [`Context::columns`] for a page of tokens: the untagged rows' build,
    /// the organization's newest, is read once for the page
    /// (`dpc_builds::newest_build_column`), not in every row.
    fn page_columns() -> String {
        Expansions::columns(PolicyFields::Summary, false) + &dpc_builds::tagged_build_column()
    }

    /// The context out of the rows' own [`Context::columns`] (or
    /// [`Context::page_columns`], with the page's `newest` build).
    fn of_rows(ctx: &Ctx, rows: &[Row], newest: Option<&str>) -> Result<Self, ApiError> {
        let expansions = Expansions::from_columns(
            PolicyFields::Summary,
            rows.iter().map(|r| (r.x_user.as_deref(), r.x_policies.as_deref())),
        )?;
        let mut builds: Vec<dpc_builds::Row> = Vec::new();
        let mut newest_build = newest.map(row_from_json::<dpc_builds::Row>).transpose()?;
        for row in rows {
            let Some(build) = &row.x_build else { continue };
            let build: dpc_builds::Row = row_from_json(build)?;
            if row.dpc_build_tag.is_none() {
                newest_build = Some(build);
            } else if !builds.iter().any(|b| b.tag == build.tag) {
                builds.push(build);
            }
        }
        Ok(Context {
            expansions,
            builds,
            newest_build,
            host: ctx.enrollment_host()?,
        })
    }
}

/// A token and its context in one statement (`?1` its id, `?2` the
/// organization), DELETED included or not.
fn one_with_context(deleted: bool) -> String {
    let mut sql = format!(
        "SELECT {COLUMNS}{} FROM aosp_enrollment_tokens AS r WHERE id = ?1 AND organization_id = ?2",
        Context::columns()
    );
    if !deleted {
        sql.push_str(&format!(" AND {}", AOSP_TOKENS.not_deleted()));
    }
    sql
}

/// One token of the organization; DELETED and unknown are both 404.
async fn find(db: &Db, org: &OrgRow, id: &str) -> Result<Row, ApiError> {
    let row: Option<Row> = db
        .first(
            &format!(
                "SELECT {COLUMNS} FROM aosp_enrollment_tokens \
                 WHERE id = ?1 AND organization_id = ?2 AND {}",
                AOSP_TOKENS.not_deleted()
            ),
            params![id, &org.id],
        )
        .await?;
    row.ok_or(ApiError::NotFound)
}

/// The answer to a change of `written`: the token read back with its
/// context as a GET reads it (one statement), with the value `written`
/// holds opened, if any.
async fn respond_one(ctx: &Ctx, db: &Db, org: &OrgRow, written: Row) -> Result<AospEnrollmentToken, ApiError> {
    let mut row: Row = db
        .first(&one_with_context(true), params![&written.id, &org.id])
        .await?
        .ok_or_else(|| ApiError::internal("a token just written does not read back"))?;
    row.revealed = written.revealed;
    let context = Context::of_rows(ctx, std::slice::from_ref(&row), None)?;
    row.into_model(&context, ctx.now_ms)
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: AospTokenCreate = scope.body()?;
    let org = scope.org()?;
    let db = ctx.db()?;
    let mut refs = Refs::new();
    refs.add("mdmUserId", Table::MdmUsers, input.mdm_user_id.as_deref())
        .segment("segmentId", input.segment_id)
        .add("dpcBuildTag", Table::DpcBuildTags, input.dpc_build_tag.as_deref());
    for (i, a) in input.aos_policy_assignments.iter().enumerate() {
        refs.add(
            format!("aosPolicyAssignments[{i}].aosPolicyId"),
            Table::AospPolicies,
            Some(&a.aos_policy_id),
        );
    }
    refs.check(&db, &org.id).await?;

    // The answer shows links on the enrollment host: a misconfigured host
    // fails here, before anything is written, so a retry cannot duplicate.
    ctx.enrollment_host()?;
    let now = ctx.now_ms;
    let perpetual = input.perpetual;
    let keys = Keys::of(ctx)?;
    let (id, value) = (new_id(now)?, new_secret()?);
    let row = Row {
        id: id.clone(),
        organization_id: org.id.clone(),
        aos_enterprise_id: org.aos_enterprise_id.clone(),
        segment_id: input.segment_id,
        mdm_user_id: input.mdm_user_id.clone(),
        status: TokenStatus::Pending.as_str().into(),
        management_mode: input.management_mode().to_string(),
        perpetual: i64::from(perpetual),
        value_key: keys.lookup(&value),
        sealed: Some(keys.seal(&value, &row_aad(TABLE, &id)).await?),
        revealed: Some(value),
        // Perpetual tokens never expire (the duration is ignored).
        expires_at: (!perpetual).then(|| now + input.duration_secs() * 1000),
        aos_device_id: None,
        policy_assignments: serde_json::to_string(&input.aos_policy_assignments).map_err(ApiError::internal)?,
        display_name: input.display_name.clone(),
        tags: serde_json::to_string(&input.tags).map_err(ApiError::internal)?,
        dpc_build_tag: input.dpc_build_tag.clone(),
        push_notification_provider: input.push_notification_provider.clone(),
        enrolled_count: 0,
        max_enrollments: input.max_enrollments,
        last_enrollment_at: None,
        created_at: now,
        updated_at: now,
        x_user: None,
        x_policies: None,
        x_build: None,
    };
    // The plan's quota of live credentials (of every kind) is checked inside
    // the INSERT itself, so concurrent creates cannot overshoot it (no
    // count-then-insert race). Unlimited plans bind NULL and skip the count
    // (SQLite evaluates `OR` left to right).
    let limit = mdm_core::plans::quota(&org.plan).credentials.map(|l| l as i64);
    scope.target(Target::new("aospEnrollmentToken", &row.id));
    let inserted = db
        .run(
            &format!(
                "INSERT INTO aosp_enrollment_tokens (id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, \
         status, management_mode, perpetual, value_key, sealed, expires_at, policy_assignments, display_name, \
         tags, dpc_build_tag, push_notification_provider, max_enrollments, created_at, updated_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?19, ?10, ?11, ?12, ?13, ?14, ?15, ?18, ?16, ?16 \
         WHERE ?17 IS NULL OR {} < ?17",
                live_credentials("?2", "?16")
            ),
            params![
                &row.id,
                &row.organization_id,
                &row.aos_enterprise_id,
                row.segment_id,
                row.mdm_user_id.as_deref(),
                &row.status,
                &row.management_mode,
                row.perpetual,
                &row.value_key,
                row.expires_at,
                &row.policy_assignments,
                row.display_name.as_deref(),
                &row.tags,
                row.dpc_build_tag.as_deref(),
                row.push_notification_provider.as_deref(),
                now,
                limit,
                row.max_enrollments,
                row.sealed.as_deref()
            ],
        )
        .await?
        .changed();
    if !inserted {
        return Err(ApiError::LimitExceeded);
    }
    created(&respond_one(ctx, &db, org, row).await?)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let db = ctx.db()?;
    let newest_build = dpc_builds::newest_build_column();
    let expand = Expand {
        columns: &Context::page_columns(),
        guard: None,
        totals: Some((&newest_build, vec![Param::from(org.id.as_str())])),
    };
    let (mut page, totals) =
        list::fetch_expanded(&db, &LISTING, q, &org.id, Where::org(&org.id), Some(ctx.now_ms), expand)
            .await?
            .page_and_totals::<Row>()?;
    let newest = totals.text(dpc_builds::NEWEST_BUILD)?;
    reveal(ctx, &scope, &mut page.items).await?;
    let context = Context::of_rows(ctx, &page.items, newest.as_deref())?;
    ok(&list::try_map(page, |row| row.into_model(&context, ctx.now_ms))?)
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    // Expired on read is shown (`into_model`), never written: reads never
    // write, and the cron sweep is where an expiry is persisted. The token
    // and its context are one statement.
    let mut row: Row = db
        .first(&one_with_context(false), params![&id, &org.id])
        .await?
        .ok_or(ApiError::NotFound)?;
    reveal(ctx, &scope, std::slice::from_mut(&mut row)).await?;
    let context = Context::of_rows(ctx, std::slice::from_ref(&row), None)?;
    ok(&row.into_model(&context, ctx.now_ms)?)
}

pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    let mut row = find(&db, org, &id).await?;
    // The state machine allows DELETE from anything but DELETED (which `find` hides).
    let next = row
        .facts()?
        .transition(TokenEvent::Delete, ctx.now_ms)
        .map_err(|_| ApiError::InvalidStateTransition)?;
    scope.target(Target::new("aospEnrollmentToken", &row.id));
    let changed = db
        .run(
            &format!(
                "UPDATE aosp_enrollment_tokens SET status = ?3, updated_at = ?4 \
                 WHERE id = ?1 AND organization_id = ?2 AND {}",
                AOSP_TOKENS.not_deleted()
            ),
            params![&row.id, &org.id, next.as_str(), ctx.now_ms],
        )
        .await?
        .changed();
    if !changed {
        // A concurrent DELETE won.
        return Err(ApiError::NotFound);
    }
    row.status = next.as_str().into();
    row.updated_at = ctx.now_ms;
    let event = Event::token(mdm_core::webhooks::TOKEN_DELETED, &org.id, "aosp", &row.id);
    publish(&ctx.env, &db, ctx.now_ms, vec![event]).await;
    ok(&respond_one(ctx, &db, org, row).await?)
}
