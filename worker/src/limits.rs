//! Abuse limits, with the Workers Rate Limiting binding (Miniflare runs it
//! under `wrangler dev`; the limits are set in wrangler.toml):
//!
//! - every authenticated request counts against its credential
//!   (`API_LIMITER`, default 1,200 in 60 s);
//! - on device-side routes, each *failed* attempt (unknown, used, expired or
//!   deleted credential; wrong device secret) counts against the client's IP
//!   (`DEVICE_FAILURE_LIMITER`, default 300 in 60 s). Successes do not count.
//!   The binding cannot be asked without counting, so an IP it refuses is
//!   remembered by this isolate until the window passes, and its device-side
//!   requests are refused before any work; another isolate learns the same at
//!   the IP's next failure.
//!
//! Over a limit: 429 / 4290 with `Retry-After`. A missing binding (a
//! deployment without the `[[ratelimits]]` entries) limits nothing and logs
//! why. The var `RATE_LIMITS = "off"` turns them off, for test servers whose
//! subject is something else (schemathesis sends thousands of junk
//! enrollments); it is logged on every request it spares.

use std::cell::RefCell;
use std::collections::HashMap;

use worker::js_sys::{Array, Reflect};
use worker::wasm_bindgen::JsValue;
use worker::Env;

use crate::http::ApiError;
use crate::js::{call, error_text, object};

const API_LIMITER: &str = "API_LIMITER";
const DEVICE_FAILURE_LIMITER: &str = "DEVICE_FAILURE_LIMITER";
/// The period both limiters are configured with; what `Retry-After` says.
pub const WINDOW_SECONDS: u32 = 60;

thread_local! {
    /// IPs the failure limiter refused, with when (ms) their block ends.
    static BLOCKED: RefCell<HashMap<String, i64>> = RefCell::new(HashMap::new());
}

/// The client's IP as Cloudflare reports it (`CF-Connecting-IP`).
pub fn client_ip(req: &crate::http::incoming::Incoming) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".into())
}

/// Asks the binding `binding` to count `key`: `limit({key})`, called
/// directly (`js::call`) rather than through workers-rs's
/// `RateLimiter`, whose serde-wasm-bindgen both ways cost the wasm more than
/// this does (BENCHMARKS.md 0m).
async fn allowed(env: &Env, binding: &str, key: String) -> bool {
    if crate::vars::get(env, "RATE_LIMITS").as_deref() == Some("off") {
        worker::console_warn!("RATE_LIMITS is off: {binding} not consulted");
        return true;
    }
    let limiter = Reflect::get(env.as_ref(), &binding.into()).unwrap_or(JsValue::UNDEFINED);
    if limiter.is_undefined() || limiter.is_null() {
        worker::console_warn!("no rate limiter binding {binding}: not limiting");
        return true;
    }
    let answer = match object(&[("key", key.into())]) {
        Ok(options) => call(&limiter, "limit", &Array::of1(&options))
            .await
            .map_err(|e| error_text(&e)),
        Err(e) => Err(e.to_string()),
    };
    match answer.map(|outcome| Reflect::get(&outcome, &"success".into()).ok().and_then(|s| s.as_bool())) {
        Ok(Some(success)) => success,
        Ok(None) => {
            worker::console_error!("rate limiter {binding} answered no success; not limiting");
            true
        }
        Err(e) => {
            worker::console_error!("rate limiter {binding} failed: {e}; not limiting");
            true
        }
    }
}

/// One authenticated request by the credential `key` (a digest, never the credential).
pub async fn authenticated(env: &Env, key: &str) -> Result<(), ApiError> {
    if allowed(env, API_LIMITER, format!("cred:{key}")).await {
        Ok(())
    } else {
        Err(ApiError::TooManyRequests(WINDOW_SECONDS))
    }
}

/// Refuse a device-side request from an IP this isolate saw go over the limit.
pub fn device_gate(ip: &str, now_ms: i64) -> Result<(), ApiError> {
    let blocked = BLOCKED.with(|b| {
        let mut b = b.borrow_mut();
        b.retain(|_, until| *until > now_ms);
        b.get(ip).copied()
    });
    match blocked {
        Some(until) => Err(ApiError::TooManyRequests(((until - now_ms) / 1000).max(1) as u32)),
        None => Ok(()),
    }
}

/// Count a failed device-side attempt; past the limit the answer becomes 429.
pub async fn device_failure(env: &Env, ip: &str, now_ms: i64, failure: ApiError) -> ApiError {
    if allowed(env, DEVICE_FAILURE_LIMITER, format!("ip:{ip}")).await {
        return failure;
    }
    BLOCKED.with(|b| {
        b.borrow_mut()
            .insert(ip.to_string(), now_ms + i64::from(WINDOW_SECONDS) * 1000)
    });
    ApiError::TooManyRequests(WINDOW_SECONDS)
}

/// Is `err` a failed device-side attempt (a credential that does not work)?
pub fn is_device_failure(err: &ApiError) -> bool {
    matches!(
        err,
        ApiError::NotFound | ApiError::InvalidStateTransition | ApiError::InvalidToken | ApiError::NoAuthToken
    )
}
