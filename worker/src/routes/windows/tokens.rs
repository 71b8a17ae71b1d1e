//! Windows enrollment tokens: create, list, get, update, delete under
//! `/v1/organizations/:organizationId/mdm/windows/enterprise/enrollment-tokens`.
//!
//! Lifecycle `PENDING -> DONE | EXPIRED | DELETED`. Expiry is seen on every
//! read: a single token renders its effective state, and a list first expires
//! the organization's overdue rows (the cron sweep's statement, scoped) so the
//! `status` filter and the counts agree with what the items show.
//! `enrollCode` and `enrollmentLink` are only shown while the token can enroll.

use serde_json::Value;
use worker::Response;

use mdm_core::lifecycle::sql::{live_credentials, WIN_TOKENS};
use mdm_core::lifecycle::{Platform, TokenEvent, TokenFacts, TokenStatus};
use mdm_core::model::windows::{WinEnrollmentToken, WinPolicy, WinPolicyAssignment, WinTokenSummary};
use mdm_core::model::MdmUserRef;
use mdm_core::requests::windows::{WinPolicyAssignmentInput, WinTokenCreate, WinTokenUpdate};

use super::policies;
use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::{Db, Param};
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;
use crate::routes::columns;
use crate::routes::list::{self, Listing, Where};
use crate::routes::refs::{Refs, Table};
use crate::routes::tenancy::OrgRow;
use crate::sealed::{open_each, row_aad, Keys};
use crate::webhooks::{publish, Event};

/// The path parameter of a single token.
pub const ID_PARAM: &str = "winEnrollmentTokenId";

/// Username in the deep link when the token has no MDM user: Windows only
/// prefills the field, the person can still type their own.
pub const DEFAULT_LINK_USERNAME: &str = "enroll@mdm-edge.local";

/// The resource's `type` / `subType` (values of our choosing).
const KIND: &str = "windows";
const SUB_KIND: &str = "mdm";

row! {
    #[derive(Debug)]
    struct Row {
        id: String,
        organization_id: String,
        win_enterprise_id: String,
        mdm_user_id: Option<String>,
        mdm_user_email: Option<String>,
        win_device_id: Option<String>,
        state: String,
        /// HMAC of the code (`crate::sealed`); the plaintext in rows not yet sealed.
        enroll_code_key: String,
        /// Set only in rows not yet sealed.
        enrollment_link: Option<String>,
        /// `{"enrollCode", "enrollmentLink"}`, sealed.
        sealed: Option<String>,
        expires_at: i64,
        win_policy_id: Option<String>,
        policy_assignments: String,
        display_name: Option<String>,
        tags: String,
        config: String,
        send_email: i64,
        email_text: Option<String>,
        enrolled_devices: i64,
        last_enrollment_at: Option<i64>,
        created_at: i64,
        updated_at: i64;
        /// The code and link, opened for this answer.
        revealed: Option<Credential>,
    }
}

const TABLE: &str = "win_enrollment_tokens";
const COLUMNS: &str = "id, organization_id, win_enterprise_id, mdm_user_id, \
    (SELECT u.email FROM mdm_users u WHERE u.id = win_enrollment_tokens.mdm_user_id \
       AND u.organization_id = win_enrollment_tokens.organization_id) AS mdm_user_email, \
    win_device_id, state, enroll_code_key, enrollment_link, sealed, expires_at, win_policy_id, \
    policy_assignments, display_name, tags, config, send_email, email_text, \
    (SELECT COUNT(*) FROM win_devices d WHERE d.enrollment_token_id = win_enrollment_tokens.id \
       AND d.organization_id = win_enrollment_tokens.organization_id) AS enrolled_devices, \
    (SELECT MAX(d.enrolled_date) FROM win_devices d WHERE d.enrollment_token_id = win_enrollment_tokens.id \
       AND d.organization_id = win_enrollment_tokens.organization_id) AS last_enrollment_at, \
    created_at, updated_at";

const LISTING: Listing = Listing {
    table: TABLE,
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("updatedAt", "updated_at"),
        ("expireAt", "expires_at"),
        ("displayName", "display_name"),
        ("state", "state"),
        ("mdmUserId", "mdm_user_id"),
        ("winPolicyId", "win_policy_id"),
    ],
    status_column: Some("state"),
    expiry: Some(WIN_TOKENS),
    segment_column: Some("segment_id"),
    counted: true,
};

