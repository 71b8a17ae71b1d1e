//! `GET /v1/me`: who the bearer token says the caller is (any valid token).
//! Handy to check a minted token; the e2e tests use it for 4002 / 4004.

use serde_json::json;
use worker::Response;

use mdm_core::schema::{array, string, Field, Schema, NON_NEGATIVE_SAFE_INTEGER};

use crate::ctx::Ctx;
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};

/// What `GET /v1/me` answers.
pub const ME: Schema = Schema::Object(&[
    Field::required("sub", string().schema(), "The token's subject."),
    Field::required("orgs", array(&string().schema()), "Organizations it may see."),
    Field::required("perms", array(&string().schema()), "Permissions it holds."),
    Field::required("exp", NON_NEGATIVE_SAFE_INTEGER, "Expiry, seconds since the epoch."),
]);

pub async fn get(_ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let p = scope.caller()?;
    ok(&json!({ "sub": p.sub, "orgs": p.orgs, "perms": p.perms, "exp": p.exp }))
}
