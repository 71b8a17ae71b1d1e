//! Device side of AOSP enrollment (no bearer token):
//!
//! - `POST /v1/enroll/aosp` `{token, device}`: consumes the enrollment token
//!   and creates the device in PROVISIONING; answers 201 with the device id
//!   and a device secret (only its SHA-256 is stored).
//! - `POST /v1/devices/aosp/:aosDeviceId/status` with `X-Device-Secret`: a
//!   status report; the first one moves the device PROVISIONING → ACTIVE,
//!   one from a PENDING_DISENROLL device moves it to DELETED (and revokes
//!   its secret). The answer's `command` is what the service wants of the
//!   device now (`DeviceState::command`): `none`, `disable` (DISABLED: lock
//!   until enabled) or `wipe` (disenrolled: factory-reset, no longer managed).
//!
//! Consumption is atomic: one D1 batch (a single SQLite transaction) whose
//! first statement is the conditional UPDATE `... WHERE value = ? AND <can
//! enroll at now>` (the lifecycle's predicate); the device INSERT runs
//! only if that UPDATE changed a row (`changes() = 1`), and a one-time token
//! then moves PROCESSING → DONE with `aos_device_id` set, all in the same
//! transaction. Of any number of concurrent attempts on a one-time token,
//! exactly one changes the row; the others change nothing and create nothing.
//!
//! The same endpoint takes a Google-compatible token's `value` (what a device
//! finds under `EXTRA_ENROLLMENT_TOKEN` in its `qrCode`): the batch goes on
//! with the same claim-then-insert pair on `google_enrollment_tokens` when the
//! AOSP table had no such live token. The device joins the token's
//! organization and shows the token's `additionalData` as
//! `config.deviceReport.enrollmentTokenData`; a oneTimeOnly token enrolls one
//! device, any other as many as come before it expires.
//!
//! A token that cannot enroll gets one of two answers: 404 / 3001
//! when no such token is known or it was DELETED, 409 / 5010 when it exists but
//! its lifecycle forbids enrolling (consumed, expired). The distinction is read
//! only after the atomic claim failed, so it cannot race the claim; it tells a
//! device "ask for a new token" rather than "wrong token", and token values
//! carry 192 random bits, so it reveals nothing guessable.

use serde::Serialize;
use worker::Response;

use mdm_core::lifecycle::sql::{
    device_not_deleted, device_room, device_state_after_report, AOSP_TOKENS, GOOGLE_TOKENS,
};
use mdm_core::lifecycle::{DeviceCommand, DeviceState, TokenEvent, TokenStatus};
use mdm_core::pagination::DEVICE_STATES;
use mdm_core::requests::device::{AospStatusReport, EnrollAosp};
use mdm_core::schema::{string, Field, Schema, DATE_TIME, OBJECT_ID};

use crate::audit::Target;
use crate::ctx::Ctx;
use crate::db::row;
use crate::dispatch::Scope;
use crate::http::{created, ok, ApiError};
use crate::params;

use crate::routes::claim;
use crate::routes::columns::{device_state, new_id, ts};
use crate::routes::credentials::{new_secret, secret_hash};
use crate::sealed::Keys;
use crate::webhooks::{publish, Event};
use mdm_core::webhooks;
use serde_json::json;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Enrolled {
    aos_device_id: String,
    organization_id: String,
    device_secret: String,
    state: DeviceState,
    enrolled_date: String,
}

/// The claim: a token that can enroll begins enrolling (`?1` value, `?2` now, `?3` the device).
fn consume() -> String {
    format!(
        "UPDATE aosp_enrollment_tokens SET status = {}, \
           aos_device_id = CASE perpetual WHEN 1 THEN aos_device_id ELSE ?3 END, \
           enrolled_count = enrolled_count + 1, last_enrollment_at = ?2, updated_at = ?2 \
         WHERE value_key = ?1 AND {} AND {}",
        AOSP_TOKENS.after(&[TokenEvent::BeginEnrollment], None),
        AOSP_TOKENS.can_enroll_at("?2"),
        device_room("aosp_enrollment_tokens.organization_id")
    )
}

/// PROCESSING → DONE for the one-time token this enrollment consumed.
fn complete() -> String {
    format!(
        "UPDATE aosp_enrollment_tokens SET status = {}, updated_at = ?2 \
         WHERE value_key = ?1 AND status = {} AND aos_device_id = ?3",
        TokenStatus::Done.sql(),
        TokenStatus::Processing.sql()
    )
}

