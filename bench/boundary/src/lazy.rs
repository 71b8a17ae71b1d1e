//! What-if for mdm-core (not used by the package): `schema::check` with paths
//! built only when a violation is reported. Today every field and array item
//! gets its path `String` (`field_path` / `format!("{parent}[{i}]")`) before it
//! is checked, so a valid body allocates one string per value. Here the path is
//! a chain of borrowed segments on the stack, rendered on demand. Same rules,
//! same order, same messages: boundary.mjs checks the output equals the
//! package's for the whole corpus.

use mdm_core::schema::{Format, IntegerRule, Schema, StringRule};
use mdm_core::violation::{Violation, ViolationCode as Code};
use serde_json::{Map, Value};

#[derive(Clone, Copy)]
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                push_usize(out, *i);
                out.push(']');
            }
        }
    }
}

fn push_usize(out: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(core::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

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
                        format!("must be at least {}", rule.min),
                    ));
                } else if n > rule.max {
                    out.push(Violation::new(
                        path.render(),
                        Code::Max,
                        format!("must be at most {}", rule.max),
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

fn check_object(fields: &[mdm_core::schema::Field], map: &Map<String, Value>, path: &Path, out: &mut Vec<Violation>) {
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

fn check_string(rule: &StringRule, s: &str, path: &Path, out: &mut Vec<Violation>) {
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
            Format::Email => (mdm_core::patterns::is_email(s), "must be a valid email address"),
            Format::HttpsUrl => (mdm_core::patterns::is_https_url(s), "must be an absolute https:// URL"),
            Format::DateTime => (
                mdm_core::time::parse_rfc3339(s).is_some(),
                "must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
            ),
        };
        if !ok {
            out.push(Violation::new(path.render(), Code::Format, message));
        }
    }
}

fn check_integer(rule: &IntegerRule, value: &Value, path: &Path, out: &mut Vec<Violation>) {
    let Value::Number(n) = value else {
        out.push(type_violation(path, "an integer", value));
        return;
    };
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

/// `catalog::violations_of` for the three corpus bodies, with the lazy check.
pub fn violations_of(name: &str, body: &Value) -> Option<Vec<Violation>> {
    use mdm_core::requests::{aosp, windows};
    use mdm_core::RequestBody;
    fn run<T: RequestBody>(body: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        check(&T::SCHEMA, body, &Path::Root, &mut out);
        T::cross_field_rules(body, &mut out);
        out
    }
    Some(match name {
        aosp::AospDeviceUpdate::NAME => run::<aosp::AospDeviceUpdate>(body),
        aosp::AospTokenCreate::NAME => run::<aosp::AospTokenCreate>(body),
        windows::WinTokenUpdate::NAME => run::<windows::WinTokenUpdate>(body),
        _ => return None,
    })
}
