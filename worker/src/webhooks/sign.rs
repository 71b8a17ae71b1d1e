//! The Standard Webhooks signature, HMAC-SHA256 in WebCrypto.

use worker::js_sys::Array;
use worker::wasm_bindgen::JsValue;

use crate::http::ApiError;
use crate::js::{call, object};
use crate::webcrypto::{bytes, js_error, subtle, to_vec};

/// The headers of one attempt: `webhook-id`, `webhook-timestamp`,
/// `webhook-signature` (`v1,<base64 HMAC-SHA256(id.timestamp.body)>`), keyed
/// by the secret's bytes after `whsec_`.
pub async fn headers(
    secret: &str,
    message_id: &str,
    timestamp_s: i64,
    body: &str,
) -> Result<[(&'static str, String); 3], ApiError> {
    let key = mdm_core::webhooks::secret_key(secret)
        .ok_or_else(|| ApiError::internal("a stored webhook secret is not whsec_<base64>"))?;
    let content = mdm_core::webhooks::signed_content(message_id, timestamp_s, body);
    let mac = hmac_sha256(&key, content.as_bytes()).await?;
    Ok([
        ("webhook-id", message_id.to_string()),
        ("webhook-timestamp", timestamp_s.to_string()),
        ("webhook-signature", mdm_core::webhooks::signature_header(&mac)),
    ])
}

async fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<Vec<u8>, ApiError> {
    let subtle = subtle()?;
    let alg = object(&[("name", "HMAC".into()), ("hash", "SHA-256".into())])?;
    let usages = Array::of1(&"sign".into());
    let args = Array::of5(&"raw".into(), &bytes(key), &alg, &JsValue::FALSE, &usages);
    let crypto_key = call(&subtle, "importKey", &args).await.map_err(js_error)?;
    let args = Array::of3(&"HMAC".into(), &crypto_key, &bytes(data));
    let mac = call(&subtle, "sign", &args).await.map_err(js_error)?;
    Ok(to_vec(&mac))
}
