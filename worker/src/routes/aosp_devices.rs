//! AOSP devices: `GET /v1/organizations/:organizationId/mdm/aosp/enterprise/devices`,
//! `GET|PUT|DELETE .../devices/:aosDeviceId`, `POST .../devices/:aosDeviceId/disable|enable|disenroll`
//! (`mdm.aosp.device.list|get|update|remove`).
//!
//! The actions and DELETE are moves of `mdm_core::lifecycle::DeviceState`:
//! one conditional UPDATE whose WHERE admits only the states the move is
//! allowed from, which appends the new state to `stateHistory`. When it
//! changes nothing, a read tells 404 (no such device here) from 409 / 5010
//! (the lifecycle forbids the move). DELETE also blanks the stored secret
//! hash, so the device's next status report is a 401 at once. The device
//! learns of the other moves in the answer to its next status report
//! (`command`, see `aosp_enroll`).
//!
//! Devices come into being through `POST /v1/enroll/aosp` (see `aosp_enroll`).
//! The detail view (GET one, PUT) adds `deviceAosPolicy`, the effective policy
//! composed by `mdm_core::policy::compose`: assignments from the lowest
//! priority to the highest, each deep-merged over the previous (higher
//! priority wins; objects merge key by key, anything else is replaced; among
//! equal priorities the first listed wins), then the directly assigned policy
//! (`policyId`) on top. Its id, name and version are those of the policy that
//! ranks highest (the direct one if any); its `config` is the composition.

use serde_json::Value;
use worker::Response;

use mdm_core::lifecycle::sql::{device_move, AOSP_TOKENS};
use mdm_core::lifecycle::{DeviceEvent, DeviceState};
use mdm_core::model::aosp::{AospDevice, DeviceAosPolicy, StateChange};
use mdm_core::policy::{compose, winner, Layer};
use mdm_core::requests::aosp::{AosPolicyAssignmentInput, AospDeviceUpdate};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::{Db, Param};
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};
use crate::params;
use crate::routes::aosp_expand::{Expansions, PolicyFields};
use crate::routes::columns::{device_state, from_json, ts};
use crate::routes::list::{self, Expand, Listing, Where};
use crate::routes::refs::{Refs, Table};
use crate::routes::tenancy::OrgRow;
use crate::webhooks::{publish, Event};

pub const ID_PARAM: &str = "aosDeviceId";

row! {
    #[derive(Debug, Clone)]
    pub struct Row {
        pub id: String,
        pub organization_id: String,
        pub aos_enterprise_id: String,
        pub segment_id: Option<i64>,
        pub mdm_user_id: Option<String>,
        pub policy_id: Option<String>,
        pub policy_assignments: String,
        pub display_name: Option<String>,
        pub tags: String,
        pub push_notification_provider: Option<String>,
        pub state: String,
        pub state_history: String,
        pub config: String,
        pub summary: String,
        pub last_status_report_time: Option<i64>,
        pub enrolled_date: i64,
        pub created_at: i64,
        pub updated_at: i64,
        /// The row's expansions, on reads that select [`Expansions::columns`].
        x_user: Option<String>,
        x_policies: Option<String>,
    }
}

const COLUMNS: &str = "id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, policy_id, \
    policy_assignments, display_name, tags, push_notification_provider, state, state_history, config, summary, \
    last_status_report_time, enrolled_date, created_at, updated_at";

const LISTING: Listing = Listing {
    table: "aosp_devices",
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("updatedAt", "updated_at"),
        ("enrolledDate", "enrolled_date"),
        ("lastStatusReportTime", "last_status_report_time"),
        ("displayName", "display_name"),
        ("state", "state"),
        ("mdmUserId", "mdm_user_id"),
        ("aosPolicyId", "policy_id"),
    ],
    status_column: Some("state"),
    expiry: None,
    segment_column: Some("segment_id"),
    counted: true,
};

impl Row {
    fn assignments(&self) -> Result<Vec<AosPolicyAssignmentInput>, ApiError> {
        from_json(&self.policy_assignments)
    }
}

/// The expansions of rows read with `Expansions::columns(policies, true)`.
fn expansions_of(policies: PolicyFields, rows: &[Row]) -> Result<Expansions, ApiError> {
    Expansions::from_columns(
        policies,
        rows.iter().map(|r| (r.x_user.as_deref(), r.x_policies.as_deref())),
    )
}

