//! Per-request context handed to every handler.

use serde_json::Value;
use worker::{Env, Request};

use crate::auth::Principal;
use crate::db::Db;
use crate::http::query::Query;
use crate::http::{body, ApiError};

pub struct Ctx {
    pub req: Request,
    pub env: Env,
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

    /// Resolve the request's credential (see [`crate::identity`]): 401 / 4002
    /// without one, 401 / 4004 if invalid, 503 / 5030 if the identity
    /// provider cannot be reached.
    pub async fn authenticate(&self) -> Result<Principal, ApiError> {
        crate::identity::authenticate(self).await
    }

    /// The JSON body (415 / 413 / 400 as documented in `http::body`).
    pub async fn json(&mut self) -> Result<Value, ApiError> {
        body::read_json(&mut self.req).await
    }

    /// The origin devices contact to enroll (`https://mdm.example.com`), for
    /// every platform: `ENROLLMENT_HOST` (a URL, or a bare host meaning
    /// https), else this request's own origin. Never empty.
    pub fn enrollment_host(&self) -> String {
        let configured = self.string_binding("ENROLLMENT_HOST").unwrap_or_default();
        let configured = configured.trim().trim_end_matches('/');
        if configured.is_empty() {
            return self
                .req
                .url()
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|_| "https://localhost".into());
        }
        if configured.contains("://") {
            configured.to_string()
        } else {
            format!("https://{configured}")
        }
    }

    /// A `[vars]` entry or secret, if set.
    pub fn string_binding(&self, name: &str) -> Option<String> {
        self.env.var(name).ok().map(|v| v.to_string())
    }
}