mdm_core::request! {
    /// What a Windows token's `sealed` column holds (read back with its
    /// `FromJson`: no typed serde reader in the wasm, BENCHMARKS.md 0m).
    #[derive(Debug, serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Credential {
        pub enroll_code: String,
        pub enrollment_link: Option<String>,
    }
}

/// Opens the code and link of the rows that can still enroll, for a caller
/// allowed to see them; nothing is opened for anyone else.
async fn reveal(ctx: &Ctx, scope: &Scope, rows: &mut [Row]) -> Result<(), ApiError> {
    if !scope.reveals() {
        return Ok(());
    }
    let keys = Keys::of(ctx)?;
    let now = ctx.now_ms;
    let opened = open_each(rows.iter().map(|row| {
        let live = row
            .facts()
            .is_ok_and(|f| f.effective_status(now) == TokenStatus::Pending);
        live.then(|| row.open(&keys))
    }))
    .await?;
    for (row, credential) in rows.iter_mut().zip(opened) {
        row.revealed = credential;
    }
    Ok(())
}

impl Row {
    /// The code and link: sealed, or (rows from before migration 0009) as stored.
    async fn open(&self, keys: &Keys) -> Result<Credential, ApiError> {
        let Some(sealed) = &self.sealed else {
            return Ok(Credential {
                enroll_code: self.enroll_code_key.clone(),
                enrollment_link: self.enrollment_link.clone(),
            });
        };
        let text = keys.open(sealed, &row_aad(TABLE, &self.id)).await?;
        columns::from_json(&text)
    }

    fn facts(&self) -> Result<TokenFacts, ApiError> {
        Ok(TokenFacts {
            platform: Platform::Windows,
            status: columns::token_status(&self.state)?,
            perpetual: false,
            expires_at: Some(self.expires_at),
        })
    }

    fn assignments(&self) -> Result<Vec<WinPolicyAssignmentInput>, ApiError> {
        columns::from_json(&self.policy_assignments)
    }

    /// The resource; `expanded` are the policies to embed in the assignments.
    fn into_model(self, now: i64, expanded: &[WinPolicy]) -> Result<WinEnrollmentToken, ApiError> {
        let state = self.facts()?.effective_status(now);
        let live = state == TokenStatus::Pending;
        let assignments = self
            .assignments()?
            .into_iter()
            .map(|a| WinPolicyAssignment {
                win_policy: a
                    .win_policy_id
                    .as_ref()
                    .and_then(|id| expanded.iter().find(|p| &p.id == id).cloned()),
                win_policy_id: a.win_policy_id,
                priority: a.priority,
            })
            .collect();
        let mdm_user = match (self.mdm_user_id, self.mdm_user_email) {
            (Some(id), Some(email)) => Some(MdmUserRef { id, email }),
            _ => None,
        };
        Ok(WinEnrollmentToken {
            id: self.id,
            organization_id: self.organization_id,
            win_enterprise_id: self.win_enterprise_id,
            win_device_id: self.win_device_id,
            mdm_user,
            display_name: self.display_name,
            tags: columns::from_json(&self.tags)?,
            state,
            config: columns::from_json(&self.config)?,
            kind: KIND.into(),
            sub_type: SUB_KIND.into(),
            updated_at: columns::ts(self.updated_at),
            created_at: columns::ts(self.created_at),
            expire_at: columns::ts(self.expires_at),
            enrollment_link: self
                .revealed
                .as_ref()
                .filter(|_| live)
                .and_then(|c| c.enrollment_link.clone()),
            enroll_code: self.revealed.filter(|_| live).map(|c| c.enroll_code),
            win_policy_id: self.win_policy_id,
            win_policy_assignments: assignments,
            summary: WinTokenSummary {
                expiration_timestamp: columns::ts(self.expires_at),
            },
            send_email: self.send_email != 0,
            email_text: self.email_text,
            enrolled_devices: self.enrolled_devices,
            last_enrollment_at: self.last_enrollment_at.map(columns::ts),
        })
    }
}

/// The server name in the deep link: the discovery endpoint on the enrollment host.
fn server_name(ctx: &Ctx) -> Result<String, ApiError> {
    Ok(format!("{}/EnrollmentServer/Discovery.svc", ctx.enrollment_host()?))
}