/// The effective policy (see the module docs); `None` without any policy.
fn effective_policy(
    x: &Expansions,
    org: &OrgRow,
    assignments: &[AosPolicyAssignmentInput],
    direct: Option<&str>,
) -> Result<Option<DeviceAosPolicy>, ApiError> {
    let mut configs = Vec::new();
    for a in assignments {
        if let Some(p) = x.policies.get(&a.aos_policy_id) {
            configs.push((a.priority, p, p.config()?));
        }
    }
    let direct = direct.and_then(|id| x.policies.get(id));
    let direct_config = direct.map(|p| p.config()).transpose()?;
    let layers: Vec<Layer> = configs
        .iter()
        .map(|(priority, _, config)| Layer {
            priority: *priority,
            config,
        })
        .collect();
    // The direct policy outranks every assignment.
    let top = direct.or_else(|| winner(&layers).map(|i| configs[i].1));
    let Some(top) = top else {
        return Ok(None);
    };
    let config = compose(&layers, direct_config.as_ref());
    let applications = config
        .get("applications")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(Some(DeviceAosPolicy {
        id: top.id.clone(),
        organization_id: org.id.clone(),
        aos_enterprise_id: org.aos_enterprise_id.clone(),
        name: top.name.clone(),
        description: top.description.clone(),
        config,
        applications,
        applications_info: Vec::new(),
        version: top.version,
        updated_at: ts(top.updated_at),
        created_at: ts(top.created_at),
    }))
}

impl Row {
    fn into_model(self, x: &Expansions, org: &OrgRow, detail: bool) -> Result<AospDevice, ApiError> {
        let assignments = self.assignments()?;
        let state = device_state(&self.state)?;
        let history: Vec<StateChange> = from_json(&self.state_history)?;
        let device_aos_policy = if detail {
            effective_policy(x, org, &assignments, self.policy_id.as_deref())?
        } else {
            None
        };
        Ok(AospDevice {
            mdm_user: x.user(self.mdm_user_id.as_deref()),
            aos_policy: self.policy_id.as_deref().map(|id| x.summary(id)),
            aos_policy_assignments: x.assignments(&assignments),
            device_aos_policy,
            tags: from_json(&self.tags)?,
            config: Some(from_json(&self.config)?),
            summary: from_json(&self.summary)?,
            state_history: history,
            id: self.id,
            organization_id: self.organization_id,
            aos_enterprise_id: self.aos_enterprise_id,
            push_notification_provider: self.push_notification_provider,
            segment_id: self.segment_id,
            display_name: self.display_name,
            state,
            kind: "aosp".into(),
            sub_type: "device".into(),
            aos_policy_id: self.policy_id,
            device_policy_status: None,
            last_status_report_time: self.last_status_report_time.map(ts),
            enrolled_date: ts(self.enrolled_date),
            updated_at: ts(self.updated_at),
            created_at: ts(self.created_at),
        })
    }
}

async fn find(db: &Db, org: &OrgRow, id: &str) -> Result<Row, ApiError> {
    let row: Option<Row> = db
        .first(
            &format!("SELECT {COLUMNS} FROM aosp_devices WHERE id = ?1 AND organization_id = ?2"),
            params![id, &org.id],
        )
        .await?;
    row.ok_or(ApiError::NotFound)
}

/// One device with its expansions, in one statement: its policies whole,
/// since their configs make its effective policy. What a GET answers, and
/// what a change answers once written.
async fn detail(db: &Db, org: &OrgRow, id: &str) -> Result<AospDevice, ApiError> {
    let sql = format!(
        "SELECT {COLUMNS}{} FROM aosp_devices AS r WHERE id = ?1 AND organization_id = ?2",
        Expansions::columns(PolicyFields::Full, true)
    );
    let row: Row = db.first(&sql, params![id, &org.id]).await?.ok_or(ApiError::NotFound)?;
    let x = expansions_of(PolicyFields::Full, std::slice::from_ref(&row))?;
    row.into_model(&x, org, true)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let db = ctx.db()?;
    // A list shows policy summaries; the effective policy is the GET's.
    let expand = Expand {
        columns: &Expansions::columns(PolicyFields::Summary, true),
        ..Expand::default()
    };
    let (page, _) = list::fetch_expanded(&db, &LISTING, q, &org.id, Where::org(&org.id), None, expand)
        .await?
        .page_and_totals::<Row>()?;
    let x = expansions_of(PolicyFields::Summary, &page.items)?;
    ok(&list::try_map(page, |row| row.into_model(&x, org, false))?)
}

/// `GET .../enrollment-tokens/:aosEnrollmentTokenId/devices`: the devices
/// enrolled with one token (the list query; a deleted or unknown token is 404).
pub async fn list_by_token(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let token_id = scope.id(crate::routes::aosp_tokens::ID_PARAM)?;
    let db = ctx.db()?;
    // The token's existence rides in the list's batch: one round trip.
    let token = db.stmt(
        &format!(
            "SELECT 1 AS found FROM aosp_enrollment_tokens WHERE id = ?1 AND organization_id = ?2 AND {}",
            AOSP_TOKENS.not_deleted()
        ),
        params![&token_id, &org.id],
    )?;
    let filter = Where::org(&org.id).and("enrollment_token_id = ?", [Param::from(token_id.as_str())]);
    let expand = Expand {
        columns: &Expansions::columns(PolicyFields::Summary, true),
        guard: Some(token),
        ..Expand::default()
    };
    let (page, _) = list::fetch_expanded(&db, &LISTING, q, &org.id, filter, None, expand)
        .await?
        .page_and_totals::<Row>()?;
    let x = expansions_of(PolicyFields::Summary, &page.items)?;
    ok(&list::try_map(page, |row| row.into_model(&x, org, false))?)
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    ok(&detail(&db, org, &id).await?)
}

