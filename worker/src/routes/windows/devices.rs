//! Windows devices: `GET .../mdm/windows/enterprise/devices` (the list query),
//! `GET|PUT|DELETE .../devices/:winDeviceId` and `POST
//! .../devices/:winDeviceId/disable|enable|disenroll`
//! (`mdm.windows.device.list|get|update|remove`).
//!
//! PCs come into being through `POST /v1/enroll/windows` (see `enroll`),
//! which copies the token's segment, user, labels and policies. The moves are
//! those of the AOSP devices (`mdm_core::lifecycle::DeviceState`), with the
//! same conditional UPDATE (`aosp_devices::action_sql`).

use serde_json::Value;
use worker::Response;

use mdm_core::lifecycle::DeviceEvent;
use mdm_core::model::aosp::StateChange;
use mdm_core::model::windows::{WinDevice, WinPolicy, WinPolicyAssignment};
use mdm_core::model::MdmUserRef;
use mdm_core::requests::windows::{WinDeviceUpdate, WinPolicyAssignmentInput};

use super::policies;
use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::{Db, Param};
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};
use crate::params;
use crate::routes::aosp_devices::action_sql;
use crate::routes::columns::{device_state, from_json, ts};
use crate::routes::list::{self, Listing, Where};
use crate::routes::refs::{Refs, Table};
use crate::routes::tenancy::OrgRow;
use crate::webhooks::{publish, Event};

pub const ID_PARAM: &str = "winDeviceId";
const TABLE: &str = "win_devices";

row! {
    #[derive(Debug)]
    struct Row {
        id: String,
        organization_id: String,
        win_enterprise_id: String,
        enrollment_token_id: Option<String>,
        segment_id: Option<i64>,
        mdm_user_id: Option<String>,
        mdm_user_email: Option<String>,
        display_name: Option<String>,
        tags: String,
        state: String,
        state_history: String,
        serial_number: Option<String>,
        device_info: String,
        win_policy_id: Option<String>,
        policy_assignments: String,
        last_status_report_time: Option<i64>,
        enrolled_date: i64,
        created_at: i64,
        updated_at: i64,
    }
}

const COLUMNS: &str = "id, organization_id, win_enterprise_id, enrollment_token_id, segment_id, mdm_user_id, \
    (SELECT u.email FROM mdm_users u WHERE u.id = win_devices.mdm_user_id \
       AND u.organization_id = win_devices.organization_id) AS mdm_user_email, \
    display_name, tags, state, state_history, serial_number, device_info, win_policy_id, policy_assignments, \
    last_status_report_time, enrolled_date, created_at, updated_at";

const LISTING: Listing = Listing {
    table: TABLE,
    columns: COLUMNS,
    fields: &[
        ("createdAt", "created_at"),
        ("updatedAt", "updated_at"),
        ("enrolledDate", "enrolled_date"),
        ("lastStatusReportTime", "last_status_report_time"),
        ("displayName", "display_name"),
        ("state", "state"),
        ("mdmUserId", "mdm_user_id"),
        ("winPolicyId", "win_policy_id"),
    ],
    status_column: Some("state"),
    expiry: None,
    segment_column: Some("segment_id"),
    counted: true,
};

impl Row {
    fn assignments(&self) -> Result<Vec<WinPolicyAssignmentInput>, ApiError> {
        from_json(&self.policy_assignments)
    }

    /// The resource; `expanded` are the policies to embed in the assignments.
    fn into_model(self, expanded: &[WinPolicy]) -> Result<WinDevice, ApiError> {
        let state = device_state(&self.state)?;
        let history: Vec<StateChange> = from_json(&self.state_history)?;
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
        let mdm_user = match (&self.mdm_user_id, self.mdm_user_email) {
            (Some(id), Some(email)) => Some(MdmUserRef { id: id.clone(), email }),
            _ => None,
        };
        // What the PC sent; fields it did not send are stored as nulls.
        let mut device_info: Value = from_json(&self.device_info)?;
        if let Some(map) = device_info.as_object_mut() {
            map.retain(|_, v| !v.is_null());
        }
        Ok(WinDevice {
            id: self.id,
            organization_id: self.organization_id,
            win_enterprise_id: self.win_enterprise_id,
            win_enrollment_token_id: self.enrollment_token_id,
            segment_id: self.segment_id,
            mdm_user_id: self.mdm_user_id,
            mdm_user,
            display_name: self.display_name,
            tags: from_json(&self.tags)?,
            state,
            state_history: history,
            kind: "windows".into(),
            sub_type: "device".into(),
            serial_number: self.serial_number,
            device_info,
            win_policy_id: self.win_policy_id,
            win_policy_assignments: assignments,
            last_status_report_time: self.last_status_report_time.map(ts),
            enrolled_date: ts(self.enrolled_date),
            updated_at: ts(self.updated_at),
            created_at: ts(self.created_at),
        })
    }
}

