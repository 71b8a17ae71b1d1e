//! JavaScript values to `serde_json::Value` with `JSON.stringify` semantics, and
//! violations back to plain JavaScript objects.
//!
//! Why not serde-wasm-bindgen: a validator must see exactly what the server
//! would see after the client sends `JSON.stringify(body)`. So `undefined`,
//! functions and symbols are dropped from objects (and are `null` in arrays),
//! `toJSON` is honoured (a `Date` becomes its ISO string), `NaN`/`Infinity`
//! are `null`, and numbers get the JSON number kind serde_json would parse
//! from their text. Then `validate(obj)` and `validateJson(JSON.stringify(obj))`
//! agree, which the package tests check.

use js_sys::{Array, Function, Object, Reflect};
use mdm_core::violation::{Violation, ViolationCode};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting accepted, as serde_json's parser limit (which the server's
/// body parser hits first): deeper bodies never reach the validator there.
pub const MAX_DEPTH: usize = 127;

/// Why a value could not be turned into JSON.
pub enum Failure {
    /// A getter or `toJSON` threw: rethrown as is.
    Js(JsValue),
    /// Reported as a violation at the path where it happened (segments are
    /// collected while unwinding, innermost first).
    Invalid {
        rev_path: Vec<Segment>,
        code: ViolationCode,
        message: &'static str,
    },
}

pub enum Segment {
    Key(String),
    Index(u32),
}

impl Failure {
    fn invalid(code: ViolationCode, message: &'static str) -> Failure {
        Failure::Invalid {
            rev_path: Vec::new(),
            code,
            message,
        }
    }

    fn at(mut self, segment: impl FnOnce() -> Segment) -> Failure {
        if let Failure::Invalid { rev_path, .. } = &mut self {
            rev_path.push(segment());
        }
        self
    }

    /// The violation, or the JavaScript exception to rethrow.
    pub fn into_violation(self) -> Result<Violation, JsValue> {
        match self {
            Failure::Js(e) => Err(e),
            Failure::Invalid {
                rev_path,
                code,
                message,
            } => {
                let mut path = String::new();
                for seg in rev_path.iter().rev() {
                    match seg {
                        Segment::Key(k) => {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(k);
                        }
                        Segment::Index(i) => {
                            path.push('[');
                            path.push_str(&i.to_string());
                            path.push(']');
                        }
                    }
                }
                Ok(Violation::new(path, code, message))
            }
        }
    }
}

/// `JSON.parse(JSON.stringify(v))`, as a serde_json value. `Ok(None)` for a
/// value `JSON.stringify` leaves out (`undefined`, a function, a symbol).
pub fn to_json(v: &JsValue) -> Result<Option<Value>, Failure> {
    convert(v, 0, true)
}

fn convert(v: &JsValue, depth: usize, call_to_json: bool) -> Result<Option<Value>, Failure> {
    if let Some(s) = v.as_string() {
        return Ok(Some(Value::String(s)));
    }
    if let Some(n) = v.as_f64() {
        return Ok(Some(number(n)));
    }
    if let Some(b) = v.as_bool() {
        return Ok(Some(Value::Bool(b)));
    }
    if v.is_null() {
        return Ok(Some(Value::Null));
    }
    if v.is_undefined() || v.is_function() || v.is_symbol() {
        return Ok(None);
    }
    if v.is_bigint() {
        return Err(Failure::invalid(
            ViolationCode::Type,
            "is a BigInt, which JSON cannot represent",
        ));
    }
    if call_to_json {
        let to_json = Reflect::get(v, &JsValue::from_str("toJSON")).map_err(Failure::Js)?;
        if let Some(f) = to_json.dyn_ref::<Function>() {
            let replaced = f.call0(v).map_err(Failure::Js)?;
            return convert(&replaced, depth, false);
        }
    }
    // Boxed primitives serialize as their primitive.
    if v.is_instance_of::<js_sys::Number>()
        || v.is_instance_of::<js_sys::JsString>()
        || v.is_instance_of::<js_sys::Boolean>()
    {
        let inner = v.unchecked_ref::<Object>().value_of();
        if !inner.is_object() {
            return convert(&inner, depth, false);
        }
    }
    if depth >= MAX_DEPTH {
        return Err(Failure::invalid(
            ViolationCode::Format,
            "nests too deeply (or refers to itself) to be sent as JSON",
        ));
    }
    if Array::is_array(v) {
        let array: &Array = v.unchecked_ref();
        let len = array.length();
        let mut items = Vec::with_capacity(len as usize);
        for i in 0..len {
            let item = convert(&array.get(i), depth + 1, true).map_err(|f| f.at(|| Segment::Index(i)))?;
            items.push(item.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(items)));
    }
    let mut map = Map::new();
    let entries = Object::entries(v.unchecked_ref());
    for entry in entries.iter() {
        let pair: &Array = entry.unchecked_ref();
        let key = pair.get(0).as_string().unwrap_or_default();
        match convert(&pair.get(1), depth + 1, true) {
            Ok(Some(value)) => {
                map.insert(key, value);
            }
            Ok(None) => {}
            Err(f) => return Err(f.at(|| Segment::Key(key))),
        }
    }
    Ok(Some(Value::Object(map)))
}

