//! `POST /v1/enroll/windows`: a PC presents the `enrollCode` a person typed
//! and becomes a Windows device in `PROVISIONING`. No bearer token: the code
//! is the credential.
//!
//! Consumption is atomic: one D1 batch (a single transaction) runs the
//! conditional `UPDATE ... WHERE enroll_code = ? AND <can enroll at now>`
//! (the lifecycle's predicate) that marks the token DONE and names the new device, then
//! an `INSERT ... SELECT` that creates the device only from the token row that
//! UPDATE just claimed. Of concurrent attempts with one code exactly one
//! UPDATE matches; the others insert nothing and get a 404. There is no read
//! before the write. The plan gate does not apply here: the token could only
//! be created while the organization's plan allowed Windows.

use serde_json::json;
use worker::Response;

use mdm_core::lifecycle::sql::{device_room, WIN_TOKENS};
use mdm_core::lifecycle::{DeviceState, TokenEvent};
use mdm_core::requests::device::EnrollWindows;
use mdm_core::schema::{string, Field, Schema, OBJECT_ID};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ApiError};
use crate::params;
use crate::routes::claim;
use crate::routes::columns;
use crate::routes::credentials;
use crate::sealed::Keys;
use crate::webhooks::{publish, Event};

/// `POST /v1/enroll/windows` → the new device and its secret (shown once).
pub const ENROLLED: Schema = Schema::Object(&[
    Field::required("id", OBJECT_ID, "The new Windows device."),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required("winEnterpriseId", OBJECT_ID, ""),
    Field::required("winEnrollmentTokenId", OBJECT_ID, "The token the code belonged to."),
    Field::required(
        "state",
        string().one_of(&[DeviceState::Provisioning.as_str()]).schema(),
        "",
    ),
    Field::required(
        "deviceSecret",
        string().min(1).schema(),
        "Credential of the device's later reports; returned only here.",
    ),
]);

const SOURCES: &[&claim::Source] = &[&claim::WINDOWS];

row! {
    /// The device a claim just inserted, as its answer shows it.
    struct Enrolled {
        id: String,
        organization_id: String,
        win_enterprise_id: String,
        enrollment_token_id: Option<String>,
    }
}

pub async fn enroll(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let body: EnrollWindows = scope.body()?;
    // A code that cannot be a code is as unknown as a wrong one.
    let code = mdm_core::ids::normalize_enroll_code(&body.enroll_code).ok_or(ApiError::NotFound)?;
    let device_id = columns::new_id(ctx.now_ms)?;
    let secret = credentials::new_secret()?;
    let secret_hash = credentials::secret_hash(&secret);
    let info = serde_json::to_value(&body.device).map_err(ApiError::internal)?;
    let history = json!([{ "state": DeviceState::Provisioning, "date": columns::ts(ctx.now_ms) }]);
    let now = ctx.now_ms;

    let db = ctx.db()?;
    let keys = Keys::of(ctx)?;
    // One read first: junk never reaches the write batch.
    claim::precheck(ctx, &keys, SOURCES, &code, now).await?;
    let key = keys.lookup(&code);
    let claim = db.stmt(
        &format!(
            "UPDATE win_enrollment_tokens SET state = {}, win_device_id = ?1, updated_at = ?2 \
             WHERE enroll_code_key = ?3 AND {} AND {}",
            WIN_TOKENS.after(&[TokenEvent::BeginEnrollment], None),
            WIN_TOKENS.can_enroll_at("?2"),
            device_room("win_enrollment_tokens.organization_id")
        ),
        params![&device_id, now, &key],
    )?;
    let insert = db.stmt(
        &format!(
            "INSERT INTO win_devices (id, organization_id, win_enterprise_id, segment_id, mdm_user_id, \
               display_name, tags, state, state_history, secret_hash, serial_number, device_info, \
               enrollment_token_id, win_policy_id, policy_assignments, enrolled_date, created_at, updated_at) \
             SELECT ?1, organization_id, win_enterprise_id, segment_id, mdm_user_id, display_name, tags, \
               {}, ?2, ?3, ?4, ?5, id, win_policy_id, policy_assignments, ?6, ?6, ?6 \
             FROM win_enrollment_tokens WHERE enroll_code_key = ?7 AND win_device_id = ?1",
            DeviceState::Provisioning.sql()
        ),
        params![
            &device_id,
            &history,
            &secret_hash,
            &body.device.serial_number,
            &info,
            now,
            &key
        ],
    )?;
    scope.target(Target::new("winDevice", &device_id).stored_in(
        "win_devices",
        "json_object('winEnrollmentTokenId', enrollment_token_id, 'serialNumber', serial_number)",
    ));
    let results = db.batch(vec![claim, insert]).await?;
    let inserted = results
        .get(1)
        .map(|r| r.meta())
        .transpose()?
        .is_some_and(|m| m.changed());
    if !inserted {
        // 404 for an unknown or deleted code, 409 / 5010 for a used or
        // expired one, 5017 when the plan's device quota is full.
        return Err(claim::refusal(ctx, &keys, SOURCES, &code, now).await);
    }
    let device: Option<Enrolled> = db
        .first(
            "SELECT id, organization_id, win_enterprise_id, enrollment_token_id FROM win_devices WHERE id = ?1",
            params![&device_id],
        )
        .await?;
    let device = device.ok_or_else(|| ApiError::internal("enrolled device not found"))?;
    let data = json!({"platform": "windows", "deviceId": &device_id, "enrollmentTokenId": &device.enrollment_token_id});
    let event = Event::new(mdm_core::webhooks::DEVICE_ENROLLED, &device.organization_id, data);
    publish(&ctx.env, &db, now, vec![event]).await;
    created(&json!({
        "id": device.id,
        "organizationId": device.organization_id,
        "winEnterpriseId": device.win_enterprise_id,
        "winEnrollmentTokenId": device.enrollment_token_id,
        "state": DeviceState::Provisioning,
        "deviceSecret": secret,
    }))
}