/// The organization's device `id` (in any state), or 404.
async fn find(db: &Db, org: &OrgRow, id: &str) -> Result<Row, ApiError> {
    db.first(
        &format!("SELECT {COLUMNS} FROM {TABLE} WHERE id = ?1 AND organization_id = ?2"),
        params![id, &org.id],
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// One device with its assigned policies expanded.
async fn detail(db: &Db, org: &OrgRow, row: Row) -> Result<WinDevice, ApiError> {
    let ids: Vec<String> = row.assignments()?.into_iter().filter_map(|a| a.win_policy_id).collect();
    let expanded = policies::fetch(db, org, &ids).await?;
    row.into_model(&expanded)
}

pub async fn list(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let q = scope.list()?;
    let db = ctx.db()?;
    let page = list::fetch(&db, &LISTING, q, &org.id, Where::org(&org.id))
        .await?
        .page::<Row>()?;
    // Lists show assignments by id; the expanded policies come with a single device.
    ok(&list::try_map(page, |row| row.into_model(&[]))?)
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    let rows = policies::RowSql {
        sql: format!("SELECT {COLUMNS} FROM {TABLE} WHERE id = ? AND organization_id = ?"),
        params: params![&id, &org.id].to_vec(),
    };
    let (row, policies) = policies::row_with_policies::<Row>(&db, org, &rows)
        .await?
        .ok_or(ApiError::NotFound)?;
    ok(&row.into_model(&policies)?)
}

/// Absent fields stay as they are; `mdmUserId: null` unlinks the user.
pub async fn update(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: WinDeviceUpdate = scope.body()?;
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let db = ctx.db()?;
    // 404 before 5209 `reference`: another organization's device is not
    // found, whatever the body says.
    find(&db, org, &id).await?;
    let mut refs = Refs::new();
    refs.add("winPolicyId", Table::WinPolicies, input.win_policy_id.as_deref())
        .add(
            "mdmUserId",
            Table::MdmUsers,
            input.mdm_user_id.clone().flatten().as_deref(),
        )
        .segment("segmentId", input.segment_id);
    for (i, a) in input.win_policy_assignments.iter().flatten().enumerate() {
        refs.add(
            format!("winPolicyAssignments[{i}].winPolicyId"),
            Table::WinPolicies,
            a.win_policy_id.as_deref(),
        );
    }
    refs.check(&db, &org.id).await?;

    // Column names are static; only the values are bound.
    let mut sets: Vec<(&str, Param)> = vec![("updated_at", Param::Int(ctx.now_ms))];
    if let Some(v) = &input.display_name {
        sets.push(("display_name", v.into()));
    }
    if let Some(v) = input.tags {
        sets.push(("tags", (&Value::from(v)).into()));
    }
    if let Some(v) = input.segment_id {
        sets.push(("segment_id", v.into()));
    }
    if let Some(v) = &input.mdm_user_id {
        sets.push(("mdm_user_id", v.as_ref().into()));
    }
    if let Some(v) = &input.win_policy_id {
        sets.push(("win_policy_id", v.into()));
    }
    if let Some(v) = &input.win_policy_assignments {
        let json = serde_json::to_value(v).map_err(ApiError::internal)?;
        sets.push(("policy_assignments", (&json).into()));
    }
    let set_sql: Vec<String> = sets.iter().map(|(col, _)| format!("{col} = ?")).collect();
    let mut values: Vec<Param> = sets.into_iter().map(|(_, v)| v).collect();
    values.push(id.as_str().into());
    values.push(org.id.as_str().into());
    scope.target(Target::new("winDevice", &id));
    let row: Option<Row> = db
        .first(
            &format!(
                "UPDATE {TABLE} SET {} WHERE id = ? AND organization_id = ? RETURNING {COLUMNS}",
                set_sql.join(", ")
            ),
            &values,
        )
        .await?;
    let row = row.ok_or(ApiError::NotFound)?;
    ok(&detail(&db, org, row).await?)
}

async fn act(ctx: &mut Ctx, scope: Scope, event: DeviceEvent) -> Result<Response, ApiError> {
    let org = scope.org()?;
    let id = scope.id(ID_PARAM)?;
    let now = ctx.now_ms;
    let db = ctx.db()?;
    scope.target(Target::new("winDevice", &id));
    let row: Option<Row> = db
        .first(&action_sql(TABLE, event, COLUMNS), params![&id, &org.id, ts(now), now])
        .await?;
    let row = match row {
        Some(row) => row,
        // Read after the conditional write changed nothing, so it cannot race it.
        None => {
            find(&db, org, &id).await?;
            return Err(ApiError::InvalidStateTransition);
        }
    };
    let moved = Event::device_moved(&org.id, "windows", &row.id, &row.state_history, &row.state);
    publish(&ctx.env, &db, now, vec![moved]).await;
    ok(&detail(&db, org, row).await?)
}

/// `POST .../devices/:winDeviceId/disable`: PROVISIONING | ACTIVE → DISABLED.
pub async fn disable(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Disable).await
}

/// `POST .../devices/:winDeviceId/enable`: DISABLED → ACTIVE.
pub async fn enable(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Enable).await
}

/// `POST .../devices/:winDeviceId/disenroll`: → PENDING_DISENROLL.
pub async fn disenroll(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Disenroll).await
}

/// `DELETE .../devices/:winDeviceId`: → DELETED, the secret revoked.
pub async fn remove(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    act(ctx, scope, DeviceEvent::Delete).await
}
