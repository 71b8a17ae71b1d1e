//! Per-request context handed to every handler.

use serde_json::Value;
use worker::Env;

use crate::auth::Principal;
use std::cell::OnceCell;

use crate::db::{Db, BOOKMARK_HEADER};
use crate::http::incoming::Incoming;
use crate::http::query::Query;
use crate::http::{body, ApiError, ViolationCode};

pub struct Ctx {
    pub req: Incoming,
    pub env: Env,
    /// The request's D1 session, opened at the first `db()`.
    db: OnceCell<Db>,
    /// The `Authorization` header, once read ([`Ctx::authorization`]).
    authorization: OnceCell<Option<String>>,
    /// [`Ctx::credential_hash`], once worked out.
    credential: OnceCell<String>,
    /// The client's `x-d1-bookmark`, if it sent one.
    bookmark: Option<String>,
    /// Decoded query string.
    pub query: Query,
    /// Request time, milliseconds since the epoch (one clock read per request).
    pub now_ms: i64,
}

impl Ctx {
    pub fn new(req: Incoming, env: Env, query: Query, now_ms: i64) -> Result<Self, ApiError> {
        let bookmark = req.headers().get(BOOKMARK_HEADER)?;
        if let Some(b) = &bookmark {
            check_bookmark(b)?;
        }
        Ok(Self {
            req,
            env,
            db: OnceCell::new(),
            authorization: OnceCell::new(),
            credential: OnceCell::new(),
            bookmark,
            query,
            now_ms,
        })
    }

    /// The D1 database: one session per request (see [`Db::session`]).
    pub fn db(&self) -> Result<Db, ApiError> {
        if let Some(db) = self.db.get() {
            return Ok(db.clone());
        }
        let db = Db::session(&self.env, self.bookmark.as_deref())?;
        Ok(self.db.get_or_init(|| db).clone())
    }

    /// Did the client send an `x-d1-bookmark` (ask to read at least that state)?
    pub fn sent_bookmark(&self) -> bool {
        self.bookmark.is_some()
    }

    /// What the request asked of D1 (nothing if it opened no session).
    pub fn trips(&self) -> crate::db::Trips {
        self.db.get().map(Db::trips).unwrap_or_default()
    }

    /// The bookmark of the request's D1 session, if it opened one.
    pub fn bookmark(&self) -> Option<String> {
        self.db.get().and_then(Db::bookmark)
    }

    /// Resolve the request's credential (see [`crate::identity`]): 401 / 4002
    /// without one, 401 / 4004 if invalid, 503 / 5030 if the identity
    /// provider cannot be reached.
    /// A read may use a credential's row cached in this isolate (`fresh`).
    pub async fn authenticate(&self, fresh: crate::isolate_cache::Fresh) -> Result<Principal, ApiError> {
        crate::identity::authenticate(self, fresh).await
    }

    /// The JSON body (415 / 413 / 400 as documented in `http::body`).
    pub async fn json(&mut self) -> Result<Value, ApiError> {
        body::read_json(&self.req).await
    }

    /// A digest of the bearer credential: what rate limits and idempotency
    /// keys count by, so the credential itself is never a key anywhere.
    pub fn credential_digest(&self) -> Result<String, ApiError> {
        Ok(self.credential_hash()?[..32].to_string())
    }

    /// The `Authorization` header, read once per request.
    pub fn authorization(&self) -> Result<Option<&str>, ApiError> {
        if self.authorization.get().is_none() {
            let header = self.req.headers().get("Authorization")?;
            let _ = self.authorization.set(header);
        }
        Ok(self.authorization.get().and_then(Option::as_deref))
    }

    /// The whole SHA-256 (hex) of the request's credential header, worked
    /// out once per request: what a verification kept in this isolate is
    /// found by (`identity::signed`), and the start of
    /// [`Ctx::credential_digest`].
    pub fn credential_hash(&self) -> Result<&str, ApiError> {
        if let Some(hash) = self.credential.get() {
            return Ok(hash);
        }
        // Behind Cloudflare Access a person's requests may carry only Access'
        // assertion: it is their credential then, so people do not share one count.
        let hash = match self.authorization()? {
            Some(header) => crate::routes::credentials::secret_hash(header),
            None => {
                let assertion = self.req.headers().get(crate::identity::CF_ACCESS_HEADER)?;
                crate::routes::credentials::secret_hash(&assertion.unwrap_or_default())
            }
        };
        Ok(self.credential.get_or_init(|| hash))
    }

    /// The origin devices contact to enroll (`https://mdm.example.com`), for
    /// every platform: `ENROLLMENT_HOST` (a URL, or a bare host meaning
    /// https), else this request's own origin. Never empty, and never
    /// cleartext outside `ENVIRONMENT = "development"`: a device must not be
    /// sent to an http:// link, so that is a logged 500 instead.
    pub fn enrollment_host(&self) -> Result<String, ApiError> {
        let configured = self.string_binding("ENROLLMENT_HOST").unwrap_or_default();
        let configured = configured.trim().trim_end_matches('/');
        let host = if configured.is_empty() {
            self.req.origin()?
        } else if configured.contains("://") {
            configured.to_string()
        } else {
            format!("https://{configured}")
        };
        let development = self.string_binding("ENVIRONMENT").as_deref() == Some("development");
        if host.starts_with("https://") || development {
            Ok(host)
        } else {
            Err(ApiError::internal(format!(
                "ENROLLMENT_HOST must be an https:// origin outside ENVIRONMENT=development; it is {host:?}"
            )))
        }
    }

    /// A `[vars]` entry or secret, if set.
    pub fn string_binding(&self, name: &str) -> Option<String> {
        crate::vars::get(&self.env, name)
    }
}

/// A bookmark is D1's opaque token; refuse anything that cannot be one
/// rather than let D1 fail on it later with a 500.
fn check_bookmark(b: &str) -> Result<(), ApiError> {
    let ok = !b.is_empty() && b.len() <= 256 && b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            BOOKMARK_HEADER,
            ViolationCode::Format,
            "must be a bookmark this API returned in x-d1-bookmark",
        ))
    }
}
