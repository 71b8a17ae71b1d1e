//! The few WebCrypto calls the worker makes (`crypto.subtle`), so the wasm
//! carries no RSA, ECDSA or AES code: workerd's own implementation does it.

use worker::js_sys::{self, Reflect, Uint8Array};
use worker::wasm_bindgen::JsValue;

use crate::http::ApiError;
use crate::js::error_text;

pub fn js_error(e: JsValue) -> ApiError {
    ApiError::internal(format!("WebCrypto: {}", error_text(&e)))
}

/// `globalThis.crypto.subtle`.
pub fn subtle() -> Result<JsValue, ApiError> {
    Reflect::get(
        &Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js_error)?,
        &"subtle".into(),
    )
    .map_err(js_error)
}

pub fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

/// The bytes of an `ArrayBuffer` result.
pub fn to_vec(buffer: &JsValue) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}