/// A Google token claims only if the AOSP statements created no device (`?3`):
/// values are 192 random bits, so both tables matching is not expected, but
/// the AOSP table wins if it ever happens. A oneTimeOnly token goes straight
/// PENDING → DONE (then it enrolls nothing more, yet stays listed like
/// Google's until it is deleted); any other token stays PENDING until it expires.
fn consume_google() -> String {
    format!(
        "UPDATE google_enrollment_tokens SET status = {}, \
           enrolled_count = enrolled_count + 1, last_enrollment_at = ?2, updated_at = ?2 \
         WHERE value_key = ?1 AND {} AND {} AND NOT EXISTS (SELECT 1 FROM aosp_devices WHERE id = ?3)",
        GOOGLE_TOKENS.after(
            &[TokenEvent::BeginEnrollment, TokenEvent::CompleteEnrollment],
            Some("one_time_only")
        ),
        GOOGLE_TOKENS.can_enroll_at("?2"),
        device_room("google_enrollment_tokens.organization_id")
    )
}

/// What a device inherits from an AOSP token (`?1` is the token value).
const FROM_AOSP: &str =
    "SELECT organization_id, aos_enterprise_id, segment_id, mdm_user_id, policy_assignments, tags, \
      push_notification_provider, json_object('managementMode', management_mode) AS config, \
      id AS enrollment_token_id, display_name AS enrollment_token_data \
    FROM aosp_enrollment_tokens WHERE value_key = ?1";

/// What a device inherits from a Google token: its organization, and in
/// `config.deviceReport` (Google's Device) `enrollmentTokenData` (the token's
/// additionalData), `enrollmentTokenName` and `policyName`; absent values are
/// left out (`json_patch` drops nulls). No `enrollment_token_id`: that column
/// refers to AOSP tokens.
const FROM_GOOGLE: &str = "SELECT g.organization_id, o.aos_enterprise_id, NULL AS segment_id, NULL AS mdm_user_id, \
      '[]' AS policy_assignments, '[]' AS tags, NULL AS push_notification_provider, \
      json_object('managementMode', 'DEVICE_OWNER', 'deviceReport', json_patch('{}', json_object( \
        'enrollmentTokenData', g.additional_data, \
        'enrollmentTokenName', 'enterprises/' || g.enterprise_id || '/enrollmentTokens/' || g.id, \
        'policyName', g.policy_name))) AS config, \
      NULL AS enrollment_token_id, g.additional_data AS enrollment_token_data \
    FROM google_enrollment_tokens g JOIN organizations o ON o.id = g.organization_id WHERE g.value_key = ?1";

/// The device INSERT from one token source (`FROM_AOSP`, `FROM_GOOGLE`). It
/// runs right after that source's claim in the same transaction and inserts
/// only if the claim changed a row (`changes()` is the claim's).
fn insert_device(source: &str) -> String {
    format!(
        "INSERT INTO aosp_devices (id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, \
           policy_assignments, display_name, tags, push_notification_provider, state, state_history, \
           secret_hash, serial_number, device_info, config, enrollment_token_id, enrollment_token_data, \
           enrolled_date, created_at, updated_at) \
         SELECT ?3, organization_id, aos_enterprise_id, segment_id, mdm_user_id, policy_assignments, ?4, tags, \
           push_notification_provider, {state}, json_array(json_object('state', {state}, 'date', ?5)), \
           ?6, ?7, ?8, config, enrollment_token_id, enrollment_token_data, ?2, ?2, ?2 \
         FROM ({source}) WHERE changes() = 1",
        state = DeviceState::Provisioning.sql()
    )
}

/// One D1 batch (one transaction): claim an AOSP token and insert the device
/// from it, complete a one-time AOSP token; else claim a Google token and
/// insert the device from that. At most one of the two INSERTs adds a row.
/// `POST /v1/enroll/aosp` → the new device and its secret (shown once).
pub const ENROLLED: Schema = Schema::Object(&[
    Field::required("aosDeviceId", OBJECT_ID, "The new AOSP device."),
    Field::required("organizationId", OBJECT_ID, ""),
    Field::required(
        "deviceSecret",
        string().min(1).schema(),
        "Credential of the device's status reports (X-Device-Secret); returned only here.",
    ),
    Field::required(
        "state",
        string().one_of(&[DeviceState::Provisioning.as_str()]).schema(),
        "",
    ),
    Field::required("enrolledDate", DATE_TIME, ""),
]);

