//! Values in and out of D1 columns: new ids, timestamps, stored statuses and
//! JSON columns (a value we wrote that does not read back is a corrupt row,
//! a logged 500), and a UNIQUE conflict turned into a 5209 instead of a 500.

use mdm_core::requests::build::FromJson;
use serde_json::Value;

use crate::db::{Columns, FromRow};

use mdm_core::lifecycle::{DeviceState, TokenStatus};

use crate::db::is_unique_violation;
use crate::http::{ApiError, ViolationCode};

/// A fresh 24-hex id (CSPRNG; a platform without randomness is a 500).
pub fn new_id(now_ms: i64) -> Result<String, ApiError> {
    mdm_core::ids::new_object_id(now_ms).map_err(ApiError::internal)
}

/// Milliseconds → the API's RFC 3339 string.
pub fn ts(ms: i64) -> String {
    mdm_core::time::to_rfc3339(ms)
}

/// A stored token status. Written by us, so an unknown one is a corrupt row:
/// a logged 500, never a silent default.
pub fn token_status(stored: &str) -> Result<TokenStatus, ApiError> {
    TokenStatus::parse(stored).ok_or_else(|| ApiError::internal(format!("unknown stored token status {stored:?}")))
}

/// `json_object('col', alias.col, ...)` for a SELECT list of plain column
/// names (a row type's `COLUMNS`): the same row as JSON, for expansion
/// columns built inside a read's own statement. The names are the code's own
/// constants, never input.
pub fn json_object_sql(alias: &str, columns: &str) -> String {
    let pairs: Vec<String> = columns
        .split(',')
        .map(str::trim)
        .map(|c| format!("'{c}', {alias}.{c}"))
        .collect();
    format!("json_object({})", pairs.join(", "))
}

/// A TEXT column holding JSON. Stored by us, so a parse failure is a bug (500).
/// Read as a `Value`, then by [`FromJson`] (the typed requests' reader): no
/// typed serde reader in the wasm, whose error texts bring core's float
/// formatting with them (BENCHMARKS.md 0m).
pub fn from_json<T: FromJson>(text: &str) -> Result<T, ApiError> {
    let value: Value = serde_json::from_str(text).map_err(ApiError::internal)?;
    T::from_json(&value).map_err(ApiError::internal)
}

/// A stored device state (a 500 if it is none: stored by us).
pub fn device_state(text: &str) -> Result<DeviceState, ApiError> {
    DeviceState::parse(text).ok_or_else(|| ApiError::internal(format!("not a device state: {text}")))
}

/// A row SQLite wrote as JSON (`json_object(...)`), read as its row type.
pub fn row_from_json<T: FromRow>(text: &str) -> Result<T, ApiError> {
    T::from_row(&mut Columns::parse(text)?)
}

/// Rows SQLite wrote as a JSON array (`json_group_array(json_object(...))`).
pub fn rows_from_json<T: FromRow>(text: &str) -> Result<Vec<T>, ApiError> {
    Columns::parse_array(text)
}

/// A UNIQUE constraint failure becomes 5209 `{path, "unique"}`; any other
/// error passes through.
pub fn unique_as(err: ApiError, path: &str, message: &str) -> ApiError {
    if is_unique_violation(&err) {
        ApiError::invalid(path, ViolationCode::Unique, message)
    } else {
        err
    }
}
