//! Boundary variants of `validate` for bench/validation/boundary.mjs. The
//! package's own `validate` (a hand-written JsValue walk with JSON.stringify
//! semantics, crates/mdm-wasm/src/convert.rs) and `validateJson` (text) come in
//! through the mdm-wasm rlib; these add serde-wasm-bindgen and variants that
//! skip building the JavaScript violation objects.


use mdm_core::catalog;
use mdm_wasm::convert as conv;
use serde_json::Value;
use wasm_bindgen::prelude::*;

// Keep the package's exports (validate, validateJson, ...) in this cdylib.
pub use mdm_wasm::*;

/// serde-wasm-bindgen: `from_value::<serde_json::Value>`, then the same validator.
#[wasm_bindgen(js_name = validateSwb)]
pub fn validate_swb(name: &str, body: JsValue) -> Result<js_sys::Array, JsValue> {
    let value: Value = serde_wasm_bindgen::from_value(body).map_err(JsValue::from)?;
    let v = catalog::violations_of(name, &value).ok_or_else(|| JsValue::from_str("unknown body"))?;
    Ok(conv::violations(&v))
}

/// The package's object walk, returning only the violation count.
#[wasm_bindgen(js_name = countObject)]
pub fn count_object(name: &str, body: JsValue) -> u32 {
    match conv::to_json(&body) {
        Ok(v) => catalog::violations_of(name, &v.unwrap_or(Value::Null)).map_or(0, |v| v.len() as u32),
        Err(_) => 1,
    }
}

/// JSON text in, only the violation count out.
#[wasm_bindgen(js_name = countText)]
pub fn count_text(name: &str, text: &str) -> u32 {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => catalog::violations_of(name, &v).map_or(0, |v| v.len() as u32),
        Err(_) => 1,
    }
}

/// Only the parse, no validation: what serde_json alone costs.
#[wasm_bindgen(js_name = parseOnly)]
pub fn parse_only(text: &str) -> u32 {
    serde_json::from_str::<Value>(text).map_or(0, |v| v.as_object().map_or(0, |m| m.len() as u32))
}

/// Violations as one JSON text (JSON.parse on the JS side) instead of one JS
/// object per violation built through the boundary.
#[wasm_bindgen(js_name = validateJsonText)]
pub fn validate_json_text(name: &str, text: &str) -> String {
    let v = match serde_json::from_str::<Value>(text) {
        Ok(v) => catalog::violations_of(name, &v).unwrap_or_default(),
        Err(_) => return String::from("[{\"path\":\"\",\"code\":\"format\",\"message\":\"malformed JSON\"}]"),
    };
    let mut out = String::from("[");
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        push_json_str(&mut out, &x.path);
        out.push_str(",\"code\":\"");
        out.push_str(x.code.as_str());
        out.push_str("\",\"message\":");
        push_json_str(&mut out, &x.message);
        out.push('}');
    }
    out.push(']');
    out
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
