//! A small declarative schema language for request bodies, and the one validator
//! that walks a JSON value against it.
//!
//! Why not serde alone: serde stops at the first error and cannot tell a client
//! *every* problem with a body. Why not a JSON-Schema crate: size in wasm, and
//! we want the exact messages and codes of the contract. The same constants are
//! turned into JSON Schema for the OpenAPI document (`Schema::to_json_schema`),
//! so the published document cannot drift from what is enforced.

use crate::patterns::Pattern;
#[cfg(any(test, feature = "oracle"))]
use crate::patterns::{is_email, is_https_url};
#[cfg(any(test, feature = "oracle"))]
use crate::violation::{Path, Violation, ViolationCode as Code};
use serde_json::{json, Map, Value};

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// Formats checked beyond a regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    HttpsUrl,
    /// RFC 3339 timestamp.
    DateTime,
}

#[derive(Debug, Clone, Copy)]
pub struct StringRule {
    pub min_length: usize,
    pub max_length: Option<usize>,
    pub pattern: Option<Pattern>,
    pub one_of: Option<&'static [&'static str]>,
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Copy)]
pub struct IntegerRule {
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct NumberRule {
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct ArrayRule {
    pub items: &'static Schema,
    pub max_items: Option<usize>,
    /// The items are objects whose string field of this name differs, ASCII
    /// case aside, from every earlier item's (each policy assigned once).
    /// A violation of it is a cross-field rule's: reported after the
    /// schema's own violations ([`Schema::unique_by`]).
    pub unique_by: Option<&'static str>,
}

/// A body's rule between one of its top-level fields and a boolean one
/// (`RequestBody::DEPENDENCIES`): `field` required when `on` is `true`, or
/// allowed only then. The validator checks it as it reads the body; a
/// broken one is a `dependency` violation at `field`, reported after the
/// schema's own violations, with those of [`Schema::unique_by`], in field
/// order. Built against the body's schema: a name it does not have,
/// or an `on` that is not boolean, fails the build.
#[derive(Debug, Clone, Copy)]
pub struct Dependency {
    pub field: &'static str,
    /// `field`'s index in the schema.
    pub field_index: usize,
    /// A boolean field of the same body: the rule reads whether it is `true`.
    pub on: &'static str,
    /// `on`'s index in the schema.
    pub on_index: usize,
    /// Required when `on` is `true` (`true`), or present only then (`false`).
    pub required: bool,
    pub message: &'static str,
}

impl Dependency {
    /// `field` of `schema` is allowed only when `on` is `true`.
    pub const fn only_when_true(schema: &Schema, field: &'static str, on: &'static str, message: &'static str) -> Self {
        Dependency::new(schema, field, on, false, message)
    }
    /// `field` of `schema` is required when `on` is `true`.
    pub const fn required_when_true(
        schema: &Schema,
        field: &'static str,
        on: &'static str,
        message: &'static str,
    ) -> Self {
        Dependency::new(schema, field, on, true, message)
    }

    const fn new(
        schema: &Schema,
        field: &'static str,
        on: &'static str,
        required: bool,
        message: &'static str,
    ) -> Self {
        let Schema::Object(fields) = schema else {
            panic!("a dependency on a body that is no object")
        };
        let on_index = field_index(fields, on);
        assert!(
            matches!(fields[on_index].schema, Schema::Boolean),
            "a dependency on a field that is not boolean"
        );
        Dependency {
            field,
            field_index: field_index(fields, field),
            on,
            on_index,
            required,
            message,
        }
    }
}

/// The index of the field `name` (when the schema is built).
const fn field_index(fields: &[Field], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        let (a, b) = (fields[i].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("a dependency names a field the body does not have")
}

/// One field of an object schema.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub schema: Schema,
    pub required: bool,
    /// `null` is accepted (and means "clear this").
    pub nullable: bool,
    /// For the OpenAPI document and the TypeScript types; empty in builds
    /// without the `descriptions` feature (the npm package's wasm, which
    /// never shows them).
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub enum Schema {
    String(StringRule),
    Integer(IntegerRule),
    Number(NumberRule),
    Boolean,
    Array(ArrayRule),
    /// A closed object: fields not listed are `unknownField` violations.
    Object(&'static [Field]),
    /// Any JSON object (free-form configuration blobs).
    AnyObject,
}

impl Schema {
    /// The most fields any object in this schema has, nested ones included:
    /// the validator keeps the fields it has seen as bits of one word.
    pub(crate) const fn widest_object(&self) -> usize {
        match self {
            Schema::Object(fields) => {
                let mut widest = fields.len();
                let mut i = 0;
                while i < fields.len() {
                    let inner = fields[i].schema.widest_object();
                    if inner > widest {
                        widest = inner;
                    }
                    i += 1;
                }
                widest
            }
            Schema::Array(rule) => rule.items.widest_object(),
            _ => 0,
        }
    }
}

// ---- const builders, so schemas are plain `const` items -------------------

pub const fn string() -> StringRule {
    StringRule {
        min_length: 0,
        max_length: None,
        pattern: None,
        one_of: None,
        format: None,
    }
}

impl StringRule {
    pub const fn min(mut self, n: usize) -> Self {
        self.min_length = n;
        self
    }
    pub const fn max(mut self, n: usize) -> Self {
        self.max_length = Some(n);
        self
    }
    pub const fn pattern(mut self, p: Pattern) -> Self {
        self.pattern = Some(p);
        self
    }
    pub const fn one_of(mut self, values: &'static [&'static str]) -> Self {
        self.one_of = Some(values);
        self
    }
    pub const fn format(mut self, f: Format) -> Self {
        self.format = Some(f);
        self
    }
    pub const fn schema(self) -> Schema {
        Schema::String(self)
    }
}

pub const fn integer(min: i64, max: i64) -> Schema {
    Schema::Integer(IntegerRule { min, max })
}

pub const fn number(min: f64, max: f64) -> Schema {
    Schema::Number(NumberRule { min, max })
}

pub const fn array(items: &'static Schema) -> Schema {
    Schema::Array(ArrayRule {
        items,
        max_items: None,
        unique_by: None,
    })
}

pub const fn array_max(items: &'static Schema, max_items: usize) -> Schema {
    Schema::Array(ArrayRule {
        items,
        max_items: Some(max_items),
        unique_by: None,
    })
}

impl Schema {
    /// An array whose items' field `id` is unique, ASCII case aside: a
    /// cross-field rule declared as data, so that the single-pass validator
    /// checks it while it reads the items instead of reading them again.
    /// Its violations (`unique`, "is assigned more than once", at the later
    /// item's id) come after the schema's, before the body's other rules.
    /// Only a top-level field of a request body may declare it (a test
    /// checks): the oracle looks for it there.
    pub const fn unique_by(self, id: &'static str) -> Schema {
        match self {
            Schema::Array(mut rule) => {
                rule.unique_by = Some(id);
                Schema::Array(rule)
            }
            _ => panic!("unique_by: not an array"),
        }
    }
}

pub const OBJECT_ID: Schema = string().pattern(Pattern::ObjectId).schema();
pub const SAFE_INTEGER: Schema = integer(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER);
pub const NON_NEGATIVE_SAFE_INTEGER: Schema = integer(0, MAX_SAFE_INTEGER);
pub const DATE_TIME: Schema = string().format(Format::DateTime).schema();

const fn described(description: &'static str) -> &'static str {
    if cfg!(feature = "descriptions") {
        description
    } else {
        ""
    }
}

impl Field {
    pub const fn required(name: &'static str, schema: Schema, description: &'static str) -> Field {
        Field {
            name,
            schema,
            required: true,
            nullable: false,
            description: described(description),
        }
    }
    pub const fn optional(name: &'static str, schema: Schema, description: &'static str) -> Field {
        Field {
            name,
            schema,
            required: false,
            nullable: false,
            description: described(description),
        }
    }
    pub const fn nullable(mut self) -> Field {
        self.nullable = true;
        self
    }
}

// ---- validation over a Value (the oracle) -------------------------------------
//
// The API validates bytes with the single-pass validator (`crate::scan`);
// this walk over a parsed `serde_json::Value` is the reference it is tested
// against, built only for tests and the `oracle` feature.

#[cfg(any(test, feature = "oracle"))]
/// Every violation of `value` against `schema`, in document order. Never panics,
/// whatever the input.
pub fn validate(schema: &Schema, value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    check(schema, value, &Path::Root, &mut out);
    out
}

#[cfg(any(test, feature = "oracle"))]
/// Appends the violations of `value` (found at `path`) to `out`.
pub fn check(schema: &Schema, value: &Value, path: &Path, out: &mut Vec<Violation>) {
    match schema {
        Schema::String(rule) => match value {
            Value::String(s) => check_string(rule, s, path, out),
            _ => out.push(type_violation(path, "a string", value)),
        },
        Schema::Integer(rule) => check_integer(rule, value, path, out),
        Schema::Number(rule) => match value.as_f64() {
            Some(n) if value.is_number() => {
                if n < rule.min {
                    out.push(Violation::new(
                        path.render(),
                        Code::Min,
                        format!("must be at least {}", format_bound(rule.min)),
                    ));
                } else if n > rule.max {
                    out.push(Violation::new(
                        path.render(),
                        Code::Max,
                        format!("must be at most {}", format_bound(rule.max)),
                    ));
                }
            }
            _ => out.push(type_violation(path, "a number", value)),
        },
        Schema::Boolean => {
            if !value.is_boolean() {
                out.push(type_violation(path, "a boolean", value));
            }
        }
        Schema::Array(rule) => match value {
            Value::Array(items) => {
                if let Some(max) = rule.max_items {
                    if items.len() > max {
                        out.push(Violation::new(
                            path.render(),
                            Code::MaxItems,
                            format!("must have at most {max} items"),
                        ));
                    }
                }
                for (i, item) in items.iter().enumerate() {
                    check(rule.items, item, &Path::Index(path, i), out);
                }
            }
            _ => out.push(type_violation(path, "an array", value)),
        },
        Schema::Object(fields) => match value {
            Value::Object(map) => check_object(fields, map, path, out),
            _ => out.push(type_violation(path, "an object", value)),
        },
        Schema::AnyObject => {
            if !value.is_object() {
                out.push(type_violation(path, "an object", value));
            }
        }
    }
}

#[cfg(any(test, feature = "oracle"))]
fn check_object(fields: &[Field], map: &Map<String, Value>, path: &Path, out: &mut Vec<Violation>) {
    for field in fields {
        let child = Path::Key(path, field.name);
        match map.get(field.name) {
            None => {
                if field.required {
                    out.push(Violation::new(child.render(), Code::Required, "is required"));
                }
            }
            Some(Value::Null) if field.nullable => {}
            Some(v) => check(&field.schema, v, &child, out),
        }
    }
    for key in map.keys() {
        if !fields.iter().any(|f| f.name == key) {
            out.push(Violation::new(
                Path::Key(path, key).render(),
                Code::UnknownField,
                "is not a known field",
            ));
        }
    }
}

#[cfg(any(test, feature = "oracle"))]
fn check_string(rule: &StringRule, s: &str, path: &Path, out: &mut Vec<Violation>) {
    // Lengths count Unicode scalar values: what a person calls characters.
    let len = s.chars().count();
    if len < rule.min_length {
        let message = if rule.min_length == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must be at least {} characters", rule.min_length)
        };
        out.push(Violation::new(path.render(), Code::MinLength, message));
    }
    if let Some(max) = rule.max_length {
        if len > max {
            out.push(Violation::new(
                path.render(),
                Code::MaxLength,
                format!("must be at most {max} characters"),
            ));
        }
    }
    if let Some(values) = rule.one_of {
        if !values.contains(&s) {
            out.push(Violation::new(
                path.render(),
                Code::Enum,
                format!("must be one of: {}", values.join(", ")),
            ));
        }
    }
    if let Some(p) = rule.pattern {
        if !p.matches(s) {
            out.push(Violation::new(path.render(), Code::Pattern, p.describe()));
        }
    }
    if let Some(f) = rule.format {
        let (ok, message) = match f {
            Format::Email => (is_email(s), "must be a valid email address"),
            Format::HttpsUrl => (is_https_url(s), "must be an absolute https:// URL"),
            Format::DateTime => (
                crate::time::parse_rfc3339(s).is_some(),
                "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
            ),
        };
        if !ok {
            out.push(Violation::new(path.render(), Code::Format, message));
        }
    }
}

#[cfg(any(test, feature = "oracle"))]
fn check_integer(rule: &IntegerRule, value: &Value, path: &Path, out: &mut Vec<Violation>) {
    let Value::Number(n) = value else {
        out.push(type_violation(path, "an integer", value));
        return;
    };
    // i64, then u64 (too big for i64), then f64: JSON numbers like 1.0 or 1e3 are
    // integers to a browser, so integral floats count as integers too.
    let too_big = |out: &mut Vec<Violation>| {
        out.push(Violation::new(
            path.render(),
            Code::Max,
            format!("must be at most {}", rule.max),
        ))
    };
    let too_small = |out: &mut Vec<Violation>| {
        out.push(Violation::new(
            path.render(),
            Code::Min,
            format!("must be at least {}", rule.min),
        ))
    };
    if let Some(i) = n.as_i64() {
        if i < rule.min {
            too_small(out);
        } else if i > rule.max {
            too_big(out);
        }
    } else if n.as_u64().is_some() {
        too_big(out);
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() || f.fract() != 0.0 {
            out.push(Violation::new(path.render(), Code::Type, "must be an integer"));
        } else if f < rule.min as f64 {
            too_small(out);
        } else if f > rule.max as f64 {
            too_big(out);
        }
    }
}

#[cfg(any(test, feature = "oracle"))]
/// A number bound as text. Whole bounds print as integers; others through
/// serde_json's shortest form. Avoids `f64`'s `Display`, whose formatting code
/// would add about 9 kB (gzipped) to every browser's wasm.
fn format_bound(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        (x as i64).to_string()
    } else {
        serde_json::Number::from_f64(x).map_or_else(|| "a finite number".to_owned(), |n| n.to_string())
    }
}

#[cfg(any(test, feature = "oracle"))]
fn type_violation(path: &Path, expected: &str, got: &Value) -> Violation {
    let got = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Violation::new(path.render(), Code::Type, format!("must be {expected}, not {got}"))
}

// ---- JSON Schema (for the OpenAPI document) ---------------------------------

impl Schema {
    /// This schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1).
    pub fn to_json_schema(&self) -> Value {
        match self {
            Schema::String(rule) => {
                let mut s = Map::new();
                s.insert("type".into(), json!("string"));
                if rule.min_length > 0 {
                    s.insert("minLength".into(), json!(rule.min_length));
                }
                if let Some(max) = rule.max_length {
                    s.insert("maxLength".into(), json!(max));
                }
                if let Some(p) = rule.pattern {
                    s.insert("pattern".into(), json!(p.regex()));
                }
                if let Some(values) = rule.one_of {
                    s.insert("enum".into(), json!(values));
                }
                match rule.format {
                    Some(Format::Email) => {
                        s.insert("format".into(), json!("email"));
                    }
                    Some(Format::HttpsUrl) => {
                        s.insert("format".into(), json!("uri"));
                        s.insert("pattern".into(), json!("^https://[^/?#\\s]+[^\\s]*$"));
                    }
                    Some(Format::DateTime) => {
                        s.insert("format".into(), json!("date-time"));
                    }
                    None => {}
                }
                Value::Object(s)
            }
            Schema::Integer(rule) => json!({"type": "integer", "minimum": rule.min, "maximum": rule.max}),
            Schema::Number(rule) => json!({"type": "number", "minimum": rule.min, "maximum": rule.max}),
            Schema::Boolean => json!({"type": "boolean"}),
            Schema::Array(rule) => {
                let mut s = json!({"type": "array", "items": rule.items.to_json_schema()});
                if let Some(max) = rule.max_items {
                    s["maxItems"] = json!(max);
                }
                s
            }
            Schema::Object(fields) => object_json_schema(fields),
            Schema::AnyObject => json!({"type": "object"}),
        }
    }
}

fn object_json_schema(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut s = f.schema.to_json_schema();
        if f.nullable {
            if let Some(t) = s.get("type").cloned() {
                s["type"] = json!([t, "null"]);
            }
        }
        if !f.description.is_empty() {
            s["description"] = json!(f.description);
        }
        properties.insert(f.name.into(), s);
        if f.required {
            required.push(f.name);
        }
    }
    let mut s = json!({"type": "object", "properties": properties, "additionalProperties": false});
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ITEM: Schema = Schema::Object(&[
        Field::required("id", OBJECT_ID, ""),
        Field::required("priority", integer(0, 10_000), ""),
    ]);
    const BODY: Schema = Schema::Object(&[
        Field::optional("name", string().min(1).max(4).schema(), ""),
        Field::optional("items", array_max(&ITEM, 2), ""),
        Field::optional("user", OBJECT_ID, "").nullable(),
        Field::optional("n", SAFE_INTEGER, ""),
    ]);

    fn codes(v: Value) -> Vec<(String, &'static str)> {
        validate(&BODY, &v)
            .into_iter()
            .map(|v| (v.path, v.code.as_str()))
            .collect()
    }

    #[test]
    fn lists_every_violation_with_paths() {
        let got = codes(json!({
            "name": "",
            "items": [{"id": "x", "priority": 10001}, {"priority": 1.5}, {}],
            "user": null,
            "extra": 1
        }));
        assert_eq!(
            got,
            vec![
                ("name".into(), "minLength"),
                ("items".into(), "maxItems"),
                ("items[0].id".into(), "pattern"),
                ("items[0].priority".into(), "max"),
                ("items[1].id".into(), "required"),
                ("items[1].priority".into(), "type"),
                ("items[2].id".into(), "required"),
                ("items[2].priority".into(), "required"),
                ("extra".into(), "unknownField"),
            ]
        );
    }

    #[test]
    fn safe_integer_boundaries() {
        assert!(codes(json!({"n": 9007199254740991i64})).is_empty());
        assert_eq!(codes(json!({"n": 9007199254740992i64})), vec![("n".into(), "max")]);
        assert_eq!(codes(json!({"n": -9007199254740992i64})), vec![("n".into(), "min")]);
        assert_eq!(codes(json!({"n": u64::MAX})), vec![("n".into(), "max")]);
        assert_eq!(codes(json!({"n": 1e300})), vec![("n".into(), "max")]);
        assert!(codes(json!({"n": 3.0})).is_empty());
        assert_eq!(codes(json!({"n": "3"})), vec![("n".into(), "type")]);
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(codes(json!({"name": "éééé"})).is_empty());
        assert_eq!(codes(json!({"name": "ééééé"})), vec![("name".into(), "maxLength")]);
    }

    #[test]
    fn null_only_where_nullable() {
        assert!(codes(json!({"user": null})).is_empty());
        assert_eq!(codes(json!({"name": null})), vec![("name".into(), "type")]);
        assert_eq!(codes(json!(null)), vec![("".into(), "type")]);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or(Value::Null)),
            "[a-zA-Z0-9]{0,30}".prop_map(Value::String),
            prop_oneof![
                Just("name"),
                Just("items"),
                Just("id"),
                Just("priority"),
                Just("user"),
                Just("n")
            ]
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("name".to_string()),
                        Just("items".to_string()),
                        Just("id".to_string()),
                        Just("priority".to_string()),
                        Just("user".to_string()),
                        Just("n".to_string()),
                        "[a-z]{1,5}"
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics_and_every_path_is_rooted(v in arb_json()) {
            for violation in validate(&BODY, &v) {
                prop_assert!(!violation.message.is_empty());
                let root = violation.path.split(['.', '[']).next().unwrap_or("");
                prop_assert!(root.is_empty() || v.as_object().is_some_and(|m| m.contains_key(root)) || ["name","items","user","n"].contains(&root));
            }
        }
    }
}
