//! Small conversions every resource module needs: ids, timestamps, JSON
//! columns, and turning a UNIQUE conflict into a 5209 instead of a 500.

use serde::de::DeserializeOwned;

use mdm_core::RequestBody;

use crate::ctx::Ctx;
use crate::db::is_unique_violation;
use crate::http::{ApiError, ViolationCode};

/// A fresh 24-hex id (CSPRNG; a platform without randomness is a 500).
pub fn new_id(now_ms: i64) -> Result<String, ApiError> {
    mdm_core::ids::new_object_id(now_ms).map_err(ApiError::internal)
}

/// A fresh secret (enrollment token value, device secret).
pub fn new_secret() -> Result<String, ApiError> {
    mdm_core::ids::new_token_value().map_err(ApiError::internal)
}

/// Milliseconds → the API's RFC 3339 string.
pub fn ts(ms: i64) -> String {
    mdm_core::time::to_rfc3339(ms)
}

/// A TEXT column holding JSON. Stored by us, so a parse failure is a bug (500).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(ApiError::internal)
}

/// Read the JSON body and validate it with the shared crate (every violation
/// in one 5209), then build the typed request from the same bytes.
pub async fn body<T: RequestBody>(ctx: &mut Ctx) -> Result<T, ApiError> {
    let bytes = ctx.body_bytes().await?;
    Ok(mdm_core::read_body::<T>(&bytes)?)
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
