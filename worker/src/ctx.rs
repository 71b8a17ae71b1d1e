//! Per-request context handed to every handler.

use serde_json::{Map, Value};
use worker::{Env, Request};

use crate::auth::{self, Principal};
use crate::db::Db;
use crate::http::query::Query;
use crate::http::{body, ApiError};
use crate::router::Params;

pub struct Ctx {
    pub req: Request,
    pub env: Env,
    /// Captured `:name` path segments.
    pub params: Params,
    /// Decoded query string.
    pub query: Query,
    /// Request time, milliseconds since the epoch (one clock read per request).
    pub now_ms: i64,
}

impl Ctx {
    /// The D1 database (`DB` binding).
    pub fn db(&self) -> Result<Db, ApiError> {
        Db::from_env(&self.env)
    }

    /// The captured path segment `:name`.
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name)
    }

    /// Verify the bearer token: 401 / 4002 without one, 401 / 4004 if invalid.
    /// A worker without `AUTH_SECRET` refuses every token (and logs why).
    pub fn authenticate(&self) -> Result<Principal, ApiError> {
        let header = self.req.headers().get("Authorization")?;
        let token = auth::bearer_token(header.as_deref())?;
        let secret = self.string_binding(auth::SECRET_BINDING).unwrap_or_default();
        if secret.is_empty() {
            worker::console_error!("{} is not configured: every token is refused", auth::SECRET_BINDING);
            return Err(ApiError::InvalidToken);
        }
        auth::verify(token, secret.as_bytes(), self.now_ms.div_euclid(1000))
    }

    /// Authenticate and require one permission (401 / 403).
    pub fn require(&self, perm: &str) -> Result<Principal, ApiError> {
        let principal = self.authenticate()?;
        principal.require(perm)?;
        Ok(principal)
    }

    /// The body's bytes, for a request body's validator (415 / 413 as
    /// documented in `http::body`).
    pub async fn body_bytes(&mut self) -> Result<Vec<u8>, ApiError> {
        body::read_bytes(&mut self.req).await
    }

    /// The JSON body (415 / 413 / 400 as documented in `http::body`).
    pub async fn json(&mut self) -> Result<Value, ApiError> {
        body::read_json(&mut self.req).await
    }

    /// The JSON body, which must be an object.
    pub async fn json_object(&mut self) -> Result<Map<String, Value>, ApiError> {
        body::read_json_object(&mut self.req).await
    }

    /// A `[vars]` entry or secret, if set.
    pub fn string_binding(&self, name: &str) -> Option<String> {
        self.env.var(name).ok().map(|v| v.to_string())
    }
}
