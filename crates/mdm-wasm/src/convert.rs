//! Plain JavaScript objects from Rust values (page counters). Request
//! bodies and violations never come through here:
//! they cross as JSON text (see `check` in lib.rs and pkg/src/validate.js).

use js_sys::{Object, Reflect};
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