/// Absent fields stay as they are; `mdmUserId: null` unlinks the user.
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: AospDeviceUpdate = scope.body()?;
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    // 404 before 5209 `reference`: a device of another organization is not
    // found, whatever the body says.
    find(&db, org, &id).await?;
    let mut refs = Refs::new();
    refs.add("policyId", Table::AospPolicies, input.policy_id.as_deref())
        .add(
            "mdmUserId",
            Table::MdmUsers,
            input.mdm_user_id.clone().flatten().as_deref(),
        )
        .segment("segmentId", input.segment_id);
    for (i, a) in input.aos_policy_assignments.iter().flatten().enumerate() {
        refs.add(
            format!("aosPolicyAssignments[{i}].aosPolicyId"),
            Table::AospPolicies,
            Some(&a.aos_policy_id),
        );
    }
    refs.check(&db, &org.id).await?;

    // Column names are static; only the values are bound.
    let mut sets: Vec<&str> = Vec::new();
    let mut values: Vec<Param> = Vec::new();
    if let Some(v) = &input.display_name {
        sets.push("display_name = ?");
        values.push(v.into());
    }
    if let Some(v) = &input.tags {
        sets.push("tags = ?");
        values.push(serde_json::to_string(v).map_err(ApiError::internal)?.into());
    }
    if let Some(v) = &input.policy_id {
        sets.push("policy_id = ?");
        values.push(v.into());
    }
    if let Some(v) = &input.aos_policy_assignments {
        sets.push("policy_assignments = ?");
        values.push(serde_json::to_string(v).map_err(ApiError::internal)?.into());
    }
    if let Some(v) = &input.mdm_user_id {
        sets.push("mdm_user_id = ?");
        values.push(v.as_ref().into());
    }
    if let Some(v) = &input.push_notification_provider {
        sets.push("push_notification_provider = ?");
        values.push(v.into());
    }
    if let Some(v) = input.segment_id {
        sets.push("segment_id = ?");
        values.push(v.into());
    }
    sets.push("updated_at = ?");
    values.push(ctx.now_ms.into());
    values.push(id.clone().into());
    values.push(org.id.clone().into());
    scope.target(Target::new("aospDevice", &id));
    let row: Option<Row> = db
        .first(
            &format!(
                "UPDATE aosp_devices SET {} WHERE id = ? AND organization_id = ? RETURNING {COLUMNS}",
                sets.join(", ")
            ),
            &values,
        )
        .await?;
    let row = row.ok_or(ApiError::NotFound)?;
    ok(&detail(&db, org, &row.id).await?)
}

/// The UPDATE of a device action on `table` (`?1` id, `?2` organization,
/// `?3` the RFC 3339 time for the history, `?4` now in ms), answering
/// `columns` of the moved row. A move to DELETED revokes the secret: no
/// SHA-256 hex digest is empty.
pub fn action_sql(table: &str, event: DeviceEvent, columns: &str) -> String {
    let m = device_move("state", event);
    format!(
        "UPDATE {table} SET state = {after}, \
           state_history = json_insert(state_history, '$[#]', json_object('state', {after}, 'date', ?3)), \
           secret_hash = CASE WHEN {after} = {deleted} THEN '' ELSE secret_hash END, \
           updated_at = ?4 \
         WHERE id = ?1 AND organization_id = ?2 AND {can} RETURNING {columns}",
        after = m.after,
        can = m.can,
        deleted = DeviceState::Deleted.sql()
    )
}

async fn act(ctx: &mut Ctx, scope: Scope, event: DeviceEvent) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let now = ctx.now_ms;
    let db = ctx.db()?;
    scope.target(Target::new("aospDevice", &id));
    let row: Option<Row> = db
        .first(
            &action_sql("aosp_devices", event, COLUMNS),
            params![&id, &org.id, ts(now), now],
        )
        .await?;
    let row = match row {
        Some(row) => row,
        // Read after the conditional write changed nothing, so it cannot race it.
        None => {
            find(&db, org, &id).await?;
            return Err(ApiError::InvalidStateTransition);
        }
    };
    let moved = Event::device_moved(&org.id, "aosp", &row.id, &row.state_history, &row.state);
    publish(&ctx.env, &db, now, vec![moved]).await;
    ok(&detail(&db, org, &row.id).await?)
}

/// `POST .../devices/:aosDeviceId/disable`: PROVISIONING | ACTIVE → DISABLED.
pub async fn disable(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Disable).await
}

/// `POST .../devices/:aosDeviceId/enable`: DISABLED → ACTIVE.
pub async fn enable(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Enable).await
}

/// `POST .../devices/:aosDeviceId/disenroll`: → PENDING_DISENROLL; the
/// device's next status report tells it to wipe and makes it DELETED.
pub async fn disenroll(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Disenroll).await
}

/// `DELETE .../devices/:aosDeviceId`: → DELETED, the secret revoked.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Delete).await
}
