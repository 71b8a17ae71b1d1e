//! Request bodies: JSON only, at most 64 KiB, read as bytes. The shared
//! crate validates a request body's bytes in one pass and then builds its
//! struct (`mdm_core::read_body`); free-form bodies are parsed to a
//! `serde_json::Value` with the same blank / malformed answers.
//!
//! Order of checks, each a clean envelope:
//! 1. `Content-Length` over the cap → 413 / 4130 (nothing is read);
//! 2. `Content-Type` missing or not JSON (`application/json` or `*/*+json`,
//!    parameters such as `charset` ignored) → 415 / 4150;
//! 3. the body is streamed with a running count: over the cap → 413 / 4130
//!    (a chunked body without `Content-Length` is caught here);
//! 4. empty body → 400 / 5209 `{"path": "", "code": "required"}`;
//! 5. not JSON → 400 / 5209 `{"path": "", "code": "format"}`.
//!
//! A request answered before its body is read to the end (any error, or the
//! 413 above) has the rest of its body drained, up to [`DRAIN_LIMIT_BYTES`],
//! so an ordinary client sees the error response instead of a reset
//! connection while it is still uploading.

use futures_util::StreamExt;
use serde_json::Value;

use super::incoming::Incoming;

use super::error::{ApiError, ViolationCode};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How much of an unwanted body is read and discarded before answering.
pub const DRAIN_LIMIT_BYTES: usize = 1024 * 1024;

/// Is this `Content-Type` header value JSON?
pub fn is_json_content_type(value: &str) -> bool {
    let media = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// Checks 1 and 2 from the headers alone.
pub fn check_headers(content_type: Option<&str>, content_length: Option<&str>) -> Result<(), ApiError> {
    if let Some(len) = content_length {
        // An unparsable length is left to the streaming count.
        if let Ok(n) = len.trim().parse::<u64>() {
            if n > MAX_BODY_BYTES as u64 {
                return Err(ApiError::PayloadTooLarge);
            }
        }
    }
    match content_type {
        Some(ct) if is_json_content_type(ct) => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType),
    }
}

/// Checks 4 and 5 on the bytes read.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    mdm_core::parse_body_text(bytes).map_err(|v| ApiError::InvalidInput(vec![v]))
}

/// Read the request body's bytes (checks 1 to 3; the parser does 4 and 5).
pub async fn read_bytes(req: &Incoming) -> Result<Vec<u8>, ApiError> {
    let headers = req.headers();
    let content_type = headers.get("Content-Type")?;
    let content_length = headers.get("Content-Length")?;
    check_headers(content_type.as_deref(), content_length.as_deref())?;
    read_capped(req).await
}

/// Read and parse the request body (all five checks).
pub async fn read_json(req: &Incoming) -> Result<Value, ApiError> {
    parse_json(&read_bytes(req).await?)
}

async fn read_capped(req: &Incoming) -> Result<Vec<u8>, ApiError> {
    // No body at all reads as empty.
    let Some(mut stream) = req.body_stream() else {
        return Ok(Vec::new());
    };
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::invalid("", ViolationCode::Format, "the request body could not be read"))?;
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            discard(&mut stream, buf.len() + chunk.len()).await;
            return Err(ApiError::PayloadTooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// Read and drop what is left of a body nobody will read (see the module
/// docs). A request without a body, or whose body was already read, is left alone.
pub async fn drain(req: &Incoming) {
    if let Some(mut stream) = req.body_stream() {
        discard(&mut stream, 0).await;
    }
}

async fn discard(stream: &mut worker::ByteStream, mut seen: usize) {
    while seen <= DRAIN_LIMIT_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => seen += chunk.len(),
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=utf-8"));
        assert!(is_json_content_type("application/merge-patch+json"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/x-www-form-urlencoded"));
        assert!(!is_json_content_type(""));
    }

    #[test]
    fn header_checks() {
        assert_eq!(check_headers(None, None), Err(ApiError::UnsupportedMediaType));
        assert_eq!(
            check_headers(Some("text/plain"), Some("2")),
            Err(ApiError::UnsupportedMediaType)
        );
        assert_eq!(
            check_headers(Some("application/json"), Some("65537")),
            Err(ApiError::PayloadTooLarge)
        );
        // Size is checked before type: a huge form post is a 413.
        assert_eq!(
            check_headers(Some("text/plain"), Some("9999999")),
            Err(ApiError::PayloadTooLarge)
        );
        assert_eq!(check_headers(Some("application/json"), Some("65536")), Ok(()));
        assert_eq!(check_headers(Some("application/json"), None), Ok(()));
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_json(b" {\"a\": 1} ").unwrap(), serde_json::json!({"a": 1}));
        let e = parse_json(b"{\"a\":").unwrap_err();
        assert_eq!(e.code(), 5209);
        assert_eq!(e.violations()[0].code, ViolationCode::Format);
        let e = parse_json(b"  ").unwrap_err();
        assert_eq!(e.violations()[0].code, ViolationCode::Required);
        // Deep nesting is an error value, not a stack overflow.
        let deep = "[".repeat(10_000);
        assert_eq!(parse_json(deep.as_bytes()).unwrap_err().code(), 5209);
    }
}
