//! `GET /v1/me`: who the bearer token says the caller is (any valid token).
//! Handy to check a minted token; the e2e tests use it for 4002 / 4004.

use serde_json::json;
use worker::Response;

use crate::ctx::Ctx;
use crate::http::{ok, ApiError};

pub async fn get(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let p = ctx.authenticate()?;
    ok(&json!({ "sub": p.sub, "orgs": p.orgs, "perms": p.perms, "exp": p.exp }))
}
