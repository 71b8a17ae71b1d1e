//! The validator as it was before the single-pass one: parse to a
//! `serde_json::Value`, walk it with `schema::validate`, run the cross-field
//! rules over the Value. Kept only as the oracle the single-pass validator
//! is tested against (`crate::scan::differential`), and for benchmarks.

use super::{normalize, RequestBody};
use crate::schema::{validate, ArrayRule, Dependency, Schema};
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
    declared_rules(&T::SCHEMA, T::DEPENDENCIES, body, &mut violations);
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

/// The declared rules of the body's top-level fields, in field order: for
/// each field, its [`Dependency`] rules, then its [`Schema::unique_by`].
fn declared_rules(schema: &Schema, dependencies: &[Dependency], body: &Value, out: &mut Vec<Violation>) {
    let Schema::Object(fields) = schema else { return };
    for field in fields.iter() {
        for d in dependencies.iter().filter(|d| d.field == field.name) {
            dependency(d, body, out);
        }
        if let Schema::Array(ArrayRule {
            unique_by: Some(id), ..
        }) = field.schema
        {
            unique_ids(field.name, id, body, out);
        }
    }
}

/// A field present without its boolean field `true`, or missing with it
/// `true` (as `d` says), is a `dependency` violation at the field.
fn dependency(d: &Dependency, body: &Value, out: &mut Vec<Violation>) {
    let Some(members) = body.as_object() else { return };
    let present = members.contains_key(d.field);
    let on = members.get(d.on).and_then(Value::as_bool) == Some(true);
    let broken = if d.required { on && !present } else { present && !on };
    if broken {
        out.push(Violation::new(d.field, ViolationCode::Dependency, d.message));
    }
}

/// In the list `field`, an item whose `id` an earlier item has already
/// (ASCII case aside) is a `unique` violation at that id, in item order.
/// Read as a parsed map reads: the last member of a repeated key.
fn unique_ids(field: &str, id: &str, body: &Value, out: &mut Vec<Violation>) {
    let Some(items) = body.get(field).and_then(Value::as_array) else {
        return;
    };
    let ids: Vec<Option<&str>> = items.iter().map(|item| item.get(id).and_then(Value::as_str)).collect();
    for (i, this) in ids.iter().enumerate() {
        let Some(this) = this else { continue };
        if ids[..i]
            .iter()
            .flatten()
            .any(|earlier| earlier.eq_ignore_ascii_case(this))
        {
            out.push(Violation::new(
                format!("{field}[{i}].{id}"),
                ViolationCode::Unique,
                "is assigned more than once",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Kind, ENTRIES};
    use crate::schema::{ArrayRule, Field, Schema};

    /// A body's dependencies are built against its schema (a name it does
    /// not have, or an `on` field that is not boolean, fails the build): the
    /// walk reads them by index, and whether a boolean member is `true`.
    #[test]
    fn dependencies_name_their_fields_by_index() {
        let mut declared = 0;
        for entry in ENTRIES.iter() {
            for d in entry.dependencies {
                let Schema::Object(fields) = entry.schema else {
                    panic!("{}: dependencies on a body that is no object", entry.name)
                };
                assert_eq!(fields[d.field_index].name, d.field, "{}", entry.name);
                assert_eq!(fields[d.on_index].name, d.on, "{}", entry.name);
                assert!(matches!(fields[d.on_index].schema, Schema::Boolean), "{}", entry.name);
                declared += 1;
            }
        }
        // maxEnrollments on perpetual (AOSP), mdmUserId on sendEmail (Windows).
        assert_eq!(declared, 2);
    }

    /// `unique_by` is read by the oracle on a request body's top-level
    /// fields only, so it may be declared only there, on a list of objects
    /// that have a string field of that name.
    #[test]
    fn unique_by_is_declared_only_where_the_oracle_reads_it() {
        fn nested(schema: &Schema) -> bool {
            match schema {
                Schema::Array(rule) => rule.unique_by.is_some() || nested(rule.items),
                Schema::Object(fields) => fields.iter().any(|f| nested(&f.schema)),
                _ => false,
            }
        }
        let mut declared = 0;
        for entry in ENTRIES.iter().filter(|e| matches!(e.kind, Kind::Request)) {
            let Schema::Object(fields) = entry.schema else { continue };
            for Field { name, schema, .. } in fields.iter() {
                let Schema::Array(ArrayRule { items, unique_by, .. }) = schema else {
                    assert!(!nested(schema), "{}.{name}: unique_by below the top level", entry.name);
                    continue;
                };
                assert!(!nested(items), "{}.{name}: unique_by below the top level", entry.name);
                let Some(id) = unique_by else { continue };
                let Schema::Object(item_fields) = items else {
                    panic!("{}.{name}: unique_by on a list of non-objects", entry.name)
                };
                assert!(
                    item_fields
                        .iter()
                        .any(|f| f.name == *id && matches!(f.schema, Schema::String(_))),
                    "{}.{name}: its items have no string field {id}",
                    entry.name
                );
                declared += 1;
            }
        }
        // Two AOSP bodies and three Windows ones.
        assert_eq!(declared, 5);
    }
}
