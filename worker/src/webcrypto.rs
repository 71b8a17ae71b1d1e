//! The few WebCrypto calls the worker makes (`crypto.subtle`), so the wasm
//! carries no RSA, ECDSA or AES code: workerd's own implementation does it.

use worker::js_sys::{self, Object, Reflect, Uint8Array};
use worker::wasm_bindgen::JsValue;

pub use crate::js::call;

use crate::http::ApiError;

pub fn js_error(e: JsValue) -> ApiError {
    ApiError::internal(format!("WebCrypto: {e:?}"))
}

/// `globalThis.crypto.subtle`.
pub fn subtle() -> Result<JsValue, ApiError> {
    Reflect::get(
        &Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js_error)?,
        &"subtle".into(),
    )
    .map_err(js_error)
}

/// A plain object `{k: v, ...}` (an algorithm description).
pub fn object(fields: &[(&str, JsValue)]) -> Result<JsValue, ApiError> {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &(*k).into(), v).map_err(js_error)?;
    }
    Ok(o.into())
}

pub fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

/// The bytes of an `ArrayBuffer` result.
pub fn to_vec(buffer: &JsValue) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}
