//! Calls into the runtime's JavaScript objects by name (a binding's
//! methods, `fetch`, a `Response`), where workers-rs's typed wrappers would
//! bring serde-wasm-bindgen and request types into the wasm (BENCHMARKS.md
//! 0m), and the one way their failures become text.

use worker::js_sys::{self, Array, Function, Object, Promise, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

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
    let text = call(&answer, "text", &Array::new()).await.map_err(|e| error_text(&e))?;
    Ok((status, text.as_string().unwrap_or_default()))
}

/// `target.fetch(url)`, the runtime's `Response` unread.
pub async fn fetched(target: &JsValue, url: &str) -> Result<JsValue, String> {
    call(target, "fetch", &Array::of1(&url.into()))
        .await
        .map_err(|e| error_text(&e))
}

/// A runtime `Response`'s status (0 if it has none).
pub fn status(answer: &JsValue) -> u16 {
    Reflect::get(answer, &"status".into())
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0) as u16
}

/// A plain object `{k: v, ...}` (a WebCrypto algorithm, a rate limiter's
/// `{key}`, a queue message).
pub fn object(fields: &[(&str, JsValue)]) -> Result<JsValue, crate::http::ApiError> {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &(*k).into(), v)
            .map_err(|e| crate::http::ApiError::internal(format!("object {{{k}}}: {}", error_text(&e))))?;
    }
    Ok(o.into())
}

/// A JavaScript failure as text: an `Error`'s message, a thrown string as
/// it is, anything else as wasm-bindgen shows it.
pub fn error_text(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => err.message().into(),
        None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    }
}
