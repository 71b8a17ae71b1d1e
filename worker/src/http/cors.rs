//! CORS for JavaScript consumers on other origins (the npm package's client
//! in a dashboard). Only the exact origins listed in `CORS_ORIGINS`
//! (comma-separated) get CORS headers and answered preflights; any other
//! origin gets none, so the browser keeps its same-origin rule.

use worker::{Headers, Response};

use super::ApiError;

/// Request headers a cross-origin caller may send.
const ALLOWED_HEADERS: &str = "authorization, content-type, idempotency-key, x-device-secret, x-d1-bookmark";
/// Response headers a cross-origin caller may read.
const EXPOSED_HEADERS: &str = "allow, retry-after, x-d1-bookmark";
/// How long a browser may cache a preflight answer, in seconds.
const MAX_AGE: &str = "600";

/// Is `origin` one of the comma-separated `allowed` origins (exact match)?
pub fn allows(allowed: &str, origin: &str) -> bool {
    !origin.is_empty() && allowed.split(',').map(str::trim).any(|o| o == origin)
}

/// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin.
pub fn preflight(origin: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")?;
    headers.set("Access-Control-Allow-Headers", ALLOWED_HEADERS)?;
    headers.set("Access-Control-Max-Age", MAX_AGE)?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    let mut resp = Response::builder().with_status(204).with_headers(headers).empty();
    decorate(&mut resp, origin)?;
    Ok(resp)
}

/// The CORS headers of an answer to an allowed origin.
pub fn decorate(resp: &mut Response, origin: &str) -> Result<(), ApiError> {
    let h = resp.headers_mut();
    h.set("Access-Control-Allow-Origin", origin)?;
    h.set("Access-Control-Expose-Headers", EXPOSED_HEADERS)?;
    h.append("Vary", "Origin")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::allows;

    #[test]
    fn exact_origins_only() {
        let list = "https://dash.example.com, http://127.0.0.1:9000";
        assert!(allows(list, "https://dash.example.com"));
        assert!(allows(list, "http://127.0.0.1:9000"));
        assert!(!allows(list, "https://dash.example.com.evil.test"));
        assert!(!allows(list, "http://127.0.0.1:9001"));
        assert!(!allows(list, ""));
        assert!(!allows("", "https://dash.example.com"));
    }
}