/// `POST /v1/devices/aosp/:aosDeviceId/status` → the device's state after the report.
pub const REPORTED: Schema = Schema::Object(&[
    Field::required("aosDeviceId", OBJECT_ID, ""),
    Field::required("state", string().one_of(DEVICE_STATES).schema(), ""),
    Field::required("lastStatusReportTime", DATE_TIME, ""),
    Field::required(
        "command",
        string().one_of(&DeviceCommand::ALL).schema(),
        "What the service wants of the device now: `none`; `disable` (it is DISABLED: lock until enabled); \
         `wipe` (it was disenrolled and is now DELETED: factory-reset; its secret no longer works).",
    ),
]);

pub async fn enroll(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let input: EnrollAosp = scope.body()?;
    let now = ctx.now_ms;
    let device_id = new_id(now)?;
    let secret = new_secret()?;
    let device_info = serde_json::to_string(&input.device).map_err(ApiError::internal)?;
    let db = ctx.db()?;
    let keys = Keys::of(ctx)?;
    // One read first: junk never reaches the write batch.
    claim::precheck(ctx, &keys, SOURCES, &input.token, now).await?;
    let key = keys.lookup(&input.token);
    let claim = params![&key, now, &device_id];
    let insert = params![
        &key,
        now,
        &device_id,
        input.device.name.as_deref(),
        ts(now),
        secret_hash(&secret),
        &input.device.serial_number,
        &device_info
    ];
    scope.target(Target::new("aospDevice", &device_id).stored_in(
        "aosp_devices",
        "json_object('aospEnrollmentTokenId', enrollment_token_id, 'serialNumber', serial_number)",
    ));
    let results = db
        .batch(vec![
            db.stmt(&consume(), claim)?,
            db.stmt(&insert_device(FROM_AOSP), insert)?,
            db.stmt(&complete(), claim)?,
            db.stmt(&consume_google(), claim)?,
            db.stmt(&insert_device(FROM_GOOGLE), insert)?,
        ])
        .await?;
    // Which INSERTs added a device (each adds one row or none).
    let mut inserted = 0;
    for i in [1, 4] {
        inserted += usize::from(
            results
                .get(i)
                .map(|r| r.meta())
                .transpose()?
                .is_some_and(|m| m.changed()),
        );
    }
    if inserted != 1 {
        return Err(claim::refusal(ctx, &keys, SOURCES, &input.token, now).await);
    }
    // A one-time AOSP token is consumed when `complete` changed it.
    let consumed = results
        .get(2)
        .map(|r| r.meta())
        .transpose()?
        .is_some_and(|m| m.changed());
    let stored: Option<EnrolledRow> = db
        .first(
            "SELECT organization_id, enrollment_token_id FROM aosp_devices WHERE id = ?1",
            params![&device_id],
        )
        .await?;
    let stored = stored.ok_or_else(|| ApiError::internal("an enrolled device is not stored"))?;
    let org = stored.organization_id.as_str();
    let mut events = vec![Event::new(
        webhooks::DEVICE_ENROLLED,
        org,
        json!({"platform": "aosp", "deviceId": &device_id, "enrollmentTokenId": &stored.enrollment_token_id}),
    )];
    if let (true, Some(token_id)) = (consumed, &stored.enrollment_token_id) {
        events.push(Event::new(
            webhooks::TOKEN_CONSUMED,
            org,
            json!({"platform": "aosp", "enrollmentTokenId": token_id, "deviceId": &device_id}),
        ));
    }
    publish(&ctx.env, &db, now, events).await;
    created(&Enrolled {
        aos_device_id: device_id,
        organization_id: stored.organization_id,
        device_secret: secret,
        state: DeviceState::Provisioning,
        enrolled_date: ts(now),
    })
}

row! {
    /// What a status report's UPDATE returns, and the row just before it (one
    /// row type for both: the wasm holds one decoder less).
    struct ReportedRow {
        state: String,
        organization_id: String,
    }
}

row! {
    struct EnrolledRow {
        organization_id: String,
        /// NULL for a device enrolled with a Google-compatible token.
        enrollment_token_id: Option<String>,
    }
}

/// Where a device's AOSP credential may be found: AOSP tokens, then Google's.
const SOURCES: &[&claim::Source] = &[&claim::AOSP, &claim::GOOGLE];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reported {
    aos_device_id: String,
    state: DeviceState,
    last_status_report_time: String,
    command: DeviceCommand,
}