/// The JSON number serde_json parses from `String(n)` as `JSON.stringify`
/// writes it: integral values below 1e21 are written as digits and parse as
/// u64 / i64 when they fit; everything else is a float; non-finite is `null`.
pub fn number(n: f64) -> Value {
    if !n.is_finite() {
        return Value::Null;
    }
    if n.fract() == 0.0 && n.abs() < 1e21 {
        if (0.0..18_446_744_073_709_551_616.0).contains(&n) {
            return Value::Number(Number::from(n as u64));
        }
        if (-9_223_372_036_854_775_808.0..0.0).contains(&n) {
            return Value::Number(Number::from(n as i64));
        }
    }
    Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null)
}

/// A serde_json value as a JavaScript value (objects keep the map's order).
pub fn from_json(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(from_json).collect::<Array>().into(),
        Value::Object(map) => {
            let o = Object::new();
            for (k, v) in map {
                let _ = Reflect::set(&o, &JsValue::from_str(k), &from_json(v));
            }
            o.into()
        }
    }
}

/// A plain object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        // Defining a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

pub fn violation(v: &Violation) -> JsValue {
    object(&[
        ("path", JsValue::from_str(&v.path)),
        ("code", JsValue::from_str(v.code.as_str())),
        ("message", JsValue::from_str(&v.message)),
    ])
}

pub fn violations(list: &[Violation]) -> Array {
    list.iter().map(violation).collect()
}

/// Violations as one JSON text for `JSON.parse` in JavaScript (one string
/// across the boundary instead of an object and three `Reflect.set` per
/// violation), or `null` when there are none. Hand-written rather than
/// serde_json's writer, which the package does not otherwise link.
pub fn violations_text(list: &[Violation]) -> JsValue {
    if list.is_empty() {
        return JsValue::NULL;
    }
    JsValue::from_str(&violations_json(list))
}

/// `[{"path":…,"code":…,"message":…},…]`: what `JSON.stringify` of
/// `violations(list)` would write, up to escaping.
pub fn violations_json(list: &[Violation]) -> String {
    let mut out = String::with_capacity(64 * list.len() + 2);
    out.push('[');
    for (i, v) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        push_json_str(&mut out, &v.path);
        out.push_str(",\"code\":");
        push_json_str(&mut out, v.code.as_str());
        out.push_str(",\"message\":");
        push_json_str(&mut out, &v.message);
        out.push('}');
    }
    out.push(']');
    out
}

/// `s` as a JSON string literal (a Rust `str` has no lone surrogates, so
/// only quotes, backslashes and control characters need escaping).
fn push_json_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_the_kind_serde_json_parses_from_their_json_text() {
        // What JSON.stringify would write for each f64, parsed by serde_json.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (3.0, "3"),
            (-3.0, "-3"),
            (60.5, "60.5"),
            (9007199254740992.0, "9007199254740992"),
            (-9007199254740992.0, "-9007199254740992"),
            (1.8446744073709552e19, "18446744073709552000"),
            (-9.3e18, "-9300000000000000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
        ];
        for (n, text) in cases {
            let parsed: Value = serde_json::from_str(text).unwrap();
            assert_eq!(number(*n), parsed, "{n} written as {text}");
        }
        assert_eq!(number(f64::NAN), Value::Null);
        assert_eq!(number(f64::INFINITY), Value::Null);
    }

    #[test]
    fn violations_json_is_what_json_parse_reads_back() {
        assert_eq!(violations_json(&[]), "[]");
        let list = [
            Violation::new("a.b[0]", ViolationCode::Min, "must be at least 60"),
            Violation::new("", ViolationCode::Format, "malformed JSON: \"x\\y\"\n\u{1}\u{1f} é 😀"),
        ];
        let text = violations_json(&list);
        let back: Value = serde_json::from_str(&text).unwrap();
        let expected: Vec<Value> = list
            .iter()
            .map(|v| serde_json::json!({"path": v.path, "code": v.code.as_str(), "message": v.message}))
            .collect();
        assert_eq!(back, Value::Array(expected));
        assert!(text.contains("\\u0001\\u001f"), "{text}");
    }

    #[test]
    fn depth_limit_matches_serde_json() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(serde_json::from_str::<Value>(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
    }
}