/// Every Windows policy, MDM user and segment a body names must be in the organization.
fn policy_refs(refs: &mut Refs, direct: Option<&str>, assignments: &[WinPolicyAssignmentInput]) {
    refs.add("winPolicyId", Table::WinPolicies, direct);
    for (i, a) in assignments.iter().enumerate() {
        refs.add(
            format!("winPolicyAssignments[{i}].winPolicyId"),
            Table::WinPolicies,
            a.win_policy_id.as_deref(),
        );
    }
}

/// The live (not DELETED) token `id` of the organization, or 404.
async fn find(db: &Db, org_id: &str, id: &str) -> Result<Row, ApiError> {
    db.first(
        &format!(
            "SELECT {COLUMNS} FROM {TABLE} WHERE id = ?1 AND organization_id = ?2 AND {}",
            WIN_TOKENS.not_deleted()
        ),
        params![id, org_id],
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// The token `id` of the organization as [`policies::RowSql`] (DELETED is not found).
fn one(id: &str, org_id: &str) -> policies::RowSql {
    policies::RowSql {
        sql: format!(
            "SELECT {COLUMNS} FROM {TABLE} WHERE id = ? AND organization_id = ? AND {}",
            WIN_TOKENS.not_deleted()
        ),
        params: params![id, org_id].to_vec(),
    }
}

/// Render one token with its assigned policies expanded.
async fn respond_one(db: &Db, org: &OrgRow, row: Row, now: i64) -> Result<WinEnrollmentToken, ApiError> {
    let ids: Vec<String> = row.assignments()?.into_iter().filter_map(|a| a.win_policy_id).collect();
    let expanded = policies::fetch(db, org, &ids).await?;
    row.into_model(now, &expanded)
}

pub async fn create(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let body: WinTokenCreate = scope.body()?;
    let org = scope.org()?;
    let assignments = &body.win_policy_assignments;
    let (policy_id, user_id) = (&body.win_policy_id, &body.mdm_user_id);
    let db = ctx.db()?;
    let mut refs = Refs::new();
    policy_refs(&mut refs, policy_id.as_deref(), assignments);
    refs.add("mdmUserId", Table::MdmUsers, user_id.as_deref());
    refs.segment("segmentId", body.segment_id);
    refs.check(&db, &org.id).await?;

    let email: Option<String> = match &user_id {
        Some(uid) => {
            db.value(
                "SELECT email FROM mdm_users WHERE id = ?1 AND organization_id = ?2",
                params![uid, &org.id],
                "email",
            )
            .await?
        }
        None => None,
    };
    let id = columns::new_id(ctx.now_ms)?;
    let code = mdm_core::ids::new_enroll_code().map_err(ApiError::internal)?;
    let link = mdm_core::payload::windows_enrollment_link(
        email.as_deref().unwrap_or(DEFAULT_LINK_USERNAME),
        &server_name(ctx)?,
        &code,
    );
    let expires_at = ctx.now_ms + body.duration_secs() * 1000;
    scope.target(Target::new("winEnrollmentToken", &id));
    let keys = Keys::of(ctx)?;
    let credential = Credential {
        enroll_code: code,
        enrollment_link: Some(link),
    };
    let sealed = keys
        .seal(
            &serde_json::to_string(&credential).map_err(ApiError::internal)?,
            &row_aad(TABLE, &id),
        )
        .await?;
    // The plan's quota of live credentials, inside the INSERT (see aosp_tokens::create).
    let limit = mdm_core::plans::quota(&org.plan).credentials.map(|l| l as i64);
    let inserted = db
        .run(
            &format!(
                "INSERT INTO win_enrollment_tokens (id, organization_id, win_enterprise_id, segment_id, \
           mdm_user_id, enroll_code_key, sealed, expires_at, win_policy_id, policy_assignments, \
           display_name, tags, send_email, email_text, created_at, updated_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15 \
         WHERE ?16 IS NULL OR {} < ?16",
                live_credentials("?2", "?15")
            ),
            params![
                &id,
                &org.id,
                &org.win_enterprise_id,
                body.segment_id,
                user_id.as_deref(),
                keys.lookup(&credential.enroll_code),
                &sealed,
                expires_at,
                policy_id.as_deref(),
                &serde_json::to_value(assignments).map_err(ApiError::internal)?,
                body.display_name,
                &Value::from(body.tags),
                body.send_email,
                body.email_text,
                ctx.now_ms,
                limit,
            ],
        )
        .await?
        .changed();
    if !inserted {
        return Err(ApiError::LimitExceeded);
    }
    let mut row = find(&db, &org.id, &id).await?;
    // The create's answer always shows the credential.
    row.revealed = Some(credential);
    created(&respond_one(&db, org, row, ctx.now_ms).await?)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let db = ctx.db()?;
    // The status filter and sort see the state each token shows now
    // (expired on read), without writing it back.
    let mut page = list::fetch_at(&db, &LISTING, q, &org.id, Where::org(&org.id), ctx.now_ms)
        .await?
        .page::<Row>()?;
    reveal(ctx, &scope, &mut page.items).await?;
    let now = ctx.now_ms;
    // Lists show assignments by id; the expanded policies come with a single token.
    ok(&list::try_map(page, |row| row.into_model(now, &[]))?)
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    let (mut row, policies) = policies::row_with_policies::<Row>(&db, org, &one(&id, &org.id))
        .await?
        .ok_or(ApiError::NotFound)?;
    reveal(ctx, &scope, std::slice::from_mut(&mut row)).await?;
    ok(&row.into_model(ctx.now_ms, &policies)?)
}

pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let body: WinTokenUpdate = scope.body()?;
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let assignments = body.win_policy_assignments;
    let policy_id = body.win_policy_id;
    let db = ctx.db()?;
    let mut refs = Refs::new();
    policy_refs(&mut refs, policy_id.as_deref(), assignments.as_deref().unwrap_or(&[]));
    refs.check(&db, &org.id).await?;

    // Absent fields stay as they are; the column names are static.
    let mut sets: Vec<(&str, Param)> = vec![("updated_at", Param::Int(ctx.now_ms))];
    if let Some(name) = body.display_name {
        sets.push(("display_name", name.into()));
    }
    if let Some(pid) = policy_id {
        sets.push(("win_policy_id", pid.into()));
    }
    if let Some(items) = &assignments {
        let json = serde_json::to_value(items).map_err(ApiError::internal)?;
        sets.push(("policy_assignments", (&json).into()));
    }
    if let Some(tags) = body.tags {
        sets.push(("tags", (&Value::from(tags)).into()));
    }
    let set_sql: Vec<String> = sets.iter().map(|(col, _)| format!("{col} = ?")).collect();
    let mut values: Vec<Param> = sets.into_iter().map(|(_, v)| v).collect();
    values.push(id.as_str().into());
    values.push(org.id.as_str().into());
    scope.target(Target::new("winEnrollmentToken", &id));
    let changed = db
        .run(
            &format!(
                "UPDATE {TABLE} SET {} WHERE id = ? AND organization_id = ? AND {}",
                set_sql.join(", "),
                WIN_TOKENS.not_deleted()
            ),
            &values,
        )
        .await?
        .changed();
    if !changed {
        return Err(ApiError::NotFound);
    }
    let (mut row, policies) = policies::row_with_policies::<Row>(&db, org, &one(&id, &org.id))
        .await?
        .ok_or(ApiError::NotFound)?;
    reveal(ctx, &scope, std::slice::from_mut(&mut row)).await?;
    ok(&row.into_model(ctx.now_ms, &policies)?)
}

/// Any state but DELETED → DELETED; a DELETED or unknown token is a 404.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    let mut row = find(&db, &org.id, &id).await?;
    // The state machine allows DELETE from anything but DELETED (which `find` hides).
    let next = row
        .facts()?
        .transition(TokenEvent::Delete, ctx.now_ms)
        .map_err(|_| ApiError::InvalidStateTransition)?;
    scope.target(Target::new("winEnrollmentToken", &id));
    let changed = db
        .run(
            &format!(
                "UPDATE {TABLE} SET state = ?1, updated_at = ?2 WHERE id = ?3 AND organization_id = ?4 AND {}",
                WIN_TOKENS.not_deleted()
            ),
            params![next.as_str(), ctx.now_ms, &id, &org.id],
        )
        .await?
        .changed();
    if !changed {
        // A concurrent DELETE won.
        return Err(ApiError::NotFound);
    }
    row.state = next.as_str().into();
    row.updated_at = ctx.now_ms;
    let event = Event::token(mdm_core::webhooks::TOKEN_DELETED, &org.id, "windows", &id);
    publish(&ctx.env, &db, ctx.now_ms, vec![event]).await;
    ok(&respond_one(&db, org, row, ctx.now_ms).await?)
}
