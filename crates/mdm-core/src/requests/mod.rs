//! Request bodies: one `Schema` constant and one typed struct each. `parse`
//! validates a JSON value against the schema, applies the body's cross-field
//! rules, and only then builds the struct, so a caller either gets a value it
//! can trust or the complete list of what is wrong.

pub mod admin;
pub mod aosp;
pub mod device;
pub mod google;
pub mod windows;

use crate::patterns::Pattern;
use crate::schema::{validate, Schema};
use crate::violation::{Violation, ViolationCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A request body the API accepts.
pub trait RequestBody: DeserializeOwned {
    /// The body's schema, also published in the OpenAPI document.
    const SCHEMA: Schema;
    /// The name of the body in the OpenAPI document and the npm package.
    const NAME: &'static str;

    /// Rules that relate several fields. Runs on the raw value, also when the
    /// schema found problems, so a client learns everything at once.
    fn cross_field_rules(_body: &Value, _out: &mut Vec<Violation>) {}
}

/// How a request body's bytes become JSON, for the worker and the npm package
/// alike (so both answer a blank or malformed body with the same violation):
/// blank is `required`, unparsable is `format` with serde_json's message.
pub fn parse_body_text(bytes: &[u8]) -> Result<Value, Violation> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Violation::new(
            "",
            ViolationCode::Required,
            "a JSON request body is required",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| Violation::new("", ViolationCode::Format, format!("malformed JSON: {e}")))
}

/// Validates `body` and builds the typed request, or returns every violation.
pub fn parse<T: RequestBody>(body: &Value) -> Result<T, Vec<Violation>> {
    let violations = violations::<T>(body);
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut normalized = body.clone();
    normalize(&T::SCHEMA, &mut normalized);
    // The schema and the struct describe the same fields, so this cannot fail
    // unless they drift apart; a test per body guards that, and the error is
    // still reported as a value rather than a panic.
    T::deserialize(&normalized).map_err(|e| vec![Violation::new("", ViolationCode::Type, e.to_string())])
}

/// Builds the typed request from a body that already passed its schema and
/// cross-field rules (the worker's dispatcher validates before the handler
/// asks for the type, so the rules run once per request).
pub fn build<T: RequestBody>(mut body: Value) -> Result<T, Vec<Violation>> {
    normalize(&T::SCHEMA, &mut body);
    T::deserialize(&body).map_err(|e| vec![Violation::new("", ViolationCode::Type, e.to_string())])
}

/// Only the violations of `body` (what a form shows while a person types).
pub fn violations<T: RequestBody>(body: &Value) -> Vec<Violation> {
    let mut violations = validate(&T::SCHEMA, body);
    T::cross_field_rules(body, &mut violations);
    crate::violation::capped(violations)
}

/// What a typed request holds after validation, so handlers store it as it
/// is: JSON numbers such as `3.0` (integers to JavaScript and to the
/// validator) become integer JSON numbers that serde accepts as `i64`, and
/// entity ids (24 hex, any case) become lowercase, as ids are stored.
fn normalize(schema: &Schema, value: &mut Value) {
    match (schema, value) {
        (Schema::String(rule), Value::String(s)) if rule.pattern == Some(Pattern::ObjectId) => {
            s.make_ascii_lowercase();
        }
        (Schema::Integer(_), v @ Value::Number(_)) => {
            if let Some(f) = v.as_f64().filter(|_| !v.is_i64() && !v.is_u64()) {
                *v = Value::from(f as i64);
            }
        }
        (Schema::Array(rule), Value::Array(items)) => {
            for item in items {
                normalize(rule.items, item);
            }
        }
        (Schema::Object(fields), Value::Object(map)) => {
            for field in fields.iter() {
                if let Some(v) = map.get_mut(field.name) {
                    normalize(&field.schema, v);
                }
            }
        }
        _ => {}
    }
}

/// Cross-field rule shared by assignment lists: each policy may appear once.
pub(crate) fn unique_ids_in(body: &Value, list: &str, id_field: &str, out: &mut Vec<Violation>) {
    let Some(items) = body.get(list).and_then(Value::as_array) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let Some(id) = item.get(id_field).and_then(Value::as_str) else {
            continue;
        };
        let seen_before = items[..i].iter().any(|prev| {
            prev.get(id_field)
                .and_then(Value::as_str)
                .is_some_and(|p| p.eq_ignore_ascii_case(id))
        });
        if seen_before {
            out.push(Violation::new(
                format!("{list}[{i}].{id_field}"),
                ViolationCode::Unique,
                "is assigned more than once",
            ));
        }
    }
}

#[cfg(test)]
mod body_text_tests {
    use super::parse_body_text;

    #[test]
    fn blank_malformed_and_good_bodies() {
        assert_eq!(parse_body_text(b" \n").unwrap_err().code.as_str(), "required");
        let e = parse_body_text(b"{\"a\":").unwrap_err();
        assert_eq!((e.path.as_str(), e.code.as_str()), ("", "format"));
        assert!(e.message.starts_with("malformed JSON: "));
        assert_eq!(parse_body_text(b" {\"a\": 1} ").unwrap(), serde_json::json!({"a": 1}));
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// (path, code) pairs of a body's violations, for compact assertions.
    pub fn codes<T: RequestBody>(body: Value) -> Vec<(String, &'static str)> {
        violations::<T>(&body)
            .into_iter()
            .map(|v| (v.path, v.code.as_str()))
            .collect()
    }

    /// Asserts that the body is valid AND builds the typed struct.
    pub fn accepts<T: RequestBody + std::fmt::Debug>(body: Value) -> T {
        match parse::<T>(&body) {
            Ok(t) => t,
            Err(v) => panic!("{} rejected {body}: {v:?}", T::NAME),
        }
    }

    /// Asserts exactly one violation, at `path` with `code`.
    pub fn rejects<T: RequestBody>(body: Value, path: &str, code: &str) {
        assert_eq!(
            codes::<T>(body.clone()),
            vec![(path.to_owned(), code)],
            "{} on {body}",
            T::NAME
        );
    }
}