/// One UPDATE: the report replaces `config.deviceReport` (but for what
/// enrollment put there: `enrollmentTokenData`, `enrollmentTokenName`, `policyName`), `location` and
/// `appliedPolicy` (when sent) are merged into `config`, and a PROVISIONING device becomes ACTIVE with a state
/// history entry, a PENDING_DISENROLL one becomes DELETED and its secret is
/// revoked. SET expressions all read the row as it was, so the history
/// entry is appended exactly when the state changes.
fn report_sql() -> String {
    let after = device_state_after_report("state");
    format!(
        "UPDATE aosp_devices SET \
      state = {after}, \
      state_history = CASE WHEN {after} != state \
        THEN json_insert(state_history, '$[#]', json_object('state', {after}, 'date', ?3)) \
        ELSE state_history END, \
      config = json_set(json_patch(config, ?5), '$.deviceReport', json_patch(json(?4), json_object( \
        'enrollmentTokenData', json_extract(config, '$.deviceReport.enrollmentTokenData'), \
        'enrollmentTokenName', json_extract(config, '$.deviceReport.enrollmentTokenName'), \
        'policyName', json_extract(config, '$.deviceReport.policyName')))), \
      secret_hash = CASE WHEN {after} = {deleted} THEN '' ELSE secret_hash END, \
      last_status_report_time = ?2, updated_at = ?2 \
    WHERE id = ?1 AND secret_hash = ?6 AND {live} \
    RETURNING state, organization_id",
        deleted = DeviceState::Deleted.sql(),
        live = device_not_deleted("state")
    )
}

pub async fn status_report(ctx: &mut Ctx, mut scope: Scope) -> Result<Response, ApiError> {
    let report: AospStatusReport = scope.body()?;
    let id = scope.id("aosDeviceId")?;
    let secret = scope.device_secret()?;
    let now = ctx.now_ms;
    let mut device_report = serde_json::to_value(&report).map_err(ApiError::internal)?;
    if let Some(map) = device_report.as_object_mut() {
        // Absent fields stay absent; the time is the server's.
        map.retain(|_, v| !v.is_null());
        map.insert("lastStatusReportTime".into(), ts(now).into());
    }
    // Only what was sent: an absent location keeps the last known one.
    let mut patch = serde_json::Map::new();
    if let Some(location) = &report.location {
        patch.insert("location".into(), location.clone());
    }
    if let Some(applied) = &report.applied_policy {
        patch.insert("appliedPolicy".into(), applied.clone());
    }
    // A report that moves the device (PROVISIONING → ACTIVE, PENDING_DISENROLL
    // → DELETED) is a state change: its event is read from the row as it was.
    let after = device_state_after_report("state");
    let hash = secret_hash(secret);
    scope.target(Target::new("aospDevice", &id).before(
        "aosp_devices",
        format!(
            "secret_hash = ? AND {} AND {after} != state",
            device_not_deleted("state")
        ),
        vec![(&hash).into()],
        format!("json_object('from', state, 'to', {after})"),
    ));
    let db = ctx.db()?;
    // The state before is read in the UPDATE's batch, which nothing else
    // interleaves with: two racing reports make one event. (The history's
    // last date cannot tell: two reports in one millisecond share it.)
    let before_sql = format!(
        "SELECT state, organization_id FROM aosp_devices WHERE id = ?1 AND secret_hash = ?2 AND {}",
        device_not_deleted("state")
    );
    let update_params = params![
        &id,
        now,
        ts(now),
        device_report.to_string(),
        serde_json::Value::Object(patch).to_string(),
        &hash
    ];
    let results = db
        .batch(vec![
            db.stmt(&before_sql, params![&id, &hash])?,
            db.stmt(&report_sql(), update_params)?,
        ])
        .await?;
    let before: Option<ReportedRow> = results[0].first()?;
    let row: Option<ReportedRow> = results[1].first()?;
    // Unknown device and wrong secret look the same: the secret is invalid.
    let row = row.ok_or(ApiError::InvalidToken)?;
    if let Some(from) = before.map(|b| b.state).filter(|from| *from != row.state) {
        let data = json!({"platform": "aosp", "deviceId": &id, "from": from, "to": &row.state});
        let event = Event::new(webhooks::DEVICE_STATE_CHANGED, &row.organization_id, data);
        publish(&ctx.env, &db, now, vec![event]).await;
    }
    let state = device_state(&row.state)?;
    ok(&Reported {
        aos_device_id: id,
        state,
        last_status_report_time: ts(now),
        command: state.command(),
    })
}
