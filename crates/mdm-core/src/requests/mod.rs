//! Request bodies: one `Schema` constant and one typed struct each.
//! `read_body` validates a body's JSON bytes against the schema (the
//! single-pass validator, `crate::scan`), applies the body's cross-field
//! rules, and only then builds the struct, so a caller either gets a value it
//! can trust or the complete list of what is wrong.

pub mod admin;
pub mod aosp;
pub mod build;
pub mod device;
pub mod google;
pub mod windows;

use crate::patterns::Pattern;
use crate::scan::{self, JsonView};
use crate::schema::{Dependency, Schema};
use crate::violation::{Violation, ViolationCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(any(test, feature = "oracle"))]
mod oracle;
#[cfg(any(test, feature = "oracle"))]
pub use oracle::{
    built_alike, parse, parse_text as oracle_parse_text, text_violations as oracle_text_violations, violations,
};

/// A request body the API accepts.
pub trait RequestBody: DeserializeOwned + build::FromJson {
    /// The body's schema, also published in the OpenAPI document.
    const SCHEMA: Schema;
    /// The name of the body in the OpenAPI document and the npm package.
    const NAME: &'static str;

    /// Rules that relate several fields. Runs on the raw value, also when the
    /// schema found problems, so a client learns everything at once. Written
    /// once against [`JsonView`]: the validator runs them over the body's
    /// bytes, the test oracle over a `serde_json::Value`. (Unique ids in a
    /// list are declared in the schema instead, [`Schema::unique_by`], and
    /// a field tied to a boolean one in [`Self::DEPENDENCIES`].)
    fn cross_field_rules<'a, J: JsonView<'a>>(_body: J, _out: &mut Vec<Violation>) {}

    /// Top-level fields required, or allowed only, when a boolean field is
    /// `true`: checked by the validator as it reads the body, with no
    /// members recorded and no rules run.
    const DEPENDENCIES: &'static [Dependency] = &[];

    /// How deep `cross_field_rules` reads, so that the validator records
    /// where the members are only that deep: 0, no rules (the validator
    /// then does not run them); 1, the top object's members; 2, also their
    /// members or items. In debug builds (the tests) the rules always run,
    /// and a read deeper than declared fails a debug assertion (`Raw`'s
    /// reads), so a body whose rules forgot this fails its tests.
    const RULES_READ_LEVELS: usize = 0;
}

/// How a free-form body's bytes become JSON (the worker's debug echo): blank
/// is `required`, unparsable is `format` with serde_json's message, as for
/// every request body ([`read_body`]).
pub fn parse_body_text(bytes: &[u8]) -> Result<Value, Violation> {
    scan::check_syntax(bytes)?;
    crate::json_text::parse_value(bytes).map_err(|e| Violation::new("", ViolationCode::Format, e))
}

/// Every violation of the JSON text `bytes` as a `T` (empty when valid): a
/// blank or malformed body is the one violation the server answers with.
pub fn body_violations<T: RequestBody>(bytes: &[u8]) -> Vec<Violation> {
    scan::check_body::<T>(bytes).unwrap_or_else(|v| vec![v])
}

/// Validates the JSON text `bytes` and builds the typed request, or returns
/// every violation.
pub fn read_body<T: RequestBody>(bytes: &[u8]) -> Result<T, Vec<Violation>> {
    let violations = body_violations::<T>(bytes);
    if !violations.is_empty() {
        return Err(violations);
    }
    build_text::<T>(bytes)
}

/// Builds the typed request from a body's bytes that already passed
/// [`body_violations`] (the worker's dispatcher validates before the handler
/// asks for the type, so the rules run once per request).
pub fn build_text<T: RequestBody>(bytes: &[u8]) -> Result<T, Vec<Violation>> {
    // Valid, so this parse cannot fail; the struct is built from the Value
    // (a repeated key, or an integral float such as 3.0 for an integer,
    // which the validator accepts as JavaScript does, needs the Value), by
    // `build::FromJson`: no serde derive per body in the worker's wasm.
    let mut value =
        crate::json_text::parse_value(bytes).map_err(|e| vec![Violation::new("", ViolationCode::Format, e)])?;
    normalize(&T::SCHEMA, &mut value);
    // The schema and the struct describe the same fields, so this cannot
    // fail unless they drift apart; a test per body guards that, and the
    // error is still reported as a value rather than a panic.
    T::from_json(&value).map_err(|e| vec![Violation::new("", ViolationCode::Type, e)])
}

/// What a typed request holds after validation, so handlers store it as it
/// is: JSON numbers such as `3.0` (integers to JavaScript and to the
/// validator) become integer JSON numbers that serde accepts as `i64`, and
/// entity ids (24 hex, any case) become lowercase, as ids are stored.
pub(crate) fn normalize(schema: &Schema, value: &mut Value) {
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

    /// (path, code) pairs of a body's violations, for compact assertions;
    /// the single-pass validator over the body's text, checked against the oracle.
    pub fn codes<T: RequestBody>(body: Value) -> Vec<(String, &'static str)> {
        let got = body_violations::<T>(&serde_json::to_vec(&body).unwrap());
        assert_eq!(got, violations::<T>(&body), "{} on {body}", T::NAME);
        got.into_iter().map(|v| (v.path, v.code.as_str())).collect()
    }

    /// Asserts that the body is valid AND builds the typed struct, from its
    /// text as the worker does and from the Value as the oracle did.
    pub fn accepts<T: RequestBody + std::fmt::Debug + PartialEq>(body: Value) -> T {
        let from_text = read_body::<T>(&serde_json::to_vec(&body).unwrap());
        match (from_text, parse::<T>(&body)) {
            (Ok(t), Ok(o)) => {
                assert_eq!(t, o, "{}", T::NAME);
                t
            }
            (t, o) => panic!("{} rejected {body}: {:?} / oracle {:?}", T::NAME, t.err(), o.err()),
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
