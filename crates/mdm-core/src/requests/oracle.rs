//! The validator as it was before the single-pass one: parse to a
//! `serde_json::Value`, walk it with `schema::validate`, run the cross-field
//! rules over the Value. Kept only as the oracle the single-pass validator
//! is tested against (`crate::scan::differential`), and for benchmarks.

use super::{normalize, RequestBody};
use crate::schema::validate;
use crate::violation::{Violation, ViolationCode};
use serde_json::Value;

/// Validates `body` and builds the typed request, or returns every violation.
pub fn parse<T: RequestBody>(body: &Value) -> Result<T, Vec<Violation>> {
    let violations = violations::<T>(body);
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut normalized = body.clone();
    normalize(&T::SCHEMA, &mut normalized);
    T::deserialize(&normalized).map_err(|e| vec![Violation::new("", ViolationCode::Type, e.to_string())])
}

/// A valid body's typed request as the worker builds it
/// (`build::FromJson`, through [`super::build_text`]) and as serde's derive
/// builds it from the same normalized value: `Err` names both when they
/// differ (compared by their `Debug` text).
pub fn built_alike<T: RequestBody + std::fmt::Debug>(bytes: &[u8]) -> Result<(), String> {
    let ours = super::build_text::<T>(bytes).map_err(|v| format!("{v:?}"));
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    normalize(&T::SCHEMA, &mut value);
    let serdes = T::deserialize(&value).map_err(|e| e.to_string());
    match (ours, serdes) {
        (Ok(a), Ok(b)) if format!("{a:?}") == format!("{b:?}") => Ok(()),
        (a, b) => Err(format!("built: {a:?}\nserde: {b:?}")),
    }
}

/// Only the violations of `body`.
pub fn violations<T: RequestBody>(body: &Value) -> Vec<Violation> {
    let mut violations = validate(&T::SCHEMA, body);
    T::cross_field_rules(body, &mut violations);
    crate::violation::capped(violations)
}

/// The body text read as the server read it before: blank is `required`,
/// unparsable is `format` with serde_json's message.
pub fn parse_text(bytes: &[u8]) -> Result<Value, Violation> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Violation::new(
            "",
            ViolationCode::Required,
            "a JSON request body is required",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| Violation::new("", ViolationCode::Format, format!("malformed JSON: {e}")))
}

/// Every violation of the body text `bytes` as a `T`, the old way.
pub fn text_violations<T: RequestBody>(bytes: &[u8]) -> Vec<Violation> {
    match parse_text(bytes) {
        Ok(value) => violations::<T>(&value),
        Err(v) => vec![v],
    }
}
