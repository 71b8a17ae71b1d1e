//! Plain JavaScript objects from Rust values (list queries, page counters,
//! violations of a list query). Request bodies never come through here:
//! they cross as JSON text (see `check` in lib.rs and pkg/src/validate.js).

use js_sys::{Array, Object, Reflect};
use mdm_core::violation::Violation;
use wasm_bindgen::JsValue;

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
