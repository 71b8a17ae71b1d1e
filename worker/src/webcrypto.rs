//! The few WebCrypto calls the worker makes (`crypto.subtle`), so the wasm
//! carries no RSA, ECDSA or AES code: workerd's own implementation does it.

use worker::js_sys::{self, Array, Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

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

/// `target[method](...args)`, awaited.
pub async fn call(target: &JsValue, method: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?
        .dyn_into()
        .map_err(|_| js_sys::Error::new(&format!("{method} is not a function")))?;
    let promise: Promise = f.apply(target, args)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// `target.fetch(url)` (the global scope's, or a binding's such as the
/// static assets'), a GET: the answer's status and text, or why there is
/// none (the runtime's message: a bad URL, a refused connection).
pub async fn get(target: &JsValue, url: &str) -> Result<(u16, String), String> {
    let answer = fetched(target, url).await?;
    let status = status(&answer);
    let text = call(&answer, "text", &Array::new())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok((status, text.as_string().unwrap_or_default()))
}

/// `target.fetch(url)`, the runtime's `Response` unread.
pub async fn fetched(target: &JsValue, url: &str) -> Result<JsValue, String> {
    call(target, "fetch", &Array::of1(&url.into()))
        .await
        .map_err(|e| format!("{e:?}"))
}

/// A runtime `Response`'s status (0 if it has none).
pub fn status(answer: &JsValue) -> u16 {
    Reflect::get(answer, &"status".into())
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0) as u16
}

pub fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

/// The bytes of an `ArrayBuffer` result.
pub fn to_vec(buffer: &JsValue) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}
